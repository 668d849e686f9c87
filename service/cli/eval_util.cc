// Copyright 2026 The Tidings Authors.

#include "service/cli/eval_util.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"

namespace tidings::cli::eval {

void Report::Add(std::string dataset, std::string metric, double value,
                 double target, bool at_most) {
  Row r{std::move(dataset), std::move(metric), value, "", true};
  if (target >= 0) {
    r.target = absl::StrFormat("%s %.2f", at_most ? "<=" : ">=", target);
    r.met = at_most ? value <= target + 1e-9 : value >= target - 1e-9;
  }
  rows_.push_back(std::move(r));
}

void Report::Skip(std::string dataset, std::string why) {
  skipped_.push_back(absl::StrCat(dataset, ": ", why));
}

void Report::Print(std::ostream& out) const {
  out << absl::StrFormat("%-22s %-48s %8s  %-8s %s\n", "dataset", "metric",
                         "value", "target", "");
  for (const Row& r : rows_) {
    const bool integral =
        r.value == static_cast<int64_t>(r.value) && r.value > 1;
    const std::string v =
        integral ? absl::StrFormat("%8d", static_cast<int64_t>(r.value))
                 : absl::StrFormat("%8.3f", r.value);
    out << absl::StrFormat("%-22s %-48s %s  %-8s %s\n", r.dataset, r.metric, v,
                           r.target,
                           r.target.empty() ? "" : (r.met ? "ok" : "MISSED"));
  }
  for (const std::string& s : skipped_) out << "skipped " << s << "\n";
}

int Tsv::Col(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<Tsv> ReadTsv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  }
  Tsv tsv;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields = absl::StrSplit(line, '\t');
    if (first) {
      tsv.header = std::move(fields);
      first = false;
    } else if (!line.empty()) {
      fields.resize(tsv.header.size());
      tsv.rows.push_back(std::move(fields));
    }
  }
  return tsv;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

absl::StatusOr<google::protobuf::Struct> ReadJson(const fs::path& path) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(ReadFile(path), &s).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unreadable JSON ", path.string()));
  }
  return s;
}

const google::protobuf::Value* Field(const google::protobuf::Struct& s,
                                     const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string StringField(const google::protobuf::Struct& s,
                        const std::string& key) {
  const google::protobuf::Value* v = Field(s, key);
  return v == nullptr || !v->has_string_value() ? "" : v->string_value();
}

void Confusion::Add(const std::string& truth, const std::string& pred) {
  ++n_;
  if (truth == pred) ++correct_;
  ++tp_fp_[pred];
  ++tp_fn_[truth];
  if (truth == pred) ++tp_[truth];
}

int Confusion::Get(const std::map<std::string, int>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

double Confusion::Precision(const std::string& l) const {
  const int d = Get(tp_fp_, l);
  return d == 0 ? 0 : double(Get(tp_, l)) / d;
}

double Confusion::Recall(const std::string& l) const {
  const int d = Get(tp_fn_, l);
  return d == 0 ? 0 : double(Get(tp_, l)) / d;
}

double Confusion::F1(const std::string& l) const {
  const double p = Precision(l), r = Recall(l);
  return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

double Confusion::MacroF1() const {
  double sum = 0;
  for (const std::string& l : labels_) sum += F1(l);
  return labels_.empty() ? 0 : sum / labels_.size();
}

double Confusion::TruthShare(const std::string& l) const {
  return n_ == 0 ? 0 : double(Get(tp_fn_, l)) / n_;
}

double Confusion::PredShare(const std::string& l) const {
  return n_ == 0 ? 0 : double(Get(tp_fp_, l)) / n_;
}

const scoring::Event* FindEvent(const scoring::ScoredDocument& doc,
                                scoring::EventType type) {
  for (const scoring::Event& e : doc.events) {
    if (e.type == type && e.relevance >= scoring::kDefaultMinRelevance) {
      return &e;
    }
  }
  return nullptr;
}

std::string NormTitle(std::string_view s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = c;
    if (std::isalnum(u)) out.push_back(static_cast<char>(std::tolower(u)));
  }
  return out;
}

std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace tidings::cli::eval
