// Copyright 2026 The Tidings Authors.
//
// The client subcommands `tidings tail`, `query` and `get` (`ingest` is in
// ingest.cc). They use the synchronous gRPC client API; every unary call and
// every Query has a deadline, and Subscribe is bounded by --max and
// --idle-timeout when given.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "service/cli/commands.h"
#include "service/cli/connection.h"
#include "service/cli/filter_flags.h"
#include "service/cli/format.h"
#include "service/convert.h"
#include "tidings/v1/tidings.grpc.pb.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

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

}  // namespace

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
  std::string expect_store;
  FlagSet flags(
      "tidings tail", "[flags]",
      "Subscribes to signals and prints them as they arrive, in seq order:\n"
      "stored ones first when a start is given, then live ones. Without a\n"
      "start only signals stored from now on are shown. Output is one\n"
      "readable line per signal, or one tidings.v1.Signal in protobuf JSON\n"
      "per line with --json; stdout carries signals only (heartbeats go to\n"
      "stderr with --heartbeats). Runs until interrupted, --max or\n"
      "--idle-timeout. To resume after a disconnect, pass the last seq seen\n"
      "as --from-seq (and the store id of the heartbeats as --expect-store).");
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
  flags.String("expect-store", &expect_store, "ID",
               "fail unless the server serves this store (the id its "
               "heartbeats carry), e.g. when resuming with --from-seq");
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
  request.set_view(filter_flags.View(json));
  filter_flags.FillVersion(request.mutable_version());
  if (from_seq.has_value()) {
    request.set_from_seq(*from_seq);
  } else if (from_time.has_value()) {
    service::ToProto(*from_time, request.mutable_from_time());
  } else {
    request.set_from_now(true);
  }
  request.set_expect_store_id(expect_store);

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
  std::string store_id = expect_store;  // As the heartbeats say.
  bool received = false;
  bool reached_max = false;
  v1::SubscribeEvent event;
  while (reader->Read(&event)) {
    received = true;
    if (event.has_heartbeat()) {
      const v1::Heartbeat& h = event.heartbeat();
      if (!h.store_id().empty()) store_id = h.store_id();
      if (heartbeats) {
        std::fprintf(
            stderr,
            "heartbeat: head seq %llu, last seq seen %s, at %s, store %s\n",
            static_cast<unsigned long long>(h.head_seq()),
            count > 0 || from_seq.has_value() ? absl::StrCat(last_seq).c_str()
                                              : "-",
            h.has_server_time()
                ? FormatRfc3339(service::FromProto(h.server_time())).c_str()
                : "-",
            h.store_id().empty() ? "-" : h.store_id().c_str());
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
    if (!store_id.empty()) {
      absl::StrAppend(&resume, " --expect-store ", store_id);
    }
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
  std::optional<absl::Time> published_since, published_until;
  std::optional<absl::Time> received_since, received_until;
  std::optional<absl::Time> as_of;
  FilterFlags filter_flags;
  uint64_t after_seq = 0;
  uint32_t limit = 0;
  bool json = false;
  bool csv = false;
  absl::Duration timeout = absl::Minutes(5);
  std::string expect_store;
  FlagSet flags(
      "tidings query", "[flags]",
      "Prints stored signals in seq order (history for backfills): one\n"
      "readable line per signal, one tidings.v1.Signal in protobuf JSON per\n"
      "line with --json, or CSV with a header line with --csv. Times are\n"
      "RFC 3339 (2025-06-01T12:00:00Z), a date (2025-06-01 = midnight UTC),\n"
      "\"now\", or a duration ago (-24h). Windows on the three times combine:\n"
      "--since/--until (ingested_at unless --time-field), --published-*,\n"
      "--received-*; --as-of T shows only what the server had stored at T.\n"
      "To page, pass the last seq printed as --after-seq.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Time("since", &since,
             "from this time, inclusive (default: the "
             "beginning)");
  flags.Time("until", &until, "up to this time, exclusive (default: now)");
  flags.String("time-field", &time_field, "ingested|published|received",
               "which time --since/--until apply to");
  flags.Time("published-since", &published_since,
             "only signals published at or after this time");
  flags.Time("published-until", &published_until,
             "only signals published before this time");
  flags.Time("received-since", &received_since,
             "only signals whose article was received (Article.received_at) "
             "at or after this time");
  flags.Time("received-until", &received_until,
             "only signals whose article was received before this time");
  flags.Time("as-of", &as_of,
             "point in time: only signals the server had stored at this "
             "time (ingested at or before it)");
  filter_flags.Bind(flags);
  flags.Uint64("after-seq", &after_seq, "N", "only signals with seq > N");
  flags.Uint32("limit", &limit, "N", "at most N signals; 0 = no limit");
  flags.Bool("json", &json, "print one tidings.v1.Signal (JSON) a line");
  flags.Bool("csv", &csv, "print CSV with a header line");
  flags.Duration("timeout", &timeout, "deadline of the whole query");
  flags.String("expect-store", &expect_store, "ID",
               "fail unless the server serves this store (the store id that "
               "`tail --heartbeats` prints), e.g. when paging with "
               "--after-seq");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (!flags.positional().empty()) {
    return UsageError(flags, absl::StrCat("unexpected argument \"",
                                          flags.positional()[0], "\""));
  }
  if (json && csv) return UsageError(flags, "give --json or --csv, not both");
  v1::QueryRequest request;
  const std::optional<v1::TimeField> field = ParseTimeField(time_field);
  if (!field.has_value()) {
    return UsageError(flags,
                      absl::StrCat("bad value for --time-field: \"", time_field,
                                   "\" (use ingested, published or "
                                   "received)"));
  }
  request.set_time_field(*field);
  struct Window {
    v1::TimeField field;
    const char* name;
    std::optional<absl::Time> since, until;
  };
  for (const Window& w :
       {Window{*field, "", since, until},
        Window{v1::PUBLISHED_AT, "published-", published_since,
               published_until},
        Window{v1::RECEIVED_AT, "received-", received_since, received_until}}) {
    if (w.since.has_value() && w.until.has_value() && *w.since >= *w.until) {
      return UsageError(
          flags, absl::StrCat("--", w.name, "since must be before --", w.name,
                              "until"));
    }
    if (w.name[0] == '\0' || !(w.since || w.until)) continue;
    v1::TimeRange* range = request.add_time_ranges();
    range->set_field(w.field);
    if (w.since) service::ToProto(*w.since, range->mutable_since());
    if (w.until) service::ToProto(*w.until, range->mutable_until());
  }
  if (as_of.has_value()) service::ToProto(*as_of, request.mutable_as_of());
  if (absl::Status s = filter_flags.Fill(request.mutable_filter()); !s.ok()) {
    return UsageError(flags, s.message());
  }
  if (since.has_value()) service::ToProto(*since, request.mutable_since());
  if (until.has_value()) service::ToProto(*until, request.mutable_until());
  request.set_after_seq(after_seq);
  request.set_limit(limit);
  request.set_view(filter_flags.View(json));
  filter_flags.FillVersion(request.mutable_version());
  request.set_expect_store_id(expect_store);

  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  grpc::ClientContext context;
  Authorize(&context);
  SetTimeout(&context, timeout);
  // In batches: many signals a message cost the server less per signal.
  std::unique_ptr<grpc::ClientReader<v1::SignalBatch>> reader =
      stub->QueryBatches(&context, request);
  const OutputFormat format = json  ? OutputFormat::kJson
                              : csv ? OutputFormat::kCsv
                                    : OutputFormat::kText;
  if (format == OutputFormat::kCsv) WriteLine(CsvHeader());
  v1::SignalBatch batch;
  uint64_t count = 0;
  uint64_t last_seq = after_seq;
  while (reader->Read(&batch)) {
    for (const v1::Signal& signal : batch.signals()) {
      PrintSignal(signal, format);
      ++count;
      last_seq = signal.seq();
    }
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
