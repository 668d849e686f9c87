// Copyright 2026 The Tidings Authors.
//
// replica_retention.h: retention for a cluster replica (cluster/README.md,
// "Retention"). Replicas must store every record the same way, yet each
// node trims at its own time. That is safe when a trim can never change
// what a later Apply() stores: Apply() looks back at stored signals only
// within the duplicate window (near-duplicate marks) and the novelty
// windows (at most kNoveltyHorizon), measured from the record's
// ingested_at, which never decreases along the log. So a replica trims
// behind its own newest signal, not behind the wall clock: the cutoff is
// the newest stored signal's ingested_at less the retention, and the
// retention is at least both windows. Every signal at or after the cutoff
// stays, and every signal a later record could look at is at or after it.
// Idempotency keys are never trimmed, so duplicates by key are decided
// alike too. Replicas then differ only in their first_seq() for a while.

#ifndef TIDINGS_STORAGE_REPLICA_RETENTION_H_
#define TIDINGS_STORAGE_REPLICA_RETENTION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/signal_store.h"

namespace tidings::storage {

// How far back Append() and Apply() count earlier signals (the widest
// novelty window, tidings.v1.Novelty's last field).
inline constexpr absl::Duration kNoveltyHorizon = absl::Hours(168);

// OK when a replica may keep `retention` (positive) with this
// `duplicate_window`: at least kNoveltyHorizon and the window.
// FAILED_PRECONDITION naming the minimum otherwise.
absl::Status CheckReplicaRetention(absl::Duration retention,
                                   absl::Duration duplicate_window);

// The cutoff a replica trims before (TrimBefore): the ingested_at of the
// store's newest signal less `retention`; InfinitePast (nothing to trim)
// when the store holds no signal. Errors of Get() (UNAVAILABLE, DATA_LOSS).
absl::StatusOr<absl::Time> ReplicaTrimCutoff(const SignalStore& store,
                                             absl::Duration retention);

}  // namespace tidings::storage

#endif  // TIDINGS_STORAGE_REPLICA_RETENTION_H_
