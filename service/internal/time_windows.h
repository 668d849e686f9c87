// Copyright 2026 The Tidings Authors.
//
// time_windows.h: the time conditions of a Query, on the three times a
// signal carries (ingested_at, published_at, received_at), validated and
// merged: one half-open window per time, which a signal must be inside for
// every time that has one.

#ifndef TIDINGS_SERVICE_INTERNAL_TIME_WINDOWS_H_
#define TIDINGS_SERVICE_INTERNAL_TIME_WINDOWS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// A half-open window [since, until); unbounded on a side without a value.
struct TimeWindow {
  std::optional<absl::Time> since;  // Inclusive.
  std::optional<absl::Time> until;  // Exclusive.

  bool bounded() const { return since.has_value() || until.has_value(); }
  bool Contains(absl::Time t) const {
    return (!since || t >= *since) && (!until || t < *until);
  }
  // Narrows this window to its intersection with [since, until).
  void Narrow(std::optional<absl::Time> since, std::optional<absl::Time> until);
};

struct TimeWindows {
  TimeWindow ingested;
  TimeWindow published;
  TimeWindow received;

  // Whether `signal` is inside every bounded window (a signal without a
  // published_at or received_at is outside any window on it).
  bool Contains(const v1::Signal& signal) const;
};

// Most QueryRequest.time_ranges accepted.
inline constexpr int kMaxTimeRanges = 16;

// The windows of `request`: since/until on time_field, each of time_ranges,
// and as_of (ingested at or before it: ingested.until = as_of + 1 ns).
// INVALID_ARGUMENT, naming the part, for an unknown time field, a timestamp
// outside 0001..9999 or with bad nanos, a range whose since is after its
// until, or more than kMaxTimeRanges ranges.
absl::StatusOr<TimeWindows> QueryTimeWindows(const v1::QueryRequest& request);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_TIME_WINDOWS_H_
