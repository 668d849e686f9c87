// Copyright 2026 The Tidings Authors.
//
// tidings_service.cc: the handlers. Each checks the call (service_core.h),
// then hands the work to the pool or starts its reactor (one a file in
// internal/).

#include "service/tidings_service.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/convert.h"
#include "service/internal/committer.h"
#include "service/internal/filter.h"
#include "service/internal/ingest.h"
#include "service/internal/ingest_stream_reactor.h"
#include "service/internal/metrics.h"
#include "service/internal/query_reactor.h"
#include "service/internal/rescore.h"
#include "service/internal/series.h"
#include "service/internal/service_core.h"
#include "service/internal/subscribe_reactor.h"
#include "service/internal/validation.h"
#include "service/internal/wire.h"
#include "service/internal/work_pool.h"
#include "service/log.h"

namespace tidings::service {
namespace {

using internal::Admit;
using internal::AdmitBatch;
using internal::ArticleBytes;
using internal::CheckAccess;
using internal::FailedBidi;
using internal::FailedWriter;
using internal::InvalidArgument;
using internal::kRetryAfterKey;
using internal::kRetryAfterMs;
using internal::kShuttingDown;
using internal::OverInflightCap;
using internal::RetentionNote;
using internal::ServiceCore;
using internal::SignalFilter;
using internal::StorageError;
using internal::Unavailable;

}  // namespace

TidingsService::TidingsService(const ServerOptions& options, Deps deps)
    : core_(std::make_unique<internal::ServiceCore>()) {
  core_->options = options;
  core_->inflight.set_cap(options.max_inflight_bytes);
  if (!deps.clock) deps.clock = [] { return absl::Now(); };
  core_->deps = std::move(deps);
}

TidingsService::~TidingsService() = default;

void TidingsService::BeginShutdown() {
  core_->shutting_down.store(true, std::memory_order_release);
  core_->deps.hub->CloseAll();
  core_->ingest_streams.CloseAll();
}

grpc::ServerUnaryReactor* TidingsService::Ingest(
    grpc::CallbackServerContext* context, const v1::IngestRequest* request,
    v1::IngestResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          AdmitBatch(core, context, "Ingest", request->articles_size());
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  uint64_t bytes = 0;
  for (const v1::Article& a : request->articles()) bytes += ArticleBytes(a);
  uint64_t others = 0;
  if (!core->inflight.TryAcquire(bytes, &others)) {
    context->AddTrailingMetadata(kRetryAfterKey, absl::StrCat(kRetryAfterMs));
    reactor->Finish(
        ToGrpc(OverInflightCap(bytes, others, core->inflight.cap())));
    return reactor;
  }
  // Gives the bytes back, once, before the call is answered.
  struct Admission {
    ServiceCore* core;
    uint64_t bytes;
    std::atomic<bool> released{false};
    void Release() {
      if (!released.exchange(true)) core->inflight.Release(bytes);
    }
    ~Admission() { Release(); }
  };
  auto admission = std::make_shared<Admission>();
  admission->core = core;
  admission->bytes = bytes;
  auto work = [core, context, request, response, reactor, admission] {
    if (context->IsCancelled()) {  // Deadline passed while queued.
      admission->Release();
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "cancelled before it was processed"));
      return;
    }
    std::vector<internal::IndexedArticle> articles;
    articles.reserve(request->articles_size());
    for (int i = 0; i < request->articles_size(); ++i) {
      articles.push_back({static_cast<uint32_t>(i), &request->articles(i)});
    }
    internal::PreparedBatch batch = internal::PrepareBatch(
        *core->deps.scorer, *core->deps.store, core->options.max_article_bytes,
        core->deps.clock(), articles, core->deps.metrics);
    if (batch.pending.empty()) {
      for (v1::IngestResult& r : batch.results) {
        response->add_results()->Swap(&r);
      }
      response->set_head_seq(core->deps.store->head_seq());
      response->set_store_id(core->deps.store->store_id());
      admission->Release();
      reactor->Finish(grpc::Status::OK);
      return;
    }
    std::vector<storage::PendingArticle> pending = std::move(batch.pending);
    internal::IngestSink* sink =
        core->deps.ingest != nullptr ? core->deps.ingest : core->deps.committer;
    sink->Submit(
        std::move(pending),
        [core, response, reactor, admission, batch = std::move(batch)](
            absl::StatusOr<std::vector<storage::AppendResult>> stored,
            uint64_t head) mutable {
          admission->Release();
          if (!stored.ok()) {
            reactor->Finish(StorageError(
                stored.status(),
                "storing the batch failed; nothing of it was stored, retry"));
            return;
          }
          internal::AnswerBatch(stored, &batch);
          for (v1::IngestResult& r : batch.results) {
            response->add_results()->Swap(&r);
          }
          response->set_head_seq(head);
          response->set_store_id(core->deps.store->store_id());
          reactor->Finish(grpc::Status::OK);
        });
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    admission->Release();
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
TidingsService::IngestStream(grpc::CallbackServerContext* context) {
  if (grpc::Status access = CheckAccess(core_.get(), context,
                                        internal::kRolePublish, "IngestStream");
      !access.ok()) {
    return new FailedBidi<grpc::ByteBuffer, grpc::ByteBuffer>(
        std::move(access));
  }
  return internal::NewIngestStreamReactor(core_.get());
}

grpc::ServerUnaryReactor* TidingsService::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          AdmitBatch(core, context, "Score", request->articles_size());
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  auto work = [core, context, request, response, reactor] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "cancelled before it was processed"));
      return;
    }
    const absl::Time now = core->deps.clock();
    for (int i = 0; i < request->articles_size(); ++i) {
      const v1::Article& article = request->articles(i);
      v1::ScoreResult* result = response->add_results();
      result->set_index(static_cast<uint32_t>(i));
      result->set_article_id(article.article_id());
      absl::Status valid =
          internal::ValidateArticle(article, core->options.max_article_bytes);
      if (!valid.ok()) {
        result->set_error_code(static_cast<int32_t>(valid.code()));
        result->set_error_message(std::string(valid.message()));
        continue;
      }
      std::vector<v1::Signal> signals = internal::ScoreArticle(
          *core->deps.scorer, article, now, core->deps.metrics);
      result->set_signal_count(static_cast<uint32_t>(signals.size()));
      for (v1::Signal& s : signals) {
        DropWeakEvents(scoring::kDefaultMinRelevance, &s);
        response->add_signals()->Swap(&s);
      }
    }
    reactor->Finish(grpc::Status::OK);
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* TidingsService::Subscribe(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes) {
  ServiceCore* core = core_.get();
  using Failed = FailedWriter<grpc::ByteBuffer>;
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "Subscribe");
      !admit.ok()) {
    return new Failed(std::move(admit));
  }
  v1::SubscribeRequest parsed;
  if (!internal::ParseRequest(*bytes, &parsed)) {
    return new Failed(internal::UnparseableRequest("Subscribe"));
  }
  const v1::SubscribeRequest* request = &parsed;
  absl::StatusOr<SignalFilter> filter =
      SignalFilter::Create(request->filter(), {}, request->view());
  if (!filter.ok()) return new Failed(ToGrpc(filter.status()));
  if (absl::Status v = filter->SetVersion(request->version(), core->deps.store);
      !v.ok()) {
    return new Failed(ToGrpc(v));
  }
  internal::SubscribeStart start;
  switch (request->start_case()) {
    case v1::SubscribeRequest::kFromSeq:
      start.from = internal::SubscribeStart::kSeq;
      start.seq = request->from_seq();
      break;
    case v1::SubscribeRequest::kFromTime: {
      absl::Status valid =
          internal::ValidateTimestamp(request->from_time(), "from_time");
      if (!valid.ok()) return new Failed(ToGrpc(valid));
      start.from = internal::SubscribeStart::kTime;
      start.time = FromProto(request->from_time());
      break;
    }
    default:
      break;
  }
  if (grpc::Status cursor = internal::CheckCursor(
          core, request->expect_store_id(),
          start.from == internal::SubscribeStart::kSeq
              ? std::optional<uint64_t>(start.seq)
              : std::nullopt,
          "from_seq", internal::SubscribeRestart(core->deps.store->store_id()));
      !cursor.ok()) {
    return new Failed(std::move(cursor));
  }
  return internal::NewSubscribeReactor(core, *std::move(filter), start,
                                       context->peer());
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* TidingsService::Query(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes) {
  return StartQuery(context, bytes, /*batched=*/false);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* TidingsService::QueryBatches(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes) {
  return StartQuery(context, bytes, /*batched=*/true);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* TidingsService::StartQuery(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes,
    bool batched) {
  ServiceCore* core = core_.get();
  using Failed = FailedWriter<grpc::ByteBuffer>;
  const char* method = batched ? "QueryBatches" : "Query";
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, method);
      !admit.ok()) {
    return new Failed(std::move(admit));
  }
  v1::QueryRequest parsed;
  if (!internal::ParseRequest(*bytes, &parsed)) {
    return new Failed(internal::UnparseableRequest(method));
  }
  const v1::QueryRequest* request = &parsed;
  absl::StatusOr<internal::TimeWindows> windows =
      internal::QueryTimeWindows(*request);
  if (!windows.ok()) return new Failed(ToGrpc(windows.status()));
  absl::StatusOr<SignalFilter> filter =
      SignalFilter::Create(request->filter(), *windows, request->view());
  if (!filter.ok()) return new Failed(ToGrpc(filter.status()));
  if (absl::Status v = filter->SetVersion(request->version(), core->deps.store);
      !v.ok()) {
    return new Failed(ToGrpc(v));
  }
  if (grpc::Status cursor = internal::CheckCursor(
          core, request->expect_store_id(), request->after_seq(), "after_seq",
          internal::QueryRestart(core->deps.store->store_id()));
      !cursor.ok()) {
    return new Failed(std::move(cursor));
  }
  return internal::NewQueryReactor(core, *std::move(filter), windows->ingested,
                                   request->after_seq(), request->limit(),
                                   batched);
}

grpc::ServerUnaryReactor* TidingsService::GetSignal(
    grpc::CallbackServerContext* context, const v1::GetSignalRequest* request,
    v1::Signal* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "GetSignal");
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  if (request->seq() == 0) {
    reactor->Finish(
        InvalidArgument("seq must be at least 1 (seqs start at 1)"));
    return reactor;
  }
  auto work = [core, request, response, reactor] {
    absl::StatusOr<v1::Signal> signal = core->deps.store->Get(request->seq());
    if (signal.ok()) {
      response->Swap(&*signal);
      reactor->Finish(grpc::Status::OK);
    } else if (absl::IsNotFound(signal.status())) {
      const uint64_t head = core->deps.store->head_seq();
      const uint64_t first = core->deps.store->first_seq();
      std::string message;
      if (request->seq() < first) {
        message = absl::StrCat("no signal with seq ", request->seq(),
                               ": signals before seq ", first,
                               " are no longer retained", RetentionNote(core),
                               "; first available seq is ", first);
      } else if (first > head) {
        message = absl::StrCat(
            "no signal with seq ", request->seq(),
            head == 0 ? ": the log is empty" : ": no signal is retained");
      } else {
        message = absl::StrCat("no signal with seq ", request->seq(),
                               ": the log holds seqs ", first, "..", head);
      }
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, message));
    } else {
      reactor->Finish(StorageError(signal.status(), "reading the signal"));
    }
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerUnaryReactor* TidingsService::Backup(
    grpc::CallbackServerContext* context, const v1::BackupRequest* request,
    v1::BackupResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit = Admit(core, context, internal::kRoleAdmin, "Backup");
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  if (request->dir().empty()) {
    reactor->Finish(InvalidArgument(
        "dir: name the directory to write the backup to: an absolute path on "
        "the server's machine that does not exist yet"));
    return reactor;
  }
  // A flush and file links or copies: the pool's work, never this thread's.
  auto work = [core, request, response, reactor] {
    absl::StatusOr<storage::CheckpointInfo> info =
        core->deps.store->Checkpoint(request->dir());
    if (!info.ok()) {
      // Storage names the directory and what is wrong with it; a failure
      // of storage itself (UNAVAILABLE, ...) says that the backup failed.
      const absl::Status& s = info.status();
      reactor->Finish(absl::IsInvalidArgument(s) || absl::IsAlreadyExists(s) ||
                              absl::IsNotFound(s) || absl::IsUnimplemented(s)
                          ? ToGrpc(s)
                          : StorageError(s, "the backup failed"));
      return;
    }
    response->set_dir(info->dir);
    response->set_head_seq(info->head_seq);
    response->set_store_id(core->deps.store->store_id());
    response->set_bytes(info->bytes);
    Log(LogLevel::kInfo, "backup written",
        {{"store_id", response->store_id()},
         {"head_seq", info->head_seq},
         {"dir", info->dir},
         {"bytes", info->bytes}});
    reactor->Finish(grpc::Status::OK);
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerUnaryReactor* TidingsService::Series(
    grpc::CallbackServerContext* context, const v1::SeriesRequest* request,
    v1::SeriesResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "Series");
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  if (core->deps.series == nullptr) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                 "this server does not serve Series"));
    return reactor;
  }
  absl::StatusOr<internal::SeriesQuery> query =
      internal::ValidateSeriesRequest(*request, core->deps.clock());
  if (!query.ok()) {
    reactor->Finish(ToGrpc(query.status()));
    return reactor;
  }
  // The first series loads the columns (seconds for millions of signals);
  // every series scans memory: the pool's work.
  auto work = [core, context, response, reactor, query = *std::move(query)] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "cancelled before it was processed"));
      return;
    }
    size_t scanned = 0;
    absl::StatusOr<v1::SeriesResponse> series =
        core->deps.series->Run(query, &scanned);
    internal::Metrics::SeriesSignals(core->deps.metrics, scanned);
    if (series.ok()) {
      response->Swap(&*series);
      reactor->Finish(grpc::Status::OK);
    } else if (absl::IsInvalidArgument(series.status())) {
      reactor->Finish(ToGrpc(series.status()));
    } else {
      reactor->Finish(
          StorageError(series.status(), "reading the signal summaries"));
    }
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerWriteReactor<v1::RescoreProgress>* TidingsService::Rescore(
    grpc::CallbackServerContext* context, const v1::RescoreRequest* request) {
  ServiceCore* core = core_.get();
  using Failed = FailedWriter<v1::RescoreProgress>;
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleAdmin, "Rescore");
      !admit.ok()) {
    return new Failed(std::move(admit));
  }
  if (absl::Status valid = internal::ValidateRescoreRequest(*request);
      !valid.ok()) {
    return new Failed(ToGrpc(valid));
  }
  if (core->rescoring.exchange(true)) {
    return new Failed(grpc::Status(
        grpc::StatusCode::ABORTED,
        "another rescore is running on this server; wait for it to end (one "
        "at a time), then call again"));
  }
  return internal::NewRescoreReactor(core, *request);
}

grpc::ServerUnaryReactor* TidingsService::Versions(
    grpc::CallbackServerContext* context, const v1::VersionsRequest* request,
    v1::VersionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "Versions");
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  auto work = [core, response, reactor] {
    absl::StatusOr<std::vector<v1::VersionInfo>> versions =
        core->deps.store->Versions();
    if (!versions.ok()) {
      reactor->Finish(
          absl::IsUnimplemented(versions.status())
              ? ToGrpc(versions.status())
              : StorageError(versions.status(), "reading the versions"));
      return;
    }
    for (v1::VersionInfo& v : *versions) {
      if (v.signal_count() > 0) response->add_versions()->Swap(&v);
    }
    response->set_server_scorer_version(core->deps.scorer->version());
    response->set_head_seq(core->deps.store->head_seq());
    response->set_store_id(core->deps.store->store_id());
    reactor->Finish(grpc::Status::OK);
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

}  // namespace tidings::service
