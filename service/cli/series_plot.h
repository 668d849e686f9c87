// Copyright 2026 The Tidings Authors.
//
// series_plot.h: a line chart of time series as a standalone SVG file,
// written by hand (no plotting library): a title, a subtitle, a time axis
// with UTC date (or date and time) tick labels, a value axis with "nice"
// ticks and its unit, grid lines, one coloured line (with dots when there
// are few points) per series, and a legend naming each series. Pure
// functions; thread-safe.

#ifndef TIDINGS_SERVICE_CLI_SERIES_PLOT_H_
#define TIDINGS_SERVICE_CLI_SERIES_PLOT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace tidings::cli {

struct PlotLine {
  std::string name;  // Legend text.
  std::vector<absl::Time> times;
  std::vector<double> values;  // Same length as times; NaN = a gap.
};

struct PlotText {
  std::string title;     // E.g. the command line that asked for the series.
  std::string subtitle;  // E.g. what is plotted and how it is bucketed.
  std::string x_label;   // E.g. "published_at (UTC), daily buckets".
  std::string y_label;   // With its unit, e.g. "share of articles (%)".
};

// The SVG document (UTF-8, with the XML declaration). Lines with no points
// are listed in the legend only; with no point at all the axes span a day
// and 0..1.
std::string RenderLineChart(const std::vector<PlotLine>& lines,
                            const PlotText& text);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string XmlEscape(std::string_view text);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_SERIES_PLOT_H_
