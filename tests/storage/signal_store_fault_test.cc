// Copyright 2026 The Tidings Authors.
//
// Storage faults (issue 5, item 7): a RocksDB write failure fails Append()
// with UNAVAILABLE, acknowledges nothing, stores nothing partial, and the
// store works again once the fault clears. Faults are injected with the
// rocksdb::FileSystem wrapper of tests/testing/fault_fs.h, passed through
// StoreOptions::env.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "storage/signal_store.h"
#include "tests/storage/store_test_util.h"
#include "tests/testing/fault_fs.h"

namespace tidings::storage {
namespace {

using testing::Batch;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::Iota;
using testing::IsOk;
using testing::MakeArticle;
using testing::ScanSeqs;
using testing::StatusIs;
using testing::TempDir;
using ::tidings::testing::Fault;
using ::tidings::testing::FaultState;
using ::tidings::testing::FaultyFileSystem;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

class SignalStoreFaultTest : public ::testing::Test {
 protected:
  SignalStoreFaultTest()
      : fs_(std::make_shared<FaultyFileSystem>(&state_)),
        env_(rocksdb::NewCompositeEnv(fs_)) {
    options_.path = dir_.Sub("db");
    options_.sync = true;
    options_.env = env_.get();
  }

  std::unique_ptr<SignalStore> OpenStore(const StoreOptions& options) {
    absl::StatusOr<std::unique_ptr<SignalStore>> store =
        SignalStore::Open(options);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Every stored key maps to signals of its own article, and the log is
  // dense up to the head.
  void ExpectConsistent(const SignalStore& store,
                        const std::vector<std::string>& ids) {
    EXPECT_THAT(ScanSeqs(store), ElementsAreArray(Iota(1, store.head_seq())));
    uint64_t total = 0;
    for (const std::string& id : ids) {
      absl::StatusOr<std::vector<uint64_t>> seqs = store.LookupKey("id:" + id);
      ASSERT_THAT(seqs, IsOk()) << id;
      for (uint64_t seq : *seqs) {
        absl::StatusOr<tidings::v1::Signal> signal = store.Get(seq);
        ASSERT_THAT(signal, IsOk());
        EXPECT_EQ(signal->article_id(), id) << "seq " << seq;
      }
      total += seqs->size();
    }
    EXPECT_EQ(total, store.head_seq());
  }

  TempDir dir_;
  FaultState state_;
  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  StoreOptions options_;
};

TEST_F(SignalStoreFaultTest, FailedWriteIsUnavailableAndStoresNothing) {
  std::unique_ptr<SignalStore> store = OpenStore(options_);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("a", 2)}), kT0), IsOk());

  state_.fault = Fault::kWrites;
  absl::StatusOr<std::vector<AppendResult>> failed =
      store->Append(Batch({MakeArticle("b", 2), MakeArticle("c", 1)}), kT0);
  ASSERT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(std::string(failed.status().message()),
              HasSubstr("injected fault"));
  EXPECT_GT(state_.injected.load(), 0);
  // Nothing visible, nothing partial.
  EXPECT_EQ(store->head_seq(), 2u);
  EXPECT_THAT(store->Get(3), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->LookupKey("id:b"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store->GetArticle("id:c"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ScanSeqs(*store), ElementsAre(1, 2));
  // Reads keep working during the fault.
  EXPECT_THAT(store->Get(2), IsOk());
  // While the fault lasts, appends keep failing cleanly.
  EXPECT_THAT(store->Append(Batch({MakeArticle("d", 1)}), kT0),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store->head_seq(), 2u);

  // The fault clears: the same batch is stored, densely, and not as a
  // duplicate (it was never acknowledged).
  state_.fault = Fault::kNone;
  absl::StatusOr<std::vector<AppendResult>> retried =
      store->Append(Batch({MakeArticle("b", 2), MakeArticle("c", 1)}), kT0);
  ASSERT_THAT(retried, IsOk());
  EXPECT_THAT((*retried)[0].seqs, ElementsAre(3, 4));
  EXPECT_FALSE((*retried)[0].duplicate);
  EXPECT_THAT((*retried)[1].seqs, ElementsAre(5));
  ASSERT_THAT(store->Append(Batch({MakeArticle("d", 1)}), kT0), IsOk());
  EXPECT_EQ(store->head_seq(), 6u);
  ExpectConsistent(*store, {"a", "b", "c", "d"});

  // And the same after a restart (without the faulty environment).
  store.reset();
  StoreOptions plain = options_;
  plain.env = nullptr;
  store = OpenStore(plain);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->head_seq(), 6u);
  ExpectConsistent(*store, {"a", "b", "c", "d"});
}

// A failed fsync is ambiguous: the WAL record may have reached the file, and
// then recovery (which reopens the database) replays it. The batch is then
// stored whole, never in part, with seqs that no later batch reuses, and a
// retry of it is answered as a duplicate: the publisher's retry is safe.
TEST_F(SignalStoreFaultTest, FailedSyncIsAmbiguousButNeverPartial) {
  std::unique_ptr<SignalStore> store = OpenStore(options_);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("a", 1)}), kT0), IsOk());

  state_.fault = Fault::kSyncs;
  EXPECT_THAT(store->Append(Batch({MakeArticle("maybe", 2)}), kT0),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store->head_seq(), 1u);
  EXPECT_THAT(store->LookupKey("id:maybe"),
              StatusIs(absl::StatusCode::kNotFound));

  state_.fault = Fault::kNone;
  absl::StatusOr<std::vector<AppendResult>> next =
      store->Append(Batch({MakeArticle("b", 2)}), kT0);
  ASSERT_THAT(next, IsOk());
  absl::StatusOr<std::vector<uint64_t>> maybe = store->LookupKey("id:maybe");
  std::vector<std::string> ids = {"a", "b"};
  if (maybe.ok()) {
    // Replayed: whole, right after "a", before "b".
    EXPECT_THAT(*maybe, ElementsAre(2, 3));
    EXPECT_THAT((*next)[0].seqs, ElementsAre(4, 5));
    ids.push_back("maybe");
  } else {
    EXPECT_THAT(maybe, StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT((*next)[0].seqs, ElementsAre(2, 3));
  }
  ExpectConsistent(*store, ids);
  // The publisher retries the batch it saw fail.
  absl::StatusOr<std::vector<AppendResult>> retry =
      store->Append(Batch({MakeArticle("maybe", 2)}), kT0);
  ASSERT_THAT(retry, IsOk());
  if (maybe.ok()) {
    EXPECT_TRUE((*retry)[0].duplicate);
    EXPECT_EQ((*retry)[0].seqs, *maybe);
  } else {
    EXPECT_FALSE((*retry)[0].duplicate);
    ids.push_back("maybe");
  }
  ExpectConsistent(*store, ids);
  const uint64_t head = store->head_seq();

  store.reset();
  StoreOptions plain = options_;
  plain.env = nullptr;
  store = OpenStore(plain);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->head_seq(), head);
  ExpectConsistent(*store, ids);
}

// Recovery waits for running reads; a Scan callback that appends while the
// store must recover gets UNAVAILABLE instead of a deadlock, and the next
// Append after the scan recovers.
TEST_F(SignalStoreFaultTest, RecoveryDuringAScanCallbackDoesNotDeadlock) {
  std::unique_ptr<SignalStore> store = OpenStore(options_);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("a", 2)}), kT0), IsOk());
  state_.fault = Fault::kWrites;
  ASSERT_THAT(store->Append(Batch({MakeArticle("b", 1)}), kT0),
              StatusIs(absl::StatusCode::kUnavailable));
  state_.fault = Fault::kNone;

  int visited = 0;
  EXPECT_THAT(
      store->Scan(0, 1,
                  [&](const tidings::v1::Signal&) {
                    ++visited;
                    EXPECT_THAT(
                        store->Append(Batch({MakeArticle("b", 1)}), kT0),
                        StatusIs(absl::StatusCode::kUnavailable));
                    return true;
                  }),
      IsOk());
  EXPECT_EQ(visited, 1);
  absl::StatusOr<std::vector<AppendResult>> results =
      store->Append(Batch({MakeArticle("b", 1)}), kT0);
  ASSERT_THAT(results, IsOk());
  EXPECT_THAT((*results)[0].seqs, ElementsAre(3));
}

// Readers running while the store reopens see either the old or the new
// instance, never an error or a torn log.
TEST_F(SignalStoreFaultTest, ReadersKeepWorkingAcrossRecovery) {
  std::unique_ptr<SignalStore> store = OpenStore(options_);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("a", 3)}), kT0), IsOk());
  state_.fault = Fault::kWrites;
  ASSERT_THAT(store->Append(Batch({MakeArticle("b", 1)}), kT0),
              StatusIs(absl::StatusCode::kUnavailable));
  state_.fault = Fault::kNone;

  std::atomic<bool> stop{false};
  std::atomic<bool> reader_done{false};
  std::atomic<int> scans{0};
  std::thread reader([&] {
    while (!stop.load()) {
      const uint64_t head = store->head_seq();
      std::vector<uint64_t> seqs = ScanSeqs(*store);
      EXPECT_GE(seqs.size(), head);
      EXPECT_THAT(seqs, ElementsAreArray(Iota(1, seqs.size())));
      EXPECT_THAT(store->Get(1), IsOk());
      if (::testing::Test::HasFailure()) break;
      ++scans;
    }
    reader_done = true;
  });
  auto wait_for_scans = [&](int n) {
    while (scans.load() < n && !reader_done.load()) std::this_thread::yield();
  };
  wait_for_scans(5);
  absl::StatusOr<std::vector<AppendResult>> results =
      store->Append(Batch({MakeArticle("b", 1)}), kT0);
  wait_for_scans(scans.load() + 5);
  stop = true;
  reader.join();
  ASSERT_THAT(results, IsOk());
  EXPECT_THAT((*results)[0].seqs, ElementsAre(4));
  ExpectConsistent(*store, {"a", "b"});
}

// A fault while the store opens is reported, not hidden.
TEST_F(SignalStoreFaultTest, FaultAtOpenIsUnavailable) {
  state_.fault = Fault::kWrites;
  EXPECT_THAT(SignalStore::Open(options_),
              StatusIs(absl::StatusCode::kUnavailable));
  state_.fault = Fault::kNone;
  std::unique_ptr<SignalStore> store = OpenStore(options_);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("a", 1)}), kT0), IsOk());
  EXPECT_EQ(store->head_seq(), 1u);
}

}  // namespace
}  // namespace tidings::storage
