// Copyright 2026 The Tidings Authors.
//
// ingest_stream_reactor.h: IngestStream. Each message is a serialised
// v1::Article, parsed by the service; each answer a v1::IngestResult, one per
// message in order, sent once that article's signals are durable (or at once
// for a message that does not parse, an invalid article, or one over the
// in-flight byte cap). Shutdown ends the stream with UNAVAILABLE after the
// results of the articles already being stored.

#ifndef TIDINGS_SERVICE_INTERNAL_INGEST_STREAM_REACTOR_H_
#define TIDINGS_SERVICE_INTERNAL_INGEST_STREAM_REACTOR_H_

#include "grpcpp/grpcpp.h"
#include "service/internal/service_core.h"

namespace tidings::service::internal {

// Starts the stream (registers it for shutdown, starts reading).
grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
NewIngestStreamReactor(ServiceCore* core);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_INGEST_STREAM_REACTOR_H_
