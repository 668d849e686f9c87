// Copyright 2026 The Tidings Authors.

#include "service/internal/committer.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "service/internal/metrics.h"
#include "service/internal/recent_signals.h"
#include "service/internal/series.h"
#include "service/log.h"

namespace tidings::service::internal {

Committer::Committer(storage::SignalStore* store, Hub* hub,
                     std::function<absl::Time()> clock,
                     size_t max_group_articles, RecentSignals* recent,
                     Metrics* metrics, SeriesIndex* series)
    : store_(store),
      hub_(hub),
      recent_(recent),
      series_(series),
      metrics_(metrics),
      clock_(std::move(clock)),
      max_group_articles_(max_group_articles == 0 ? 1 : max_group_articles) {}

void Committer::Submit(std::vector<storage::PendingArticle> batch, Done done) {
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(Entry{std::move(batch), std::move(done), {}});
    if (committing_) return;  // The leader will take it.
    committing_ = true;
  }
  Lead();
}

void Committer::SubmitApplied(std::vector<storage::PendingArticle> batch,
                              std::vector<AppliedRecord> records, Done done) {
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(
        Entry{std::move(batch), std::move(done), std::move(records)});
    if (committing_) return;  // The leader will take it.
    committing_ = true;
  }
  Lead();
}

std::vector<Committer::Entry> Committer::TakeGroup() {
  std::vector<Entry> group;
  size_t articles = 0;
  while (!queue_.empty() &&
         (group.empty() ||
          (group.front().applied.empty() && queue_.front().applied.empty() &&
           articles + queue_.front().batch.size() <= max_group_articles_))) {
    articles += queue_.front().batch.size();
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return group;
}

void Committer::Lead() {
  for (;;) {
    std::vector<Entry> group;
    {
      absl::MutexLock lock(&mu_);
      group = TakeGroup();
      if (group.empty()) {
        committing_ = false;
        return;
      }
    }
    Commit(std::move(group));
  }
}

absl::StatusOr<std::vector<storage::AppendResult>> Committer::ApplyRecords(
    std::vector<storage::PendingArticle> batch,
    const std::vector<AppliedRecord>& records) {
  size_t total = 0;
  for (const AppliedRecord& r : records) total += r.articles;
  if (total != batch.size()) {
    return absl::InternalError(absl::StrCat("SubmitApplied: the records hold ",
                                            total, " articles, the batch ",
                                            batch.size()));
  }
  std::vector<storage::AppendResult> results;
  results.reserve(batch.size());
  size_t next = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    // A record that stores nothing (it did not decode) still advances the
    // applied log seq.
    std::vector<storage::PendingArticle> articles(
        std::make_move_iterator(batch.begin() + next),
        std::make_move_iterator(batch.begin() + next + records[i].articles));
    next += records[i].articles;
    absl::StatusOr<std::vector<storage::AppendResult>> r = store_->Apply(
        std::move(articles), records[i].ingested_at,
        {.log_seq = records[i].log_seq, .sync = false});  // The caller syncs.
    if (!r.ok()) return r.status();
    if (r->size() != records[i].articles) {
      return absl::InternalError(absl::StrCat(
          "storage returned ", r->size(), " results for the ",
          records[i].articles, " articles of log record ", records[i].log_seq));
    }
    for (storage::AppendResult& a : *r) results.push_back(std::move(a));
  }
  return results;
}

void Committer::Commit(std::vector<Entry> group) {
  // Merge, remembering where each batch starts.
  std::vector<storage::PendingArticle> merged;
  std::vector<size_t> offsets;
  if (group.size() == 1) {
    merged = std::move(group.front().batch);
    offsets.push_back(0);
  } else {
    for (Entry& e : group) {
      offsets.push_back(merged.size());
      for (storage::PendingArticle& a : e.batch) merged.push_back(std::move(a));
    }
  }
  const size_t total = merged.size();
  const absl::Time started = absl::Now();
  absl::StatusOr<std::vector<storage::AppendResult>> results =
      group.front().applied.empty()
          ? store_->Append(std::move(merged), clock_())
          : ApplyRecords(std::move(merged), group.front().applied);
  if (results.ok() && results->size() != total) {
    results =
        absl::InternalError(absl::StrCat("storage returned ", results->size(),
                                         " results for ", total, " articles"));
  }
  if (metrics_ != nullptr) {
    size_t stored = 0, signals = 0;
    if (results.ok()) {
      for (const storage::AppendResult& r : *results) {
        if (!r.duplicate) {
          ++stored;
          signals += r.seqs.size();
        }
      }
    }
    Metrics::Commit(metrics_, absl::ToDoubleSeconds(absl::Now() - started),
                    total, stored, signals, results.ok());
  }
  if (results.ok() && (recent_ != nullptr || series_ != nullptr)) {
    std::vector<v1::Signal> stored;
    bool all_revisions = true;
    std::vector<size_t> counts;  // Of each result's signals, in order.
    for (storage::AppendResult& r : *results) {
      counts.push_back(r.stored.size());
      for (v1::Signal& s : r.stored) {
        all_revisions = all_revisions && s.rescore_of_seq() != 0;
        stored.push_back(std::move(s));
      }
      r.stored.clear();
    }
    if (series_ != nullptr) series_->OnStored(stored);
    // A commit of rescores alone (Rescore) is not serialised for the
    // recent window: only subscribers that select a version deliver it,
    // and the window's next commit then starts after a gap (those
    // subscribers read storage, as for any gap).
    if (recent_ != nullptr && !stored.empty() && !all_revisions) {
      recent_->Add(std::move(stored));
    } else {
      // Back to their results, so that the submitter frees them on its own
      // thread rather than this one, which every commit waits for.
      auto next = stored.begin();
      for (size_t i = 0; i < results->size(); ++i) {
        for (size_t k = 0; k < counts[i]; ++k) {
          (*results)[i].stored.push_back(std::move(*next++));
        }
      }
    }
  }
  const uint64_t head = store_->head_seq();
  // Wake the subscribers before acknowledging: a publisher that sees its ack
  // can count on subscribers being on their way. (A replica's run of
  // records is written unsynced, ApplyRecords: its subscribers are woken
  // before any sync, since the log fixes what each of those seqs holds and
  // a crash before the sync re-applies the same; the replica syncs before
  // it acknowledges ingests on this node.)
  hub_->Publish(head);
  LogOutcome(results.status(), total);
  for (size_t i = 0; i < group.size(); ++i) {
    if (!results.ok()) {
      group[i].done(results.status(), head);
      continue;
    }
    const size_t begin = offsets[i];
    const size_t end = i + 1 < group.size() ? offsets[i + 1] : total;
    std::vector<storage::AppendResult> mine(
        std::make_move_iterator(results->begin() + begin),
        std::make_move_iterator(results->begin() + end));
    group[i].done(std::move(mine), head);
  }
}

void Committer::LogOutcome(const absl::Status& status, size_t articles) {
  if (status.ok()) {
    if (failed_commits_ == 0) return;
    Log(LogLevel::kInfo, "storage recovered: commits succeed again",
        {{"failed_commits", failed_commits_},
         {"failing_for", absl::Now() - failing_since_},
         {"head_seq", store_->head_seq()}});
    failed_commits_ = 0;
    return;
  }
  const bool first = failed_commits_++ == 0;
  if (first) failing_since_ = absl::Now();
  Log(first ? LogLevel::kError : LogLevel::kDebug,
      "storage write failed: ingest gets UNAVAILABLE until a commit succeeds",
      {{"code", absl::StatusCodeToString(status.code())},
       {"reason", status.message()},
       {"articles", articles},
       {"failed_commits", failed_commits_}});
}

}  // namespace tidings::service::internal
