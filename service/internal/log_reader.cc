// Copyright 2026 The Tidings Authors.

#include "service/internal/log_reader.h"

#include <utility>

namespace tidings::service::internal {

Chunk ReadChunk(const storage::SignalStore& store, const SignalFilter& filter,
                uint64_t after, uint64_t end, size_t max_signals,
                size_t max_bytes, size_t max_visit) {
  Chunk chunk;
  chunk.position = after;
  if (after >= end) return chunk;
  bool stopped = false;  // `visit` ended the scan: position is exact.
  size_t visited = 0;
  uint64_t last = after;
  auto visit = [&](v1::Signal& s) {
    if (s.seq() > end) {
      stopped = true;
      return false;
    }
    ++visited;
    last = s.seq();
    // The store hands over its parsed signal: filtered in place and moved,
    // not copied.
    if (filter.PreMatch(s)) {
      if (filter.Apply(&s)) {
        const size_t size = s.ByteSizeLong();
        chunk.sizes.push_back(size);
        chunk.bytes += size;
        chunk.signals.push_back(std::move(s));
        if (chunk.signals.size() >= max_signals || chunk.bytes >= max_bytes) {
          stopped = true;
          return false;
        }
      }
    }
    return true;
  };
  std::optional<v1::EventType> type = filter.single_event_type();
  chunk.status = type ? store.ScanEventType(*type, after, max_visit, visit)
                      : store.Scan(after, max_visit, visit);
  if (!chunk.status.ok()) {
    // What was visited stays valid; resume after it.
    chunk.position = last;
    return chunk;
  }
  if (stopped || visited >= max_visit) {
    chunk.position = last;
  } else {
    // The scan reached the head of its snapshot, which includes every seq
    // <= end (storage makes seq <= head_seq() visible before it is read).
    chunk.position = end;
  }
  return chunk;
}

}  // namespace tidings::service::internal
