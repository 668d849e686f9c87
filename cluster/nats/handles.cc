// Copyright 2026 The Tidings Authors.

#include "cluster/nats/handles.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace tidings::cluster::nats {
namespace {

absl::StatusCode CodeFor(natsStatus s, int code) {
  switch (code) {
    case JSStreamWrongLastSequenceErr:
      return absl::StatusCode::kFailedPrecondition;
    case JSStreamNotFoundErr:
    case JSConsumerNotFoundErr:
      return absl::StatusCode::kNotFound;
    case JSClusterNotAvailErr:
    case JSInsufficientResourcesErr:
    case JSClusterNoPeersErr:
    case JSStreamOfflineErr:
      return absl::StatusCode::kUnavailable;
    default:
      break;
  }
  switch (s) {
    case NATS_TIMEOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case NATS_NO_RESPONDERS:
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_IO_ERROR:
    case NATS_STALE_CONNECTION:
    case NATS_MISSED_HEARTBEAT:
    case NATS_DRAINING:
    case NATS_INSUFFICIENT_BUFFER:  // The reconnect buffer is full.
    case NATS_SLOW_CONSUMER:
      return absl::StatusCode::kUnavailable;
    case NATS_NOT_FOUND:
      return absl::StatusCode::kNotFound;
    case NATS_INVALID_ARG:
    case NATS_INVALID_SUBJECT:
    case NATS_MAX_PAYLOAD:
    case NATS_INVALID_TIMEOUT:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status NatsError(natsStatus s, int code, absl::string_view what) {
  natsStatus last = NATS_OK;
  return NatsError(s, code, nats_GetLastError(&last), what);
}

absl::Status NatsError(natsStatus s, int code, const char* text,
                       absl::string_view what) {
  std::string msg = absl::StrCat(what, ": ", natsStatus_GetText(s));
  if (text != nullptr && text[0] != '\0')
    absl::StrAppend(&msg, " (", text, ")");
  if (code != 0) absl::StrAppend(&msg, " [JetStream error ", code, "]");
  return absl::Status(CodeFor(s, code), msg);
}

bool IsTransient(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

}  // namespace tidings::cluster::nats
