// Copyright 2026 The Tidings Authors.
//
// Tests of SignalStore::Checkpoint() (backups) on a real RocksDB in a
// per-test temporary directory: the backup opens as the same store at the
// returned head, it is consistent while appends run, and bad directories are
// refused with a clear error and left alone.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/signal_store.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using ::testing::HasSubstr;
using testing::Iota;
using testing::IsOk;
using testing::MakeArticle;
using testing::ScanSeqs;
using testing::StatusIs;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.

class CheckpointTest : public testing::StoreDirTest {
 protected:
  // Appends articles <prefix>0..<prefix>n-1, one signal each.
  void AppendN(SignalStore& store, const std::string& prefix, int n) {
    std::vector<PendingArticle> batch;
    for (int i = 0; i < n; ++i) {
      batch.push_back(MakeArticle(absl::StrCat(prefix, i)));
    }
    ASSERT_THAT(store.Append(std::move(batch), kT0), IsOk());
  }
};

TEST_F(CheckpointTest, TheBackupOpensAsTheSameStoreAtItsHead) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendN(*store, "a", 3));
  ASSERT_NO_FATAL_FAILURE(AppendN(*store, "b", 2));
  const std::string backup_dir = dir_.Sub("backup");
  absl::StatusOr<CheckpointInfo> info = store->Checkpoint(backup_dir + "/");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->dir, backup_dir);  // Without the trailing slash.
  EXPECT_EQ(info->head_seq, 5u);
  EXPECT_GT(info->bytes, 0u);
  // The store goes on; the backup does not see what came after it.
  ASSERT_NO_FATAL_FAILURE(AppendN(*store, "c", 4));
  ASSERT_EQ(store->head_seq(), 9u);

  std::unique_ptr<SignalStore> restored = Open(backup_dir);
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->store_id(), store->store_id());
  EXPECT_EQ(restored->head_seq(), 5u);
  EXPECT_EQ(ScanSeqs(*restored), Iota(1, 5));
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    absl::StatusOr<v1::Signal> original = store->Get(seq);
    absl::StatusOr<v1::Signal> copy = restored->Get(seq);
    ASSERT_THAT(original, IsOk());
    ASSERT_THAT(copy, IsOk());
    EXPECT_EQ(copy->SerializeAsString(), original->SerializeAsString()) << seq;
  }
  // Idempotency keys came along: a retry is a duplicate there too.
  absl::StatusOr<std::vector<AppendResult>> retry =
      restored->Append({MakeArticle("b1")}, kT0);
  ASSERT_THAT(retry, IsOk());
  EXPECT_TRUE((*retry)[0].duplicate);
  EXPECT_EQ((*retry)[0].seqs, std::vector<uint64_t>{5});
  // And it appends densely after its own head.
  ASSERT_NO_FATAL_FAILURE(AppendN(*restored, "d", 1));
  EXPECT_EQ(restored->head_seq(), 6u);
}

TEST_F(CheckpointTest, ABackupTakenWhileAppendingHoldsWholeBatchesUpToItsHead) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  constexpr int kBatches = 200;
  constexpr int kPerBatch = 3;
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<PendingArticle> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        batch.push_back(MakeArticle(absl::StrCat("w", b, "-", i)));
      }
      if (!store->Append(std::move(batch), kT0).ok()) failed = true;
    }
  });
  std::vector<CheckpointInfo> taken;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<CheckpointInfo> info =
        store->Checkpoint(dir_.Sub(absl::StrCat("backup", i)));
    ASSERT_THAT(info, IsOk());
    taken.push_back(*info);
  }
  writer.join();
  ASSERT_FALSE(failed);
  ASSERT_EQ(store->head_seq(), uint64_t{kBatches * kPerBatch});

  for (const CheckpointInfo& info : taken) {
    SCOPED_TRACE(info.dir);
    EXPECT_EQ(info.head_seq % kPerBatch, 0u);  // Whole batches only.
    std::unique_ptr<SignalStore> restored = Open(info.dir);
    ASSERT_NE(restored, nullptr);
    EXPECT_EQ(restored->head_seq(), info.head_seq);
    EXPECT_EQ(ScanSeqs(*restored), Iota(1, info.head_seq));
  }
}

TEST_F(CheckpointTest, BadDirectoriesAreRefusedAndLeftAlone) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  ASSERT_NO_FATAL_FAILURE(AppendN(*store, "a", 1));

  EXPECT_THAT(store->Checkpoint(""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<CheckpointInfo> relative = store->Checkpoint("backup");
  EXPECT_THAT(relative, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(relative.status().message()),
              HasSubstr("absolute path"));

  // An existing directory, with a file the backup must not touch.
  const std::string existing = dir_.Sub("existing");
  std::filesystem::create_directories(existing);
  { std::ofstream(existing + "/keep") << "mine"; }
  absl::StatusOr<CheckpointInfo> exists = store->Checkpoint(existing);
  EXPECT_THAT(exists, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(std::string(exists.status().message()),
              HasSubstr(existing + " already exists"));
  EXPECT_EQ(std::filesystem::directory_iterator(existing)->path().filename(),
            "keep");

  // The staging directory RocksDB would empty first.
  const std::string staged = dir_.Sub("staged");
  std::filesystem::create_directories(staged + ".tmp");
  { std::ofstream(staged + ".tmp/keep") << "mine"; }
  EXPECT_THAT(store->Checkpoint(staged),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_TRUE(std::filesystem::exists(staged + ".tmp/keep"));
  EXPECT_FALSE(std::filesystem::exists(staged));

  absl::StatusOr<CheckpointInfo> orphan =
      store->Checkpoint(dir_.Sub("no/such/parent"));
  EXPECT_THAT(orphan, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(orphan.status().message()),
              HasSubstr("does not exist"));

  absl::StatusOr<CheckpointInfo> inside =
      store->Checkpoint(options_.path + "/backup");
  EXPECT_THAT(inside, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(inside.status().message()),
              HasSubstr("inside the store's directory"));

  // None of it hurt the store, and a good directory still works.
  ASSERT_NO_FATAL_FAILURE(AppendN(*store, "b", 1));
  EXPECT_THAT(store->Checkpoint(dir_.Sub("good")), IsOk());
}

}  // namespace
}  // namespace tidings::storage
