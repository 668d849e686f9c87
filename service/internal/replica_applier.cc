// Copyright 2026 The Tidings Authors.

#include "service/internal/replica_applier.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "service/internal/log_record_codec.h"
#include "service/log.h"

namespace tidings::service::internal {

ReplicaApplier::ReplicaApplier(cluster::SignalLog* log,
                               storage::SignalStore* store,
                               Committer* committer, Options options)
    : log_(log), store_(store), committer_(committer), options_(options) {}

ReplicaApplier::~ReplicaApplier() { Stop(); }

absl::Status ReplicaApplier::Start() {
  const uint64_t from = store_->applied_log_seq() + 1;
  absl::StatusOr<std::unique_ptr<cluster::LogReader>> reader =
      log_->OpenReader(from);
  if (!reader.ok()) {
    return absl::Status(
        reader.status().code(),
        absl::StrCat("this node's replica cannot read the cluster log from "
                     "record ",
                     from, ": ", reader.status().message()));
  }
  reader_ = *std::move(reader);
  {
    absl::MutexLock lock(&mu_);
    written_ = applied_ = from - 1;
  }
  last_sync_ = absl::Now();
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void ReplicaApplier::Stop() {
  std::multimap<uint64_t, Waiter> waiters;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  reader_.reset();
  bool unsynced = false;
  {
    absl::MutexLock lock(&mu_);
    waiters.swap(waiters_);
    unsynced = written_ > applied_;
  }
  // Spares the next start re-applying them (not needed: the log has them).
  if (unsynced) (void)store_->SyncWal();
  for (auto& [seq, w] : waiters) {
    std::move(w.done)(absl::UnavailableError(
        "the server is shutting down before its replica applied the record; "
        "it is in the cluster log: send it again (to any node) to learn its "
        "seqs"));
  }
}

void ReplicaApplier::Pause(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
}

void ReplicaApplier::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (reader_ == nullptr) {
      absl::StatusOr<std::unique_ptr<cluster::LogReader>> reader =
          log_->OpenReader(store_->applied_log_seq() + 1);
      if (!reader.ok()) {
        Log(LogLevel::kWarn, "replica: cannot reopen the cluster log reader",
            {{"reason", reader.status().ToString()},
             {"applied_log_seq", store_->applied_log_seq()}});
        Pause(options_.retry);
        continue;
      }
      reader_ = *std::move(reader);
    }
    absl::StatusOr<std::vector<cluster::LogRecord>> records =
        reader_->Next(options_.max_records, options_.poll);
    absl::Status status = records.status();
    if (status.ok() && !records->empty()) {
      status = ApplyRecords(*std::move(records));
    } else if (status.ok()) {
      status = SyncIfWanted(/*idle=*/true);
    }
    if (status.ok()) continue;
    Log(status.code() == absl::StatusCode::kOutOfRange ? LogLevel::kError
                                                       : LogLevel::kWarn,
        "replica: applying the cluster log failed; retrying",
        {{"reason", status.ToString()},
         {"applied_log_seq", store_->applied_log_seq()}});
    reader_.reset();  // Reopened at the applied position.
    Pause(options_.retry);
  }
}

absl::Status ReplicaApplier::ApplyRecords(
    std::vector<cluster::LogRecord> records) {
  const uint64_t first = store_->applied_log_seq() + 1;
  if (records.front().seq != first) {
    return absl::InternalError(
        absl::StrCat("the reader delivered record ", records.front().seq,
                     " where the replica expected ", first));
  }
  std::vector<storage::PendingArticle> batch;
  std::vector<std::string> keys;  // batch's, in order.
  std::vector<AppliedRecord> applied;
  batch.reserve(records.size());
  applied.reserve(records.size());
  for (cluster::LogRecord& r : records) {
    if (options_.audit != nullptr) options_.audit->Applied(r.seq, r.data);
    absl::StatusOr<DecodedRecord> decoded = DecodeLogRecord(r.data);
    if (!decoded.ok()) {
      // Every replica skips it the same way (it stores nothing).
      Log(LogLevel::kError, "replica: skipping a cluster log record",
          {{"log_seq", r.seq}, {"reason", decoded.status().ToString()}});
      applied.push_back({absl::UnixEpoch(), r.seq, 0});
      continue;
    }
    applied.push_back({decoded->ingested_at, r.seq, decoded->articles.size()});
    for (storage::PendingArticle& a : decoded->articles) {
      keys.push_back(a.idempotency_key);
      batch.push_back(std::move(a));
    }
  }
  absl::Notification done;
  absl::Status status;
  committer_->SubmitApplied(
      std::move(batch), applied,
      [&](absl::StatusOr<std::vector<storage::AppendResult>> results,
          uint64_t head) {
        absl::MutexLock lock(&mu_);
        if (results.ok()) {
          size_t next = 0;
          for (const AppliedRecord& record : applied) {
            std::vector<Result>& mine = remembered_[record.log_seq];
            mine.reserve(record.articles);
            for (size_t k = 0; k < record.articles; ++k, ++next) {
              mine.push_back(Result{std::move(keys[next]),
                                    std::move((*results)[next].seqs),
                                    (*results)[next].duplicate});
            }
            remembered_articles_ += record.articles;
          }
          // Drop whole records, the oldest first, keeping the newest one.
          while (remembered_.size() > 1 &&
                 remembered_articles_ > options_.remembered) {
            remembered_articles_ -= remembered_.begin()->second.size();
            remembered_.erase(remembered_.begin());
          }
          written_ = applied.back().log_seq;
        } else {
          // What the store applied of the run is answered from its key
          // index once synced.
          status = results.status();
          written_ = std::max(written_, store_->applied_log_seq());
        }
        done.Notify();
      });
  done.WaitForNotification();
  // Checked after the run is written: a record of this node's in it was
  // published before, so its publish is open or its waiter registered.
  absl::Status synced = SyncIfWanted(/*idle=*/false);
  return status.ok() ? synced : status;
}

absl::Status ReplicaApplier::SyncIfWanted(bool idle) {
  uint64_t through = 0;
  {
    absl::MutexLock lock(&mu_);
    if (written_ <= applied_) return absl::OkStatus();
    if (!idle && open_publishes_ == 0 && waiters_.empty() &&
        absl::Now() - last_sync_ < options_.max_unsynced) {
      return absl::OkStatus();
    }
    through = written_;
  }
  if (absl::Status s = store_->SyncWal(); !s.ok()) return s;
  last_sync_ = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    applied_ = std::max(applied_, through);
  }
  AnswerWaiters();
  return absl::OkStatus();
}

void ReplicaApplier::PublishStarting() {
  absl::MutexLock lock(&mu_);
  ++open_publishes_;
}

void ReplicaApplier::PublishSettled() {
  absl::MutexLock lock(&mu_);
  --open_publishes_;
}

absl::StatusOr<std::vector<storage::AppendResult>> ReplicaApplier::ResultOf(
    uint64_t log_seq, const std::vector<std::string>& keys) {
  std::vector<storage::AppendResult> results(keys.size());
  if (auto it = remembered_.find(log_seq); it != remembered_.end()) {
    // The results are the caller's only if this replica read the caller's
    // record at log_seq (the same keys in the same order). A log that
    // acknowledged a seq holding another record (cluster/README.md, "A
    // frozen stream leader") gets no answer with that record's seqs: the
    // caller's articles may be elsewhere in the log, or nowhere.
    bool same = it->second.size() == keys.size();
    for (size_t k = 0; same && k < keys.size(); ++k) {
      same = it->second[k].key == keys[k];
    }
    if (!same) {
      return absl::UnavailableError(absl::StrCat(
          "the cluster log acknowledged this node's record at log seq ",
          log_seq,
          ", but this node's replica read a record with other articles there "
          "(a fault of the NATS cluster: cluster/README.md, \"A frozen "
          "stream leader\"); outcome unknown: send the batch again"));
    }
    for (size_t k = 0; k < keys.size(); ++k) {
      results[k].seqs = it->second[k].seqs;
      results[k].duplicate = it->second[k].duplicate;
    }
    return results;
  }
  // Applied too long ago: the key index has each key's seqs; whether the
  // first copy came with this record is no longer known, except for a key
  // that comes twice in the record (its later copies are duplicates).
  for (size_t k = 0; k < keys.size(); ++k) {
    for (size_t j = 0; j < k && !results[k].duplicate; ++j) {
      results[k].duplicate = keys[j] == keys[k];
    }
    absl::StatusOr<std::vector<uint64_t>> seqs = store_->LookupKey(keys[k]);
    if (!seqs.ok()) return seqs.status();
    results[k].seqs = *std::move(seqs);
  }
  return results;
}

void ReplicaApplier::AnswerWaiters() {
  std::vector<
      std::pair<Applied, absl::StatusOr<std::vector<storage::AppendResult>>>>
      ready;
  {
    absl::MutexLock lock(&mu_);
    while (!waiters_.empty() && waiters_.begin()->first <= applied_) {
      auto node = waiters_.extract(waiters_.begin());
      ready.emplace_back(std::move(node.mapped().done),
                         ResultOf(node.key(), node.mapped().keys));
    }
  }
  for (auto& [done, result] : ready) std::move(done)(std::move(result));
}

void ReplicaApplier::WhenApplied(uint64_t log_seq,
                                 std::vector<std::string> keys, Applied done) {
  absl::StatusOr<std::vector<storage::AppendResult>> result;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      result = absl::UnavailableError(
          "the server is shutting down before its replica applied the "
          "record; it is in the cluster log: send it again (to any node) to "
          "learn its seqs");
    } else if (log_seq > applied_) {
      waiters_.emplace(log_seq, Waiter{std::move(keys), std::move(done)});
      return;
    } else {
      result = ResultOf(log_seq, keys);
    }
  }
  std::move(done)(std::move(result));
}

}  // namespace tidings::service::internal
