// Copyright 2026 The Tidings Authors.
//
// series_columns.h: a columnar in-memory copy of the signal summaries
// (storage/signal_summary.h), for index series: one vector per field, one
// row per retained signal in seq order (row i holds seq first_seq() + i,
// since the log is dense). Sources and entity ids are interned to small
// ids; a row's entities and events are ranges of flat vectors.
//
// ingested_at never decreases along the log, so the ingested column is
// sorted and a window is two binary searches. published_at and received_at
// are not; for them the columns keep a permutation of the rows sorted by
// that time, extended (sort the new rows, merge) when a series asks for it.
//
// About 100 bytes a row (1M signals: ~100 MB). Thread-compatible: the owner
// (SeriesIndex) serialises access.

#ifndef TIDINGS_SERVICE_INTERNAL_SERIES_COLUMNS_H_
#define TIDINGS_SERVICE_INTERNAL_SERIES_COLUMNS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "storage/signal_summary.h"

namespace tidings::service::internal {

// Interns strings to dense ids 0, 1, 2, ...
class Dictionary {
 public:
  uint32_t Intern(std::string_view s);
  // The id of `s`, if it was interned.
  std::optional<uint32_t> Find(std::string_view s) const;
  const std::string& Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

class SeriesColumns {
 public:
  enum class TimeColumn { kIngested, kPublished, kReceived };

  // Empty columns whose first row will be seq `first_seq` (>= 1).
  explicit SeriesColumns(uint64_t first_seq = 1) : first_seq_(first_seq) {}

  uint64_t first_seq() const { return first_seq_; }
  size_t rows() const { return ingested_.size(); }
  // The seq the next appended row must have.
  uint64_t next_seq() const { return first_seq_ + rows(); }

  // Appends the row of `summary`. REQUIRES: summary.seq == next_seq().
  void Append(const storage::SignalSummary& summary);

  // Drops the rows of the seqs below `first_seq` (a trim): the columns then
  // start at max(first_seq(), first_seq), and are empty starting at
  // `first_seq` when it is beyond the last row.
  void DropBefore(uint64_t first_seq);

  // The rows whose time in `column` is in [since, until) (whole
  // microseconds), in that time's order (ingested: row order), as indexes
  // into the columns. For ingested, a contiguous range [*begin, *end) with
  // `*order` left null; otherwise a range of *order. Extends the sorted
  // permutation of `column` first.
  void Window(TimeColumn column, int64_t since, int64_t until, size_t* begin,
              size_t* end, const std::vector<uint32_t>** order);

  int64_t Time(TimeColumn column, size_t row) const;

  // Columns, by row.
  const std::vector<uint32_t>& source() const { return source_; }
  const std::vector<double>& sentiment() const { return sentiment_; }
  const std::vector<uint8_t>& duplicate() const { return duplicate_; }
  // 1 for a rescore (rescore_of_seq != 0), 0 for a signal as first
  // delivered.
  const std::vector<uint8_t>& revision() const { return revision_; }
  // The scorer version, interned in versions().
  const std::vector<uint32_t>& version() const { return version_; }
  // 1 when a newer version of the row's document (same original, same
  // doc_index) has a row: LATEST leaves it out.
  const std::vector<uint8_t>& superseded() const { return superseded_; }
  // The entity ids of row r: entity_ids()[entity_begin()[r] ..
  // entity_begin()[r + 1]); events likewise.
  const std::vector<uint32_t>& entity_begin() const { return entity_begin_; }
  const std::vector<uint32_t>& entity_ids() const { return entity_ids_; }
  const std::vector<uint32_t>& event_begin() const { return event_begin_; }
  const std::vector<uint8_t>& event_type() const { return event_type_; }
  const std::vector<int32_t>& event_direction() const {
    return event_direction_;
  }
  const std::vector<double>& event_relevance() const {
    return event_relevance_;
  }

  const Dictionary& sources() const { return sources_; }
  const Dictionary& entities() const { return entities_; }
  const Dictionary& versions() const { return versions_; }

  // Approximate bytes held.
  size_t bytes() const;

 private:
  // A permutation of the rows that have a time in `times`, sorted by it
  // (then row); rows before `covered` are in it.
  struct Sorted {
    std::vector<uint32_t> rows;
    size_t covered = 0;
  };
  void Extend(const std::vector<int64_t>& times, Sorted* sorted) const;
  // Row `seq` revises (root, doc_index): marks the version it replaces.
  void Supersede(uint64_t root, uint32_t doc_index, uint64_t seq);

  uint64_t first_seq_;
  std::vector<int64_t> ingested_;
  std::vector<int64_t> published_;
  std::vector<int64_t> received_;
  std::vector<uint32_t> source_;
  std::vector<double> sentiment_;
  std::vector<uint8_t> duplicate_;
  std::vector<uint8_t> revision_;
  std::vector<uint32_t> version_;
  std::vector<uint32_t> doc_index_;
  std::vector<uint8_t> superseded_;
  // (original seq, doc_index) -> seq of its newest revision: one entry per
  // revised document.
  absl::flat_hash_map<std::pair<uint64_t, uint32_t>, uint64_t> newest_;
  std::vector<uint32_t> entity_begin_{0};
  std::vector<uint32_t> entity_ids_;
  std::vector<uint32_t> event_begin_{0};
  std::vector<uint8_t> event_type_;
  std::vector<int32_t> event_direction_;
  std::vector<double> event_relevance_;
  Sorted by_published_;
  Sorted by_received_;
  Dictionary sources_;
  Dictionary entities_;
  Dictionary versions_;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_SERIES_COLUMNS_H_
