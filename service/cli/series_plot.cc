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

namespace {

// The plotted ranges and the mapping of times and values to the canvas.
struct Frame {
  absl::Time t0 = absl::InfiniteFuture(), t1 = absl::InfinitePast();
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  double step = 1;  // Between value ticks.

  double X(absl::Time t) const {
    return kLeft + kPlotWidth * absl::FDivDuration(t - t0, t1 - t0);
  }
  double Y(double v) const {
    return kTop + kPlotHeight * (1 - (v - lo) / (hi - lo));
  }
};

Frame MakeFrame(const std::vector<PlotLine>& lines) {
  Frame f;
  for (const PlotLine& line : lines) {
    for (size_t i = 0; i < line.times.size(); ++i) {
      f.t0 = std::min(f.t0, line.times[i]);
      f.t1 = std::max(f.t1, line.times[i]);
      if (std::isnan(line.values[i])) continue;
      f.lo = std::min(f.lo, line.values[i]);
      f.hi = std::max(f.hi, line.values[i]);
    }
  }
  if (f.t0 == absl::InfiniteFuture()) f.t0 = f.t1 = absl::UnixEpoch();
  if (f.t1 <= f.t0) f.t1 = f.t0 + absl::Hours(24);
  if (std::isinf(f.lo)) f.lo = f.hi = 0;
  f.lo = std::min(f.lo, 0.0);  // Counts and shares start at zero.
  if (f.hi <= f.lo) f.hi = f.lo + 1;
  f.step = NiceStep(f.hi - f.lo, 5);
  f.lo = std::floor(f.lo / f.step) * f.step;
  f.hi = std::ceil(f.hi / f.step) * f.step;
  return f;
}

void DrawHeader(const PlotText& text, std::string* svg) {
  absl::StrAppendFormat(
      svg,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<title>%s</title>\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      kWidth, kHeight, kWidth, kHeight, XmlEscape(text.title));
  // The title (a command line, often long) wraps at spaces.
  double y = 22;
  for (const std::string& line : Wrap(text.title, kTitleChars)) {
    absl::StrAppend(svg, Text(kWidth / 2, y, "middle",
                              " font-size=\"14\" font-weight=\"bold\"", line));
    y += 18;
  }
  absl::StrAppend(
      svg, Text(kWidth / 2, y + 2, "middle", " fill=\"#555\"", text.subtitle));
}

void DrawAxes(const Frame& f, const PlotText& text, std::string* svg) {
  for (double v = f.lo; v <= f.hi + f.step / 2; v += f.step) {
    const double y = f.Y(v);
    absl::StrAppendFormat(svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                          kLeft, y, kLeft + kPlotWidth, y);
    absl::StrAppend(svg,
                    Text(kLeft - 6, y + 4, "end", "", FormatTick(v, f.step)));
  }
  absl::StrAppendFormat(svg,
                        "<text transform=\"translate(20,%.1f) rotate(-90)\" "
                        "text-anchor=\"middle\">%s</text>\n",
                        kTop + kPlotHeight / 2, XmlEscape(text.y_label));
  const TimeTicks ticks = MakeTimeTicks(f.t0, f.t1);
  for (absl::Time t : ticks.at) {
    const double x = f.X(t);
    absl::StrAppendFormat(svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                          "y2=\"%.1f\" stroke=\"#eee\"/>\n",
                          x, kTop, x, kTop + kPlotHeight);
    const std::string label = absl::FormatTime(
        ticks.dates_only ? "%Y-%m-%d" : "%m-%d %H:%M", t, absl::UTCTimeZone());
    absl::StrAppend(svg, Text(x, kTop + kPlotHeight + 18, "middle", "", label));
  }
  absl::StrAppend(svg, Text(kLeft + kPlotWidth / 2, kHeight - 22, "middle", "",
                            text.x_label));
  absl::StrAppendFormat(svg,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
                        kLeft, kTop, kPlotWidth, kPlotHeight);
}

// Line `i`: one polyline per run of values (a NaN is a gap), dots when
// there are few points, and its legend entry.
void DrawLine(const Frame& f, const PlotLine& line, size_t i,
              std::string* svg) {
  const char* colour = kColours[i % (sizeof(kColours) / sizeof(*kColours))];
  std::string points;
  for (size_t k = 0; k <= line.times.size(); ++k) {
    if (k == line.times.size() || std::isnan(line.values[k])) {
      if (!points.empty()) {
        absl::StrAppendFormat(svg,
                              "<polyline fill=\"none\" stroke=\"%s\" "
                              "stroke-width=\"1.8\" points=\"%s\"/>\n",
                              colour, points);
      }
      points.clear();
      continue;
    }
    absl::StrAppendFormat(&points, "%s%.1f,%.1f", points.empty() ? "" : " ",
                          f.X(line.times[k]), f.Y(line.values[k]));
  }
  for (size_t k = 0; line.times.size() <= 60 && k < line.times.size(); ++k) {
    if (std::isnan(line.values[k])) continue;
    absl::StrAppendFormat(
        svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
        f.X(line.times[k]), f.Y(line.values[k]), colour);
  }
  if (i >= static_cast<size_t>(kMaxLegend)) return;
  const double y = kTop + 10 + 20 * static_cast<double>(i);
  const double x = kLeft + kPlotWidth + 16;
  absl::StrAppendFormat(svg,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
                        x, y - 4, x + 20, y - 4, colour);
  absl::StrAppend(
      svg, Text(x + 26, y, "start", "", line.name.empty() ? "all" : line.name));
}

}  // namespace

std::string RenderLineChart(const std::vector<PlotLine>& lines,
                            const PlotText& text) {
  const Frame frame = MakeFrame(lines);
  std::string svg;
  DrawHeader(text, &svg);
  DrawAxes(frame, text, &svg);
  for (size_t i = 0; i < lines.size(); ++i) {
    DrawLine(frame, lines[i], i, &svg);
  }
  if (lines.size() > static_cast<size_t>(kMaxLegend)) {
    absl::StrAppend(
        &svg, Text(kLeft + kPlotWidth + 16, kTop + 10 + 20 * kMaxLegend,
                   "start", " fill=\"#555\"",
                   absl::StrCat("+", lines.size() - kMaxLegend, " more")));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace tidings::cli
