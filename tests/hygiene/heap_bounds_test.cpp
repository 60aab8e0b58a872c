// Bounded memory under hostile servers: the client's live heap, counted
// allocation by allocation (the scripted server's own heap excluded), stays
// within a fixed bound however long the server keeps going — an endless
// stream of NewSessionTickets, a server trickling one byte per feed, a
// flood of application data the caller does not read.
#include <gtest/gtest.h>

#include <memory>

#include "hygiene/client_exchange.h"
#include "hygiene/heap_hooks.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

// One connection's peak of live client heap (bytes), from construction to
// destruction; `leftover` is what it still held after destruction (tickets
// given to the store).
class HeapBounds : public ScriptedServerTest {
 protected:
  struct Peak {
    Status status;
    size_t peak = 0, leftover = 0;
  };
  Peak run(const ServerScript& script, size_t chunk = 0) {
    Peak p;
    auto server = std::make_unique<ScriptedServer>(*id_, script, &book_);
    heap::tracker.reset();
    heap::tracker.counting = true;
    auto client = std::make_unique<Client>(cfg_, kServerHost, 443);
    heap::tracker.counting = false;
    p.status = exchange(*client, *server, chunk, [](bool on) { heap::tracker.counting = on; });
    heap::tracker.counting = true;
    client.reset();
    heap::tracker.counting = false;
    p.peak = heap::tracker.peak;
    p.leftover = heap::tracker.live;
    return p;
  }
};

TEST_F(HeapBounds, AnEndlessStreamOfTicketsDoesNotGrowTheClient) {
  ServerScript few;
  few.num_tickets = 2;
  Peak base = run(few);
  ASSERT_TRUE(base.status.is_ok()) << base.status.what();

  ServerScript flood;
  flood.num_tickets = 0;
  flood.after_handshake = [](ScriptedServer& s, Bytes& out) {
    for (int i = 0; i < 2000; ++i) s.send_ticket(out, 3600);
  };
  Peak p = run(flood);
  ASSERT_TRUE(p.status.is_ok()) << p.status.what();
  // 2000 tickets are parsed one at a time; at most max_tickets_per_connection
  // are stored, and the store keeps its own bounds.
  EXPECT_LE(p.peak, base.peak + 16 * 1024) << "peak with 2 tickets: " << base.peak;
  EXPECT_LE(store_.size(), 4u);
  EXPECT_LE(store_.bytes(), MemoryTicketStore::Limits().max_bytes);
}

TEST_F(HeapBounds, AServerTricklingOneByteAtATimeCostsNoMoreThanOneSendingAll) {
  Peak whole = run(ServerScript());
  ASSERT_TRUE(whole.status.is_ok());
  Peak trickle = run(ServerScript(), 1);
  ASSERT_TRUE(trickle.status.is_ok()) << trickle.status.what();
  EXPECT_LE(trickle.peak, whole.peak + 4 * 1024) << "whole-flight peak: " << whole.peak;
  EXPECT_LE(trickle.peak, 64u * 1024u);
}

TEST_F(HeapBounds, UnreadApplicationDataIsCappedByTheBufferLimit) {
  cfg_.limits.max_buffered_app_data = 16 * 1024;
  ServerScript script;
  script.after_handshake = [](ScriptedServer& s, Bytes& out) {
    Bytes chunk(16000, 'x');
    for (int i = 0; i < 64; ++i) s.send_app(ByteView(chunk), out);  // 1 MB
  };
  auto server = std::make_unique<ScriptedServer>(*id_, script, &book_);
  heap::tracker.reset();
  heap::tracker.counting = true;
  Client client(cfg_, kServerHost, 443);
  Bytes c2s, s2c;
  ASSERT_TRUE(client.start(c2s).is_ok());
  // Drive the handshake without ever calling read().
  size_t fed_total = 0;
  for (int round = 0; round < 20; ++round) {
    if (!c2s.empty()) {
      Bytes in;
      in.swap(c2s);
      heap::tracker.counting = false;
      (void)server->receive(ByteView(in), s2c);
      heap::tracker.counting = true;
    }
    if (s2c.empty()) break;
    Bytes in;
    in.swap(s2c);
    size_t used = 0;
    ASSERT_TRUE(client.feed(in.data(), in.size(), &used, c2s).is_ok());
    fed_total += used;
    if (used < in.size()) break;  // back-pressure: the buffer is full
  }
  heap::tracker.counting = false;
  // The engine stops taking records once the limit is reached: at most one
  // record (2^14 bytes) beyond it.
  EXPECT_GE(client.readable(), cfg_.limits.max_buffered_app_data);
  EXPECT_LE(client.readable(), cfg_.limits.max_buffered_app_data + 16384);
  EXPECT_LT(fed_total, 1000000u) << "the client stopped consuming";
  EXPECT_LE(heap::tracker.peak, 64u * 1024u + cfg_.limits.max_buffered_app_data + 16384);
}

}  // namespace
}  // namespace mactls::test
