// Copyright 2026 The Tidings Authors.

#include "service/internal/recent_signals.h"

#include <algorithm>
#include <utility>

#include "service/convert.h"
#include "service/internal/wire.h"

namespace tidings::service::internal {

RecentSignals::RecentSignals(size_t max_signals, size_t max_bytes,
                             double min_relevance)
    : max_signals_(std::max<size_t>(max_signals, 1)),
      max_bytes_(max_bytes),
      min_relevance_(min_relevance) {}

void RecentSignals::Add(std::vector<v1::Signal> signals) {
  // Build the entries outside the lock: readers wait only for the splice.
  std::vector<RecentSignal> entries;
  entries.reserve(signals.size());
  for (v1::Signal& s : signals) {
    auto view = std::make_shared<v1::Signal>(std::move(s));
    DropWeakEvents(min_relevance_, view.get());
    v1::SubscribeEvent event;
    *event.mutable_signal() = *view;  // One copy per signal, not per reader.
    grpc::Slice full = SerializeToSlice(event);
    ApplyView(v1::SIGNAL_VIEW_COMPACT, event.mutable_signal());
    grpc::Slice compact = SerializeToSlice(event);
    entries.push_back(RecentSignal{view->seq(), std::move(view),
                                   std::move(full), std::move(compact)});
  }
  absl::MutexLock lock(&mu_);
  for (RecentSignal& e : entries) {
    if (!signals_.empty() && e.seq != signals_.back().seq + 1) {
      signals_.clear();
      bytes_ = 0;
    }
    bytes_ += e.event.size() + e.compact_event.size();
    signals_.push_back(std::move(e));
    while (signals_.size() > max_signals_ ||
           (signals_.size() > 1 && bytes_ > max_bytes_)) {
      bytes_ -=
          signals_.front().event.size() + signals_.front().compact_event.size();
      signals_.pop_front();
    }
  }
}

bool RecentSignals::Read(uint64_t after, uint64_t end, size_t max,
                         std::vector<RecentSignal>* out) const {
  absl::ReaderMutexLock lock(&mu_);
  if (signals_.empty()) return false;
  const uint64_t first = signals_.front().seq;
  const uint64_t last = signals_.back().seq;
  if (after + 1 < first || after + 1 > last) return false;
  const uint64_t stop = std::min(end, last);
  for (uint64_t seq = after + 1; seq <= stop && max > 0; ++seq, --max) {
    out->push_back(signals_[seq - first]);
  }
  return true;
}

}  // namespace tidings::service::internal
