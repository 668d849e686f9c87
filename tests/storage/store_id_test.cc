// Copyright 2026 The Tidings Authors.
//
// Tests of SignalStore::store_id() on a real RocksDB in a per-test temporary
// directory: random at creation, stable across reopen, given to a store
// created before ids existed, and refused when malformed.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/signal_store.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::MakeArticle;
using ::testing::MatchesRegex;
using testing::StatusIs;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.

class StoreIdTest : public testing::StoreDirTest {
 protected:
  // Opens the database under the store without it and sets (or, with
  // `value` null, deletes) the meta key "store_id".
  void RewriteStoreId(const std::string* value) {
    std::unique_ptr<testing::RawDb> raw = testing::RawDb::Open(options_.path);
    ASSERT_NE(raw, nullptr);
    rocksdb::ColumnFamilyHandle* meta = raw->cf("default");
    ASSERT_NE(meta, nullptr);
    if (value == nullptr) {
      ASSERT_TRUE(
          raw->db().Delete(rocksdb::WriteOptions(), meta, "store_id").ok());
    } else {
      ASSERT_TRUE(raw->db()
                      .Put(rocksdb::WriteOptions(), meta, "store_id", *value)
                      .ok());
    }
  }
};

TEST_F(StoreIdTest, IsThirtyTwoHexDigitsAndDiffersBetweenStores) {
  std::unique_ptr<SignalStore> a = Open(dir_.Sub("a"));
  std::unique_ptr<SignalStore> b = Open(dir_.Sub("b"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_THAT(a->store_id(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(b->store_id(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(a->store_id(), b->store_id());
}

TEST_F(StoreIdTest, IsStableAcrossReopen) {
  std::string id;
  {
    std::unique_ptr<SignalStore> store = Open(options_.path);
    ASSERT_NE(store, nullptr);
    id = store->store_id();
    ASSERT_THAT(store->Append({MakeArticle("a")}, kT0), IsOk());
  }
  for (int round = 0; round < 3; ++round) {
    std::unique_ptr<SignalStore> store = Open(options_.path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->store_id(), id) << "round " << round;
    EXPECT_EQ(store->head_seq(), 1u);
  }
}

TEST_F(StoreIdTest, AWipedDirectoryGetsANewId) {
  std::string id;
  {
    std::unique_ptr<SignalStore> store = Open(options_.path);
    ASSERT_NE(store, nullptr);
    id = store->store_id();
  }
  std::filesystem::remove_all(options_.path);
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->store_id(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(store->store_id(), id);
}

TEST_F(StoreIdTest, AStoreCreatedBeforeIdsGetsOneAtItsNextOpen) {
  {
    std::unique_ptr<SignalStore> store = Open(options_.path);
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(store->Append({MakeArticle("a"), MakeArticle("b")}, kT0),
                IsOk());
  }
  ASSERT_NO_FATAL_FAILURE(RewriteStoreId(nullptr));  // As written before ids.
  std::string id;
  {
    std::unique_ptr<SignalStore> store = Open(options_.path);
    ASSERT_NE(store, nullptr);
    id = store->store_id();
    EXPECT_THAT(id, MatchesRegex("[0-9a-f]{32}"));
    EXPECT_EQ(store->head_seq(), 2u);  // The log is untouched.
  }
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->store_id(), id);  // Drawn once, then kept.
}

TEST_F(StoreIdTest, AMalformedIdIsDataLoss) {
  { ASSERT_NE(Open(options_.path), nullptr); }
  const std::string bad = "not-an-id";
  ASSERT_NO_FATAL_FAILURE(RewriteStoreId(&bad));
  absl::StatusOr<std::unique_ptr<SignalStore>> store =
      SignalStore::Open(options_);
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(std::string(store.status().message()),
              HasSubstr("malformed store id"));
}

TEST_F(StoreIdTest, AnEmptyStoreAdoptsAnIdAndKeepsIt) {
  const std::string cluster_id = "0123456789abcdef0123456789abcdef";
  {
    std::unique_ptr<SignalStore> store = Open(options_.path);
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(store->AdoptStoreId(cluster_id), IsOk());
    EXPECT_EQ(store->store_id(), cluster_id);
    ASSERT_THAT(store->AdoptStoreId(cluster_id), IsOk());  // Idempotent.
    LogApply apply;
    apply.log_seq = 1;
    ASSERT_THAT(store->Apply({MakeArticle("a")}, kT0, apply), IsOk());
  }
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->store_id(), cluster_id);
}

TEST_F(StoreIdTest, AStoreHoldingSomethingKeepsItsId) {
  std::unique_ptr<SignalStore> store = Open(options_.path);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->AdoptStoreId("not-an-id"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(store->Append({MakeArticle("a")}, kT0), IsOk());
  const std::string id = store->store_id();
  EXPECT_THAT(store->AdoptStoreId(std::string(32, 'b')),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(store->store_id(), id);
}

}  // namespace
}  // namespace tidings::storage
