// Copyright 2026 The Tidings Authors.
//
// Tests of storage/signal_store.h on a real RocksDB in a per-test temporary
// directory.

#include "storage/signal_store.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using testing::Batch;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::Iota;
using ::testing::IsEmpty;
using testing::IsOk;
using testing::IsOkAndHolds;
using testing::MakeArticle;
using testing::MakeArticleWith;
using testing::MakeSignal;
using testing::ScanSeqs;
using testing::StatusIs;
using testing::TempDir;
using tidings::v1::EventType;
using tidings::v1::Signal;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.

class SignalStoreTest : public ::testing::Test {
 protected:
  SignalStoreTest() {
    options_.path = dir_.Sub("db");
    // Durability is the fault test's business; keep these fast.
    options_.sync = false;
  }

  std::unique_ptr<SignalStore> OpenStore() {
    absl::StatusOr<std::unique_ptr<SignalStore>> store =
        SignalStore::Open(options_);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Appends and expects success.
  std::vector<AppendResult> MustAppend(SignalStore& store,
                                       std::vector<PendingArticle> batch,
                                       absl::Time now = kT0) {
    absl::StatusOr<std::vector<AppendResult>> results =
        store.Append(std::move(batch), now);
    EXPECT_THAT(results, IsOk());
    return results.ok() ? *std::move(results) : std::vector<AppendResult>{};
  }

  Signal MustGet(const SignalStore& store, uint64_t seq) {
    absl::StatusOr<Signal> signal = store.Get(seq);
    EXPECT_THAT(signal, IsOk());
    return signal.ok() ? *std::move(signal) : Signal();
  }

  TempDir dir_;
  StoreOptions options_;
};

// ---------------------------------------------------------------------------
// Open

TEST_F(SignalStoreTest, OpenRejectsAnEmptyPath) {
  EXPECT_THAT(SignalStore::Open(StoreOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SignalStoreTest, OpenOfALockedStoreIsUnavailable) {
  std::unique_ptr<SignalStore> first = OpenStore();
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<SignalStore>> second =
      SignalStore::Open(options_);
  ASSERT_THAT(second, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("lock"));
}

TEST_F(SignalStoreTest, OpenOfAnUnusableDirectoryIsUnavailable) {
  options_.path = dir_.Sub("a_file");
  FILE* f = fopen(options_.path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fclose(f);
  EXPECT_THAT(SignalStore::Open(options_),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(SignalStoreTest, EmptyStore) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->head_seq(), 0u);
  EXPECT_THAT(ScanSeqs(*store), IsEmpty());
  EXPECT_THAT(store->SeqBeforeTime(kT0), IsOkAndHolds(0u));
  EXPECT_THAT(store->Get(1), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(SignalStoreTest, CloseFlushesSoThatReopenReplaysNoWal) {
  {
    std::unique_ptr<SignalStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 20; ++i) {
      MustAppend(*store, Batch({MakeArticle(absl::StrCat("a", i), 3)}));
    }
  }
  uintmax_t wal_bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(options_.path)) {
    if (entry.path().extension() == ".log") wal_bytes += entry.file_size();
  }
  EXPECT_EQ(wal_bytes, 0u) << "the WAL still holds writes after a clean close";
  std::unique_ptr<SignalStore> reopened = OpenStore();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->head_seq(), 60u);
}

TEST_F(SignalStoreTest, AppendHandsBackTheStoredSignals) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<AppendResult> results =
      MustAppend(*store, Batch({MakeArticle("a", 2), MakeArticle("a", 2)}));
  ASSERT_EQ(results.size(), 2u);
  ASSERT_EQ(results[0].stored.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(results[0].stored[i].seq(), results[0].seqs[i]);
    EXPECT_EQ(results[0].stored[i].SerializeAsString(),
              MustGet(*store, results[0].seqs[i]).SerializeAsString());
  }
  EXPECT_TRUE(results[1].duplicate);
  EXPECT_THAT(results[1].stored, IsEmpty());
}

// ---------------------------------------------------------------------------
// Dense seqs

TEST_F(SignalStoreTest, SeqsAreDenseAcrossBatches) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<AppendResult> first =
      MustAppend(*store, Batch({MakeArticle("a", 2), MakeArticle("b", 1)}));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_THAT(first[0].seqs, ElementsAre(1, 2));
  EXPECT_FALSE(first[0].duplicate);
  EXPECT_THAT(first[1].seqs, ElementsAre(3));
  std::vector<AppendResult> second =
      MustAppend(*store, Batch({MakeArticle("c", 3)}), kT0 + absl::Seconds(1));
  EXPECT_THAT(second[0].seqs, ElementsAre(4, 5, 6));
  EXPECT_EQ(store->head_seq(), 6u);
  EXPECT_THAT(ScanSeqs(*store), ElementsAreArray(Iota(1, 6)));

  Signal signal = MustGet(*store, 5);
  EXPECT_EQ(signal.seq(), 5u);
  EXPECT_EQ(signal.title(), "c#1");
  EXPECT_EQ(signal.article_id(), "c");
  EXPECT_EQ(signal.ingested_at().seconds(),
            absl::ToUnixSeconds(kT0 + absl::Seconds(1)));
  EXPECT_EQ(signal.duplicate_of_seq(), 0u);
}

TEST_F(SignalStoreTest, SeqsAreDenseAcrossReopen) {
  {
    std::unique_ptr<SignalStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    MustAppend(*store, Batch({MakeArticle("a", 2), MakeArticle("b", 2)}));
  }
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->head_seq(), 4u);
  std::vector<AppendResult> results =
      MustAppend(*store, Batch({MakeArticle("c", 2)}));
  EXPECT_THAT(results[0].seqs, ElementsAre(5, 6));
  EXPECT_THAT(ScanSeqs(*store), ElementsAreArray(Iota(1, 6)));
  EXPECT_EQ(MustGet(*store, 2).title(), "a#1");
}

TEST_F(SignalStoreTest, SignalsAreStoredInDocIndexOrder) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  PendingArticle pending = MakeArticle("page", 0);
  pending.signals.push_back(MakeSignal("page", 2));
  pending.signals.push_back(MakeSignal("page", 0));
  pending.signals.push_back(MakeSignal("page", 1));
  std::vector<AppendResult> results =
      MustAppend(*store, Batch({std::move(pending)}));
  EXPECT_THAT(results[0].seqs, ElementsAre(1, 2, 3));
  EXPECT_EQ(MustGet(*store, 1).doc_index(), 0u);
  EXPECT_EQ(MustGet(*store, 2).doc_index(), 1u);
  EXPECT_EQ(MustGet(*store, 3).doc_index(), 2u);
}

TEST_F(SignalStoreTest, EmptyBatchIsANoOp) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(MustAppend(*store, {}), IsEmpty());
  EXPECT_EQ(store->head_seq(), 0u);
}

TEST_F(SignalStoreTest, InvalidBatchWritesNothing) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  PendingArticle no_key = MakeArticle("x", 1);
  no_key.idempotency_key.clear();
  EXPECT_THAT(store->Append(Batch({MakeArticle("a"), std::move(no_key)}), kT0),
              StatusIs(absl::StatusCode::kInvalidArgument));
  PendingArticle bad_event = MakeArticle("y", 1);
  bad_event.signals[0].add_events()->set_type(static_cast<EventType>(1000));
  EXPECT_THAT(
      store->Append(Batch({MakeArticle("a"), std::move(bad_event)}), kT0),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(store->head_seq(), 0u);
  EXPECT_THAT(store->LookupKey("id:a"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(MustAppend(*store, Batch({MakeArticle("a")}))[0].seqs,
              ElementsAre(1));
}

// ---------------------------------------------------------------------------
// Idempotency

TEST_F(SignalStoreTest, RepeatedKeyWithinABatchIsADuplicate) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<AppendResult> results = MustAppend(
      *store,
      Batch({MakeArticle("a", 2), MakeArticle("b", 1), MakeArticle("a", 5)}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_THAT(results[0].seqs, ElementsAre(1, 2));
  EXPECT_FALSE(results[0].duplicate);
  EXPECT_THAT(results[1].seqs, ElementsAre(3));
  EXPECT_THAT(results[2].seqs, ElementsAre(1, 2));
  EXPECT_TRUE(results[2].duplicate);
  EXPECT_EQ(store->head_seq(), 3u);
}

TEST_F(SignalStoreTest, RepeatedKeyAcrossBatchesWritesNothing) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticle("a", 2)}));
  PendingArticle retry = MakeArticle("a", 3);
  retry.signals[0].set_title("changed on retry");
  std::vector<AppendResult> results =
      MustAppend(*store, Batch({std::move(retry), MakeArticle("b", 1)}),
                 kT0 + absl::Minutes(1));
  EXPECT_THAT(results[0].seqs, ElementsAre(1, 2));
  EXPECT_TRUE(results[0].duplicate);
  EXPECT_THAT(results[1].seqs, ElementsAre(3));
  EXPECT_FALSE(results[1].duplicate);
  EXPECT_EQ(store->head_seq(), 3u);
  EXPECT_EQ(MustGet(*store, 1).title(), "a#0");  // The first write stands.
}

TEST_F(SignalStoreTest, AllDuplicateBatchWritesNothing) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticle("a", 1), MakeArticle("b", 1)}));
  std::vector<AppendResult> results =
      MustAppend(*store, Batch({MakeArticle("b", 1), MakeArticle("a", 1)}));
  EXPECT_THAT(results[0].seqs, ElementsAre(2));
  EXPECT_THAT(results[1].seqs, ElementsAre(1));
  EXPECT_TRUE(results[0].duplicate && results[1].duplicate);
  EXPECT_EQ(store->head_seq(), 2u);
}

TEST_F(SignalStoreTest, IdempotencySurvivesReopen) {
  {
    std::unique_ptr<SignalStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    MustAppend(*store, Batch({MakeArticle("a", 2), MakeArticle("none", 0)}));
  }
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<AppendResult> results = MustAppend(
      *store,
      Batch({MakeArticle("a", 2), MakeArticle("none", 1), MakeArticle("c")}));
  EXPECT_THAT(results[0].seqs, ElementsAre(1, 2));
  EXPECT_TRUE(results[0].duplicate);
  // An article that produced no signal is remembered too.
  EXPECT_THAT(results[1].seqs, IsEmpty());
  EXPECT_TRUE(results[1].duplicate);
  EXPECT_THAT(results[2].seqs, ElementsAre(3));
  EXPECT_EQ(store->head_seq(), 3u);
}

TEST_F(SignalStoreTest, LookupKeyAndGetArticle) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticle("a", 2)}));
  EXPECT_THAT(store->LookupKey("id:a"), IsOkAndHolds(ElementsAre(1, 2)));
  EXPECT_THAT(store->LookupKey("id:zzz"),
              StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<tidings::v1::Article> article = store->GetArticle("id:a");
  ASSERT_THAT(article, IsOk());
  EXPECT_EQ(article->article_id(), "a");
  EXPECT_EQ(article->body(), "body of a");
  EXPECT_THAT(store->GetArticle("id:zzz"),
              StatusIs(absl::StatusCode::kNotFound));
}

// Several threads append batches drawn from one pool of keys. Every key must
// get exactly one set of seqs, seen identically by every thread, and the log
// must be dense with no signal stored twice.
TEST_F(SignalStoreTest, ConcurrentAppendsWithOverlappingKeys) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 6;
  constexpr int kBatchesPerThread = 40;
  constexpr int kArticlesPerBatch = 4;
  constexpr int kKeys = 60;
  // Key k always has (k % 3) signals, so every writer prepares the same
  // article for it (a real retry carries the same content).
  auto signals_of = [](int key) { return key % 3; };

  absl::Mutex mu;
  std::map<std::string, std::set<std::vector<uint64_t>>> seen;  // Under mu.
  std::map<std::string, int> first_writes;                      // Under mu.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      for (int b = 0; b < kBatchesPerThread; ++b) {
        std::vector<PendingArticle> batch;
        std::vector<std::string> keys;
        for (int a = 0; a < kArticlesPerBatch; ++a) {
          const int key = static_cast<int>(rng() % kKeys);
          batch.push_back(
              MakeArticle("k" + std::to_string(key), signals_of(key)));
          keys.push_back(batch.back().idempotency_key);
        }
        absl::StatusOr<std::vector<AppendResult>> results =
            store->Append(std::move(batch), kT0);
        ASSERT_THAT(results, IsOk());
        absl::MutexLock lock(&mu);
        for (size_t i = 0; i < keys.size(); ++i) {
          seen[keys[i]].insert((*results)[i].seqs);
          if (!(*results)[i].duplicate) ++first_writes[keys[i]];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  absl::MutexLock lock(&mu);
  uint64_t expected_signals = 0;
  std::set<uint64_t> all_seqs;
  for (const auto& [key, variants] : seen) {
    ASSERT_EQ(variants.size(), 1u) << key << " got different seqs";
    EXPECT_EQ(first_writes[key], 1) << key << " was written more than once";
    const std::vector<uint64_t>& seqs = *variants.begin();
    EXPECT_EQ(seqs.size(),
              static_cast<size_t>(signals_of(std::stoi(key.substr(4)))));
    expected_signals += seqs.size();
    for (uint64_t seq : seqs) {
      EXPECT_TRUE(all_seqs.insert(seq).second) << "seq " << seq << " reused";
      EXPECT_EQ(MustGet(*store, seq).article_id(), key.substr(3));
    }
  }
  EXPECT_EQ(store->head_seq(), expected_signals);
  EXPECT_THAT(ScanSeqs(*store), ElementsAreArray(Iota(1, expected_signals)));
  EXPECT_THAT(all_seqs, ElementsAreArray(Iota(1, expected_signals)));
}

// ---------------------------------------------------------------------------
// Near-duplicates

constexpr uint64_t kFp = 0x0123456789abcdefULL;
// Differs from kFp in 3 bits, one in each of bands 0, 1 and 2.
constexpr uint64_t kFpNear = kFp ^ (1ULL << 60) ^ (1ULL << 40) ^ (1ULL << 20);
// Differs from kFp in 4 bits, one per band: not a near-duplicate.
constexpr uint64_t kFpFar = kFpNear ^ (1ULL << 5);

TEST_F(SignalStoreTest, MarksNewestNearDuplicateInsideTheWindow) {
  options_.duplicate_window = absl::Hours(1);
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticleWith("a", kFp)}), kT0);  // 1
  MustAppend(*store, Batch({MakeArticleWith("b", kFpNear)}),
             kT0 + absl::Minutes(10));  // 2: near a
  MustAppend(*store, Batch({MakeArticleWith("c", kFpFar)}),
             kT0 + absl::Minutes(20));  // 3: 4 bits from a; 1 bit from b
  MustAppend(*store, Batch({MakeArticleWith("d", 0xfedcba9876543210ULL)}),
             kT0 + absl::Minutes(30));  // 4: unrelated
  MustAppend(*store, Batch({MakeArticleWith("e", kFp)}),
             kT0 + absl::Minutes(40));  // 5: equal to a, near b, c
  EXPECT_EQ(MustGet(*store, 1).duplicate_of_seq(), 0u);
  EXPECT_EQ(MustGet(*store, 2).duplicate_of_seq(), 1u);
  EXPECT_EQ(MustGet(*store, 3).duplicate_of_seq(), 2u);
  EXPECT_EQ(MustGet(*store, 4).duplicate_of_seq(), 0u);
  EXPECT_EQ(MustGet(*store, 5).duplicate_of_seq(), 2u);  // Newest near one.
}

TEST_F(SignalStoreTest, NearDuplicateOutsideTheWindowIsNotMarked) {
  options_.duplicate_window = absl::Hours(1);
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticleWith("a", kFp)}), kT0);
  // Exactly at the edge of the window: still marked.
  MustAppend(*store, Batch({MakeArticleWith("b", kFpNear)}),
             kT0 + absl::Hours(1));
  // One microsecond past the window of b (and far past a): not marked.
  MustAppend(*store, Batch({MakeArticleWith("c", kFp)}),
             kT0 + absl::Hours(2) + absl::Microseconds(1));
  EXPECT_EQ(MustGet(*store, 2).duplicate_of_seq(), 1u);
  EXPECT_EQ(MustGet(*store, 3).duplicate_of_seq(), 0u);
}

TEST_F(SignalStoreTest, NearDuplicateWithinOneBatch) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticleWith("old", kFp)}), kT0);  // 1
  PendingArticle page = MakeArticle("page", 0);
  page.signals.push_back(MakeSignal("page", 0, 0x1111222233334444ULL));  // 2
  page.signals.push_back(MakeSignal("page", 1, kFpNear));                // 3
  std::vector<AppendResult> results =
      MustAppend(*store,
                 Batch({std::move(page), MakeArticleWith("copy", kFp),      // 4
                        MakeArticleWith("other", 0x1111222233334445ULL)}),  // 5
                 kT0 + absl::Minutes(5));
  EXPECT_THAT(results[0].seqs, ElementsAre(2, 3));
  EXPECT_EQ(MustGet(*store, 2).duplicate_of_seq(), 0u);
  EXPECT_EQ(MustGet(*store, 3).duplicate_of_seq(), 1u);  // Stored one.
  EXPECT_EQ(MustGet(*store, 4).duplicate_of_seq(), 3u);  // Newer, in batch.
  EXPECT_EQ(MustGet(*store, 5).duplicate_of_seq(), 2u);  // In batch.
}

// The only shared band of a near-duplicate may hold many newer signals that
// are not near: the lookup walks past them.
TEST_F(SignalStoreTest, NearDuplicateFoundBehindManyBucketMates) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticleWith("original", kFp)}));  // 1
  std::vector<PendingArticle> mates;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 40; ++i) {
    // Same top band as kFp, random elsewhere.
    const uint64_t fp =
        (kFp & 0xffff000000000000ULL) | (rng() & 0x0000ffffffffffffULL);
    mates.push_back(MakeArticleWith("mate" + std::to_string(i), fp));
  }
  MustAppend(*store, std::move(mates));  // 2..41
  // One bit off in each of bands 1, 2 and 3: shares only band 0 with kFp.
  const uint64_t query = kFp ^ (1ULL << 40) ^ (1ULL << 20) ^ (1ULL << 3);
  MustAppend(*store, Batch({MakeArticleWith("query", query)}));  // 42
  // (Random mates are 48 random bits away from a near match: none is.)
  EXPECT_EQ(MustGet(*store, 42).duplicate_of_seq(), 1u);
}

TEST_F(SignalStoreTest, NearDuplicatesAreFoundAfterReopen) {
  {
    std::unique_ptr<SignalStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    MustAppend(*store, Batch({MakeArticleWith("a", kFp)}), kT0);
  }
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticleWith("b", kFpNear)}),
             kT0 + absl::Hours(1));
  EXPECT_EQ(MustGet(*store, 2).duplicate_of_seq(), 1u);
}

TEST_F(SignalStoreTest, ZeroWindowOrZeroFingerprintMarksNothing) {
  options_.duplicate_window = absl::ZeroDuration();
  {
    std::unique_ptr<SignalStore> store = OpenStore();
    ASSERT_NE(store, nullptr);
    MustAppend(*store,
               Batch({MakeArticleWith("a", kFp), MakeArticleWith("b", kFp)}));
    EXPECT_EQ(MustGet(*store, 2).duplicate_of_seq(), 0u);
  }
  options_.duplicate_window = absl::Hours(72);
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  // Entries written while marking was off are still indexed.
  MustAppend(*store, Batch({MakeArticleWith("c", kFp), MakeArticleWith("z1", 0),
                            MakeArticleWith("z2", 0)}));
  EXPECT_EQ(MustGet(*store, 3).duplicate_of_seq(), 2u);
  EXPECT_EQ(MustGet(*store, 5).duplicate_of_seq(), 0u);  // 0 = no print.
}

// ---------------------------------------------------------------------------
// Reads

TEST_F(SignalStoreTest, ScanHonoursAfterSeqMaxCountAndEarlyStop) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticle("a", 4), MakeArticle("b", 6)}));
  EXPECT_THAT(ScanSeqs(*store, 0, 0), ElementsAreArray(Iota(1, 10)));
  EXPECT_THAT(ScanSeqs(*store, 3, 4), ElementsAre(4, 5, 6, 7));
  EXPECT_THAT(ScanSeqs(*store, 8, 100), ElementsAre(9, 10));
  EXPECT_THAT(ScanSeqs(*store, 10, 0), IsEmpty());
  EXPECT_THAT(ScanSeqs(*store, 1000, 0), IsEmpty());
  EXPECT_THAT(ScanSeqs(*store, UINT64_MAX, 0), IsEmpty());

  std::vector<uint64_t> visited;
  EXPECT_THAT(store->Scan(0, 0,
                          [&](const Signal& signal) {
                            visited.push_back(signal.seq());
                            return visited.size() < 2;
                          }),
              IsOk());
  EXPECT_THAT(visited, ElementsAre(1, 2));
}

TEST_F(SignalStoreTest, ScanCallbackMayAppend) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticle("a", 2)}));
  std::vector<uint64_t> visited;
  EXPECT_THAT(
      store->Scan(0, 0,
                  [&](const Signal& signal) {
                    visited.push_back(signal.seq());
                    EXPECT_THAT(
                        store->Append(
                            Batch({MakeArticle("from-scan-" +
                                               std::to_string(signal.seq()))}),
                            kT0),
                        IsOk());
                    return true;
                  }),
      IsOk());
  // The scan saw the head as of its start only.
  EXPECT_THAT(visited, ElementsAre(1, 2));
  EXPECT_EQ(store->head_seq(), 4u);
}

TEST_F(SignalStoreTest, GetOfAnAbsentSeqIsNotFound) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  MustAppend(*store, Batch({MakeArticle("a", 2)}));
  EXPECT_THAT(store->Get(0), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->Get(3), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->Get(UINT64_MAX), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->Get(2), IsOk());
}

TEST_F(SignalStoreTest, SeqBeforeTime) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  const absl::Time t100 = kT0 + absl::Seconds(100);
  const absl::Time t200 = kT0 + absl::Seconds(200);
  const absl::Time t300 = kT0 + absl::Seconds(300);
  MustAppend(*store, Batch({MakeArticle("a", 2)}), t100);  // 1, 2
  MustAppend(*store, Batch({MakeArticle("b", 1)}), t200);  // 3
  MustAppend(*store, Batch({MakeArticle("c", 2)}), t300);  // 4, 5
  auto before = [&](absl::Time t) {
    absl::StatusOr<uint64_t> seq = store->SeqBeforeTime(t);
    EXPECT_THAT(seq, IsOk());
    return seq.value_or(~uint64_t{0});
  };
  EXPECT_EQ(before(absl::InfinitePast()), 0u);
  EXPECT_EQ(before(kT0), 0u);
  EXPECT_EQ(before(t100), 0u);
  EXPECT_EQ(before(t100 + absl::Nanoseconds(1)), 2u);
  EXPECT_EQ(before(t100 + absl::Microseconds(1)), 2u);
  EXPECT_EQ(before(t200), 2u);
  EXPECT_EQ(before(t200 + absl::Seconds(50)), 3u);
  EXPECT_EQ(before(t300), 3u);
  EXPECT_EQ(before(t300 + absl::Seconds(1)), 5u);
  EXPECT_EQ(before(absl::InfiniteFuture()), 5u);
  // A scan from SeqBeforeTime(t) yields exactly the signals ingested at or
  // after t.
  EXPECT_THAT(ScanSeqs(*store, before(t200)), ElementsAre(3, 4, 5));
}

TEST_F(SignalStoreTest, IngestedAtNeverDecreases) {
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  const absl::Time later = kT0 + absl::Seconds(200);
  MustAppend(*store, Batch({MakeArticle("a")}), later);
  // The clock stepped back: the new signal keeps the newest time.
  MustAppend(*store, Batch({MakeArticle("b")}), kT0);
  EXPECT_EQ(MustGet(*store, 2).ingested_at().seconds(),
            absl::ToUnixSeconds(later));
  // Sub-microsecond precision is dropped, consistently with the time index.
  MustAppend(*store, Batch({MakeArticle("c")}),
             later + absl::Seconds(1) + absl::Nanoseconds(1500));
  EXPECT_EQ(MustGet(*store, 3).ingested_at().nanos(), 1000);
}

TEST_F(SignalStoreTest, WithSyncOn) {
  options_.sync = true;
  std::unique_ptr<SignalStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(MustAppend(*store, Batch({MakeArticle("a", 2)}))[0].seqs,
              ElementsAre(1, 2));
}

}  // namespace
}  // namespace tidings::storage
