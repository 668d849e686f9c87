// Copyright 2026 The Tidings Authors.
//
// Cluster mode's replica and ingest (replica_applier.h, cluster_ingest.h)
// over an in-memory SignalLog: two nodes, each with its own store, applying
// one log.

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "cluster/signal_log.h"
#include "gtest/gtest.h"
#include "service/hub.h"
#include "service/internal/cluster_ingest.h"
#include "service/internal/committer.h"
#include "service/internal/replica_applier.h"
#include "tests/storage/store_test_util.h"

namespace tidings::service::internal {
namespace {

using storage::testing::MakeArticle;
using storage::testing::TempDir;

// An in-memory log: seqs from 1, dedup by id, answers on the caller's
// thread. With `lose_first_acks`, it answers each new record as JetStreamLog
// does when the ack of its first attempt was lost and the retry found the
// record there: duplicate = true.
class MemoryLog final : public cluster::SignalLog {
 public:
  bool lose_first_acks = false;

  void PublishAsync(cluster::OutgoingRecord record,
                    cluster::PublishCallback done) override {
    cluster::PublishAck ack;
    {
      absl::MutexLock lock(&mu_);
      if (auto it = ids_.find(record.dedup_id); it != ids_.end()) {
        ack = {it->second, true};
      } else {
        records_.push_back(
            {records_.size() + 1, std::move(record.data), record.dedup_id});
        ids_[record.dedup_id] = records_.size();
        ack = {records_.size(), lose_first_acks};
      }
    }
    std::move(done)(ack);
  }
  absl::StatusOr<cluster::LogState> State() override {
    absl::MutexLock lock(&mu_);
    return cluster::LogState{1, records_.size()};
  }
  absl::StatusOr<std::unique_ptr<cluster::LogReader>> OpenReader(
      uint64_t from_seq) override {
    return std::unique_ptr<cluster::LogReader>(new Reader(this, from_seq));
  }

 private:
  class Reader final : public cluster::LogReader {
   public:
    Reader(MemoryLog* log, uint64_t next) : log_(log), next_(next) {}
    absl::StatusOr<std::vector<cluster::LogRecord>> Next(
        size_t max_records, absl::Duration wait) override {
      absl::MutexLock lock(&log_->mu_);
      auto more = [this]() ABSL_SHARED_LOCKS_REQUIRED(log_->mu_) {
        return log_->records_.size() >= next_;
      };
      log_->mu_.AwaitWithTimeout(absl::Condition(&more), wait);
      std::vector<cluster::LogRecord> out;
      while (log_->records_.size() >= next_ && out.size() < max_records) {
        out.push_back(log_->records_[next_ - 1]);
        ++next_;
      }
      return out;
    }
    uint64_t next_seq() const override { return next_; }

   private:
    MemoryLog* const log_;
    uint64_t next_;
  };

  absl::Mutex mu_;
  std::deque<cluster::LogRecord> records_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint64_t> ids_ ABSL_GUARDED_BY(mu_);
};

// One node: its store, hub, committer, replica and ingest.
struct Node {
  Node(MemoryLog* log, const std::string& path) {
    storage::StoreOptions options;
    options.path = path;
    store = *storage::SignalStore::Open(options);
    hub = std::make_unique<Hub>(16, absl::Seconds(5), store->head_seq());
    committer = std::make_unique<Committer>(
        store.get(), hub.get(), [] { return absl::Now(); }, 1000);
    ReplicaApplier::Options ro;
    ro.poll = absl::Milliseconds(20);
    applier =
        std::make_unique<ReplicaApplier>(log, store.get(), committer.get(), ro);
    ingest = std::make_unique<ClusterIngest>(log, applier.get(), store.get(),
                                             [] { return absl::Now(); });
    EXPECT_TRUE(applier->Start().ok());
  }
  ~Node() { applier->Stop(); }

  absl::StatusOr<std::vector<storage::AppendResult>> Ingest(
      std::vector<storage::PendingArticle> batch) {
    absl::Notification done;
    absl::StatusOr<std::vector<storage::AppendResult>> out;
    ingest->Submit(
        std::move(batch),
        [&](absl::StatusOr<std::vector<storage::AppendResult>> r, uint64_t) {
          out = std::move(r);
          done.Notify();
        });
    EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
    return out;
  }

  // Waits (bounded) until the replica applied `log_seq`.
  bool WaitApplied(uint64_t log_seq) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (applier->applied() < log_seq) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  std::unique_ptr<storage::SignalStore> store;
  std::unique_ptr<Hub> hub;
  std::unique_ptr<Committer> committer;
  std::unique_ptr<ReplicaApplier> applier;
  std::unique_ptr<ClusterIngest> ingest;
};

std::vector<storage::PendingArticle> Batch(std::vector<std::string> ids) {
  std::vector<storage::PendingArticle> v;
  for (const std::string& id : ids) v.push_back(MakeArticle(id, 2));
  return v;
}

void ExpectSameSignals(const storage::SignalStore& a,
                       const storage::SignalStore& b) {
  ASSERT_EQ(a.head_seq(), b.head_seq());
  for (uint64_t seq = 1; seq <= a.head_seq(); ++seq) {
    absl::StatusOr<v1::Signal> sa = a.Get(seq);
    absl::StatusOr<v1::Signal> sb = b.Get(seq);
    ASSERT_TRUE(sa.ok() && sb.ok()) << seq;
    EXPECT_EQ(sa->SerializeAsString(), sb->SerializeAsString()) << seq;
  }
}

TEST(ReplicaTest, IngestOnOneNodeIsAppliedOnBothWithTheSameSeqs) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a")), b(&log, dir.Sub("b"));
  auto r = a.Ingest(Batch({"x", "y"}));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ((*r)[1].seqs, (std::vector<uint64_t>{3, 4}));
  EXPECT_FALSE((*r)[0].duplicate);
  // Acked only once A's own replica applied it, and A's hub was told.
  EXPECT_EQ(a.store->head_seq(), 4u);
  EXPECT_EQ(a.hub->head(), 4u);
  r = b.Ingest(Batch({"z"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].seqs, (std::vector<uint64_t>{5, 6}));
  ASSERT_TRUE(a.WaitApplied(3));
  ExpectSameSignals(*a.store, *b.store);
  EXPECT_EQ(b.hub->head(), 6u);
}

TEST(ReplicaTest, TheSameArticleThroughTwoNodesIsStoredOnce) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a")), b(&log, dir.Sub("b"));
  auto first = a.Ingest(Batch({"x"}));
  ASSERT_TRUE(first.ok());
  // A second record (each publish has a dedup id of its own), dropped by
  // every replica's key index and answered as a duplicate.
  auto second = b.Ingest(Batch({"x"}));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE((*second)[0].duplicate);
  EXPECT_EQ((*second)[0].seqs, (*first)[0].seqs);
  auto third = a.Ingest(Batch({"x"}));  // And again on the first node.
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_TRUE((*third)[0].duplicate);
  EXPECT_EQ((*third)[0].seqs, (*first)[0].seqs);
  ASSERT_TRUE(a.WaitApplied(3));
  ASSERT_TRUE(b.WaitApplied(3));
  EXPECT_EQ(a.store->head_seq(), 2u);
  ExpectSameSignals(*a.store, *b.store);
}

// The log's retry of a publish whose first ack was lost is answered by the
// log as a duplicate of that first attempt: the client sent the article
// once, so it is no duplicate (the fault tool saw this after NATS kills).
TEST(ReplicaTest, ALostAckIsNoDuplicate) {
  TempDir dir;
  MemoryLog log;
  log.lose_first_acks = true;
  Node a(&log, dir.Sub("a")), b(&log, dir.Sub("b"));
  auto first = a.Ingest(Batch({"x", "y"}));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE((*first)[0].duplicate);
  EXPECT_FALSE((*first)[1].duplicate);
  EXPECT_EQ((*first)[1].seqs, (std::vector<uint64_t>{3, 4}));
  auto again = b.Ingest(Batch({"x"}));  // A real duplicate still is one.
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE((*again)[0].duplicate);
  EXPECT_EQ((*again)[0].seqs, (*first)[0].seqs);
}

TEST(ReplicaTest, AReplicaResumesAfterItsLastAppliedRecord) {
  TempDir dir;
  MemoryLog log;
  auto a = std::make_unique<Node>(&log, dir.Sub("a"));
  {
    Node b(&log, dir.Sub("b"));
    ASSERT_TRUE(b.Ingest(Batch({"p", "q"})).ok());
    ASSERT_TRUE(a->WaitApplied(2));
  }
  a.reset();  // Down while the log grows.
  {
    Node b(&log, dir.Sub("b"));
    ASSERT_TRUE(b.Ingest(Batch({"r"})).ok());
  }
  a = std::make_unique<Node>(&log, dir.Sub("a"));
  ASSERT_TRUE(a->WaitApplied(3));
  EXPECT_EQ(a->store->head_seq(), 6u);
  Node b(&log, dir.Sub("b"));
  ExpectSameSignals(*a->store, *b.store);
}

TEST(ReplicaTest, PublishIdsAreUniqueAndFitTheLog) {
  const std::string id = PublishId();
  EXPECT_EQ(id.size(), 2u + 32u);
  EXPECT_EQ(id.substr(0, 2), "p:");
  EXPECT_NE(id, PublishId());
}

}  // namespace
}  // namespace tidings::service::internal
