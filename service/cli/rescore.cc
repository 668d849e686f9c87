// Copyright 2026 The Tidings Authors.
//
// `tidings rescore`: rescores the server's stored articles (the Rescore
// RPC), progress on stderr and a summary on stdout. `tidings versions`:
// the scorer versions in the store (the Versions RPC).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

// The share of the walk done, in [0, 1].
double Fraction(const v1::RescoreProgress& p) {
  if (p.end_seq() <= p.start_seq()) return 1;
  return static_cast<double>(p.position_seq() - p.start_seq()) /
         static_cast<double>(p.end_seq() - p.start_seq());
}

// The time left, from the part of the walk this call did (a resumed call
// started further on); "?" before anything was done.
std::string Eta(const v1::RescoreProgress& p) {
  if (Fraction(p) >= 1) return "0s";
  const uint64_t from = p.resumed() ? p.resumed_from_seq() : p.start_seq();
  if (p.position_seq() <= from || p.elapsed_seconds() <= 0) return "?";
  const double done = static_cast<double>(p.position_seq() - from);
  const double left = static_cast<double>(p.end_seq() - p.position_seq());
  return FormatElapsed(absl::Seconds(p.elapsed_seconds() * left / done));
}

// "rescore: 42% (seq 4200 of 10000), 3100 articles rescored, 120/s, ...".
std::string ProgressLine(const v1::RescoreProgress& p) {
  return absl::StrFormat(
      "rescore: %.0f%% (seq %d of %d), %d articles rescored, %s, %d skipped, "
      "%d failed, ETA %s",
      100 * Fraction(p), p.position_seq(), p.end_seq(), p.articles_rescored(),
      absl::StrCat(FormatRate(p.articles_per_second()), "/s"),
      p.articles_skipped(), p.articles_failed(), Eta(p));
}

// Calls Rescore, printing its progress on stderr (unless `quiet`); the
// last progress in `*last`.
grpc::Status StreamRescore(v1::Tidings::Stub& stub,
                           const v1::RescoreRequest& request, bool quiet,
                           v1::RescoreProgress* last) {
  grpc::ClientContext context;
  Authorize(&context);
  std::unique_ptr<grpc::ClientReader<v1::RescoreProgress>> reader =
      stub.Rescore(&context, request);
  v1::RescoreProgress progress;
  bool any = false;
  while (reader->Read(&progress)) {
    if (!any && progress.resumed()) {
      std::fprintf(
          stderr, "rescore: continuing an earlier run of %s from seq %llu\n",
          progress.scorer_version().c_str(),
          static_cast<unsigned long long>(progress.resumed_from_seq()));
    }
    any = true;
    if (!quiet) std::fprintf(stderr, "%s\n", ProgressLine(progress).c_str());
    *last = progress;
  }
  return reader->Finish();
}

// The summary of a finished rescore (stdout).
std::string SummaryLine(const v1::RescoreProgress& last) {
  return absl::StrCat(
      "rescored with ", last.scorer_version(), ": ", last.articles_rescored(),
      " articles, ", last.signals_stored(), " new signals in ",
      FormatElapsed(absl::Seconds(last.elapsed_seconds())), " (",
      FormatRate(last.articles_per_second()), " articles/s); ",
      last.articles_skipped(), " skipped (already of this version), ",
      last.articles_failed(), " failed; seqs ", last.start_seq() + 1, "..",
      last.end_seq(), " considered; head ", last.head_seq());
}

std::string TimeOrDash(bool has, const google::protobuf::Timestamp& ts) {
  return has ? absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", service::FromProto(ts),
                                absl::UTCTimeZone())
             : std::string("-");
}

}  // namespace

int RunRescore(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  std::optional<absl::Time> since, until;
  std::string time_field = "ingested";
  std::string lexicons;
  bool quiet = false;
  FlagSet flags(
      "tidings rescore", "[flags]",
      "Rescores the articles the server has stored (their raw text is kept)\n"
      "and stores the results as new signals: new seqs, the new\n"
      "scorer_version, rescore_of_seq pointing at the original. Nothing is\n"
      "overwritten; `tidings query --version latest|NAME` reads them, the\n"
      "default (first) does not. With --lexicons, scores with the lexicon\n"
      "files of DIR on the SERVER'S machine (a changed copy of\n"
      "scoring/lexicons; a relative DIR is taken from the current\n"
      "directory); without, with the server's own scorer. Idempotent: an\n"
      "article is never stored twice for one version, and after an\n"
      "interruption the same command continues where it stopped. Progress\n"
      "on stderr, a summary on stdout. Needs the admin role with --tokens.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Time("since", &since,
             "only articles stored (or published) at or after this time");
  flags.Time("until", &until, "only articles stored (or published) before it");
  flags.String("time-field", &time_field, "ingested|published",
               "which time --since/--until apply to");
  flags.String("lexicons", &lexicons, "DIR",
               "score with the lexicons in DIR (on the server's machine)");
  flags.Bool("quiet", &quiet, "no progress lines");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (!flags.positional().empty()) {
    return UsageError(flags, "rescore takes no arguments");
  }
  v1::RescoreRequest request;
  std::optional<v1::TimeField> field = ParseTimeField(time_field);
  if (!field || *field == v1::RECEIVED_AT) {
    return UsageError(flags,
                      absl::StrCat("bad value for --time-field: \"", time_field,
                                   "\" (use ingested or published)"));
  }
  request.set_time_field(*field);
  if (since && until && *since >= *until) {
    return UsageError(flags, "--since must be before --until");
  }
  if (since) service::ToProto(*since, request.mutable_since());
  if (until) service::ToProto(*until, request.mutable_until());
  if (!lexicons.empty()) {
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(lexicons, ec);
    request.set_lexicons(ec ? lexicons : path.lexically_normal().string());
  }

  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  v1::RescoreProgress last;
  grpc::Status status = StreamRescore(*stub, request, quiet, &last);
  if (!status.ok()) return Fail(DescribeRpcError(status, server, "rescore"));
  WriteLine(SummaryLine(last));
  std::fflush(stdout);
  return kExitOk;
}

int RunVersions(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  absl::Duration timeout = absl::Seconds(30);
  FlagSet flags("tidings versions", "[flags]",
                "Lists the scorer versions of the signals the server holds: "
                "the\nsignal count (and how many were stored by `tidings "
                "rescore`), and\nthe published and ingested times they "
                "span. The server's own\nversion is marked with *.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Duration("timeout", &timeout, "deadline of the call");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (!flags.positional().empty()) {
    return UsageError(flags, "versions takes no arguments");
  }
  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  grpc::ClientContext context;
  Authorize(&context);
  SetTimeout(&context, timeout);
  v1::VersionsResponse response;
  grpc::Status status =
      stub->Versions(&context, v1::VersionsRequest(), &response);
  if (!status.ok()) return Fail(DescribeRpcError(status, server, "versions"));
  WriteLine(
      "  scorer_version\tsignals\trescored\tpublished_from\tpublished_to\t"
      "ingested_from\tingested_to");
  for (const v1::VersionInfo& v : response.versions()) {
    WriteLine(absl::StrCat(
        v.scorer_version() == response.server_scorer_version() ? "* " : "  ",
        v.scorer_version(), "\t", v.signal_count(), "\t", v.rescored_count(),
        "\t", TimeOrDash(v.has_first_published_at(), v.first_published_at()),
        "\t", TimeOrDash(v.has_last_published_at(), v.last_published_at()),
        "\t", TimeOrDash(v.has_first_ingested_at(), v.first_ingested_at()),
        "\t", TimeOrDash(v.has_last_ingested_at(), v.last_ingested_at())));
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace tidings::cli
