// Copyright 2026 The Tidings Authors.
//
// subscriber.h: one Subscribe stream of the load tool on gRPC's callback
// API (so that a thousand of them need no thousand threads). It records
// the commit->deliver latency of every signal, and can stall: stop reading
// after its first heartbeat, as a client that hangs would.

#ifndef TIDINGS_BENCH_LOAD_SUBSCRIBER_H_
#define TIDINGS_BENCH_LOAD_SUBSCRIBER_H_

#include <cstdint>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "bench/load/load.h"

namespace tidings::load {

class Subscriber : public grpc::ClientReadReactor<v1::SubscribeEvent> {
 public:
  // Subscribes from now (all signals, near-duplicates included) and reads
  // until CancelAndWait() or the server ends the stream (a stalling one
  // stops after its first heartbeat).
  Subscriber(LoadContext& ctx, v1::Tidings::Stub* stub, bool stall);

  // Blocks until the first heartbeat (or the end of the stream, or 60 s);
  // false when none came.
  bool AwaitReady();
  // The seq AwaitUntil() waits for.
  void SetUntil(uint64_t until_seq);
  // Blocks until seq `until_seq` was seen or the stream ended, at most
  // `timeout`; true when it was seen.
  bool AwaitUntil(absl::Duration timeout);
  // Cancels the call and waits for its end.
  void CancelAndWait();

  struct Tally {
    uint64_t delivered = 0;
    uint64_t bytes = 0;  // Serialised SubscribeEvent bytes.
    int64_t last_delivery_ns = 0;
    std::vector<double> latency_ms;  // Commit->deliver, one per signal.
  };
  // What was delivered since the last call (or the start); starts anew.
  Tally TakeTally();

  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  LoadContext& ctx_;
  grpc::ClientContext context_;
  v1::SubscribeEvent event_;
  const bool stall_;

  absl::Mutex mu_;
  bool ready_ = false;                 // Guarded by mu_.
  bool done_ = false;                  // Guarded by mu_.
  uint64_t until_seq_ = ~uint64_t{0};  // Guarded by mu_.
  uint64_t last_seq_ = 0;              // Guarded by mu_.
  Tally tally_;                        // Guarded by mu_.
};

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_SUBSCRIBER_H_
