// Test support: assert that a mactls::Status is ok, printing what failed.
#ifndef MACTLS_TESTS_SUPPORT_ASSERT_STATUS_H
#define MACTLS_TESTS_SUPPORT_ASSERT_STATUS_H

#include <gtest/gtest.h>

#include "mactls/status.h"

#define ASSERT_OK(expr)                                          \
  do {                                                           \
    ::mactls::Status assert_ok_s_ = (expr);                      \
    ASSERT_TRUE(assert_ok_s_.is_ok()) << #expr << ": " << assert_ok_s_.what(); \
  } while (0)

#endif
