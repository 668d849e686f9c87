// Copyright 2026 The Tidings Authors.
//
// Retention for cluster replicas (storage/replica_retention.h): a replica
// that trims behind its newest signal, at whatever log positions, stores
// every later record exactly as a replica that never trims.

#include "storage/replica_retention.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/signal_store.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using testing::IsOk;
using testing::MakeArticleWith;
using testing::StatusIs;
using testing::TempDir;

std::unique_ptr<SignalStore> OpenAt(const std::string& path) {
  StoreOptions options;
  options.path = path;
  options.sync = false;
  absl::StatusOr<std::unique_ptr<SignalStore>> store =
      SignalStore::Open(options);
  EXPECT_THAT(store, IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

const absl::Time kT0 = absl::FromUnixSeconds(1765000000);

// Record `i` of a log 20 days long, one record every 4 hours: near-duplicate
// stories (a fingerprint shared by every 3rd record, another by every 5th),
// events for the novelty counts, and now and then an article id seen 10
// days earlier (a duplicate by key, whose original a replica may have
// trimmed).
std::vector<PendingArticle> Record(int i) {
  std::vector<PendingArticle> v;
  const uint64_t fp = i % 3 == 0   ? 0xABCDEF0123456789ull
                      : i % 5 == 0 ? 0x1111222233334444ull
                                   : 0x9000000000000000ull + i * 7919ull;
  v.push_back(MakeArticleWith("a" + std::to_string(i), fp,
                              {i % 2 == 0 ? v1::TARIFF : v1::SANCTIONS}));
  if (i >= 60 && i % 7 == 0) {
    v.push_back(MakeArticleWith("a" + std::to_string(i - 60), 0));
  }
  return v;
}

absl::Time TimeOf(int i) { return kT0 + absl::Hours(4) * i; }

// Applies 120 records to both stores; `trimmed` trims before each record
// with `retention` (ReplicaTrimCutoff).
void ApplyBoth(SignalStore& trimmed, SignalStore& kept,
               absl::Duration retention) {
  for (int i = 0; i < 120; ++i) {
    absl::StatusOr<absl::Time> cutoff = ReplicaTrimCutoff(trimmed, retention);
    ASSERT_THAT(cutoff, IsOk());
    ASSERT_THAT(trimmed.TrimBefore(*cutoff), IsOk());
    const LogApply apply{.log_seq = static_cast<uint64_t>(i + 1)};
    ASSERT_THAT(trimmed.Apply(Record(i), TimeOf(i), apply), IsOk());
    ASSERT_THAT(kept.Apply(Record(i), TimeOf(i), apply), IsOk());
  }
}

// The seqs from `trimmed`'s first_seq() on whose signals differ.
std::vector<uint64_t> Differing(const SignalStore& trimmed,
                                const SignalStore& kept) {
  std::vector<uint64_t> out;
  EXPECT_EQ(trimmed.head_seq(), kept.head_seq());
  for (uint64_t seq = trimmed.first_seq(); seq <= trimmed.head_seq(); ++seq) {
    absl::StatusOr<v1::Signal> a = trimmed.Get(seq);
    absl::StatusOr<v1::Signal> b = kept.Get(seq);
    if (!a.ok() || !b.ok() ||
        a->SerializeAsString() != b->SerializeAsString()) {
      out.push_back(seq);
    }
  }
  return out;
}

TEST(ReplicaRetentionTest, TrimmingBehindTheNewestSignalChangesNoLaterRecord) {
  TempDir dir;
  std::unique_ptr<SignalStore> trimmed = OpenAt(dir.Sub("trimmed"));
  std::unique_ptr<SignalStore> kept = OpenAt(dir.Sub("kept"));
  ASSERT_NE(trimmed, nullptr);
  ASSERT_NE(kept, nullptr);
  ASSERT_THAT(CheckReplicaRetention(kNoveltyHorizon, absl::Hours(72)), IsOk());
  ApplyBoth(*trimmed, *kept, kNoveltyHorizon);
  EXPECT_GT(trimmed->first_seq(), 60u);  // It did trim (20 days of 7 kept).
  EXPECT_EQ(kept->first_seq(), 1u);
  EXPECT_THAT(Differing(*trimmed, *kept), ::testing::IsEmpty());
  // A key whose original was trimmed is still a duplicate: same head.
  EXPECT_EQ(trimmed->head_seq(), kept->head_seq());
}

// The check above has teeth: trimming a day behind (inside the novelty
// windows) does change later records' novelty counts.
TEST(ReplicaRetentionTest, TrimmingInsideTheWindowsWouldMakeReplicasDiffer) {
  TempDir dir;
  std::unique_ptr<SignalStore> trimmed = OpenAt(dir.Sub("trimmed"));
  std::unique_ptr<SignalStore> kept = OpenAt(dir.Sub("kept"));
  ASSERT_NE(trimmed, nullptr);
  ASSERT_NE(kept, nullptr);
  ApplyBoth(*trimmed, *kept, absl::Hours(24));
  EXPECT_THAT(Differing(*trimmed, *kept), ::testing::Not(::testing::IsEmpty()));
}

TEST(ReplicaRetentionTest, RefusesARetentionInsideTheWindows) {
  EXPECT_THAT(CheckReplicaRetention(absl::Hours(72), absl::Hours(72)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckReplicaRetention(absl::Hours(200), absl::Hours(240)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckReplicaRetention(absl::Hours(240), absl::Hours(240)),
              IsOk());
}

TEST(ReplicaRetentionTest, AnEmptyStoreHasNothingToTrim) {
  TempDir dir;
  std::unique_ptr<SignalStore> store = OpenAt(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(ReplicaTrimCutoff(*store, kNoveltyHorizon),
              testing::IsOkAndHolds(absl::InfinitePast()));
}

}  // namespace
}  // namespace tidings::storage
