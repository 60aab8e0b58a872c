// Test support: a TicketStore that records every call, on top of a real
// MemoryTicketStore, so tests can assert the exact sequence (insert ×N,
// take ×N, never the same ticket twice).
#ifndef MACTLS_TESTS_SUPPORT_RECORDING_TICKET_STORE_H
#define MACTLS_TESTS_SUPPORT_RECORDING_TICKET_STORE_H

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mactls/ticket_store.h"

namespace mactls::test {

class RecordingTicketStore final : public TicketStore {
 public:
  void insert(const TicketKey& key, Ticket&& t) override {
    std::lock_guard<std::mutex> g(mu_);
    inserted_.push_back(t);
    keys_.push_back(key);
    inner_.insert(key, std::move(t));
  }
  bool take(const TicketKey& key, int64_t now, Ticket* out) override {
    std::lock_guard<std::mutex> g(mu_);
    take_calls_++;
    take_keys_.push_back(key);
    if (!inner_.take(key, now, out)) return false;
    taken_.push_back(out->identity);
    return true;
  }
  bool find_tls12(const TicketKey& key, int64_t now, Ticket* out) override {
    std::lock_guard<std::mutex> g(mu_);
    find_tls12_keys_.push_back(key);
    return inner_.find_tls12(key, now, out);
  }
  void forget_tls12(const TicketKey& key) override {
    std::lock_guard<std::mutex> g(mu_);
    inner_.forget_tls12(key);
  }
  /// Every key a take() (TLS 1.3) asked for, in order.
  const std::vector<TicketKey>& take_keys() const { return take_keys_; }
  /// Every key a find_tls12() (TLS 1.2) asked for, in order.
  const std::vector<TicketKey>& find_tls12_keys() const { return find_tls12_keys_; }
  size_t inserted() const { return inserted_.size(); }
  size_t taken() const { return taken_.size(); }
  size_t take_calls() const { return take_calls_; }
  const std::vector<Ticket>& inserted_tickets() const { return inserted_; }
  const std::vector<TicketKey>& inserted_keys() const { return keys_; }
  /// Identities handed out by take(), in order.
  const std::vector<std::vector<uint8_t>>& taken_identities() const { return taken_; }
  /// Tickets and sessions the inner store holds now.
  size_t size() const { return inner_.size(); }
  bool no_identity_taken_twice() const {
    std::set<std::vector<uint8_t>> seen(taken_.begin(), taken_.end());
    return seen.size() == taken_.size();
  }

 private:
  std::mutex mu_;
  MemoryTicketStore inner_;
  std::vector<Ticket> inserted_;
  std::vector<TicketKey> keys_;
  std::vector<TicketKey> take_keys_;
  std::vector<TicketKey> find_tls12_keys_;
  std::vector<std::vector<uint8_t>> taken_;
  size_t take_calls_ = 0;
};

}  // namespace mactls::test

#endif
