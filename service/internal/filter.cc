// Copyright 2026 The Tidings Authors.

#include "service/internal/filter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/scorer.h"
#include "service/convert.h"

namespace tidings::service::internal {

absl::StatusOr<SignalFilter> SignalFilter::Create(const v1::Filter& filter,
                                                  TimeWindows windows,
                                                  v1::SignalView view) {
  SignalFilter f;
  switch (view) {
    case v1::SIGNAL_VIEW_UNSPECIFIED:
    case v1::SIGNAL_VIEW_FULL:
      f.view_ = v1::SIGNAL_VIEW_FULL;
      break;
    case v1::SIGNAL_VIEW_COMPACT:
      f.view_ = v1::SIGNAL_VIEW_COMPACT;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown view ", static_cast<int>(view),
          "; use SIGNAL_VIEW_FULL (1) or SIGNAL_VIEW_COMPACT (2)"));
  }
  double min = filter.min_relevance();
  if (std::isnan(min) || min < 0 || min > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter.min_relevance must be in [0, 1], got ", min,
        " (0 = the server default ", scoring::kDefaultMinRelevance, ")"));
  }
  f.min_relevance_ = min == 0 ? scoring::kDefaultMinRelevance : min;
  f.include_duplicates_ = filter.include_duplicates();
  for (int type : filter.event_types()) {
    if (type == v1::EVENT_TYPE_UNSPECIFIED || !v1::EventType_IsValid(type)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter.event_types: unknown event type ", type,
          "; known: GOLD_PRICE_MOVE (1), TARIFF (2), SANCTIONS (3), "
          "GEOPOLITICAL_TENSION (4)"));
    }
    f.event_types_.insert(type);
  }
  for (const std::string& e : filter.entities()) {
    if (e.empty()) {
      return absl::InvalidArgumentError(
          "filter.entities: an entity id is empty (ids look like "
          "\"country:US\")");
    }
    f.entities_.insert(e);
  }
  for (const std::string& s : filter.sources()) {
    if (s.empty()) {
      return absl::InvalidArgumentError("filter.sources: a source is empty");
    }
    f.sources_.insert(s);
  }
  f.windows_ = windows;
  return f;
}

std::optional<storage::IndexQuery> SignalFilter::IndexPlan() const {
  storage::IndexQuery query;
  const bool indexable_entities = std::all_of(
      entities_.begin(), entities_.end(), [](const std::string& id) {
        return id.size() <= storage::kMaxIndexedEntityId;
      });
  if (!entities_.empty() && entities_.size() <= kMaxIndexedEntities &&
      indexable_entities) {
    query.kind = storage::IndexQuery::Kind::kEntities;
    query.entities.assign(entities_.begin(), entities_.end());
    return query;
  }
  for (const auto& [window, kind] :
       {std::pair{&windows_.published, storage::IndexQuery::Kind::kPublishedAt},
        std::pair{&windows_.received,
                  storage::IndexQuery::Kind::kReceivedAt}}) {
    if (!window->bounded()) continue;
    query.kind = kind;
    if (window->since) query.since = *window->since;
    if (window->until) query.until = *window->until;
    return query;
  }
  if (!event_types_.empty()) {
    query.kind = storage::IndexQuery::Kind::kEventTypes;
    for (int type : event_types_) {
      query.event_types.push_back(static_cast<v1::EventType>(type));
    }
    return query;
  }
  return std::nullopt;
}

absl::Status SignalFilter::SetVersion(const v1::VersionSelector& version,
                                      const storage::SignalStore* store) {
  using Selector = v1::VersionSelector;
  const int kind = version.kind();
  if (!Selector::Kind_IsValid(kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat("version.kind: unknown value ", kind,
                     "; use AS_FIRST_DELIVERED (1), LATEST (2) or NAMED (3)"));
  }
  if (kind == Selector::NAMED && version.scorer_version().empty()) {
    return absl::InvalidArgumentError(
        "version: NAMED needs a scorer_version (`tidings versions` lists "
        "them)");
  }
  if (kind != Selector::NAMED && !version.scorer_version().empty()) {
    return absl::InvalidArgumentError(
        "version.scorer_version is set but version.kind is not NAMED: set "
        "kind NAMED to select that version");
  }
  version_kind_ = kind == Selector::KIND_UNSPECIFIED
                      ? Selector::AS_FIRST_DELIVERED
                      : static_cast<Selector::Kind>(kind);
  version_name_ = version.scorer_version();
  store_ = store;
  return absl::OkStatus();
}

bool SignalFilter::VersionMatches(const v1::Signal& signal) const {
  switch (version_kind_) {
    case v1::VersionSelector::NAMED:
      return signal.scorer_version() == version_name_;
    case v1::VersionSelector::LATEST: {
      if (store_ == nullptr) return true;
      const uint64_t root =
          signal.rescore_of_seq() != 0 ? signal.rescore_of_seq() : signal.seq();
      const absl::Time before =
          windows_.ingested.until.value_or(absl::InfiniteFuture());
      absl::StatusOr<uint64_t> newest =
          store_->NewestRevision(root, signal.doc_index(), before);
      // A failed lookup delivers the signal rather than lose it.
      return !newest.ok() || *newest <= signal.seq();
    }
    default:
      return signal.rescore_of_seq() == 0;
  }
}

bool SignalFilter::PreMatch(const v1::Signal& signal) const {
  if (!include_duplicates_ && signal.duplicate_of_seq() != 0) return false;
  if (!sources_.empty() && !sources_.contains(signal.source())) return false;
  if (!windows_.Contains(signal)) return false;
  if (!event_types_.empty()) {
    bool any = false;
    for (const v1::Event& e : signal.events()) {
      if (e.relevance() >= min_relevance_ && event_types_.contains(e.type())) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  // Last: LATEST costs an index seek.
  return VersionMatches(signal);
}

bool SignalFilter::Apply(v1::Signal* signal) const {
  DropWeakEvents(min_relevance_, signal);
  if (!MatchesEntities(*signal)) return false;
  ApplyView(view_, signal);
  return true;
}

bool SignalFilter::MatchesEntities(const v1::Signal& signal) const {
  if (entities_.empty()) return true;
  for (const v1::Entity& e : signal.entities()) {
    if (entities_.contains(e.id())) return true;
  }
  for (const v1::Event& e : signal.events()) {
    for (const std::string& a : e.actors()) {
      if (entities_.contains(a)) return true;
    }
  }
  return false;
}

}  // namespace tidings::service::internal
