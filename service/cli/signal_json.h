// Copyright 2026 The Tidings Authors.
//
// signal_json.h: tidings.v1.Signal as protobuf JSON through the generated
// accessors, for `tidings score --jsonl` (issue 12 item 4).
//
// Printing through reflection spends most of its time asking which fields
// are set; this writer reads the fields directly. It prints what
// MessageToJsonString (protobuf 3.21, preserve_proto_field_names, no
// whitespace) prints: the fields in number order, proto3 defaults left out
// (a double counts as set when its bits are not zero, so -0.0 is printed, as
// protobuf does), 64-bit integers quoted, enums by name, Timestamps in RFC
// 3339, the same escaping and number text (json_text.h).
//
// It knows the fields of Signal and the messages under it as tidings.proto
// declares them today. SignalWriterMatchesSchema() compares that knowledge
// with the descriptors; when they differ (a field was added or changed) the
// caller must use MessageToJsonString, and the test
// ScoreJsonTest.TypedWriterKnowsTheSchema fails until signal_json.cc is
// brought up to date.

#ifndef TIDINGS_SERVICE_CLI_SIGNAL_JSON_H_
#define TIDINGS_SERVICE_CLI_SIGNAL_JSON_H_

#include <string>

#include "service/cli/json_text.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli::score_json {

// True when the field lists written into AppendSignalJson match the
// descriptors of tidings.v1.Signal and every message it contains. Cheap
// after the first call.
bool SignalWriterMatchesSchema();

// Appends `signal` as JSON to `out`. Returns false (with `out` holding a
// partial line that the caller must cut) on what the protobuf printer would
// print differently or refuse: non-finite doubles, enum values without a
// name, strings that are not valid UTF-8, Timestamps out of its range.
// Doubles are printed through `doubles` (one per thread). Use only when
// SignalWriterMatchesSchema().
bool AppendSignalJson(const v1::Signal& signal, DoubleTextCache* doubles,
                      std::string* out);

}  // namespace tidings::cli::score_json

#endif  // TIDINGS_SERVICE_CLI_SIGNAL_JSON_H_
