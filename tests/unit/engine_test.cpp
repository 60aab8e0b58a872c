// The client engine against the in-process scripted server: full and
// resumed handshakes, HelloRetryRequest (with and without a PSK), declines
// and fallbacks, ticket lifetimes under an injected clock, post-handshake
// messages, the RFC 8446 §4.2.11 / §4.1 checks on ServerHello, and secret
// wiping. Every expected alert cites its rule.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "handshake/client_access.h"
#include "handshake/messages.h"
#include "mactls/client.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/recording_ticket_store.h"
#include "support/scripted_server.h"
#include "support/scripted_server_test.h"
#include "support/vectors.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;
using test::cert_spec;
using test::CertSpec;
using test::KeyKind;

// Rewrites the extensions block of a ServerHello/HRR message.
void edit_extensions(Bytes& msg, const std::function<void(std::vector<std::pair<uint16_t, Bytes>>&)>& edit) {
  Reader r(ByteView(msg).sub(4));
  ByteView head, sid, exts;
  EXPECT_TRUE(r.bytes(34, head) && r.vec8(sid));
  ByteView tail;
  EXPECT_TRUE(r.bytes(3, tail) && r.vec16(exts));
  std::vector<std::pair<uint16_t, Bytes>> list;
  Reader e(exts);
  while (!e.empty()) {
    uint16_t t = 0;
    ByteView d;
    EXPECT_TRUE(e.u16(t) && e.vec16(d));
    list.push_back({t, d.to_bytes()});
  }
  edit(list);
  Bytes body;
  Writer w(body);
  w.bytes(head);
  w.vec8(sid);
  w.bytes(tail);
  size_t at = w.open_block(2);
  for (auto& x : list) {
    w.u16(x.first);
    w.vec16(ByteView(x.second));
  }
  w.close_block(at, 2);
  Bytes out;
  append_handshake(out, HandshakeType(msg[0]), ByteView(body));
  msg.swap(out);
}

bool is_type(const Bytes& msg, HandshakeType t) { return !msg.empty() && msg[0] == uint8_t(t); }

class Engine : public ScriptedServerTest {
 protected:
  // One connection; returns the client's status.
  Status connect(const ServerScript& script, ConnectionInfo* info = nullptr, size_t chunk = 0,
                 std::unique_ptr<ScriptedServer>* keep = nullptr) {
    auto server = std::make_unique<ScriptedServer>(identity_ ? *identity_ : *id_, script, &book_);
    Client client(cfg_, host_, 443);
    LoopbackResult r = run_loopback(client, *server, chunk, "ping");
    last_server_ok_ = r.server_ok;
    last_server_error_ = server->error();
    last_resumed_ = server->resumed();
    last_hrr_ = server->hello_retry_sent();
    last_alerts_ = server->alerts();
    last_secret_bytes_ = ClientAccess::secret_bytes_held(client);
    last_state_ = client.state();
    if (r.client_status.is_ok()) {
      Bytes out;
      EXPECT_TRUE(client.close(out).is_ok());
      last_secret_bytes_after_close_ = ClientAccess::secret_bytes_held(client);
      (void)server->receive(ByteView(out), out);
      last_alerts_ = server->alerts();
    }
    if (info) *info = client.info();
    if (keep) *keep = std::move(server);
    return r.client_status;
  }

  const ServerIdentity* identity_ = nullptr;  // nullptr: the suite's identity
  std::string host_ = kHost;                  // the name the client is given
  bool last_server_ok_ = true, last_resumed_ = false, last_hrr_ = false;
  std::string last_server_error_;
  std::vector<uint8_t> last_alerts_;
  size_t last_secret_bytes_ = 0, last_secret_bytes_after_close_ = 1;
  Client::State last_state_ = Client::State::idle;
};

TEST_F(Engine, FullHandshakeVerifiesTheChainAndStoresTickets) {
  ConnectionInfo info;
  Status s = connect(ServerScript(), &info);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_EQ(info.version, 0x0304);
  EXPECT_EQ(info.cipher_suite, 0x1301);
  EXPECT_EQ(info.group, 0x001d);
  EXPECT_EQ(info.signature_scheme, 0x0807);
  EXPECT_FALSE(info.resumed);
  EXPECT_FALSE(info.ticket_offered);
  EXPECT_TRUE(info.psk_modes_sent);
  EXPECT_EQ(info.tickets_received, 2u);
  EXPECT_EQ(info.tickets_stored, 2u);
  EXPECT_EQ(store_.size(), 2u);
  EXPECT_FALSE(info.peer_identity.empty());
  EXPECT_EQ(info.peer_chain.size(), 2u);
  // close_notify reached the server, and every key is gone after close().
  ASSERT_FALSE(last_alerts_.empty());
  EXPECT_EQ(last_alerts_.back(), 0);
  EXPECT_EQ(last_secret_bytes_after_close_, 0u);
}

TEST_F(Engine, SecondConnectionResumesWithoutCertificates) {
  ConnectionInfo first, second;
  ASSERT_TRUE(connect(ServerScript(), &first).is_ok());
  Status s = connect(ServerScript(), &second);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(last_resumed_) << "the server accepted the binder and resumed";
  EXPECT_TRUE(second.ticket_offered);
  EXPECT_TRUE(second.resumed);
  EXPECT_FALSE(second.declined);
  EXPECT_EQ(second.signature_scheme, 0);
  EXPECT_TRUE(second.peer_chain.empty());
  EXPECT_EQ(second.peer_identity, first.peer_identity) << "identity inherited from the ticket";
  EXPECT_EQ(second.auth_unix_s, first.auth_unix_s) << "authentication time inherited";
  EXPECT_EQ(second.tickets_stored, 2u);
  EXPECT_EQ(store_.size(), 3u) << "one ticket spent, two new ones";
}

TEST_F(Engine, OneByteAtATimeCompletesFullAndResumed) {
  ConnectionInfo info;
  Status s = connect(ServerScript(), &info, 1);
  ASSERT_TRUE(s.is_ok()) << s.what();
  s = connect(ServerScript(), &info, 1);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_TRUE(info.resumed);
}

TEST_F(Engine, HelloRetryRequestForAGroupWithoutShare) {
  ServerScript script;
  script.groups = {0x0018};
  script.send_hrr_cookie = true;
  ConnectionInfo info;
  std::unique_ptr<ScriptedServer> server;
  Status s = connect(script, &info, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(info.hello_retry);
  EXPECT_EQ(info.group, 0x0018);
  EXPECT_EQ(server->client_hellos(), 2u);
  // §4.1.2: the second ClientHello echoes the cookie.
  const Bytes& ch2 = server->last_client_hello();
  std::string hex2 = to_hex(ByteView(ch2));
  EXPECT_NE(hex2.find("002c00060004c00c1e55"), std::string::npos);
}

TEST_F(Engine, ResumesAfterHelloRetryRequestWithARecomputedBinder) {
  ServerScript script;
  script.groups = {0x0018};
  ASSERT_TRUE(connect(script).is_ok());
  ConnectionInfo info;
  Status s = connect(script, &info);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(last_hrr_);
  EXPECT_TRUE(last_resumed_);
  EXPECT_TRUE(info.resumed);
  EXPECT_TRUE(info.hello_retry);
}

TEST_F(Engine, PskWithAnotherHashIsDroppedAfterHelloRetryRequest) {
  ServerScript sha384;
  sha384.suites = {0x1302};
  ConnectionInfo first;
  ASSERT_TRUE(connect(sha384, &first).is_ok());
  ASSERT_EQ(first.cipher_suite, 0x1302);
  ServerScript retry;
  retry.suites = {0x1301};
  retry.groups = {0x0018};
  ConnectionInfo info;
  std::unique_ptr<ScriptedServer> server;
  Status s = connect(retry, &info, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(info.ticket_offered);
  EXPECT_TRUE(info.psk_dropped_after_hrr);
  EXPECT_FALSE(info.resumed);
  EXPECT_EQ(info.signature_scheme, 0x0807) << "full handshake";
  EXPECT_EQ(server->client_hellos(), 2u);
  EXPECT_FALSE(server->last_hello_had_psk()) << "§4.1.4: the PSK is withdrawn from ClientHello2";
}

TEST_F(Engine, DeclinedTicketFallsBackToAFullHandshakeOnTheSameConnection) {
  ASSERT_TRUE(connect(ServerScript()).is_ok());
  ServerScript decline;
  decline.accept_psk = false;
  ConnectionInfo info;
  Status s = connect(decline, &info);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_TRUE(info.ticket_offered);
  EXPECT_TRUE(info.declined);
  EXPECT_FALSE(info.resumed);
  EXPECT_EQ(info.signature_scheme, 0x0807);
  EXPECT_EQ(info.tickets_stored, 2u);
}

TEST_F(Engine, ExpiredTicketsAreNotOffered) {
  ServerScript script;
  script.ticket_lifetime = 60;
  ASSERT_TRUE(connect(script).is_ok());
  clock_.advance_ms(61 * 1000);
  ConnectionInfo info;
  ASSERT_TRUE(connect(script, &info).is_ok());
  EXPECT_FALSE(info.ticket_offered);
}

TEST_F(Engine, LifetimeZeroIsNotStored) {
  ServerScript script;
  script.ticket_lifetime = 0;
  ConnectionInfo info;
  ASSERT_TRUE(connect(script, &info).is_ok());
  EXPECT_EQ(info.tickets_received, 2u);
  EXPECT_EQ(info.tickets_stored, 0u);
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(Engine, LifetimeAboveSevenDaysIsCapped) {
  ServerScript script;
  script.num_tickets = 1;
  script.ticket_lifetime = 8 * 24 * 3600;
  ASSERT_TRUE(connect(script).is_ok());
  ASSERT_EQ(store_.size(), 1u);
  clock_.advance_ms(uint64_t(7 * 24 * 3600 + 1) * 1000);
  ConnectionInfo info;
  ASSERT_TRUE(connect(script, &info).is_ok());
  EXPECT_FALSE(info.ticket_offered) << "capped at 7 days (RFC 8446 §4.6.1)";
}

TEST_F(Engine, TicketsOnAResumedConnectionInheritTheOriginalAuthentication) {
  RecordingTicketStore rec;
  cfg_.tickets = &rec;
  ConnectionInfo first, second;
  ASSERT_TRUE(connect(ServerScript(), &first).is_ok());
  clock_.advance_ms(3600 * 1000);
  ASSERT_TRUE(connect(ServerScript(), &second).is_ok());
  ASSERT_TRUE(second.resumed);
  ASSERT_GE(rec.inserted_tickets().size(), 4u);
  for (const Ticket& t : rec.inserted_tickets()) {
    EXPECT_EQ(t.auth_unix_s, first.auth_unix_s);
    EXPECT_EQ(t.peer_identity, first.peer_identity);
  }
}

TEST_F(Engine, MalformedNewSessionTicketIsDecodeErrorAndLeavesTheStoreUnchanged) {
  ServerScript script;
  script.num_tickets = 1;
  script.after_handshake = [](ScriptedServer& s, Bytes& out) {
    // ticket_nonce claims 9 bytes but 8 follow (then nothing).
    Bytes bad = test::hex("04000011" "00001c20" "01020304" "09" "0102030405060708" "0000");
    s.send_handshake(ByteView(bad), out);
  };
  ConnectionInfo info;
  Status s = connect(script, &info);
  EXPECT_EQ(s.alert(), Alert::decode_error) << s.what();
  EXPECT_EQ(store_.size(), 1u) << "the good ticket before it stays stored";
  ASSERT_FALSE(last_alerts_.empty());
  EXPECT_EQ(last_alerts_.back(), uint8_t(Alert::decode_error));
  EXPECT_EQ(last_secret_bytes_, 0u) << "failure wipes every secret";
}

TEST_F(Engine, KeyUpdateRequestedIsAnsweredAndDataKeepsFlowing) {
  ServerScript script;
  script.after_handshake = [](ScriptedServer& s, Bytes& out) {
    s.send_key_update(true, out);
    const char msg[] = "after-update";
    s.send_app(ByteView(reinterpret_cast<const uint8_t*>(msg), sizeof msg - 1), out);
  };
  std::unique_ptr<ScriptedServer> server;
  Status s = connect(script, nullptr, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(last_server_ok_) << last_server_error_;
  EXPECT_EQ(server->received(), "ping");
}

TEST_F(Engine, CertificateRequestIsAnsweredWithAnEmptyCertificate) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::encrypted_extensions)) {
      // EE then CertificateRequest{context<0>, signature_algorithms}.
      append_handshake(m, HandshakeType::certificate_request, test::hex("00" "0008" "000d000400020807"));
    }
    return true;
  };
  std::unique_ptr<ScriptedServer> server;
  ConnectionInfo info;
  Status s = connect(script, &info, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(server->client_sent_empty_certificate()) << "RFC 8446 §4.4.2: no client certificate, empty list";
  EXPECT_TRUE(server->handshake_done());
  EXPECT_EQ(server->received(), "ping");
}

TEST_F(Engine, NothingIsProcessedAfterThePeersCloseNotify) {
  auto server = std::make_unique<ScriptedServer>(*id_, ServerScript(), &book_);
  Client client(cfg_, kHost, 443);
  LoopbackResult r = run_loopback(client, *server, 0, "ping");
  ASSERT_TRUE(r.client_status.is_ok()) << r.client_status.what();
  Bytes from_server, out;
  const uint8_t close_notify[2] = {1, 0};
  server->send_record(21, ByteView(close_notify, 2), from_server);
  size_t used = 0;
  ASSERT_TRUE(client.feed(from_server.data(), from_server.size(), &used, out).is_ok());
  EXPECT_EQ(client.state(), Client::State::peer_closed);
  // Application data after close_notify is ignored, not delivered.
  Bytes late;
  const char data[] = "late";
  server->send_app(ByteView(reinterpret_cast<const uint8_t*>(data), 4), late);
  ASSERT_TRUE(client.feed(late.data(), late.size(), &used, out).is_ok());
  EXPECT_EQ(used, late.size());
  EXPECT_EQ(client.readable(), 0u);
  EXPECT_EQ(client.state(), Client::State::peer_closed);
}

TEST_F(Engine, OutOfOrderMessagesAreUnexpected) {
  struct Case {
    const char* name;
    std::function<bool(Bytes&)> drop;
  };
  const Case cases[] = {
      {"Finished before Certificate (Certificate and CertificateVerify dropped)",
       [](Bytes& m) { return !is_type(m, HandshakeType::certificate) && !is_type(m, HandshakeType::certificate_verify); }},
      {"Certificate before EncryptedExtensions (EncryptedExtensions dropped)",
       [](Bytes& m) { return !is_type(m, HandshakeType::encrypted_extensions); }},
      {"Finished without CertificateVerify",
       [](Bytes& m) { return !is_type(m, HandshakeType::certificate_verify); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServerScript script;
    script.tamper_message = c.drop;
    Status s = connect(script);
    EXPECT_EQ(s.alert(), Alert::unexpected_message) << s.what();
    ASSERT_FALSE(last_alerts_.empty());
    EXPECT_EQ(last_alerts_.back(), uint8_t(Alert::unexpected_message));
  }
}

// --- hostile records (bounded work and memory, the right alert)

TEST_F(Engine, EndlessEmptyHandshakeFragmentsAreRefused) {
  ServerScript script;
  script.tamper_flight = [](Bytes& f) {
    // Before the ServerHello: 40 plaintext handshake records of length 0.
    Bytes junk;
    for (int i = 0; i < 40; ++i) junk.insert(junk.end(), {22, 3, 3, 0, 0});
    f.insert(f.begin(), junk.begin(), junk.end());
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::unexpected_message) << s.what();
}

TEST_F(Engine, AHandshakeMessageClaiming16MiBFailsBeforeBuffering) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::server_hello)) m = test::hex("02ffffff00");  // claims 16 MiB - 1
    return true;
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::decode_error) << s.what();
}

TEST_F(Engine, AFloodOfTicketsIsBoundedPerConnection) {
  ServerScript script;
  script.num_tickets = 0;
  script.after_handshake = [](ScriptedServer& srv, Bytes& out) {
    for (int i = 0; i < 200; ++i) srv.send_ticket(out, 3600);
  };
  ConnectionInfo info;
  ASSERT_TRUE(connect(script, &info).is_ok());
  EXPECT_EQ(info.tickets_received, 200u);
  EXPECT_EQ(info.tickets_stored, cfg_.limits.max_tickets_per_connection);
  EXPECT_LE(store_.size(), 4u) << "the store keeps its per-key bound";
}

TEST_F(Engine, AServerTricklingOneBytePerFeedStillCompletes) {
  ServerScript script;
  script.groups = {0x0018};  // with a HelloRetryRequest, for more round trips
  ConnectionInfo info;
  ASSERT_TRUE(connect(script, &info, 1).is_ok());
  EXPECT_TRUE(info.hello_retry);
  ASSERT_TRUE(connect(script, &info, 1).is_ok());
  EXPECT_TRUE(info.resumed);
}

// --- ServerHello checks (RFC 8446 §4.1.3, §4.2.11, §4.2.9)

struct ShCase {
  const char* name;
  std::function<void(Bytes&)> tamper;
  Alert alert;
  bool needs_ticket;
};

TEST_F(Engine, BadServerHellosGetTheirAlerts) {
  std::vector<ShCase> cases = {
      {"pre_shared_key never offered",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { l.push_back({uint16_t(ext::pre_shared_key), Bytes{0, 0}}); }); },
       Alert::unsupported_extension, false},
      {"selected_identity out of range",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (auto& x : l) if (x.first == ext::pre_shared_key) x.second = Bytes{0, 1}; }); },
       Alert::illegal_parameter, true},
      {"PSK accepted without key_share (psk_dhe_ke)",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (size_t i = 0; i < l.size(); ++i) if (l[i].first == ext::key_share) l.erase(l.begin() + long(i)); }); },
       Alert::illegal_parameter, true},
      {"wrong selected version",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (auto& x : l) if (x.first == ext::supported_versions) x.second = Bytes{3, 3}; }); },
       Alert::illegal_parameter, false},
      // Without supported_versions this is a TLS 1.2 ServerHello, which the
      // TLS 1.2 machine judges: a TLS 1.3 suite was not offered for 1.2.
      {"no supported_versions (TLS 1.2) with a TLS 1.3 suite",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (size_t i = 0; i < l.size(); ++i) if (l[i].first == ext::supported_versions) l.erase(l.begin() + long(i)); }); },
       Alert::illegal_parameter, false},
      {"TLS 1.2 ServerHello with the TLS 1.2 downgrade sentinel",
       [](Bytes& m) {
         static const uint8_t s[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
         std::memcpy(m.data() + 4 + 2 + 24, s, 8);
         edit_extensions(m, [](auto& l) { for (size_t i = 0; i < l.size(); ++i) if (l[i].first == ext::supported_versions) l.erase(l.begin() + long(i)); });
       },
       Alert::illegal_parameter, false},
      {"TLS 1.2 ServerHello with the TLS 1.1 downgrade sentinel",
       [](Bytes& m) {
         static const uint8_t s[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};
         std::memcpy(m.data() + 4 + 2 + 24, s, 8);
         edit_extensions(m, [](auto& l) { for (size_t i = 0; i < l.size(); ++i) if (l[i].first == ext::supported_versions) l.erase(l.begin() + long(i)); });
       },
       Alert::illegal_parameter, false},
      {"session id not echoed", [](Bytes& m) { m[4 + 2 + 32 + 1] ^= 1; }, Alert::illegal_parameter, false},
      {"unoffered cipher suite", [](Bytes& m) { m[4 + 2 + 32 + 1 + 32 + 1] = 0x04; }, Alert::illegal_parameter, false},
      {"key share for an unoffered group",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (auto& x : l) if (x.first == ext::key_share) x.second[1] = 0x17; }); },
       Alert::illegal_parameter, false},
      {"duplicate extension",
       [](Bytes& m) { edit_extensions(m, [](auto& l) { l.push_back(l.front()); }); },
       Alert::illegal_parameter, false},
  };
  for (const ShCase& c : cases) {
    SCOPED_TRACE(c.name);
    store_.clear();
    if (c.needs_ticket) {
      ASSERT_TRUE(connect(ServerScript()).is_ok());
    }
    ServerScript script;
    script.tamper_message = [&](Bytes& m) {
      if (is_type(m, HandshakeType::server_hello)) c.tamper(m);
      return true;
    };
    Status s = connect(script);
    EXPECT_EQ(std::string(alert_name(s.alert())), alert_name(c.alert)) << s.what();
    EXPECT_EQ(s.origin(), ErrorOrigin::local);
    EXPECT_EQ(last_state_, Client::State::failed);
    ASSERT_FALSE(last_alerts_.empty()) << "the client told the server";
    EXPECT_EQ(last_alerts_.back(), uint8_t(c.alert));
    EXPECT_EQ(last_secret_bytes_, 0u);
  }
}

// RFC 8446 §4.1.3: only a ServerHello "indicating TLS 1.2 or below" is
// checked for the downgrade sentinels. A TLS 1.3 server random may end in
// those bytes by chance (2^-63 per connection), and the handshake completes.
TEST_F(Engine, DowngradeSentinelBytesInATls13ServerHelloAreJustRandom) {
  for (uint8_t last : {uint8_t(0x00), uint8_t(0x01)}) {
    SCOPED_TRACE(int(last));
    store_.clear();
    ServerScript script;
    script.tamper_message = [last](Bytes& m) {
      if (is_type(m, HandshakeType::server_hello)) {
        const uint8_t s[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, last};
        std::memcpy(m.data() + 4 + 2 + 24, s, 8);  // the server's transcript sees it too
      }
      return true;
    };
    Status s = connect(script);
    EXPECT_TRUE(s.is_ok()) << s.what();
    EXPECT_EQ(last_state_, Client::State::open);
    EXPECT_TRUE(last_server_ok_) << last_server_error_;
  }
}

// A TLS 1.3-only config behaves as mactls did before TLS 1.2: a ServerHello
// without supported_versions is protocol_version (RFC 8446 §4.2.1).
TEST_F(Engine, ATls13OnlyClientAnswersATls12ServerHelloWithProtocolVersion) {
  cfg_.min_version = 0x0304;
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::server_hello))
      edit_extensions(m, [](auto& l) { for (size_t i = 0; i < l.size(); ++i) if (l[i].first == ext::supported_versions) l.erase(l.begin() + long(i)); });
    return true;
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::protocol_version) << s.what();
}

TEST_F(Engine, CertificateOnAResumedHandshakeIsUnexpected) {
  ASSERT_TRUE(connect(ServerScript()).is_ok());
  ServerScript script;
  script.tamper_message = [&](Bytes& m) {
    if (is_type(m, HandshakeType::encrypted_extensions)) {
      // EE followed by a Certificate in the same flight.
      Bytes cb;
      Writer w(cb);
      w.u8(0);
      size_t l = w.open_block(3);
      w.vec24(ByteView(id_->chain_der[0]));
      w.u16(0);
      w.close_block(l, 3);
      append_handshake(m, HandshakeType::certificate, ByteView(cb));
    }
    return true;
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::unexpected_message) << s.what();
}

TEST_F(Engine, BadServerFinishedIsDecryptError) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::finished)) m.back() ^= 0x80;
    return true;
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::decrypt_error) << s.what();
}

TEST_F(Engine, CertificateVerifyWithAnUnofferedSchemeIsIllegalParameter) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::certificate_verify)) {
      m[4] = 0x02;  // 0x0201 rsa_pkcs1_sha1: never offered
      m[5] = 0x01;
    }
    return true;
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::illegal_parameter) << s.what();
}

TEST_F(Engine, TamperedCertificateVerifyIsDecryptError) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::certificate_verify)) m.back() ^= 1;
    return true;
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::decrypt_error) << s.what();
}

TEST_F(Engine, HelloRetryRequestRules) {
  struct Case {
    const char* name;
    std::function<void(Bytes& flight)> tamper_flight;
    std::function<void(Bytes& msg)> tamper_hrr;
    Alert alert;
  };
  std::vector<Case> cases = {
      {"second HelloRetryRequest", [](Bytes& f) { Bytes copy = f; f.insert(f.end(), copy.begin(), copy.end()); }, nullptr,
       Alert::unexpected_message},
      {"group already key-shared", nullptr,
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (auto& x : l) if (x.first == ext::key_share) x.second = Bytes{0x00, 0x1d}; }); },
       Alert::illegal_parameter},
      {"HRR that changes nothing", nullptr,
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (size_t i = 0; i < l.size(); ++i) if (l[i].first == ext::key_share) l.erase(l.begin() + long(i)); }); },
       Alert::illegal_parameter},
      {"group never offered", nullptr,
       [](Bytes& m) { edit_extensions(m, [](auto& l) { for (auto& x : l) if (x.first == ext::key_share) x.second = Bytes{0x00, 0x19}; }); },
       Alert::illegal_parameter},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ServerScript script;
    script.groups = {0x0018};
    bool hrr_done = false;
    if (c.tamper_flight)
      script.tamper_flight = [&](Bytes& f) {
        if (!hrr_done && !f.empty()) {
          c.tamper_flight(f);
          hrr_done = true;
        }
      };
    if (c.tamper_hrr)
      script.tamper_message = [&](Bytes& m) {
        if (is_type(m, HandshakeType::server_hello) && std::memcmp(m.data() + 6, kHelloRetryRandom, 32) == 0)
          c.tamper_hrr(m);
        return true;
      };
    Status s = connect(script);
    EXPECT_EQ(std::string(alert_name(s.alert())), alert_name(c.alert)) << s.what();
  }
}

// --- issue 10, item 6: a ticket does not outlive the certificate it was
// earned with (RFC 8446 §4.6.1).

TEST_F(Engine, ATicketIsNotOfferedFromTheCertificatesNotAfterOn) {
  Pki pki;
  ServerIdentity shortlived;
  ASSERT_TRUE(shortlived.make(pki, "short", kHost, 2));  // leaf valid for two more days
  TrustStore trust;
  ASSERT_TRUE(trust.add_pem(shortlived.root_pem.data(), shortlived.root_pem.size()).is_ok());
  cfg_.trust = &trust;
  identity_ = &shortlived;
  ServerScript script;
  script.num_tickets = 1;
  script.ticket_lifetime = 7 * 24 * 3600;  // the ticket alone would live longer than the leaf

  ConnectionInfo full;
  Status s = connect(script, &full);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  const int64_t now = clock_.unix_ms() / 1000;
  EXPECT_GT(full.cert_not_after_s, now + 86400) << "the leaf's notAfter, two days ahead";
  EXPECT_LT(full.cert_not_after_s, now + 3 * 86400);
  const int64_t not_after = full.cert_not_after_s;

  // An hour before: resumed, and the bound is inherited by the new ticket.
  clock_.advance_ms(uint64_t(not_after - 3600 - now) * 1000);
  ConnectionInfo before;
  s = connect(script, &before);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_TRUE(before.resumed);
  EXPECT_EQ(before.cert_not_after_s, not_after) << "inherited from the ticket";
  EXPECT_EQ(store_.size(), 1u);

  // At notAfter the ticket (well within its lifetime and auth age) is
  // dropped by the store as expired, not offered.
  clock_.advance_ms(3600 * 1000);
  ConnectionInfo at;
  (void)connect(script, &at);
  EXPECT_FALSE(at.ticket_offered);
  EXPECT_FALSE(at.resumed);
  EXPECT_GE(store_.stats().expired, 1u);

  // After it, a full handshake fails as the certificate says.
  clock_.advance_ms(3600 * 1000);
  ConnectionInfo after;
  s = connect(script, &after);
  EXPECT_FALSE(after.ticket_offered);
  EXPECT_EQ(s.alert(), Alert::certificate_expired) << s.what();
}

// --- issue 10, item 8: handshake leftovers.

TEST_F(Engine, NoPeerIdentityIsReportedWhenCertificateVerifyFails) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::certificate_verify)) m.back() ^= 1;
    return true;
  };
  ConnectionInfo info;
  Status s = connect(script, &info);
  ASSERT_EQ(s.alert(), Alert::decrypt_error) << s.what();
  // The chain verified, but the server never proved it holds the leaf's key.
  EXPECT_EQ(info.peer_identity, "");
  EXPECT_TRUE(info.peer_chain.empty());
  EXPECT_EQ(info.auth_unix_s, 0);
  EXPECT_EQ(info.cert_not_after_s, 0);
  EXPECT_EQ(info.signature_scheme, 0);
}

TEST_F(Engine, UnrecognisedExtensionsInCertificateRequestAreIgnored) {
  ServerScript script;
  script.tamper_message = [](Bytes& m) {
    if (is_type(m, HandshakeType::encrypted_extensions)) {
      // RFC 8446 §4.3.2 "Clients MUST ignore unrecognized extensions":
      // GREASE (RFC 8701) and compress_certificate (RFC 8879, brotli).
      append_handshake(m, HandshakeType::certificate_request,
                       test::hex("00" "0013" "0a0a0000" "001b0003020002" "000d000400020807"));
    }
    return true;
  };
  std::unique_ptr<ScriptedServer> server;
  Status s = connect(script, nullptr, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(server->client_sent_empty_certificate());
}

// Issue 13: with key_share_groups left empty, changing `groups` alone is
// enough: the one share is for the first group, so a server that accepts
// it needs no HelloRetryRequest.
TEST_F(Engine, AnEmptyKeyShareListSendsOneShareForTheFirstGroup) {
  struct Case {
    uint16_t group;
    size_t share_len;  // KeyShareEntry: group(2) len(2) key
  };
  for (Case k : {Case{kGroupSecp256r1, 4 + 65}, Case{kGroupSecp384r1, 4 + 97}, Case{kGroupX25519, 4 + 32}}) {
    cfg_.groups = {k.group, kGroupX25519};
    cfg_.key_share_groups.clear();
    std::unique_ptr<ScriptedServer> server;
    ConnectionInfo info;
    Status s = connect(ServerScript(), &info, 0, &server);
    ASSERT_TRUE(s.is_ok()) << k.group << ": " << s.what() << " / server: " << last_server_error_;
    EXPECT_FALSE(info.hello_retry) << k.group;
    EXPECT_EQ(info.group, k.group);
    ASSERT_EQ(server->hello_key_shares().size(), 1u);
    const Bytes& ks = server->hello_key_shares()[0];
    ASSERT_EQ(ks.size(), 2u + k.share_len) << k.group;
    EXPECT_EQ((uint16_t(ks[2]) << 8) | ks[3], k.group);
  }
}

TEST_F(Engine, CookieOnlyHelloRetryRequestResendsBothSharesAndAcceptsTheSecond) {
  cfg_.key_share_groups = {0x001d, 0x0017};
  ServerScript script;
  script.groups = {0x0017, 0x001d};  // the server wants the second share
  script.hrr_cookie_only = true;
  std::unique_ptr<ScriptedServer> server;
  ConnectionInfo info;
  Status s = connect(script, &info, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what() << " / server: " << last_server_error_;
  EXPECT_TRUE(info.hello_retry);
  EXPECT_EQ(info.group, 0x0017);
  // §4.1.2: the second ClientHello is the first plus the cookie: same shares.
  ASSERT_EQ(server->hello_key_shares().size(), 2u);
  EXPECT_EQ(server->hello_key_shares()[0], server->hello_key_shares()[1]);
  EXPECT_EQ(server->hello_key_shares()[0].size(), 2u + (4 + 32) + (4 + 65));
  EXPECT_EQ(server->last_hello_cookie(), (Bytes{0xc0, 0x0c, 0x1e, 0x55}));
}

TEST_F(Engine, AHelloRetryCookieTooLongToEchoFailsWithoutSendingAMalformedClientHello) {
  ServerScript script;
  script.hrr_cookie_only = true;
  // Fits the HelloRetryRequest (and Limits::max_handshake_message), but
  // with the client's other extensions the second ClientHello's 16-bit
  // extensions length would wrap.
  script.hrr_cookie = Bytes(65440, 0x5a);
  std::unique_ptr<ScriptedServer> server;
  Status s = connect(script, nullptr, 0, &server);
  EXPECT_EQ(s.alert(), Alert::illegal_parameter) << s.what();
  EXPECT_NE(std::string(s.what()).find("cookie"), std::string::npos) << s.what();
  EXPECT_TRUE(last_hrr_);
  EXPECT_EQ(server->client_hellos(), 1u) << "no second ClientHello went out";
  ASSERT_FALSE(last_alerts_.empty());
  EXPECT_EQ(last_alerts_.back(), uint8_t(Alert::illegal_parameter));
  EXPECT_EQ(last_secret_bytes_, 0u);
}

// Finds an extension's data in a ClientHello message (header included).
Bytes client_hello_extension(const Bytes& ch, uint16_t type) {
  Reader r(ByteView(ch).sub(4));
  uint16_t v = 0;
  ByteView random, sid, suites, comp, exts;
  EXPECT_TRUE(r.u16(v) && r.bytes(32, random) && r.vec8(sid) && r.vec16(suites) && r.vec8(comp) && r.vec16(exts));
  Reader e(exts);
  while (!e.empty()) {
    uint16_t t = 0;
    ByteView d;
    if (!e.u16(t) || !e.vec16(d)) break;
    if (t == type) return d.to_bytes();
  }
  return {};
}

TEST_F(Engine, TrailingDotAndCaseAreNormalisedForSniTheHostCheckAndTheTicketKey) {
  host_ = "SERVER.test.";  // RFC 6066 §3: no trailing dot in SNI; names are case-insensitive
  std::unique_ptr<ScriptedServer> server;
  ConnectionInfo first;
  Status s = connect(ServerScript(), &first, 0, &server);
  ASSERT_TRUE(s.is_ok()) << s.what();
  const std::string name = kHost;
  Bytes want = {0, uint8_t(name.size() + 3), 0, 0, uint8_t(name.size())};
  want.insert(want.end(), name.begin(), name.end());
  EXPECT_EQ(client_hello_extension(server->last_client_hello(), ext::server_name), want);
  // The same ticket key as the plain spelling.
  host_ = kHost;
  ConnectionInfo second;
  ASSERT_TRUE(connect(ServerScript(), &second).is_ok());
  EXPECT_TRUE(second.resumed);
}

}  // namespace
}  // namespace mactls::test

namespace mactls::test {
namespace {

// --- NewSessionTicket through the engine (RFC 8446 §4.6.1): each variant
// arrives after one good ticket; the store must hold exactly what the case
// says, a refused ticket must fail the connection with its alert (told to
// the server) and wipe every secret, an ignored one must leave it open.

struct NstCase {
  const char* name;
  std::function<Bytes(const Limits&)> body;  // NewSessionTicket body
  Alert alert;                               // close_notify: the connection stays fine
  size_t tickets_after;                      // in the store afterwards
};

void PrintTo(const NstCase& c, std::ostream* os) { *os << c.name; }

Bytes nst_body(uint32_t lifetime, const Bytes& nonce, const Bytes& ticket, const Bytes& exts) {
  Bytes b;
  Writer w(b);
  w.u32(lifetime);
  w.u32(0x11223344u);
  w.u8(uint8_t(nonce.size()));
  w.bytes(ByteView(nonce));
  w.vec16(ByteView(ticket));
  w.vec16(ByteView(exts));
  return b;
}

Bytes unknown_exts(int n) {
  Bytes e;
  for (int i = 0; i < n; ++i) e.insert(e.end(), {uint8_t(0x70 + i / 256), uint8_t(i), 0, 0});
  return e;
}

class EngineNewSessionTicket : public Engine, public ::testing::WithParamInterface<NstCase> {};

TEST_P(EngineNewSessionTicket, GetsItsAlertAndLeavesTheStoreAsTheCaseSays) {
  const NstCase& c = GetParam();
  ServerScript script;
  script.num_tickets = 1;
  const Limits limits = cfg_.limits;
  script.after_handshake = [&](ScriptedServer& s, Bytes& out) {
    Bytes msg;
    append_handshake(msg, HandshakeType::new_session_ticket, ByteView(c.body(limits)));
    s.send_handshake(ByteView(msg), out);
  };
  ConnectionInfo info;
  Status s = connect(script, &info);
  EXPECT_EQ(store_.size(), c.tickets_after);
  if (c.alert == Alert::close_notify) {
    EXPECT_TRUE(s.is_ok()) << s.what();
    EXPECT_EQ(info.tickets_received, 2u);
    EXPECT_EQ(last_secret_bytes_after_close_, 0u);
    return;
  }
  EXPECT_EQ(s.alert(), c.alert) << s.what();
  EXPECT_NE(std::string(s.what()), "") << "a clear error for the caller";
  EXPECT_EQ(last_state_, Client::State::failed);
  ASSERT_FALSE(last_alerts_.empty()) << "the client told the server";
  EXPECT_EQ(last_alerts_.back(), uint8_t(c.alert));
  EXPECT_EQ(last_secret_bytes_, 0u) << "failure wipes every secret";
}

INSTANTIATE_TEST_SUITE_P(
    Variants, EngineNewSessionTicket,
    ::testing::Values(
        NstCase{"truncated",
                [](const Limits&) {
                  Bytes b = nst_body(3600, Bytes(8, 1), Bytes(32, 2), {});
                  b.pop_back();
                  return b;
                },
                Alert::decode_error, 1},
        NstCase{"empty_ticket", [](const Limits&) { return nst_body(3600, Bytes(8, 1), {}, {}); },
                Alert::decode_error, 1},
        NstCase{"nonce_length_beyond_the_message",
                [](const Limits&) {
                  Bytes b = nst_body(3600, Bytes(8, 1), Bytes(32, 2), {});
                  b[8] = 0xff;
                  return b;
                },
                Alert::decode_error, 1},
        NstCase{"longest_nonce_is_fine", [](const Limits&) { return nst_body(3600, Bytes(255, 1), Bytes(32, 2), {}); },
                Alert::close_notify, 2},
        NstCase{"ticket_over_the_cap_is_ignored",
                [](const Limits& l) { return nst_body(3600, Bytes(8, 1), Bytes(l.max_ticket_size + 1, 2), {}); },
                Alert::close_notify, 1},
        NstCase{"lifetime_zero_is_not_stored", [](const Limits&) { return nst_body(0, Bytes(8, 1), Bytes(32, 2), {}); },
                Alert::close_notify, 1},
        NstCase{"lifetime_over_seven_days_is_stored_capped",
                [](const Limits&) { return nst_body(8 * 24 * 3600, Bytes(8, 1), Bytes(32, 2), {}); },
                Alert::close_notify, 2},
        NstCase{"duplicated_extension",
                [](const Limits&) { return nst_body(3600, Bytes(8, 1), Bytes(32, 2), test::hex("fafa0000fafa0000")); },
                Alert::illegal_parameter, 1},
        NstCase{"extension_not_allowed_there",
                [](const Limits&) { return nst_body(3600, Bytes(8, 1), Bytes(32, 2), test::hex("003300020017")); },
                Alert::illegal_parameter, 1},
        NstCase{"too_many_extensions",
                [](const Limits&) { return nst_body(3600, Bytes(8, 1), Bytes(32, 2), unknown_exts(65)); },
                Alert::decode_error, 1}),
    [](const ::testing::TestParamInfo<NstCase>& i) { return std::string(i.param.name); });

// --- bounded resources: each Limits field is enforced where it says, with
// its alert (the defaults are sized for real servers; here they are lowered
// below what the scripted server sends).

TEST_F(Engine, EveryLimitIsEnforcedWithItsAlert) {
  struct Case {
    const char* name;
    std::function<void(Limits&)> lower;
    Alert alert;
  };
  const std::vector<Case> cases = {
      {"largest handshake message", [](Limits& l) { l.max_handshake_message = 256; }, Alert::decode_error},
      {"certificates per chain", [](Limits& l) { l.max_chain_certificates = 1; }, Alert::bad_certificate},
      {"chain depth", [](Limits& l) { l.max_chain_depth = 1; }, Alert::bad_certificate},
      {"extensions per message", [](Limits& l) { l.max_extensions = 1; }, Alert::decode_error},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Limits saved = cfg_.limits;
    c.lower(cfg_.limits);
    Status s = connect(ServerScript());
    cfg_.limits = saved;
    EXPECT_EQ(s.alert(), c.alert) << s.what();
    ASSERT_FALSE(last_alerts_.empty());
    EXPECT_EQ(last_alerts_.back(), uint8_t(c.alert));
    EXPECT_EQ(last_secret_bytes_, 0u);
  }
  // And with the defaults the same server is fine.
  EXPECT_TRUE(connect(ServerScript()).is_ok());
}

// Issue 10 item 2: the worst Certificate message within the 64 KiB
// handshake-message limit — a leaf and as many same-named CA certificates
// as fit, keys A and B (RSA-2048) signing each other, no anchor above them —
// costs at most the signature budget through Client::feed, with the
// per-message certificate-count limit lifted so that only the budgets hold.
TEST_F(Engine, AHostileCertificateMessageStopsWithinTheSignatureBudget) {
  for (const char* seed : {"em-a", "em-b"}) {
    CertSpec s = cert_spec(seed, KeyKind::rsa2048, "", {}, true);
    s.cn = "engine-mesh";
    ASSERT_TRUE(pki_->issue(s));
  }
  ASSERT_TRUE(pki_->issue(cert_spec("em-leaf", KeyKind::p256, "em-a", {kHost})));
  std::vector<Bytes> certs = {pki_->cert_der("em-leaf")};
  // 120 more in one shell loop (one openssl process each): key A signed by
  // B, key B signed by A, alternately; more than fit.
  std::string out;
  ASSERT_EQ(test::run_command("cd '" + pki_->dir() +
                                  "' && for i in $(seq 0 119); do if [ $((i % 2)) = 1 ]; then k=b; s=a; else k=a; s=b; fi; "
                                  "openssl x509 -req -in em-$k.csr -CA em-$s.pem -CAkey em-$s.key -set_serial $((i + 100)) "
                                  "-days 30 -extfile em-$k.ext -extensions v3 -outform DER -out em-m$i.der || exit 1; done",
                              &out),
            0)
      << out;
  size_t body_size = 1 + 3 + 3 + certs[0].size() + 2;
  for (int i = 0; i < 120; ++i) {
    std::string d = test::read_file(pki_->dir() + "/em-m" + std::to_string(i) + ".der");
    if (4 + body_size + 3 + d.size() + 2 > cfg_.limits.max_handshake_message) break;
    body_size += 3 + d.size() + 2;
    certs.push_back(Bytes(d.begin(), d.end()));
  }
  Bytes body;
  Writer w(body);
  w.u8(0);  // certificate_request_context
  size_t at = w.open_block(3);
  for (const Bytes& c : certs) {
    w.vec24(ByteView(c));
    w.u16(0);  // no extensions
  }
  w.close_block(at, 3);
  ASSERT_EQ(body.size(), body_size);
  EXPECT_GT(body.size(), 60u * 1024) << "fills the 64 KiB message";
  ServerScript script;
  script.tamper_message = [&](Bytes& msg) {
    if (is_type(msg, HandshakeType::certificate)) {
      msg.clear();
      append_handshake(msg, HandshakeType::certificate, ByteView(body));
    }
    return true;
  };
  cfg_.limits.max_chain_certificates = 1000;
  // The certificates were made after SetUp read the clock and start now.
  clock_.set_unix_seconds(int64_t(time(nullptr)) + 60);
  ConnectionInfo info;
  Status s = connect(script, &info);
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_GT(info.cert_signature_checks, 0u) << s.what();
  EXPECT_LE(info.cert_signature_checks, cfg_.limits.max_signature_checks);
  EXPECT_LE(info.cert_path_candidates, cfg_.limits.max_path_candidates);
  ASSERT_FALSE(last_alerts_.empty());
  EXPECT_EQ(last_alerts_.back(), uint8_t(Alert::bad_certificate));
}

TEST_F(Engine, KeyUpdatesWithoutDataBetweenAreBounded) {
  ServerScript script;
  script.after_handshake = [this](ScriptedServer& s, Bytes& out) {
    for (size_t i = 0; i <= cfg_.limits.max_key_updates; ++i) s.send_key_update(false, out);
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::unexpected_message) << s.what();
}

// --- hostile records through the engine (RFC 8446 §5)

TEST_F(Engine, ATamperedRecordTagIsBadRecordMac) {
  ServerScript script;
  bool done = false;
  script.tamper_flight = [&](Bytes& f) {
    if (!done && f.size() > 200) {  // the flight with the encrypted handshake
      f.back() ^= 0x01;
      done = true;
    }
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::bad_record_mac) << s.what();
  ASSERT_FALSE(last_alerts_.empty());
  EXPECT_EQ(last_alerts_.back(), uint8_t(Alert::bad_record_mac));
  EXPECT_EQ(last_secret_bytes_, 0u);
}

TEST_F(Engine, AnOversizeProtectedRecordIsRecordOverflowFromItsHeader) {
  ServerScript script;
  script.after_handshake = [](ScriptedServer&, Bytes& out) {
    // application_data, 0x0303, length 2^14 + 256 + 1: refused on the header
    // alone, before its body is waited for or buffered.
    const uint8_t header[5] = {23, 3, 3, 0x41, 0x01};
    out.insert(out.end(), header, header + 5);
  };
  Status s = connect(script);
  EXPECT_EQ(s.alert(), Alert::record_overflow) << s.what();
  ASSERT_FALSE(last_alerts_.empty());
  EXPECT_EQ(last_alerts_.back(), uint8_t(Alert::record_overflow));
  EXPECT_EQ(store_.size(), 2u) << "the tickets that came before stay stored";
  EXPECT_EQ(last_secret_bytes_, 0u);
}

}  // namespace
}  // namespace mactls::test
