// Copyright 2026 The Tidings Authors.
//
// convert.h: scoring values <-> the public protobuf types, and the mapping of
// absl::Status to grpc::Status. The one place where the two meet.

#ifndef TIDINGS_SERVICE_CONVERT_H_
#define TIDINGS_SERVICE_CONVERT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"
#include "scoring/types.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service {

// Fills `signal` from a scored document (all fields but seq, ingested_at and
// duplicate_of_seq, which storage sets). Evidence text is copied from the
// document text.
void ToSignal(const scoring::ScoredDocument& doc, const v1::Article& article,
              const std::string& scorer_version, v1::Signal* signal);

// Removes the events below `min_relevance` from `signal` (what `score`
// prints and `Subscribe` delivers).
void DropWeakEvents(double min_relevance, v1::Signal* signal);

// Strips what `view` leaves out (SIGNAL_VIEW_COMPACT: body and evidence);
// FULL and UNSPECIFIED change nothing.
void ApplyView(v1::SignalView view, v1::Signal* signal);

absl::Time FromProto(const google::protobuf::Timestamp& ts);
void ToProto(absl::Time t, google::protobuf::Timestamp* ts);

// The codes of absl::StatusCode and grpc::StatusCode are the same numbers.
grpc::Status ToGrpc(const absl::Status& status);

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_CONVERT_H_
