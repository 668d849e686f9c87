// Copyright 2026 The Tidings Authors.
//
// Cluster mode's replica audit (replica_audit.h) against an in-memory log
// whose Get() answers what a test sets: the records as the log's leader
// holds them, missing ones, no answer.

#include "service/internal/replica_audit.h"

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cluster/signal_log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/log.h"

namespace tidings::service::internal {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The leader's records by seq; only Get() and State() are real.
class LeaderLog final : public cluster::SignalLog {
 public:
  void Set(uint64_t seq, std::string data) {
    absl::MutexLock lock(&mu_);
    records_[seq] = std::move(data);
  }
  void Erase(uint64_t seq) {
    absl::MutexLock lock(&mu_);
    records_.erase(seq);
  }
  void SetFirstSeq(uint64_t seq) {
    absl::MutexLock lock(&mu_);
    first_seq_ = seq;
  }
  void FailNextGets(int n) {
    absl::MutexLock lock(&mu_);
    fail_next_ = n;
  }
  int gets() {
    absl::MutexLock lock(&mu_);
    return gets_;
  }

  absl::StatusOr<cluster::LogRecord> Get(uint64_t seq,
                                         absl::Duration) override {
    absl::MutexLock lock(&mu_);
    ++gets_;
    if (fail_next_ > 0) {
      --fail_next_;
      return absl::UnavailableError("no stream leader (test)");
    }
    auto it = records_.find(seq);
    if (it == records_.end()) return absl::NotFoundError("no message (test)");
    return cluster::LogRecord{.seq = seq, .data = it->second, .dedup_id = ""};
  }
  absl::StatusOr<cluster::LogState> State() override {
    absl::MutexLock lock(&mu_);
    return cluster::LogState{
        .first_seq = first_seq_,
        .last_seq = records_.empty() ? 0 : records_.rbegin()->first};
  }
  void PublishAsync(cluster::OutgoingRecord,
                    cluster::PublishCallback done) override {
    std::move(done)(absl::UnimplementedError("not in this test"));
  }
  absl::StatusOr<std::unique_ptr<cluster::LogReader>> OpenReader(
      uint64_t) override {
    return absl::UnimplementedError("not in this test");
  }

 private:
  absl::Mutex mu_;
  std::map<uint64_t, std::string> records_ ABSL_GUARDED_BY(mu_);
  uint64_t first_seq_ ABSL_GUARDED_BY(mu_) = 1;
  int fail_next_ ABSL_GUARDED_BY(mu_) = 0;
  int gets_ ABSL_GUARDED_BY(mu_) = 0;
};

// A log with no Get() of its own (SignalLog's default: UNIMPLEMENTED).
class NoGetLog final : public cluster::SignalLog {
 public:
  void PublishAsync(cluster::OutgoingRecord,
                    cluster::PublishCallback done) override {
    std::move(done)(absl::UnimplementedError("not in this test"));
  }
  absl::StatusOr<cluster::LogState> State() override {
    return cluster::LogState{};
  }
  absl::StatusOr<std::unique_ptr<cluster::LogReader>> OpenReader(
      uint64_t) override {
    return absl::UnimplementedError("not in this test");
  }
};

// Collects the log lines written while it lives.
class CapturedLog {
 public:
  CapturedLog() {
    SetLogWriter([this](std::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    });
  }
  ~CapturedLog() { SetLogWriter(nullptr); }
  std::vector<std::string> lines() {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Second checks due at once, so that two rounds confirm a difference.
ReplicaAudit::Options Immediate() {
  ReplicaAudit::Options o;
  o.confirm_after = absl::ZeroDuration();
  return o;
}

// Records 1..n, applied as the log holds them.
void ApplyAgreeing(LeaderLog& log, ReplicaAudit& audit, uint64_t n) {
  for (uint64_t seq = 1; seq <= n; ++seq) {
    log.Set(seq, "r");
    audit.Applied(seq, "r");
  }
}

TEST(ReplicaAuditTest, RecordsAsTheLogHoldsThemAreCounted) {
  LeaderLog log;
  log.Set(1, "one");
  log.Set(2, "two");
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(1, "one");
  audit.Applied(2, "two");
  audit.CheckRound();
  audit.CheckRound();
  const AuditStats s = audit.stats();
  EXPECT_EQ(s.checked, 2u);
  EXPECT_EQ(s.divergent, 0u);
  EXPECT_EQ(s.first_divergent_seq, 0u);
  EXPECT_EQ(log.gets(), 2);  // Each record once.
}

TEST(ReplicaAuditTest, ARecordThatDiffersAtBothChecksIsReported) {
  CapturedLog captured;
  LeaderLog log;
  log.Set(7, "the leader's record");
  log.Set(8, "eight");
  log.Set(9, "the leader's other record");
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(7, "a record only this node read");
  audit.Applied(8, "eight");
  audit.Applied(9, "another record only this node read");
  audit.CheckRound();  // First checks: suspects, nothing reported yet.
  EXPECT_EQ(audit.stats().divergent, 0u);
  EXPECT_EQ(audit.stats().checked, 1u);
  audit.CheckRound();  // Second checks.
  const AuditStats s = audit.stats();
  EXPECT_EQ(s.divergent, 2u);
  EXPECT_EQ(s.first_divergent_seq, 7u);
  EXPECT_EQ(s.checked, 1u);
  const std::vector<std::string> lines = captured.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(
      lines[0],
      AllOf(HasSubstr("ERROR"), HasSubstr("rebuild"), HasSubstr("records=2"),
            HasSubstr("first_log_seq=7"), HasSubstr("last_log_seq=9")));
}

TEST(ReplicaAuditTest, ADifferenceGoneAtTheSecondCheckIsNotReported) {
  // A get answered during an election by a server that still took itself
  // for the leader.
  LeaderLog log;
  log.Set(3, "a stale leader's answer");
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(3, "three");
  audit.CheckRound();
  log.Set(3, "three");
  audit.CheckRound();
  EXPECT_EQ(audit.stats().divergent, 0u);
  EXPECT_EQ(audit.stats().checked, 1u);
}

TEST(ReplicaAuditTest, ALogWhoseAnswerChangesIsAskedAgain) {
  // Two servers taking turns as the leader, each with its own record: the
  // node is not reported until the log answers the same twice in a row.
  LeaderLog log;
  log.Set(4, "one server's record");
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(4, "this node's record");
  audit.CheckRound();
  log.Set(4, "another server's record");
  audit.CheckRound();
  EXPECT_EQ(audit.stats().divergent, 0u);
  audit.CheckRound();
  EXPECT_EQ(audit.stats().divergent, 1u);
  EXPECT_EQ(log.gets(), 3);
}

TEST(ReplicaAuditTest, TheSecondCheckWaitsForConfirmAfter) {
  LeaderLog log;
  log.Set(1, "other");
  ReplicaAudit::Options o;
  o.confirm_after = absl::Hours(1);
  ReplicaAudit audit(&log, o);
  audit.Applied(1, "mine");
  audit.CheckRound();
  audit.CheckRound();  // Not due yet: no get.
  EXPECT_EQ(log.gets(), 1);
  EXPECT_EQ(audit.stats().divergent, 0u);
}

TEST(ReplicaAuditTest, ARecordTheLogDoesNotHoldIsReported) {
  LeaderLog log;
  log.Set(1, "one");
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(1, "one");
  audit.Applied(2, "a record the leader never had");
  audit.CheckRound();
  audit.CheckRound();
  EXPECT_EQ(audit.stats().divergent, 1u);
  EXPECT_EQ(audit.stats().first_divergent_seq, 2u);
}

TEST(ReplicaAuditTest, ARecordRetentionDroppedIsSkipped) {
  LeaderLog log;
  log.Set(5, "five");
  log.SetFirstSeq(5);
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(4, "four");
  audit.Applied(5, "five");
  audit.CheckRound();
  const AuditStats s = audit.stats();
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.checked, 1u);
  EXPECT_EQ(s.divergent, 0u);
}

TEST(ReplicaAuditTest, UnansweredGetsAreTriedAgainNextRound) {
  LeaderLog log;
  log.Set(1, "one");
  log.Set(2, "two");
  log.FailNextGets(1);
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(1, "one");
  audit.Applied(2, "two");
  audit.CheckRound();  // Cut short at the first get.
  EXPECT_EQ(audit.stats().unanswered, 1u);
  EXPECT_EQ(audit.stats().checked, 0u);
  EXPECT_EQ(log.gets(), 1);
  audit.CheckRound();
  EXPECT_EQ(audit.stats().checked, 2u);
}

TEST(ReplicaAuditTest, MaxChecksBoundsTheGetsOfARound) {
  LeaderLog log;
  ReplicaAudit::Options o = Immediate();
  o.max_checks = 2;
  ReplicaAudit audit(&log, o);
  ApplyAgreeing(log, audit, 5);
  audit.CheckRound();
  EXPECT_EQ(log.gets(), 2);
  audit.CheckRound();
  audit.CheckRound();
  EXPECT_EQ(audit.stats().checked, 5u);
}

TEST(ReplicaAuditTest, AFullQueueDropsTheOldest) {
  LeaderLog log;
  ReplicaAudit::Options o = Immediate();
  o.max_pending = 2;
  ReplicaAudit audit(&log, o);
  ApplyAgreeing(log, audit, 3);
  audit.CheckRound();
  EXPECT_EQ(audit.stats().skipped, 1u);
  EXPECT_EQ(audit.stats().checked, 2u);
}

TEST(ReplicaAuditTest, ALogThatCannotGetTurnsTheAuditOff) {
  CapturedLog captured;
  NoGetLog log;
  ReplicaAudit audit(&log, Immediate());
  audit.Applied(1, "one");
  audit.CheckRound();
  audit.Applied(2, "two");
  audit.CheckRound();
  const AuditStats s = audit.stats();
  EXPECT_EQ(s.checked + s.divergent + s.skipped + s.unanswered, 0u);
  const std::vector<std::string> lines = captured.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("audit: off"));
}

TEST(ReplicaAuditTest, ItsThreadChecksEveryInterval) {
  LeaderLog log;
  log.Set(1, "one");
  ReplicaAudit::Options o = Immediate();
  o.interval = absl::Milliseconds(5);
  ReplicaAudit audit(&log, o);
  audit.Start();
  audit.Applied(1, "one");
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (audit.stats().checked == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  audit.Stop();
  audit.Stop();  // Idempotent.
  EXPECT_EQ(audit.stats().checked, 1u);
}

}  // namespace
}  // namespace tidings::service::internal
