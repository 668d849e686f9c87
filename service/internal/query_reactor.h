// Copyright 2026 The Tidings Authors.
//
// query_reactor.h: Query, the Subscribe cursor over a fixed seq range
// (after_seq and the ingested_at window, as seqs), ending with OK after the
// last match or `limit` signals; QueryBatches, the same in SignalBatch
// messages. OUT_OF_RANGE when after_seq or an INGESTED_AT `since` lies below
// the retained range.

#ifndef TIDINGS_SERVICE_INTERNAL_QUERY_REACTOR_H_
#define TIDINGS_SERVICE_INTERNAL_QUERY_REACTOR_H_

#include <cstdint>

#include "grpcpp/grpcpp.h"
#include "service/internal/filter.h"
#include "service/internal/service_core.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// Most signals and bytes (beyond its first signal) in one SignalBatch.
inline constexpr size_t kBatchSignals = 1000;
inline constexpr size_t kBatchBytes = size_t{1} << 20;

// Starts the stream (schedules the first read). `ingested` is the request's
// ingested_at window (with as_of); the filter checks the other windows.
// `limit` 0 = no limit.
// Each message is a v1::Signal, or with `batched` a v1::SignalBatch.
grpc::ServerWriteReactor<grpc::ByteBuffer>* NewQueryReactor(
    ServiceCore* core, SignalFilter filter, TimeWindow ingested,
    uint64_t after_seq, uint32_t limit, bool batched);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_QUERY_REACTOR_H_
