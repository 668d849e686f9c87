// Copyright 2026 The Tidings Authors.
//
// Tests of service/internal/log_reader.h on a real RocksDB store: a cursor
// that reads through an index (entities, published_at and received_at
// windows, event types)
// delivers exactly what a scan of the whole log delivers, chunk by chunk,
// for random signals and filters (seeded, so deterministic).

#include "service/internal/log_reader.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/internal/filter.h"
#include "storage/signal_store.h"
#include "tests/service/test_server.h"

namespace tidings::service::internal {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.
constexpr size_t kMaxVisit = 4096;
const v1::EventType kTypes[] = {v1::GOLD_PRICE_MOVE, v1::TARIFF, v1::SANCTIONS,
                                v1::GEOPOLITICAL_TENSION};

// The store without its indexes: ReadChunk then scans.
class ScanOnly final : public storage::SignalStore {
 public:
  explicit ScanOnly(const storage::SignalStore* inner) : inner_(inner) {}
  absl::StatusOr<std::vector<storage::AppendResult>> Append(
      std::vector<storage::PendingArticle>, absl::Time) override {
    return absl::UnimplementedError("read-only");
  }
  uint64_t head_seq() const override { return inner_->head_seq(); }
  uint64_t first_seq() const override { return inner_->first_seq(); }
  absl::StatusOr<v1::Signal> Get(uint64_t seq) const override {
    return inner_->Get(seq);
  }
  absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(v1::Signal&)>& visit) const override {
    return inner_->Scan(after_seq, max_count, visit);
  }
  absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const override {
    return inner_->SeqBeforeTime(t);
  }

 private:
  const storage::SignalStore* inner_;
};

std::string Entity(int i) { return absl::StrCat("country:C", i); }

// `n` signals (ids from `first`) with random events (relevance 0.2..1),
// entities, actors, published and received times (a quarter have none)
// over 30 days.
std::vector<storage::PendingArticle> RandomArticles(std::mt19937& rng,
                                                    int first, int n) {
  std::uniform_int_distribution<int> small(0, 3), entity(0, 11), day(0, 29);
  std::uniform_real_distribution<double> relevance(0.2, 1.0);
  std::vector<storage::PendingArticle> batch;
  for (int i = first; i < first + n; ++i) {
    storage::PendingArticle a;
    a.idempotency_key = absl::StrCat("id:", i);
    v1::Signal s;
    s.set_article_id(absl::StrCat(i));
    s.set_source(small(rng) == 0 ? "other" : "wire");
    for (int k = small(rng); k > 0; --k) {
      s.add_entities()->set_id(Entity(entity(rng)));
    }
    for (int k = small(rng) - 1; k > 0; --k) {
      v1::Event* e = s.add_events();
      e->set_type(kTypes[small(rng)]);
      e->set_relevance(relevance(rng));
      if (small(rng) == 0) e->add_actors(Entity(entity(rng)));
    }
    if (small(rng) != 0) {
      const absl::Time published =
          kT0 - absl::Hours(24) * day(rng) - absl::Seconds(i);
      s.mutable_published_at()->set_seconds(absl::ToUnixSeconds(published));
    }
    if (small(rng) != 0) {
      const absl::Time received =
          kT0 - absl::Hours(24) * day(rng) - absl::Seconds(i);
      s.mutable_received_at()->set_seconds(absl::ToUnixSeconds(received));
    }
    a.signals.push_back(std::move(s));
    batch.push_back(std::move(a));
  }
  return batch;
}

// Every seq a cursor delivers from (after, end], read in chunks of at most
// `room` signals and `visit` stored signals.
std::vector<uint64_t> ReadAll(const storage::SignalStore& store,
                              const SignalFilter& filter, uint64_t after,
                              uint64_t end, size_t room, size_t visit) {
  IndexCursor cursor;
  std::vector<uint64_t> seqs;
  uint64_t position = after;
  for (int chunks = 0; position < end && chunks < 100000; ++chunks) {
    Chunk chunk = ReadChunk(store, filter, &cursor, position, end, room,
                            size_t{1} << 30, visit);
    EXPECT_TRUE(chunk.status.ok()) << chunk.status;
    if (!chunk.status.ok()) break;
    for (const v1::Signal& s : chunk.signals) seqs.push_back(s.seq());
    EXPECT_GE(chunk.position, position);
    if (chunk.position == position && chunk.signals.empty()) {
      ADD_FAILURE() << "no progress at " << position;
      break;
    }
    position = chunk.position;
  }
  return seqs;
}

TEST(LogReaderTest, IndexedReadsDeliverWhatAScanDelivers) {
  testing::TempDir dir;
  storage::StoreOptions options;
  options.path = dir.path();
  options.sync = false;
  absl::StatusOr<std::unique_ptr<storage::SignalStore>> store =
      storage::SignalStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  std::mt19937 rng(20261206);
  for (int batch = 0; batch < 4; ++batch) {
    ASSERT_TRUE(
        (*store)->Append(RandomArticles(rng, batch * 500, 500), kT0).ok());
  }
  const uint64_t head = (*store)->head_seq();
  ASSERT_EQ(head, 2000u);
  ScanOnly scan_only(store->get());

  std::uniform_int_distribution<int> small(0, 3), entity(0, 11), day(0, 35);
  int non_empty = 0;
  for (int round = 0; round < 90; ++round) {
    v1::Filter f;
    TimeWindows windows;
    for (int k = small(rng) - 1; k > 0; --k)
      f.add_entities(Entity(entity(rng)));
    for (int k = small(rng) - 2; k > 0; --k)
      f.add_event_types(kTypes[small(rng)]);
    if (small(rng) == 0) f.add_sources("wire");
    for (TimeWindow* window : {&windows.published, &windows.received}) {
      if (small(rng) == 0) continue;
      if (small(rng) != 0) window->since = kT0 - absl::Hours(24) * day(rng);
      if (small(rng) != 0) window->until = kT0 - absl::Hours(24) * day(rng);
    }
    if (small(rng) == 0) f.set_min_relevance(0.7);
    absl::StatusOr<SignalFilter> filter = SignalFilter::Create(f, windows);
    ASSERT_TRUE(filter.ok()) << filter.status();
    auto describe = [](const TimeWindow& w) {
      return absl::StrCat(w.since ? absl::FormatTime(*w.since) : "-", " to ",
                          w.until ? absl::FormatTime(*w.until) : "-");
    };
    SCOPED_TRACE(absl::StrCat("round ", round, ": ", f.ShortDebugString(),
                              " published ", describe(windows.published),
                              " received ", describe(windows.received)));
    const uint64_t after = round % 3 == 0 ? 0 : 1 + round * 17;
    const uint64_t end = round % 4 == 0 ? head : head - round * 11;
    const size_t room = 1 + round % 7 * 40;
    const std::vector<uint64_t> expected =
        ReadAll(scan_only, *filter, after, end, room, kMaxVisit);
    EXPECT_EQ(ReadAll(**store, *filter, after, end, room, kMaxVisit), expected);
    // Tiny visit budgets: many refills of the index listing.
    EXPECT_EQ(ReadAll(**store, *filter, after, end, room, 3), expected);
    if (!expected.empty()) ++non_empty;
  }
  EXPECT_GT(non_empty, 40) << "the random filters match too little to test";
}

}  // namespace
}  // namespace tidings::service::internal
