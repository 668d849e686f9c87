// Copyright 2026 The Tidings Authors.
//
// filter.h: the `Filter` of Subscribe and Query, validated and compiled.
//
// Semantics (the same for Subscribe and Query):
//  - Events below the minimum relevance (Filter.min_relevance, or
//    scoring::kDefaultMinRelevance when 0) are removed from the delivered
//    signal and do not count for matching.
//  - Unless include_duplicates, signals with duplicate_of_seq != 0 are left
//  out.
//  - event_types: the signal keeps at least one event of one of these types.
//  - entities: one of these ids is among the signal's entities or the actors
//    of its kept events.
//  - sources: the signal's source is one of these (exact match).
//  - time windows (Query only): the signal is inside each.
//  - version (VersionSelector): as first delivered (rescore_of_seq == 0,
//    the default), a named scorer_version, or the newest version of each
//    original's document (a signal no newer revision of which was ingested
//    before the ingested_at window's end: one revision-index seek per
//    candidate).
//  Every non-empty list must match (AND across lists, OR within a list).
//  A matching signal is delivered in the request's SignalView (COMPACT: no
//  body, no evidence).

#ifndef TIDINGS_SERVICE_INTERNAL_FILTER_H_
#define TIDINGS_SERVICE_INTERNAL_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/internal/time_windows.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// A filter naming more entities than this scans the log instead of merging
// that many index lists.
inline constexpr size_t kMaxIndexedEntities = 64;

class SignalFilter {
 public:
  // INVALID_ARGUMENT for an unknown or unspecified event type, a
  // min_relevance outside [0, 1] (or NaN), an empty entity/source string, or
  // an unknown view.
  static absl::StatusOr<SignalFilter> Create(
      const v1::Filter& filter, TimeWindows windows = {},
      v1::SignalView view = v1::SIGNAL_VIEW_UNSPECIFIED);

  // Cheap checks on the stored signal, before it is copied.
  bool PreMatch(const v1::Signal& signal) const;

  // Drops the weak events from `signal` and says whether it matches; a
  // match is left in the view. REQUIRES: PreMatch(*signal).
  bool Apply(v1::Signal* signal) const;

  // Apply() for a signal whose weak events (below min_relevance()) are
  // already dropped: the entity test alone (the view is not applied).
  bool MatchesEntities(const v1::Signal& signal) const;

  // Selects the versions delivered (the default: as first delivered).
  // INVALID_ARGUMENT for an unknown kind, NAMED without a scorer_version or
  // a scorer_version with another kind. For LATEST, `store` answers which
  // revision is the newest (it must outlive the filter).
  absl::Status SetVersion(const v1::VersionSelector& version,
                          const storage::SignalStore* store);

  double min_relevance() const { return min_relevance_; }
  v1::SignalView view() const { return view_; }

  // The index that leads to the signals this filter may match, if any: the
  // entity index when it names entities (at most kMaxIndexedEntities), else
  // the published-time index for a published_at window, else the
  // received-time index for a received_at window, else the event-type index
  // (an ingested_at window is a seq range: the caller's, see SeqBeforeTime).
  // What it lists is a superset: PreMatch() and Apply() decide.
  std::optional<storage::IndexQuery> IndexPlan() const;

 private:
  SignalFilter() = default;
  bool VersionMatches(const v1::Signal& signal) const;

  double min_relevance_ = 0;
  bool include_duplicates_ = false;
  v1::SignalView view_ = v1::SIGNAL_VIEW_FULL;
  absl::flat_hash_set<int> event_types_;
  absl::flat_hash_set<std::string> entities_;
  absl::flat_hash_set<std::string> sources_;
  TimeWindows windows_;
  v1::VersionSelector::Kind version_kind_ =
      v1::VersionSelector::AS_FIRST_DELIVERED;
  std::string version_name_;
  const storage::SignalStore* store_ = nullptr;  // For LATEST.
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_FILTER_H_
