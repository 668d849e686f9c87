// Copyright 2026 The Tidings Authors.
//
// Tests of what the store measures for monitoring (SignalStore::Stats() and
// StoreOptions::on_wal_sync) on a real RocksDB in a per-test temporary
// directory: the counters move with writes and reads, the sizes with data,
// and each synced Append reports its WAL sync once.

#include <memory>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/signal_store.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using testing::Batch;
using testing::IsOk;
using testing::MakeArticle;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.

using StoreStatsTest = testing::StoreDirTest;

TEST_F(StoreStatsTest, CountersAndSizesMoveWithWritesAndReads) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  std::optional<StoreStats> empty = store->Stats();
  ASSERT_TRUE(empty.has_value());

  ASSERT_THAT(
      store->Append(Batch({MakeArticle("a", 2), MakeArticle("b")}), kT0),
      IsOk());
  ASSERT_THAT(store->Get(1), IsOk());
  std::optional<StoreStats> written = store->Stats();
  ASSERT_TRUE(written.has_value());
  EXPECT_GT(written->bytes_written, empty->bytes_written);
  EXPECT_GT(written->wal_bytes_written, empty->wal_bytes_written);
  EXPECT_GT(written->wal_bytes, 0u);
  EXPECT_GT(written->memtable_bytes, 0u);
  EXPECT_GT(written->bytes_read, 0u);

  // Closing flushes the memtables: the data is in table files now.
  store.reset();
  store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  std::optional<StoreStats> reopened = store->Stats();
  ASSERT_TRUE(reopened.has_value());
  EXPECT_GT(reopened->sst_bytes, 0u);
  EXPECT_GT(reopened->live_sst_bytes, 0u);
  EXPECT_LE(reopened->live_sst_bytes, reopened->sst_bytes);
  ASSERT_THAT(store->Get(3), IsOk());
  std::optional<StoreStats> read = store->Stats();
  ASSERT_TRUE(read.has_value());
  EXPECT_GT(read->block_cache_hits + read->block_cache_misses, 0u);
}

TEST_F(StoreStatsTest, EachSyncedAppendReportsItsWalSyncOnce) {
  std::vector<absl::Duration> syncs;
  options_.sync = true;
  options_.on_wal_sync = [&syncs](absl::Duration d) { syncs.push_back(d); };
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("a")}), kT0), IsOk());
  ASSERT_THAT(store->Append(Batch({MakeArticle("b")}), kT0), IsOk());
  // All duplicates: nothing written, nothing synced.
  ASSERT_THAT(store->Append(Batch({MakeArticle("a")}), kT0), IsOk());
  ASSERT_EQ(syncs.size(), 2u);
  for (absl::Duration d : syncs) EXPECT_GE(d, absl::ZeroDuration());
  std::optional<StoreStats> stats = store->Stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_GE(stats->wal_syncs, 2u);

  // Without sync there is no sync to report.
  store.reset();
  syncs.clear();
  options_.sync = false;
  store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Append(Batch({MakeArticle("c")}), kT0), IsOk());
  EXPECT_TRUE(syncs.empty());
}

// A replica's run of records: unsynced Apply() calls, then one SyncWal()
// that makes them durable and reports its time like a synced write.
TEST_F(StoreStatsTest, SyncWalSyncsUnsyncedAppliesOnce) {
  std::vector<absl::Duration> syncs;
  options_.sync = true;
  options_.on_wal_sync = [&syncs](absl::Duration d) { syncs.push_back(d); };
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Apply(Batch({MakeArticle("a")}), kT0,
                           {.log_seq = 1, .sync = false}),
              IsOk());
  ASSERT_THAT(store->Apply(Batch({MakeArticle("b")}), kT0,
                           {.log_seq = 2, .sync = false}),
              IsOk());
  EXPECT_TRUE(syncs.empty());
  const uint64_t before = store->Stats()->wal_syncs;
  ASSERT_THAT(store->SyncWal(), IsOk());
  EXPECT_EQ(syncs.size(), 1u);
  EXPECT_GT(store->Stats()->wal_syncs, before);
}

}  // namespace
}  // namespace tidings::storage
