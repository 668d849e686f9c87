// Copyright 2026 The Tidings Authors.
//
// Tests of service/internal/committer.h: batches queued while a commit runs
// go into the next Append together, up to the group limit; a batch is never
// split; a failed Append fails every batch of its group and stores nothing;
// each batch gets its own results and the head after the commit.

#include "service/internal/committer.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/hub.h"
#include "tests/service/fake_signal_store.h"

namespace tidings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A batch of `n` articles with one signal each, keys "<name>-<k>".
std::vector<storage::PendingArticle> Batch(const std::string& name, int n) {
  std::vector<storage::PendingArticle> batch(n);
  for (int k = 0; k < n; ++k) {
    batch[k].idempotency_key = absl::StrCat(name, "-", k);
    batch[k].signals.emplace_back().set_title(batch[k].idempotency_key);
  }
  return batch;
}

// What the callbacks reported, by batch.
struct Outcome {
  absl::Mutex mu;
  int calls = 0;
  std::vector<std::string> errors;
  std::vector<std::vector<uint64_t>> seqs;  // Per batch, every seq in order.
  std::vector<uint64_t> heads;

  service::internal::Committer::Done Record() {
    return [this](absl::StatusOr<std::vector<storage::AppendResult>> r,
                  uint64_t head) {
      absl::MutexLock lock(&mu);
      ++calls;
      heads.push_back(head);
      if (!r.ok()) {
        errors.emplace_back(r.status().message());
        seqs.emplace_back();
        return;
      }
      std::vector<uint64_t>& all = seqs.emplace_back();
      for (const storage::AppendResult& a : *r) {
        all.insert(all.end(), a.seqs.begin(), a.seqs.end());
      }
    };
  }
  // Waits (bounded) until `n` callbacks have run.
  bool WaitFor(int n) {
    absl::MutexLock lock(&mu);
    want = n;
    return mu.AwaitWithTimeout(absl::Condition(this, &Outcome::Reached),
                               absl::Seconds(20));
  }
  bool Reached() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return calls >= want;
  }
  int want = 0;
};

class CommitterTest : public ::testing::Test {
 protected:
  CommitterTest()
      : data_(std::make_shared<FakeStoreData>()),
        store_(data_),
        hub_(16, absl::Hours(1), 0) {}

  // Starts a commit of `first` on another thread and returns once its
  // Append is running (slowed down to `delay`), so that what is submitted
  // next queues behind it.
  std::thread StartSlowCommit(service::internal::Committer* committer,
                              std::vector<storage::PendingArticle> first,
                              Outcome* outcome, absl::Duration delay) {
    data_->append_delay_ms.store(absl::ToInt64Milliseconds(delay));
    std::thread t([committer, outcome, first = std::move(first)]() mutable {
      committer->Submit(std::move(first), outcome->Record());
    });
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (data_->append_calls.load() == 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    EXPECT_EQ(data_->append_calls.load(), 1);
    data_->append_delay_ms.store(0);  // The next Appends run at full speed.
    return t;
  }

  std::shared_ptr<FakeStoreData> data_;
  FakeSignalStore store_;
  service::Hub hub_;
};

TEST_F(CommitterTest, BatchesQueuedDuringACommitShareTheNextAppend) {
  service::internal::Committer committer(
      &store_, &hub_, [] { return absl::Now(); }, 1000);
  Outcome outcome;
  std::thread leader = StartSlowCommit(&committer, Batch("a", 1), &outcome,
                                       absl::Milliseconds(200));
  // The leader is inside Append: these queue and return at once; it
  // commits them together when its own Append is done.
  committer.Submit(Batch("b", 2), outcome.Record());
  committer.Submit(Batch("c", 1), outcome.Record());
  committer.Submit(Batch("d", 3), outcome.Record());
  ASSERT_TRUE(outcome.WaitFor(4));
  leader.join();
  EXPECT_EQ(data_->append_calls.load(), 2);  // a; then b, c and d together.
  absl::MutexLock lock(&outcome.mu);
  EXPECT_TRUE(outcome.errors.empty());
  EXPECT_THAT(outcome.seqs,
              ElementsAre(ElementsAre(1u), ElementsAre(2u, 3u), ElementsAre(4u),
                          ElementsAre(5u, 6u, 7u)));
  EXPECT_THAT(outcome.heads, ElementsAre(1u, 7u, 7u, 7u));
  EXPECT_EQ(hub_.head(), 7u);  // Published before the callbacks ran.
}

TEST_F(CommitterTest, AGroupStopsAtTheLimitAndNeverSplitsABatch) {
  service::internal::Committer committer(
      &store_, &hub_, [] { return absl::Now(); }, 3);
  Outcome outcome;
  std::thread leader = StartSlowCommit(&committer, Batch("a", 1), &outcome,
                                       absl::Milliseconds(200));
  committer.Submit(Batch("b", 2), outcome.Record());  // b + c = 3: one group.
  committer.Submit(Batch("c", 1), outcome.Record());
  committer.Submit(Batch("d", 5), outcome.Record());  // Over the limit alone.
  committer.Submit(Batch("e", 1), outcome.Record());
  ASSERT_TRUE(outcome.WaitFor(5));
  leader.join();
  // a | b c | d | e: d alone (a batch is never split), e after it.
  EXPECT_EQ(data_->append_calls.load(), 4);
  absl::MutexLock lock(&outcome.mu);
  EXPECT_THAT(outcome.heads, ElementsAre(1u, 4u, 4u, 9u, 10u));
}

TEST_F(CommitterTest, AFailedAppendFailsEveryBatchOfItsGroup) {
  service::internal::Committer committer(
      &store_, &hub_, [] { return absl::Now(); }, 1000);
  Outcome outcome;
  std::thread leader = StartSlowCommit(&committer, Batch("a", 1), &outcome,
                                       absl::Milliseconds(200));
  // The fake checks for the fault after its delay: a's Append fails too.
  data_->fail_appends.store(true);
  committer.Submit(Batch("b", 2), outcome.Record());
  committer.Submit(Batch("c", 1), outcome.Record());
  ASSERT_TRUE(outcome.WaitFor(3));
  leader.join();
  // b and c were committed together (one Append) and failed together.
  EXPECT_EQ(data_->append_calls.load(), 2);
  absl::MutexLock lock(&outcome.mu);
  EXPECT_EQ(outcome.errors.size(), 3u);
  EXPECT_THAT(outcome.seqs, ElementsAre(IsEmpty(), IsEmpty(), IsEmpty()));
  EXPECT_EQ(store_.head_seq(), 0u);
  EXPECT_EQ(hub_.head(), 0u);

  // The fault cleared, the next commit stores from seq 1: nothing was kept.
  data_->fail_appends.store(false);
  Outcome after;
  committer.Submit(Batch("b", 2), after.Record());
  ASSERT_TRUE(after.WaitFor(1));
  absl::MutexLock lock2(&after.mu);
  EXPECT_THAT(after.seqs, ElementsAre(ElementsAre(1u, 2u)));
}

}  // namespace
}  // namespace tidings::testing
