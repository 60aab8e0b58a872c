// Test and benchmark support: live-heap accounting for executables that
// interpose malloc/free themselves. Blocks allocated while counting are
// remembered (open addressing in a fixed table: the hooks never allocate)
// and uncounted when freed, whenever that happens.
#ifndef MACTLS_TESTS_SUPPORT_HEAP_TRACKER_H
#define MACTLS_TESTS_SUPPORT_HEAP_TRACKER_H

#include <cstddef>
#include <cstdint>

namespace mactls::test {

class HeapTracker {
 public:
  static constexpr size_t kSlots = 1 << 16;
  static constexpr size_t kPeakSizes = 4096;

  bool counting = false;
  size_t live = 0, peak = 0, blocks = 0, allocations = 0;
  /// Sizes of the blocks live at the peak (for "where the heap goes").
  size_t peak_sizes[kPeakSizes];
  size_t peak_count = 0;
  bool keep_peak_sizes = false;

  void reset() {
    live = peak = allocations = 0;
  }

  void on_alloc(void* p, size_t n) {
    if (!counting || !p) return;
    size_t i = slot_of(p);
    while (slots_[i].p) i = (i + 1) & (kSlots - 1);
    slots_[i] = {p, n};
    live += n;
    ++blocks;
    ++allocations;
    if (live > peak) {
      peak = live;
      if (keep_peak_sizes) snapshot();
    }
  }

  void on_free(void* p) {
    if (!p) return;
    size_t i = slot_of(p);
    for (size_t probes = 0; probes < kSlots && slots_[i].p; ++probes, i = (i + 1) & (kSlots - 1)) {
      if (slots_[i].p != p) continue;
      live -= slots_[i].n;
      --blocks;
      // Backward-shift deletion keeps every probe chain intact.
      size_t j = i;
      for (;;) {
        slots_[j] = {nullptr, 0};
        size_t k = j;
        for (;;) {
          k = (k + 1) & (kSlots - 1);
          if (!slots_[k].p) return;
          size_t home = slot_of(slots_[k].p);
          bool movable = (j <= k) ? (home <= j || home > k) : (home <= j && home > k);
          if (movable) break;
        }
        slots_[j] = slots_[k];
        j = k;
      }
    }
  }

 private:
  struct Slot {
    void* p;
    size_t n;
  };
  static size_t slot_of(void* p) { return (reinterpret_cast<uintptr_t>(p) >> 4) & (kSlots - 1); }
  void snapshot() {
    peak_count = 0;
    for (size_t i = 0; i < kSlots && peak_count < kPeakSizes; ++i)
      if (slots_[i].p) peak_sizes[peak_count++] = slots_[i].n;
  }
  Slot slots_[kSlots] = {};
};

}  // namespace mactls::test

#endif
