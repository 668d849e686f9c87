// Copyright 2026 The Tidings Authors.
//
// `tidings score` (local scoring, no server) and `tidings eval`.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/struct.pb.h"
#include "scoring/scorer.h"
#include "service/cli/commands.h"
#include "service/cli/eval.h"
#include "service/cli/format.h"
#include "service/cli/json_text.h"
#include "service/cli/jsonl_line.h"
#include "service/cli/signal_json.h"
#include "service/convert.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

absl::StatusOr<scoring::ContentKind> ParseContentKind(std::string_view name) {
  if (name == "auto") return scoring::ContentKind::kAuto;
  if (name == "text") return scoring::ContentKind::kPlainText;
  if (name == "page") return scoring::ContentKind::kRawPage;
  return absl::InvalidArgumentError(
      absl::StrCat("bad value for --content-type: \"", std::string(name),
                   "\" (use auto, text or page)"));
}

absl::StatusOr<std::unique_ptr<const scoring::Scorer>> MakeScorer(
    const std::string& lexicon_dir) {
  scoring::ScorerOptions options;
  options.lexicon_dir = lexicon_dir;
  auto scorer = scoring::Scorer::Create(options);
  if (!scorer.ok()) {
    return absl::Status(
        scorer.status().code(),
        absl::StrCat("cannot load the lexicons",
                     lexicon_dir.empty() ? " built into the binary"
                                         : " from " + lexicon_dir,
                     ": ", scorer.status().message(),
                     lexicon_dir.empty()
                         ? ""
                         : " (check --lexicons; omit it to use the built-in "
                           "lexicons)"));
  }
  return scorer;
}

// Valid UTF-8 as is; otherwise each bad byte becomes U+FFFD (the JSON parser
// rejects invalid UTF-8; the scorer would repair it the same way).
bool RepairUtf8(std::string_view in, std::string* out) {
  bool changed = false;
  out->clear();
  out->reserve(in.size() + 16);
  size_t i = 0;
  while (i < in.size()) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= in.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len > 1) {
      // Reject overlong forms, surrogates and values above U+10FFFF.
      uint32_t cp = c & (0x7F >> len);
      for (size_t k = 1; k < len; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(in[i + k]) & 0x3F);
      }
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    }
    if (ok) {
      out->append(in.substr(i, len));
      i += len;
    } else {
      out->append("\xEF\xBF\xBD");
      ++i;
      changed = true;
    }
  }
  return changed;
}

// The "id" of a JSONL line: a string as is, a number as its shortest text.
std::string IdOf(const google::protobuf::Value& v) {
  switch (v.kind_case()) {
    case google::protobuf::Value::kStringValue:
      return v.string_value();
    case google::protobuf::Value::kNumberValue: {
      double d = v.number_value();
      if (d == static_cast<double>(static_cast<int64_t>(d))) {
        return absl::StrCat(static_cast<int64_t>(d));
      }
      return absl::StrFormat("%.17g", d);
    }
    case google::protobuf::Value::kBoolValue:
      return v.bool_value() ? "true" : "false";
    default:
      return "";
  }
}

// How much output to hold back while reading `path` ("-": stdin): nothing
// when stdout is a terminal (each signal as it is scored, as stdio's line
// buffering did), 4 KiB when the input streams in through a pipe or a
// terminal (what stdio's buffer held: a consumer waits no longer than it
// did), 64 KiB for a regular file.
size_t FlushBytes(const std::string& path) {
  if (isatty(STDOUT_FILENO)) return 0;
  struct stat st;
  const int rc =
      path == "-" ? fstat(STDIN_FILENO, &st) : stat(path.c_str(), &st);
  return rc == 0 && S_ISREG(st.st_mode) ? 64 << 10 : 4 << 10;
}

using score_json::FastLineParser;
using score_json::LineFields;

class ScoreRun {
 public:
  ScoreRun(const scoring::Scorer& scorer, double min_relevance,
           scoring::ContentKind kind)
      : scorer_(scorer), min_relevance_(min_relevance), kind_(kind) {}

  ~ScoreRun() { Flush(); }

  // Scores one text and prints its signals (into the output buffer, written
  // out by the flush_bytes() and by Flush()).
  void Emit(std::string_view title, std::string_view body) {
    scorer_.Score({.title = title, .body = body, .kind = kind_}, &scratch_,
                  &docs_);
    for (const scoring::ScoredDocument& doc : docs_) {
      signal_.Clear();
      service::ToSignal(doc, article_, scorer_.version(), &signal_);
      service::DropWeakEvents(min_relevance_, &signal_);
      // The generated accessors, else protobuf's printer (for what the
      // typed writer refuses, or a schema it does not know): the same bytes
      // (score_json_test, bench/score_cli_check.sh).
      const size_t start = out_.size();
      if (!typed_writer_ ||
          !score_json::AppendSignalJson(signal_, &doubles_, &out_)) {
        out_.resize(start);
        out_.append(ToJson(signal_));
      }
      out_.push_back('\n');
      ++signals_;
    }
    if (out_.size() >= flush_bytes_) Flush();
  }

  // How much output Emit() may hold back.
  void set_flush_bytes(size_t bytes) { flush_bytes_ = bytes; }

  // Writes what is buffered to stdout.
  void Flush() {
    if (out_.empty()) return;
    std::fwrite(out_.data(), 1, out_.size(), stdout);
    out_.clear();
  }

  // Scores one (non-blank) JSONL line. Returns false (after printing why) when
  // the line is not usable.
  bool Line(const std::string& label, size_t number, std::string_view line) {
    if (fast_parser_.Parse(line, &fields_)) {
      const LineFields& f = fields_;
      const std::string* text = f.has_text ? &f.text : nullptr;
      const std::string* title = nullptr;
      if (text == nullptr) {
        text = f.has_body ? &f.body : nullptr;
        title = f.has_title ? &f.title : nullptr;
      }
      if (text == nullptr) {
        return Skip(label, number, "no string \"text\" (or \"body\") key");
      }
      article_.set_article_id(f.has_id           ? f.id
                              : f.has_article_id ? f.article_id
                                                 : std::string());
      Emit(title == nullptr ? "" : *title, *text);
      return true;
    }
    object_.Clear();
    absl::Status parsed = FromJson(line, &object_, true);
    if (!parsed.ok() && RepairUtf8(line, &repaired_)) {
      object_.Clear();
      parsed = FromJson(repaired_, &object_, true);
    }
    if (!parsed.ok()) {
      return Skip(label, number,
                  absl::StrCat("not a JSON object (", parsed.message(), ")"));
    }
    const auto& fields = object_.fields();
    const google::protobuf::Value* text = Field(fields, "text");
    const google::protobuf::Value* title = nullptr;
    if (text == nullptr) {
      // Lines shaped like tidings.v1.Article or the news corpus (title +
      // body) are accepted too.
      text = Field(fields, "body");
      title = Field(fields, "title");
    }
    if (text == nullptr) {
      return Skip(label, number, "no string \"text\" (or \"body\") key");
    }
    const google::protobuf::Value* id = Field(fields, "id");
    if (id == nullptr) id = Field(fields, "article_id");
    article_.set_article_id(id == nullptr ? "" : IdOf(*id));
    Emit(title == nullptr ? "" : title->string_value(), text->string_value());
    return true;
  }

  uint64_t signals() const { return signals_; }

 private:
  static const google::protobuf::Value* Field(
      const google::protobuf::Map<std::string, google::protobuf::Value>& map,
      const char* key) {
    auto it = map.find(key);
    if (it == map.end()) return nullptr;
    const std::string_view k(key);
    if (k != "id" && k != "article_id" &&
        it->second.kind_case() != google::protobuf::Value::kStringValue) {
      return nullptr;
    }
    return &it->second;
  }

  bool Skip(const std::string& label, size_t number, std::string_view why) {
    Flush();
    std::fflush(stdout);
    std::fprintf(stderr, "tidings: %s:%zu: %.*s; line skipped\n", label.c_str(),
                 number, static_cast<int>(why.size()), why.data());
    return false;
  }

  const scoring::Scorer& scorer_;
  const double min_relevance_;
  const scoring::ContentKind kind_;
  v1::Article article_;  // Only article_id is used by ToSignal here.
  v1::Signal signal_;
  google::protobuf::Struct object_;  // The protobuf path for other lines.
  std::string repaired_;
  FastLineParser fast_parser_;
  LineFields fields_;
  size_t flush_bytes_ = 64 << 10;
  const bool typed_writer_ = score_json::SignalWriterMatchesSchema();
  score_json::DoubleTextCache doubles_;
  std::string out_;  // Output lines not yet written, reused.
  scoring::Scorer::Scratch scratch_;
  std::vector<scoring::ScoredDocument> docs_;  // Reused with scratch_.
  uint64_t signals_ = 0;
};

}  // namespace

int RunScore(const std::vector<std::string>& args) {
  bool jsonl = false;
  std::string lexicons;
  double min_relevance = scoring::kDefaultMinRelevance;
  std::string content_type = "auto";
  FlagSet flags(
      "tidings score", "[flags] [FILE...]",
      "Scores text locally (no server, nothing stored) and prints one\n"
      "tidings.v1.Signal per article found, as protobuf JSON, one a line.\n"
      "Input is read from stdin when no FILE is named; \"-\" is stdin.\n"
      "Without --jsonl each FILE is one raw page or plain text (a page may\n"
      "hold several articles: one signal each; article_id is empty, as\n"
      "`tidings ingest` sends it). With --jsonl each line is a JSON object\n"
      "with \"id\" and \"text\" (other keys ignored; a line without \"text\"\n"
      "may give \"title\" and \"body\"), and every signal printed for it has\n"
      "article_id = that id. Bad lines are reported on stderr and skipped;\n"
      "the exit status is then 1.");
  flags.Bool("jsonl", &jsonl, "read JSON lines {\"id\": ..., \"text\": ...}");
  flags.String(
      "lexicons", &lexicons, "DIR",
      "lexicon directory (default: the lexicons built into the binary)");
  flags.Double("min-relevance", &min_relevance, "X",
               "drop events with relevance below X", 0.0, 1.0);
  flags.String("content-type", &content_type, "auto|text|page",
               "text = one article, page = segment a scraped page");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  absl::StatusOr<scoring::ContentKind> kind = ParseContentKind(content_type);
  if (!kind.ok()) return UsageError(flags, kind.status().message());

  absl::StatusOr<std::unique_ptr<const scoring::Scorer>> scorer =
      MakeScorer(lexicons);
  if (!scorer.ok()) return Fail(scorer.status().message());

  std::vector<std::string> files = flags.positional();
  if (files.empty()) files.push_back("-");
  // ScoreRun buffers whole lines and writes them in chunks (FlushBytes):
  // stdio's buffer would only copy them once more.
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  ScoreRun run(**scorer, min_relevance, *kind);
  uint64_t bad = 0;
  uint64_t lines = 0;
  for (const std::string& path : files) {
    const std::string label = path == "-" ? "stdin" : path;
    run.set_flush_bytes(FlushBytes(path));
    if (!jsonl) {
      absl::StatusOr<std::string> content = ReadWholeFile(path);
      if (!content.ok()) {
        run.Flush();
        return Fail(content.status().message());
      }
      run.Emit("", *content);
      continue;
    }
    LineReader reader;
    if (absl::Status s = reader.Open(path); !s.ok()) {
      run.Flush();
      return Fail(s.message());
    }
    std::string_view line;
    while (reader.Next(&line)) {
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      ++lines;
      if (!run.Line(label, reader.line_number(), line)) ++bad;
    }
    if (!reader.status().ok()) {
      run.Flush();
      return Fail(reader.status().message());
    }
  }
  run.Flush();
  if (std::fflush(stdout) != 0) return Fail("cannot write to stdout");
  if (bad > 0) {
    return Fail(absl::StrCat(bad, " of ", lines,
                             " input lines were skipped (see above)"));
  }
  return kExitOk;
}

int RunEval(const std::vector<std::string>& args) {
  std::string lexicons;
  EvalOptions options;
  FlagSet flags(
      "tidings eval", "[flags]",
      "Measures the scorer on the labelled evaluation data (Financial\n"
      "PhraseBank, finance posts, market headlines with entity labels, gold\n"
      "headlines, hand-labelled events, scraped pages) and prints a table of\n"
      "metrics with the targets of their held-out halves. Reads only.");
  flags.String("data", &options.data_dir, "DIR",
               "evaluation data root (fpb/, tfns/, sentfin/, gold/, events/, "
               "pages/), e.g. ../shared/data; required");
  flags.String(
      "lexicons", &lexicons, "DIR",
      "lexicon directory (default: the lexicons built into the binary)");
  flags.Bool("errors", &options.show_errors,
             "print each misclassified item (for lexicon authors)");
  flags.String("only", &options.only, "NAME",
               "only datasets whose name contains NAME (fpb, tfns, sentfin, "
               "sentfin/entities, gold, events, pages/dev2, ...)");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (!flags.positional().empty()) {
    return UsageError(flags, absl::StrCat("unexpected argument \"",
                                          flags.positional()[0], "\""));
  }
  if (options.data_dir.empty()) {
    return UsageError(flags,
                      "name the evaluation data with --data DIR (a folder "
                      "with fpb/, tfns/, sentfin/, gold/, events/, pages/)");
  }
  absl::StatusOr<std::unique_ptr<const scoring::Scorer>> scorer =
      MakeScorer(lexicons);
  if (!scorer.ok()) return Fail(scorer.status().message());
  absl::Status status = Evaluate(**scorer, options, std::cout);
  std::cout.flush();
  if (!status.ok()) {
    // NOT_FOUND already says which directory and what --data needs.
    return Fail(status.code() == absl::StatusCode::kNotFound
                    ? std::string(status.message())
                    : absl::StrCat("eval failed: ", status.message()));
  }
  return kExitOk;
}

}  // namespace tidings::cli
