// Copyright 2026 The Tidings Authors.
//
// grace_sink.h: an IngestSink in front of another (cluster mode: in front of
// ClusterIngest) that the server's shutdown can cut short. A cluster ingest
// is answered only once the log acknowledged its record and this node's
// replica applied it, which can take longer than --shutdown-grace (a stalled
// replica, a log without quorum). At the grace's end, Abandon() answers
// every batch still waiting with UNAVAILABLE ("outcome unknown, retry"), so
// that the calls finish and gRPC's shutdown returns in time; what the inner
// sink answers later is dropped. Batches submitted after Abandon() are
// answered the same way at once.

#ifndef TIDINGS_SERVICE_INTERNAL_GRACE_SINK_H_
#define TIDINGS_SERVICE_INTERNAL_GRACE_SINK_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "service/internal/committer.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

class GraceSink final : public IngestSink {
 public:
  // `inner` is not owned and must outlive every Submit() call (its late
  // answers may come after this sink is gone: they only touch shared
  // state). `head` gives the head seq abandoned batches are answered with.
  GraceSink(IngestSink* inner, std::function<uint64_t()> head);
  ~GraceSink() override;

  void Submit(std::vector<storage::PendingArticle> batch, Done done) override;

  // Answers every batch not answered yet with `status` (which must not be
  // OK), and every later one at once. Returns how many were waiting.
  // Thread-safe; the answers run on the calling thread.
  size_t Abandon(absl::Status status);

 private:
  struct Shared;
  IngestSink* const inner_;
  const std::function<uint64_t()> head_;
  const std::shared_ptr<Shared> shared_;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_GRACE_SINK_H_
