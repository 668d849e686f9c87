// Copyright 2026 The Tidings Authors.
//
// What the store keeps for rescoring (issue 10, item 2): revisions
// (PendingArticle::revision), the revision index (NewestRevision), the
// per-version records (Versions) kept at commit and trim and rebuilt for a
// store written before them, and job states.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/signal_store.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage::testing {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// A revision of `original` (its seq) by version `version`.
PendingArticle Revision(const std::string& id, uint64_t original,
                        const std::string& version, uint64_t fingerprint = 0,
                        uint64_t duplicate_of = 0) {
  PendingArticle pending = MakeArticle(id, 0);
  pending.idempotency_key = "rescore:" + version + "|id:" + id;
  pending.revision = true;
  tidings::v1::Signal signal = MakeSignal(id, 0, fingerprint);
  signal.set_scorer_version(version);
  signal.set_rescore_of_seq(original);
  signal.set_duplicate_of_seq(duplicate_of);
  pending.signals.push_back(std::move(signal));
  return pending;
}

const tidings::v1::VersionInfo* Find(
    const std::vector<tidings::v1::VersionInfo>& versions,
    const std::string& name) {
  for (const auto& v : versions) {
    if (v.scorer_version() == name) return &v;
  }
  return nullptr;
}

class VersionsTest : public StoreDirTest {
 protected:
  void SetUp() override {
    store_ = Open(options_.path);
    ASSERT_NE(store_, nullptr);
  }
  std::unique_ptr<SignalStore> store_;
};

TEST_F(VersionsTest, RevisionsAreIndexedCountedAndNotCandidates) {
  constexpr uint64_t kFp = 0x0123456789abcdefULL;
  ASSERT_THAT(
      store_->Append(
          Batch({MakeArticleWith("a", kFp), MakeArticleWith("b", 0)}), kT0),
      IsOk());
  auto rev = store_->Append(
      Batch({Revision("a", 1, "test-2", kFp, 0), Revision("b", 2, "test-2")}),
      kT0 + absl::Hours(1));
  ASSERT_THAT(rev, IsOk());
  EXPECT_EQ((*rev)[0].seqs, std::vector<uint64_t>{3});
  // The raw article is not stored again under the revision's key.
  EXPECT_THAT(store_->GetArticle("rescore:test-2|id:a"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->GetArticle("id:a"), IsOk());
  // Idempotent on its key.
  auto again =
      store_->Append(Batch({Revision("a", 1, "test-2")}), kT0 + absl::Hours(2));
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE((*again)[0].duplicate);
  EXPECT_EQ(store_->head_seq(), 4u);

  EXPECT_THAT(store_->NewestRevision(1, 0, absl::InfiniteFuture()),
              IsOkAndHolds(3u));
  EXPECT_THAT(store_->NewestRevision(2, 0, absl::InfiniteFuture()),
              IsOkAndHolds(4u));
  EXPECT_THAT(store_->NewestRevision(1, 0, kT0 + absl::Minutes(30)),
              IsOkAndHolds(0u));
  EXPECT_THAT(store_->NewestRevision(1, 1, absl::InfiniteFuture()),
              IsOkAndHolds(0u));
  EXPECT_THAT(store_->NewestRevision(3, 0, absl::InfiniteFuture()),
              IsOkAndHolds(0u));

  // A new original near-duplicate of "a" is marked against the original,
  // not the revision (which is no candidate).
  auto c =
      store_->Append(Batch({MakeArticleWith("c", kFp)}), kT0 + absl::Hours(3));
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(store_->Get(5), IsOk());
  EXPECT_EQ(store_->Get(5)->duplicate_of_seq(), 1u);
  EXPECT_EQ(store_->Get(3)->duplicate_of_seq(), 0u);  // As given.

  auto versions = store_->Versions();
  ASSERT_THAT(versions, IsOk());
  ASSERT_EQ(versions->size(), 2u);
  const auto* one = Find(*versions, "test-1");
  const auto* two = Find(*versions, "test-2");
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(one->signal_count(), 3u);
  EXPECT_EQ(one->rescored_count(), 0u);
  EXPECT_EQ(two->signal_count(), 2u);
  EXPECT_EQ(two->rescored_count(), 2u);
  EXPECT_EQ(one->first_ingested_at().seconds(), absl::ToUnixSeconds(kT0));
  EXPECT_EQ(one->last_ingested_at().seconds(),
            absl::ToUnixSeconds(kT0 + absl::Hours(3)));
  EXPECT_EQ(two->first_ingested_at().seconds(),
            absl::ToUnixSeconds(kT0 + absl::Hours(1)));
  EXPECT_FALSE(two->has_first_published_at());
}

TEST_F(VersionsTest, TrimCountsDownAndReopenKeeps) {
  ASSERT_THAT(store_->Append(Batch({MakeArticle("a"), MakeArticle("b")}), kT0),
              IsOk());
  ASSERT_THAT(
      store_->Append(Batch({Revision("a", 1, "test-2")}), kT0 + absl::Hours(2)),
      IsOk());
  ASSERT_THAT(store_->TrimBefore(kT0 + absl::Hours(1)), IsOk());
  auto versions = store_->Versions();
  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(Find(*versions, "test-1")->signal_count(), 0u);
  EXPECT_EQ(Find(*versions, "test-2")->signal_count(), 1u);
  // The revision's original was trimmed; the index still answers for it.
  EXPECT_THAT(store_->NewestRevision(1, 0, absl::InfiniteFuture()),
              IsOkAndHolds(3u));
  store_.reset();
  store_ = Open(options_.path);
  ASSERT_NE(store_, nullptr);
  auto reopened = store_->Versions();
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ(Find(*reopened, "test-2")->signal_count(), 1u);
}

TEST_F(VersionsTest, AStoreWrittenBeforeVersionsIsCountedAtOpen) {
  ASSERT_THAT(
      store_->Append(Batch({MakeArticle("a", 2), MakeArticle("b")}), kT0),
      IsOk());
  ASSERT_THAT(
      store_->Append(Batch({Revision("a", 1, "test-2")}), kT0 + absl::Hours(2)),
      IsOk());
  store_.reset();
  {
    // As an older build left it: no version records, the old index marker.
    auto raw = RawDb::Open(options_.path);
    ASSERT_NE(raw, nullptr);
    rocksdb::WriteBatch batch;
    batch.DeleteRange(raw->cf("default"), "version/", "version0");
    batch.Put(raw->cf("default"), "indexes",
              "entity,published,received,summaries");
    ASSERT_TRUE(raw->db().Write(rocksdb::WriteOptions(), &batch).ok());
  }
  store_ = Open(options_.path);
  ASSERT_NE(store_, nullptr);
  auto versions = store_->Versions();
  ASSERT_THAT(versions, IsOk());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ(Find(*versions, "test-1")->signal_count(), 3u);
  EXPECT_EQ(Find(*versions, "test-2")->signal_count(), 1u);
  EXPECT_EQ(Find(*versions, "test-2")->rescored_count(), 1u);
}

TEST_F(VersionsTest, JobStatesPersist) {
  EXPECT_THAT(store_->GetJobState("j"), IsOkAndHolds(std::nullopt));
  ASSERT_THAT(store_->PutJobState("j", "42"), IsOk());
  EXPECT_THAT(store_->GetJobState("j"),
              IsOkAndHolds(std::optional<std::string>("42")));
  store_.reset();
  store_ = Open(options_.path);
  ASSERT_NE(store_, nullptr);
  EXPECT_THAT(store_->GetJobState("j"),
              IsOkAndHolds(std::optional<std::string>("42")));
}

}  // namespace
}  // namespace tidings::storage::testing
