// Copyright 2026 The Tidings Authors.
//
// format.h: how the `tidings` command line reads and prints the public
// types: protobuf JSON (proto field names, enum names), the readable one-line
// form of a signal, CSV, event-type names on the command line, and error
// messages for failed RPCs that say what to do next. Pure functions;
// thread-safe.

#ifndef TIDINGS_SERVICE_CLI_FORMAT_H_
#define TIDINGS_SERVICE_CLI_FORMAT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/status.h"
#include "grpcpp/support/string_ref.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {

// The protobuf JSON mapping of `message` on one line, with the proto field
// names (snake_case) and enum names; fields at their default are omitted.
// 64-bit integers are JSON strings, as the mapping says. `pretty` indents.
std::string ToJson(const google::protobuf::Message& message,
                   bool pretty = false);

// Parses one protobuf-JSON object into `message`. Unknown keys are errors
// unless `ignore_unknown_fields`. INVALID_ARGUMENT with the parser's message.
absl::Status FromJson(std::string_view json, google::protobuf::Message* message,
                      bool ignore_unknown_fields);

// Event types on the command line: "gold", "tariff", "sanctions",
// "geopolitical" (also "geo"), or the enum names (GOLD_PRICE_MOVE, ...),
// case-insensitive. INVALID_ARGUMENT lists the accepted names.
absl::StatusOr<v1::EventType> ParseEventType(std::string_view name);
absl::StatusOr<std::vector<v1::EventType>> ParseEventTypes(
    const std::vector<std::string>& names);

// "ingested", "published", "received" (or with "_at"); nullopt otherwise.
std::optional<v1::TimeField> ParseTimeField(std::string_view name);

// "gold", "tariff", "sanctions", "geopolitical".
std::string ShortEventName(v1::EventType type);

// One readable line (no newline), e.g.
//   #3 2026-01-05T10:00:03Z reuters "Gold Advances ..." |
//   gold=up@0.92(+1.2%) tariff=threatened@0.80 | positive +0.42
// plus " | duplicate of #N" for near-duplicates.
std::string FormatSignalLine(const v1::Signal& signal);

// CSV (RFC 4180): a header line and one line per signal (no newline). Events
// are "type:direction:relevance" joined by ';', entities their ids joined by
// ';'.
std::string CsvHeader();
std::string FormatSignalCsv(const v1::Signal& signal);

// A one-line message for a failed call to `server`, naming the next step:
//   cannot reach server at 127.0.0.1:50051: is `tidings serve` running?
//   (UNAVAILABLE: failed to connect to all addresses)
// `what` names the call ("ingest", "query"); `timeout_flag` the flag that
// sets its deadline, mentioned on DEADLINE_EXCEEDED.
std::string DescribeRpcError(const grpc::Status& status,
                             std::string_view server, std::string_view what,
                             std::string_view timeout_flag = "--timeout");

// "UNAVAILABLE", "INVALID_ARGUMENT", ... for a gRPC / absl status code.
std::string CodeName(int code);

// The server's retry hint in a call's trailing metadata: gRPC's standard
// "grpc-retry-pushback-ms" (gRFC A6), in milliseconds; nullopt when absent or
// not a number (a negative value means "do not retry").
std::optional<int64_t> RetryPushbackMs(
    const std::multimap<grpc::string_ref, grpc::string_ref>& trailers);

// A duration for people: "0.05s", "12.3s", "4m05s", "2h03m".
std::string FormatElapsed(absl::Duration d);

// A rate per second: "3.5" below 10, else whole ("850").
std::string FormatRate(double per_second);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_FORMAT_H_
