// mactls-fetch's HTTP side (tools/fetch/http.h): https URL parsing and the
// incremental response parser (framing rules of RFC 9112 §6.3, chunked
// coding of RFC 9112 §7.1).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "../../tools/fetch/http.h"

namespace mactls::fetch {
namespace {

TEST(FetchUrl, SplitsHostPortAndTarget) {
  Url u;
  std::string err;
  ASSERT_TRUE(parse_url("https://example.com/a/b?q=1#frag", &u, &err)) << err;
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/a/b?q=1");
  EXPECT_EQ(u.authority, "example.com");

  ASSERT_TRUE(parse_url("HTTPS://localhost:4433", &u, &err)) << err;
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 4433);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.authority, "localhost:4433");

  ASSERT_TRUE(parse_url("https://[::1]:8443?x", &u, &err)) << err;
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.target, "/?x");
  EXPECT_EQ(u.authority, "[::1]:8443");
}

TEST(FetchUrl, RefusesWhatItCannotFetch) {
  Url u;
  std::string err;
  EXPECT_FALSE(parse_url("http://example.com/", &u, &err));
  EXPECT_NE(err.find("only https://"), std::string::npos);
  EXPECT_FALSE(parse_url("https://", &u, &err));
  EXPECT_FALSE(parse_url("https://user@example.com/", &u, &err));
  EXPECT_FALSE(parse_url("https://example.com:0/", &u, &err));
  EXPECT_FALSE(parse_url("https://example.com:65536/", &u, &err));
  EXPECT_FALSE(parse_url("https://example.com:44x/", &u, &err));
  EXPECT_FALSE(parse_url("https://::1/", &u, &err));
  EXPECT_NE(err.find("brackets"), std::string::npos);
  EXPECT_FALSE(parse_url("https://example.com/a b", &u, &err));
}

TEST(FetchUrl, ConnectOverrideNeedsHostAndPort) {
  std::string host, err;
  uint16_t port = 0;
  ASSERT_TRUE(split_host_port("127.0.0.1:4433", &host, &port, true, &err)) << err;
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 4433);
  ASSERT_TRUE(split_host_port("[::1]:1", &host, &port, true, &err)) << err;
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 1);
  EXPECT_FALSE(split_host_port("127.0.0.1", &host, &port, true, &err));
  EXPECT_NE(err.find("no port"), std::string::npos);
  EXPECT_FALSE(split_host_port(":443", &host, &port, true, &err));
}

// Feeds `wire` in pieces of `step` bytes; returns the body.
std::string feed_all(ResponseParser& p, const std::string& wire, size_t step) {
  std::string body;
  for (size_t i = 0; i < wire.size(); i += step)
    if (!p.feed(wire.data() + i, std::min(step, wire.size() - i), &body)) break;
  return body;
}

class EveryChunking : public ::testing::TestWithParam<size_t> {};

TEST_P(EveryChunking, ContentLengthBodyStopsAtItsLength) {
  ResponseParser p;
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloEXTRA";
  EXPECT_EQ(feed_all(p, wire, GetParam()), "hello");
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.status_line(), "HTTP/1.1 200 OK");
  std::string err;
  EXPECT_TRUE(p.finish(&err)) << err;
}

TEST_P(EveryChunking, ChunkedBodyWithExtensionsAndTrailers) {
  ResponseParser p;
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 999\r\n\r\n"
      "5;name=value\r\nhello\r\n1a\r\n, abcdefghijklmnopqrstuvwx\r\n0\r\nTrailer: x\r\n\r\n";
  EXPECT_EQ(feed_all(p, wire, GetParam()), "hello, abcdefghijklmnopqrstuvwx");
  EXPECT_TRUE(p.complete()) << p.error();
}

TEST_P(EveryChunking, NoFramingReadsToTheClose) {
  ResponseParser p;
  const std::string wire = "HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<html>";
  EXPECT_EQ(feed_all(p, wire, GetParam()), "<html>");
  EXPECT_FALSE(p.complete());
  EXPECT_TRUE(p.reads_to_close());
  std::string err;
  EXPECT_TRUE(p.finish(&err));
}

INSTANTIATE_TEST_SUITE_P(FetchHttp, EveryChunking, ::testing::Values(size_t(1), size_t(3), size_t(1000)));

TEST(FetchHttp, InterimResponsesAreSkipped) {
  ResponseParser p;
  std::string body = feed_all(p, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno", 7);
  EXPECT_EQ(body, "no");
  EXPECT_EQ(p.status(), 404);
  EXPECT_TRUE(p.complete());
}

TEST(FetchHttp, NoContentHasNoBody) {
  ResponseParser p;
  feed_all(p, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 100);
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(p.body_bytes(), 0u);
}

TEST(FetchHttp, TruncationIsReportedAtTheEnd) {
  std::string err;
  ResponseParser a;
  feed_all(a, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100);
  EXPECT_FALSE(a.finish(&err));
  EXPECT_EQ(err, "the connection ended after 3 of 10 body bytes (Content-Length)");
  ResponseParser b;
  feed_all(b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 100);
  EXPECT_FALSE(b.finish(&err));
  EXPECT_EQ(err, "the connection ended inside a chunked body");
  ResponseParser c;
  feed_all(c, "HTTP/1.1 200 OK\r\nServer: x", 100);
  EXPECT_FALSE(c.finish(&err));
  EXPECT_EQ(err, "the connection ended inside the response headers");
  ResponseParser d;
  EXPECT_FALSE(d.finish(&err));
  EXPECT_EQ(err, "the connection ended before an HTTP response arrived");
}

TEST(FetchHttp, MalformedResponsesFailWithAReason) {
  struct Case {
    const char* wire;
    const char* error_part;
  } cases[] = {
      {"SSH-2.0-OpenSSH\r\n", "not an HTTP/1.x status line"},
      {"HTTP/1.1 2x0 OK\r\n", "not an HTTP/1.x status line"},
      {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than its size"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.wire);
    ResponseParser p;
    std::string body;
    EXPECT_FALSE(p.feed(c.wire, std::strlen(c.wire), &body));
    EXPECT_NE(p.error().find(c.error_part), std::string::npos) << p.error();
    std::string err;
    EXPECT_FALSE(p.finish(&err));
  }
}

TEST(FetchHttp, HeaderSectionIsBounded) {
  ResponseParser p;
  std::string wire = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 2000; ++i) wire += "X-Filler: " + std::string(40, 'f') + "\r\n";
  std::string body;
  EXPECT_FALSE(p.feed(wire.data(), wire.size(), &body));
  EXPECT_NE(p.error().find("larger than 64 KiB"), std::string::npos);
}

}  // namespace
}  // namespace mactls::fetch
