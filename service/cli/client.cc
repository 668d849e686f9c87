// Copyright 2026 The Tidings Authors.
//
// The client subcommands: `tidings ingest`, `tail`, `query` and `get`. They
// use the synchronous gRPC client API; every unary call and every Query has a
// deadline, and Subscribe is bounded by --max and --idle-timeout when given.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "service/cli/commands.h"
#include "service/cli/format.h"
#include "service/convert.h"
#include "tidings/v1/tidings.grpc.pb.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

// Largest message the client accepts (a Signal carries its cleaned text).
constexpr int kMaxReceiveBytes = 64 << 20;
// An Ingest request is cut before it reaches this size, below gRPC's default
// 4 MiB receive limit on the server.
constexpr size_t kMaxRequestBytes = 3 << 20;

// How the client commands reach the server: bearer token and TLS files
// (flags shared by ingest, tail, query and get). One command per process.
struct Connection {
  std::string token;     // --token, else $TIDINGS_TOKEN.
  std::string tls_ca;    // --tls-ca: PEM of the CA that signed the server.
  std::string tls_cert;  // --tls-cert/--tls-key: client certificate (mTLS).
  std::string tls_key;
  // PEM contents, read by FinishConnectionFlags().
  std::string ca_pem, cert_pem, key_pem;
};

Connection& Conn() {
  static Connection* c = new Connection();
  return *c;
}

void BindConnectionFlags(FlagSet& flags) {
  Connection& c = Conn();
  flags.String("token", &c.token, "TOKEN",
               "bearer token for a server with --tokens (default: "
               "$TIDINGS_TOKEN)");
  flags.String("tls-ca", &c.tls_ca, "FILE",
               "connect with TLS, trusting the CA certificate(s) in FILE "
               "(PEM)");
  flags.String("tls-cert", &c.tls_cert, "FILE",
               "client certificate (PEM) for mutual TLS; with --tls-key");
  flags.String("tls-key", &c.tls_key, "FILE",
               "private key (PEM) of --tls-cert");
}

// Fills the token from $TIDINGS_TOKEN and reads the TLS files. A message for
// the user, or "" when all is well.
std::string FinishConnectionFlags() {
  Connection& c = Conn();
  if (c.token.empty()) {
    const char* env = std::getenv("TIDINGS_TOKEN");
    if (env != nullptr) c.token = env;
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return "--tls-cert and --tls-key go together";
  }
  if (!c.tls_cert.empty() && c.tls_ca.empty()) {
    return "--tls-cert needs --tls-ca (the CA that signed the server)";
  }
  const std::pair<const std::string*, std::string*> files[] = {
      {&c.tls_ca, &c.ca_pem},
      {&c.tls_cert, &c.cert_pem},
      {&c.tls_key, &c.key_pem}};
  for (const auto& [path, pem] : files) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> content = ReadWholeFile(*path);
    if (!content.ok()) return std::string(content.status().message());
    *pem = *std::move(content);
  }
  return "";
}

std::unique_ptr<v1::Tidings::Stub> MakeStub(const std::string& server) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  const Connection& c = Conn();
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (c.tls_ca.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = c.ca_pem;
    ssl.pem_private_key = c.key_pem;
    ssl.pem_cert_chain = c.cert_pem;
    creds = grpc::SslCredentials(ssl);
  }
  return v1::Tidings::NewStub(grpc::CreateCustomChannel(server, creds, args));
}

// Adds the bearer token, if any, to a call.
void Authorize(grpc::ClientContext* context) {
  if (!Conn().token.empty()) {
    context->AddMetadata("authorization", "Bearer " + Conn().token);
  }
}

void SetTimeout(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoNanoseconds(timeout));
}

// The filter flags shared by `tail` and `query`.
struct FilterFlags {
  std::vector<std::string> events;
  std::vector<std::string> entities;
  std::vector<std::string> sources;
  double min_relevance = 0;
  bool include_duplicates = false;

  void Bind(FlagSet& flags) {
    flags.List("events", &events, "LIST",
               "only signals with any of these events: gold, tariff, "
               "sanctions, geopolitical (default: all)");
    flags.List("entities", &entities, "LIST",
               "only signals naming any of these entity ids, e.g. "
               "country:RU,person:putin (default: all)");
    flags.List("sources", &sources, "LIST",
               "only signals from any of these sources (default: all)");
    flags.Double("min-relevance", &min_relevance, "X",
                 "events below X do not count; 0 = the server's default", 0.0,
                 1.0);
    flags.Bool("include-duplicates", &include_duplicates,
               "also deliver near-duplicate stories");
  }

  // INVALID_ARGUMENT for an unknown event name.
  absl::Status Fill(v1::Filter* filter) const {
    absl::StatusOr<std::vector<v1::EventType>> types = ParseEventTypes(events);
    if (!types.ok()) return types.status();
    for (v1::EventType t : *types) filter->add_event_types(t);
    for (const std::string& e : entities) filter->add_entities(e);
    for (const std::string& s : sources) filter->add_sources(s);
    filter->set_min_relevance(min_relevance);
    filter->set_include_duplicates(include_duplicates);
    return absl::OkStatus();
  }
};

enum class OutputFormat { kText, kJson, kCsv };

void PrintSignal(const v1::Signal& signal, OutputFormat format) {
  switch (format) {
    case OutputFormat::kText:
      WriteLine(FormatSignalLine(signal));
      break;
    case OutputFormat::kJson:
      WriteLine(ToJson(signal));
      break;
    case OutputFormat::kCsv:
      WriteLine(FormatSignalCsv(signal));
      break;
  }
}

// ---------------------------------------------------------------------------
// ingest

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

// ---------------------------------------------------------------------------
// tail

namespace {

// Cancels a call when no signal has arrived for `idle` (heartbeats do not
// count). Stop() ends the watch; fired() tells whether it cancelled.
class IdleWatchdog {
 public:
  IdleWatchdog(grpc::ClientContext* context, absl::Duration idle)
      : context_(context), idle_(idle), last_(absl::Now()) {
    thread_ = std::thread([this] { Run(); });
  }
  ~IdleWatchdog() { Stop(); }

  void Touch() {
    absl::MutexLock lock(&mu_);
    last_ = absl::Now();
  }
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }
  bool fired() {
    absl::MutexLock lock(&mu_);
    return fired_;
  }

 private:
  void Run() {
    absl::MutexLock lock(&mu_);
    while (!done_) {
      absl::Time deadline = last_ + idle_;
      if (absl::Now() >= deadline) {
        fired_ = true;
        context_->TryCancel();
        return;
      }
      mu_.AwaitWithDeadline(absl::Condition(&done_), deadline);
    }
  }

  grpc::ClientContext* const context_;
  const absl::Duration idle_;
  absl::Mutex mu_;
  absl::Time last_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool fired_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace

int RunTail(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  std::optional<uint64_t> from_seq;
  std::optional<absl::Time> from_time;
  FilterFlags filter_flags;
  bool json = false;
  bool heartbeats = false;
  std::optional<uint64_t> max;
  std::optional<absl::Duration> idle_timeout;
  FlagSet flags(
      "tidings tail", "[flags]",
      "Subscribes to signals and prints them as they arrive, in seq order:\n"
      "stored ones first when a start is given, then live ones. Without a\n"
      "start only signals stored from now on are shown. Output is one\n"
      "readable line per signal, or one tidings.v1.Signal in protobuf JSON\n"
      "per line with --json; stdout carries signals only (heartbeats go to\n"
      "stderr with --heartbeats). Runs until interrupted, --max or\n"
      "--idle-timeout. To resume after a disconnect, pass the last seq seen\n"
      "as --from-seq.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.OptionalUint64("from-seq", &from_seq, "N",
                       "start after seq N (0 = replay the whole log)");
  flags.Time("from-time", &from_time,
             "start at signals ingested at or after this time (RFC 3339, "
             "YYYY-MM-DD or -24h)");
  filter_flags.Bind(flags);
  flags.Bool("json", &json, "print one tidings.v1.Signal (JSON) a line");
  flags.Bool("heartbeats", &heartbeats,
             "print heartbeats (the server's head seq) to stderr");
  flags.OptionalUint64("max", &max, "N", "stop after N signals");
  flags.OptionalDuration("idle-timeout", &idle_timeout,
                         "stop when no signal arrived for this long");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (!flags.positional().empty()) {
    return UsageError(flags, absl::StrCat("unexpected argument \"",
                                          flags.positional()[0], "\""));
  }
  if (from_seq.has_value() && from_time.has_value()) {
    return UsageError(flags, "give --from-seq or --from-time, not both");
  }
  if (max.has_value() && *max == 0) return kExitOk;

  v1::SubscribeRequest request;
  if (absl::Status s = filter_flags.Fill(request.mutable_filter()); !s.ok()) {
    return UsageError(flags, s.message());
  }
  if (from_seq.has_value()) {
    request.set_from_seq(*from_seq);
  } else if (from_time.has_value()) {
    service::ToProto(*from_time, request.mutable_from_time());
  } else {
    request.set_from_now(true);
  }

  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  const absl::Time started = absl::Now();
  grpc::ClientContext context;
  Authorize(&context);
  std::optional<IdleWatchdog> watchdog;
  if (idle_timeout.has_value()) watchdog.emplace(&context, *idle_timeout);
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader =
      stub->Subscribe(&context, request);

  const OutputFormat format = json ? OutputFormat::kJson : OutputFormat::kText;
  uint64_t count = 0;
  uint64_t last_seq = from_seq.value_or(0);
  bool received = false;
  bool reached_max = false;
  v1::SubscribeEvent event;
  while (reader->Read(&event)) {
    received = true;
    if (event.has_heartbeat()) {
      if (heartbeats) {
        const v1::Heartbeat& h = event.heartbeat();
        std::fprintf(
            stderr, "heartbeat: head seq %llu, last seq seen %s, at %s\n",
            static_cast<unsigned long long>(h.head_seq()),
            count > 0 || from_seq.has_value() ? absl::StrCat(last_seq).c_str()
                                              : "-",
            h.has_server_time()
                ? FormatRfc3339(service::FromProto(h.server_time())).c_str()
                : "-");
      }
      continue;
    }
    if (!event.has_signal()) continue;
    if (watchdog.has_value()) watchdog->Touch();
    PrintSignal(event.signal(), format);
    std::fflush(stdout);
    last_seq = event.signal().seq();
    ++count;
    if (max.has_value() && count >= *max) {
      reached_max = true;
      context.TryCancel();
      break;
    }
  }
  bool idle = false;
  if (watchdog.has_value()) {
    watchdog->Stop();
    idle = watchdog->fired();
  }
  grpc::Status status = reader->Finish();
  if (reached_max) return kExitOk;
  if (idle) {
    std::fprintf(stderr, "tidings: no signal for %s (--idle-timeout)%s\n",
                 absl::FormatDuration(*idle_timeout).c_str(),
                 count > 0 || from_seq.has_value()
                     ? absl::StrCat("; last seq ", last_seq).c_str()
                     : "");
    return kExitOk;
  }
  if (status.ok()) return kExitOk;
  if (received && status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    // Where to pick up without missing or repeating a signal.
    std::string resume =
        count > 0 || from_seq.has_value()
            ? absl::StrCat("--from-seq ", last_seq)
        : from_time.has_value()
            ? absl::StrCat("--from-time ", FormatRfc3339(*from_time))
            : absl::StrCat("--from-time ", FormatRfc3339(started));
    return Fail(absl::StrCat(
        "the server at ", server, " ended the stream (UNAVAILABLE: ",
        status.error_message(), "); resume with ", resume));
  }
  return Fail(DescribeRpcError(status, server, "tail"));
}

// ---------------------------------------------------------------------------
// query

int RunQuery(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  std::optional<absl::Time> since;
  std::optional<absl::Time> until;
  std::string time_field = "ingested";
  FilterFlags filter_flags;
  uint64_t after_seq = 0;
  uint32_t limit = 0;
  bool json = false;
  bool csv = false;
  absl::Duration timeout = absl::Minutes(5);
  FlagSet flags(
      "tidings query", "[flags]",
      "Prints stored signals in seq order (history for backfills): one\n"
      "readable line per signal, one tidings.v1.Signal in protobuf JSON per\n"
      "line with --json, or CSV with a header line with --csv. Times are\n"
      "RFC 3339 (2025-06-01T12:00:00Z), a date (2025-06-01 = midnight UTC),\n"
      "\"now\", or a duration ago (-24h). To page, pass the last seq printed\n"
      "as --after-seq.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Time("since", &since,
             "from this time, inclusive (default: the "
             "beginning)");
  flags.Time("until", &until, "up to this time, exclusive (default: now)");
  flags.String("time-field", &time_field, "ingested|published",
               "which time --since/--until apply to; backtests use ingested "
               "(point in time)");
  filter_flags.Bind(flags);
  flags.Uint64("after-seq", &after_seq, "N", "only signals with seq > N");
  flags.Uint32("limit", &limit, "N", "at most N signals; 0 = no limit");
  flags.Bool("json", &json, "print one tidings.v1.Signal (JSON) a line");
  flags.Bool("csv", &csv, "print CSV with a header line");
  flags.Duration("timeout", &timeout, "deadline of the whole query");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (!flags.positional().empty()) {
    return UsageError(flags, absl::StrCat("unexpected argument \"",
                                          flags.positional()[0], "\""));
  }
  if (json && csv) return UsageError(flags, "give --json or --csv, not both");
  if (since.has_value() && until.has_value() && *since >= *until) {
    return UsageError(flags, "--since must be before --until");
  }
  v1::QueryRequest request;
  if (time_field == "ingested" || time_field == "ingested_at") {
    request.set_time_field(v1::INGESTED_AT);
  } else if (time_field == "published" || time_field == "published_at") {
    request.set_time_field(v1::PUBLISHED_AT);
  } else {
    return UsageError(flags,
                      absl::StrCat("bad value for --time-field: \"", time_field,
                                   "\" (use ingested or published)"));
  }
  if (absl::Status s = filter_flags.Fill(request.mutable_filter()); !s.ok()) {
    return UsageError(flags, s.message());
  }
  if (since.has_value()) service::ToProto(*since, request.mutable_since());
  if (until.has_value()) service::ToProto(*until, request.mutable_until());
  request.set_after_seq(after_seq);
  request.set_limit(limit);

  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  grpc::ClientContext context;
  Authorize(&context);
  SetTimeout(&context, timeout);
  std::unique_ptr<grpc::ClientReader<v1::Signal>> reader =
      stub->Query(&context, request);
  const OutputFormat format = json  ? OutputFormat::kJson
                              : csv ? OutputFormat::kCsv
                                    : OutputFormat::kText;
  if (format == OutputFormat::kCsv) WriteLine(CsvHeader());
  v1::Signal signal;
  uint64_t count = 0;
  uint64_t last_seq = after_seq;
  while (reader->Read(&signal)) {
    PrintSignal(signal, format);
    ++count;
    last_seq = signal.seq();
  }
  grpc::Status status = reader->Finish();
  std::fflush(stdout);
  if (!status.ok()) {
    std::string message = DescribeRpcError(status, server, "query");
    if (count > 0) {
      absl::StrAppend(&message, "; ", count,
                      " signals were printed: continue with --after-seq ",
                      last_seq);
    }
    return Fail(message);
  }
  if (count == 0 && format == OutputFormat::kText) {
    std::fprintf(stderr, "tidings: no signals match\n");
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------
// get

int RunGet(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  bool pretty = false;
  absl::Duration timeout = absl::Seconds(10);
  FlagSet flags("tidings get", "[flags] SEQ",
                "Prints the stored signal with sequence number SEQ as one\n"
                "tidings.v1.Signal in protobuf JSON (all fields, with the\n"
                "evidence of every score).");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Bool("pretty", &pretty, "indent the JSON");
  flags.Duration("timeout", &timeout, "deadline of the call");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (flags.positional().size() != 1) {
    return UsageError(flags, "name exactly one SEQ");
  }
  absl::StatusOr<uint64_t> seq = ParseUint64(flags.positional()[0]);
  if (!seq.ok() || *seq == 0) {
    return UsageError(flags,
                      absl::StrCat("SEQ must be a positive integer, got \"",
                                   flags.positional()[0], "\""));
  }
  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  grpc::ClientContext context;
  Authorize(&context);
  SetTimeout(&context, timeout);
  v1::GetSignalRequest request;
  request.set_seq(*seq);
  v1::Signal signal;
  grpc::Status status = stub->GetSignal(&context, request, &signal);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return Fail(absl::StrCat("no signal with seq ", *seq,
                             " (NOT_FOUND: ", status.error_message(),
                             "); `tidings query --json` lists stored ones"));
  }
  if (!status.ok()) return Fail(DescribeRpcError(status, server, "get"));
  WriteLine(ToJson(signal, pretty));
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace tidings::cli
