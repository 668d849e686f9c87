// Copyright 2026 The Tidings Authors.
//
// SignalStore::Apply: a cluster replica's append of one log record, with the
// record's ingested_at and its log seq stored in the same batch.

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/signal_store.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using ::testing::ElementsAre;
using testing::IsOk;
using testing::MakeArticle;
using testing::MakeSignal;
using testing::StatusIs;
using testing::TempDir;

std::unique_ptr<SignalStore> OpenAt(const std::string& path) {
  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<SignalStore>> store =
      SignalStore::Open(options);
  EXPECT_THAT(store, IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

std::vector<PendingArticle> One(PendingArticle a) {
  std::vector<PendingArticle> v;
  v.push_back(std::move(a));
  return v;
}

const absl::Time kT0 = absl::FromUnixSeconds(1765000000);

TEST(ApplyTest, StoresWithTheCarriedTimeAndRecordsTheLogSeq) {
  TempDir dir;
  std::unique_ptr<SignalStore> store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->applied_log_seq(), 0u);
  auto r = store->Apply(One(MakeArticle("a", 2)), kT0, {.log_seq = 1});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT((*r)[0].seqs, ElementsAre(1, 2));
  EXPECT_EQ(store->applied_log_seq(), 1u);
  absl::StatusOr<v1::Signal> s = store->Get(2);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->ingested_at().seconds(), absl::ToUnixSeconds(kT0));
  // An earlier carried time is raised to the newest stored one.
  r = store->Apply(One(MakeArticle("b")), kT0 - absl::Seconds(9),
                   {.log_seq = 2});
  ASSERT_THAT(r, IsOk());
  s = store->Get(3);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->ingested_at().seconds(), absl::ToUnixSeconds(kT0));
}

TEST(ApplyTest, ADuplicateRecordAdvancesTheLogSeqOnly) {
  TempDir dir;
  std::unique_ptr<SignalStore> store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->Apply(One(MakeArticle("a")), kT0, {.log_seq = 1}), IsOk());
  auto r = store->Apply(One(MakeArticle("a")), kT0 + absl::Seconds(1),
                        {.log_seq = 2});
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE((*r)[0].duplicate);
  EXPECT_THAT((*r)[0].seqs, ElementsAre(1));
  EXPECT_EQ(store->head_seq(), 1u);
  EXPECT_EQ(store->applied_log_seq(), 2u);
  // Persisted although the batch held no signal.
  store.reset();
  store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->applied_log_seq(), 2u);
}

TEST(ApplyTest, RefusesALogSeqNotAboveTheAppliedOne) {
  TempDir dir;
  std::unique_ptr<SignalStore> store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(store->Apply(One(MakeArticle("a")), kT0, {.log_seq = 0}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(store->Apply(One(MakeArticle("a")), kT0, {.log_seq = 5}), IsOk());
  EXPECT_THAT(store->Apply(One(MakeArticle("b")), kT0, {.log_seq = 5}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(store->head_seq(), 1u);
}

TEST(ApplyTest, AppliedLogSeqSurvivesReopenAndAppendLeavesIt) {
  TempDir dir;
  std::unique_ptr<SignalStore> store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  for (uint64_t i = 1; i <= 3; ++i) {
    ASSERT_THAT(
        store->Apply(One(MakeArticle("a" + std::to_string(i))),
                     kT0 + absl::Seconds(i), {.log_seq = i, .sync = i == 3}),
        IsOk());
  }
  ASSERT_THAT(store->Append(One(MakeArticle("local")), kT0), IsOk());
  EXPECT_EQ(store->applied_log_seq(), 3u);
  store.reset();
  store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->applied_log_seq(), 3u);
  EXPECT_EQ(store->head_seq(), 4u);
}

// Two replicas applying the same records one by one get the same signals,
// near-duplicate marks included, whatever their clocks.
TEST(ApplyTest, ReplicasApplyingTheSameRecordsAgree) {
  TempDir dir;
  std::unique_ptr<SignalStore> a = OpenAt(dir.Sub("a"));
  std::unique_ptr<SignalStore> b = OpenAt(dir.Sub("b"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::vector<PendingArticle> records;
  for (int i = 0; i < 6; ++i) {
    PendingArticle p = MakeArticle("x" + std::to_string(i % 4), 0);
    p.signals.push_back(
        MakeSignal(p.article.article_id(), 0, 0xF0F0F0F0F0F0F0F0ull + (i % 2)));
    records.push_back(std::move(p));
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const absl::Time at = kT0 + absl::Minutes(i);
    ASSERT_THAT(a->Apply(One(records[i]), at, {.log_seq = i + 1}), IsOk());
    ASSERT_THAT(b->Apply(One(records[i]), at, {.log_seq = i + 1}), IsOk());
  }
  ASSERT_EQ(a->head_seq(), 4u);  // x0..x3; x0 and x1 came twice.
  ASSERT_EQ(b->head_seq(), a->head_seq());
  for (uint64_t seq = 1; seq <= a->head_seq(); ++seq) {
    absl::StatusOr<v1::Signal> sa = a->Get(seq);
    absl::StatusOr<v1::Signal> sb = b->Get(seq);
    ASSERT_THAT(sa, IsOk());
    ASSERT_THAT(sb, IsOk());
    EXPECT_EQ(sa->SerializeAsString(), sb->SerializeAsString()) << seq;
  }
  // The fingerprints differ by one bit: each marks the newest before it.
  EXPECT_EQ(a->Get(1)->duplicate_of_seq(), 0u);
  EXPECT_EQ(a->Get(3)->duplicate_of_seq(), 2u);
}

}  // namespace
}  // namespace tidings::storage
