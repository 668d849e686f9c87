// Copyright 2026 The Tidings Authors.
//
// rescore.h: the Rescore call. Rescores the stored raw articles whose
// original signals lie in a window and stores the results as revisions
// (storage::PendingArticle::revision) through the group committer, like
// ingest and with its durability. In cluster mode (ServiceCore's
// deps.ingest set) the revision batches go through the cluster log instead,
// like a cluster ingest: each is one log record (or several), which every
// replica applies at the same log position, so the revisions get the same
// seqs on every node. Only the node that runs the rescore scores (with its
// lexicons); the replicas store the signals the record carries.
//
// The walk: the signals' summaries (storage/signal_summary.h, a tenth of
// the bytes of the signals) in seq order over (start, end] (the window's
// seqs for INGESTED_AT, the whole retained log for PUBLISHED_AT), in chunks
// of kRescoreScanChunk. An article's original signals are consecutive seqs
// with increasing doc_index, the same article_id and ingested_at, so they
// are grouped as they come; revisions are passed over. Each article's
// idempotency key is rebuilt (as ingest made it: from the id, else from the
// signals' exact fingerprints, read for those articles only) and checked
// against the key index, its raw article read by that key and scored again,
// "as of" its original ingested_at. A batch is scored on this thread and
// one of the work pool's (halves) while the batch before it commits.
//
// Idempotence: each revision batch is appended under the key "rescore:" +
// scorer version + "|" + the article's key, so an article never gets two
// sets of signals of one version, whatever crashed or raced; an article
// whose original is of the version is skipped too. Resuming: after each
// commit the last seq considered is kept as a job state (named by version
// and window), and the same call again starts after it. The job state is
// this node's (not replicated): the same call on another node of a cluster
// starts from the window's beginning and skips, by the revision keys its
// replica holds, what was rescored (the log's replicas drop a key stored
// meanwhile as a duplicate).
//
// Memory is bounded: one chunk of summaries, one batch (kRescoreBatchArticles
// raw articles or kRescoreBatchBytes of their text, and one article more)
// being scored and one being committed.

#ifndef TIDINGS_SERVICE_INTERNAL_RESCORE_H_
#define TIDINGS_SERVICE_INTERNAL_RESCORE_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"
#include "grpcpp/grpcpp.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

struct ServiceCore;

inline constexpr size_t kRescoreScanChunk = 1024;
// A batch is scored and committed once it holds this many articles or this
// many bytes of raw text, whichever comes first. Larger batches pay fewer
// WAL syncs (each commit syncs once); the byte bound keeps a batch of
// maximum-size articles in memory bounds.
inline constexpr size_t kRescoreBatchArticles = 2048;
inline constexpr size_t kRescoreBatchBytes = 16 << 20;

// The cheap checks of a request (INVALID_ARGUMENT naming the field):
// inverted window, unknown or RECEIVED_AT time_field, relative lexicons
// path.
absl::Status ValidateRescoreRequest(const v1::RescoreRequest& request);

// Runs a rescore until every article was considered or `stop()` returns
// true (checked between articles; what was scored is committed first, then
// CANCELLED). Calls `report` about once a second and last with done = true.
// NOT_FOUND / INVALID_ARGUMENT when the lexicons do not load; UNAVAILABLE
// or DATA_LOSS when storage fails (what was committed stays; run again).
// Blocks for the whole job: run it on a thread of its own.
absl::Status RunRescore(
    ServiceCore* core, const v1::RescoreRequest& request,
    const std::function<bool()>& stop,
    const std::function<void(const v1::RescoreProgress&)>& report);

// The stream: runs RunRescore on a thread of its own, writes the newest
// progress whenever the previous write is done, and ends with the job's
// status. Clears core->rescoring when the job has ended. REQUIRES: the request
// is valid and the caller set core->rescoring.
grpc::ServerWriteReactor<v1::RescoreProgress>* NewRescoreReactor(
    ServiceCore* core, const v1::RescoreRequest& request);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_RESCORE_H_
