// Copyright 2026 The Tidings Authors.
//
// recent_signals.h: the newest committed signals, held in memory once for
// every subscriber. A caught-up subscriber would otherwise read each new
// signal back from storage, parse it, filter a copy and serialise it again,
// once per subscriber: with a thousand subscribers, a thousand times per
// signal. Here each signal is kept as its default view (the events below
// the server's default min_relevance dropped, as a Subscribe without its own
// min_relevance sees it) and as that view serialised once as a
// SubscribeEvent, in full and in SIGNAL_VIEW_COMPACT, which every such
// subscriber writes as is.
//
// The committer adds each group of signals after it is durable and before
// the hub wakes the subscribers, so a subscriber woken for head h finds
// every seq <= h here unless it fell out of the window (then it reads
// storage, as before).

#ifndef TIDINGS_SERVICE_INTERNAL_RECENT_SIGNALS_H_
#define TIDINGS_SERVICE_INTERNAL_RECENT_SIGNALS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/slice.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

struct RecentSignal {
  uint64_t seq = 0;
  // The signal with the events below the default min_relevance dropped.
  std::shared_ptr<const v1::Signal> view;
  // SubscribeEvent{signal: *view}, serialised (shared, reference-counted).
  grpc::Slice event;
  // The same in SIGNAL_VIEW_COMPACT.
  grpc::Slice compact_event;
};

class RecentSignals {
 public:
  // Holds at most `max_signals` signals and, beyond the newest one, about
  // `max_bytes` of serialised events; `min_relevance` is the server's
  // default (the view's threshold).
  RecentSignals(size_t max_signals, size_t max_bytes, double min_relevance);

  // Appends signals just made durable, in seq order. A seq that does not
  // follow the newest one held (a gap: storage was written by someone else,
  // or the store returned no signals for a commit) first drops everything
  // held, so the window is always one dense run of seqs. Thread-safe.
  void Add(std::vector<v1::Signal> signals);

  // Appends to `*out` the signals with seq in (after, end], at most `max`,
  // in seq order, and returns true; returns false and appends nothing when
  // seq after + 1 is not held (older than the window, or not committed).
  // Thread-safe.
  bool Read(uint64_t after, uint64_t end, size_t max,
            std::vector<RecentSignal>* out) const;

  double min_relevance() const { return min_relevance_; }

 private:
  const size_t max_signals_;
  const size_t max_bytes_;
  const double min_relevance_;
  mutable absl::Mutex mu_;
  std::deque<RecentSignal> signals_ ABSL_GUARDED_BY(mu_);  // Dense seqs.
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_RECENT_SIGNALS_H_
