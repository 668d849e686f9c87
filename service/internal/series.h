// Copyright 2026 The Tidings Authors.
//
// series.h: the Series RPC's engine. A SeriesIndex keeps a columnar copy of
// the store's signal summaries (series_columns.h), loaded at the first
// series (one ScanSummaries of the retained log, logged with its time),
// then kept current: the committer hands it every commit's stored signals,
// the trimmer every trim, and each series first catches up from storage
// with whatever those missed (so correctness never depends on the hooks).
// A series scans only the rows of its time window.
//
// Semantics (tidings.proto, SeriesRequest):
//  - counted articles ("the population"): the signals with the window's
//    time in [since, until) (whole microseconds: a signal's time is taken
//    floored to the microsecond, the bounds rounded up), from one of
//    `sources`, naming one of `entities` (an entity or an actor of any of
//    its events, whatever its relevance: the entity index's rule), and
//    with dedup_near_duplicates none marked as a near-duplicate;
//  - event articles: counted articles with an event of one of
//    `event_types` (any when empty) at or above min_relevance (0 = the
//    server default) with one of `directions` (any when empty);
//  - buckets: UTC-aligned minutes, hours, days, or ISO weeks (Monday);
//    every bucket from the one holding `since` to the one holding
//    until - 1us is returned for every group, with zeros where empty.
//
// Thread-safe: one mutex serialises loads, updates and series (a one-year
// daily series over 1M signals takes tens of milliseconds).

#ifndef TIDINGS_SERVICE_INTERNAL_SERIES_H_
#define TIDINGS_SERVICE_INTERNAL_SERIES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/internal/series_columns.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// The most points a series may return, and SeriesRequest.max_points' default.
inline constexpr uint32_t kMaxSeriesPoints = 100000;

// Sentiment histogram: bins split at these scores (5 bins).
inline constexpr double kSentimentBinEdges[] = {-0.6, -0.2, 0.2, 0.6};
inline constexpr int kSentimentBins = 5;
int SentimentBin(double score);

// A validated SeriesRequest, times in whole microseconds.
struct SeriesQuery {
  std::vector<std::string> entities;
  std::vector<std::string> sources;
  std::vector<int> event_types;  // Empty: any type.
  std::vector<int> directions;   // Empty: any direction.
  double min_relevance = 0;      // Resolved (never 0).
  SeriesColumns::TimeColumn time = SeriesColumns::TimeColumn::kIngested;
  int64_t since = 0;  // Inclusive.
  int64_t until = 0;  // Exclusive.
  v1::SeriesBucket bucket = v1::DAY;
  v1::SeriesGroupBy group_by = v1::GROUP_BY_NONE;
  bool dedup = false;
  // Only the signals of this scorer_version (originals and rescores);
  // unset = only the signals as first delivered (or, with `latest`, the
  // newest version of each document).
  std::optional<std::string> version;
  bool latest = false;
  bool has_base = false;
  int64_t base_since = 0;
  int64_t base_until = 0;
  uint32_t max_points = kMaxSeriesPoints;
};

// The bucket holding `micros`: its start, in microseconds.
int64_t BucketStart(v1::SeriesBucket bucket, int64_t micros);
int64_t BucketWidth(v1::SeriesBucket bucket);

// Checks `request` (INVALID_ARGUMENT naming the field and what to send)
// and resolves its defaults (until = `now`). Cheap: safe in a reaction.
absl::StatusOr<SeriesQuery> ValidateSeriesRequest(
    const v1::SeriesRequest& request, absl::Time now);

class SeriesIndex {
 public:
  // `store` is not owned and must outlive the index.
  explicit SeriesIndex(storage::SignalStore* store) : store_(store) {}

  // From the committer: the signals one commit stored (seq order). Applied
  // only once loaded and when they continue the columns; otherwise the next
  // series reads them from storage.
  void OnStored(const std::vector<v1::Signal>& signals)
      ABSL_LOCKS_EXCLUDED(mu_);
  // From the trimmer: the store's first retained seq is now `first_seq`.
  void OnTrimmed(uint64_t first_seq) ABSL_LOCKS_EXCLUDED(mu_);

  // Loads or catches up, then answers. UNAVAILABLE/DATA_LOSS when storage
  // fails; INVALID_ARGUMENT when the groups make more than max_points.
  // `*scanned` (optional) gets the number of rows in the windows read.
  absl::StatusOr<v1::SeriesResponse> Run(const SeriesQuery& query,
                                         size_t* scanned = nullptr)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Whether the columns were loaded (for tests and logs).
  bool loaded() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Loads at the first call, then reads what the hooks missed: every
  // retained seq up to the store's head, nothing below its first seq.
  absl::Status SyncLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ReadFromStoreLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::SignalStore* const store_;
  mutable absl::Mutex mu_;
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  SeriesColumns columns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_SERIES_H_
