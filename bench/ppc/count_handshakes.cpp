// The instruction-count driver for the emulated G3: replays a transcript
// (bench/transcripts/<scenario>.txt) byte for byte — any difference from
// what the client produced on x86-64 is a portability bug and fails — and
// brackets each connection's client work with calls to mactls_marker(), whose
// address the counting plugin watches. Also counts the nettle floor
// operations of the scenario the same way.
//
//   count_handshakes TRANSCRIPT
//   markers: 1/2 the full connection, 3/4 the second one: resumed (a-d, g),
//   or full with a verification cache warm (e, f; transcript.h)
#include <cstdio>

#include "../transcript.h"

extern "C" __attribute__((noinline)) void mactls_marker(int id) {
  __asm__ __volatile__("" : : "r"(id) : "memory");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s TRANSCRIPT\n", argv[0]);
    return 2;
  }
  mactls::bench::Transcript t;
  std::string err;
  if (!t.load(argv[1], &err)) {
    std::fprintf(stderr, "%s: %s\n", argv[1], err.c_str());
    return 1;
  }
  mactls::bench::ReplayHooks h;
  h.before_connection = [](int c) { mactls_marker(1 + 2 * c); };
  h.after_connection = [](int c) { mactls_marker(2 + 2 * c); };
  if (!mactls::bench::replay(t, h, &err)) {
    std::fprintf(stderr, "replay of %s failed: %s\n", argv[1], err.c_str());
    return 1;
  }
  std::printf("replay %c: byte-exact, full then %s\n", t.scenario, t.kind(1));
  return 0;
}
