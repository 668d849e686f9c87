// Copyright 2026 The Tidings Authors.
//
// hub.h: the live hub. It knows the head of the signal log and the open
// subscriptions, and wakes them; it carries no signals. A subscription is a
// cursor that reads storage (see DESIGN.md "Delivery semantics"): the hub only
// tells it that there is more to read, ticks its heartbeats, and closes it at
// shutdown. So publishing never blocks on a subscriber, however slow.

#ifndef TIDINGS_SERVICE_HUB_H_
#define TIDINGS_SERVICE_HUB_H_

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tidings::service {

class Hub {
 public:
  // What a subscription implements. The hub calls these with its own lock
  // held, from the thread that published (OnHead), from its ticker thread
  // (OnTick) or from the thread shutting down (OnClose). They must be quick
  // and must not block, call back into the hub (except head()), or start gRPC
  // operations that could end the RPC; they record the fact and hand any work
  // to the work pool.
  class Listener {
   public:
    virtual ~Listener() = default;
    // The log head advanced to `head` (durable, readable from storage).
    virtual void OnHead(uint64_t head) = 0;
    // A heartbeat interval passed.
    virtual void OnTick() = 0;
    // The server is shutting down: end the stream (UNAVAILABLE).
    virtual void OnClose() = 0;
    // How many seqs this listener trails `head` by (for metrics); may take
    // the listener's own lock. The default: 0 (not tracked).
    virtual uint64_t LagBehind(uint64_t head) { return 0; }
  };

  // `max_listeners`: most concurrent subscriptions. `tick`: heartbeat period
  // (> 0). `head`: the log head when the hub starts. Starts the ticker thread.
  Hub(uint32_t max_listeners, absl::Duration tick, uint64_t head);
  // Stops the ticker (see Stop()).
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Registers `listener` (not owned; it must stay alive until Remove()
  // returns). RESOURCE_EXHAUSTED when `max_listeners` are registered,
  // UNAVAILABLE after CloseAll(). Thread-safe.
  absl::Status Add(Listener* listener);

  // Unregisters `listener`. When it returns no callback on `listener` is
  // running or will run. A no-op for a listener not registered. Thread-safe;
  // REQUIRES: not called from a Listener callback.
  void Remove(Listener* listener);

  // Advances the head to `head` (a smaller value is ignored) and wakes the
  // listeners. Thread-safe; never blocks on a listener.
  void Publish(uint64_t head);

  // The newest published head. Thread-safe, wait-free.
  uint64_t head() const { return head_.load(std::memory_order_acquire); }

  // Calls OnClose() on every listener; later Add() calls fail. Idempotent.
  void CloseAll();

  // Stops the heartbeat ticker and joins its thread. Idempotent.
  void Stop();

  size_t size() const;

  // The listeners' LagBehind(head): the largest and the sum. Thread-safe.
  struct Lag {
    uint64_t max = 0;
    uint64_t total = 0;
  };
  Lag LagBehind(uint64_t head) const;

 private:
  void Tick();

  const uint32_t max_listeners_;
  const absl::Duration tick_;
  std::atomic<uint64_t> head_;
  mutable absl::Mutex mu_;
  absl::flat_hash_set<Listener*> listeners_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread ticker_;
};

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_HUB_H_
