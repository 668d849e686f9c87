// Copyright 2026 The Tidings Authors.
//
// direct_get.h: one stream message by sequence, read from any replica
// ($JS.API.DIRECT.GET.<stream>, cnats' js_DirectGetMsg), or from the
// stream leader (LeaderGet, for audits).
//
// A stream created (or updated) with allow_direct has every replica listen
// on that subject, so the read needs neither the stream leader nor the
// JetStream meta leader nor a consumer: any live replica answers, the one
// on the client's own server first. A replica should hold only records its
// stream's quorum committed, so that what it returns is in the log for good
// (nats-server 2.9.10 breaks this when a frozen stream leader resumes:
// cluster/README.md, "A frozen stream leader"); one that lags answers
// NOT_FOUND for records it has not got yet. nats-server
// 2.9 answers one message per request (batches came with 2.11).
//
// Blocking (one request, up to `timeout`): not for gRPC reactor threads.

#ifndef TIDINGS_CLUSTER_NATS_DIRECT_GET_H_
#define TIDINGS_CLUSTER_NATS_DIRECT_GET_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster::nats {

// The first message of `stream` on `subject` at or after `seq` (its stream
// seq: natsMsg_GetSequence; its headers, Nats-Msg-Id included, as
// published). NOT_FOUND: the answering replica holds none yet.
// FAILED_PRECONDITION: no server answers direct gets for the stream (it
// lacks allow_direct, or none of its replicas is up). UNAVAILABLE or
// DEADLINE_EXCEEDED: try again.
absl::StatusOr<MsgPtr> DirectGetFrom(NatsClient& client,
                                     const std::string& stream,
                                     const std::string& subject, uint64_t seq,
                                     absl::Duration timeout);

// The message of `stream` at `seq`, read from the stream's leader
// ($JS.API.STREAM.MSG.GET.<stream>, cnats' js_GetMsg). NOT_FOUND: the
// stream holds no message at `seq` (not written yet, or dropped).
// UNAVAILABLE or DEADLINE_EXCEEDED (no leader now): try again.
absl::StatusOr<MsgPtr> LeaderGet(NatsClient& client, const std::string& stream,
                                 uint64_t seq, absl::Duration timeout);

}  // namespace tidings::cluster::nats

#endif  // TIDINGS_CLUSTER_NATS_DIRECT_GET_H_
