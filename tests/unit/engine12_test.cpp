// The TLS 1.2 machine against the in-process scripted TLS 1.2 server
// (tests/support/scripted_server12.*): a full handshake with data both
// ways, and each way the server can get it wrong, with the alert the RFC
// names: the downgrade sentinel (RFC 8446 §4.1.3), a version below 1.2, an
// unoffered ServerHello extension (RFC 5246 §7.4.1.4), an unoffered suite,
// group or scheme, a bad ServerKeyExchange signature (RFC 5246 §7.4.3),
// renegotiation_info missing or not empty (RFC 5746 §3.4), no
// extended_master_secret (RFC 7627), a bad Finished (RFC 5246 §7.4.9), and
// a HelloRequest after the handshake (RFC 5246 §7.4.1.1).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "handshake/client_access.h"
#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "support/scripted_server12.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

class Engine12 : public ScriptedServerTest {
 protected:
  struct Outcome {
    Status status;
    ConnectionInfo info;
    Client::State state = Client::State::idle;
    bool server_ok = true;
    std::string server_error, server_received;
    std::vector<std::pair<uint8_t, uint8_t>> alerts;
    size_t secret_bytes = 1;
    std::vector<std::string> keylog;
  };

  Outcome connect(const ServerScript12& script) {
    Outcome o;
    cfg_.keylog = [&o](const char* label, const uint8_t*, const uint8_t*, size_t len) {
      o.keylog.push_back(std::string(label) + "/" + std::to_string(len));
    };
    ScriptedServer12 server(*id_, script);
    Client client(cfg_, kHost, 443);
    LoopbackResult r = run_loopback(client, server, 0, "ping");
    o.status = r.client_status;
    o.server_ok = r.server_ok;
    o.server_error = server.error();
    o.server_received = server.received();
    o.alerts = server.alerts();
    o.state = client.state();
    o.info = client.info();
    if (!o.status.is_ok()) o.secret_bytes = ClientAccess::secret_bytes_held(client);
    return o;
  }

  void expect_alert(const ServerScript12& script, Alert want) {
    Outcome o = connect(script);
    EXPECT_EQ(std::string(alert_name(o.status.alert())), alert_name(want)) << o.status.what();
    EXPECT_EQ(o.status.origin(), ErrorOrigin::local);
    EXPECT_EQ(o.state, Client::State::failed);
    ASSERT_FALSE(o.alerts.empty()) << "the client told the server";
    EXPECT_EQ(o.alerts.back().first, 2);  // fatal
    EXPECT_EQ(o.alerts.back().second, uint8_t(want));
    EXPECT_EQ(o.secret_bytes, 0u);
  }
};

TEST_F(Engine12, FullHandshakeCarriesDataBothWays) {
  Outcome o = connect(ServerScript12());
  ASSERT_TRUE(o.status.is_ok()) << o.status.what() << " / server: " << o.server_error;
  EXPECT_TRUE(o.server_ok) << o.server_error;
  EXPECT_EQ(o.state, Client::State::open);
  EXPECT_EQ(o.info.version, 0x0303);
  EXPECT_EQ(o.info.cipher_suite, 0xC02B);
  EXPECT_EQ(o.info.group, 0x001d);
  EXPECT_EQ(o.info.signature_scheme, 0x0807);
  EXPECT_FALSE(o.info.peer_identity.empty());
  EXPECT_EQ(o.server_received, "ping");
  EXPECT_EQ(o.keylog, std::vector<std::string>{"CLIENT_RANDOM/48"});
  // What mactls-fetch -v and the C façade print.
  EXPECT_STREQ(tls_version_name(o.info.version), "TLS 1.2");
  EXPECT_STREQ(tls_cipher_suite_name(o.info.cipher_suite), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
}

TEST_F(Engine12, EverySuiteOfferedWorksAgainstTheScriptedServer) {
  for (uint16_t suite : {uint16_t(0xC02B), uint16_t(0xC02C), uint16_t(0xCCA9)}) {
    SCOPED_TRACE(suite);
    ServerScript12 s;
    s.suite = suite;
    Outcome o = connect(s);
    ASSERT_TRUE(o.status.is_ok()) << o.status.what() << " / server: " << o.server_error;
    EXPECT_EQ(o.info.cipher_suite, suite);
    EXPECT_EQ(o.server_received, "ping");
  }
}

TEST_F(Engine12, TheOtherGroupsWorkToo) {
  for (uint16_t group : {uint16_t(0x0017), uint16_t(0x0018)}) {
    SCOPED_TRACE(group);
    ServerScript12 s;
    s.group = group;
    Outcome o = connect(s);
    ASSERT_TRUE(o.status.is_ok()) << o.status.what() << " / server: " << o.server_error;
    EXPECT_EQ(o.info.group, group);
  }
}

TEST_F(Engine12, DowngradeSentinelInATls12ServerHelloIsIllegalParameter) {
  ServerScript12 s;
  s.sentinel = true;
  expect_alert(s, Alert::illegal_parameter);
}

TEST_F(Engine12, ASentinelIsOnlyADowngradeSignalWhenTls13WasOffered) {
  // A TLS 1.2-only client did not offer 1.3, so nothing was downgraded
  // (RFC 8446 §4.1.3 asks 1.2 clients to check only the 1.1 sentinel).
  cfg_.max_version = 0x0303;
  ServerScript12 s;
  s.sentinel = true;
  Outcome o = connect(s);
  EXPECT_TRUE(o.status.is_ok()) << o.status.what();
}

// RFC 5246 §7.4.1.3, Appendix E.1: a server answering with a version
// below TLS 1.2 (no supported_versions) gets protocol_version.
TEST_F(Engine12, AServerHelloBelowTls12IsProtocolVersion) {
  ServerScript12 s;
  s.tamper_message = [](Bytes& m) {
    if (!m.empty() && m[0] == 2) m[5] = 0x02;  // ServerHello: legacy_version 0x0302
  };
  expect_alert(s, Alert::protocol_version);
}

// RFC 5246 §7.4.1.4: an extension in the ServerHello that the ClientHello
// did not carry is unsupported_extension, through the whole engine.
TEST_F(Engine12, AnUnofferedServerHelloExtensionIsUnsupportedExtension) {
  ServerScript12 s;
  s.tamper_message = [](Bytes& m) {
    if (m.empty() || m[0] != 2) return;  // ServerHello only
    // body: version(2) random(32) session_id<0..32> suite(2) compression(1) extensions<0..2^16-1>
    const size_t ext_len_at = 4 + 2 + 32 + 1 + m[4 + 2 + 32] + 2 + 1;
    ASSERT_LE(ext_len_at + 2, m.size());
    const uint8_t max_fragment_length[5] = {0x00, 0x01, 0x00, 0x01, 0x01};  // RFC 6066 §4, never offered
    m.insert(m.end(), max_fragment_length, max_fragment_length + 5);
    const size_t ext_len = (size_t(m[ext_len_at]) << 8 | m[ext_len_at + 1]) + 5;
    m[ext_len_at] = uint8_t(ext_len >> 8);
    m[ext_len_at + 1] = uint8_t(ext_len);
    const size_t body_len = m.size() - 4;
    m[1] = uint8_t(body_len >> 16);
    m[2] = uint8_t(body_len >> 8);
    m[3] = uint8_t(body_len);
  };
  expect_alert(s, Alert::unsupported_extension);
}

TEST_F(Engine12, UnofferedSuiteIsIllegalParameter) {
  cfg_.tls12_cipher_suites = {0xC02B};
  ServerScript12 s;
  s.suite = 0xC02C;
  expect_alert(s, Alert::illegal_parameter);
  s.suite = 0x1301;  // a TLS 1.3 suite in a TLS 1.2 ServerHello
  expect_alert(s, Alert::illegal_parameter);
}

TEST_F(Engine12, UnofferedGroupIsIllegalParameter) {
  cfg_.groups = {0x001d};
  cfg_.key_share_groups = {0x001d};
  ServerScript12 s;
  s.group = 0x0017;
  expect_alert(s, Alert::illegal_parameter);
}

TEST_F(Engine12, UnofferedSignatureSchemeIsIllegalParameter) {
  ServerScript12 s;
  s.scheme = 0x0201;  // rsa_pkcs1_sha1: never offered
  expect_alert(s, Alert::illegal_parameter);
}

TEST_F(Engine12, BadServerKeyExchangeSignatureIsDecryptError) {
  ServerScript12 s;
  s.bad_ske_signature = true;
  expect_alert(s, Alert::decrypt_error);
}

TEST_F(Engine12, MissingRenegotiationInfoIsHandshakeFailure) {
  ServerScript12 s;
  s.renegotiation = ServerScript12::Renegotiation::absent;
  expect_alert(s, Alert::handshake_failure);
}

TEST_F(Engine12, NonEmptyRenegotiationInfoIsHandshakeFailure) {
  ServerScript12 s;
  s.renegotiation = ServerScript12::Renegotiation::non_empty;
  expect_alert(s, Alert::handshake_failure);
}

TEST_F(Engine12, WithoutExtendedMasterSecretTheHandshakeCompletesUnlessRequired) {
  ServerScript12 s;
  s.extended_master_secret = false;
  Outcome o = connect(s);
  ASSERT_TRUE(o.status.is_ok()) << o.status.what() << " / server: " << o.server_error;
  EXPECT_EQ(o.server_received, "ping");  // the RFC 5246 §8.1 master secret agrees
  cfg_.require_extended_master_secret = true;
  expect_alert(s, Alert::handshake_failure);
}

TEST_F(Engine12, BadServerFinishedIsDecryptError) {
  ServerScript12 s;
  s.bad_finished = true;
  expect_alert(s, Alert::decrypt_error);
}

TEST_F(Engine12, HelloRequestGetsANoRenegotiationWarningAndTheConnectionGoesOn) {
  ServerScript12 s;
  s.hello_request = true;
  Outcome o = connect(s);
  ASSERT_TRUE(o.status.is_ok()) << o.status.what() << " / server: " << o.server_error;
  EXPECT_EQ(o.state, Client::State::open);
  ASSERT_FALSE(o.alerts.empty());
  EXPECT_EQ(o.alerts.front(), (std::pair<uint8_t, uint8_t>{1, uint8_t(Alert::no_renegotiation)}));
  EXPECT_EQ(o.server_received, "ping");
}

// ---- TLS 1.2 sessions in the ticket store

TEST_F(Engine12, AnExtendedMasterSecretSessionIsStoredAsATls12Entry) {
  Outcome o = connect(ServerScript12());
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_EQ(o.info.tickets_stored, 1u);
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(Engine12, ANonEmsSessionIsNeverStored) {
  ServerScript12 s;
  s.extended_master_secret = false;
  Outcome o = connect(s);
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_EQ(o.info.tickets_stored, 0u);
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(Engine12, ADeclinedSessionFallsBackToAFullHandshakeOnTheSameConnection) {
  ASSERT_TRUE(connect(ServerScript12()).status.is_ok());
  ASSERT_EQ(store_.size(), 1u);
  // The scripted server keeps no sessions: it answers with a new id.
  Outcome o = connect(ServerScript12());
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_TRUE(o.info.tls12_session_offered);
  EXPECT_TRUE(o.info.declined);
  EXPECT_FALSE(o.info.resumed);
  EXPECT_EQ(o.server_received, "ping");
  EXPECT_EQ(store_.size(), 1u);  // the new session replaced the old one
}

// Mixed pools (RESUMPTION_SCOPE.md): a TLS 1.3 ticket that a TLS 1.2
// server ignored goes back to the store, unchanged, when the 1.2 handshake
// completed and a 1.2 session for the key is in the store after it;
// otherwise it stays spent.
class Engine12MixedPool : public Engine12 {
 protected:
  // A 1.3 ticket filed as a 1.3 connection to the pool would have left it,
  // `age_s` seconds ago.
  void file_ticket13(int64_t age_s = 100, uint32_t lifetime_s = 86400) {
    Ticket t;
    t.version = 0x0304;
    t.identity = {0x70, 0x6f, 0x6f, 0x6c};
    t.psk_len = 32;
    for (uint8_t i = 0; i < 32; ++i) t.psk[i] = uint8_t(0xA0 + i);
    t.cipher_suite = 0x1301;
    t.lifetime_s = lifetime_s;
    t.age_add = 0x01020304;
    t.received_unix_ms = clock_.unix_ms() - age_s * 1000;
    t.auth_unix_s = clock_.unix_ms() / 1000 - age_s;
    t.peer_identity = "the pool";
    received_ms_ = t.received_unix_ms;
    store_.insert(key(), std::move(t));
  }
  TicketKey key() const { return Client(cfg_, kHost, 443).ticket_key(); }
  int64_t received_ms_ = 0;
};

TEST_F(Engine12MixedPool, ATicketATls12ServerIgnoredGoesBackWithItsOriginalTimes) {
  file_ticket13();
  Outcome o = connect(ServerScript12());
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_EQ(o.info.version, 0x0303);
  EXPECT_TRUE(o.info.ticket_offered);
  EXPECT_TRUE(o.info.ticket_returned);
  EXPECT_EQ(o.info.tickets_stored, 1u);  // the 1.2 session
  Ticket back;
  ASSERT_TRUE(store_.take(key(), clock_.unix_ms(), &back));
  EXPECT_EQ(back.identity, (std::vector<uint8_t>{0x70, 0x6f, 0x6f, 0x6c}));
  EXPECT_EQ(back.received_unix_ms, received_ms_) << "its original times: the age it reports stays true";
  EXPECT_EQ(back.age_add, 0x01020304u);
  EXPECT_EQ(back.psk_len, 32u);
  EXPECT_EQ(back.psk[31], 0xA0 + 31);
  // Cut to the 1.2 session's end (2 hours, the scripted server gives no
  // hint), so it is never offered without that session beside it.
  EXPECT_EQ(back.lifetime_s, 7200u + 100u);
  Ticket s12;
  EXPECT_TRUE(store_.find_tls12(key(), clock_.unix_ms(), &s12));
}

TEST_F(Engine12MixedPool, ANextConnectionOffersItAgainBesideTheSession) {
  file_ticket13();
  ASSERT_TRUE(connect(ServerScript12()).info.ticket_returned);
  Outcome o = connect(ServerScript12());  // the scripted 1.2 server keeps no sessions: declined
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_TRUE(o.info.ticket_offered);
  EXPECT_TRUE(o.info.tls12_session_offered);
  EXPECT_TRUE(o.info.ticket_returned) << "the new session is stored: the ticket goes back again";
}

TEST_F(Engine12MixedPool, WithoutATls12SessionInTheStoreTheTicketStaysSpent) {
  file_ticket13();
  ServerScript12 s;
  s.extended_master_secret = false;  // such a session is never stored
  Outcome o = connect(s);
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_TRUE(o.info.ticket_offered);
  EXPECT_FALSE(o.info.ticket_returned);
  Ticket t;
  EXPECT_FALSE(store_.take(key(), clock_.unix_ms(), &t));
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(Engine12MixedPool, AFailedTls12HandshakeLeavesTheTicketSpentAndWiped) {
  file_ticket13();
  ServerScript12 s;
  s.bad_finished = true;
  Outcome o = connect(s);
  EXPECT_FALSE(o.status.is_ok());
  EXPECT_FALSE(o.info.ticket_returned);
  EXPECT_EQ(o.secret_bytes, 0u) << "the held ticket's PSK is wiped with the rest";
  Ticket t;
  EXPECT_FALSE(store_.take(key(), clock_.unix_ms(), &t));
}

TEST_F(Engine12, ResumptionWithAnotherSuiteIsIllegalParameter) {
  ASSERT_TRUE(connect(ServerScript12()).status.is_ok());  // a 0xC02B session
  ServerScript12 s;
  s.echo_session_id = true;
  s.suite = 0xCCA9;
  expect_alert(s, Alert::illegal_parameter);
}

TEST_F(Engine12, ResumptionWithoutExtendedMasterSecretIsHandshakeFailure) {
  ASSERT_TRUE(connect(ServerScript12()).status.is_ok());
  ServerScript12 s;
  s.echo_session_id = true;
  s.extended_master_secret = false;
  expect_alert(s, Alert::handshake_failure);  // RFC 7627 §5.3
}

TEST_F(Engine12, EchoingASessionIdNeverOfferedIsIllegalParameter) {
  ServerScript12 s;
  s.echo_session_id = true;  // our id is random: there was nothing to resume
  expect_alert(s, Alert::illegal_parameter);
}

TEST_F(Engine12, ATls13OnlyConfigRefusesATls12Server) {
  cfg_.min_version = 0x0304;
  expect_alert(ServerScript12(), Alert::protocol_version);
}

TEST_F(Engine12, Tls12OnlyConfigSendsNoKeyShare) {
  cfg_.max_version = 0x0303;
  Outcome o = connect(ServerScript12());
  ASSERT_TRUE(o.status.is_ok()) << o.status.what();
  EXPECT_FALSE(o.info.psk_modes_sent);
}

TEST_F(Engine12, BadVersionConfigIsAUsageError) {
  cfg_.min_version = 0x0304;
  cfg_.max_version = 0x0303;
  Client client(cfg_, kHost, 443);
  Bytes out;
  Status s = client.start(out);
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
}

}  // namespace
}  // namespace mactls::test
