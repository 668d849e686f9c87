// Copyright 2026 The Tidings Authors.
//
// signal_summary.h: the compact per-signal summary that aggregates (index
// series) read instead of the full signal: the seq, the three times, the
// source, the entity ids, the events (type, direction, relevance), the
// sentiment score and the near-duplicate mark. About a tenth of a compact
// signal's bytes; stored beside each signal (the `summaries` column family,
// written in the signal's WriteBatch) and read by
// SignalStore::ScanSummaries().
//
// Encoding (version 2), all integers as varints unless said:
//   version (1 byte) | flags (1 byte: 1 = published, 2 = received) |
//   zigzag ingested micros | [zigzag published micros] |
//   [zigzag received micros] | sentiment (8 bytes, IEEE double, little
//   endian) | duplicate_of_seq | source length | source |
//   entity count | (length | id)* | event count |
//   (type (1 byte) | zigzag direction | relevance (8 bytes, double))* |
//   rescore_of_seq | scorer_version length | scorer_version | doc_index |
//   article_id length | article_id
// Version 1 (read, no longer written) ends after the events: an original
// signal of an unrecorded version.
// The seq is the key's. Pure functions; thread-compatible.

#ifndef TIDINGS_STORAGE_SIGNAL_SUMMARY_H_
#define TIDINGS_STORAGE_SIGNAL_SUMMARY_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "tidings/v1/tidings.pb.h"

namespace tidings::storage {

// A time a signal does not have (no published_at, no received_at).
inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

struct SummaryEvent {
  uint8_t type = 0;       // tidings.v1.EventType.
  int32_t direction = 0;  // tidings.v1.Direction.
  double relevance = 0;   // As stored: every event, whatever its relevance.

  bool operator==(const SummaryEvent& o) const {
    return type == o.type && direction == o.direction &&
           relevance == o.relevance;
  }
};

struct SignalSummary {
  uint64_t seq = 0;
  // Whole microseconds since the epoch (as the time indexes keep them);
  // kNoTime when the signal has no such time.
  int64_t ingested_micros = 0;
  int64_t published_micros = kNoTime;
  int64_t received_micros = kNoTime;
  std::string source;
  // The ids the entity index lists the signal under: its entities and its
  // events' actors, sorted and unique.
  std::vector<std::string> entities;
  std::vector<SummaryEvent> events;  // In the signal's order.
  double sentiment = 0;              // Sentiment.score.
  // The near-duplicate key: the earlier signal this one is a near-duplicate
  // of (Signal.duplicate_of_seq), 0 for the first of its cluster.
  uint64_t duplicate_of_seq = 0;
  // Signal.rescore_of_seq: 0 for a signal as first delivered.
  uint64_t rescore_of_seq = 0;
  // Signal.scorer_version, doc_index and article_id; "", 0, "" in a
  // version-1 summary. (Rescoring walks the summaries to find the articles.)
  std::string scorer_version;
  uint32_t doc_index = 0;
  std::string article_id;

  bool operator==(const SignalSummary& o) const;
};

// The summary of a stored signal (its seq and ingested_at set).
SignalSummary SummarizeSignal(const tidings::v1::Signal& signal);

std::string EncodeSummary(const SignalSummary& summary);

// Decodes `bytes` into `*summary` (its seq set to `seq`); false when they
// are malformed or of an unknown version.
bool DecodeSummary(std::string_view bytes, uint64_t seq,
                   SignalSummary* summary);

}  // namespace tidings::storage

#endif  // TIDINGS_STORAGE_SIGNAL_SUMMARY_H_
