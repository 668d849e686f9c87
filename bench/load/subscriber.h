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
  // until Cancel(), the server ends the stream, or it has seen seq
  // `until_seq` (settable later with SetUntil).
  Subscriber(LoadContext& ctx, v1::Tidings::Stub* stub, bool stall);

  // Blocks until the first heartbeat (or the end of the stream, or 60 s);
  // false when none came.
  bool AwaitReady();
  // Stops reading once a signal with seq >= until_seq arrived.
  void SetUntil(uint64_t until_seq);
  // Blocks until seq `until_seq` was seen or the stream ended, at most
  // `timeout`; true when it was seen.
  bool AwaitUntil(absl::Duration timeout);
  // Cancels the call and waits for its end.
  void CancelAndWait();

  // After AwaitUntil/CancelAndWait only.
  uint64_t delivered() const { return delivered_; }
  uint64_t delivered_bytes() const { return delivered_bytes_; }
  int64_t last_delivery_ns() const { return last_ns_; }
  std::vector<double>& latency_ms() { return latency_ms_; }

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
  // Written by the reactor only (reads are serialised by gRPC).
  uint64_t delivered_ = 0;
  uint64_t delivered_bytes_ = 0;
  int64_t last_ns_ = 0;
  std::vector<double> latency_ms_;
};

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_SUBSCRIBER_H_
