// Copyright 2026 The Tidings Authors.
//
// tidings_service.h: the tidings.v1.Tidings service on the gRPC callback API.
//
// Threading. Handlers and reactions only validate and hand work to the work
// pool; scoring and every RocksDB call run there, and the pool's threads
// finish the RPCs. Ingest batches go through the group committer (one WAL
// sync for all batches queued together). Streams keep one write in flight;
// the message lives in the reactor until OnWriteDone.
//
// Subscribe is a cursor over the signal log. It reads storage in chunks of
// at most ServerOptions::subscriber_buffer signals while it is behind and,
// once caught up, waits for the hub to say the head moved. A slow client only
// slows its own cursor: ingest never waits for it and never queues for it.
//
// Status codes: INVALID_ARGUMENT for a request that cannot be served as sent
// (batch over max_batch, unknown enum value, inverted time range, bad
// timestamp, bad filter, a request that does not parse); per-article
// problems of Ingest/IngestStream/Score are in their results' error_code.
// UNAVAILABLE when storage fails (nothing of the batch is stored) and when the
// server shuts down. RESOURCE_EXHAUSTED over max_subscribers and over
// max_inflight_bytes (with a retry hint). NOT_FOUND from GetSignal for an
// absent seq (naming the first retained seq when it was trimmed). OUT_OF_RANGE
// when a Subscribe cursor starts or, while it reads storage, falls below the
// retained range (ServerOptions::retention), and for a Query whose after_seq or
// INGESTED_AT `since` lies below it: the message names the first available seq;
// nothing is skipped silently. A Query with neither starts at the first
// retained seq. OUT_OF_RANGE too for a Subscribe from_seq or Query after_seq
// beyond the head (naming the head and the store id), and
// FAILED_PRECONDITION for an expect_store_id that is not the store's id
// (naming both): a cursor from another store is never served silently. With a
// tokens table, every call first checks its bearer token: UNAUTHENTICATED
// (missing or unknown token), PERMISSION_DENIED (the token lacks the role).

#ifndef TIDINGS_SERVICE_TIDINGS_SERVICE_H_
#define TIDINGS_SERVICE_TIDINGS_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "scoring/scorer.h"
#include "service/hub.h"
#include "service/server_options.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::service {

namespace internal {
class Committer;
class IngestSink;
class RecentSignals;
class RequestLog;
class SeriesIndex;
class TokenHolder;
struct Metrics;
class WorkPool;
struct ServiceCore;
}  // namespace internal

// The generated CallbackService, but IngestStream and Subscribe read and
// write raw bytes. IngestStream: gRPC ends a stream whose message does not
// parse as if the client had closed it, silently; parsed by the service,
// such a message is answered with INVALID_ARGUMENT and the stream goes on.
// Subscribe: a new signal is serialised once for all subscribers that see
// it as is (internal/recent_signals.h), not once per subscriber. Query:
// signals are serialised by the read task on the pool, not on the stream's
// thread.
using ServiceBase = v1::Tidings::WithCallbackMethod_Ingest<
    v1::Tidings::WithRawCallbackMethod_IngestStream<
        v1::Tidings::WithCallbackMethod_Score<
            v1::Tidings::WithRawCallbackMethod_Subscribe<
                v1::Tidings::WithRawCallbackMethod_Query<
                    v1::Tidings::WithRawCallbackMethod_QueryBatches<
                        v1::Tidings::WithCallbackMethod_GetSignal<
                            v1::Tidings::WithCallbackMethod_Backup<
                                v1::Tidings::WithCallbackMethod_Series<
                                    v1::Tidings::WithCallbackMethod_Rescore<
                                        v1::Tidings::
                                            WithCallbackMethod_Versions<
                                                v1::Tidings::Service>>>>>>>>>>>;

class TidingsService final : public ServiceBase {
 public:
  // What the service runs on. Not owned; all must outlive the service and
  // every RPC it served (the server shuts down before they are destroyed).
  struct Deps {
    storage::SignalStore* store = nullptr;
    const scoring::Scorer* scorer = nullptr;
    Hub* hub = nullptr;
    internal::WorkPool* pool = nullptr;
    internal::Committer* committer = nullptr;
    // Where Ingest and IngestStream send their batches in cluster mode
    // (internal::ClusterIngest); nullptr = the committer (single node).
    internal::IngestSink* ingest = nullptr;
    // The newest signals, for caught-up subscribers; nullptr = they read
    // storage.
    const internal::RecentSignals* recent = nullptr;
    std::function<absl::Time()> clock;  // Default: absl::Now.
    // Access control; nullptr = every call is allowed (see
    // ServerOptions::tokens_file).
    const internal::TokenHolder* tokens = nullptr;
    // Prometheus metrics; nullptr = off.
    internal::Metrics* metrics = nullptr;
    // Logs auth failures; nullptr = not logged.
    internal::RequestLog* request_log = nullptr;
    // Answers Series; nullptr = Series is UNIMPLEMENTED.
    internal::SeriesIndex* series = nullptr;
  };

  TidingsService(const ServerOptions& options, Deps deps);
  ~TidingsService() override;

  // New calls fail with UNAVAILABLE from now on; open Subscribe, Query and
  // IngestStream streams end with UNAVAILABLE (an IngestStream first sends the
  // results of the articles already being stored). Unary calls in flight
  // finish normally. Idempotent. Thread-safe.
  void BeginShutdown();

  grpc::ServerUnaryReactor* Ingest(grpc::CallbackServerContext* context,
                                   const v1::IngestRequest* request,
                                   v1::IngestResponse* response) override;
  // Each message is a serialised v1::Article; each answer a v1::IngestResult.
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestStream(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context,
                                  const v1::ScoreRequest* request,
                                  v1::ScoreResponse* response) override;
  // The request is a serialised v1::SubscribeRequest; each message a
  // serialised v1::SubscribeEvent.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Subscribe(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  // The request is a serialised v1::QueryRequest; each message a
  // serialised v1::Signal.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Query(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  // The same request; each message a serialised v1::SignalBatch.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* QueryBatches(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* GetSignal(grpc::CallbackServerContext* context,
                                      const v1::GetSignalRequest* request,
                                      v1::Signal* response) override;
  // Admin role; storage::SignalStore::Checkpoint on the pool.
  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext* context,
                                   const v1::BackupRequest* request,
                                   v1::BackupResponse* response) override;
  // Subscribe role; internal::SeriesIndex::Run on the pool.
  grpc::ServerUnaryReactor* Series(grpc::CallbackServerContext* context,
                                   const v1::SeriesRequest* request,
                                   v1::SeriesResponse* response) override;
  // Admin role; internal/rescore.h (a thread of its own per call, one call
  // at a time).
  grpc::ServerWriteReactor<v1::RescoreProgress>* Rescore(
      grpc::CallbackServerContext* context,
      const v1::RescoreRequest* request) override;
  // Subscribe role; storage::SignalStore::Versions on the pool.
  grpc::ServerUnaryReactor* Versions(grpc::CallbackServerContext* context,
                                     const v1::VersionsRequest* request,
                                     v1::VersionsResponse* response) override;

 private:
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StartQuery(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes,
      bool batched);

  std::unique_ptr<internal::ServiceCore> core_;
};

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_TIDINGS_SERVICE_H_
