// The async layer: Connection driven through a scripted in-memory Transport
// and a scripted Engine (tests/support/async_fakes.h), with a ManualClock
// for deadlines; the POSIX transport on loopback sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "async/engine.h"
#include "mactls/connection.h"
#include "mactls/testing.h"
#include "support/async_fakes.h"

namespace mactls {
namespace {

using test::FakeRig;
using test::kClientHello;
using test::toy;

std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

void deliver(FakeRig& r, const Bytes& b) { r.wire->inbound.insert(r.wire->inbound.end(), b.begin(), b.end()); }

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// ------------------------------------------------------------- connecting

TEST(Connection, ConnectTimeoutFailsWithTimeoutOriginAndMessage) {
  ConnectionOptions opt;
  opt.connect_timeout_ms = 5000;
  FakeRig r(opt, "slow.test", 8443);
  ASSERT_TRUE(r.conn->Start().is_ok());
  EXPECT_EQ(r.conn->state(), ConnState::connecting);
  EXPECT_EQ(r.wire->opened_host, "slow.test");
  EXPECT_EQ(r.wire->opened_port, 8443);
  r.clock.advance_ms(4999);
  EXPECT_EQ(r.conn->Pump(), ConnState::connecting);
  EXPECT_EQ(r.conn->events(), 0u);
  r.clock.advance_ms(1);
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->events(), uint32_t(kEventFailed));
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::timeout);
  EXPECT_TRUE(contains(r.conn->last_error(), "slow.test:8443")) << r.conn->last_error();
  EXPECT_TRUE(contains(r.conn->last_error(), "timed out after 5000 ms")) << r.conn->last_error();
  EXPECT_TRUE(r.wire->closed);
  // The ClientHello was made while connecting but never left: withdrawn,
  // so its ticket went back to the store unused.
  EXPECT_EQ(r.engine->starts, 1);
  EXPECT_EQ(r.engine->withdraws, 1);
  // Failed is reported once; later Pumps are quiet no-ops.
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->events(), 0u);
}

// Issue 14: the ClientHello (and its key pair) is made while TCP connects,
// and leaves in the Pump that sees the connect complete.
TEST(Connection, TheClientHelloIsReadyBeforeTheConnectCompletes) {
  FakeRig r;
  r.wire->poll_results = {ConnectStatus::in_progress, ConnectStatus::in_progress, ConnectStatus::connected};
  ASSERT_TRUE(r.conn->Start().is_ok());
  EXPECT_EQ(r.conn->state(), ConnState::connecting);
  EXPECT_EQ(r.engine->starts, 1) << "built during the connect";
  EXPECT_EQ(r.engine->state, Client::State::handshaking);
  EXPECT_TRUE(r.wire->sent.empty()) << "nothing is sent before the connect completes";
  EXPECT_EQ(r.conn->Pump(), ConnState::connecting);
  EXPECT_EQ(r.conn->Pump(), ConnState::connecting);
  EXPECT_TRUE(r.wire->sent.empty());
  EXPECT_EQ(r.conn->Pump(), ConnState::handshaking);
  EXPECT_EQ(str(r.wire->sent), kClientHello) << "sent in the Pump that saw the connect";
  EXPECT_EQ(r.engine->starts, 1);
  EXPECT_EQ(r.conn->events() & kEventConnected, uint32_t(kEventConnected));
}

TEST(Connection, WithTheSwitchOffTheClientHelloIsBuiltOnlyOnceConnected) {
  ConnectionOptions opt;
  opt.hello_while_connecting = false;
  FakeRig r(opt);
  r.wire->poll_results = {ConnectStatus::in_progress, ConnectStatus::connected};
  ASSERT_TRUE(r.conn->Start().is_ok());
  EXPECT_EQ(r.engine->starts, 0);
  EXPECT_EQ(r.conn->Pump(), ConnState::connecting);
  EXPECT_EQ(r.engine->starts, 0);
  EXPECT_EQ(r.conn->Pump(), ConnState::handshaking);
  EXPECT_EQ(r.engine->starts, 1);
  EXPECT_EQ(str(r.wire->sent), kClientHello);
}

TEST(Connection, AnImmediateConnectBuildsTheHelloOnceAndSendsIt) {
  FakeRig r;
  r.start_connected();
  EXPECT_EQ(r.engine->starts, 1);
  EXPECT_EQ(str(r.wire->sent), kClientHello);
}

TEST(Connection, AHelloBuiltWhileConnectingFailsStartWhenTheEngineRefuses) {
  FakeRig r;
  r.engine->start_result = Status::make(ErrorOrigin::usage, Alert::internal_error, "host name too long");
  Status s = r.conn->Start();
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
  EXPECT_EQ(r.conn->state(), ConnState::failed);
  EXPECT_TRUE(contains(r.conn->last_error(), "host name too long")) << r.conn->last_error();
  EXPECT_TRUE(r.wire->closed) << "the connect in progress is given up";
  EXPECT_TRUE(r.wire->sent.empty());
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->events(), uint32_t(kEventFailed));
}

TEST(Connection, AHelloThatNeverLeftIsWithdrawnOnCloseFailureOrDispose) {
  {  // closed while connecting
    FakeRig r;
    ASSERT_TRUE(r.conn->Start().is_ok());
    r.conn->Close();
    EXPECT_EQ(r.conn->state(), ConnState::closed);
    EXPECT_EQ(r.engine->withdraws, 1);
  }
  {  // disposed while connecting
    FakeRig r;
    ASSERT_TRUE(r.conn->Start().is_ok());
    r.conn->Dispose();
    EXPECT_EQ(r.engine->withdraws, 1);
  }
  {  // connected, but the transport never took a byte before the deadline
    ConnectionOptions opt;
    opt.handshake_timeout_ms = 100;
    FakeRig r(opt);
    r.wire->poll_results = {ConnectStatus::connected};
    r.wire->send_blocked = true;
    ASSERT_TRUE(r.conn->Start().is_ok());
    EXPECT_EQ(r.conn->Pump(), ConnState::handshaking);
    r.clock.advance_ms(100);
    EXPECT_EQ(r.conn->Pump(), ConnState::failed);
    EXPECT_EQ(r.engine->withdraws, 1);
  }
  {  // part of the hello left: it may have reached the server, so no withdraw
    ConnectionOptions opt;
    opt.handshake_timeout_ms = 100;
    FakeRig r(opt);
    r.wire->poll_results = {ConnectStatus::connected};
    r.wire->send_chunk = 3;
    r.wire->block_every_other_send = true;
    ASSERT_TRUE(r.conn->Start().is_ok());
    r.conn->Pump();
    ASSERT_GT(r.wire->sent.size(), 0u);
    r.wire->send_blocked = true;
    r.clock.advance_ms(100);
    EXPECT_EQ(r.conn->Pump(), ConnState::failed);
    EXPECT_EQ(r.engine->withdraws, 0);
  }
}

// Issue 13: a stored ticket is not silent.
TEST(Connection, EachStoredTicketIsAnEventAndACallback) {
  std::vector<uint16_t> calls;
  ConnectionOptions opt;
  opt.on_ticket_stored = [&calls](uint16_t version) { calls.push_back(version); };
  FakeRig r(opt);
  r.open();
  EXPECT_EQ(r.conn->events() & kEventTicketStored, 0u);
  deliver(r, toy('t'));  // received, not stored: silent
  r.conn->Pump();
  EXPECT_EQ(r.conn->events() & kEventTicketStored, 0u);
  EXPECT_TRUE(calls.empty());
  Bytes two = toy('s');
  Bytes more = toy('s');
  two.insert(two.end(), more.begin(), more.end());
  deliver(r, two);
  r.conn->Pump();
  EXPECT_EQ(r.conn->events() & kEventTicketStored, uint32_t(kEventTicketStored));
  EXPECT_EQ(calls, (std::vector<uint16_t>{0x0304, 0x0304})) << "one call per ticket";
  r.conn->Pump();
  EXPECT_EQ(r.conn->events() & kEventTicketStored, 0u) << "an edge, reported once";
  deliver(r, toy('s', "2"));
  r.conn->Pump();
  EXPECT_EQ(calls.back(), 0x0303) << "a TLS 1.2 session";
  EXPECT_EQ(calls.size(), 3u);
}

TEST(Connection, TransportErrorDuringConnectIsReportedInItsWords) {
  FakeRig r({}, "server.test", 443);
  r.wire->open_result = ConnectStatus::in_progress;
  r.wire->poll_results = {ConnectStatus::in_progress, ConnectStatus::failed};
  r.wire->error_text = "192.0.2.1:443: Connection refused";
  ASSERT_TRUE(r.conn->Start().is_ok());
  EXPECT_EQ(r.conn->Pump(), ConnState::connecting);
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->events(), uint32_t(kEventFailed));
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::transport);
  EXPECT_EQ(r.conn->last_error(), "cannot connect to server.test:443: 192.0.2.1:443: Connection refused");
}

TEST(Connection, ImmediateConnectFailureIsReturnedByStart) {
  FakeRig r;
  r.wire->open_result = ConnectStatus::failed;
  r.wire->error_text = "cannot resolve 'server.test': Name or service not known";
  Status s = r.conn->Start();
  EXPECT_EQ(s.origin(), ErrorOrigin::transport);
  EXPECT_EQ(r.conn->state(), ConnState::failed);
  EXPECT_TRUE(contains(r.conn->last_error(), "Name or service not known"));
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->events(), uint32_t(kEventFailed));  // the edge reaches the first Pump
}

TEST(Connection, DialHostOverridesWhereToConnectButNotTheName) {
  ConnectionOptions opt;
  opt.dial_host = "127.0.0.1";
  opt.dial_port = 4433;
  FakeRig r(opt, "www.example.test", 443);
  ASSERT_TRUE(r.conn->Start().is_ok());
  EXPECT_EQ(r.wire->opened_host, "127.0.0.1");
  EXPECT_EQ(r.wire->opened_port, 4433);
}

TEST(Connection, PumpNeverBlocksWhileConnectIsPending) {
  FakeRig r;
  ASSERT_TRUE(r.conn->Start().is_ok());
  // A transport that never finishes: each Pump makes one poll and returns.
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(r.conn->Pump(), ConnState::connecting);
  EXPECT_EQ(r.wire->polls, 1000);
  EXPECT_EQ(r.conn->stats().pump_calls, 1000u);
  EXPECT_EQ(r.conn->stats().transport_connect_polls, 1000u);
  Connection::Interest in = r.conn->interest();
  EXPECT_EQ(in.handle, 42);
  EXPECT_TRUE(in.want_write);
  EXPECT_EQ(in.timeout_ms, 15000);
}

TEST(Connection, PumpNeverBlocksWhenTheTransportAlwaysWouldBlock) {
  FakeRig r;
  r.wire->send_blocked = true;
  r.start_connected();
  EXPECT_EQ(r.conn->events(), uint32_t(kEventConnected));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(r.conn->Pump(), ConnState::handshaking);
  EXPECT_TRUE(r.wire->sent.empty());
  EXPECT_GE(r.conn->stats().transport_would_blocks, 2000u);  // a send and a recv per Pump
  EXPECT_TRUE(r.conn->interest().want_write);
  EXPECT_TRUE(r.conn->interest().want_read);
}

TEST(Connection, ATransportReportingZeroBytesCannotSpinPump) {
  FakeRig r;
  r.wire->zero_byte_ok = true;
  r.start_connected();  // would never return if "ok, 0 bytes" were retried
  EXPECT_EQ(r.conn->Pump(), ConnState::handshaking);
  EXPECT_EQ(r.conn->stats().wire_bytes_sent, 0u);
  EXPECT_TRUE(r.conn->interest().want_write);
}

// -------------------------------------------------------------- handshake

TEST(Connection, PartialSendsDeliverTheClientHelloIntactAndInOrder) {
  FakeRig r;
  r.wire->send_chunk = 3;
  r.wire->block_every_other_send = true;
  r.start_connected();
  r.pump_n(10);
  EXPECT_EQ(str(r.wire->sent), kClientHello);
  EXPECT_EQ(r.conn->stats().wire_bytes_sent, std::string(kClientHello).size());
  EXPECT_EQ(r.engine->starts, 1);
}

TEST(Connection, HandshakeSplitAcrossReadsReachesOpenOnce) {
  FakeRig r;
  r.wire->recv_chunk = 1;
  r.start_connected();
  deliver(r, toy('h'));
  uint32_t seen = 0;
  int done_events = 0;
  for (int i = 0; i < 5; ++i) {
    r.conn->Pump();
    seen |= r.conn->events();
    if (r.conn->events() & kEventHandshakeDone) ++done_events;
  }
  EXPECT_EQ(r.conn->state(), ConnState::open);
  EXPECT_EQ(done_events, 1);
  EXPECT_TRUE(seen & kEventWritable);
  EXPECT_EQ(str(r.wire->sent), std::string(kClientHello) + "FIN");
  ASSERT_NE(r.conn->info(), nullptr);
  EXPECT_EQ(r.conn->info()->cipher_suite, 0x1301);
  EXPECT_EQ(r.conn->stats().handshake_done_ms, r.clock.monotonic_ms());
}

TEST(Connection, HandshakeTimeoutFailsWithTimeoutOrigin) {
  ConnectionOptions opt;
  opt.handshake_timeout_ms = 2000;
  FakeRig r(opt, "quiet.test", 443);
  r.start_connected();
  r.clock.advance_ms(1999);
  EXPECT_EQ(r.conn->Pump(), ConnState::handshaking);
  EXPECT_EQ(r.conn->interest().timeout_ms, 1);
  r.clock.advance_ms(1);
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::timeout);
  EXPECT_TRUE(contains(r.conn->last_error(), "TLS handshake with quiet.test:443 timed out after 2000 ms"))
      << r.conn->last_error();
  EXPECT_GE(r.engine->closes, 1);  // the engine's keys are wiped
}

TEST(Connection, EngineFailureFlushesItsAlertAndNamesIt) {
  FakeRig r;
  r.start_connected();
  deliver(r, toy('b'));
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::local);
  EXPECT_EQ(r.conn->error().alert(), Alert::decode_error);
  EXPECT_EQ(r.conn->last_error(),
            "TLS handshake with server.test:443 failed: malformed toy record (mactls sent alert decode_error)");
  EXPECT_EQ(str(r.wire->sent), std::string(kClientHello) + "ALERT");
  EXPECT_TRUE(r.wire->closed);
}

TEST(Connection, PeerAlertIsNamedWithItsOrigin) {
  FakeRig r;
  r.start_connected();
  deliver(r, toy('x', std::string(1, char(Alert::handshake_failure))));
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::peer);
  EXPECT_EQ(r.conn->error().alert(), Alert::handshake_failure);
  EXPECT_TRUE(contains(r.conn->last_error(), "(alert handshake_failure from the server)")) << r.conn->last_error();
}

TEST(Connection, EngineStartFailureIsReported) {
  FakeRig r;
  r.engine->start_result = Status::make(ErrorOrigin::usage, Alert::internal_error, "no trust anchors configured");
  r.start_connected();
  EXPECT_EQ(r.conn->state(), ConnState::failed);
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::usage);
  EXPECT_TRUE(contains(r.conn->last_error(), "no trust anchors configured"));
}

TEST(Connection, EofDuringHandshakeFails) {
  FakeRig r;
  r.wire->eof_when_drained = true;
  r.start_connected();
  EXPECT_EQ(r.conn->state(), ConnState::failed);
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::transport);
  EXPECT_TRUE(contains(r.conn->last_error(), "closed the TCP connection during the TLS handshake"));
}

TEST(Connection, ReceiveErrorCarriesTheTransportText) {
  FakeRig r;
  r.open();
  r.wire->recv_fails = true;
  r.wire->error_text = "recv from 127.0.0.1:443: Connection reset by peer";
  EXPECT_EQ(r.conn->Pump(), ConnState::failed);
  EXPECT_EQ(r.conn->error().origin(), ErrorOrigin::transport);
  EXPECT_EQ(r.conn->last_error(),
            "receiving from server.test:443 failed: recv from 127.0.0.1:443: Connection reset by peer");
}

TEST(Connection, SendErrorCarriesTheTransportText) {
  FakeRig r;
  r.wire->send_fails = true;
  r.wire->error_text = "send to 127.0.0.1:443: Broken pipe";
  r.start_connected();
  EXPECT_EQ(r.conn->state(), ConnState::failed);
  EXPECT_TRUE(contains(r.conn->last_error(), "Broken pipe"));
}

// ------------------------------------------------------- application data

TEST(Connection, DataFlowsBothWays) {
  FakeRig r;
  r.open();
  ASSERT_EQ(r.conn->state(), ConnState::open);
  const std::string req = "GET / HTTP/1.1\r\n\r\n";
  EXPECT_EQ(r.conn->Write(reinterpret_cast<const uint8_t*>(req.data()), req.size()), req.size());
  r.conn->Pump();
  EXPECT_TRUE(contains(str(r.wire->sent), "W" + req));
  deliver(r, toy('d', "hello"));
  r.conn->Pump();
  EXPECT_TRUE(r.conn->events() & kEventReadable);
  uint8_t buf[16];
  ASSERT_EQ(r.conn->Read(buf, sizeof buf), 5u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 5), "hello");
  EXPECT_EQ(r.conn->Read(buf, sizeof buf), 0u);
  r.conn->Pump();
  EXPECT_FALSE(r.conn->events() & kEventReadable);
  EXPECT_EQ(r.conn->stats().app_bytes_written, req.size());
  EXPECT_EQ(r.conn->stats().app_bytes_read, 5u);
  EXPECT_GT(r.conn->stats().first_byte_ms, 0u);
}

TEST(Connection, WriteIsBoundedByThePendingOutputCap) {
  ConnectionOptions opt;
  opt.max_pending_out = 1000;
  FakeRig r(opt);
  r.open();
  r.wire->send_blocked = true;
  Bytes big(5000, 'a');
  const size_t first = r.conn->Write(big.data(), big.size());
  EXPECT_EQ(first, 1000 - kRecordOverhead);  // one record fills the cap exactly
  EXPECT_EQ(r.conn->Write(big.data(), big.size()), 0u);
  r.conn->Pump();
  EXPECT_FALSE(r.conn->events() & kEventWritable);
  EXPECT_TRUE(r.conn->interest().want_write);
  // The transport drains: room again.
  r.wire->send_blocked = false;
  r.conn->Pump();
  EXPECT_TRUE(r.conn->events() & kEventWritable);
  EXPECT_EQ(r.conn->Write(big.data(), big.size()), 1000 - kRecordOverhead);
  r.conn->Pump();
  EXPECT_EQ(r.engine->wrote_plaintext, 2 * (1000 - kRecordOverhead));
}

TEST(Connection, LargeWriteIsSplitIntoRecordsWithinTheCap) {
  FakeRig r;  // default cap: 64 KiB
  r.open();
  r.wire->send_blocked = true;
  Bytes big(200000, 'z');
  const size_t took = r.conn->Write(big.data(), big.size());
  const size_t records = (took + kMaxPlaintext - 1) / kMaxPlaintext;
  EXPECT_GT(took, 3 * kMaxPlaintext);
  EXPECT_LE(took + records * kRecordOverhead, ConnectionOptions().max_pending_out);
}

TEST(Connection, WriteBeforeOpenOrWithNullTakesNothing) {
  FakeRig r;
  const uint8_t b[3] = {1, 2, 3};
  EXPECT_EQ(r.conn->Write(b, 3), 0u);  // idle
  r.start_connected();
  EXPECT_EQ(r.conn->Write(b, 3), 0u);  // handshaking
  r.open();
  EXPECT_EQ(r.conn->Write(nullptr, 3), 0u);
  EXPECT_EQ(r.conn->Write(b, 0), 0u);
  uint8_t out[4];
  EXPECT_EQ(r.conn->Read(nullptr, 4), 0u);
  EXPECT_EQ(r.conn->Read(out, 0), 0u);
  EXPECT_EQ(r.engine->wrote_plaintext, 0u);
}

TEST(Connection, TicketsAfterTheHandshakeAreFedWhileTheAppOnlyWrites) {
  FakeRig r;
  r.open();
  // The server sends two NewSessionTickets after its Finished; the
  // application writes and never reads, yet Pump keeps feeding the engine.
  deliver(r, toy('t', "ticket-1"));
  deliver(r, toy('t', "ticket-2"));
  const uint8_t req[4] = {'G', 'E', 'T', ' '};
  EXPECT_EQ(r.conn->Write(req, 4), 4u);
  r.conn->Pump();
  EXPECT_EQ(r.engine->info.tickets_received, 2u);
  EXPECT_EQ(r.conn->info()->tickets_received, 2u);
}

TEST(Connection, UnreadDataStopsReceivingUntilTheAppReads) {
  ConnectionOptions opt;
  opt.inbound_buffer = 512;
  FakeRig r(opt);
  r.engine->max_app = 100;
  r.open();
  std::string payload(90, 'p');
  for (int i = 0; i < 20; ++i) deliver(r, toy('d', payload));
  r.pump_n(5);
  EXPECT_EQ(r.engine->app.size(), 90u);       // the engine holds what fits
  EXPECT_FALSE(r.conn->interest().want_read);  // our buffer is full too
  const size_t waiting_at_server = r.wire->inbound.size();
  EXPECT_GT(waiting_at_server, 0u);
  r.pump_n(5);
  EXPECT_EQ(r.wire->inbound.size(), waiting_at_server);  // nothing more was received
  uint8_t buf[100];
  std::string got;
  for (int i = 0; i < 100 && got.size() < 20 * 90; ++i) {
    r.conn->Pump();
    size_t n;
    while ((n = r.conn->Read(buf, sizeof buf)) > 0) got.append(reinterpret_cast<char*>(buf), n);
  }
  EXPECT_EQ(got, std::string(20 * 90, 'p'));
}

TEST(Connection, ReceivingIsBoundedPerPump) {
  ConnectionOptions opt;
  opt.max_recv_per_pump = 1000;
  FakeRig r(opt);
  r.open();
  for (int i = 0; i < 100; ++i) deliver(r, toy('d', std::string(100, 'q')));
  const uint64_t before = r.conn->stats().wire_bytes_received;
  r.conn->Pump();
  EXPECT_LE(r.conn->stats().wire_bytes_received - before, 1000u);
  EXPECT_GT(r.conn->stats().wire_bytes_received - before, 0u);
}

// ---------------------------------------------------------------- closing

TEST(Connection, PeerCloseNotifyAnswersAndClosesKeepingDataReadable) {
  FakeRig r;
  r.open();
  deliver(r, toy('d', "last words"));
  deliver(r, toy('c'));
  EXPECT_EQ(r.conn->Pump(), ConnState::closed);
  EXPECT_TRUE(r.conn->events() & kEventClosed);
  EXPECT_TRUE(r.conn->events() & kEventReadable);
  EXPECT_TRUE(r.conn->stats().close_notify_received);
  EXPECT_TRUE(contains(str(r.wire->sent), "CLOSE"));
  EXPECT_TRUE(r.wire->closed);
  uint8_t buf[32];
  ASSERT_EQ(r.conn->Read(buf, sizeof buf), 10u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 10), "last words");
  EXPECT_TRUE(r.conn->last_error().empty());
}

TEST(Connection, EofWithoutCloseNotifyClosesAndSaysSo) {
  FakeRig r;
  r.open();
  deliver(r, toy('d', "body"));
  r.wire->eof_when_drained = true;
  EXPECT_EQ(r.conn->Pump(), ConnState::closed);
  EXPECT_FALSE(r.conn->stats().close_notify_received);
  uint8_t buf[8];
  EXPECT_EQ(r.conn->Read(buf, sizeof buf), 4u);
}

TEST(Connection, CloseFlushesCloseNotifyThenClosesTheTransport) {
  FakeRig r;
  r.open();
  r.wire->send_blocked = true;
  r.conn->Close();
  EXPECT_EQ(r.conn->state(), ConnState::closing);
  EXPECT_EQ(r.conn->Pump(), ConnState::closing);
  EXPECT_FALSE(r.wire->closed);
  r.wire->send_blocked = false;
  EXPECT_EQ(r.conn->Pump(), ConnState::closed);
  EXPECT_TRUE(r.conn->events() & kEventClosed);
  EXPECT_EQ(str(r.wire->sent), std::string(kClientHello) + "FINCLOSE");
  EXPECT_TRUE(r.wire->closed);
}

TEST(Connection, ClosingGivesUpAfterTheCloseTimeout) {
  ConnectionOptions opt;
  opt.close_timeout_ms = 300;
  FakeRig r(opt);
  r.open();
  r.wire->send_blocked = true;
  r.conn->Close();
  r.clock.advance_ms(299);
  EXPECT_EQ(r.conn->Pump(), ConnState::closing);
  r.clock.advance_ms(1);
  EXPECT_EQ(r.conn->Pump(), ConnState::closed);
  EXPECT_TRUE(r.wire->closed);
  EXPECT_TRUE(r.conn->error().is_ok());
}

// Drives a rig into the named state.
void reach(FakeRig& r, ConnState s) {
  switch (s) {
    case ConnState::idle: break;
    case ConnState::connecting: ASSERT_TRUE(r.conn->Start().is_ok()); break;
    case ConnState::handshaking: r.start_connected(); break;
    case ConnState::open: r.open(); break;
    case ConnState::closing:
      r.open();
      r.wire->send_blocked = true;
      r.conn->Close();
      break;
    case ConnState::closed:
      r.open();
      r.conn->Close();
      r.conn->Pump();
      break;
    case ConnState::failed:
      r.start_connected();
      deliver(r, toy('b'));
      r.conn->Pump();
      break;
  }
  ASSERT_EQ(r.conn->state(), s);
}

class EveryState : public ::testing::TestWithParam<ConnState> {};

TEST_P(EveryState, CloseThenPumpEndsClosedOrStaysFailed) {
  FakeRig r;
  reach(r, GetParam());
  r.conn->Close();
  r.wire->send_blocked = false;
  r.pump_n(3);
  EXPECT_EQ(r.conn->state(), GetParam() == ConnState::failed ? ConnState::failed : ConnState::closed);
  if (GetParam() != ConnState::idle) {
    EXPECT_TRUE(r.wire->closed);
  }
  r.conn->Close();  // idempotent
  EXPECT_EQ(r.conn->Pump(), r.conn->state());
}

TEST_P(EveryState, DisposeReleasesEverythingAndLeavesASafeObject) {
  FakeRig r;
  reach(r, GetParam());
  std::weak_ptr<test::EngineScript> engine_alive = r.engine;
  r.conn->Dispose();
  EXPECT_EQ(r.conn->state(), GetParam() == ConnState::failed ? ConnState::failed : ConnState::closed);
  EXPECT_EQ(r.conn->info(), nullptr);
  if (GetParam() != ConnState::idle) {
    EXPECT_TRUE(r.wire->closed);
  }
  EXPECT_EQ(r.wire.use_count(), 1);    // the transport was released
  EXPECT_EQ(r.engine.use_count(), 1);  // the engine was released
  // Every call afterwards is a harmless no-op.
  uint8_t b[4] = {0};
  EXPECT_EQ(r.conn->Pump(), r.conn->state());
  EXPECT_EQ(r.conn->events(), 0u);
  EXPECT_EQ(r.conn->Write(b, 4), 0u);
  EXPECT_EQ(r.conn->Read(b, 4), 0u);
  EXPECT_EQ(r.conn->Start().origin(), ErrorOrigin::usage);
  r.conn->Close();
  r.conn->Dispose();
  EXPECT_EQ(r.conn->interest().handle, -1);
  r.conn.reset();  // the destructor after Dispose
}

INSTANTIATE_TEST_SUITE_P(Connection, EveryState,
                         ::testing::Values(ConnState::idle, ConnState::connecting, ConnState::handshaking,
                                           ConnState::open, ConnState::closing, ConnState::closed,
                                           ConnState::failed),
                         [](const ::testing::TestParamInfo<ConnState>& i) {
                           return std::string(conn_state_name(i.param));
                         });

// ------------------------------------------------------------------ misuse

TEST(Connection, StartTwiceIsAUsageErrorThatChangesNothing) {
  FakeRig r;
  ASSERT_TRUE(r.conn->Start().is_ok());
  Status s = r.conn->Start();
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
  EXPECT_EQ(r.conn->state(), ConnState::connecting);
  EXPECT_EQ(r.wire->opens, 1);
  EXPECT_TRUE(r.conn->last_error().empty());
}

TEST(Connection, MissingTransportOrEngineFailsAtStartInWords) {
  ManualClock clock;
  auto no_transport = connection_with_engine(
      std::unique_ptr<Engine>(new test::ScriptedEngine(std::make_shared<test::EngineScript>())), nullptr,
      "h.test", 443, {}, &clock);
  EXPECT_EQ(no_transport->Start().origin(), ErrorOrigin::usage);
  EXPECT_EQ(no_transport->state(), ConnState::failed);
  EXPECT_EQ(no_transport->last_error(), "the connection was made without a transport");
  EXPECT_EQ(no_transport->Pump(), ConnState::failed);

  auto no_engine = connection_with_engine(
      nullptr, std::unique_ptr<Transport>(new test::FakeTransport(std::make_shared<test::FakeWire>())),
      "h.test", 443, {}, &clock);
  EXPECT_EQ(no_engine->Start().origin(), ErrorOrigin::usage);
  EXPECT_EQ(no_engine->last_error(), "the connection was made without a TLS engine");
  uint8_t b[1];
  EXPECT_EQ(no_engine->Read(b, 1), 0u);
  no_engine->Close();
  EXPECT_EQ(no_engine->state(), ConnState::failed);
}

TEST(Connection, StateAndOriginNames) {
  EXPECT_STREQ(conn_state_name(ConnState::handshaking), "handshaking");
  EXPECT_STREQ(conn_state_name(ConnState::failed), "failed");
  EXPECT_STREQ(error_origin_name(ErrorOrigin::timeout), "timeout");
  EXPECT_STREQ(error_origin_name(ErrorOrigin::transport), "transport");
  EXPECT_STREQ(tls_version_name(0x0304), "TLS 1.3");
  EXPECT_STREQ(tls_version_name(0), "none");
  // RFC 8446 §B.4.
  EXPECT_STREQ(tls_cipher_suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
  EXPECT_STREQ(tls_cipher_suite_name(0x1302), "TLS_AES_256_GCM_SHA384");
  EXPECT_STREQ(tls_cipher_suite_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_STREQ(tls_cipher_suite_name(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");  // TLS 1.2
  EXPECT_STREQ(tls_cipher_suite_name(0xc013), "unknown");  // a CBC suite mactls never offers
  EXPECT_STREQ(tls_cipher_suite_name(0), "none");
  // RFC 8446 §4.2.7 and §4.2.3.
  EXPECT_STREQ(tls_group_name(0x001d), "x25519");
  EXPECT_STREQ(tls_group_name(0x0017), "secp256r1");
  EXPECT_STREQ(tls_group_name(0), "none");
  EXPECT_STREQ(tls_signature_scheme_name(0x0807), "ed25519");
  EXPECT_STREQ(tls_signature_scheme_name(0x0804), "rsa_pss_rsae_sha256");
  EXPECT_STREQ(tls_signature_scheme_name(0), "none");
}

// --------------------------------------------------------- POSIX transport

// A listening socket on 127.0.0.1 with a kernel-chosen port.
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4) != 0) return;
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
};

// Polls until the connect settles (bounded: a loopback connect settles at once).
ConnectStatus settle(Transport& t, ConnectStatus cs) {
  for (int i = 0; i < 500 && cs == ConnectStatus::in_progress; ++i) {
    ::poll(nullptr, 0, 10);
    cs = t.poll_connect();
  }
  return cs;
}

IoResult recv_some(Transport& t, uint8_t* buf, size_t cap) {
  IoResult r = t.recv(buf, cap);
  for (int i = 0; i < 500 && r.status == IoStatus::would_block; ++i) {
    ::poll(nullptr, 0, 10);
    r = t.recv(buf, cap);
  }
  return r;
}

TEST(PosixTransport, RefusedPortFailsWithTheAddressAndReason) {
  uint16_t port;
  {
    Listener l;  // take a free port, then close it: nothing listens there
    ASSERT_NE(l.port, 0);
    port = l.port;
  }
  auto t = make_posix_transport();
  ConnectStatus cs = settle(*t, t->open("127.0.0.1", port));
  EXPECT_EQ(cs, ConnectStatus::failed);
  const std::string err = t->error();
  EXPECT_TRUE(contains(err, "127.0.0.1:" + std::to_string(port))) << err;
  EXPECT_TRUE(contains(err, "Connection refused")) << err;
  EXPECT_EQ(t->native_handle(), -1);
}

TEST(PosixTransport, UnresolvableNameFailsInOpen) {
  auto t = make_posix_transport();
  // A 64-byte label is not a valid DNS name (RFC 1035 §2.3.4): the resolver
  // refuses it without a query.
  const std::string name = std::string(64, 'a') + ".invalid";
  EXPECT_EQ(t->open(name, 443), ConnectStatus::failed);
  EXPECT_TRUE(contains(t->error(), "cannot resolve '" + name + "'")) << t->error();
}

TEST(PosixTransport, ConnectsMovesBytesAndTellsWouldBlockFromEof) {
  Listener l;
  ASSERT_NE(l.port, 0);
  auto t = make_posix_transport();
  ConnectStatus cs = t->open("127.0.0.1", l.port);
  ASSERT_NE(cs, ConnectStatus::failed) << t->error();
  int server = ::accept(l.fd, nullptr, nullptr);
  ASSERT_GE(server, 0);
  ASSERT_EQ(settle(*t, cs), ConnectStatus::connected) << t->error();
  EXPECT_GE(t->native_handle(), 0);
  EXPECT_EQ(t->poll_connect(), ConnectStatus::connected);

  // Nothing sent yet: would block, not eof.
  uint8_t buf[16];
  EXPECT_EQ(t->recv(buf, sizeof buf).status, IoStatus::would_block);

  const uint8_t ping[4] = {'p', 'i', 'n', 'g'};
  IoResult s = t->send(ping, 4);
  ASSERT_EQ(s.status, IoStatus::ok);
  EXPECT_EQ(s.bytes, 4u);
  char got[4];
  ASSERT_EQ(::recv(server, got, 4, MSG_WAITALL), 4);
  EXPECT_EQ(std::string(got, 4), "ping");

  ASSERT_EQ(::send(server, "pong", 4, 0), 4);
  IoResult r = recv_some(*t, buf, sizeof buf);
  ASSERT_EQ(r.status, IoStatus::ok);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), r.bytes), "pong");

  ::close(server);
  EXPECT_EQ(recv_some(*t, buf, sizeof buf).status, IoStatus::eof);
  t->close();
  t->close();  // idempotent
  EXPECT_EQ(t->native_handle(), -1);
  EXPECT_EQ(t->send(ping, 4).status, IoStatus::error);
}

TEST(PosixTransport, SendAndRecvBeforeConnectingAreErrors) {
  auto t = make_posix_transport();
  uint8_t b[1] = {0};
  EXPECT_EQ(t->send(b, 1).status, IoStatus::error);
  EXPECT_EQ(t->recv(b, 1).status, IoStatus::error);
  EXPECT_EQ(t->poll_connect(), ConnectStatus::failed);
  EXPECT_STRNE(t->error(), "");
}

TEST(PosixTransport, ConnectionOverIt_RefusedPortEndsFailedWithClearText) {
  uint16_t port;
  {
    Listener l;
    port = l.port;
  }
  ManualClock clock;
  auto c = connection_with_engine(
      std::unique_ptr<Engine>(new test::ScriptedEngine(std::make_shared<test::EngineScript>())),
      make_posix_transport(), "127.0.0.1", port, {}, &clock);
  (void)c->Start();
  for (int i = 0; i < 500 && c->Pump() == ConnState::connecting; ++i) ::poll(nullptr, 0, 10);
  EXPECT_EQ(c->state(), ConnState::failed);
  EXPECT_EQ(c->error().origin(), ErrorOrigin::transport);
  const std::string want = "cannot connect to 127.0.0.1:" + std::to_string(port) + ": 127.0.0.1:" +
                           std::to_string(port) + ": Connection refused";
  EXPECT_EQ(c->last_error(), want);
}

}  // namespace
}  // namespace mactls
