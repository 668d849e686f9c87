// Copyright 2026 The Tidings Authors.
//
// `tidings ingest`: sends pages or JSONL articles to a server in Ingest
// batches (--parallel of them in flight) and prints one line per article,
// a progress line on stderr when it is a terminal, and a summary.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "service/cli/article_json.h"
#include "service/cli/commands.h"
#include "service/cli/connection.h"
#include "service/cli/format.h"
#include "service/convert.h"
#include "tidings/v1/tidings.grpc.pb.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

// An Ingest request is cut before it reaches this size, well below the
// server's default --max-request-bytes (64 MiB).
constexpr size_t kMaxRequestBytes = 3 << 20;
// Most concurrent Ingest calls (--parallel).
constexpr uint64_t kMaxParallel = 64;
// The progress line is redrawn at most this often.
constexpr absl::Duration kProgressInterval = absl::Milliseconds(250);

// One Ingest call's worth of input and the output lines it owes, in input
// order.
struct Batch {
  v1::IngestRequest request;
  std::vector<std::string> labels;  // One per article of request.
  // An article of request (article >= 0) or a local error message.
  struct Line {
    int article = -1;
    std::string text{};
  };
  std::vector<Line> lines;
  size_t request_bytes = 0;
  uint64_t input_bytes = 0;  // Of the input files, for the progress line.

  bool empty() const { return request.articles().empty() && lines.empty(); }
};

struct IngestOptions {
  std::string server;
  absl::Duration timeout;
  size_t max_batch = 100;
  size_t parallel = 1;    // Ingest calls in flight at once.
  bool quiet = false;     // Print failures only, no line per stored article.
  bool progress = false;  // Redraw a progress line on stderr.
  uint64_t total_input_bytes = 0;  // Size of the input; 0 = unknown.
};

// Reads batches from the caller's thread and sends them on `parallel`
// sender threads, each printing a batch's lines (in input order) once the
// batch is answered; batches may finish out of order when parallel > 1.
// After a failed call nothing more is sent: the batches still queued are
// counted as not acknowledged. Add, LocalError, Skip and Finish are called
// from one thread.
class Ingester {
 public:
  explicit Ingester(IngestOptions options)
      : options_(std::move(options)),
        start_(absl::Now()),
        stub_(MakeStub(options_.server)),
        stdout_is_terminal_(isatty(STDOUT_FILENO) == 1) {
    for (size_t i = 0; i < options_.parallel; ++i) {
      senders_.emplace_back([this] { SendLoop(); });
    }
    if (options_.progress) progress_ = std::thread([this] { ProgressLoop(); });
  }
  ~Ingester() { Finish(); }

  // Queues one article that took `input_bytes` of the input; hands the batch
  // to the senders when it is full. False once a call failed (the message
  // is printed): stop reading.
  bool Add(v1::Article article, std::string label, uint64_t input_bytes) {
    const size_t size = article.ByteSizeLong() + 16;
    if (!current_.request.articles().empty() &&
        current_.request_bytes + size > kMaxRequestBytes) {
      Cut();
    }
    current_.lines.push_back({.article = current_.request.articles_size()});
    *current_.request.add_articles() = std::move(article);
    current_.labels.push_back(std::move(label));
    current_.request_bytes += size;
    current_.input_bytes += input_bytes;
    if (static_cast<size_t>(current_.request.articles_size()) >=
        options_.max_batch) {
      Cut();
    }
    return !failed_call_.load();
  }

  // Reports an article that could not be read or parsed, in input order.
  void LocalError(std::string line, uint64_t input_bytes) {
    {
      absl::MutexLock lock(&out_mu_);
      ++failed_;
    }
    current_.lines.push_back({.text = std::move(line)});
    current_.input_bytes += input_bytes;
  }

  // Input that holds no article (blank lines).
  void Skip(uint64_t input_bytes) { current_.input_bytes += input_bytes; }

  // Sends what is left, waits for every call and ends the progress line.
  // Idempotent.
  void Finish() {
    if (finished_) return;
    finished_ = true;
    if (!current_.empty() || current_.input_bytes > 0) Cut();
    {
      absl::MutexLock lock(&queue_mu_);
      closed_ = true;
    }
    for (std::thread& t : senders_) t.join();
    if (progress_.joinable()) {
      {
        absl::MutexLock lock(&out_mu_);
        progress_done_ = true;
      }
      progress_.join();
      absl::MutexLock lock(&out_mu_);
      DrawProgress();
      std::fputc('\n', stderr);
    }
  }

  bool ok() const {
    absl::MutexLock lock(&out_mu_);
    return !failed_call_.load() && failed_ == 0;
  }

  // One line on stderr, always: what happened, the head seq, the time taken.
  void PrintSummary() const {
    absl::MutexLock lock(&out_mu_);
    const absl::Duration elapsed = absl::Now() - start_;
    const uint64_t articles = stored_ + duplicate_ + failed_;
    std::string summary =
        absl::StrCat(stored_, " stored (", signals_, " signal(s)), ",
                     duplicate_, " duplicate, ", failed_, " failed");
    if (failed_call_.load()) {
      absl::StrAppend(&summary, ", ", not_acknowledged_,
                      " not acknowledged (and any not yet read)");
    }
    if (answered_) absl::StrAppend(&summary, "; head seq ", head_seq_);
    absl::StrAppend(
        &summary, "; ", articles, " article(s) in ", FormatElapsed(elapsed),
        ", ",
        FormatRate(articles / std::max(absl::ToDoubleSeconds(elapsed), 1e-3)),
        " articles/s");
    std::fflush(stdout);
    std::fprintf(stderr, "tidings: %s\n", summary.c_str());
  }

 private:
  // Hands current_ to the senders; waits while `parallel` batches wait.
  void Cut() {
    absl::MutexLock lock(&queue_mu_);
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return queue_.size() < options_.parallel;
    };
    queue_mu_.Await(absl::Condition(&room));
    queue_.push_back(std::move(current_));
    current_ = Batch();
  }

  void SendLoop() {
    while (true) {
      Batch batch;
      {
        absl::MutexLock lock(&queue_mu_);
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
          return closed_ || !queue_.empty();
        };
        queue_mu_.Await(absl::Condition(&ready));
        if (queue_.empty()) return;  // Closed and drained.
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      Send(batch);
    }
  }

  // Sends one batch (unless a call failed before) and prints its lines.
  void Send(Batch& batch) {
    const int count = batch.request.articles_size();
    if (count == 0 || failed_call_.load()) {
      absl::MutexLock lock(&out_mu_);
      if (count > 0) not_acknowledged_ += count;
      PrintLocalErrors(batch);
      if (count == 0) done_input_bytes_ += batch.input_bytes;
      return;
    }
    {
      absl::MutexLock lock(&out_mu_);
      sent_ += count;
    }
    grpc::ClientContext context;
    Authorize(&context);
    SetTimeout(&context, options_.timeout);
    v1::IngestResponse response;
    grpc::Status status = stub_->Ingest(&context, batch.request, &response);
    absl::MutexLock lock(&out_mu_);
    if (!status.ok()) {
      not_acknowledged_ += count;
      if (!failed_call_.exchange(true)) {
        ReportFailedCall(batch, status, context);
      }
      PrintLocalErrors(batch);
      return;
    }
    std::vector<const v1::IngestResult*> results(batch.labels.size(), nullptr);
    for (const v1::IngestResult& r : response.results()) {
      if (r.index() < results.size()) results[r.index()] = &r;
    }
    ClearProgressForStdout();
    for (const Batch::Line& line : batch.lines) {
      if (line.article < 0) {
        WriteLine(line.text);
      } else if (results[line.article] == nullptr) {
        WriteLine(absl::StrCat(batch.labels[line.article],
                               ": error: no result from the server for this "
                               "article"));
        ++failed_;
      } else {
        Report(batch.labels[line.article], *results[line.article]);
      }
    }
    if (stdout_is_terminal_) std::fflush(stdout);
    acknowledged_ += count;
    done_input_bytes_ += batch.input_bytes;
    head_seq_ = std::max(head_seq_, response.head_seq());
    answered_ = true;
  }

  void ReportFailedCall(const Batch& batch, const grpc::Status& status,
                        const grpc::ClientContext& context)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    ClearProgress();
    std::fflush(stdout);
    std::fprintf(stderr, "tidings: %s\n",
                 DescribeRpcError(status, options_.server, "ingest").c_str());
    if (std::optional<int64_t> pushback =
            RetryPushbackMs(context.GetServerTrailingMetadata());
        pushback.has_value() && *pushback >= 0) {
      std::fprintf(stderr,
                   "tidings: the server asks to wait %lld ms before "
                   "retrying (grpc-retry-pushback-ms)\n",
                   static_cast<long long>(*pushback));
    }
    std::fprintf(stderr,
                 "tidings: %d article(s) of this batch%s were not "
                 "acknowledged, starting with %s; ingest is idempotent, so "
                 "running the same command again is safe\n",
                 batch.request.articles_size(),
                 status.error_code() == grpc::StatusCode::INVALID_ARGUMENT
                     ? " (try a smaller --batch)"
                     : " and any later ones",
                 batch.labels.front().c_str());
  }

  // Prints the local errors of a batch that was not (or not successfully)
  // sent.
  void PrintLocalErrors(const Batch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    bool any = false;
    for (const Batch::Line& line : batch.lines) {
      if (line.article >= 0) continue;
      if (!any) ClearProgressForStdout();
      any = true;
      WriteLine(line.text);
    }
    if (any && stdout_is_terminal_) std::fflush(stdout);
  }

  void Report(const std::string& label, const v1::IngestResult& r)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    if (r.error_code() != 0) {
      ++failed_;
      WriteLine(absl::StrCat(label, ": error ", CodeName(r.error_code()), ": ",
                             r.error_message()));
      return;
    }
    if (r.duplicate()) {
      ++duplicate_;
      if (options_.quiet) return;
      std::string seqs = absl::StrJoin(r.seqs(), " ");
      WriteLine(absl::StrCat(label, ": duplicate, already stored as seqs ",
                             seqs.empty() ? "(none)" : seqs));
      return;
    }
    ++stored_;
    signals_ += r.seqs_size();
    if (options_.quiet) return;
    if (r.seqs().empty()) {
      WriteLine(absl::StrCat(label, ": stored, no signals (no article found)"));
    } else {
      WriteLine(
          absl::StrCat(label, ": stored seqs ", absl::StrJoin(r.seqs(), " ")));
    }
  }

  // --- The progress line (stderr is a terminal) ---------------------------

  void ProgressLoop() {
    absl::MutexLock lock(&out_mu_);
    while (!progress_done_) {
      out_mu_.AwaitWithTimeout(absl::Condition(&progress_done_),
                               kProgressInterval);
      if (!progress_done_) DrawProgress();
    }
  }

  // "tidings: 1200 sent, 1100 acknowledged, 0 failed, 850 articles/s, 45%
  // ETA 12s"; percent and ETA only when the input size is known.
  std::string ProgressLine() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    const double seconds =
        std::max(absl::ToDoubleSeconds(absl::Now() - start_), 1e-3);
    std::string line =
        absl::StrCat("tidings: ", sent_, " sent, ", acknowledged_,
                     " acknowledged, ", failed_, " failed, ",
                     FormatRate(acknowledged_ / seconds), " articles/s");
    if (options_.total_input_bytes > 0) {
      const double done =
          std::min(1.0, static_cast<double>(done_input_bytes_) /
                            static_cast<double>(options_.total_input_bytes));
      absl::StrAppend(&line, ", ", static_cast<int>(done * 100), "%");
      if (done >= 1.0) {
        absl::StrAppend(&line, " done");
      } else if (done > 0) {
        absl::StrAppend(
            &line, " ETA ",
            FormatElapsed(absl::Seconds(seconds * (1 - done) / done)));
      } else {
        absl::StrAppend(&line, " ETA -");
      }
    }
    return line;
  }

  void DrawProgress() ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    const std::string line = ProgressLine();
    // Spaces over the rest of a longer previous line.
    const size_t pad =
        progress_width_ > line.size() ? progress_width_ - line.size() : 0;
    std::fprintf(stderr, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
    std::fflush(stderr);
    progress_width_ = line.size();
  }

  // Blanks the progress line (it is redrawn at the next tick).
  void ClearProgress() ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    if (progress_width_ == 0) return;
    std::fprintf(stderr, "\r%*s\r", static_cast<int>(progress_width_), "");
    std::fflush(stderr);
    progress_width_ = 0;
  }

  // Before lines to stdout: when stdout is the same terminal, the progress
  // line goes first.
  void ClearProgressForStdout() ABSL_EXCLUSIVE_LOCKS_REQUIRED(out_mu_) {
    if (stdout_is_terminal_) ClearProgress();
  }

  const IngestOptions options_;
  const absl::Time start_;
  std::unique_ptr<v1::Tidings::Stub> stub_;
  const bool stdout_is_terminal_;
  Batch current_;  // Being filled by the reading thread.
  bool finished_ = false;

  absl::Mutex queue_mu_;
  std::deque<Batch> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool closed_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::atomic<bool> failed_call_{false};
  std::vector<std::thread> senders_;

  // Output, counters and the progress line.
  mutable absl::Mutex out_mu_;
  uint64_t sent_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t acknowledged_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t stored_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t duplicate_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t failed_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t signals_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t not_acknowledged_ ABSL_GUARDED_BY(out_mu_) = 0;
  uint64_t head_seq_ ABSL_GUARDED_BY(out_mu_) = 0;
  bool answered_ ABSL_GUARDED_BY(out_mu_) = false;  // A call succeeded.
  uint64_t done_input_bytes_ ABSL_GUARDED_BY(out_mu_) = 0;
  size_t progress_width_ ABSL_GUARDED_BY(out_mu_) = 0;  // 0 = not shown.
  bool progress_done_ ABSL_GUARDED_BY(out_mu_) = false;
  std::thread progress_;
};

// The size of the input when every FILE is a regular file (stdin too, when
// it is redirected from one); 0 when any is not (a pipe: no ETA). Files
// that cannot be stat'ed fail later, when they are read.
uint64_t InputSize(const std::vector<std::string>& files) {
  uint64_t total = 0;
  for (const std::string& path : files) {
    struct stat st;
    const int r =
        path == "-" ? fstat(STDIN_FILENO, &st) : stat(path.c_str(), &st);
    if (r != 0) continue;
    if (!S_ISREG(st.st_mode)) return 0;
    total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

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
  std::string assume_tz;
  std::vector<std::string> maps;
  absl::Duration timeout = absl::Seconds(60);
  uint64_t parallel = 1;
  bool quiet = false;
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
      "Archives in other shapes: --map renames keys (id=article_id), and\n"
      "published_at/received_at may be dates, times without a zone (read in\n"
      "--assume-tz), RFC 1123 or seconds since 1970.\n"
      "Articles go in batches of --batch; --parallel N keeps N batches in\n"
      "flight, so lines stay whole and each names its article, but batches\n"
      "may finish (and print) out of input order. When stderr is a terminal\n"
      "a progress line shows articles sent and acknowledged, the rate,\n"
      "failures so far and, for regular files, the ETA. A summary goes to\n"
      "stderr at the end. Ingest is idempotent: re-running a command after a\n"
      "failure is safe. Exits 1 if any article failed.");
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
  flags.List("map", &maps, "KEY=FIELD",
             "with --jsonl, read the file's KEY as the Article FIELD, e.g. "
             "id=article_id,published=published_at");
  flags.String("assume-tz", &assume_tz, "ZONE",
               "with --jsonl, the zone of published_at/received_at values "
               "written without one (dates, 1987-10-19T13:30:41): UTC, +05:30 "
               "or a name such as America/New_York");
  flags.Duration("timeout", &timeout, "deadline of each Ingest call");
  flags.Uint64("parallel", &parallel, "N",
               "Ingest calls in flight at once (1 to 64); above 1, lines "
               "may come out of input order",
               kMaxParallel);
  flags.Bool("quiet", &quiet,
             "print only failed articles and the summary, no line per "
             "stored or duplicate article");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }

  const std::vector<std::string>& files = flags.positional();
  if (files.empty()) {
    return UsageError(flags, "name at least one FILE (\"-\" reads stdin)");
  }
  if (batch == 0) return UsageError(flags, "--batch must be at least 1");
  if (parallel == 0) {
    return UsageError(flags, absl::StrCat("--parallel must be between 1 and ",
                                          kMaxParallel, ", got 0"));
  }
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

  ArticleJsonOptions json_options;
  json_options.ignore_unknown_fields = ignore_unknown;
  if (!assume_tz.empty()) {
    absl::StatusOr<absl::TimeZone> zone = ParseTimeZone(assume_tz);
    if (!zone.ok()) return UsageError(flags, zone.status().message());
    json_options.assume_tz = *zone;
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> renames =
      ParseRenames(maps);
  if (!renames.ok()) return UsageError(flags, renames.status().message());
  json_options.renames = *std::move(renames);
  absl::StatusOr<ArticleJsonReader> json_reader =
      ArticleJsonReader::Create(std::move(json_options));
  if (!json_reader.ok())
    return UsageError(flags, json_reader.status().message());

  IngestOptions options;
  options.server = server;
  options.timeout = timeout;
  options.max_batch = batch;
  options.parallel = parallel;
  options.quiet = quiet;
  options.progress = isatty(STDERR_FILENO) == 1;
  if (options.progress) options.total_input_bytes = InputSize(files);
  Ingester ingester(std::move(options));
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
            absl::StrCat(label, ": error: ", body.status().message()), 0);
        continue;
      }
      const uint64_t bytes = body->size();
      v1::Article article;
      article.set_article_id(id);
      article.set_url(url);
      article.set_body(std::move(*body));
      fill_defaults(&article);
      if (!ingester.Add(std::move(article), label, bytes)) break;
      continue;
    }
    LineReader reader;
    if (absl::Status s = reader.Open(path); !s.ok()) {
      ingester.LocalError(absl::StrCat(label, ": error: ", s.message()), 0);
      continue;
    }
    std::string_view line;
    bool stop = false;
    uint64_t position = 0;  // Input bytes handed to the ingester.
    while (!stop && reader.Next(&line)) {
      const uint64_t bytes = reader.bytes_read() - position;
      position = reader.bytes_read();
      if (line.find_first_not_of(" \t") == std::string_view::npos) {
        ingester.Skip(bytes);
        continue;
      }
      std::string where = absl::StrCat(label, ":", reader.line_number());
      v1::Article article;
      if (absl::Status s = json_reader->Parse(line, &article); !s.ok()) {
        ingester.LocalError(absl::StrCat(where, ": error: ", s.message()),
                            bytes);
        continue;
      }
      if (!article.article_id().empty()) {
        absl::StrAppend(&where, " [", article.article_id(), "]");
      }
      fill_defaults(&article);
      stop = !ingester.Add(std::move(article), std::move(where), bytes);
    }
    if (!reader.status().ok()) {
      ingester.LocalError(
          absl::StrCat(label, ": error: ", reader.status().message()), 0);
    }
    if (stop) break;
  }
  ingester.Finish();
  ingester.PrintSummary();
  return ingester.ok() ? kExitOk : kExitFailure;
}

}  // namespace tidings::cli
