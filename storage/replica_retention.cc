// Copyright 2026 The Tidings Authors.

#include "storage/replica_retention.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/internal/novelty.h"

namespace tidings::storage {

static_assert(absl::Microseconds(internal::kNoveltyWindowMicros.back()) ==
                  kNoveltyHorizon,
              "kNoveltyHorizon must be the widest novelty window");

absl::Status CheckReplicaRetention(absl::Duration retention,
                                   absl::Duration duplicate_window) {
  const absl::Duration least = std::max(kNoveltyHorizon, duplicate_window);
  if (retention >= least) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "a cluster node's --retention must be at least ",
      absl::FormatDuration(least),
      " (the novelty counts' 7 days and --duplicate-window): a trim must not "
      "change what a later record stores, or the replicas' signals would "
      "differ; got ",
      absl::FormatDuration(retention)));
}

absl::StatusOr<absl::Time> ReplicaTrimCutoff(const SignalStore& store,
                                             absl::Duration retention) {
  const uint64_t head = store.head_seq();
  if (head == 0 || head < store.first_seq()) return absl::InfinitePast();
  absl::StatusOr<tidings::v1::Signal> newest = store.Get(head);
  if (!newest.ok()) return newest.status();
  const absl::Time at = absl::FromUnixSeconds(newest->ingested_at().seconds()) +
                        absl::Nanoseconds(newest->ingested_at().nanos());
  return at - retention;
}

}  // namespace tidings::storage
