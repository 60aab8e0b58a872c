// RFC 8448 "Example Handshake Traces for TLS 1.3", replayed byte for byte
// through the typed key schedule, the transcript and the record layer.
//
// Source of every vector: tests/vectors/rfc/rfc8448_vectors.json, extracted from
// RFC 8448 (sections named in each test) by extract_rfc8448.py.
//
// For each trace both directions are replayed: every record on the wire is
// read by a RecordReader (decrypted once keys are installed), its payload
// is compared with the listed one, handshake payloads are reassembled into
// messages that are compared with the listed messages and fed into the
// Transcript, and every secret, key, iv, finished key, verify_data, binder
// and transcript hash the RFC lists is recomputed by the key schedule and
// compared. Each record is then written again by write_plaintext or a
// RecordProtector and must come out as the exact listed bytes.
//
// The (EC)DHE shared secret is taken from the listed handshake_secret_ikm
// (the KeyShare code is tested on its own); ephemeral keys and the all-zero
// IKMs are the only listed values used as inputs rather than checked, and
// AllNamedValuesAreCheckedExceptInputs pins that list and the total count.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <optional>
#include <string>

#include "keyschedule/cipher_suite.h"
#include "keyschedule/hkdf_label.h"
#include "keyschedule/key_schedule.h"
#include "keyschedule/transcript.h"
#include "record/record.h"
#include "support/assert_status.h"
#include "support/rfc8448.h"
#include "support/keyschedule_access.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::NamedValueChecker;
using test::Rfc8448Record;
using test::Rfc8448Section;
using test::rfc8448_section;

// How many listed values the replays below compare (AllNamedValues...).
constexpr size_t kExpectedNamedChecks = 200;
// How many printed HKDF step values EveryPrintedDerivationStepRecomputes
// recomputes.
constexpr size_t kExpectedStepChecks = 118;

// RFC 8446 §4.1.3: the HelloRetryRequest's Random, SHA-256("HelloRetryRequest").
const char* const kHelloRetryRequestRandom =
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

std::string handshake_type_name(uint8_t t) {
  switch (t) {
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 5: return "EndOfEarlyData";
    case 8: return "EncryptedExtensions";
    case 11: return "Certificate";
    case 13: return "CertificateRequest";
    case 15: return "CertificateVerify";
    case 20: return "Finished";
  }
  return "type" + std::to_string(t);
}

ContentType content_type_from(const std::string& name) {
  if (name == "handshake") return ContentType::handshake;
  if (name == "alert") return ContentType::alert;
  if (name == "application_data") return ContentType::application_data;
  if (name == "change_cipher_spec") return ContentType::change_cipher_spec;
  ADD_FAILURE() << "unknown record type in vectors: " << name;
  return ContentType::invalid;
}

struct ReplayCounts {
  size_t records = 0;           // records read and written again
  size_t decrypted = 0;         // of which protected
  size_t ccs_dropped = 0;       // change_cipher_spec records tolerated
  size_t messages = 0;          // handshake messages reassembled
  bool hello_retry = false;     // a HelloRetryRequest was replayed
};

// Replays one trace from both sides. The section's listed values drive
// which checks apply: a "psk" value means a resumed handshake (§4), a
// client_early_traffic_secret means 0-RTT records are in the trace.
class TraceReplay {
 public:
  TraceReplay(const Rfc8448Section& s, NamedValueChecker& c) : s_(s), c_(c) {
    psk_mode_ = s.has("psk");
    early_data_ = s.has("client_early_traffic_secret");
    // Every RFC 8448 trace allows the middlebox-compatibility CCS (§7 sends it).
    client_reader_.set_allow_change_cipher_spec(true);
    server_reader_.set_allow_change_cipher_spec(true);
  }

  void run() {
    for (const Rfc8448Record& r : s_.records) {
      replay_record(r);
      if (::testing::Test::HasFatalFailure()) return;
    }
    EXPECT_TRUE(client_msgs_.empty());
    EXPECT_TRUE(server_msgs_.empty());
    EXPECT_FALSE(client_reader_.has_partial_record());
    EXPECT_FALSE(server_reader_.has_partial_record());
    EXPECT_TRUE(saw_client_finished_) << "trace ended before the client Finished";
  }

  ReplayCounts counts;

 private:
  HashAlg hash() const { return suite_->hash; }
  ByteView th() {
    th_len_ = transcript_.current_hash(th_);
    EXPECT_EQ(th_len_, hash_len(hash()));
    return ByteView(th_, th_len_);
  }

  void replay_record(const Rfc8448Record& r) {
    const bool from_server = r.party == "server";
    const std::string where = "RFC 8448 §" + s_.id + " " + r.party + " " + r.type + " record";
    RecordReader& reader = from_server ? server_reader_ : client_reader_;
    const ContentType type = content_type_from(r.type);

    ByteView in(r.complete_record);
    Record rec;
    ASSERT_OK(reader.read(in, rec));
    EXPECT_TRUE(in.empty()) << where << ": the reader must consume exactly one record";
    if (type == ContentType::change_cipher_spec) {
      EXPECT_FALSE(rec.present) << where << ": a tolerated CCS is dropped";
      Bytes out;
      ASSERT_OK(write_plaintext(type, r.payload, out));
      EXPECT_EQ(to_hex(out), to_hex(r.complete_record)) << where;
      ++counts.ccs_dropped;
      ++counts.records;
      return;
    }
    ASSERT_TRUE(rec.present) << where;
    EXPECT_EQ(rec.type, type) << where;
    EXPECT_EQ(to_hex(rec.payload), to_hex(r.payload)) << where;
    const Bytes payload = rec.payload.to_bytes();

    // Write it again: same keys, same sequence number, same bytes.
    Bytes out;
    if (rec.encrypted) {
      RecordProtector& w = from_server ? server_writer_ : client_writer_;
      EXPECT_EQ(w.sequence(), reader.sequence() - 1) << where;
      ASSERT_OK(w.write(type, payload, out));
      ++counts.decrypted;
    } else {
      ASSERT_OK(write_plaintext(type, payload, out, load_be16(&r.complete_record[1])));
    }
    EXPECT_EQ(to_hex(out), to_hex(r.complete_record)) << where;
    ++counts.records;

    if (type == ContentType::handshake) {
      HandshakeReassembler& ra = from_server ? server_msgs_ : client_msgs_;
      ASSERT_OK(ra.add(payload));
      HandshakeMessage m;
      while (ra.next(m)) {
        const Bytes msg = m.bytes.to_bytes();
        ++counts.messages;
        on_message(from_server, msg);
        if (::testing::Test::HasFatalFailure()) return;
      }
    } else if (type == ContentType::alert) {
      AlertMessage a;
      ASSERT_OK(parse_alert(payload, a));
      EXPECT_TRUE(a.is_closure()) << where;
      EXPECT_EQ(a.alert(), Alert::close_notify) << where;
      uint8_t again[2];
      encode_alert(a.alert(), again);
      EXPECT_EQ(to_hex(ByteView(again, 2)), to_hex(payload)) << where;
    }
  }

  void on_message(bool from_server, const Bytes& msg) {
    const uint8_t type = msg[0];
    const std::string base = std::string(from_server ? "server_" : "client_") +
                             handshake_type_name(type);
    const int n = ++seen_[base];
    const std::string name = n == 1 ? base : base + "_" + std::to_string(n);

    switch (type) {
      case 1:  // ClientHello
        if (psk_mode_) {
          on_client_hello_with_psk(msg);
        } else {
          c_.check_if_listed(name, msg);
          transcript_.add(msg);
        }
        break;
      case 2:  // ServerHello or HelloRetryRequest
        c_.check_if_listed(name, msg);
        on_server_hello(msg);
        break;
      case 4:  // NewSessionTicket: post-handshake, not in the transcript
        c_.check_if_listed(name, msg);
        on_new_session_ticket(msg);
        break;
      case 5:  // EndOfEarlyData: the last message under the 0-RTT keys
        c_.check_if_listed(name, msg);
        transcript_.add(msg);
        install_client_handshake_keys();
        break;
      case 20:  // Finished
        on_finished(from_server, msg);
        c_.check_if_listed(name, msg);
        break;
      default:
        c_.check_if_listed(name, msg);
        transcript_.add(msg);
    }
  }

  // §4: the ClientHello carries a PSK binder over its own prefix.
  void on_client_hello_with_psk(const Bytes& msg) {
    // The PSK comes from §3's ticket: HKDF-Expand-Label(res_master,
    // "resumption", ticket_nonce, 32) under §3's TLS_AES_128_GCM_SHA256.
    const Rfc8448Section* s3 = rfc8448_section("3");
    ASSERT_NE(s3, nullptr);
    const HashAlg psk_hash = HashAlg::sha256;
    Secret psk;
    derive_resumption_psk(psk_hash, s3->value("resumption_master_secret"),
                          s3->value("ticket_nonce"), psk);
    c_.check("psk", psk.view());
    c_.check("early_secret_ikm", psk.view());

    early_.emplace(EarlySecret::with_psk(psk_hash, psk.view()));
    c_.check("early_secret", KeyScheduleTestAccess::secret(*early_));

    const Bytes prefix = s_.value("binder_client_hello_prefix");
    ASSERT_GT(msg.size(), prefix.size());
    // The listed ClientHello is the one printed without binders.
    c_.check("client_ClientHello", ByteView(msg).sub(0, prefix.size()));
    c_.check("binder_client_hello_prefix", ByteView(msg).sub(0, prefix.size()));

    Secret binder_key;
    early_->binder_key(binder_key);
    c_.check("binder_key", binder_key.view());
    uint8_t binder_hash[kMaxHashLen];
    ASSERT_OK(transcript_.hash_with_prefix(psk_hash, prefix, binder_hash));
    c_.check("binder_hash", ByteView(binder_hash, hash_len(psk_hash)));
    Secret binder_finished;
    finished_key(psk_hash, binder_key.view(), binder_finished);
    c_.check("binder_finished_key", binder_finished.view());
    uint8_t binder[kMaxHashLen];
    compute_binder(psk_hash, binder_key.view(), ByteView(binder_hash, hash_len(psk_hash)), binder);
    c_.check("binder", ByteView(binder, hash_len(psk_hash)));

    // The whole ClientHello is the prefix followed by the binders list.
    Bytes full = prefix;
    Writer w(full);
    size_t at = w.open_block(2);
    w.vec8(ByteView(binder, hash_len(psk_hash)));
    w.close_block(at, 2);
    EXPECT_EQ(to_hex(full), to_hex(msg)) << "RFC 8448 §4 ClientHello with its binder";

    transcript_.add(msg);
    if (!early_data_) return;

    // 0-RTT (mactls never sends it, but §4 does): the client early secrets
    // from the early stage, over Hash(ClientHello).
    suite_ = find_cipher_suite(TLS_AES_128_GCM_SHA256);
    uint8_t ch_hash[kMaxHashLen];
    ASSERT_OK(transcript_.hash_with_prefix(psk_hash, ByteView(), ch_hash));
    ByteView ch(ch_hash, hash_len(psk_hash));
    c_.check("client_early_traffic_secret_transcript_hash", ch);
    c_.check("early_exporter_master_secret_transcript_hash", ch);
    Secret early_traffic, early_exporter;
    derive_secret(psk_hash, KeyScheduleTestAccess::secret(*early_), label::kClientEarlyTraffic,
                  ch, early_traffic);
    derive_secret(psk_hash, KeyScheduleTestAccess::secret(*early_), label::kEarlyExporterMaster,
                  ch, early_exporter);
    c_.check("client_early_traffic_secret", early_traffic.view());
    c_.check("early_exporter_master_secret", early_exporter.view());
    check_keys("client_early", early_traffic.view());
    ASSERT_OK(client_reader_.set_keys(*suite_, early_traffic.view()));
    ASSERT_OK(client_writer_.set_keys(*suite_, early_traffic.view()));
  }

  void on_server_hello(const Bytes& msg) {
    // ServerHello body: legacy_version(2) random(32) session_id<0..32>
    // cipher_suite(2) ...
    Reader r(ByteView(msg).sub(4));
    ByteView random, session_id;
    uint16_t version = 0, code = 0;
    ASSERT_TRUE(r.u16(version) && r.bytes(32, random) && r.vec8(session_id, 0, 32) && r.u16(code));
    suite_ = find_cipher_suite(code);
    ASSERT_NE(suite_, nullptr) << "suite " << code;

    if (to_hex(random) == kHelloRetryRequestRandom) {
      // §4.4.1: ClientHello1 becomes message_hash, then the HRR follows.
      ASSERT_OK(transcript_.set_hash(hash()));
      ASSERT_OK(transcript_.restart_with_message_hash());
      transcript_.add(msg);
      counts.hello_retry = true;
      return;
    }
    ASSERT_OK(transcript_.set_hash(hash()));
    transcript_.add(msg);
    const ByteView hs_hash = th();
    c_.check("client_handshake_traffic_secret_transcript_hash", hs_hash);
    c_.check("server_handshake_traffic_secret_transcript_hash", hs_hash);

    if (!early_) {
      early_.emplace(EarlySecret::without_psk(hash()));
      c_.check("early_secret", KeyScheduleTestAccess::secret(*early_));
    }
    Secret derived;
    KeyScheduleTestAccess::derived(*early_, derived);
    c_.check("derived_secret_for_handshake", derived.view());

    std::optional<HandshakeSecret> hs;
    hs.emplace(std::move(*early_).into_handshake(s_.value("handshake_secret_ikm")));
    EXPECT_TRUE(early_->consumed()) << "into_handshake must wipe the early stage";
    early_.reset();
    c_.check("handshake_secret", KeyScheduleTestAccess::secret(*hs));
    hs->client_traffic(hs_hash, client_hs_);
    hs->server_traffic(hs_hash, server_hs_);
    c_.check("client_handshake_traffic_secret", client_hs_.view());
    c_.check("server_handshake_traffic_secret", server_hs_.view());

    KeyScheduleTestAccess::derived(*hs, derived);
    c_.check("derived_secret_for_master", derived.view());
    master_.emplace(std::move(*hs).into_master());
    EXPECT_TRUE(hs->consumed()) << "into_master must wipe the handshake stage";
    c_.check("master_secret", KeyScheduleTestAccess::secret(*master_));

    check_keys("server_handshake", server_hs_.view());
    ASSERT_OK(server_msgs_.check_key_change());
    ASSERT_OK(server_reader_.set_keys(*suite_, server_hs_.view()));
    ASSERT_OK(server_writer_.set_keys(*suite_, server_hs_.view()));
    check_keys("client_handshake", client_hs_.view());
    // With 0-RTT the client keeps its early keys until EndOfEarlyData.
    if (!early_data_) install_client_handshake_keys();
  }

  void install_client_handshake_keys() {
    ASSERT_OK(client_msgs_.check_key_change());
    ASSERT_OK(client_reader_.set_keys(*suite_, client_hs_.view()));
    ASSERT_OK(client_writer_.set_keys(*suite_, client_hs_.view()));
  }

  void on_finished(bool from_server, const Bytes& msg) {
    ASSERT_TRUE(master_.has_value()) << "Finished before ServerHello";
    const std::string who = from_server ? "server_" : "client_";
    const Secret& base = from_server ? server_hs_ : client_hs_;
    const ByteView before = th();  // ClientHello .. the message before Finished
    Secret key;
    finished_key(hash(), base.view(), key);
    c_.check(who + "finished_key", key.view());
    uint8_t verify_data[kMaxHashLen];
    finished_verify_data(hash(), key.view(), before, verify_data);
    c_.check(who + "verify_data", ByteView(verify_data, hash_len(hash())));
    const ByteView body = ByteView(msg).sub(4);
    EXPECT_TRUE(verify_finished(hash(), base.view(), before, body));
    Bytes tampered = body.to_bytes();
    tampered.back() ^= 1;
    EXPECT_FALSE(verify_finished(hash(), base.view(), before, tampered));

    transcript_.add(msg);
    const ByteView after = th();
    if (from_server) {
      c_.check("client_application_traffic_secret_0_transcript_hash", after);
      c_.check("server_application_traffic_secret_0_transcript_hash", after);
      c_.check("exporter_master_secret_transcript_hash", after);
      master_->client_application_traffic(after, client_ap_);
      master_->server_application_traffic(after, server_ap_);
      Secret exporter;
      master_->exporter_master(after, exporter);
      c_.check("client_application_traffic_secret_0", client_ap_.view());
      c_.check("server_application_traffic_secret_0", server_ap_.view());
      c_.check("exporter_master_secret", exporter.view());
      check_keys("server_application", server_ap_.view());
      check_keys("client_application", client_ap_.view());
      ASSERT_OK(server_msgs_.check_key_change());
      ASSERT_OK(server_reader_.set_keys(*suite_, server_ap_.view()));
      ASSERT_OK(server_writer_.set_keys(*suite_, server_ap_.view()));
    } else {
      c_.check("resumption_master_secret_transcript_hash", after);
      master_->resumption_master(after, resumption_master_);
      c_.check("resumption_master_secret", resumption_master_.view());
      ASSERT_OK(client_msgs_.check_key_change());
      ASSERT_OK(client_reader_.set_keys(*suite_, client_ap_.view()));
      ASSERT_OK(client_writer_.set_keys(*suite_, client_ap_.view()));
      saw_client_finished_ = true;
    }
  }

  void on_new_session_ticket(const Bytes& msg) {
    // NewSessionTicket body (§4.6.1): lifetime(4) age_add(4)
    // ticket_nonce<0..255> ticket<1..2^16-1> extensions<0..2^16-2>.
    Reader r(ByteView(msg).sub(4));
    uint32_t lifetime = 0, age_add = 0;
    ByteView nonce;
    ASSERT_TRUE(r.u32(lifetime) && r.u32(age_add) && r.vec8(nonce));
    c_.check("ticket_nonce", nonce);
    ASSERT_FALSE(resumption_master_.empty()) << "ticket before the client Finished";
    Secret psk;
    derive_resumption_psk(hash(), resumption_master_.view(), nonce, psk);
    c_.check("resumption_psk", psk.view());
  }

  // Checks <prefix>_key / <prefix>_iv against traffic_keys(secret).
  void check_keys(const std::string& prefix, ByteView secret) {
    TrafficKeys k;
    ASSERT_OK(traffic_keys(*suite_, secret, k));
    c_.check(prefix + "_key", k.key.view());
    c_.check(prefix + "_iv", ByteView(k.iv, kAeadNonceLen));
  }

  const Rfc8448Section& s_;
  NamedValueChecker& c_;
  bool psk_mode_ = false;
  bool early_data_ = false;
  bool saw_client_finished_ = false;
  const CipherSuite* suite_ = nullptr;
  Transcript transcript_;
  uint8_t th_[kMaxHashLen] = {};
  size_t th_len_ = 0;
  std::optional<EarlySecret> early_;
  std::optional<MasterSecret> master_;
  Secret client_hs_, server_hs_, client_ap_, server_ap_, resumption_master_;
  RecordReader client_reader_, server_reader_;  // read what each party sent
  RecordProtector client_writer_, server_writer_;
  HandshakeReassembler client_msgs_, server_msgs_;
  std::map<std::string, int> seen_;
};

// Named values that are inputs of a trace, not outputs of mactls: the
// ephemeral key pairs (KeyShare is tested elsewhere), the (EC)DHE shared
// secret fed to into_handshake, and the all-zero IKMs.
std::vector<std::string> expected_inputs(const std::string& id) {
  if (id == "4")
    return {"client_ephemeral_x25519_private_key", "client_ephemeral_x25519_public_key",
            "server_ephemeral_x25519_private_key", "server_ephemeral_x25519_public_key",
            "handshake_secret_ikm", "master_secret_ikm"};
  if (id == "5")
    return {"client_ephemeral_x25519_private_key", "client_ephemeral_x25519_public_key",
            "client_ephemeral_p256_private_key",   "client_ephemeral_p256_public_key",
            "early_secret_ikm",                    "server_ephemeral_p256_private_key",
            "server_ephemeral_p256_public_key",    "handshake_secret_ikm",
            "master_secret_ikm"};
  return {"client_ephemeral_x25519_private_key", "client_ephemeral_x25519_public_key",
          "early_secret_ikm",
          "server_ephemeral_x25519_private_key", "server_ephemeral_x25519_public_key",
          "handshake_secret_ikm", "master_secret_ikm"};
}

ReplayCounts replay(const std::string& id, std::set<std::string>* checked = nullptr) {
  const Rfc8448Section* s = rfc8448_section(id);
  if (!s) return {};
  NamedValueChecker c(*s);
  TraceReplay t(*s, c);
  t.run();
  EXPECT_EQ(c.unchecked(), expected_inputs(id)) << "RFC 8448 §" << id;
  if (checked) *checked = c.checked();
  return t.counts;
}

// RFC 8448 §3: full 1-RTT handshake, X25519, no PSK, and a NewSessionTicket.
TEST(Rfc8448, Section3SimpleHandshake) {
  ReplayCounts n = replay("3");
  EXPECT_EQ(n.records, 9u);
  EXPECT_EQ(n.decrypted, 7u);
}

// RFC 8448 §4: resumption with the §3 ticket (binder over the truncated
// ClientHello), with 0-RTT records.
TEST(Rfc8448, Section4ResumedHandshake) {
  ReplayCounts n = replay("4");
  EXPECT_EQ(n.records, 10u);
  EXPECT_EQ(n.decrypted, 8u);
}

// RFC 8448 §5: HelloRetryRequest; the transcript replaces ClientHello1 by
// message_hash.
TEST(Rfc8448, Section5HelloRetryRequest) {
  ReplayCounts n = replay("5");
  EXPECT_TRUE(n.hello_retry);
  EXPECT_EQ(n.records, 8u);
  EXPECT_EQ(n.decrypted, 4u);
}

// RFC 8448 §6: client authentication (CertificateRequest, client
// Certificate and CertificateVerify in the transcript).
TEST(Rfc8448, Section6ClientAuthentication) {
  ReplayCounts n = replay("6");
  EXPECT_EQ(n.records, 6u);
  EXPECT_EQ(n.decrypted, 4u);
}

// RFC 8448 §7: middlebox compatibility mode; both sides send a CCS record,
// which the reader drops.
TEST(Rfc8448, Section7CompatibilityMode) {
  ReplayCounts n = replay("7");
  EXPECT_EQ(n.records, 8u);
  EXPECT_EQ(n.ccs_dropped, 2u);
}

// The coverage pin: every value RFC 8448 §3-§7 lists is either checked or
// in expected_inputs(), and the number checked cannot silently shrink.
TEST(Rfc8448, AllNamedValuesAreCheckedExceptInputs) {
  size_t total = 0, records = 0;
  for (const char* id : {"3", "4", "5", "6", "7"}) {
    std::set<std::string> checked;
    records += replay(id, &checked).records;
    std::printf("RFC 8448 §%s: %zu named values checked\n", id, checked.size());
    total += checked.size();
  }
  std::printf("RFC 8448: %zu named values checked, %zu records read and rewritten\n", total,
              records);
  EXPECT_EQ(total, kExpectedNamedChecks);
  EXPECT_EQ(records, 41u);
}

// Every HKDF step RFC 8448 §3-§7 prints (PRK, context, expanded value) is
// recomputed with the mactls function that does that step: Extract, the
// Derive-Secret labels, finished_key, traffic_keys, derive_resumption_psk
// and the PSK binder. All traces use TLS_AES_128_GCM_SHA256. No step that
// prints a PRK is skipped.
TEST(Rfc8448, EveryPrintedDerivationStepRecomputes) {
  const HashAlg h = HashAlg::sha256;
  const CipherSuite& suite = *find_cipher_suite(TLS_AES_128_GCM_SHA256);
  // `derive secret "tls13 c hs traffic"` and the like -> "c hs traffic".
  auto label_of = [](const std::string& action) -> std::string {
    for (const char* verb : {"derive secret \"tls13 ", "derive secret for handshake \"tls13 ",
                             "derive secret for master \"tls13 ",
                             "generate resumption secret \"tls13 ",
                             "calculate finished \"tls13 "}) {
      const std::string v(verb);
      if (action.size() > v.size() && action.compare(0, v.size(), v) == 0 &&
          action.back() == '"')
        return action.substr(v.size(), action.size() - v.size() - 1);
    }
    return std::string();
  };
  size_t checked = 0, unhandled = 0;
  for (const char* id : {"3", "4", "5", "6", "7"}) {
    const Rfc8448Section* s = rfc8448_section(id);
    ASSERT_NE(s, nullptr);
    for (const test::Rfc8448Step& step : s->steps) {
      const std::string where = std::string("RFC 8448 §") + id + " " + step.party + ": " +
                                step.action;
      auto v = [&](const char* key) {
        const std::string* x = step.value(key);
        EXPECT_NE(x, nullptr) << where << " has no " << key;
        return x ? test::hex(*x) : Bytes();
      };
      auto expect = [&](const char* key, ByteView got) {
        EXPECT_EQ(to_hex(got), to_hex(v(key))) << where << " " << key;
        ++checked;
      };
      const std::string lbl = label_of(step.action);
      if (step.action.rfind("extract secret", 0) == 0 && step.value("secret")) {
        // "0 (all zero octets)" is how the RFC prints the zero salt.
        const std::string* salt = step.value("salt");
        ASSERT_NE(salt, nullptr) << where;
        Bytes salt_bytes = salt->rfind("0 (", 0) == 0 ? Bytes() : test::hex(*salt);
        Secret out;
        hkdf_extract(h, salt_bytes, v("IKM"), out);
        expect("secret", out.view());
      } else if (!lbl.empty() && step.value("PRK")) {
        const Bytes prk = v("PRK"), context = v("hash");
        Secret out;
        if (lbl == "finished") {
          finished_key(h, prk, out);
        } else if (lbl == "resumption") {
          derive_resumption_psk(h, prk, context, out);
        } else {
          derive_secret(h, prk, lbl.c_str(), context, out);
        }
        expect("expanded", out.view());
      } else if (step.action.find("traffic keys") != std::string::npos && step.value("PRK")) {
        TrafficKeys k;
        ASSERT_OK(traffic_keys(suite, v("PRK"), k));
        expect("key expanded", k.key.view());
        expect("iv expanded", ByteView(k.iv, kAeadNonceLen));
      } else if (step.action == "calculate PSK binder" && step.value("PRK")) {
        Transcript t;
        uint8_t binder_hash[32], binder[32];
        ASSERT_OK(t.hash_with_prefix(h, v("ClientHello prefix"), binder_hash));
        expect("binder hash", ByteView(binder_hash, 32));
        Secret key;
        finished_key(h, v("PRK"), key);
        expect("expanded", key.view());
        compute_binder(h, v("PRK"), ByteView(binder_hash, 32), binder);
        expect("finished", ByteView(binder, 32));
      } else if (step.value("PRK")) {
        ADD_FAILURE() << where << ": a printed derivation this test does not recompute";
        ++unhandled;
      }
    }
  }
  std::printf("RFC 8448 §3-§7: %zu printed derivation-step values recomputed\n", checked);
  EXPECT_EQ(unhandled, 0u);
  EXPECT_EQ(checked, kExpectedStepChecks);
}

}  // namespace
}  // namespace mactls
