// Copyright 2026 The Tidings Authors.

#include "service/internal/rescore.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "scoring/scorer.h"
#include "service/convert.h"
#include "service/internal/committer.h"
#include "service/internal/ingest.h"
#include "service/internal/service_core.h"
#include "service/internal/work_pool.h"
#include "service/log.h"
#include "storage/signal_store.h"
#include "storage/signal_summary.h"

namespace tidings::service::internal {
namespace {

constexpr absl::Duration kReportEvery = absl::Seconds(1);

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

// The job-state name of a rescore: its version and window, so that only
// the same call resumes it.
std::string JobName(const std::string& version,
                    const v1::RescoreRequest& request) {
  auto bound = [](bool has, const google::protobuf::Timestamp& ts) {
    return has ? absl::StrCat(Micros(ts)) : std::string("-");
  };
  return absl::StrCat("rescore/", version, "/",
                      request.time_field() == v1::PUBLISHED_AT ? "p" : "i", "/",
                      bound(request.has_since(), request.since()), "/",
                      bound(request.has_until(), request.until()));
}

// One signal of the walk, from its summary.
struct Row {
  uint64_t seq = 0;
  std::string article_id;
  uint32_t doc_index = 0;
  int64_t ingested = 0;
  int64_t published = storage::kNoTime;
  std::string version;
  uint64_t duplicate_of = 0;
  uint64_t rescore_of = 0;
};

// Whether `next` continues the article of `last` (see rescore.h).
bool SameArticle(const Row& last, const Row& next) {
  return next.seq == last.seq + 1 && next.doc_index > last.doc_index &&
         next.article_id == last.article_id && next.ingested == last.ingested;
}

class Rescorer {
 public:
  Rescorer(ServiceCore* core, const scoring::Scorer& scorer,
           const v1::RescoreRequest& request, const std::function<bool()>& stop,
           const std::function<void(const v1::RescoreProgress&)>& report)
      : core_(core),
        store_(*core->deps.store),
        scorer_(scorer),
        request_(request),
        stop_(stop),
        report_(report),
        job_(JobName(scorer.version(), request)) {
    progress_.set_scorer_version(scorer.version());
  }

  absl::Status Run() {
    if (absl::Status s = Resolve(); !s.ok()) return s;
    Report(/*force=*/true);
    uint64_t scanned = progress_.position_seq();
    while (scanned < progress_.end_seq()) {
      if (stop_()) break;
      std::vector<Row> chunk;
      chunk.reserve(kRescoreScanChunk);
      absl::Status s = store_.ScanSummaries(
          scanned, kRescoreScanChunk, [&](const storage::SignalSummary& sum) {
            if (sum.seq > progress_.end_seq()) return false;
            Row& row = chunk.emplace_back();
            row.seq = sum.seq;
            row.article_id = sum.article_id;
            row.doc_index = sum.doc_index;
            row.ingested = sum.ingested_micros;
            row.published = sum.published_micros;
            row.version = sum.scorer_version;
            row.duplicate_of = sum.duplicate_of_seq;
            row.rescore_of = sum.rescore_of_seq;
            return true;
          });
      if (!s.ok()) return s;
      if (chunk.empty()) break;
      for (Row& row : chunk) {
        scanned = row.seq;
        if (absl::Status t = Take(std::move(row)); !t.ok()) return t;
      }
      if (stop_()) break;
    }
    const bool stopped = scanned < progress_.end_seq() && stop_();
    if (!stopped) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    if (absl::Status s = ScoreAndCommit(/*wait=*/true); !s.ok()) return s;
    if (stopped) {
      return absl::CancelledError(absl::StrCat(
          "the rescore stopped at seq ", progress_.position_seq(),
          "; call it again (same window and lexicons) to continue"));
    }
    progress_.set_position_seq(progress_.end_seq());
    SaveState();
    progress_.set_done(true);
    Report(/*force=*/true);
    return absl::OkStatus();
  }

 private:
  // The seq range, and where an earlier run of the same job stopped.
  absl::Status Resolve() {
    const uint64_t first = store_.first_seq();
    uint64_t start = first - 1;
    uint64_t end = store_.head_seq();
    if (request_.time_field() != v1::PUBLISHED_AT) {
      if (request_.has_since()) {
        absl::StatusOr<uint64_t> s =
            store_.SeqBeforeTime(FromProto(request_.since()));
        if (!s.ok()) return s.status();
        start = std::max(start, *s);
      }
      if (request_.has_until()) {
        absl::StatusOr<uint64_t> u =
            store_.SeqBeforeTime(FromProto(request_.until()));
        if (!u.ok()) return u.status();
        end = std::min(end, *u);
      }
    }
    progress_.set_start_seq(start);
    progress_.set_end_seq(std::max(start, end));
    progress_.set_position_seq(start);
    absl::StatusOr<std::optional<std::string>> saved = store_.GetJobState(job_);
    if (!saved.ok() && !absl::IsUnimplemented(saved.status())) {
      return saved.status();
    }
    uint64_t resumed = 0;
    if (saved.ok() && saved->has_value() &&
        absl::SimpleAtoi(**saved, &resumed) && resumed > start) {
      progress_.set_resumed(true);
      progress_.set_resumed_from_seq(resumed);
      progress_.set_position_seq(std::min(resumed, progress_.end_seq()));
    }
    // A version with no signal stored yet has no revision key to look up
    // (Append still decides for one that races in).
    absl::StatusOr<std::vector<v1::VersionInfo>> versions = store_.Versions();
    fresh_ = versions.ok() && !progress_.resumed();
    for (const v1::VersionInfo& v :
         versions.ok() ? *versions : std::vector<v1::VersionInfo>()) {
      if (v.scorer_version() == scorer_.version() && v.signal_count() > 0) {
        fresh_ = false;
      }
    }
    return absl::OkStatus();
  }

  // One signal of the walk, in seq order.
  absl::Status Take(Row row) {
    if (!group_.empty() &&
        (row.rescore_of != 0 || !SameArticle(group_.back(), row))) {
      if (absl::Status s = Flush(); !s.ok()) return s;
    }
    if (row.rescore_of != 0) {
      considered_ = row.seq;
      return absl::OkStatus();
    }
    group_.push_back(std::move(row));
    return absl::OkStatus();
  }

  // The idempotency key ingest gave the article of `group` (ingest.h):
  // "id:" + its id, or, without one, "fp:" + the exact fingerprints of its
  // signals (read from the signals).
  absl::StatusOr<std::string> ArticleKey(const std::vector<Row>& group) const {
    if (!group.front().article_id.empty()) {
      return absl::StrCat("id:", group.front().article_id);
    }
    std::vector<uint64_t> seqs;
    for (const Row& r : group) seqs.push_back(r.seq);
    std::string key = "fp:";
    absl::Status s = store_.ReadSeqs(seqs, [&key](v1::Signal& signal) {
      absl::StrAppendFormat(&key, "%016x", signal.exact_fingerprint());
      return true;
    });
    if (!s.ok()) return s;
    return key;
  }

  bool InWindow(const Row& first) const {
    if (request_.time_field() != v1::PUBLISHED_AT) return true;
    if (first.published == storage::kNoTime) return false;
    const int64_t p = first.published;
    return (!request_.has_since() || p >= Micros(request_.since())) &&
           (!request_.has_until() || p < Micros(request_.until()));
  }

  // The article of group_ (complete): skipped, failed, or scored into the
  // batch.
  absl::Status Flush() {
    if (group_.empty()) return absl::OkStatus();
    std::vector<Row> group = std::move(group_);
    group_.clear();
    considered_ = group.back().seq;
    if (!InWindow(group.front())) return absl::OkStatus();
    if (group.front().version == scorer_.version()) {
      progress_.set_articles_skipped(progress_.articles_skipped() + 1);
      return MaybeCommit();
    }
    absl::StatusOr<std::string> key = ArticleKey(group);
    absl::StatusOr<std::vector<uint64_t>> seqs =
        key.ok() ? store_.LookupKey(*key) : key.status();
    bool matches = seqs.ok() && seqs->size() == group.size();
    for (size_t i = 0; matches && i < group.size(); ++i) {
      matches = (*seqs)[i] == group[i].seq;
    }
    absl::StatusOr<v1::Article> article =
        matches ? store_.GetArticle(*key)
                : absl::StatusOr<v1::Article>(absl::NotFoundError("no key"));
    if (!article.ok()) {
      progress_.set_articles_failed(progress_.articles_failed() + 1);
      return MaybeCommit();
    }
    std::string revision_key =
        absl::StrCat("rescore:", scorer_.version(), "|", *key);
    if (!fresh_ && store_.LookupKey(revision_key).ok()) {
      progress_.set_articles_skipped(progress_.articles_skipped() + 1);
      return MaybeCommit();
    }
    Scoring& next = to_score_.emplace_back();
    next.revision_key = std::move(revision_key);
    next.article = *std::move(article);
    next.as_of = absl::FromUnixMicros(group.front().ingested);
    to_score_bytes_ += next.article.ByteSizeLong();
    for (const Row& g : group) {
      next.originals.push_back({g.doc_index, g.seq, g.duplicate_of});
    }
    return MaybeCommit();
  }

  // Scores the gathered articles, on this thread and one of the pool's
  // (halves), into the batch; then Commit(wait).
  absl::Status ScoreAndCommit(bool wait) {
    const size_t n = to_score_.size();
    std::vector<std::vector<v1::Signal>> scored(n);
    auto score = [this, &scored](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        scored[i] = ScoreArticle(scorer_, to_score_[i].article,
                                 to_score_[i].as_of, core_->deps.metrics);
      }
    };
    const size_t half = n >= 16 ? n / 2 : n;
    absl::Notification other_half;
    const bool offloaded =
        half < n && core_->deps.pool->Submit([&score, &other_half, half, n] {
          score(half, n);
          other_half.Notify();
        });
    score(0, half);
    if (offloaded) {
      other_half.WaitForNotification();
    } else {
      score(half, n);
    }
    for (size_t i = 0; i < n; ++i) {
      storage::PendingArticle& pending = batch_.emplace_back();
      pending.idempotency_key = std::move(to_score_[i].revision_key);
      pending.revision = true;
      pending.signals = std::move(scored[i]);
      const std::vector<Original>& originals = to_score_[i].originals;
      for (v1::Signal& s : pending.signals) {
        const Original* original = &originals.front();
        for (const Original& o : originals) {
          if (o.doc_index == s.doc_index()) original = &o;
        }
        s.set_rescore_of_seq(original->seq);
        s.set_duplicate_of_seq(original->duplicate_of);
      }
    }
    to_score_.clear();
    to_score_bytes_ = 0;
    return Commit(wait);
  }

  absl::Status MaybeCommit() {
    absl::Status s = absl::OkStatus();
    if (to_score_.size() >= kRescoreBatchArticles ||
        to_score_bytes_ >= kRescoreBatchBytes) {
      s = ScoreAndCommit(/*wait=*/false);
    }
    Report(/*force=*/false);
    return s;
  }

  // A batch on its way through the committer.
  struct InFlight {
    absl::Notification done;
    absl::StatusOr<std::vector<storage::AppendResult>> results;
    uint64_t through = 0;  // Everything up to it is handled once stored.
  };

  // Hands the batch to the committer on the work pool (its durability, its
  // hub publication), so that the next batch is scored while this one is
  // written; first waits for the one before (one in flight at a time).
  // With `wait`, also waits for this one.
  absl::Status Commit(bool wait) {
    if (absl::Status s = Await(); !s.ok()) return s;
    if (batch_.empty()) {
      // Everything up to considered_ needs nothing.
      progress_.set_position_seq(
          std::max(progress_.position_seq(), considered_));
      SaveState();
      return absl::OkStatus();
    }
    auto flight = std::make_shared<InFlight>();
    flight->through = considered_;
    auto batch = std::make_shared<std::vector<storage::PendingArticle>>(
        std::move(batch_));
    batch_.clear();
    // Cluster mode: through the cluster log (ClusterIngest), so that every
    // replica stores the revisions at the same seqs.
    IngestSink* sink = core_->deps.ingest != nullptr
                           ? core_->deps.ingest
                           : static_cast<IngestSink*>(core_->deps.committer);
    auto submit = [sink, flight, batch] {
      sink->Submit(
          std::move(*batch),
          [flight](absl::StatusOr<std::vector<storage::AppendResult>> r,
                   uint64_t) {
            flight->results = std::move(r);
            flight->done.Notify();
          });
    };
    if (!core_->deps.pool->Submit(submit)) submit();  // Shutting down.
    in_flight_ = std::move(flight);
    return wait ? Await() : absl::OkStatus();
  }

  // Waits for the batch in flight, counts it and keeps the position.
  absl::Status Await() {
    if (in_flight_ == nullptr) return absl::OkStatus();
    std::shared_ptr<InFlight> flight = std::move(in_flight_);
    in_flight_.reset();
    flight->done.WaitForNotification();
    // Moved out so that the stored signals are freed on this thread, not
    // the committer's.
    const absl::StatusOr<std::vector<storage::AppendResult>> results =
        std::move(flight->results);
    if (!results.ok()) return results.status();
    for (const storage::AppendResult& r : *results) {
      if (r.duplicate) {  // Another rescore of this version got there.
        progress_.set_articles_skipped(progress_.articles_skipped() + 1);
      } else {
        progress_.set_articles_rescored(progress_.articles_rescored() + 1);
        progress_.set_signals_stored(progress_.signals_stored() +
                                     r.seqs.size());
      }
    }
    progress_.set_position_seq(
        std::max(progress_.position_seq(), flight->through));
    SaveState();
    return absl::OkStatus();
  }

  void SaveState() {
    // A lost state only makes a rerun skip again what is stored.
    store_.PutJobState(job_, absl::StrCat(progress_.position_seq()))
        .IgnoreError();
  }

  void Report(bool force) {
    const absl::Time now = absl::Now();
    if (!force && now - last_report_ < kReportEvery) return;
    last_report_ = now;
    const double elapsed = absl::ToDoubleSeconds(now - started_);
    progress_.set_elapsed_seconds(elapsed);
    progress_.set_articles_per_second(
        elapsed > 0
            ? static_cast<double>(progress_.articles_rescored()) / elapsed
            : 0);
    progress_.set_head_seq(store_.head_seq());
    report_(progress_);
  }

  ServiceCore* const core_;
  storage::SignalStore& store_;
  const scoring::Scorer& scorer_;
  const v1::RescoreRequest& request_;
  const std::function<bool()>& stop_;
  const std::function<void(const v1::RescoreProgress&)>& report_;
  const std::string job_;
  const absl::Time started_ = absl::Now();
  absl::Time last_report_ = absl::InfinitePast();
  v1::RescoreProgress progress_;
  std::vector<Row> group_;   // The article being gathered.
  uint64_t considered_ = 0;  // Last seq of the walk fully handled.
  // An article to score: its raw text and its original signals.
  struct Original {
    uint32_t doc_index;
    uint64_t seq;
    uint64_t duplicate_of;
  };
  struct Scoring {
    std::string revision_key;
    v1::Article article;
    absl::Time as_of;  // The original ingested_at.
    std::vector<Original> originals;
  };
  std::vector<Scoring> to_score_;
  size_t to_score_bytes_ = 0;  // Serialised size of to_score_'s articles.
  std::vector<storage::PendingArticle> batch_;
  std::shared_ptr<InFlight> in_flight_;
  bool fresh_ = false;  // No signal of the version was stored before.
};

// The scorer of the request: the server's, or one from its lexicons.
absl::StatusOr<std::unique_ptr<const scoring::Scorer>> LoadScorer(
    const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(
        "lexicons: ", dir,
        " is not a directory on the server; name a directory holding a full "
        "set of lexicon files (a copy of scoring/lexicons, changed)"));
  }
  scoring::ScorerOptions options;
  options.lexicon_dir = dir;
  return scoring::Scorer::Create(options);
}

class RescoreReactor final
    : public grpc::ServerWriteReactor<v1::RescoreProgress> {
 public:
  RescoreReactor(ServiceCore* core, const v1::RescoreRequest& request)
      : core_(core), request_(request) {
    thread_ = std::thread([this] { Work(); });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) return;  // The client is gone: OnCancel stops the job.
    if (pending_) {
      StartLocked(*std::move(pending_));
      pending_.reset();
    } else if (final_) {
      Finish(*final_);
    }
  }

  void OnCancel() override { cancelled_.store(true); }

  void OnDone() override {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
    delete this;
  }

 private:
  void StartLocked(v1::RescoreProgress progress)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    message_ = std::move(progress);
    writing_ = true;
    StartWrite(&message_);
  }

  void Work() {
    auto stop = [this] {
      return cancelled_.load() || core_->shutting_down.load();
    };
    auto report = [this](const v1::RescoreProgress& p) {
      absl::MutexLock lock(&mu_);
      if (writing_) {
        pending_ = p;
      } else {
        StartLocked(p);
      }
    };
    absl::Status status = RunRescore(core_, request_, stop, report);
    if (absl::IsCancelled(status) && core_->shutting_down.load()) {
      // Not the client's doing: retry against a server that is up.
      status = absl::UnavailableError(
          absl::StrCat("the server is shutting down; ", status.message()));
    }
    // Free for the next call before the client hears of the end.
    core_->rescoring.store(false);
    grpc::Status out = ToGrpc(status);
    if (!status.ok()) {
      Log(LogLevel::kWarn, "rescore ended early",
          {{"error", std::string(status.message())}});
    }
    absl::MutexLock lock(&mu_);
    if (writing_) {
      final_ = std::move(out);
    } else {
      Finish(std::move(out));
    }
  }

  ServiceCore* const core_;
  const v1::RescoreRequest request_;
  std::thread thread_;
  std::atomic<bool> cancelled_{false};
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  v1::RescoreProgress message_ ABSL_GUARDED_BY(mu_);
  std::optional<v1::RescoreProgress> pending_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> final_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status ValidateRescoreRequest(const v1::RescoreRequest& request) {
  const int field = request.time_field();
  if (field != v1::TIME_FIELD_UNSPECIFIED && field != v1::INGESTED_AT &&
      field != v1::PUBLISHED_AT) {
    return absl::InvalidArgumentError(absl::StrCat(
        "time_field: ", field,
        " is not served by Rescore; use INGESTED_AT (1) or PUBLISHED_AT (2)"));
  }
  for (const auto* ts : {&request.since(), &request.until()}) {
    if (ts->nanos() < 0 || ts->nanos() > 999999999) {
      return absl::InvalidArgumentError(
          "since/until: nanos must be in [0, 999999999]");
    }
  }
  if (request.has_since() && request.has_until() &&
      Micros(request.until()) <= Micros(request.since())) {
    return absl::InvalidArgumentError(
        "until must be after since (the window is [since, until))");
  }
  if (!request.lexicons().empty() && request.lexicons().front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "lexicons: \"", request.lexicons(),
        "\" is relative; name an absolute directory on the server's machine"));
  }
  return absl::OkStatus();
}

absl::Status RunRescore(
    ServiceCore* core, const v1::RescoreRequest& request,
    const std::function<bool()>& stop,
    const std::function<void(const v1::RescoreProgress&)>& report) {
  std::unique_ptr<const scoring::Scorer> loaded;
  const scoring::Scorer* scorer = core->deps.scorer;
  if (!request.lexicons().empty()) {
    absl::StatusOr<std::unique_ptr<const scoring::Scorer>> s =
        LoadScorer(request.lexicons());
    if (!s.ok()) return s.status();
    loaded = *std::move(s);
    scorer = loaded.get();
  }
  Log(LogLevel::kInfo, "rescore started",
      {{"scorer", scorer->version()}, {"lexicons", request.lexicons()}});
  Rescorer rescorer(core, *scorer, request, stop, report);
  absl::Status status = rescorer.Run();
  if (status.ok())
    Log(LogLevel::kInfo, "rescore done", {{"scorer", scorer->version()}});
  return status;
}

grpc::ServerWriteReactor<v1::RescoreProgress>* NewRescoreReactor(
    ServiceCore* core, const v1::RescoreRequest& request) {
  return new RescoreReactor(core, request);
}

}  // namespace tidings::service::internal
