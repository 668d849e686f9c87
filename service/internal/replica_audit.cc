// Copyright 2026 The Tidings Authors.

#include "service/internal/replica_audit.h"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "service/log.h"

namespace tidings::service::internal {
namespace {

size_t HashOf(std::string_view data) {
  return std::hash<std::string_view>()(data);
}

// Entry::leaders when the log held no record at the seq.
constexpr size_t kMissing = 0;

}  // namespace

ReplicaAudit::ReplicaAudit(cluster::SignalLog* log, Options options)
    : log_(log), options_(options) {}

ReplicaAudit::~ReplicaAudit() { Stop(); }

void ReplicaAudit::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ReplicaAudit::StopSoon() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

void ReplicaAudit::Stop() {
  StopSoon();
  if (thread_.joinable()) thread_.join();
}

void ReplicaAudit::Applied(uint64_t seq, std::string_view data) {
  const size_t hash = HashOf(data);
  absl::MutexLock lock(&mu_);
  if (off_) return;
  pending_.push_back(Entry{.seq = seq, .hash = hash, .due = absl::Now()});
  while (pending_.size() > options_.max_pending) {
    pending_.pop_front();
    ++stats_.skipped;
  }
}

AuditStats ReplicaAudit::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void ReplicaAudit::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
      if (stopping_) return;
    }
    CheckRound();
  }
}

ReplicaAudit::Outcome ReplicaAudit::Check(Entry& entry) {
  absl::StatusOr<cluster::LogRecord> record =
      log_->Get(entry.seq, options_.timeout);
  size_t leaders = kMissing;
  if (record.ok()) {
    leaders = HashOf(record->data);
    if (leaders == entry.hash) return Outcome::kSame;
  } else {
    if (absl::IsUnimplemented(record.status())) return Outcome::kUnsupported;
    if (!absl::IsNotFound(record.status())) return Outcome::kNoAnswer;
    // No record there: retention dropped it, or the log never held what
    // this node applied.
    absl::StatusOr<cluster::LogState> state = log_->State();
    if (!state.ok()) return Outcome::kNoAnswer;
    if (entry.seq < state->first_seq) return Outcome::kGone;
  }
  const bool again = entry.suspect && leaders == entry.leaders;
  entry.suspect = true;
  entry.leaders = leaders;
  return again ? Outcome::kDivergent : Outcome::kDifferent;
}

void ReplicaAudit::CheckRound() {
  std::vector<Entry> todo;
  {
    absl::MutexLock lock(&mu_);
    if (off_) return;
    const absl::Time now = absl::Now();
    while (todo.size() < options_.max_checks && !suspects_.empty() &&
           suspects_.front().due <= now) {
      todo.push_back(suspects_.front());
      suspects_.pop_front();
    }
    while (todo.size() < options_.max_checks && !pending_.empty()) {
      todo.push_back(pending_.front());
      pending_.pop_front();
    }
  }
  std::vector<uint64_t> divergent;  // Confirmed this round.
  size_t done = 0;
  Outcome outcome = Outcome::kSame;
  for (; done < todo.size(); ++done) {
    Entry& entry = todo[done];
    outcome = Check(entry);
    if (outcome == Outcome::kNoAnswer || outcome == Outcome::kUnsupported) {
      break;
    }
    absl::MutexLock lock(&mu_);
    if (outcome == Outcome::kSame) {
      ++stats_.checked;
    } else if (outcome == Outcome::kGone) {
      ++stats_.skipped;
    } else if (outcome == Outcome::kDifferent) {
      entry.due = absl::Now() + options_.confirm_after;
      suspects_.push_back(entry);
    } else {
      ++stats_.divergent;
      if (stats_.first_divergent_seq == 0 ||
          entry.seq < stats_.first_divergent_seq) {
        stats_.first_divergent_seq = entry.seq;
      }
      divergent.push_back(entry.seq);
    }
  }
  if (done < todo.size()) {
    absl::MutexLock lock(&mu_);
    if (outcome == Outcome::kUnsupported) {
      off_ = true;
      pending_.clear();
      suspects_.clear();
    } else {
      // Tried again next round, in the same order.
      ++stats_.unanswered;
      for (size_t i = todo.size(); i-- > done;) {
        (todo[i].suspect ? suspects_ : pending_).push_front(todo[i]);
      }
    }
  }
  if (outcome == Outcome::kUnsupported) {
    Log(LogLevel::kWarn,
        "replica audit: off (the cluster log cannot read a record by seq)");
  }
  if (!divergent.empty()) {
    std::sort(divergent.begin(), divergent.end());
    Log(LogLevel::kError,
        "replica audit: records this node applied differ from the cluster "
        "log's; the signals it stored from them may differ from the other "
        "nodes' (cluster/README.md, \"A frozen stream leader\"): compare, "
        "and rebuild this node",
        {{"records", divergent.size()},
         {"first_log_seq", divergent.front()},
         {"last_log_seq", divergent.back()}});
  }
}

}  // namespace tidings::service::internal
