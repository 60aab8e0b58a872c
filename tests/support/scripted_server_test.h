// Test support: a GoogleTest fixture for tests that run mactls against the
// scripted server — one server identity (PKI made once per suite) and a
// client config with its trust anchor, a RAM ticket store and a manual
// clock set to the real time.
#ifndef MACTLS_TESTS_SUPPORT_SCRIPTED_SERVER_TEST_H
#define MACTLS_TESTS_SUPPORT_SCRIPTED_SERVER_TEST_H

#include <gtest/gtest.h>

#include "mactls/client.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/scripted_server.h"

namespace mactls::test {

class ScriptedServerTest : public ::testing::Test {
 public:
  /// The name the server's certificate is for.
  static constexpr const char* kServerHost = "server.test";

 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static Pki* pki_;
  static ServerIdentity* id_;
  TrustStore trust_;
  MemoryTicketStore store_;
  ManualClock clock_;
  ClientConfig cfg_;
  ServerTicketBook book_;
};

}  // namespace mactls::test

#endif
