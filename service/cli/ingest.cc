// Copyright 2026 The Tidings Authors.
//
// `tidings ingest`: sends pages or JSONL articles to a server in Ingest
// batches and prints one line per article.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "service/cli/commands.h"
#include "service/cli/connection.h"
#include "service/cli/format.h"
#include "service/convert.h"
#include "tidings/v1/tidings.grpc.pb.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

// An Ingest request is cut before it reaches this size, below gRPC's default
// 4 MiB receive limit on the server.
constexpr size_t kMaxRequestBytes = 3 << 20;

class Ingester {
 public:
  Ingester(std::string server, absl::Duration timeout, size_t max_batch)
      : server_(std::move(server)),
        stub_(MakeStub(server_)),
        timeout_(timeout),
        max_batch_(max_batch) {}

  // Queues one article; sends the batch when it is full. False after a
  // failed call (the message is printed): stop reading.
  bool Add(v1::Article article, std::string label) {
    const size_t size = article.ByteSizeLong() + 16;
    if (!request_.articles().empty() &&
        request_bytes_ + size > kMaxRequestBytes) {
      if (!Flush()) return false;
    }
    lines_.push_back({.article = request_.articles_size()});
    *request_.add_articles() = std::move(article);
    labels_.push_back(std::move(label));
    request_bytes_ += size;
    if (static_cast<size_t>(request_.articles_size()) >= max_batch_) {
      return Flush();
    }
    return true;
  }

  // Sends the queued articles, if any, and prints one line per article.
  bool Flush() {
    if (failed_call_) return false;  // The batch stays unsent; see above.
    if (request_.articles().empty()) return true;
    grpc::ClientContext context;
    Authorize(&context);
    SetTimeout(&context, timeout_);
    v1::IngestResponse response;
    grpc::Status status = stub_->Ingest(&context, request_, &response);
    if (!status.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "tidings: %s\n",
                   DescribeRpcError(status, server_, "ingest").c_str());
      std::fprintf(stderr,
                   "tidings: %d article(s) of this batch%s were not "
                   "acknowledged, starting with %s; ingest is idempotent, so "
                   "running the same command again is safe\n",
                   request_.articles_size(),
                   status.error_code() == grpc::StatusCode::INVALID_ARGUMENT
                       ? " (try a smaller --batch)"
                       : " and any later ones",
                   labels_.front().c_str());
      failed_call_ = true;
      PrintLocalErrors();
      return false;
    }
    std::vector<const v1::IngestResult*> results(labels_.size(), nullptr);
    for (const v1::IngestResult& r : response.results()) {
      if (r.index() < results.size()) results[r.index()] = &r;
    }
    for (const Line& line : lines_) {
      if (line.article < 0) {
        WriteLine(line.text);
      } else if (results[line.article] == nullptr) {
        WriteLine(absl::StrCat(labels_[line.article],
                               ": error: no result from the server for this "
                               "article"));
        ++failed_;
      } else {
        Report(labels_[line.article], *results[line.article]);
      }
    }
    head_seq_ = response.head_seq();
    answered_ = true;
    request_.Clear();
    labels_.clear();
    lines_.clear();
    request_bytes_ = 0;
    return true;
  }

  // Reports an article that could not be read or parsed, in input order.
  void LocalError(std::string line) {
    ++failed_;
    if (request_.articles().empty()) {
      WriteLine(line);
    } else {
      lines_.push_back({.text = std::move(line)});
    }
  }

  // Prints what is still queued after a failed call.
  void PrintLocalErrors() {
    for (const Line& line : lines_) {
      if (line.article < 0) WriteLine(line.text);
    }
    lines_.clear();
  }

  bool ok() const { return !failed_call_ && failed_ == 0; }

  void PrintSummary() const {
    std::string summary =
        absl::StrCat(stored_, " stored (", signals_, " signal(s)), ",
                     duplicate_, " duplicate, ", failed_, " failed");
    if (failed_call_) {
      absl::StrAppend(&summary, ", ", request_.articles_size(),
                      " not acknowledged (and any not yet read)");
    }
    if (answered_) absl::StrAppend(&summary, "; head seq ", head_seq_);
    std::fflush(stdout);
    std::fprintf(stderr, "tidings: %s\n", summary.c_str());
  }

 private:
  void Report(const std::string& label, const v1::IngestResult& r) {
    if (r.error_code() != 0) {
      ++failed_;
      WriteLine(absl::StrCat(label, ": error ", CodeName(r.error_code()), ": ",
                             r.error_message()));
      return;
    }
    std::string seqs = absl::StrJoin(r.seqs(), " ");
    if (r.duplicate()) {
      ++duplicate_;
      WriteLine(absl::StrCat(label, ": duplicate, already stored as seqs ",
                             seqs.empty() ? "(none)" : seqs));
      return;
    }
    ++stored_;
    signals_ += r.seqs_size();
    if (r.seqs().empty()) {
      WriteLine(absl::StrCat(label, ": stored, no signals (no article found)"));
    } else {
      WriteLine(absl::StrCat(label, ": stored seqs ", seqs));
    }
  }

  const std::string server_;
  std::unique_ptr<v1::Tidings::Stub> stub_;
  const absl::Duration timeout_;
  const size_t max_batch_;
  v1::IngestRequest request_;
  std::vector<std::string> labels_;  // One per article of request_.
  // The output lines of the current batch, in input order: an article of
  // request_ (article >= 0) or a local error message.
  struct Line {
    int article = -1;
    std::string text{};
  };
  std::vector<Line> lines_;
  size_t request_bytes_ = 0;
  bool failed_call_ = false;
  bool answered_ = false;  // Some Ingest call succeeded.
  uint64_t stored_ = 0, duplicate_ = 0, failed_ = 0, signals_ = 0;
  uint64_t head_seq_ = 0;
};

std::optional<v1::ContentType> ContentTypeOf(std::string_view name) {
  if (name == "auto") return v1::CONTENT_TYPE_UNSPECIFIED;
  if (name == "text") return v1::CONTENT_TYPE_PLAIN_TEXT;
  if (name == "page") return v1::CONTENT_TYPE_RAW_PAGE;
  return std::nullopt;
}

}  // namespace

int RunIngest(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  std::string source;
  bool jsonl = false;
  uint64_t batch = 100;
  std::string id;
  std::string url;
  std::optional<absl::Time> published;
  std::string content_type = "auto";
  bool ignore_unknown = false;
  absl::Duration timeout = absl::Seconds(60);
  FlagSet flags(
      "tidings ingest", "[flags] FILE...",
      "Sends articles to a running server and prints one line per article:\n"
      "the seqs of the signals it produced, \"duplicate\" (a retry: the seqs\n"
      "stored the first time), or the error. Each FILE is one raw scraped\n"
      "page or plain text; \"-\" is stdin. Without --id the article has no\n"
      "id and the server recognises a re-sent page by its content\n"
      "fingerprint. With --jsonl each line of each FILE is one\n"
      "tidings.v1.Article in protobuf JSON, e.g.\n"
      "  {\"article_id\": \"a1\", \"source\": \"wire\", \"body\": \"Gold "
      "rose...\"}\n"
      "Exits 1 if any article failed.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.String("source", &source, "NAME",
               "source of articles that do not name one");
  flags.Bool("jsonl", &jsonl, "read one tidings.v1.Article (JSON) a line");
  flags.Uint64("batch", &batch, "N",
               "articles per Ingest call (also cut at 3 MiB)", 100000);
  flags.String("id", &id, "ID", "article_id of the page (one FILE only)");
  flags.String("url", &url, "URL", "url of the page (one FILE only)");
  flags.Time("published", &published,
             "published_at of the pages (RFC 3339 or YYYY-MM-DD)");
  flags.String("content-type", &content_type, "auto|text|page",
               "text = one article, page = segment a scraped page");
  flags.Bool("ignore-unknown-fields", &ignore_unknown,
             "with --jsonl, ignore keys that are not Article fields");
  flags.Duration("timeout", &timeout, "deadline of each Ingest call");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }

  const std::vector<std::string>& files = flags.positional();
  if (files.empty()) {
    return UsageError(flags, "name at least one FILE (\"-\" reads stdin)");
  }
  if (batch == 0) return UsageError(flags, "--batch must be at least 1");
  if ((!id.empty() || !url.empty()) && (jsonl || files.size() != 1)) {
    return UsageError(flags,
                      "--id and --url describe one page: name exactly one "
                      "FILE and no --jsonl");
  }
  std::optional<v1::ContentType> type = ContentTypeOf(content_type);
  if (!type.has_value()) {
    return UsageError(
        flags, absl::StrCat("bad value for --content-type: \"", content_type,
                            "\" (use auto, text or page)"));
  }
  if (std::count(files.begin(), files.end(), "-") > 1) {
    return UsageError(flags, "\"-\" (stdin) can be named only once");
  }

  Ingester ingester(server, timeout, batch);
  auto fill_defaults = [&](v1::Article* a) {
    if (a->source().empty()) a->set_source(source);
    if (published.has_value() && !a->has_published_at()) {
      service::ToProto(*published, a->mutable_published_at());
    }
    if (a->content_type() == v1::CONTENT_TYPE_UNSPECIFIED) {
      a->set_content_type(*type);
    }
  };
  for (const std::string& path : files) {
    const std::string label = path == "-" ? "stdin" : path;
    if (!jsonl) {
      absl::StatusOr<std::string> body = ReadWholeFile(path);
      if (!body.ok()) {
        ingester.LocalError(
            absl::StrCat(label, ": error: ", body.status().message()));
        continue;
      }
      v1::Article article;
      article.set_article_id(id);
      article.set_url(url);
      article.set_body(std::move(*body));
      fill_defaults(&article);
      if (!ingester.Add(std::move(article), label)) break;
      continue;
    }
    LineReader reader;
    if (absl::Status s = reader.Open(path); !s.ok()) {
      ingester.LocalError(absl::StrCat(label, ": error: ", s.message()));
      continue;
    }
    std::string_view line;
    bool stop = false;
    while (!stop && reader.Next(&line)) {
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      std::string where = absl::StrCat(label, ":", reader.line_number());
      v1::Article article;
      if (absl::Status s = FromJson(line, &article, ignore_unknown); !s.ok()) {
        ingester.LocalError(absl::StrCat(
            where, ": error: not a tidings.v1.Article in protobuf JSON (",
            s.message(), ")",
            ignore_unknown ? ""
                           : "; --ignore-unknown-fields skips extra keys"));
        continue;
      }
      if (!article.article_id().empty()) {
        absl::StrAppend(&where, " [", article.article_id(), "]");
      }
      fill_defaults(&article);
      stop = !ingester.Add(std::move(article), std::move(where));
    }
    if (!reader.status().ok()) {
      ingester.LocalError(
          absl::StrCat(label, ": error: ", reader.status().message()));
    }
    if (stop) break;
  }
  ingester.Flush();
  ingester.PrintSummary();
  return ingester.ok() ? kExitOk : kExitFailure;
}

}  // namespace tidings::cli
