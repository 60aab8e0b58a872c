// The public API's own promises (issue 13, "API friction"): named code
// points in C++ and C that agree with each other and with the display names,
// a key-share list derived from `groups` when left empty, clear usage errors
// for an inconsistent explicit one, port 0 meaning 443 for the ticket key,
// and the version query.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/mactls.h"
#include "mactls/tls_ids.h"
#include "mactls/trust.h"
#include "mactls/version.h"
#include "support/recording_ticket_store.h"

namespace mactls {
namespace {

// The C names are the C++ numbers.
static_assert(MACTLS_TLS_1_2 == kVersionTls12 && MACTLS_TLS_1_3 == kVersionTls13, "versions");
static_assert(MACTLS_SUITE_AES_128_GCM_SHA256 == kTlsAes128GcmSha256, "suite");
static_assert(MACTLS_SUITE_AES_256_GCM_SHA384 == kTlsAes256GcmSha384, "suite");
static_assert(MACTLS_SUITE_CHACHA20_POLY1305_SHA256 == kTlsChacha20Poly1305Sha256, "suite");
static_assert(MACTLS_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 == kTlsEcdheEcdsaWithAes128GcmSha256, "suite");
static_assert(MACTLS_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 == kTlsEcdheEcdsaWithAes256GcmSha384, "suite");
static_assert(MACTLS_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 == kTlsEcdheEcdsaWithChacha20Poly1305Sha256,
              "suite");
static_assert(MACTLS_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256 == kTlsEcdheRsaWithAes128GcmSha256, "suite");
static_assert(MACTLS_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384 == kTlsEcdheRsaWithAes256GcmSha384, "suite");
static_assert(MACTLS_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 == kTlsEcdheRsaWithChacha20Poly1305Sha256,
              "suite");
static_assert(MACTLS_GROUP_X25519 == kGroupX25519 && MACTLS_GROUP_SECP256R1 == kGroupSecp256r1 &&
                  MACTLS_GROUP_SECP384R1 == kGroupSecp384r1,
              "groups");
static_assert(MACTLS_SIG_RSA_PKCS1_SHA256 == kSigRsaPkcs1Sha256 && MACTLS_SIG_RSA_PKCS1_SHA384 == kSigRsaPkcs1Sha384 &&
                  MACTLS_SIG_RSA_PKCS1_SHA512 == kSigRsaPkcs1Sha512,
              "pkcs1");
static_assert(MACTLS_SIG_ECDSA_SECP256R1_SHA256 == kSigEcdsaSecp256r1Sha256 &&
                  MACTLS_SIG_ECDSA_SECP384R1_SHA384 == kSigEcdsaSecp384r1Sha384 && MACTLS_SIG_ED25519 == kSigEd25519,
              "ecdsa, eddsa");
static_assert(MACTLS_SIG_RSA_PSS_RSAE_SHA256 == kSigRsaPssRsaeSha256 &&
                  MACTLS_SIG_RSA_PSS_RSAE_SHA384 == kSigRsaPssRsaeSha384 &&
                  MACTLS_SIG_RSA_PSS_RSAE_SHA512 == kSigRsaPssRsaeSha512 &&
                  MACTLS_SIG_RSA_PSS_PSS_SHA256 == kSigRsaPssPssSha256 &&
                  MACTLS_SIG_RSA_PSS_PSS_SHA384 == kSigRsaPssPssSha384 && MACTLS_SIG_RSA_PSS_PSS_SHA512 == kSigRsaPssPssSha512,
              "pss");

TEST(NamedCodePoints, EachNamesWhatTheDisplayNamesSay) {
  EXPECT_STREQ(tls_version_name(kVersionTls13), "TLS 1.3");
  EXPECT_STREQ(tls_version_name(kVersionTls12), "TLS 1.2");
  struct Named {
    uint16_t code;
    const char* name;
  };
  for (Named s : {Named{kTlsAes128GcmSha256, "TLS_AES_128_GCM_SHA256"},
                  Named{kTlsAes256GcmSha384, "TLS_AES_256_GCM_SHA384"},
                  Named{kTlsChacha20Poly1305Sha256, "TLS_CHACHA20_POLY1305_SHA256"},
                  Named{kTlsEcdheEcdsaWithAes128GcmSha256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
                  Named{kTlsEcdheEcdsaWithAes256GcmSha384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
                  Named{kTlsEcdheEcdsaWithChacha20Poly1305Sha256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
                  Named{kTlsEcdheRsaWithAes128GcmSha256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                  Named{kTlsEcdheRsaWithAes256GcmSha384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
                  Named{kTlsEcdheRsaWithChacha20Poly1305Sha256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}})
    EXPECT_STREQ(tls_cipher_suite_name(s.code), s.name) << s.code;
  EXPECT_STREQ(tls_group_name(kGroupX25519), "x25519");
  EXPECT_STREQ(tls_group_name(kGroupSecp256r1), "secp256r1");
  EXPECT_STREQ(tls_group_name(kGroupSecp384r1), "secp384r1");
  for (Named s : {Named{kSigRsaPkcs1Sha256, "rsa_pkcs1_sha256"}, Named{kSigRsaPkcs1Sha384, "rsa_pkcs1_sha384"},
                  Named{kSigRsaPkcs1Sha512, "rsa_pkcs1_sha512"},
                  Named{kSigEcdsaSecp256r1Sha256, "ecdsa_secp256r1_sha256"},
                  Named{kSigEcdsaSecp384r1Sha384, "ecdsa_secp384r1_sha384"},
                  Named{kSigRsaPssRsaeSha256, "rsa_pss_rsae_sha256"}, Named{kSigRsaPssRsaeSha384, "rsa_pss_rsae_sha384"},
                  Named{kSigRsaPssRsaeSha512, "rsa_pss_rsae_sha512"}, Named{kSigEd25519, "ed25519"},
                  Named{kSigRsaPssPssSha256, "rsa_pss_pss_sha256"}, Named{kSigRsaPssPssSha384, "rsa_pss_pss_sha384"},
                  Named{kSigRsaPssPssSha512, "rsa_pss_pss_sha512"}})
    EXPECT_STREQ(tls_signature_scheme_name(s.code), s.name) << s.code;
}

TEST(NamedCodePoints, TheDefaultsAreSpelledWithThem) {
  ClientConfig cfg;
  EXPECT_EQ(cfg.cipher_suites,
            (std::vector<uint16_t>{kTlsAes128GcmSha256, kTlsAes256GcmSha384, kTlsChacha20Poly1305Sha256}));
  EXPECT_EQ(cfg.groups, (std::vector<uint16_t>{kGroupX25519, kGroupSecp256r1, kGroupSecp384r1}));
  EXPECT_TRUE(cfg.key_share_groups.empty()) << "derived from groups by default";
  EXPECT_EQ(cfg.min_version, kVersionTls12);
  EXPECT_EQ(cfg.max_version, kVersionTls13);
  EXPECT_EQ(cfg.tls12_cipher_suites.size(), 6u);
  // One default for the authentication bound, wherever it is read.
  EXPECT_EQ(cfg.limits.max_auth_age_s, Ticket::kDefaultMaxAuthAgeS);
}

// ------------------------------------------------ key shares and groups

Status check(const ClientConfig& cfg) { return Client(cfg, "example.test", 443).check_config(); }

TEST(KeyShareGroups, LeftEmptyTheyFollowGroupsAlone) {
  TrustStore trust;
  ClientConfig cfg;
  cfg.trust = &trust;
  for (uint16_t g : {kGroupX25519, kGroupSecp256r1, kGroupSecp384r1}) {
    cfg.groups = {g};  // nothing else to change
    EXPECT_TRUE(check(cfg).is_ok()) << g << ": " << check(cfg).what();
    Client c(cfg, "example.test", 443);
    std::vector<uint8_t> out;
    EXPECT_TRUE(c.start(out).is_ok()) << g;
    EXPECT_FALSE(out.empty());
  }
}

TEST(KeyShareGroups, AnInconsistentExplicitListIsAUsageErrorInWords) {
  TrustStore trust;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.groups = {kGroupX25519};
  cfg.key_share_groups = {kGroupSecp384r1};  // not in groups
  Status s = check(cfg);
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
  EXPECT_NE(std::string(s.what()).find("not in groups"), std::string::npos) << s.what();
  // start() refuses it the same way and sends nothing.
  Client c(cfg, "example.test", 443);
  std::vector<uint8_t> out;
  EXPECT_EQ(c.start(out).origin(), ErrorOrigin::usage);
  EXPECT_TRUE(out.empty());

  cfg.groups = {kGroupX25519, kGroupSecp256r1};
  cfg.key_share_groups = {kGroupX25519, kGroupX25519};  // RFC 8446 §4.2.8
  s = check(cfg);
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
  EXPECT_NE(std::string(s.what()).find("twice"), std::string::npos) << s.what();

  cfg.groups = {kGroupX25519, kGroupSecp256r1, kGroupSecp384r1, kGroupX25519};
  cfg.key_share_groups = {kGroupX25519, kGroupSecp256r1, kGroupSecp384r1, kGroupX25519};
  EXPECT_EQ(check(cfg).origin(), ErrorOrigin::usage);

  cfg.groups.clear();
  cfg.key_share_groups.clear();
  s = check(cfg);
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
  EXPECT_NE(std::string(s.what()).find("no groups"), std::string::npos) << s.what();

  cfg.groups = {kGroupX25519, kGroupSecp256r1};
  cfg.key_share_groups = {kGroupSecp256r1, kGroupX25519};  // a consistent explicit list
  EXPECT_TRUE(check(cfg).is_ok()) << check(cfg).what();
}

// ------------------------------------------------------------ the port

TEST(EnginePort, ZeroMeans443ForTheTicketKey) {
  TrustStore trust;
  test::RecordingTicketStore store;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  std::vector<uint8_t> out;
  Client zero(cfg, "example.test", 0);
  ASSERT_TRUE(zero.start(out).is_ok());
  Client https(cfg, "example.test", 443);
  ASSERT_TRUE(https.start(out).is_ok());
  Client other(cfg, "example.test", 8443);
  ASSERT_TRUE(other.start(out).is_ok());
  ASSERT_EQ(store.take_keys().size(), 3u);
  EXPECT_EQ(store.take_keys()[0].port, 443);
  EXPECT_TRUE(store.take_keys()[0] == store.take_keys()[1]);
  EXPECT_FALSE(store.take_keys()[0] == store.take_keys()[2]);
}

// ------------------------------------------------------------ version

TEST(Version, TheLinkedLibraryNamesTheHeadersVersion) {
  ASSERT_NE(version(), nullptr);
  EXPECT_STREQ(version(), MACTLS_VERSION_STRING);
  EXPECT_STREQ(mactls_version(), version());
  const std::string expect = std::to_string(MACTLS_VERSION_MAJOR) + "." + std::to_string(MACTLS_VERSION_MINOR) +
                             "." + std::to_string(MACTLS_VERSION_PATCH);
  EXPECT_EQ(expect, version());
}

}  // namespace
}  // namespace mactls
