// Copyright 2026 The Tidings Authors.

#include "service/eval.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace tidings::service {
namespace {

namespace fs = std::filesystem;
using scoring::Direction;
using scoring::EventType;
using scoring::ScoredDocument;

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
  void Add(std::string dataset, std::string metric, double value,
           double target = -1, bool at_most = false) {
    Row r{std::move(dataset), std::move(metric), value, "", true};
    if (target >= 0) {
      r.target = absl::StrFormat("%s %.2f", at_most ? "<=" : ">=", target);
      r.met = at_most ? value <= target + 1e-9 : value >= target - 1e-9;
    }
    rows_.push_back(std::move(r));
  }
  void Skip(std::string dataset, std::string why) {
    skipped_.push_back(absl::StrCat(dataset, ": ", why));
  }
  void Print(std::ostream& out) const {
    out << absl::StrFormat("%-22s %-44s %8s  %-8s %s\n", "dataset", "metric",
                           "value", "target", "");
    for (const Row& r : rows_) {
      bool integral = r.value == static_cast<int64_t>(r.value) && r.value > 1;
      std::string v = integral ? absl::StrFormat("%8d", static_cast<int64_t>(r.value))
                               : absl::StrFormat("%8.3f", r.value);
      out << absl::StrFormat("%-22s %-44s %s  %-8s %s\n", r.dataset, r.metric, v,
                             r.target,
                             r.target.empty() ? "" : (r.met ? "ok" : "MISSED"));
    }
    for (const std::string& s : skipped_) out << "skipped " << s << "\n";
  }
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<Row> rows_;
  std::vector<std::string> skipped_;
};

// A TAB-separated file with a header line (the data README's format).
struct Tsv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int Col(std::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
};

absl::StatusOr<Tsv> ReadTsv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
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

// Confusion counts over string labels.
class Confusion {
 public:
  explicit Confusion(std::vector<std::string> labels) : labels_(std::move(labels)) {}
  void Add(const std::string& truth, const std::string& pred) {
    ++n_;
    if (truth == pred) ++correct_;
    ++tp_fp_[pred];
    ++tp_fn_[truth];
    if (truth == pred) ++tp_[truth];
  }
  double accuracy() const { return n_ == 0 ? 0 : double(correct_) / n_; }
  double Precision(const std::string& l) const {
    auto it = tp_fp_.find(l);
    return it == tp_fp_.end() || it->second == 0 ? 0 : double(Get(tp_, l)) / it->second;
  }
  double Recall(const std::string& l) const {
    auto it = tp_fn_.find(l);
    return it == tp_fn_.end() || it->second == 0 ? 0 : double(Get(tp_, l)) / it->second;
  }
  double F1(const std::string& l) const {
    double p = Precision(l), r = Recall(l);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
  double MacroF1() const {
    double sum = 0;
    for (const std::string& l : labels_) sum += F1(l);
    return labels_.empty() ? 0 : sum / labels_.size();
  }

 private:
  static int Get(const std::map<std::string, int>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  }
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

const char* SentimentName(scoring::SentimentLabel l) {
  switch (l) {
    case scoring::SentimentLabel::kPositive: return "positive";
    case scoring::SentimentLabel::kNegative: return "negative";
    case scoring::SentimentLabel::kNeutral: return "neutral";
  }
  return "neutral";
}

const char* GoldName(Direction d) {
  switch (d) {
    case Direction::kUp: return "up";
    case Direction::kDown: return "down";
    case Direction::kFlat: return "flat";
    default: return "none";
  }
}

// What a reader of `tidings score` output sees: events at or above the
// default relevance threshold.
const scoring::Event* FindEvent(const ScoredDocument& doc, EventType type) {
  for (const scoring::Event& e : doc.events) {
    if (e.type == type && e.relevance >= scoring::kDefaultMinRelevance) return &e;
  }
  return nullptr;
}

std::vector<ScoredDocument> ScoreText(const scoring::Scorer& scorer,
                                      std::string_view text) {
  return scorer.Score({.title = "", .body = text});
}

std::string GoldLabelOf(const std::vector<ScoredDocument>& docs) {
  if (docs.empty()) return "none";
  const scoring::Event* e = FindEvent(docs[0], EventType::kGoldPriceMove);
  return e == nullptr ? "none" : GoldName(e->direction);
}

void EvalFpb(const scoring::Scorer& scorer, const EvalOptions& opt,
             const fs::path& dir, Report* report, std::ostream& out) {
  const std::pair<const char*, std::pair<double, double>> files[] = {
      {"allagree", {0.93, 0.90}}, {"75agree", {0.85, 0.80}}};
  for (const auto& [name, targets] : files) {
    fs::path path = dir / "fpb" / absl::StrCat(name, ".dev.tsv");
    std::string dataset = absl::StrCat("fpb/", name);
    absl::StatusOr<Tsv> tsv = ReadTsv(path);
    if (!tsv.ok()) {
      report->Skip(dataset, std::string(tsv.status().message()));
      continue;
    }
    int text = tsv->Col("text"), label = tsv->Col("label");
    Confusion c({"positive", "negative", "neutral"});
    for (const auto& row : tsv->rows) {
      std::vector<ScoredDocument> docs = ScoreText(scorer, row[text]);
      std::string pred = docs.empty() ? "neutral" : SentimentName(docs[0].sentiment.label);
      c.Add(row[label], pred);
      if (opt.show_errors && pred != row[label]) {
        out << dataset << "\t" << row[label] << "\tpred=" << pred << "\t"
            << (docs.empty() ? 0.0 : docs[0].sentiment.score) << "\t" << row[text] << "\n";
      }
    }
    report->Add(dataset, "accuracy", c.accuracy(), targets.first);
    report->Add(dataset, "macro-F1 (3 classes)", c.MacroF1(), targets.second);
  }
}

void EvalGoldHeadlines(const scoring::Scorer& scorer, const EvalOptions& opt,
                       const fs::path& dir, Report* report, std::ostream& out) {
  const std::string dataset = "gold/headlines";
  absl::StatusOr<Tsv> tsv = ReadTsv(dir / "gold" / "headlines.dev.tsv");
  if (!tsv.ok()) {
    report->Skip(dataset, std::string(tsv.status().message()));
    return;
  }
  int text = tsv->Col("text"), up = tsv->Col("up"), down = tsv->Col("down"),
      constant = tsv->Col("constant");
  Confusion c({"up", "down", "flat", "none"});
  for (const auto& row : tsv->rows) {
    std::string truth = row[up] == "1"         ? "up"
                        : row[down] == "1"     ? "down"
                        : row[constant] == "1" ? "flat"
                                               : "none";
    std::string pred = GoldLabelOf(ScoreText(scorer, row[text]));
    c.Add(truth, pred);
    if (opt.show_errors && pred != truth) {
      out << dataset << "\t" << truth << "\tpred=" << pred << "\t" << row[text] << "\n";
    }
  }
  report->Add(dataset, "direction macro-F1 (up/down/flat/none)", c.MacroF1(), 0.85);
  report->Add(dataset, "direction accuracy", c.accuracy());
  for (const char* l : {"up", "down", "flat", "none"}) {
    report->Add(dataset, absl::StrCat("F1 ", l), c.F1(l));
  }
}

void EvalEvents(const scoring::Scorer& scorer, const EvalOptions& opt,
                const fs::path& dir, Report* report, std::ostream& out) {
  const std::string dataset = "events";
  absl::StatusOr<Tsv> tsv = ReadTsv(dir / "events" / "events.dev.tsv");
  if (!tsv.ok()) {
    report->Skip(dataset, std::string(tsv.status().message()));
    return;
  }
  int text = tsv->Col("text"), gold = tsv->Col("gold_move"),
      tariff = tsv->Col("tariff"), sanction = tsv->Col("sanction"),
      geo = tsv->Col("geopolitical");
  BinaryCounts f_tariff, f_sanction, f_geo, f_gold;
  int dir_total = 0, dir_correct = 0;
  for (const auto& row : tsv->rows) {
    std::vector<ScoredDocument> docs = ScoreText(scorer, row[text]);
    auto has = [&](EventType t) {
      return !docs.empty() && FindEvent(docs[0], t) != nullptr;
    };
    bool p_tariff = has(EventType::kTariff), p_sanction = has(EventType::kSanctions),
         p_geo = has(EventType::kGeopoliticalTension);
    std::string p_gold = GoldLabelOf(docs);
    f_tariff.Add(row[tariff] == "1", p_tariff);
    f_sanction.Add(row[sanction] == "1", p_sanction);
    f_geo.Add(row[geo] == "1", p_geo);
    f_gold.Add(row[gold] != "none", p_gold != "none");
    if (row[gold] != "none" && p_gold != "none") {
      ++dir_total;
      if (row[gold] == p_gold) ++dir_correct;
    }
    if (opt.show_errors) {
      std::string miss;
      auto check = [&](const char* name, bool truth, bool pred) {
        if (truth != pred) absl::StrAppend(&miss, truth ? " missed:" : " false:", name);
      };
      check("tariff", row[tariff] == "1", p_tariff);
      check("sanction", row[sanction] == "1", p_sanction);
      check("geopolitical", row[geo] == "1", p_geo);
      if (row[gold] != p_gold) absl::StrAppend(&miss, " gold:", row[gold], "->", p_gold);
      if (!miss.empty()) out << dataset << "\t" << miss << "\t" << row[text] << "\n";
    }
  }
  report->Add(dataset, "F1 tariff", f_tariff.F1(), 0.90);
  report->Add(dataset, "F1 sanctions", f_sanction.F1(), 0.90);
  report->Add(dataset, "F1 gold move", f_gold.F1(), 0.90);
  report->Add(dataset, "F1 geopolitical", f_geo.F1(), 0.85);
  report->Add(dataset, "gold direction accuracy (both moved)",
              dir_total == 0 ? 0 : double(dir_correct) / dir_total, 0.90);
}

std::string NormTitle(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = c;
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

const google::protobuf::Value* Field(const google::protobuf::Struct& s,
                                     const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? nullptr : &it->second;
}

void EvalPages(const scoring::Scorer& scorer, const EvalOptions& opt,
               const fs::path& dir, Report* report, std::ostream& out) {
  const std::string dataset = "pages";
  fs::path pages = dir / "pages" / "dev";
  std::error_code ec;
  if (!fs::is_directory(pages, ec)) {
    report->Skip(dataset, absl::StrCat("no directory ", pages.string()));
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(pages, ec)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int truth_articles = 0, found_articles = 0, matched = 0, bodies_exact = 0;
  int stray_events = 0, teaser_leaks = 0;
  BinaryCounts f_events;
  for (const fs::path& txt : files) {
    fs::path json = txt;
    json.replace_extension(".json");
    google::protobuf::Struct truth;
    google::protobuf::util::JsonParseOptions jopt;
    if (!google::protobuf::util::JsonStringToMessage(ReadFile(json), &truth, jopt).ok()) {
      report->Skip(dataset, absl::StrCat("unreadable ground truth ", json.string()));
      continue;
    }
    std::vector<ScoredDocument> docs =
        scorer.Score({.title = "", .body = ReadFile(txt), .kind = scoring::ContentKind::kAuto});
    found_articles += docs.size();
    std::vector<bool> doc_matched(docs.size(), false);
    const google::protobuf::Value* articles = Field(truth, "articles");
    if (articles == nullptr) continue;
    for (const auto& a : articles->list_value().values()) {
      const auto& art = a.struct_value();
      ++truth_articles;
      std::string title = NormTitle(Field(art, "title")->string_value());
      const ScoredDocument* doc = nullptr;
      for (size_t i = 0; i < docs.size(); ++i) {
        if (!doc_matched[i] && NormTitle(docs[i].title) == title) {
          doc_matched[i] = true;
          doc = &docs[i];
          break;
        }
      }
      const auto& ev = Field(art, "events")->struct_value();
      bool t_tariff = Field(ev, "tariff")->number_value() == 1;
      bool t_sanction = Field(ev, "sanction")->number_value() == 1;
      bool t_geo = Field(ev, "geopolitical")->number_value() == 1;
      bool t_gold = Field(ev, "gold_move")->string_value() != "none";
      if (doc == nullptr) {
        if (opt.show_errors) {
          out << dataset << "\t" << txt.filename().string() << "\tmissed article: "
              << Field(art, "title")->string_value() << "\n";
        }
        for (bool t : {t_tariff, t_sanction, t_geo, t_gold}) f_events.Add(t, false);
        continue;
      }
      ++matched;
      std::string body = CollapseSpace(std::string_view(doc->text).substr(doc->body_begin));
      if (body == CollapseSpace(Field(art, "body")->string_value())) {
        ++bodies_exact;
      } else if (opt.show_errors) {
        out << dataset << "\t" << txt.filename().string() << "\tbody differs: "
            << doc->title << "\n";
      }
      bool p[4] = {FindEvent(*doc, EventType::kTariff) != nullptr,
                   FindEvent(*doc, EventType::kSanctions) != nullptr,
                   FindEvent(*doc, EventType::kGeopoliticalTension) != nullptr,
                   FindEvent(*doc, EventType::kGoldPriceMove) != nullptr};
      bool t[4] = {t_tariff, t_sanction, t_geo, t_gold};
      for (int k = 0; k < 4; ++k) {
        f_events.Add(t[k], p[k]);
        if (p[k] && !t[k] && opt.show_errors) {
          out << dataset << "\t" << txt.filename().string() << "\tfalse event "
              << k << " in: " << doc->title << "\n";
        }
      }
    }
    // Events in documents that match no article come from teasers or
    // boilerplate; so does teaser text found inside any body.
    for (size_t i = 0; i < docs.size(); ++i) {
      if (doc_matched[i]) continue;
      for (const scoring::Event& e : docs[i].events) {
        if (e.relevance >= scoring::kDefaultMinRelevance) ++stray_events;
      }
      if (opt.show_errors) {
        out << dataset << "\t" << txt.filename().string()
            << "\textra article: " << docs[i].title << "\n";
      }
    }
    if (const google::protobuf::Value* teasers = Field(truth, "teasers")) {
      for (const auto& tv : teasers->list_value().values()) {
        const std::string& teaser = tv.string_value();
        for (const ScoredDocument& d : docs) {
          if (teaser.size() > 12 && d.text.find(teaser) != std::string::npos) {
            ++teaser_leaks;
            if (opt.show_errors) {
              out << dataset << "\t" << txt.filename().string()
                  << "\tteaser kept: " << teaser << "\n";
            }
          }
        }
      }
    }
  }
  report->Add(dataset, "article title recall",
              truth_articles == 0 ? 0 : double(matched) / truth_articles, 0.95);
  report->Add(dataset, "article title precision",
              found_articles == 0 ? 0 : double(matched) / found_articles, 0.95);
  report->Add(dataset, "events from teasers or boilerplate", stray_events, 0, true);
  report->Add(dataset, "teaser headlines left in bodies", teaser_leaks, 0, true);
  report->Add(dataset, "bodies exactly right", bodies_exact);
  report->Add(dataset, "articles (ground truth)", truth_articles);
  report->Add(dataset, "event F1 over matched articles", f_events.F1());
}

// The example page of the spine issue, when the seeds folder is beside the
// data folder.
void EvalExamplePage(const scoring::Scorer& scorer, const EvalOptions& opt,
                     const fs::path& dir, Report* report, std::ostream& out) {
  const std::string dataset = "example page";
  fs::path page = dir.parent_path() / "seeds" / "000_0de159f53dc0141f.txt";
  std::error_code ec;
  if (!fs::exists(page, ec)) {
    report->Skip(dataset, absl::StrCat("no file ", page.string()));
    return;
  }
  struct Want {
    const char* title;
    std::vector<EventType> events;
    Direction gold = Direction::kUnspecified;
  };
  const Want want[] = {
      {"Putin and Myanmar's Junta Chief Set to Deepen Military and Economic Ties",
       {EventType::kSanctions, EventType::kGeopoliticalTension}},
      {"Gold Advances on Middle East Tensions and Trump's Tariff Pledge",
       {EventType::kGoldPriceMove, EventType::kTariff, EventType::kGeopoliticalTension},
       Direction::kUp},
      {"New Russian ambassador tells Trump he will work to restore relations", {}},
  };
  std::vector<ScoredDocument> docs = scorer.Score({.title = "", .body = ReadFile(page)});
  bool exact = docs.size() == 3;
  for (size_t i = 0; exact && i < 3; ++i) {
    if (docs[i].title != want[i].title) exact = false;
    std::vector<EventType> got;
    for (const scoring::Event& e : docs[i].events) {
      if (e.relevance >= scoring::kDefaultMinRelevance) got.push_back(e.type);
      if (e.type == EventType::kGoldPriceMove && e.direction != want[i].gold &&
          e.relevance >= scoring::kDefaultMinRelevance) {
        exact = false;
      }
    }
    std::sort(got.begin(), got.end());
    if (got != want[i].events) exact = false;
  }
  if (!exact && opt.show_errors) {
    for (const ScoredDocument& d : docs) {
      out << dataset << "\tgot: " << d.title << " events:";
      for (const scoring::Event& e : d.events) {
        out << " " << static_cast<int>(e.type) << "@" << e.relevance;
      }
      out << "\n";
    }
  }
  report->Add(dataset, "three articles and events exact (1 = yes)", exact ? 1 : 0, 1);
}

}  // namespace

absl::Status RunEval(const scoring::Scorer& scorer, const EvalOptions& options,
                     std::ostream& out) {
  fs::path dir(options.data_dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(
        "evaluation data directory ", options.data_dir,
        " not found; pass --data DIR pointing at a folder with fpb/, gold/, "
        "events/ and pages/"));
  }
  auto start = std::chrono::steady_clock::now();
  Report report;
  auto wanted = [&](std::string_view name) {
    return options.only.empty() || name.find(options.only) != std::string_view::npos;
  };
  if (wanted("fpb")) EvalFpb(scorer, options, dir, &report, out);
  if (wanted("gold")) EvalGoldHeadlines(scorer, options, dir, &report, out);
  if (wanted("events")) EvalEvents(scorer, options, dir, &report, out);
  if (wanted("pages")) EvalPages(scorer, options, dir, &report, out);
  if (wanted("example")) EvalExamplePage(scorer, options, dir, &report, out);
  if (report.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no evaluation data found under ", options.data_dir,
        " (looked for fpb/*.dev.tsv, gold/headlines.dev.tsv, "
        "events/events.dev.tsv, pages/dev/)"));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "scorer " << scorer.version() << ", data " << options.data_dir << "\n";
  report.Print(out);
  out << absl::StrFormat("evaluated in %.1f s\n", secs);
  return absl::OkStatus();
}

}  // namespace tidings::service
