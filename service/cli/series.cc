// Copyright 2026 The Tidings Authors.
//
// `tidings series`: index series by time bucket (the Series RPC), as an
// aligned table, CSV, or an SVG line chart (series_plot.h).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "service/cli/commands.h"
#include "service/cli/connection.h"
#include "service/cli/filter_flags.h"
#include "service/cli/format.h"
#include "service/cli/series_plot.h"
#include "service/convert.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::cli {
namespace {

// The command's flags beyond the shared filter.
struct SeriesFlags {
  std::string server = DefaultServer();
  std::optional<absl::Time> since, until, base_since, base_until;
  std::string time_field = "ingested";
  std::string bucket = "day";
  std::string group_by = "none";
  std::vector<std::string> directions;
  std::string value;
  uint32_t max_points = 0;
  bool csv = false;
  std::string plot;
  absl::Duration timeout = absl::Minutes(1);
  FilterFlags filter;
};

void Bind(FlagSet& flags, SeriesFlags* f) {
  flags.String("server", &f->server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Time("since", &f->since, "start of the series, inclusive (required)");
  flags.Time("until", &f->until, "end of the series, exclusive (default: now)");
  flags.String("time-field", &f->time_field, "ingested|published|received",
               "which time the buckets are on");
  flags.String("bucket", &f->bucket, "minute|hour|day|week",
               "bucket width (UTC; weeks start on Monday)");
  flags.String("group-by", &f->group_by, "none|entity|source|event",
               "one series per entity, source or event type");
  f->filter.Bind(flags, /*signals=*/false);
  flags.List("directions", &f->directions, "LIST",
             "only events with one of these directions count: up, down, flat, "
             "imposed, raised, threatened, delayed, eased, lifted, "
             "escalation, de_escalation (default: any)");
  flags.Time("base-since", &f->base_since,
             "index base period start: the share is scaled to mean 100 over "
             "[--base-since, --base-until)");
  flags.Time("base-until", &f->base_until, "index base period end");
  flags.Uint32("max-points", &f->max_points, "N",
               "most buckets x groups; 0 = the server's limit (100000)");
  flags.Bool("csv", &f->csv, "print CSV with a header line");
  flags.String("plot", &f->plot, "FILE.svg",
               "also draw the series as an SVG line chart into FILE");
  flags.String("value", &f->value,
               "count|share|index|sentiment|event-sentiment",
               "what --plot draws (default: index with a base period, share "
               "with --events, else count)");
  flags.Duration("timeout", &f->timeout, "deadline of the call");
}

// Fills `request` from the flags; a message for a usage error, or "".
std::string BuildRequest(const SeriesFlags& f, v1::SeriesRequest* request) {
  if (!f.since.has_value()) return "--since is required";
  const std::optional<v1::TimeField> field = ParseTimeField(f.time_field);
  if (!field.has_value()) {
    return absl::StrCat("bad value for --time-field: \"", f.time_field,
                        "\" (use ingested, published or received)");
  }
  request->set_time_field(*field);
  v1::SeriesBucket bucket;
  if (!v1::SeriesBucket_Parse(absl::AsciiStrToUpper(f.bucket), &bucket) ||
      bucket == v1::SERIES_BUCKET_UNSPECIFIED) {
    return absl::StrCat("bad value for --bucket: \"", f.bucket,
                        "\" (use minute, hour, day or week)");
  }
  request->set_bucket(bucket);
  const std::map<std::string, v1::SeriesGroupBy> groups = {
      {"none", v1::GROUP_BY_NONE},
      {"entity", v1::GROUP_BY_ENTITY},
      {"source", v1::GROUP_BY_SOURCE},
      {"event", v1::GROUP_BY_EVENT_TYPE}};
  auto group = groups.find(f.group_by);
  if (group == groups.end()) {
    return absl::StrCat("bad value for --group-by: \"", f.group_by,
                        "\" (use none, entity, source or event)");
  }
  request->set_group_by(group->second);
  for (const std::string& d : f.directions) {
    v1::Direction direction;
    if (!v1::Direction_Parse(absl::AsciiStrToUpper(d), &direction)) {
      return absl::StrCat("bad value for --directions: \"", d,
                          "\" (see --help for the names)");
    }
    request->add_directions(direction);
  }
  if (absl::Status s = f.filter.Fill(request); !s.ok()) {
    return std::string(s.message());
  }
  service::ToProto(*f.since, request->mutable_since());
  if (f.until) service::ToProto(*f.until, request->mutable_until());
  if (f.base_since.has_value() != f.base_until.has_value()) {
    return "give both --base-since and --base-until for an index";
  }
  if (f.base_since.has_value()) {
    v1::SeriesIndexBase* base = request->mutable_index_base();
    service::ToProto(*f.base_since, base->mutable_since());
    service::ToProto(*f.base_until, base->mutable_until());
  }
  request->set_max_points(f.max_points);
  return "";
}

std::string StartText(const v1::SeriesPoint& p, v1::SeriesBucket bucket) {
  const absl::Time t = service::FromProto(p.start());
  return absl::FormatTime(
      bucket == v1::DAY || bucket == v1::WEEK ? "%Y-%m-%d" : "%Y-%m-%dT%H:%MZ",
      t, absl::UTCTimeZone());
}

std::string Histogram(const v1::SeriesPoint& p) {
  return absl::StrJoin(p.sentiment_histogram(), "/");
}

// The cells of one point, in the table's and the CSV's column order.
std::vector<std::string> Cells(const v1::SeriesPoint& p,
                               v1::SeriesBucket bucket, bool grouped,
                               bool indexed) {
  std::vector<std::string> row = {StartText(p, bucket)};
  if (grouped) row.push_back(p.group());
  row.push_back(absl::StrCat(p.article_count()));
  row.push_back(absl::StrCat(p.event_count()));
  row.push_back(absl::StrFormat("%.2f", 100 * p.event_share()));
  row.push_back(absl::StrFormat("%+.3f", p.mean_sentiment()));
  row.push_back(absl::StrFormat("%+.3f", p.event_mean_sentiment()));
  row.push_back(Histogram(p));
  if (indexed) {
    row.push_back(p.has_index() ? absl::StrFormat("%.1f", p.index()) : "-");
  }
  return row;
}

std::vector<std::string> Header(bool grouped, bool indexed, bool csv) {
  std::vector<std::string> h = {csv ? "start" : "start (UTC)"};
  if (grouped) h.push_back("group");
  for (const char* name : {"articles", "events", "share_pct", "mean_sentiment",
                           "event_sentiment", "sentiment_bins"}) {
    h.push_back(name);
  }
  if (indexed) h.push_back("index");
  return h;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      // Text columns (time, group) to the left, numbers to the right.
      const bool left = i == 0 || (i == 1 && rows[0][1] == "group");
      const std::string pad(width[i] - row[i].size(), ' ');
      absl::StrAppend(&line, i == 0 ? "" : "  ",
                      left ? row[i] + pad : pad + row[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    WriteLine(line);
  }
}

std::string CsvCell(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// The value --plot draws, and its axis label.
struct PlotValue {
  std::string name;
  std::string label;
};

absl::StatusOr<PlotValue> ChoosePlotValue(const SeriesFlags& f,
                                          const v1::SeriesRequest& r) {
  std::string v = f.value;
  if (v.empty()) {
    v = r.has_index_base()         ? "index"
        : !r.event_types().empty() ? "share"
                                   : "count";
  }
  if (v == "count") return PlotValue{v, "articles per bucket"};
  if (v == "share")
    return PlotValue{v, "share of articles with the events (%)"};
  if (v == "index") {
    if (!r.has_index_base()) {
      return absl::InvalidArgumentError(
          "--value index needs --base-since and --base-until");
    }
    return PlotValue{v, "index (mean over the base period = 100)"};
  }
  if (v == "sentiment") return PlotValue{v, "mean sentiment (-1 to +1)"};
  if (v == "event-sentiment") {
    return PlotValue{v, "mean sentiment of the event articles (-1 to +1)"};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "bad value for --value: \"", v,
      "\" (use count, share, index, sentiment or event-sentiment)"));
}

double ValueOf(const v1::SeriesPoint& p, const std::string& value) {
  if (value == "share") return 100 * p.event_share();
  if (value == "index") return p.index();
  if (value == "sentiment") return p.mean_sentiment();
  if (value == "event-sentiment") return p.event_mean_sentiment();
  return static_cast<double>(p.article_count());
}

absl::Status WritePlot(const SeriesFlags& f, const v1::SeriesRequest& r,
                       const v1::SeriesResponse& resp, const PlotValue& value,
                       const std::string& command_line) {
  std::vector<PlotLine> lines;
  for (const v1::SeriesPoint& p : resp.points()) {
    if (lines.empty() || lines.back().name != p.group()) {
      lines.push_back(PlotLine{p.group(), {}, {}});
    }
    // Buckets without articles have no share, sentiment or index: a gap.
    const bool none = (value.name != "count" && p.article_count() == 0) ||
                      (value.name == "index" && !p.has_index()) ||
                      (value.name == "event-sentiment" && p.event_count() == 0);
    lines.back().times.push_back(service::FromProto(p.start()));
    lines.back().values.push_back(none ? std::nan("") : ValueOf(p, value.name));
  }
  PlotText text;
  text.title = command_line;
  text.subtitle = absl::StrCat(value.label, ", by ",
                               absl::AsciiStrToLower(f.bucket), " (UTC)");
  text.x_label = absl::StrCat(f.time_field, "_at (UTC), ",
                              absl::AsciiStrToLower(f.bucket), " buckets");
  text.y_label = value.label;
  std::ofstream out(f.plot, std::ios::binary | std::ios::trunc);
  out << RenderLineChart(lines, text);
  out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat("cannot write the plot to ", f.plot));
  }
  return absl::OkStatus();
}

void PrintSeries(const SeriesFlags& f, const v1::SeriesRequest& r,
                 const v1::SeriesResponse& resp) {
  const bool grouped = r.group_by() != v1::GROUP_BY_NONE;
  const bool indexed = r.has_index_base();
  std::vector<std::vector<std::string>> rows = {
      Header(grouped, indexed, f.csv)};
  for (const v1::SeriesPoint& p : resp.points()) {
    rows.push_back(Cells(p, r.bucket(), grouped, indexed));
  }
  if (!f.csv) {
    PrintTable(rows);
    return;
  }
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const std::string& c : row) cells.push_back(CsvCell(c));
    WriteLine(absl::StrJoin(cells, ","));
  }
}

}  // namespace

int RunSeries(const std::vector<std::string>& args) {
  SeriesFlags f;
  FlagSet flags(
      "tidings series", "[flags]",
      "Prints an index series (the Series RPC): per time bucket (and group),\n"
      "the articles, those with the --events (at --min-relevance, with one\n"
      "of the --directions) and their share in percent, the mean sentiment\n"
      "of all and of the event articles, the sentiment histogram (bins\n"
      "<-0.6/-0.2/0.2/0.6/+) and, with a base period, the index (the share\n"
      "scaled to mean 100 over it). Near-duplicates count once unless\n"
      "--include-duplicates. An aligned table, or --csv; --plot FILE.svg\n"
      "also draws it.");
  Bind(flags, &f);
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (!flags.positional().empty()) {
    return UsageError(flags, absl::StrCat("unexpected argument \"",
                                          flags.positional()[0], "\""));
  }
  v1::SeriesRequest request;
  if (std::string error = BuildRequest(f, &request); !error.empty()) {
    return UsageError(flags, error);
  }
  std::optional<PlotValue> value;
  if (!f.plot.empty()) {
    absl::StatusOr<PlotValue> chosen = ChoosePlotValue(f, request);
    if (!chosen.ok()) return UsageError(flags, chosen.status().message());
    value = *chosen;
  }
  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(f.server);
  grpc::ClientContext context;
  Authorize(&context);
  SetTimeout(&context, f.timeout);
  v1::SeriesResponse response;
  grpc::Status status = stub->Series(&context, request, &response);
  if (!status.ok()) return Fail(DescribeRpcError(status, f.server, "series"));
  PrintSeries(f, request, response);
  std::fflush(stdout);
  if (value.has_value()) {
    const std::string command_line =
        absl::StrCat("tidings series ", absl::StrJoin(args, " "));
    if (absl::Status s = WritePlot(f, request, response, *value, command_line);
        !s.ok()) {
      return Fail(s.message());
    }
    std::fprintf(stderr, "tidings: plot written to %s\n", f.plot.c_str());
  }
  return kExitOk;
}

}  // namespace tidings::cli
