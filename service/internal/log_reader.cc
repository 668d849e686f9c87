// Copyright 2026 The Tidings Authors.

#include "service/internal/log_reader.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace tidings::service::internal {
namespace {

// Seqs asked of the published-time index at once: each listing reads the
// whole window of the index, so it is asked rarely and for many (8 bytes
// each, 512 KiB per cursor at most).
constexpr size_t kPublishedListing = 65536;

// Collects what `visit` is given into `chunk`, within the limits; false
// once they are reached.
class Collector {
 public:
  Collector(const SignalFilter& filter, Chunk* chunk, uint64_t end,
            size_t max_signals, size_t max_bytes)
      : filter_(filter),
        chunk_(chunk),
        end_(end),
        max_signals_(max_signals),
        max_bytes_(max_bytes) {}

  // The store hands over its parsed signal: filtered in place and moved,
  // not copied.
  bool Visit(v1::Signal& s) {
    if (s.seq() > end_) {
      stopped_ = true;
      return false;
    }
    ++visited_;
    last_ = s.seq();
    if (filter_.PreMatch(s) && filter_.Apply(&s)) {
      const size_t size = s.ByteSizeLong();
      chunk_->sizes.push_back(size);
      chunk_->bytes += size;
      chunk_->signals.push_back(std::move(s));
      if (chunk_->signals.size() >= max_signals_ ||
          chunk_->bytes >= max_bytes_) {
        stopped_ = true;
        return false;
      }
    }
    return true;
  }

  bool stopped() const { return stopped_; }  // By a limit or `end`.
  size_t visited() const { return visited_; }
  uint64_t last() const { return last_; }  // 0 before the first visit.

 private:
  const SignalFilter& filter_;
  Chunk* const chunk_;
  const uint64_t end_;
  const size_t max_signals_;
  const size_t max_bytes_;
  bool stopped_ = false;
  size_t visited_ = 0;
  uint64_t last_ = 0;
};

// The index path: reads only the listed seqs. False when the store has no
// index (the caller scans).
bool ReadIndexed(const storage::SignalStore& store, const SignalFilter& filter,
                 const storage::IndexQuery& plan, IndexCursor* cursor,
                 uint64_t after, uint64_t end, size_t max_signals,
                 size_t max_bytes, size_t max_visit, Chunk* chunk) {
  // Drop what the cursor has moved past.
  while (cursor->next < cursor->seqs.size() &&
         cursor->seqs[cursor->next] <= after) {
    ++cursor->next;
  }
  if (cursor->next == cursor->seqs.size() && cursor->through < end) {
    const size_t want = plan.kind == storage::IndexQuery::Kind::kPublishedAt
                            ? kPublishedListing
                            : max_visit;
    absl::StatusOr<storage::IndexedSeqs> listed =
        store.ListIndexed(plan, std::max(after, cursor->through), want);
    if (absl::IsUnimplemented(listed.status())) {
      cursor->scan = true;
      return false;
    }
    if (!listed.ok()) {
      chunk->status = listed.status();
      return true;
    }
    cursor->seqs = std::move(listed->seqs);
    cursor->next = 0;
    cursor->through = listed->through;
  }
  std::vector<uint64_t> batch;
  while (cursor->next < cursor->seqs.size() && batch.size() < max_visit &&
         cursor->seqs[cursor->next] <= end) {
    batch.push_back(cursor->seqs[cursor->next++]);
  }
  Collector collector(filter, chunk, end, max_signals, max_bytes);
  chunk->status = store.ReadSeqs(
      batch, [&collector](v1::Signal& s) { return collector.Visit(s); });
  if (collector.visited() < batch.size()) {
    // Stopped early (a limit, or an error): resume after the last read.
    cursor->next -= batch.size() - collector.visited();
    chunk->position = std::max(after, collector.last());
    return true;
  }
  if (cursor->next < cursor->seqs.size() && cursor->seqs[cursor->next] <= end) {
    // Stopped by max_visit: every seq up to the last one read is considered.
    chunk->position = std::max(after, collector.last());
  } else {
    // Every listed seq up to `through` (or `end`) has been read.
    chunk->position = std::max(after, std::min(cursor->through, end));
  }
  return true;
}

}  // namespace

Chunk ReadChunk(const storage::SignalStore& store, const SignalFilter& filter,
                IndexCursor* cursor, uint64_t after, uint64_t end,
                size_t max_signals, size_t max_bytes, size_t max_visit) {
  Chunk chunk;
  chunk.position = after;
  if (after >= end) return chunk;
  if (std::optional<storage::IndexQuery> plan = filter.IndexPlan();
      plan && !cursor->scan &&
      ReadIndexed(store, filter, *plan, cursor, after, end, max_signals,
                  max_bytes, max_visit, &chunk)) {
    return chunk;
  }
  Collector collector(filter, &chunk, end, max_signals, max_bytes);
  chunk.status = store.Scan(after, max_visit, [&collector](v1::Signal& s) {
    return collector.Visit(s);
  });
  if (!chunk.status.ok() || collector.stopped() ||
      collector.visited() >= max_visit) {
    // What was visited stays valid; resume after it.
    chunk.position = std::max(after, collector.last());
  } else {
    // The scan reached the head of its snapshot, which includes every seq
    // <= end (storage makes seq <= head_seq() visible before it is read).
    chunk.position = end;
  }
  return chunk;
}

}  // namespace tidings::service::internal
