// Copyright 2026 The Tidings Authors.
//
// Retention: SignalStore::Trim/TrimBefore and first_seq(), on a real RocksDB
// in a per-test temporary directory. The index column families are checked
// by opening the closed database read-only.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "storage/signal_store.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Iota;
using ::testing::IsEmpty;
using testing::IsOk;
using testing::IsOkAndHolds;
using testing::MakeArticle;
using testing::MakeArticleWith;
using testing::ScanSeqs;
using testing::StatusIs;
using testing::TempDir;
using tidings::v1::Signal;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.
constexpr uint64_t kFpA = 0x1111222233334444ULL;
constexpr uint64_t kFpB = 0x5555666677778888ULL;

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest() {
    options_.path = dir_.Sub("db");
    options_.sync = false;
    options_.retention = absl::Hours(1);
  }

  std::unique_ptr<SignalStore> OpenStore() {
    absl::StatusOr<std::unique_ptr<SignalStore>> store =
        SignalStore::Open(options_);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::vector<AppendResult> MustAppend(SignalStore& store,
                                       std::vector<PendingArticle> batch,
                                       absl::Time now) {
    absl::StatusOr<std::vector<AppendResult>> results =
        store.Append(std::move(batch), now);
    EXPECT_THAT(results, IsOk());
    return results.ok() ? *std::move(results) : std::vector<AppendResult>{};
  }

  // Entries per column family, read from the closed store's directory.
  std::map<std::string, int> CountEntries() {
    std::map<std::string, int> counts;
    std::unique_ptr<testing::RawDb> raw =
        testing::RawDb::Open(options_.path, /*read_only=*/true);
    if (raw == nullptr) return counts;
    for (const auto& [name, handle] : raw->cfs()) {
      std::unique_ptr<rocksdb::Iterator> it(
          raw->db().NewIterator(rocksdb::ReadOptions(), handle));
      int n = 0;
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
      counts[name] = n;
    }
    return counts;
  }

  TempDir dir_;
  StoreOptions options_;
};

TEST_F(RetentionTest, NothingTrimmedMeansFirstSeqOne) {
  std::unique_ptr<SignalStore> store = OpenStore();
  EXPECT_EQ(store->first_seq(), 1u);
  // Trimming an empty log is a no-op.
  EXPECT_THAT(store->Trim(kT0), IsOk());
  EXPECT_EQ(store->first_seq(), 1u);
  EXPECT_EQ(store->head_seq(), 0u);
}

TEST_F(RetentionTest, ZeroRetentionKeepsEverything) {
  options_.retention = absl::ZeroDuration();
  std::unique_ptr<SignalStore> store = OpenStore();
  MustAppend(*store, {MakeArticle("a", 3)}, kT0);
  EXPECT_THAT(store->Trim(kT0 + absl::Hours(24 * 365)), IsOk());
  EXPECT_EQ(store->first_seq(), 1u);
  EXPECT_EQ(ScanSeqs(*store), Iota(1, 3));
}

// The signal of `pending` names country:US and was published at kT0.
PendingArticle NamingUs(PendingArticle pending) {
  pending.signals[0].add_entities()->set_id("country:US");
  pending.signals[0].mutable_published_at()->set_seconds(
      absl::ToUnixSeconds(kT0));
  return pending;
}

// Seqs 1..3 at kT0 (seq 1 with fingerprint A and a TARIFF event), seq 4 at
// kT0+1h (fingerprint B, TARIFF), seq 5 at kT0+2h. Seqs 1 and 4 name
// country:US and have a published_at.
class RetentionFilledTest : public RetentionTest {
 protected:
  void SetUp() override {
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
    MustAppend(*store_,
               {NamingUs(MakeArticleWith("a", kFpA, {tidings::v1::TARIFF})),
                MakeArticle("a2", 2)},
               kT0);
    MustAppend(*store_,
               {NamingUs(MakeArticleWith("b", kFpB, {tidings::v1::TARIFF}))},
               kT0 + absl::Hours(1));
    MustAppend(*store_, {MakeArticle("c", 1)}, kT0 + absl::Hours(2));
    ASSERT_EQ(store_->head_seq(), 5u);
  }

  std::unique_ptr<SignalStore> store_;
};

TEST_F(RetentionFilledTest, TrimRemovesOldSignalsAndKeepsDenseSeqsAbove) {
  // Retention 1h at kT0+90m: everything ingested before kT0+30m goes.
  ASSERT_THAT(store_->Trim(kT0 + absl::Minutes(90)), IsOk());
  EXPECT_EQ(store_->first_seq(), 4u);
  EXPECT_EQ(store_->head_seq(), 5u);
  EXPECT_EQ(ScanSeqs(*store_, 3), Iota(4, 5));

  // Reads below the retained range fail, naming the first seq.
  absl::Status scan = store_->Scan(0, 0, [](const Signal&) { return true; });
  EXPECT_THAT(scan, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(std::string(scan.message()), HasSubstr("before seq 4"));
  EXPECT_THAT(store_->Scan(2, 0, [](const Signal&) { return true; }),
              StatusIs(absl::StatusCode::kOutOfRange));
  IndexQuery tariff;
  tariff.event_types = {tidings::v1::TARIFF};
  EXPECT_THAT(store_->ListIndexed(tariff, 0, 10),
              StatusIs(absl::StatusCode::kOutOfRange));
  absl::StatusOr<IndexedSeqs> tariffs = store_->ListIndexed(tariff, 3, 10);
  ASSERT_THAT(tariffs, IsOk());
  EXPECT_THAT(tariffs->seqs, ElementsAre(4u));
  EXPECT_THAT(store_->ReadSeqs({3, 4}, [](const Signal&) { return true; }),
              StatusIs(absl::StatusCode::kOutOfRange));

  for (uint64_t seq : {1, 2, 3}) {
    absl::StatusOr<Signal> got = store_->Get(seq);
    EXPECT_THAT(got, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(std::string(got.status().message()), HasSubstr("seq 4"));
  }
  EXPECT_EQ(store_->Get(4)->seq(), 4u);

  // The time index: nothing retained was ingested before kT0+1h, and every
  // trimmed signal was, so the answer is first_seq - 1; before kT0 lies in
  // the trimmed range (0).
  EXPECT_THAT(store_->SeqBeforeTime(kT0 + absl::Hours(1)), IsOkAndHolds(3u));
  EXPECT_THAT(store_->SeqBeforeTime(kT0 + absl::Minutes(1)), IsOkAndHolds(3u));
  EXPECT_THAT(store_->SeqBeforeTime(kT0), IsOkAndHolds(0u));
  EXPECT_THAT(store_->SeqBeforeTime(kT0 + absl::Hours(2)), IsOkAndHolds(4u));

  // A retry of a trimmed article is still a duplicate with its old seqs.
  std::vector<AppendResult> retry =
      MustAppend(*store_, {MakeArticle("a2", 2)}, kT0 + absl::Hours(3));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_TRUE(retry[0].duplicate);
  EXPECT_THAT(retry[0].seqs, ElementsAre(2u, 3u));
  EXPECT_THAT(store_->LookupKey("id:a2"), IsOkAndHolds(ElementsAre(2u, 3u)));
  EXPECT_EQ(store_->head_seq(), 5u);

  // The near-duplicate index forgot the trimmed signal (fingerprint A), but
  // not the retained one (fingerprint B).
  std::vector<AppendResult> more = MustAppend(
      *store_,
      {MakeArticleWith("a-again", kFpA), MakeArticleWith("b-again", kFpB)},
      kT0 + absl::Hours(3));
  ASSERT_EQ(more.size(), 2u);
  EXPECT_THAT(more[0].seqs, ElementsAre(6u));  // Dense after the head.
  EXPECT_EQ(store_->Get(6)->duplicate_of_seq(), 0u);
  EXPECT_EQ(store_->Get(7)->duplicate_of_seq(), 4u);
}

TEST_F(RetentionFilledTest, IndexEntriesGoWithTheirSignals) {
  ASSERT_THAT(store_->Trim(kT0 + absl::Minutes(90)), IsOk());
  store_.reset();
  std::map<std::string, int> counts = CountEntries();
  EXPECT_EQ(counts["signals"], 2);  // Seqs 4, 5.
  EXPECT_EQ(counts["time_index"], 2);
  EXPECT_EQ(counts["event_index"], 1);        // Seq 4's TARIFF.
  EXPECT_EQ(counts["entity_index"], 1);       // Seq 4's country:US.
  EXPECT_EQ(counts["published_index"], 1);    // Seq 4's published_at.
  EXPECT_EQ(counts["fingerprint_index"], 4);  // Seq 4's 4 bands.
  EXPECT_EQ(counts["key_index"], 4);          // a, a2, b, c: all kept.
  EXPECT_EQ(counts["articles"], 4);
}

TEST_F(RetentionFilledTest, FirstSeqSurvivesReopen) {
  ASSERT_THAT(store_->TrimBefore(kT0 + absl::Minutes(90)), IsOk());
  EXPECT_EQ(store_->first_seq(), 5u);
  store_.reset();
  store_ = OpenStore();
  EXPECT_EQ(store_->first_seq(), 5u);
  EXPECT_EQ(store_->head_seq(), 5u);
  EXPECT_EQ(ScanSeqs(*store_, 4), Iota(5, 5));
  EXPECT_THAT(store_->Get(4), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RetentionFilledTest, TrimmingEverythingKeepsTheHead) {
  ASSERT_THAT(store_->Trim(kT0 + absl::Hours(10)), IsOk());
  EXPECT_EQ(store_->first_seq(), 6u);  // head + 1: nothing retained.
  EXPECT_EQ(store_->head_seq(), 5u);
  EXPECT_THAT(ScanSeqs(*store_, 5), IsEmpty());
  EXPECT_THAT(store_->Scan(4, 0, [](const Signal&) { return true; }),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(store_->SeqBeforeTime(kT0 + absl::Hours(10)), IsOkAndHolds(5u));

  // Reopen: the head comes from the trim state, not the (empty) log, and
  // ingested_at does not go back before the trimmed signals.
  store_.reset();
  store_ = OpenStore();
  EXPECT_EQ(store_->head_seq(), 5u);
  EXPECT_EQ(store_->first_seq(), 6u);
  std::vector<AppendResult> next =
      MustAppend(*store_, {MakeArticle("d", 1)}, kT0);  // Clock stepped back.
  ASSERT_EQ(next.size(), 1u);
  EXPECT_THAT(next[0].seqs, ElementsAre(6u));
  EXPECT_GE(absl::FromUnixSeconds(store_->Get(6)->ingested_at().seconds()),
            kT0 + absl::Hours(2));
  EXPECT_EQ(ScanSeqs(*store_, 5), Iota(6, 6));
}

TEST_F(RetentionTest, LargeTrimRunsInSteps) {
  std::unique_ptr<SignalStore> store = OpenStore();
  // More signals than one trim step holds.
  std::vector<PendingArticle> batch;
  for (int i = 0; i < 45; ++i) {
    batch.push_back(MakeArticle("a" + std::to_string(i), 100));
  }
  MustAppend(*store, std::move(batch), kT0);
  MustAppend(*store, {MakeArticle("late", 1)}, kT0 + absl::Hours(5));
  ASSERT_EQ(store->head_seq(), 4501u);
  ASSERT_THAT(store->Trim(kT0 + absl::Hours(2)), IsOk());
  EXPECT_EQ(store->first_seq(), 4501u);
  EXPECT_EQ(ScanSeqs(*store, 4500), Iota(4501, 4501));
}

}  // namespace
}  // namespace tidings::storage
