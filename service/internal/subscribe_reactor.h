// Copyright 2026 The Tidings Authors.
//
// subscribe_reactor.h: Subscribe, a cursor over the signal log. It reads
// storage in chunks while it is behind and, once caught up, waits for the
// hub to say the head moved; a slow client only slows its own cursor. The
// first message is a heartbeat (where the log stands), then one every
// heartbeat_interval. OUT_OF_RANGE when the cursor starts, or while it reads
// storage falls, below the retained range; UNAVAILABLE at shutdown.

#ifndef TIDINGS_SERVICE_INTERNAL_SUBSCRIBE_REACTOR_H_
#define TIDINGS_SERVICE_INTERNAL_SUBSCRIBE_REACTOR_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "service/internal/filter.h"
#include "service/internal/service_core.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// Where a subscription starts (SubscribeRequest.start).
struct SubscribeStart {
  enum From { kSeq, kTime, kNow };
  From from = kNow;
  uint64_t seq = 0;                        // kSeq: deliver seq > this.
  absl::Time time = absl::InfinitePast();  // kTime: ingested at or after.
};

// Starts the stream (registers with the hub, schedules the first read).
// `peer` (the client's address) names the subscriber in the log.
grpc::ServerWriteReactor<grpc::ByteBuffer>* NewSubscribeReactor(
    ServiceCore* core, SignalFilter filter, SubscribeStart start,
    std::string peer);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_SUBSCRIBE_REACTOR_H_
