// Copyright 2026 The Tidings Authors.

#include "service/internal/series_columns.h"

#include <algorithm>
#include <utility>

#include "absl/strings/string_view.h"

namespace tidings::service::internal {

uint32_t Dictionary::Intern(std::string_view s) {
  auto [it, inserted] =
      ids_.try_emplace(std::string(s), static_cast<uint32_t>(names_.size()));
  if (inserted) names_.emplace_back(s);
  return it->second;
}

std::optional<uint32_t> Dictionary::Find(std::string_view s) const {
  auto it = ids_.find(absl::string_view(s.data(), s.size()));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void SeriesColumns::Append(const storage::SignalSummary& s) {
  ingested_.push_back(s.ingested_micros);
  published_.push_back(s.published_micros);
  received_.push_back(s.received_micros);
  source_.push_back(sources_.Intern(s.source));
  sentiment_.push_back(s.sentiment);
  duplicate_.push_back(s.duplicate_of_seq != 0 ? 1 : 0);
  revision_.push_back(s.rescore_of_seq != 0 ? 1 : 0);
  version_.push_back(versions_.Intern(s.scorer_version));
  doc_index_.push_back(s.doc_index);
  superseded_.push_back(0);
  if (s.rescore_of_seq != 0) Supersede(s.rescore_of_seq, s.doc_index, s.seq);
  for (const std::string& id : s.entities) {
    entity_ids_.push_back(entities_.Intern(id));
  }
  entity_begin_.push_back(static_cast<uint32_t>(entity_ids_.size()));
  for (const storage::SummaryEvent& e : s.events) {
    event_type_.push_back(e.type);
    event_direction_.push_back(e.direction);
    event_relevance_.push_back(e.relevance);
  }
  event_begin_.push_back(static_cast<uint32_t>(event_type_.size()));
}

void SeriesColumns::Supersede(uint64_t root, uint32_t doc_index, uint64_t seq) {
  const std::pair<uint64_t, uint32_t> key(root, doc_index);
  auto it = newest_.find(key);
  // The version it replaces: the newest revision so far, else the original
  // (when it is retained and is that document).
  uint64_t previous = it != newest_.end() ? it->second : root;
  if (previous >= first_seq_ && previous < seq) {
    const size_t row = static_cast<size_t>(previous - first_seq_);
    if (it != newest_.end() || doc_index_[row] == doc_index) {
      superseded_[row] = 1;
    }
  }
  newest_[key] = seq;
}

namespace {

template <typename T>
void ErasePrefix(std::vector<T>* v, size_t n) {
  v->erase(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(n));
}

// Drops the first `rows` rows of an offsets column (rows + 1 entries) and
// the first items of its flat columns; returns how many items went.
size_t DropOffsets(std::vector<uint32_t>* begin, size_t rows) {
  const uint32_t items = (*begin)[rows];
  ErasePrefix(begin, rows);
  for (uint32_t& b : *begin) b -= items;
  return items;
}

}  // namespace

void SeriesColumns::DropBefore(uint64_t first_seq) {
  if (first_seq <= first_seq_) return;
  const size_t drop =
      static_cast<size_t>(std::min<uint64_t>(first_seq - first_seq_, rows()));
  if (drop == rows()) {
    *this = SeriesColumns(first_seq);
    return;
  }
  for (std::vector<int64_t>* v : {&ingested_, &published_, &received_}) {
    ErasePrefix(v, drop);
  }
  ErasePrefix(&source_, drop);
  ErasePrefix(&sentiment_, drop);
  ErasePrefix(&duplicate_, drop);
  ErasePrefix(&revision_, drop);
  ErasePrefix(&version_, drop);
  ErasePrefix(&doc_index_, drop);
  ErasePrefix(&superseded_, drop);
  ErasePrefix(&entity_ids_, DropOffsets(&entity_begin_, drop));
  const size_t events = DropOffsets(&event_begin_, drop);
  ErasePrefix(&event_type_, events);
  ErasePrefix(&event_direction_, events);
  ErasePrefix(&event_relevance_, events);
  for (Sorted* sorted : {&by_published_, &by_received_}) {
    std::vector<uint32_t> kept;
    kept.reserve(sorted->rows.size());
    for (uint32_t r : sorted->rows) {
      if (r >= drop) kept.push_back(static_cast<uint32_t>(r - drop));
    }
    sorted->rows = std::move(kept);
    sorted->covered -= std::min(sorted->covered, drop);
  }
  first_seq_ += drop;
}

void SeriesColumns::Extend(const std::vector<int64_t>& times,
                           Sorted* sorted) const {
  if (sorted->covered == times.size()) return;
  auto by_time = [&times](uint32_t a, uint32_t b) {
    return times[a] != times[b] ? times[a] < times[b] : a < b;
  };
  const size_t old_size = sorted->rows.size();
  for (size_t r = sorted->covered; r < times.size(); ++r) {
    if (times[r] != storage::kNoTime) {
      sorted->rows.push_back(static_cast<uint32_t>(r));
    }
  }
  auto middle = sorted->rows.begin() + static_cast<std::ptrdiff_t>(old_size);
  std::sort(middle, sorted->rows.end(), by_time);
  std::inplace_merge(sorted->rows.begin(), middle, sorted->rows.end(), by_time);
  sorted->covered = times.size();
}

int64_t SeriesColumns::Time(TimeColumn column, size_t row) const {
  switch (column) {
    case TimeColumn::kPublished:
      return published_[row];
    case TimeColumn::kReceived:
      return received_[row];
    case TimeColumn::kIngested:
      break;
  }
  return ingested_[row];
}

void SeriesColumns::Window(TimeColumn column, int64_t since, int64_t until,
                           size_t* begin, size_t* end,
                           const std::vector<uint32_t>** order) {
  if (column == TimeColumn::kIngested) {
    *order = nullptr;
    *begin = static_cast<size_t>(
        std::lower_bound(ingested_.begin(), ingested_.end(), since) -
        ingested_.begin());
    *end = static_cast<size_t>(
        std::lower_bound(ingested_.begin(), ingested_.end(), until) -
        ingested_.begin());
    *end = std::max(*begin, *end);
    return;
  }
  const std::vector<int64_t>& times =
      column == TimeColumn::kPublished ? published_ : received_;
  Sorted* sorted =
      column == TimeColumn::kPublished ? &by_published_ : &by_received_;
  Extend(times, sorted);
  auto at_least = [&times](uint32_t row, int64_t t) { return times[row] < t; };
  *order = &sorted->rows;
  *begin = static_cast<size_t>(std::lower_bound(sorted->rows.begin(),
                                                sorted->rows.end(), since,
                                                at_least) -
                               sorted->rows.begin());
  *end = static_cast<size_t>(std::lower_bound(sorted->rows.begin(),
                                              sorted->rows.end(), until,
                                              at_least) -
                             sorted->rows.begin());
  *end = std::max(*begin, *end);
}

size_t SeriesColumns::bytes() const {
  return rows() * (3 * sizeof(int64_t) + sizeof(uint32_t) + sizeof(double) + 1 +
                   2 * sizeof(uint32_t) + 2 + 2 * sizeof(uint32_t)) +
         newest_.size() * 24 + entity_ids_.size() * sizeof(uint32_t) +
         event_type_.size() * (1 + sizeof(int32_t) + sizeof(double)) +
         (by_published_.rows.size() + by_received_.rows.size()) *
             sizeof(uint32_t);
}

}  // namespace tidings::service::internal
