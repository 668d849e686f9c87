// Copyright 2026 The Tidings Authors.

#include "bench/load/report.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "bench/load/stats.h"

namespace tidings::load {
namespace {

std::string Number(double v) {
  if (std::isnan(v)) return "n/a";
  const double a = std::fabs(v);
  if (a >= 1e5) return absl::StrFormat("%.0f", v);
  if (a >= 100) return absl::StrFormat("%.1f", v);
  if (a >= 1) return absl::StrFormat("%.2f", v);
  return absl::StrFormat("%.3f", v);
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  return std::isfinite(v) ? absl::StrFormat("%.6g", v) : "null";
}

}  // namespace

int Report::Find(std::string_view scenario, std::string_view kase,
                 std::string_view metric) const {
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Row& r = rows_[i];
    if (r.scenario == scenario && r.kase == kase && r.metric == metric) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void Report::Add(std::string_view scenario, std::string_view kase,
                 std::string_view metric, std::string_view unit, double value) {
  int i = Find(scenario, kase, metric);
  if (i < 0) {
    Row row;
    row.scenario = scenario;
    row.kase = kase;
    row.metric = metric;
    row.unit = unit;
    rows_.push_back(std::move(row));
    i = static_cast<int>(rows_.size()) - 1;
  }
  rows_[i].samples.push_back(value);
}

void Report::Compare(std::string_view scenario, std::string_view kase,
                     std::string_view metric, std::string_view ref_scenario,
                     std::string_view ref_case, std::string_view ref_metric,
                     std::string_view target) {
  const int i = Find(scenario, kase, metric);
  const int ref = Find(ref_scenario, ref_case, ref_metric);
  if (i < 0 || ref < 0) return;
  rows_[i].reference = ref;
  rows_[i].target = std::string(target);
}

void Report::SetContext(std::string_view key, std::string value) {
  context_.emplace_back(std::string(key), std::move(value));
}

double Report::MedianOf(std::string_view scenario, std::string_view kase,
                        std::string_view metric) const {
  const int i = Find(scenario, kase, metric);
  return i < 0 ? std::nan("") : Median(rows_[i].samples);
}

void Report::PrintTable(std::ostream& out) const {
  for (const auto& [key, value] : context_) {
    out << "# " << key << ": " << value << "\n";
  }
  const char* kFormat = "%-9s %-34s %-28s %12s %-5s | %-52s %12s %7s %s\n";
  out << absl::StrFormat(kFormat, "scenario", "case", "metric", "median",
                         "unit", "reference (same run)", "ref median", "ratio",
                         "target");
  for (const Row& r : rows_) {
    const double m = Median(r.samples);
    std::string ref_name, ref_median, ratio;
    if (r.reference >= 0) {
      const Row& ref = rows_[r.reference];
      const double rm = Median(ref.samples);
      ref_name = ref.kase + ": " + ref.metric;
      ref_median = Number(rm);
      ratio = Number(m / rm);
    }
    out << absl::StrFormat(kFormat, r.scenario, r.kase, r.metric, Number(m),
                           r.unit, ref_name, ref_median, ratio, r.target);
  }
}

void Report::PrintJson(std::ostream& out) const {
  out << "{\"context\": {";
  for (size_t i = 0; i < context_.size(); ++i) {
    out << (i ? ", " : "") << JsonString(context_[i].first) << ": "
        << JsonString(context_[i].second);
  }
  out << "},\n \"rows\": [";
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Row& r = rows_[i];
    const double m = Median(r.samples);
    out << (i ? ",\n  " : "\n  ") << "{\"scenario\": " << JsonString(r.scenario)
        << ", \"case\": " << JsonString(r.kase)
        << ", \"metric\": " << JsonString(r.metric)
        << ", \"unit\": " << JsonString(r.unit)
        << ", \"median\": " << JsonNumber(m) << ", \"samples\": [";
    for (size_t j = 0; j < r.samples.size(); ++j) {
      out << (j ? ", " : "") << JsonNumber(r.samples[j]);
    }
    out << "]";
    if (r.reference >= 0) {
      const Row& ref = rows_[r.reference];
      const double rm = Median(ref.samples);
      out << ", \"reference\": {\"scenario\": " << JsonString(ref.scenario)
          << ", \"case\": " << JsonString(ref.kase)
          << ", \"metric\": " << JsonString(ref.metric)
          << ", \"median\": " << JsonNumber(rm)
          << "}, \"ratio\": " << JsonNumber(m / rm)
          << ", \"target\": " << JsonString(r.target);
    }
    out << "}";
  }
  out << "\n]}\n";
}

}  // namespace tidings::load
