// Copyright 2026 The Tidings Authors.

#include "service/internal/filter.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/scorer.h"
#include "service/convert.h"

namespace tidings::service::internal {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as google.protobuf.Timestamp
// defines its range.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& ts,
                               const std::string& what) {
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is out of range (seconds=", ts.seconds(),
        ", nanos=", ts.nanos(), "); a timestamp lies within years 0001..9999"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SignalFilter> SignalFilter::Create(const v1::Filter& filter,
                                                  TimeWindow window) {
  SignalFilter f;
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
  f.window_ = window;
  return f;
}

std::optional<v1::EventType> SignalFilter::single_event_type() const {
  if (event_types_.size() != 1) return std::nullopt;
  return static_cast<v1::EventType>(*event_types_.begin());
}

bool SignalFilter::PreMatch(const v1::Signal& signal) const {
  if (!include_duplicates_ && signal.duplicate_of_seq() != 0) return false;
  if (!sources_.empty() && !sources_.contains(signal.source())) return false;
  if (window_.since || window_.until) {
    const bool published = window_.field == v1::PUBLISHED_AT;
    if (published && !signal.has_published_at()) return false;
    absl::Time t =
        FromProto(published ? signal.published_at() : signal.ingested_at());
    if (window_.since && t < *window_.since) return false;
    if (window_.until && t >= *window_.until) return false;
  }
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
  return true;
}

bool SignalFilter::Apply(v1::Signal* signal) const {
  DropWeakEvents(min_relevance_, signal);
  if (entities_.empty()) return true;
  for (const v1::Entity& e : signal->entities()) {
    if (entities_.contains(e.id())) return true;
  }
  for (const v1::Event& e : signal->events()) {
    for (const std::string& a : e.actors()) {
      if (entities_.contains(a)) return true;
    }
  }
  return false;
}

Chunk ReadChunk(const storage::SignalStore& store, const SignalFilter& filter,
                uint64_t after, uint64_t end, size_t max_signals,
                size_t max_bytes, size_t max_visit) {
  Chunk chunk;
  chunk.position = after;
  if (after >= end) return chunk;
  bool stopped = false;  // `visit` ended the scan: position is exact.
  size_t visited = 0;
  uint64_t last = after;
  auto visit = [&](const v1::Signal& s) {
    if (s.seq() > end) {
      stopped = true;
      return false;
    }
    ++visited;
    last = s.seq();
    if (filter.PreMatch(s)) {
      v1::Signal copy = s;
      if (filter.Apply(&copy)) {
        const size_t size = copy.ByteSizeLong();
        chunk.sizes.push_back(size);
        chunk.bytes += size;
        chunk.signals.push_back(std::move(copy));
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
