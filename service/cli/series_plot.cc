// Copyright 2026 The Tidings Authors.

#include "service/cli/series_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"

namespace tidings::cli {
namespace {

// Canvas and plot area, in SVG user units.
constexpr double kWidth = 1000;
constexpr double kHeight = 560;
constexpr double kLeft = 80;
constexpr double kRight = 220;  // The legend lives here.
constexpr double kTop = 86;     // Two title lines and the subtitle.
constexpr double kBottom = 70;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;
constexpr int kMaxLegend = 16;
constexpr size_t kTitleChars = 110;

// Colour-blind-friendly palette (Okabe-Ito, then Tableau).
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                    "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1"};

// A value-axis step of 1, 2 or 5 times a power of ten giving about
// `target` ticks over `span`.
double NiceStep(double span, int target) {
  const double raw = span / target;
  const double power = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

std::string FormatTick(double v, double step) {
  const int decimals =
      step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return absl::StrFormat("%.*f", decimals, v);
}

// Time-axis ticks: a step from minutes to years chosen for at most ~8
// ticks, aligned to UTC boundaries (calendar months and years).
struct TimeTicks {
  std::vector<absl::Time> at;
  bool dates_only = true;
};

TimeTicks MakeTimeTicks(absl::Time from, absl::Time to) {
  TimeTicks ticks;
  const absl::Duration span = to - from;
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Duration steps[] = {
      absl::Minutes(1),  absl::Minutes(5),    absl::Minutes(15),
      absl::Minutes(30), absl::Hours(1),      absl::Hours(3),
      absl::Hours(6),    absl::Hours(12),     absl::Hours(24),
      absl::Hours(48),   absl::Hours(24 * 7), absl::Hours(24 * 14)};
  for (absl::Duration step : steps) {
    if (span / step > 8) continue;
    ticks.dates_only = step >= absl::Hours(24);
    // Weeks from a Monday (1969-12-29), the rest from the epoch.
    const absl::Time origin = step >= absl::Hours(24 * 7)
                                  ? absl::FromUnixSeconds(-3 * 86400)
                                  : absl::UnixEpoch();
    absl::Time t =
        origin + step * std::ceil(absl::FDivDuration(from - origin, step));
    for (; t <= to; t += step) ticks.at.push_back(t);
    return ticks;
  }
  for (int months : {1, 2, 3, 6, 12, 24, 60, 120}) {
    if (absl::ToDoubleHours(span) / (24 * 30.44 * months) > 8) continue;
    absl::CivilMonth m = absl::ToCivilMonth(from, utc);
    m = absl::CivilMonth(m.year(), ((m.month() - 1) / months) * months + 1);
    if (months >= 12)
      m = absl::CivilMonth(m.year() - m.year() % (months / 12), 1);
    for (; absl::FromCivil(m, utc) <= to; m += months) {
      if (absl::FromCivil(m, utc) >= from) {
        ticks.at.push_back(absl::FromCivil(m, utc));
      }
    }
    return ticks;
  }
  return ticks;
}

// Splits `text` at spaces into lines of at most about `width` characters.
std::vector<std::string> Wrap(std::string_view text, size_t width) {
  std::vector<std::string> lines(1);
  for (absl::string_view word :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ' ',
                      absl::SkipEmpty())) {
    if (!lines.back().empty() &&
        lines.back().size() + 1 + word.size() > width) {
      lines.emplace_back();
    }
    if (!lines.back().empty()) lines.back().push_back(' ');
    absl::StrAppend(&lines.back(), word);
  }
  return lines;
}

std::string Text(double x, double y, std::string_view anchor,
                 std::string_view attrs, std::string_view text) {
  return absl::StrFormat(
      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n", x, y,
      anchor, attrs, XmlEscape(text));
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RenderLineChart(const std::vector<PlotLine>& lines,
                            const PlotText& text) {
  // Ranges.
  absl::Time t0 = absl::InfiniteFuture(), t1 = absl::InfinitePast();
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const PlotLine& line : lines) {
    for (size_t i = 0; i < line.times.size(); ++i) {
      t0 = std::min(t0, line.times[i]);
      t1 = std::max(t1, line.times[i]);
      if (std::isnan(line.values[i])) continue;
      lo = std::min(lo, line.values[i]);
      hi = std::max(hi, line.values[i]);
    }
  }
  if (t0 == absl::InfiniteFuture()) {
    t0 = absl::UnixEpoch();
    t1 = t0 + absl::Hours(24);
    lo = 0;
    hi = 1;
  }
  if (t1 <= t0) t1 = t0 + absl::Hours(24);
  lo = std::min(lo, 0.0);  // Counts and shares start at zero.
  if (hi <= lo) hi = lo + 1;
  const double step = NiceStep(hi - lo, 5);
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;
  auto x_of = [&](absl::Time t) {
    return kLeft + kPlotWidth * absl::FDivDuration(t - t0, t1 - t0);
  };
  auto y_of = [&](double v) {
    return kTop + kPlotHeight * (1 - (v - lo) / (hi - lo));
  };

  std::string svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<title>%s</title>\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      kWidth, kHeight, kWidth, kHeight, XmlEscape(text.title));
  // The title (a command line, often long) wraps at spaces.
  double title_y = 22;
  for (const std::string& line : Wrap(text.title, kTitleChars)) {
    absl::StrAppend(&svg, Text(kWidth / 2, title_y, "middle",
                               " font-size=\"14\" font-weight=\"bold\"", line));
    title_y += 18;
  }
  absl::StrAppend(&svg, Text(kWidth / 2, title_y + 2, "middle",
                             " fill=\"#555\"", text.subtitle));
  // Value axis: grid, ticks, label.
  for (double v = lo; v <= hi + step / 2; v += step) {
    const double y = y_of(v);
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                          kLeft, y, kLeft + kPlotWidth, y);
    absl::StrAppend(&svg,
                    Text(kLeft - 6, y + 4, "end", "", FormatTick(v, step)));
  }
  absl::StrAppendFormat(&svg,
                        "<text transform=\"translate(20,%.1f) rotate(-90)\" "
                        "text-anchor=\"middle\">%s</text>\n",
                        kTop + kPlotHeight / 2, XmlEscape(text.y_label));
  // Time axis.
  const TimeTicks ticks = MakeTimeTicks(t0, t1);
  for (absl::Time t : ticks.at) {
    const double x = x_of(t);
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#eee\"/>\n",
                          x, kTop, x, kTop + kPlotHeight);
    const std::string label = absl::FormatTime(
        ticks.dates_only ? "%Y-%m-%d" : "%m-%d %H:%M", t, absl::UTCTimeZone());
    absl::StrAppend(&svg,
                    Text(x, kTop + kPlotHeight + 18, "middle", "", label));
  }
  absl::StrAppend(&svg, Text(kLeft + kPlotWidth / 2, kHeight - 22, "middle", "",
                             text.x_label));
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
                        kLeft, kTop, kPlotWidth, kPlotHeight);
  // Lines and legend.
  for (size_t i = 0; i < lines.size(); ++i) {
    const PlotLine& line = lines[i];
    const char* colour = kColours[i % (sizeof(kColours) / sizeof(*kColours))];
    // One polyline per run of values; a NaN is a gap.
    std::string points;
    for (size_t k = 0; k <= line.times.size(); ++k) {
      if (k == line.times.size() || std::isnan(line.values[k])) {
        if (!points.empty()) {
          absl::StrAppendFormat(&svg,
                                "<polyline fill=\"none\" stroke=\"%s\" "
                                "stroke-width=\"1.8\" points=\"%s\"/>\n",
                                colour, points);
        }
        points.clear();
        continue;
      }
      absl::StrAppendFormat(&points, "%s%.1f,%.1f", points.empty() ? "" : " ",
                            x_of(line.times[k]), y_of(line.values[k]));
    }
    if (line.times.size() <= 60) {
      for (size_t k = 0; k < line.times.size(); ++k) {
        if (std::isnan(line.values[k])) continue;
        absl::StrAppendFormat(
            &svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
            x_of(line.times[k]), y_of(line.values[k]), colour);
      }
    }
    if (static_cast<int>(i) < kMaxLegend) {
      const double y = kTop + 10 + 20 * static_cast<double>(i);
      const double x = kLeft + kPlotWidth + 16;
      absl::StrAppendFormat(&svg,
                            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                            "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                            x, y - 4, x + 20, y - 4, colour);
      absl::StrAppend(&svg, Text(x + 26, y, "start", "",
                                 line.name.empty() ? "all" : line.name));
    }
  }
  if (static_cast<int>(lines.size()) > kMaxLegend) {
    absl::StrAppend(
        &svg, Text(kLeft + kPlotWidth + 16, kTop + 10 + 20 * kMaxLegend,
                   "start", " fill=\"#555\"",
                   absl::StrCat("+", lines.size() - kMaxLegend, " more")));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace tidings::cli
