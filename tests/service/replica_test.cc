// Copyright 2026 The Tidings Authors.
//
// Cluster mode's replica and ingest (replica_applier.h, cluster_ingest.h)
// over an in-memory SignalLog: two nodes, each with its own store, applying
// one log. An ingest batch is one log record (or one per chunk).

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "cluster/signal_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/hub.h"
#include "service/internal/cluster_ingest.h"
#include "service/internal/committer.h"
#include "service/internal/log_record_codec.h"
#include "service/internal/replica_applier.h"
#include "tests/service/forwarding_store.h"
#include "tests/storage/store_test_util.h"

namespace tidings::service::internal {
namespace {

using storage::testing::MakeArticle;
using storage::testing::TempDir;
using ::testing::HasSubstr;

// An in-memory log: seqs from 1, dedup by id, answers on the caller's
// thread. With `lose_first_acks`, it answers each new record as JetStreamLog
// does when the ack of its first attempt was lost and the retry found the
// record there: duplicate = true. With HoldAcks(), records are in the log
// at once but their acks wait for ReleaseAcks() (a publish in flight).
class MemoryLog final : public cluster::SignalLog {
 public:
  bool lose_first_acks = false;
  // When set, the next new record is acked with this seq instead of its own
  // (a log that acks a seq holding another record).
  uint64_t ack_next_as = 0;
  int fail_next ABSL_GUARDED_BY(mu_) = 0;  // Publishes to fail (UNAVAILABLE).
  void FailNext(int n) {
    absl::MutexLock lock(&mu_);
    fail_next = n;
  }

  void HoldAcks() {
    absl::MutexLock lock(&mu_);
    hold_acks_ = true;
  }
  // Readers waiting in Next() return at once from now on (so that a
  // replica with a long poll stops quickly).
  void WakeReaders() {
    absl::MutexLock lock(&mu_);
    wake_readers_ = true;
  }
  // Stops holding and answers the held acks on this thread.
  void ReleaseAcks() {
    std::vector<std::pair<cluster::PublishCallback, cluster::PublishAck>> held;
    {
      absl::MutexLock lock(&mu_);
      hold_acks_ = false;
      held.swap(held_);
    }
    for (auto& [done, ack] : held) std::move(done)(ack);
  }

  void PublishAsync(cluster::OutgoingRecord record,
                    cluster::PublishCallback done) override {
    cluster::PublishAck ack;
    bool fail = false;
    {
      absl::MutexLock lock(&mu_);
      fail = fail_next > 0;
      if (fail) --fail_next;
    }
    if (fail) {
      std::move(done)(absl::UnavailableError("log down (test)"));
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      if (auto it = ids_.find(record.dedup_id); it != ids_.end()) {
        ack = {it->second, true};
      } else {
        records_.push_back(
            {records_.size() + 1, std::move(record.data), record.dedup_id});
        ids_[record.dedup_id] = records_.size();
        ack = {records_.size(), lose_first_acks};
        if (ack_next_as != 0) ack.seq = std::exchange(ack_next_as, 0);
      }
      if (hold_acks_) {
        held_.emplace_back(std::move(done), ack);
        return;
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
        return log_->records_.size() >= next_ || log_->wake_readers_;
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
  bool hold_acks_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_readers_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::pair<cluster::PublishCallback, cluster::PublishAck>> held_
      ABSL_GUARDED_BY(mu_);
};

// Delegates to a real store; `before_apply`, when set, runs before each
// Apply() and fails it (nothing written by the inner Apply) when it returns
// an error; `before_sync` runs before each SyncWal().
class HookedStore final : public ::tidings::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::function<void()> before_sync;
  absl::Status SyncWal() override {
    if (before_sync) before_sync();
    return ForwardingStore::SyncWal();
  }

  std::function<absl::Status(const std::vector<storage::PendingArticle>&,
                             absl::Time, storage::SignalStore&)>
      before_apply;

  absl::StatusOr<std::vector<storage::AppendResult>> Apply(
      std::vector<storage::PendingArticle> batch, absl::Time ingested_at,
      const storage::LogApply& apply) override {
    if (before_apply) {
      if (absl::Status s = before_apply(batch, ingested_at, inner()); !s.ok()) {
        return s;
      }
    }
    return ForwardingStore::Apply(std::move(batch), ingested_at, apply);
  }
};

// One node: its store, hub, committer, replica and ingest.
struct Node {
  struct Options {
    ClusterIngest::Options ingest;
    // Wraps the store (before the replica starts) when set.
    std::function<std::unique_ptr<storage::SignalStore>(
        std::unique_ptr<storage::SignalStore>)>
        wrap;
    // The replica's; the poll and retry are short unless set here.
    std::optional<ReplicaApplier::Options> replica;
  };

  Node(MemoryLog* log, const std::string& path) : Node(log, path, Options()) {}
  Node(MemoryLog* log, const std::string& path, Options options) {
    storage::StoreOptions so;
    so.path = path;
    store = *storage::SignalStore::Open(so);
    if (options.wrap) store = options.wrap(std::move(store));
    hub = std::make_unique<Hub>(16, absl::Seconds(5), store->head_seq());
    committer = std::make_unique<Committer>(
        store.get(), hub.get(), [] { return absl::Now(); }, 1000);
    ReplicaApplier::Options ro;
    ro.poll = absl::Milliseconds(20);
    ro.retry = absl::Milliseconds(20);
    if (options.replica.has_value()) ro = *options.replica;
    applier =
        std::make_unique<ReplicaApplier>(log, store.get(), committer.get(), ro);
    ingest = std::make_unique<ClusterIngest>(
        log, applier.get(), store.get(), [] { return absl::Now(); },
        options.ingest);
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
  ASSERT_TRUE(a.WaitApplied(2));  // One record per batch.
  EXPECT_EQ(log.State()->last_seq, 2u);
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

TEST(ReplicaTest, AnAckForASeqHoldingAnotherRecordIsNoAnswer) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a"));
  auto first = a.Ingest(Batch({"x", "y"}));
  ASSERT_TRUE(first.ok()) << first.status();
  // The log acks the next record at seq 1, where "x" and "y" are: the node
  // must not answer with their seqs.
  log.ack_next_as = 1;
  auto second = a.Ingest(Batch({"p", "q"}));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << second.status();
  EXPECT_THAT(second.status().message(), HasSubstr("send the batch again"));
  auto again = a.Ingest(Batch({"p", "q"}));  // Sent again: stored once.
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE((*again)[0].duplicate);
  EXPECT_EQ((*again)[1].seqs, (std::vector<uint64_t>{7, 8}));
}

TEST(ReplicaTest, AReplicaResumesAfterItsLastAppliedRecord) {
  TempDir dir;
  MemoryLog log;
  auto a = std::make_unique<Node>(&log, dir.Sub("a"));
  {
    Node b(&log, dir.Sub("b"));
    ASSERT_TRUE(b.Ingest(Batch({"p", "q"})).ok());
    ASSERT_TRUE(a->WaitApplied(1));
  }
  a.reset();  // Down while the log grows.
  {
    Node b(&log, dir.Sub("b"));
    ASSERT_TRUE(b.Ingest(Batch({"r"})).ok());
  }
  a = std::make_unique<Node>(&log, dir.Sub("a"));
  ASSERT_TRUE(a->WaitApplied(2));
  EXPECT_EQ(a->store->head_seq(), 6u);
  Node b(&log, dir.Sub("b"));
  ExpectSameSignals(*a->store, *b.store);
}

TEST(ReplicaTest, AKeyTwiceInOneBatchIsStoredOnceAsOnASingleNode) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a")), b(&log, dir.Sub("b"));
  auto r = a.Ingest(Batch({"x", "y", "x"}));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_FALSE((*r)[0].duplicate);
  EXPECT_EQ((*r)[1].seqs, (std::vector<uint64_t>{3, 4}));
  EXPECT_FALSE((*r)[1].duplicate);
  EXPECT_EQ((*r)[2].seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE((*r)[2].duplicate);
  EXPECT_EQ(log.State()->last_seq, 1u);
  ASSERT_TRUE(b.WaitApplied(1));
  EXPECT_EQ(b.store->head_seq(), 4u);
  ExpectSameSignals(*a.store, *b.store);

  // The same answers from a single node's committer, for the same batch.
  TempDir single_dir;
  storage::StoreOptions so;
  so.path = single_dir.Sub("s");
  std::unique_ptr<storage::SignalStore> single =
      *storage::SignalStore::Open(so);
  absl::StatusOr<std::vector<storage::AppendResult>> s =
      single->Append(Batch({"x", "y", "x"}), absl::Now());
  ASSERT_TRUE(s.ok()) << s.status();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*s)[i].seqs, (*r)[i].seqs) << i;
    EXPECT_EQ((*s)[i].duplicate, (*r)[i].duplicate) << i;
  }
}

TEST(ReplicaTest, BatchesThroughTwoNodesOverlap) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a")), b(&log, dir.Sub("b"));
  auto first = a.Ingest(Batch({"x", "y"}));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = b.Ingest(Batch({"y", "z", "x", "z"}));
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->size(), 4u);
  EXPECT_TRUE((*second)[0].duplicate);
  EXPECT_EQ((*second)[0].seqs, (*first)[1].seqs);
  EXPECT_FALSE((*second)[1].duplicate);
  EXPECT_EQ((*second)[1].seqs, (std::vector<uint64_t>{5, 6}));
  EXPECT_TRUE((*second)[2].duplicate);
  EXPECT_EQ((*second)[2].seqs, (*first)[0].seqs);
  EXPECT_TRUE((*second)[3].duplicate);
  EXPECT_EQ((*second)[3].seqs, (std::vector<uint64_t>{5, 6}));
  EXPECT_EQ(log.State()->last_seq, 2u);
  ASSERT_TRUE(a.WaitApplied(2));
  EXPECT_EQ(a.store->head_seq(), 6u);
  ExpectSameSignals(*a.store, *b.store);
}

// Group commit: batches submitted while a publish is in flight wait for its
// ack and then go out together as one record, their keys decided in
// submission order as within one batch.
TEST(ReplicaTest, BatchesSubmittedDuringAPublishShareTheNextRecord) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a")), b(&log, dir.Sub("b"));
  using Answer = absl::StatusOr<std::vector<storage::AppendResult>>;
  Answer answers[3];
  absl::Notification done[3];
  auto submit = [&](int i, std::vector<std::string> ids) {
    a.ingest->Submit(Batch(std::move(ids)), [&, i](Answer r, uint64_t) {
      answers[i] = std::move(r);
      done[i].Notify();
    });
  };
  log.HoldAcks();
  submit(0, {"x"});
  submit(1, {"y", "x"});
  submit(2, {"z", "y"});
  EXPECT_EQ(log.State()->last_seq, 1u);  // The two later ones wait.
  EXPECT_FALSE(done[1].HasBeenNotified());
  log.ReleaseAcks();
  for (auto& d : done) {
    ASSERT_TRUE(d.WaitForNotificationWithTimeout(absl::Seconds(10)));
  }
  for (auto& r : answers) ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(log.State()->last_seq, 2u);  // One record for both.
  EXPECT_EQ((*answers[0])[0].seqs, (std::vector<uint64_t>{1, 2}));
  ASSERT_EQ(answers[1]->size(), 2u);
  EXPECT_EQ((*answers[1])[0].seqs, (std::vector<uint64_t>{3, 4}));
  EXPECT_FALSE((*answers[1])[0].duplicate);
  EXPECT_EQ((*answers[1])[1].seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE((*answers[1])[1].duplicate);
  ASSERT_EQ(answers[2]->size(), 2u);
  EXPECT_EQ((*answers[2])[0].seqs, (std::vector<uint64_t>{5, 6}));
  EXPECT_FALSE((*answers[2])[0].duplicate);
  EXPECT_EQ((*answers[2])[1].seqs, (std::vector<uint64_t>{3, 4}));
  EXPECT_TRUE((*answers[2])[1].duplicate);
  ASSERT_TRUE(b.WaitApplied(2));
  ExpectSameSignals(*a.store, *b.store);
  // An idle node publishes at once.
  auto r = a.Ingest(Batch({"w"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(log.State()->last_seq, 3u);
}

// A group's failed publish fails each of its batches (outcome unknown), and
// the next batch is published as usual.
TEST(ReplicaTest, ALogFailureFailsEveryBatchOfItsGroup) {
  TempDir dir;
  MemoryLog log;
  Node a(&log, dir.Sub("a"));
  log.FailNext(1);
  auto r = a.Ingest(Batch({"x", "y"}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  r = a.Ingest(Batch({"x"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE((*r)[0].duplicate);
  EXPECT_EQ(log.State()->last_seq, 1u);
}

// Past max_queued_articles waiting behind a group in flight, a batch is
// refused at once; what waited goes out with the next group.
TEST(ReplicaTest, TooManyWaitingArticlesAreRefused) {
  TempDir dir;
  MemoryLog log;
  Node::Options options;
  options.ingest.max_queued_articles = 3;
  Node a(&log, dir.Sub("a"), options);
  using Answer = absl::StatusOr<std::vector<storage::AppendResult>>;
  Answer answers[3];
  absl::Notification done[3];
  auto submit = [&](int i, std::vector<std::string> ids) {
    a.ingest->Submit(Batch(std::move(ids)), [&, i](Answer r, uint64_t) {
      answers[i] = std::move(r);
      done[i].Notify();
    });
  };
  log.HoldAcks();
  submit(0, {"a", "b", "c", "d"});  // In flight: not counted.
  submit(1, {"e", "f"});            // Waits.
  submit(2, {"g", "h"});            // 4 would wait: refused.
  ASSERT_TRUE(done[2].WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(answers[2].status().code(), absl::StatusCode::kResourceExhausted);
  log.ReleaseAcks();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(done[i].WaitForNotificationWithTimeout(absl::Seconds(10)));
    ASSERT_TRUE(answers[i].ok()) << answers[i].status();
  }
  EXPECT_EQ((*answers[1])[1].seqs, (std::vector<uint64_t>{11, 12}));
  EXPECT_EQ(log.State()->last_seq, 2u);
}

TEST(ReplicaTest, ALargeBatchIsSplitIntoRecordsAppliedInOrder) {
  TempDir dir;
  MemoryLog log;
  Node::Options small;
  small.ingest.limits.max_articles = 2;
  Node a(&log, dir.Sub("a"), small), b(&log, dir.Sub("b"));
  auto r = a.Ingest(Batch({"p", "q", "r", "p", "s"}));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ(log.State()->last_seq, 3u);  // [p q] [r p] [s]
  EXPECT_EQ((*r)[0].seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ((*r)[2].seqs, (std::vector<uint64_t>{5, 6}));
  EXPECT_TRUE((*r)[3].duplicate);  // Of the first record's p.
  EXPECT_EQ((*r)[3].seqs, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ((*r)[4].seqs, (std::vector<uint64_t>{7, 8}));
  ASSERT_TRUE(b.WaitApplied(3));
  ExpectSameSignals(*a.store, *b.store);

  // Cut by bytes: every article is a record of its own.
  Node::Options tiny;
  tiny.ingest.limits.max_bytes = 1;
  Node c(&log, dir.Sub("c"), tiny);
  ASSERT_TRUE(c.WaitApplied(3));
  r = c.Ingest(Batch({"t", "u"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(log.State()->last_seq, 5u);
  EXPECT_EQ((*r)[1].seqs, (std::vector<uint64_t>{11, 12}));
}

TEST(ReplicaTest, AnArticleTooLargeForTheLogFailsByName) {
  TempDir dir;
  MemoryLog log;
  Node::Options options;
  options.ingest.limits.max_payload = 2000;
  Node a(&log, dir.Sub("a"), options);
  std::vector<storage::PendingArticle> batch = Batch({"small", "big"});
  batch[1].article.set_body(std::string(4000, 'b'));
  auto r = a.Ingest(std::move(batch));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("big"), std::string::npos) << r.status();
  EXPECT_NE(r.status().message().find("2000 bytes"), std::string::npos)
      << r.status();
  // The rest of the batch was published (and is stored) as usual.
  ASSERT_TRUE(a.WaitApplied(1));
  EXPECT_EQ(a.store->head_seq(), 2u);
}

// A failed apply in the middle of a run (a crash would lose the same: the
// records after the last applied one) is retried from the store's applied
// log seq, to the same seqs as a replica that never failed. The retried
// record here is even torn: its first article was written before the
// failure (one write per record rules that out; the key index would make
// it harmless), so the re-apply skips it and stores the rest.
TEST(ReplicaTest, AReplicaRetriesAFailedRecordToTheSameSeqs) {
  TempDir dir;
  MemoryLog log;
  {
    Node b(&log, dir.Sub("b"));
    ASSERT_TRUE(b.Ingest(Batch({"a1", "a2"})).ok());
    ASSERT_TRUE(b.Ingest(Batch({"b1", "b2", "b3"})).ok());
    ASSERT_TRUE(b.Ingest(Batch({"c1", "b2"})).ok());
  }
  Node::Options options;
  int applies = 0;
  options.wrap = [&applies](std::unique_ptr<storage::SignalStore> inner) {
    auto hooked = std::make_unique<HookedStore>(std::move(inner));
    hooked->before_apply =
        [&applies](const std::vector<storage::PendingArticle>& batch,
                   absl::Time ingested_at,
                   storage::SignalStore& store) -> absl::Status {
      if (++applies != 2) return absl::OkStatus();
      // The second record's first article, written alone, then a failure.
      std::vector<storage::PendingArticle> first(batch.begin(),
                                                 batch.begin() + 1);
      absl::Status s = store.Append(std::move(first), ingested_at).status();
      if (!s.ok()) return s;
      return absl::UnavailableError("injected: the store failed mid-record");
    };
    return hooked;
  };
  Node a(&log, dir.Sub("a"), options);
  ASSERT_TRUE(a.WaitApplied(3));
  EXPECT_GE(applies, 4);  // The second record twice.
  Node b(&log, dir.Sub("b"));
  ASSERT_TRUE(b.WaitApplied(3));
  EXPECT_EQ(a.store->head_seq(), 12u);
  ExpectSameSignals(*a.store, *b.store);
  auto again = a.Ingest(Batch({"b1", "c1"}));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)[0].seqs, (std::vector<uint64_t>{5, 6}));
  EXPECT_EQ((*again)[1].seqs, (std::vector<uint64_t>{11, 12}));
}

// A replica writes a run of records unsynced, wakes its subscribers, and
// only then syncs its WAL; the ack of an ingest on this node waits for the
// sync (README, "What an acknowledgement means").
TEST(ReplicaTest, SubscribersWakeBeforeTheWalSyncAndAcksAfterIt) {
  TempDir dir;
  MemoryLog log;
  absl::Mutex mu;
  std::vector<std::string> events;  // "sync <hub head> <store head>", "ack"
  Hub* hub = nullptr;               // Set before the first ingest.
  Node::Options options;
  options.wrap = [&](std::unique_ptr<storage::SignalStore> inner) {
    auto hooked = std::make_unique<HookedStore>(std::move(inner));
    hooked->before_sync = [&, store = hooked.get()] {
      absl::MutexLock lock(&mu);
      events.push_back(
          absl::StrCat("sync ", hub->head(), " ", store->head_seq()));
    };
    return hooked;
  };
  Node a(&log, dir.Sub("a"), options);
  hub = a.hub.get();
  absl::Notification done;
  a.ingest->Submit(
      Batch({"s1", "s2"}),
      [&](absl::StatusOr<std::vector<storage::AppendResult>> r, uint64_t) {
        EXPECT_TRUE(r.ok()) << r.status();
        absl::MutexLock lock(&mu);
        events.push_back("ack");
        done.Notify();
      });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(events, (std::vector<std::string>{"sync 4 4", "ack"}));
}

// A replica that has no ingest of its own in flight leaves its runs
// unsynced (they are in the log; a crash re-applies them to the same
// seqs), up to max_unsynced or until the log is idle; the ingest node
// still syncs before each ack.
TEST(ReplicaTest, AReplicaWithNothingWaitingDefersItsSync) {
  TempDir dir;
  MemoryLog log;
  std::atomic<int> a_syncs{0}, b_syncs{0};
  auto counting = [](std::atomic<int>* syncs) {
    Node::Options options;
    options.wrap = [syncs](std::unique_ptr<storage::SignalStore> inner) {
      auto hooked = std::make_unique<HookedStore>(std::move(inner));
      hooked->before_sync = [syncs] { syncs->fetch_add(1); };
      return hooked;
    };
    ReplicaApplier::Options ro;
    ro.poll = absl::Seconds(30);  // Never idle within the test.
    ro.max_unsynced = absl::Hours(1);
    options.replica = ro;
    return options;
  };
  Node a(&log, dir.Sub("a"), counting(&a_syncs));
  auto b = std::make_unique<Node>(&log, dir.Sub("b"), counting(&b_syncs));
  for (int i = 0; i < 3; ++i) {
    auto r = a.Ingest(Batch({absl::StrCat("d", i)}));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  EXPECT_GE(a_syncs.load(), 3);  // One before each ack.
  ASSERT_TRUE(b->WaitApplied(3));
  EXPECT_EQ(b_syncs.load(), 0);
  ExpectSameSignals(*a.store, *b->store);  // Readable before the sync.
  log.WakeReaders();
  b->applier->Stop();  // Synced when idle, or by the stop.
  EXPECT_EQ(b_syncs.load(), 1);
}

// A record applied while its publish still waits for the log's ack (the
// ack comes after the replica read it) is synced in that run, so the ack
// that follows is answered at once, after the sync.
TEST(ReplicaTest, ARecordAppliedBeforeItsAckIsSyncedBeforeTheAck) {
  TempDir dir;
  MemoryLog log;
  absl::Mutex mu;
  std::vector<std::string> events;
  Node::Options options;
  options.wrap = [&](std::unique_ptr<storage::SignalStore> inner) {
    auto hooked = std::make_unique<HookedStore>(std::move(inner));
    hooked->before_sync = [&] {
      absl::MutexLock lock(&mu);
      events.push_back("sync");
    };
    return hooked;
  };
  ReplicaApplier::Options ro;
  ro.poll = absl::Seconds(3);  // An idle sync would come this late.
  ro.max_unsynced = absl::Hours(1);
  options.replica = ro;
  Node a(&log, dir.Sub("a"), options);
  log.HoldAcks();
  absl::Notification done;
  a.ingest->Submit(
      Batch({"h1"}),
      [&](absl::StatusOr<std::vector<storage::AppendResult>> r, uint64_t) {
        EXPECT_TRUE(r.ok()) << r.status();
        absl::MutexLock lock(&mu);
        events.push_back("ack");
        done.Notify();
      });
  ASSERT_TRUE(a.WaitApplied(1));
  {
    // The run is synced although no waiter was registered yet.
    absl::MutexLock lock(&mu);
    auto synced = [&] { return !events.empty(); };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&synced),
                                    absl::Milliseconds(1500)));
  }
  const absl::Time released = absl::Now();
  log.ReleaseAcks();
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_LT(absl::Now() - released, absl::Seconds(1));
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(events, (std::vector<std::string>{"sync", "ack"}));
  }
  log.WakeReaders();
}

TEST(ReplicaTest, PublishIdsAreUniqueAndFitTheLog) {
  const std::string id = PublishId();
  EXPECT_EQ(id.size(), 2u + 32u);
  EXPECT_EQ(id.substr(0, 2), "p:");
  EXPECT_NE(id, PublishId());
}

}  // namespace
}  // namespace tidings::service::internal
