// Copyright 2026 The Tidings Authors.

#include "storage/internal/novelty.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "storage/internal/indexes.h"
#include "storage/internal/keys.h"

namespace tidings::storage::internal {
namespace {

constexpr int64_t kWidestMicros = kNoveltyWindowMicros.back();
constexpr int64_t kSweepEveryMicros = int64_t{60} * 1000000;

std::vector<std::string> SortedUnique(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

void SetNovelty(const NoveltyCounts& counts, tidings::v1::Novelty* novelty) {
  novelty->set_last_12h(counts[0]);
  novelty->set_last_24h(counts[1]);
  novelty->set_last_3d(counts[2]);
  novelty->set_last_7d(counts[3]);
}

void CountAt(int64_t micros, int64_t now_micros, NoveltyCounts* counts) {
  for (int w = 0; w < kNoveltyWindowCount; ++w) {
    if (micros >= SaturatingSub(now_micros, kNoveltyWindowMicros[w])) {
      ++(*counts)[w];
    }
  }
}

std::string EventNoveltyKey(int type) { return absl::StrCat("e:", type); }

std::string EntityNoveltyKey(std::string_view id) {
  return absl::StrCat("n:", absl::string_view(id.data(), id.size()));
}

std::vector<std::string> NoveltyKeys(const tidings::v1::Signal& signal) {
  std::vector<std::string> keys;
  for (uint8_t type : IndexedEventTypes(signal)) {
    keys.push_back(EventNoveltyKey(type));
  }
  for (std::string_view id : IndexedEntityIds(signal)) {
    keys.push_back(EntityNoveltyKey(id));
  }
  return SortedUnique(std::move(keys));
}

std::vector<std::string> NoveltyKeys(const SignalSummary& summary) {
  std::vector<std::string> keys;
  for (const SummaryEvent& event : summary.events) {
    keys.push_back(EventNoveltyKey(event.type));
  }
  for (const std::string& id : summary.entities) {
    keys.push_back(EntityNoveltyKey(id));
  }
  return SortedUnique(std::move(keys));
}

NoveltyCounts NoveltyCounter::Count(std::string_view key,
                                    int64_t now_micros) const {
  NoveltyCounts counts{};
  auto it = times_.find(absl::string_view(key.data(), key.size()));
  if (it == times_.end()) return counts;
  const std::deque<int64_t>& times = it->second;
  for (int w = 0; w < kNoveltyWindowCount; ++w) {
    const int64_t start = SaturatingSub(now_micros, kNoveltyWindowMicros[w]);
    auto first = std::lower_bound(times.begin(), times.end(), start);
    auto last = std::upper_bound(first, times.end(), now_micros);
    counts[w] = static_cast<uint32_t>(last - first);
  }
  return counts;
}

void NoveltyCounter::Add(std::string_view key, int64_t micros, uint32_t n) {
  std::deque<int64_t>& times =
      times_[absl::string_view(key.data(), key.size())];
  times.insert(times.end(), n, micros);
  const int64_t oldest = SaturatingSub(micros, kWidestMicros);
  while (!times.empty() && times.front() < oldest) {
    times.pop_front();
  }
  // (The sum cannot overflow: the sweep time is a real time or min().)
  if (micros >= last_sweep_micros_ + kSweepEveryMicros) Sweep(micros);
}

void NoveltyCounter::Sweep(int64_t now_micros) {
  last_sweep_micros_ = now_micros;
  DropBelow(SaturatingSub(now_micros, kWidestMicros));
}

void NoveltyCounter::DropThrough(int64_t micros) {
  if (micros == std::numeric_limits<int64_t>::max()) {
    times_.clear();
    return;
  }
  DropBelow(micros + 1);
}

void NoveltyCounter::DropBelow(int64_t bound) {
  for (auto it = times_.begin(); it != times_.end();) {
    std::deque<int64_t>& times = it->second;
    while (!times.empty() && times.front() < bound) {
      times.pop_front();
    }
    if (times.empty()) {
      times_.erase(it++);
    } else {
      ++it;
    }
  }
}

void NoveltyBatch::Stamp(tidings::v1::Signal* signal) {
  const std::vector<std::string> keys = NoveltyKeys(*signal);
  absl::flat_hash_map<std::string, NoveltyCounts> counts;
  for (const std::string& key : keys) {
    NoveltyCounts c = counter_.Count(key, now_micros_);
    if (auto it = in_batch_.find(key); it != in_batch_.end()) {
      for (uint32_t& n : c) n += it->second;  // All ingested `now`.
    }
    counts.emplace(key, c);
  }
  // Every event type and entity id is among the keys.
  for (tidings::v1::Event& event : *signal->mutable_events()) {
    SetNovelty(counts.at(EventNoveltyKey(event.type())),
               event.mutable_novelty());
  }
  for (tidings::v1::Entity& entity : *signal->mutable_entities()) {
    SetNovelty(counts.at(EntityNoveltyKey(entity.id())),
               entity.mutable_novelty());
  }
  for (const std::string& key : keys) ++in_batch_[key];
}

void NoveltyBatch::CommitTo(NoveltyCounter* counter) const {
  for (const auto& [key, n] : in_batch_) counter->Add(key, now_micros_, n);
}

absl::StatusOr<NoveltyCounter> LoadNoveltyCounter(const Db& db,
                                                  int64_t newest_micros) {
  NoveltyCounter counter;
  const int64_t oldest = SaturatingSub(newest_micros, kWidestMicros);
  // The first seq ingested in the window, from the time index.
  uint64_t first_seq = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db.db->NewIterator(rocksdb::ReadOptions(), db.cf(kTimeIndex)));
    it->Seek(TimeKey(oldest, 0));
    int64_t micros;
    if (it->Valid() && !ParseTimeKey(AsStd(it->key()), &micros, &first_seq)) {
      return absl::DataLossError("malformed time index entry");
    }
    if (!it->status().ok()) {
      return FromRocks(it->status(), "cannot read the time index");
    }
    if (!it->Valid()) return counter;  // Nothing in the window.
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db.db->NewIterator(rocksdb::ReadOptions(), db.cf(kSummaries)));
  SignalSummary summary;
  for (it->Seek(SeqKey(first_seq)); it->Valid(); it->Next()) {
    uint64_t seq;
    if (!ParseSeqKey(AsStd(it->key()), &seq) ||
        !DecodeSummary(AsStd(it->value()), seq, &summary)) {
      return absl::DataLossError(
          "malformed signal summary while counting novelty");
    }
    if (summary.rescore_of_seq != 0) continue;  // A revision: no new story.
    for (const std::string& key : NoveltyKeys(summary)) {
      counter.Add(key, summary.ingested_micros);
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read the signal summaries");
  }
  return counter;
}

}  // namespace tidings::storage::internal
