// Copyright 2026 The Tidings Authors.
//
// handles.h: RAII owners for cnats (libnats 3.4) objects, and the mapping
// of cnats errors to absl::Status.
//
// Every cnats object needs its own *_Destroy call; these unique_ptr types
// make that automatic. Destroy order matters where one object refers to
// another: a subscription and a JetStream context before their connection
// (NatsClient keeps that order).
//
// Errors come in three parts (research doc, gotcha 4): the natsStatus, the
// JetStream error code (jsErrCode, 0 when not a JetStream API error) and the
// thread-local text of nats_GetLastError(). NatsError() folds the three into
// one absl::Status; call it on the thread that got the error, right after
// the failing call, or the text is lost.

#ifndef TIDINGS_CLUSTER_NATS_HANDLES_H_
#define TIDINGS_CLUSTER_NATS_HANDLES_H_

#include <nats/nats.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tidings::cluster::nats {

template <typename T, void (*Destroy)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Destroy(p);
  }
};

using OptionsPtr =
    std::unique_ptr<natsOptions, Deleter<natsOptions, natsOptions_Destroy>>;
using ConnectionPtr =
    std::unique_ptr<natsConnection,
                    Deleter<natsConnection, natsConnection_Destroy>>;
using JsCtxPtr = std::unique_ptr<jsCtx, Deleter<jsCtx, jsCtx_Destroy>>;
using MsgPtr = std::unique_ptr<natsMsg, Deleter<natsMsg, natsMsg_Destroy>>;
using SubscriptionPtr =
    std::unique_ptr<natsSubscription,
                    Deleter<natsSubscription, natsSubscription_Destroy>>;
using StreamInfoPtr =
    std::unique_ptr<jsStreamInfo, Deleter<jsStreamInfo, jsStreamInfo_Destroy>>;
using ConsumerInfoPtr =
    std::unique_ptr<jsConsumerInfo,
                    Deleter<jsConsumerInfo, jsConsumerInfo_Destroy>>;
using MetaDataPtr =
    std::unique_ptr<jsMsgMetaData,
                    Deleter<jsMsgMetaData, jsMsgMetaData_Destroy>>;

// The absl::Status for a failed cnats call: `what` names the operation
// ("create stream TIDINGS"), followed by cnats' own text, the status name
// and the JetStream error code. The code:
//   NATS_TIMEOUT                       DEADLINE_EXCEEDED
//   NATS_NO_RESPONDERS, NATS_NO_SERVER, connection closed/disconnected,
//   NATS_IO_ERROR, NATS_STALE_CONNECTION, missed heartbeat, a full
//   reconnect buffer, a slow consumer,
//   JetStream "cluster not available" / "insufficient resources"
//                                      UNAVAILABLE
//   wrong last sequence (10071)        FAILED_PRECONDITION
//   stream or consumer not found       NOT_FOUND
//   NATS_INVALID_ARG, NATS_INVALID_SUBJECT, NATS_MAX_PAYLOAD
//                                      INVALID_ARGUMENT
//   anything else                      INTERNAL
absl::Status NatsError(natsStatus s, int code, absl::string_view what);

// The same for an error reported in a callback (jsPubAckErr), whose text
// comes with it rather than from nats_GetLastError().
absl::Status NatsError(natsStatus s, int code, const char* text,
                       absl::string_view what);

// True for the failures a retry may cure (UNAVAILABLE, DEADLINE_EXCEEDED).
bool IsTransient(const absl::Status& status);

}  // namespace tidings::cluster::nats

#endif  // TIDINGS_CLUSTER_NATS_HANDLES_H_
