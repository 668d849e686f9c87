// Copyright 2026 The Tidings Authors.
//
// report.h: the load tool's results: one row per (scenario, case, metric)
// with a sample per run, printed as one table of medians (or JSON), each
// rate beside the reference it is compared with.

#ifndef TIDINGS_BENCH_LOAD_REPORT_H_
#define TIDINGS_BENCH_LOAD_REPORT_H_

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tidings::load {

struct Row {
  std::string scenario;  // "ingest", "fanout", "backfill", "memory", "ref".
  std::string kase;      // E.g. "unary x100, 16 publishers".
  std::string metric;    // E.g. "acked signals/s".
  std::string unit;      // E.g. "1/s", "ms", "KB".
  std::vector<double> samples;  // One per run; NaN = not measurable.
  // The row this one is compared with (its index; -1 = none): the table
  // shows that row's median and ratio = this median / that median.
  int reference = -1;
  std::string target;  // The target for the ratio, "" if none.
};

class Report {
 public:
  // Appends one run's value to the row, creating the row (in order of first
  // use) with `unit` when it is new.
  void Add(std::string_view scenario, std::string_view kase,
           std::string_view metric, std::string_view unit, double value);

  // Compares row (scenario, kase, metric) with row (ref_scenario, ref_case,
  // ref_metric): both must exist (added before); otherwise nothing happens.
  void Compare(std::string_view scenario, std::string_view kase,
               std::string_view metric, std::string_view ref_scenario,
               std::string_view ref_case, std::string_view ref_metric,
               std::string_view target = "");

  // Free-form facts printed above the table (corpus, runs, machine).
  void SetContext(std::string_view key, std::string value);

  // One line per row: median, unit, reference median, ratio, target.
  void PrintTable(std::ostream& out) const;
  // {"context": {...}, "rows": [{..., "samples": [...], "median": x,
  //  "reference": {...}, "ratio": y}]}; NaN prints as null.
  void PrintJson(std::ostream& out) const;

  const std::vector<Row>& rows() const { return rows_; }
  // The median of a row, NaN when it does not exist.
  double MedianOf(std::string_view scenario, std::string_view kase,
                  std::string_view metric) const;

 private:
  int Find(std::string_view scenario, std::string_view kase,
           std::string_view metric) const;

  std::vector<Row> rows_;
  std::vector<std::pair<std::string, std::string>> context_;
};

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_REPORT_H_
