// Copyright 2026 The Tidings Authors.

#include "service/cli/format.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "service/cli/args.h"
#include "service/convert.h"

namespace tidings::cli {
namespace {

absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// `t` in RFC 3339, or "" when the signal does not have it.
std::string TimeOrEmpty(bool has, const google::protobuf::Timestamp& t) {
  return has ? FormatRfc3339(service::FromProto(t)) : std::string();
}

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

std::string DirectionName(v1::Direction d) {
  if (d == v1::DIRECTION_UNSPECIFIED) return "";
  return Lower(v1::Direction_Name(d));
}

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(field);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(Absl(field), {{"\"", "\"\""}}),
                      "\"");
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = pretty;
  std::string out;
  auto status =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    // Only possible for messages with unresolvable Any fields; we have none.
    return absl::StrCat("{\"error\":", "\"cannot print ", message.GetTypeName(),
                        " as JSON\"}");
  }
  if (pretty && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

absl::Status FromJson(std::string_view json, google::protobuf::Message* message,
                      bool ignore_unknown_fields) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown_fields;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message,
      options);
  if (!status.ok()) {
    // The parser's message quotes the input on further lines; keep the first.
    absl::string_view message(status.message().data(), status.message().size());
    return absl::InvalidArgumentError(message.substr(0, message.find('\n')));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::EventType> ParseEventType(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(Absl(name));
  if (lower == "gold" || lower == "gold_price_move") return v1::GOLD_PRICE_MOVE;
  if (lower == "tariff" || lower == "tariffs") return v1::TARIFF;
  if (lower == "sanctions" || lower == "sanction") return v1::SANCTIONS;
  if (lower == "geopolitical" || lower == "geo" ||
      lower == "geopolitical_tension") {
    return v1::GEOPOLITICAL_TENSION;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown event type \"", Absl(name),
                   "\": use gold, tariff, sanctions or geopolitical"));
}

std::optional<v1::TimeField> ParseTimeField(std::string_view name) {
  if (name == "ingested" || name == "ingested_at") return v1::INGESTED_AT;
  if (name == "published" || name == "published_at") return v1::PUBLISHED_AT;
  if (name == "received" || name == "received_at") return v1::RECEIVED_AT;
  return std::nullopt;
}

absl::StatusOr<std::vector<v1::EventType>> ParseEventTypes(
    const std::vector<std::string>& names) {
  std::vector<v1::EventType> out;
  for (const std::string& name : names) {
    absl::StatusOr<v1::EventType> type = ParseEventType(name);
    if (!type.ok()) return type.status();
    out.push_back(*type);
  }
  return out;
}

std::string ShortEventName(v1::EventType type) {
  switch (type) {
    case v1::GOLD_PRICE_MOVE:
      return "gold";
    case v1::TARIFF:
      return "tariff";
    case v1::SANCTIONS:
      return "sanctions";
    case v1::GEOPOLITICAL_TENSION:
      return "geopolitical";
    default:
      return absl::StrCat("event", static_cast<int>(type));
  }
}

std::string FormatSignalLine(const v1::Signal& s) {
  std::string time = TimeOrEmpty(s.has_ingested_at(), s.ingested_at());
  if (time.empty()) time = TimeOrEmpty(s.has_published_at(), s.published_at());
  std::string line =
      absl::StrCat("#", s.seq(), " ", time.empty() ? std::string("-") : time,
                   " ", s.source().empty() ? "-" : s.source(), " \"",
                   s.title().empty() ? "(untitled)" : s.title(), "\" |");
  if (s.events().empty()) absl::StrAppend(&line, " no events");
  for (const v1::Event& e : s.events()) {
    absl::StrAppend(&line, " ", ShortEventName(e.type()));
    std::string direction = DirectionName(e.direction());
    if (!direction.empty()) absl::StrAppend(&line, "=", direction);
    absl::StrAppend(&line, absl::StrFormat("@%.2f", e.relevance()));
    if (e.has_magnitude() && e.magnitude().has_percent()) {
      absl::StrAppend(&line,
                      absl::StrFormat("(%+.1f%%)", e.magnitude().percent()));
    }
  }
  const v1::Sentiment& sentiment = s.sentiment();
  std::string label = sentiment.label() == v1::SENTIMENT_LABEL_UNSPECIFIED
                          ? "neutral"
                          : Lower(v1::SentimentLabel_Name(sentiment.label()));
  absl::StrAppend(&line, " | ", label,
                  absl::StrFormat(" %+.2f", sentiment.score()));
  if (s.duplicate_of_seq() != 0) {
    absl::StrAppend(&line, " | duplicate of #", s.duplicate_of_seq());
  }
  if (s.rescore_of_seq() != 0) {
    absl::StrAppend(&line, " | rescore of #", s.rescore_of_seq());
  }
  return line;
}

std::string CsvHeader() {
  return "seq,ingested_at,published_at,source,article_id,doc_index,title,url,"
         "sentiment_label,sentiment_score,events,entities,duplicate_of_seq,"
         "scorer_version,author,published_origin,received_at,rescore_of_seq";
}

std::string FormatSignalCsv(const v1::Signal& s) {
  std::vector<std::string> events;
  for (const v1::Event& e : s.events()) {
    events.push_back(absl::StrFormat("%s:%s:%.3f", v1::EventType_Name(e.type()),
                                     e.direction() == v1::DIRECTION_UNSPECIFIED
                                         ? ""
                                         : v1::Direction_Name(e.direction()),
                                     e.relevance()));
  }
  std::vector<std::string> entities;
  for (const v1::Entity& e : s.entities()) entities.push_back(e.id());
  std::string label = s.sentiment().label() == v1::SENTIMENT_LABEL_UNSPECIFIED
                          ? ""
                          : v1::SentimentLabel_Name(s.sentiment().label());
  std::vector<std::string> fields = {
      absl::StrCat(s.seq()),
      TimeOrEmpty(s.has_ingested_at(), s.ingested_at()),
      TimeOrEmpty(s.has_published_at(), s.published_at()),
      CsvField(s.source()),
      CsvField(s.article_id()),
      absl::StrCat(s.doc_index()),
      CsvField(s.title()),
      CsvField(s.url()),
      label,
      absl::StrFormat("%.4f", s.sentiment().score()),
      CsvField(absl::StrJoin(events, ";")),
      CsvField(absl::StrJoin(entities, ";")),
      absl::StrCat(s.duplicate_of_seq()),
      CsvField(s.scorer_version()),
      CsvField(s.author()),
      s.published_origin() == v1::TIME_ORIGIN_UNSPECIFIED
          ? std::string()
          : v1::TimeOrigin_Name(s.published_origin()),
      TimeOrEmpty(s.has_received_at(), s.received_at()),
      absl::StrCat(s.rescore_of_seq()),
  };
  return absl::StrJoin(fields, ",");
}

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string DescribeRpcError(const grpc::Status& status,
                             std::string_view server, std::string_view what,
                             std::string_view timeout_flag) {
  const std::string detail = absl::StrCat("(", CodeName(status.error_code()),
                                          ": ", status.error_message(), ")");
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::StrCat("cannot reach server at ", Absl(server),
                          ": is `tidings serve` running? Pass --server "
                          "HOST:PORT (or set TIDINGS_SERVER) if it listens "
                          "elsewhere. ",
                          detail);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StrCat(Absl(what), ": server at ", Absl(server),
                          " did not answer in time; retry with a larger ",
                          Absl(timeout_flag), " ", detail);
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::StrCat(Absl(what), ": the server rejected the request: ",
                          status.error_message(),
                          " (INVALID_ARGUMENT; fix the input and retry)");
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::StrCat(
          Absl(what), ": the server is at a limit: ", status.error_message(),
          " (RESOURCE_EXHAUSTED; retry later, send less at "
          "once, or raise the matching `tidings serve` flag)");
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StrCat(Absl(what), ": the server at ", Absl(server),
                          " does not implement this call; is it a Tidings "
                          "server of the same version? ",
                          detail);
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::StrCat(Absl(what), ": the server at ", Absl(server),
                          " refused the call ", detail);
    default:
      return absl::StrCat(Absl(what), " failed ", detail);
  }
}

std::optional<int64_t> RetryPushbackMs(
    const std::multimap<grpc::string_ref, grpc::string_ref>& trailers) {
  auto it = trailers.find("grpc-retry-pushback-ms");
  if (it == trailers.end()) return std::nullopt;
  int64_t ms = 0;
  if (!absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()),
                        &ms)) {
    return std::nullopt;
  }
  return ms;
}

std::string FormatElapsed(absl::Duration d) {
  const double seconds = absl::ToDoubleSeconds(d);
  if (seconds < 10) return absl::StrFormat("%.2fs", seconds);
  if (seconds < 60) return absl::StrFormat("%.1fs", seconds);
  const int64_t whole = absl::ToInt64Seconds(d);
  if (whole < 3600) return absl::StrFormat("%dm%02ds", whole / 60, whole % 60);
  return absl::StrFormat("%dh%02dm", whole / 3600, whole % 3600 / 60);
}

std::string FormatRate(double per_second) {
  if (per_second < 10) return absl::StrFormat("%.1f", per_second);
  return absl::StrFormat("%.0f", per_second);
}

}  // namespace tidings::cli
