// Copyright 2026 The Tidings Authors.
//
// eval_util.h: the pieces `tidings eval` is built from: the report table,
// TSV and JSON readers, confusion counts, and what a reader of `tidings
// score` output would see of a scored document. Private to eval*.cc.

#ifndef TIDINGS_SERVICE_CLI_EVAL_UTIL_H_
#define TIDINGS_SERVICE_CLI_EVAL_UTIL_H_

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "scoring/scorer.h"
#include "scoring/types.h"

namespace tidings::cli::eval {

namespace fs = std::filesystem;

// One line of the report.
struct Row {
  std::string dataset;
  std::string metric;
  double value = 0;
  std::string target;  // e.g. ">= 0.93"; "" = informational.
  bool met = true;
};

class Report {
 public:
  // A metric; with a target >= 0 it is checked (value >= target, or <= with
  // `at_most`).
  void Add(std::string dataset, std::string metric, double value,
           double target = -1, bool at_most = false);
  void Skip(std::string dataset, std::string why);
  void Print(std::ostream& out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<Row> rows_;
  std::vector<std::string> skipped_;
};

// A TAB-separated file with a header line (the data README's format).
struct Tsv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int Col(std::string_view name) const;
};
absl::StatusOr<Tsv> ReadTsv(const fs::path& path);
std::string ReadFile(const fs::path& path);

// A JSON file as a protobuf Struct.
absl::StatusOr<google::protobuf::Struct> ReadJson(const fs::path& path);
// The field `key` of `s`, or null.
const google::protobuf::Value* Field(const google::protobuf::Struct& s,
                                     const std::string& key);
// The string field `key`, or "" when absent or not a string (JSON null).
std::string StringField(const google::protobuf::Struct& s,
                        const std::string& key);

// Confusion counts over string labels.
class Confusion {
 public:
  explicit Confusion(std::vector<std::string> labels)
      : labels_(std::move(labels)) {}
  void Add(const std::string& truth, const std::string& pred);
  int n() const { return n_; }
  double accuracy() const { return n_ == 0 ? 0 : double(correct_) / n_; }
  double Precision(const std::string& l) const;
  double Recall(const std::string& l) const;
  double F1(const std::string& l) const;
  double MacroF1() const;
  // Shares of the items labelled / predicted `l`.
  double TruthShare(const std::string& l) const;
  double PredShare(const std::string& l) const;

 private:
  static int Get(const std::map<std::string, int>& m, const std::string& k);
  std::vector<std::string> labels_;
  int n_ = 0, correct_ = 0;
  std::map<std::string, int> tp_, tp_fp_, tp_fn_;
};

// Binary F1 for one event type.
struct BinaryCounts {
  int tp = 0, fp = 0, fn = 0;
  void Add(bool truth, bool pred) {
    if (truth && pred) ++tp;
    if (!truth && pred) ++fp;
    if (truth && !pred) ++fn;
  }
  double F1() const { return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn); }
};

// What a reader of `tidings score` output sees: the event of `type` at or
// above the default relevance threshold, or null.
const scoring::Event* FindEvent(const scoring::ScoredDocument& doc,
                                scoring::EventType type);

// Lower-case letters and digits only (titles compared that way).
std::string NormTitle(std::string_view s);
// Whitespace runs as one space, trimmed (bodies compared that way).
std::string CollapseSpace(std::string_view s);

}  // namespace tidings::cli::eval

#endif  // TIDINGS_SERVICE_CLI_EVAL_UTIL_H_
