// Copyright 2026 The Tidings Authors.

#include "service/internal/series.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "scoring/scorer.h"
#include "service/convert.h"
#include "service/internal/validation.h"
#include "service/log.h"

namespace tidings::service::internal {
namespace {

constexpr int64_t kMinute = int64_t{60} * 1000000;
// ISO weeks start on Monday; 1970-01-01 was a Thursday, so Monday
// 1969-12-29 00:00 UTC is a week boundary.
constexpr int64_t kFirstMonday = -3 * 24 * 60 * kMinute;
// Summaries read per ScanSummaries call (each pins a snapshot).
constexpr uint64_t kLoadChunk = 65536;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// A Timestamp in whole microseconds, rounded up: a signal's floored time t
// is >= ts exactly when t >= this.
int64_t CeilMicros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + (ts.nanos() + 999) / 1000;
}

const char* BucketName(v1::SeriesBucket bucket) {
  return v1::SeriesBucket_Name(bucket).c_str();
}

absl::Status CheckWindow(const google::protobuf::Timestamp* since,
                         const google::protobuf::Timestamp* until,
                         const std::string& field) {
  if (since == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, "since is required: a series covers [since, until)"));
  }
  absl::Status s = ValidateTimestamp(*since, field + "since");
  if (s.ok() && until != nullptr)
    s = ValidateTimestamp(*until, field + "until");
  return s;
}

absl::Status CheckLists(const v1::SeriesRequest& r, SeriesQuery* q) {
  for (const std::string& e : r.entities()) {
    if (e.empty()) {
      return absl::InvalidArgumentError(
          "entities: an entity id is empty (ids look like \"country:US\")");
    }
    q->entities.push_back(e);
  }
  for (const std::string& s : r.sources()) {
    if (s.empty())
      return absl::InvalidArgumentError("sources: a source is empty");
    q->sources.push_back(s);
  }
  for (int type : r.event_types()) {
    if (type == v1::EVENT_TYPE_UNSPECIFIED || !v1::EventType_IsValid(type)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event_types: unknown event type ", type,
          "; known: GOLD_PRICE_MOVE (1), TARIFF (2), SANCTIONS (3), "
          "GEOPOLITICAL_TENSION (4)"));
    }
    if (std::find(q->event_types.begin(), q->event_types.end(), type) ==
        q->event_types.end()) {
      q->event_types.push_back(type);
    }
  }
  for (int d : r.directions()) {
    if (d == v1::DIRECTION_UNSPECIFIED || !v1::Direction_IsValid(d)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "directions: unknown direction ", d,
          "; known: UP (1) to DE_ESCALATION (11), see tidings.proto"));
    }
    q->directions.push_back(d);
  }
  const double min = r.min_relevance();
  if (std::isnan(min) || min < 0 || min > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_relevance must be in [0, 1], got ", min,
        " (0 = the server default ", scoring::kDefaultMinRelevance, ")"));
  }
  q->min_relevance = min == 0 ? scoring::kDefaultMinRelevance : min;
  return absl::OkStatus();
}

absl::Status CheckEnums(const v1::SeriesRequest& r, SeriesQuery* q) {
  switch (r.time_field()) {
    case v1::TIME_FIELD_UNSPECIFIED:
    case v1::INGESTED_AT:
      q->time = SeriesColumns::TimeColumn::kIngested;
      break;
    case v1::PUBLISHED_AT:
      q->time = SeriesColumns::TimeColumn::kPublished;
      break;
    case v1::RECEIVED_AT:
      q->time = SeriesColumns::TimeColumn::kReceived;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "time_field: unknown value ", static_cast<int>(r.time_field()),
          "; use INGESTED_AT (1), PUBLISHED_AT (2) or RECEIVED_AT (3)"));
  }
  if (r.bucket() == v1::SERIES_BUCKET_UNSPECIFIED ||
      !v1::SeriesBucket_IsValid(r.bucket())) {
    return absl::InvalidArgumentError(
        absl::StrCat("bucket: ", r.bucket() == 0 ? "required" : "unknown value",
                     "; use MINUTE (1), HOUR (2), DAY (3) or WEEK (4)"));
  }
  q->bucket = r.bucket();
  if (!v1::SeriesGroupBy_IsValid(r.group_by())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "group_by: unknown value ", static_cast<int>(r.group_by()),
        "; use GROUP_BY_NONE (1), GROUP_BY_ENTITY (2), GROUP_BY_SOURCE (3) "
        "or GROUP_BY_EVENT_TYPE (4)"));
  }
  q->group_by = r.group_by() == v1::SERIES_GROUP_BY_UNSPECIFIED
                    ? v1::GROUP_BY_NONE
                    : r.group_by();
  return absl::OkStatus();
}

// The number of buckets of [since, until): those from the one holding
// `since` to the one holding until - 1.
int64_t BucketCount(v1::SeriesBucket bucket, int64_t since, int64_t until) {
  const int64_t first = BucketStart(bucket, since);
  const int64_t last = BucketStart(bucket, until - 1);
  return (last - first) / BucketWidth(bucket) + 1;
}

absl::Status CheckBuckets(const std::string& field, const SeriesQuery& q,
                          int64_t since, int64_t until) {
  if (until <= since) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, "until must be after ", field,
        "since: the window [since, until) is empty or inverted",
        field.empty() ? " (an unset until is the server's now)" : ""));
  }
  const int64_t n = BucketCount(q.bucket, since, until);
  if (n > q.max_points) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the window ", field, "[since, until) holds ", n, " ",
        BucketName(q.bucket), " buckets, over the limit of ", q.max_points,
        " points (max_points); use a wider bucket or a shorter window"));
  }
  return absl::OkStatus();
}

}  // namespace

int SentimentBin(double score) {
  int bin = 0;
  for (double edge : kSentimentBinEdges) {
    if (score < edge) break;
    ++bin;
  }
  return bin;
}

int64_t BucketWidth(v1::SeriesBucket bucket) {
  switch (bucket) {
    case v1::MINUTE:
      return kMinute;
    case v1::HOUR:
      return 60 * kMinute;
    case v1::WEEK:
      return 7 * 24 * 60 * kMinute;
    default:
      return 24 * 60 * kMinute;
  }
}

int64_t BucketStart(v1::SeriesBucket bucket, int64_t micros) {
  const int64_t width = BucketWidth(bucket);
  const int64_t origin = bucket == v1::WEEK ? kFirstMonday : 0;
  return FloorDiv(micros - origin, width) * width + origin;
}

absl::StatusOr<SeriesQuery> ValidateSeriesRequest(const v1::SeriesRequest& r,
                                                  absl::Time now) {
  SeriesQuery q;
  if (absl::Status s = CheckEnums(r, &q); !s.ok()) return s;
  if (absl::Status s = CheckLists(r, &q); !s.ok()) return s;
  if (r.max_points() > kMaxSeriesPoints) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_points is at most ", kMaxSeriesPoints, ", got ",
                     r.max_points(), " (0 = ", kMaxSeriesPoints, ")"));
  }
  q.max_points = r.max_points() == 0 ? kMaxSeriesPoints : r.max_points();
  if (absl::Status s = CheckWindow(r.has_since() ? &r.since() : nullptr,
                                   r.has_until() ? &r.until() : nullptr, "");
      !s.ok()) {
    return s;
  }
  q.since = CeilMicros(r.since());
  if (r.has_until()) {
    q.until = CeilMicros(r.until());
  } else {
    google::protobuf::Timestamp ts;
    ToProto(now, &ts);
    q.until = CeilMicros(ts);
  }
  q.dedup = r.dedup_near_duplicates();
  switch (r.version().kind()) {
    case v1::VersionSelector::KIND_UNSPECIFIED:
    case v1::VersionSelector::AS_FIRST_DELIVERED:
      if (!r.version().scorer_version().empty()) {
        return absl::InvalidArgumentError(
            "version.scorer_version is set but version.kind is not NAMED");
      }
      break;
    case v1::VersionSelector::NAMED:
      if (r.version().scorer_version().empty()) {
        return absl::InvalidArgumentError(
            "version: NAMED needs a scorer_version (`tidings versions` lists "
            "them)");
      }
      q.version = r.version().scorer_version();
      break;
    case v1::VersionSelector::LATEST:
      if (!r.version().scorer_version().empty()) {
        return absl::InvalidArgumentError(
            "version.scorer_version is set but version.kind is not NAMED");
      }
      q.latest = true;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("version.kind: unknown value ", r.version().kind(),
                       "; use AS_FIRST_DELIVERED (1), LATEST (2) or NAMED "
                       "(3)"));
  }
  if (absl::Status s = CheckBuckets("", q, q.since, q.until); !s.ok()) return s;
  if (r.has_index_base()) {
    const v1::SeriesIndexBase& base = r.index_base();
    if (!base.has_until()) {
      return absl::InvalidArgumentError(
          "index_base.until is required: the base period is [since, until)");
    }
    if (absl::Status s = CheckWindow(base.has_since() ? &base.since() : nullptr,
                                     &base.until(), "index_base.");
        !s.ok()) {
      return s;
    }
    q.has_base = true;
    q.base_since = CeilMicros(base.since());
    q.base_until = CeilMicros(base.until());
    if (absl::Status s =
            CheckBuckets("index_base.", q, q.base_since, q.base_until);
        !s.ok()) {
      return s;
    }
  }
  return q;
}

namespace {

// One (group, bucket) cell.
struct Cell {
  uint64_t articles = 0;
  uint64_t events = 0;
  double sentiment_sum = 0;
  double event_sentiment_sum = 0;
  uint64_t histogram[kSentimentBins] = {};
};

// The cells of one window: a row of buckets per group, groups created as
// counted articles name them.
struct Cells {
  size_t scanned = 0;  // Rows of the window.
  int64_t origin = 0;  // Start of bucket 0.
  int64_t width = 0;
  size_t buckets = 0;
  std::vector<std::string> keys;          // Per group.
  std::vector<std::vector<Cell>> groups;  // Per group, per bucket.
};

// The query compiled against the columns' dictionaries.
class Compiled {
 public:
  Compiled(const SeriesQuery& q, const SeriesColumns& c) : q_(q) {
    filter_sources_ = !q.sources.empty();
    source_ok_.assign(c.sources().size(), 0);
    for (const std::string& s : q.sources) {
      if (auto id = c.sources().Find(s)) source_ok_[*id] = 1;
    }
    filter_entities_ = !q.entities.empty();
    entity_ok_.assign(c.entities().size(), 0);
    for (const std::string& e : q.entities) {
      if (auto id = c.entities().Find(e)) entity_ok_[*id] = 1;
    }
    if (q.version) {
      // A version never stored matches no row.
      version_id_ = c.versions()
                        .Find(*q.version)
                        .value_or(std::numeric_limits<uint32_t>::max());
    }
    for (int t : q.event_types) type_ok_[t] = 1;
    if (q.event_types.empty())
      std::fill(std::begin(type_ok_), std::end(type_ok_), 1);
    for (int d : q.directions) directions_.insert(d);
    if (q.group_by == v1::GROUP_BY_EVENT_TYPE) {
      group_types_ = q.event_types;
      if (group_types_.empty()) {
        group_types_ = {v1::GOLD_PRICE_MOVE, v1::TARIFF, v1::SANCTIONS,
                        v1::GEOPOLITICAL_TENSION};
      }
      std::sort(group_types_.begin(), group_types_.end());
    }
  }

  // Whether row r is counted.
  bool Counted(const SeriesColumns& c, size_t r) const {
    if (q_.dedup && c.duplicate()[r]) return false;
    if (q_.version) {
      if (c.version()[r] != version_id_) return false;
    } else if (q_.latest ? c.superseded()[r] != 0 : c.revision()[r] != 0) {
      return false;
    }
    if (filter_sources_ && !source_ok_[c.source()[r]]) return false;
    if (!filter_entities_) return true;
    for (uint32_t i = c.entity_begin()[r]; i < c.entity_begin()[r + 1]; ++i) {
      if (entity_ok_[c.entity_ids()[i]]) return true;
    }
    return false;
  }

  // Bit t set when row r has a qualifying event of type t (t < 64).
  uint64_t EventTypes(const SeriesColumns& c, size_t r) const {
    uint64_t bits = 0;
    for (uint32_t i = c.event_begin()[r]; i < c.event_begin()[r + 1]; ++i) {
      const uint8_t type = c.event_type()[i];
      if (!type_ok_[type] || type >= 64 ||
          c.event_relevance()[i] < q_.min_relevance) {
        continue;
      }
      if (!directions_.empty() &&
          !directions_.contains(c.event_direction()[i])) {
        continue;
      }
      bits |= uint64_t{1} << type;
    }
    return bits;
  }

  bool EntityGroup(uint32_t id) const {
    return !filter_entities_ || entity_ok_[id];
  }
  const std::vector<int>& group_types() const { return group_types_; }

 private:
  const SeriesQuery& q_;
  bool filter_sources_ = false;
  bool filter_entities_ = false;
  uint32_t version_id_ = 0;
  std::vector<uint8_t> source_ok_;
  std::vector<uint8_t> entity_ok_;
  uint8_t type_ok_[256] = {};
  absl::flat_hash_set<int> directions_;
  std::vector<int> group_types_;
};

void Add(Cell* cell, bool event, double sentiment, int bin) {
  ++cell->articles;
  cell->sentiment_sum += sentiment;
  ++cell->histogram[bin];
  if (event) {
    ++cell->events;
    cell->event_sentiment_sum += sentiment;
  }
}

// Group slots by dictionary id, created on first use within max_points.
class Slots {
 public:
  Slots(Cells* cells, size_t dictionary_size, uint32_t max_points)
      : cells_(cells), slot_(dictionary_size, -1), max_points_(max_points) {}

  // The bucket row of the group of dictionary id `id` named `key`; null
  // when a new group would exceed max_points.
  std::vector<Cell>* Get(uint32_t id, const std::string& key) {
    int32_t& slot = slot_[id];
    if (slot < 0) {
      if ((cells_->groups.size() + 1) * cells_->buckets > max_points_) {
        return nullptr;
      }
      slot = static_cast<int32_t>(cells_->groups.size());
      cells_->keys.push_back(key);
      cells_->groups.emplace_back(cells_->buckets);
    }
    return &cells_->groups[static_cast<size_t>(slot)];
  }

 private:
  Cells* cells_;
  std::vector<int32_t> slot_;
  uint32_t max_points_;
};

absl::Status TooManyGroups(const SeriesQuery& q, const Cells& cells) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the series has more than ", cells.groups.size(), " groups of ",
      cells.buckets, " ", BucketName(q.bucket), " buckets, over the limit of ",
      q.max_points,
      " points (max_points); narrow the groups (entities, sources), use a "
      "wider bucket or a shorter window"));
}

// Counts the rows of [since, until) of `c` into cells.
absl::StatusOr<Cells> Aggregate(SeriesColumns& c, const SeriesQuery& q,
                                int64_t since, int64_t until) {
  Cells cells;
  cells.width = BucketWidth(q.bucket);
  cells.origin = BucketStart(q.bucket, since);
  cells.buckets = static_cast<size_t>(BucketCount(q.bucket, since, until));
  const Compiled compiled(q, c);
  Slots sources(&cells, c.sources().size(), q.max_points);
  Slots entities(&cells, c.entities().size(), q.max_points);
  if (q.group_by == v1::GROUP_BY_NONE) {
    cells.keys.push_back("");
    cells.groups.emplace_back(cells.buckets);
  } else if (q.group_by == v1::GROUP_BY_EVENT_TYPE) {
    for (int type : compiled.group_types()) {
      if ((cells.groups.size() + 1) * cells.buckets > q.max_points) {
        return TooManyGroups(q, cells);
      }
      cells.keys.push_back(v1::EventType_Name(type));
      cells.groups.emplace_back(cells.buckets);
    }
  }
  size_t begin, end;
  const std::vector<uint32_t>* order;
  c.Window(q.time, since, until, &begin, &end, &order);
  cells.scanned = end - begin;
  for (size_t i = begin; i < end; ++i) {
    const size_t r = order == nullptr ? i : (*order)[i];
    if (!compiled.Counted(c, r)) continue;
    const size_t b =
        static_cast<size_t>((c.Time(q.time, r) - cells.origin) / cells.width);
    const uint64_t events = compiled.EventTypes(c, r);
    const double sentiment = c.sentiment()[r];
    const int bin = SentimentBin(sentiment);
    switch (q.group_by) {
      case v1::GROUP_BY_SOURCE: {
        const uint32_t id = c.source()[r];
        std::vector<Cell>* row = sources.Get(id, c.sources().Name(id));
        if (row == nullptr) return TooManyGroups(q, cells);
        Add(&(*row)[b], events != 0, sentiment, bin);
        break;
      }
      case v1::GROUP_BY_ENTITY:
        for (uint32_t k = c.entity_begin()[r]; k < c.entity_begin()[r + 1];
             ++k) {
          const uint32_t id = c.entity_ids()[k];
          if (!compiled.EntityGroup(id)) continue;
          std::vector<Cell>* row = entities.Get(id, c.entities().Name(id));
          if (row == nullptr) return TooManyGroups(q, cells);
          Add(&(*row)[b], events != 0, sentiment, bin);
        }
        break;
      case v1::GROUP_BY_EVENT_TYPE:
        for (size_t g = 0; g < cells.groups.size(); ++g) {
          const int type = compiled.group_types()[g];
          Add(&cells.groups[g][b], (events >> type) & 1, sentiment, bin);
        }
        break;
      default:
        Add(&cells.groups[0][b], events != 0, sentiment, bin);
        break;
    }
  }
  return cells;
}

double Share(const Cell& cell) {
  return cell.articles == 0 ? 0.0
                            : static_cast<double>(cell.events) /
                                  static_cast<double>(cell.articles);
}

// Per group key, the mean share over the buckets that have articles.
std::map<std::string, double> BaseMeans(const Cells& base) {
  std::map<std::string, double> means;
  for (size_t g = 0; g < base.groups.size(); ++g) {
    double sum = 0;
    size_t n = 0;
    for (const Cell& cell : base.groups[g]) {
      if (cell.articles == 0) continue;
      sum += Share(cell);
      ++n;
    }
    if (n > 0) means[base.keys[g]] = sum / static_cast<double>(n);
  }
  return means;
}

void Emit(const Cells& cells, const std::map<std::string, double>* base,
          v1::SeriesResponse* out) {
  std::vector<size_t> order(cells.groups.size());
  for (size_t g = 0; g < order.size(); ++g) order[g] = g;
  std::sort(order.begin(), order.end(), [&cells](size_t a, size_t b) {
    return cells.keys[a] < cells.keys[b];
  });
  out->mutable_points()->Reserve(
      static_cast<int>(order.size() * cells.buckets));
  for (size_t g : order) {
    double mean = 0;
    if (base != nullptr) {
      auto it = base->find(cells.keys[g]);
      if (it != base->end()) mean = it->second;
    }
    for (size_t b = 0; b < cells.buckets; ++b) {
      const Cell& cell = cells.groups[g][b];
      v1::SeriesPoint* p = out->add_points();
      ToProto(absl::FromUnixMicros(cells.origin +
                                   static_cast<int64_t>(b) * cells.width),
              p->mutable_start());
      p->set_group(cells.keys[g]);
      p->set_article_count(cell.articles);
      p->set_event_count(cell.events);
      p->set_event_share(Share(cell));
      if (cell.articles > 0) {
        p->set_mean_sentiment(cell.sentiment_sum /
                              static_cast<double>(cell.articles));
      }
      if (cell.events > 0) {
        p->set_event_mean_sentiment(cell.event_sentiment_sum /
                                    static_cast<double>(cell.events));
      }
      for (uint64_t h : cell.histogram) p->add_sentiment_histogram(h);
      if (mean > 0 && cell.articles > 0) {
        p->set_index(100.0 * Share(cell) / mean);
      }
    }
  }
}

}  // namespace

void SeriesIndex::OnStored(const std::vector<v1::Signal>& signals) {
  // Never make a commit wait for a series (or a load): what is skipped
  // here, the next series reads from storage.
  if (signals.empty() || !mu_.TryLock()) return;
  if (loaded_) {
    for (const v1::Signal& s : signals) {
      if (s.seq() == columns_.next_seq()) {
        columns_.Append(storage::SummarizeSignal(s));
      }
    }
  }
  mu_.Unlock();
}

void SeriesIndex::OnTrimmed(uint64_t first_seq) {
  absl::MutexLock lock(&mu_);
  if (loaded_) columns_.DropBefore(first_seq);
}

bool SeriesIndex::loaded() const {
  absl::MutexLock lock(&mu_);
  return loaded_;
}

absl::Status SeriesIndex::ReadFromStoreLocked() {
  for (int attempt = 0;; ++attempt) {
    columns_.DropBefore(store_->first_seq());
    const uint64_t head = store_->head_seq();
    absl::Status s;
    bool gap = false;
    while (s.ok() && !gap && columns_.next_seq() <= head) {
      const uint64_t before = columns_.next_seq();
      s = store_->ScanSummaries(before - 1, kLoadChunk,
                                [&](const storage::SignalSummary& summary) {
                                  if (summary.seq != columns_.next_seq()) {
                                    gap = true;
                                    return false;
                                  }
                                  columns_.Append(summary);
                                  return true;
                                });
      if (s.ok() && columns_.next_seq() == before) break;  // Nothing new.
    }
    if (gap) {
      return absl::DataLossError(absl::StrCat(
          "the signal summaries have a hole at seq ", columns_.next_seq()));
    }
    // A trim between first_seq() and the scan: drop what it took, again.
    if (absl::IsOutOfRange(s) && attempt < 3) continue;
    return s;
  }
}

absl::Status SeriesIndex::SyncLocked() {
  if (loaded_) return ReadFromStoreLocked();
  const absl::Time start = absl::Now();
  columns_ = SeriesColumns(std::max<uint64_t>(store_->first_seq(), 1));
  if (absl::Status s = ReadFromStoreLocked(); !s.ok()) {
    columns_ = SeriesColumns();
    return s;
  }
  loaded_ = true;
  Log(LogLevel::kInfo, "series columns loaded",
      {{"signals", columns_.rows()},
       {"first_seq", columns_.first_seq()},
       {"head_seq", columns_.next_seq() - 1},
       {"bytes", columns_.bytes()},
       {"took", absl::Now() - start}});
  return absl::OkStatus();
}

absl::StatusOr<v1::SeriesResponse> SeriesIndex::Run(const SeriesQuery& q,
                                                    size_t* scanned) {
  if (scanned != nullptr) *scanned = 0;
  absl::MutexLock lock(&mu_);
  if (absl::Status s = SyncLocked(); !s.ok()) return s;
  v1::SeriesResponse out;
  std::map<std::string, double> base;
  if (q.has_base) {
    absl::StatusOr<Cells> cells =
        Aggregate(columns_, q, q.base_since, q.base_until);
    if (!cells.ok()) return cells.status();
    base = BaseMeans(*cells);
    if (scanned != nullptr) *scanned += cells->scanned;
  }
  absl::StatusOr<Cells> cells = Aggregate(columns_, q, q.since, q.until);
  if (!cells.ok()) return cells.status();
  if (scanned != nullptr) *scanned += cells->scanned;
  Emit(*cells, q.has_base ? &base : nullptr, &out);
  ToProto(absl::FromUnixMicros(cells->origin), out.mutable_since());
  ToProto(
      absl::FromUnixMicros(cells->origin +
                           static_cast<int64_t>(cells->buckets) * cells->width),
      out.mutable_until());
  out.set_first_seq(columns_.first_seq());
  out.set_head_seq(columns_.next_seq() - 1);
  out.set_store_id(store_->store_id());
  return out;
}

}  // namespace tidings::service::internal
