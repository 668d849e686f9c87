// Copyright 2026 The Tidings Authors.
//
// novelty.h: TRNA-style novelty counts, computed as a signal is stored. For
// each event type and each entity id a signal is indexed under (the ids of
// its entities and of its events' actors), how many signals stored before it
// share that key and were ingested within each window of kNoveltyWindows
// ending at its own ingested_at (earlier signals of the same batch count:
// they were stored first, at the same time). Rescored signals (revisions)
// are neither stamped nor counted: they are no new stories.
//
// The counter keeps, per key, the ingested_at of every signal in the widest
// window: 8 bytes per (signal, key) of the last 7 days, plus a hash-map entry
// per key. Open() rebuilds it from the summaries column family (one pass
// over the last 7 days of signals); Append() adds to it once a batch is
// durable; trims drop what they delete. Near-duplicate counts are not kept
// here: Append() counts them from the near-duplicate index.

#ifndef TIDINGS_STORAGE_INTERNAL_NOVELTY_H_
#define TIDINGS_STORAGE_INTERNAL_NOVELTY_H_

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "storage/internal/db.h"
#include "storage/signal_summary.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::storage::internal {

// The windows, narrowest first: 12 h, 24 h, 3 d, 7 d (tidings.v1.Novelty's
// fields in order).
inline constexpr int kNoveltyWindowCount = 4;
inline constexpr std::array<int64_t, kNoveltyWindowCount> kNoveltyWindowMicros =
    {int64_t{12} * 3600 * 1000000, int64_t{24} * 3600 * 1000000,
     int64_t{72} * 3600 * 1000000, int64_t{168} * 3600 * 1000000};

using NoveltyCounts = std::array<uint32_t, kNoveltyWindowCount>;

// Fills a tidings.v1.Novelty.
void SetNovelty(const NoveltyCounts& counts, tidings::v1::Novelty* novelty);
// The counts of earlier signals ingested at `micros` (each in every window
// ending at `now_micros` that reaches back to it) added to `*counts`.
void CountAt(int64_t micros, int64_t now_micros, NoveltyCounts* counts);

// Keys: an event type, an entity id.
std::string EventNoveltyKey(int type);
std::string EntityNoveltyKey(std::string_view id);

// The keys a signal is counted under, sorted and unique.
std::vector<std::string> NoveltyKeys(const tidings::v1::Signal& signal);
std::vector<std::string> NoveltyKeys(const SignalSummary& summary);

// Per-key ingested_at times of the last 7 days. Thread-compatible (the store
// touches it under its writer lock).
class NoveltyCounter {
 public:
  // The signals counted under `key` in each window ending at `now_micros`.
  NoveltyCounts Count(std::string_view key, int64_t now_micros) const;

  // Counts `n` more signals under `key`, ingested at `micros`; then drops
  // what fell out of the widest window (every key at most once a minute of
  // ingest time). REQUIRES: `micros` >= every earlier Add()'s.
  void Add(std::string_view key, int64_t micros, uint32_t n = 1);

  // Drops the signals ingested at or before `micros` (a trim deleted them).
  void DropThrough(int64_t micros);

 private:
  void Sweep(int64_t now_micros);
  // Drops every entry older than `bound` and the keys left empty.
  void DropBelow(int64_t bound);

  absl::flat_hash_map<std::string, std::deque<int64_t>> times_;
  int64_t last_sweep_micros_ = std::numeric_limits<int64_t>::min();
};

// The novelty of the signals of one Append(): what the store's counter
// holds plus the signals of the batch stamped so far.
class NoveltyBatch {
 public:
  // `counter` must outlive the batch and not change during it.
  NoveltyBatch(const NoveltyCounter& counter, int64_t now_micros)
      : counter_(counter), now_micros_(now_micros) {}

  // Sets the novelty of the signal's events and entities, then counts the
  // signal for the rest of the batch.
  void Stamp(tidings::v1::Signal* signal);

  // Adds the stamped signals to `counter` (once the batch is durable).
  void CommitTo(NoveltyCounter* counter) const;

 private:
  const NoveltyCounter& counter_;
  const int64_t now_micros_;
  // Key -> signals stamped so far under it, in insertion order of keys.
  absl::flat_hash_map<std::string, uint32_t> in_batch_;
};

// The counter for a store whose newest signal was ingested at
// `newest_micros`: every summary from the first signal ingested in the
// widest window before it. DATA_LOSS for a malformed summary.
absl::StatusOr<NoveltyCounter> LoadNoveltyCounter(const Db& db,
                                                  int64_t newest_micros);

}  // namespace tidings::storage::internal

#endif  // TIDINGS_STORAGE_INTERNAL_NOVELTY_H_
