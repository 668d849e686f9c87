// Copyright 2026 The Tidings Authors.

#include "service/internal/time_windows.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "service/convert.h"
#include "service/internal/validation.h"

namespace tidings::service::internal {
namespace {

// The window of `field` in `windows`, or null for an unknown field.
TimeWindow* WindowOf(v1::TimeField field, TimeWindows* windows) {
  switch (field) {
    case v1::TIME_FIELD_UNSPECIFIED:
    case v1::INGESTED_AT:
      return &windows->ingested;
    case v1::PUBLISHED_AT:
      return &windows->published;
    case v1::RECEIVED_AT:
      return &windows->received;
    default:
      return nullptr;
  }
}

// Narrows the window of `field` by [since, until) as sent in the request;
// `what` names the part of the request in errors ("", "time_ranges[2].").
absl::Status AddRange(v1::TimeField field,
                      const google::protobuf::Timestamp* since,
                      const google::protobuf::Timestamp* until,
                      const std::string& what, TimeWindows* windows) {
  TimeWindow* window = WindowOf(field, windows);
  if (window == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, "time_field ", static_cast<int>(field),
        " is unknown; use INGESTED_AT (1), PUBLISHED_AT (2) or RECEIVED_AT "
        "(3)"));
  }
  std::optional<absl::Time> from, to;
  if (since != nullptr) {
    if (absl::Status s = ValidateTimestamp(*since, what + "since"); !s.ok()) {
      return s;
    }
    from = FromProto(*since);
  }
  if (until != nullptr) {
    if (absl::Status s = ValidateTimestamp(*until, what + "until"); !s.ok()) {
      return s;
    }
    to = FromProto(*until);
  }
  if (from && to && *from > *to) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inverted time range: ", what, "since (", absl::FormatTime(*from),
        ") is after ", what, "until (", absl::FormatTime(*to), ")"));
  }
  window->Narrow(from, to);
  return absl::OkStatus();
}

}  // namespace

void TimeWindow::Narrow(std::optional<absl::Time> from,
                        std::optional<absl::Time> to) {
  if (from) since = since ? std::max(*since, *from) : *from;
  if (to) until = until ? std::min(*until, *to) : *to;
}

bool TimeWindows::Contains(const v1::Signal& signal) const {
  if (ingested.bounded() && !ingested.Contains(FromProto(signal.ingested_at())))
    return false;
  if (published.bounded() &&
      (!signal.has_published_at() ||
       !published.Contains(FromProto(signal.published_at())))) {
    return false;
  }
  if (received.bounded() &&
      (!signal.has_received_at() ||
       !received.Contains(FromProto(signal.received_at())))) {
    return false;
  }
  return true;
}

absl::StatusOr<TimeWindows> QueryTimeWindows(const v1::QueryRequest& request) {
  TimeWindows windows;
  absl::Status s = AddRange(
      request.time_field(), request.has_since() ? &request.since() : nullptr,
      request.has_until() ? &request.until() : nullptr, "", &windows);
  if (!s.ok()) return s;
  if (request.time_ranges_size() > kMaxTimeRanges) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_ranges has ", request.time_ranges_size(),
                     " ranges; at most ", kMaxTimeRanges,
                     " are accepted (one per time field is enough: windows on "
                     "the same field intersect)"));
  }
  for (int i = 0; i < request.time_ranges_size(); ++i) {
    const v1::TimeRange& range = request.time_ranges(i);
    s = AddRange(range.field(), range.has_since() ? &range.since() : nullptr,
                 range.has_until() ? &range.until() : nullptr,
                 absl::StrCat("time_ranges[", i, "]."), &windows);
    if (!s.ok()) return s;
  }
  if (request.has_as_of()) {
    s = ValidateTimestamp(request.as_of(), "as_of");
    if (!s.ok()) return s;
    // At or before as_of: before the next representable instant.
    windows.ingested.Narrow(std::nullopt,
                            FromProto(request.as_of()) + absl::Nanoseconds(1));
  }
  return windows;
}

}  // namespace tidings::service::internal
