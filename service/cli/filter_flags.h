// Copyright 2026 The Tidings Authors.
//
// filter_flags.h: the filter flags that `tidings tail`, `query` and
// `series` share (--events, --entities, --sources, --min-relevance,
// --include-duplicates, --version; --compact for the commands that print
// signals), bound once and filled into a Filter or a SeriesRequest.

#ifndef TIDINGS_SERVICE_CLI_FILTER_FLAGS_H_
#define TIDINGS_SERVICE_CLI_FILTER_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/cli/args.h"
#include "service/cli/format.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {

struct FilterFlags {
  std::vector<std::string> events;
  std::vector<std::string> entities;
  std::vector<std::string> sources;
  double min_relevance = 0;
  bool include_duplicates = false;
  bool compact = false;
  std::string version;  // --version: first | latest | a scorer_version.

  // `signals`: the command prints signals (binds --compact).
  void Bind(FlagSet& flags, bool signals = true) {
    flags.List("events", &events, "LIST",
               signals ? "only signals with any of these events: gold, "
                         "tariff, sanctions, geopolitical (default: all)"
                       : "the events counted: gold, tariff, sanctions, "
                         "geopolitical (default: any)");
    flags.List("entities", &entities, "LIST",
               "only signals naming any of these entity ids, e.g. "
               "country:RU,person:putin (default: all)");
    flags.List("sources", &sources, "LIST",
               "only signals from any of these sources (default: all)");
    flags.Double("min-relevance", &min_relevance, "X",
                 "events below X do not count; 0 = the server's default", 0.0,
                 1.0);
    flags.Bool("include-duplicates", &include_duplicates,
               signals ? "also deliver near-duplicate stories"
                       : "count near-duplicate stories too (default: a "
                         "near-duplicate cluster counts once)");
    flags.String("version", &version, "first|latest|NAME",
                 "which versions of rescored signals: first = as first "
                 "delivered (the default), latest = the newest of each, or a "
                 "scorer_version (`tidings versions` lists them)");
    if (signals) {
      flags.Bool("compact", &compact,
                 "--json without body and evidence (the text and CSV "
                 "outputs never print them, so they always ask for less)");
    }
  }

  // What to ask the server for: the full signal only when it is printed.
  v1::SignalView View(bool json) const {
    return json && !compact ? v1::SIGNAL_VIEW_FULL : v1::SIGNAL_VIEW_COMPACT;
  }

  // INVALID_ARGUMENT for an unknown event name.
  absl::Status Fill(v1::Filter* filter) const {
    absl::StatusOr<std::vector<v1::EventType>> types = ParseEventTypes(events);
    if (!types.ok()) return types.status();
    for (v1::EventType t : *types) filter->add_event_types(t);
    for (const std::string& e : entities) filter->add_entities(e);
    for (const std::string& s : sources) filter->add_sources(s);
    filter->set_min_relevance(min_relevance);
    filter->set_include_duplicates(include_duplicates);
    return absl::OkStatus();
  }

  // --version as a selector ("" and "first": as first delivered).
  void FillVersion(v1::VersionSelector* selector) const {
    if (version.empty() || version == "first") {
      selector->set_kind(v1::VersionSelector::AS_FIRST_DELIVERED);
    } else if (version == "latest") {
      selector->set_kind(v1::VersionSelector::LATEST);
    } else {
      selector->set_kind(v1::VersionSelector::NAMED);
      selector->set_scorer_version(version);
    }
  }

  // The same flags in a SeriesRequest: --events are the events counted,
  // and near-duplicates count once unless --include-duplicates.
  absl::Status Fill(v1::SeriesRequest* request) const {
    absl::StatusOr<std::vector<v1::EventType>> types = ParseEventTypes(events);
    if (!types.ok()) return types.status();
    for (v1::EventType t : *types) request->add_event_types(t);
    for (const std::string& e : entities) request->add_entities(e);
    for (const std::string& s : sources) request->add_sources(s);
    request->set_min_relevance(min_relevance);
    request->set_dedup_near_duplicates(!include_duplicates);
    FillVersion(request->mutable_version());
    return absl::OkStatus();
  }
};

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_FILTER_FLAGS_H_
