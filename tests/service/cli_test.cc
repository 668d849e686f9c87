// Copyright 2026 The Tidings Authors.
//
// Tests of the `tidings` command line: the argument parser and value parsers
// (service/cli_args.h), the output formats (service/cli_format.h), and the
// built binary end to end (`score`, usage errors, help, version, systemd
// notifications). Scoring quality is not asserted here, only structure.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/support/string_ref.h"
#include "gtest/gtest.h"
#include "service/cli/args.h"
#include "service/cli/format.h"
#include "tests/service/tidings_binary.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::tidings::testing::RunResult;
using ::tidings::testing::RunTidings;
using ::tidings::testing::ServeProcess;

// --- FlagSet ----------------------------------------------------------------

struct Flags {
  std::string server = "127.0.0.1:50051";
  bool json = false;
  uint64_t batch = 100;
  std::optional<uint64_t> from_seq;
  std::vector<std::string> events;
  absl::Duration heartbeat = absl::Seconds(5);
  std::optional<absl::Time> since;
  double min_relevance = 0.4;
  FlagSet set{"tidings test", "[flags] FILE...", "A test command."};

  Flags() {
    set.String("server", &server, "ADDR", "server address");
    set.Bool("json", &json, "print JSON");
    set.Uint64("batch", &batch, "N", "batch size", 1000);
    set.OptionalUint64("from-seq", &from_seq, "N", "start after N");
    set.List("events", &events, "LIST", "event types");
    set.Duration("heartbeat-interval", &heartbeat, "heartbeat interval");
    set.Time("since", &since, "start time");
    set.Double("min-relevance", &min_relevance, "X", "minimum", 0.0, 1.0);
  }
};

TEST(CliFlagSetTest, ParsesBothValueSyntaxesAndPositionals) {
  Flags f;
  ASSERT_TRUE(f.set
                  .Parse({"a.txt", "--server", "h:1", "--batch=7", "-",
                          "--json", "b.txt"})
                  .ok());
  EXPECT_EQ(f.server, "h:1");
  EXPECT_EQ(f.batch, 7u);
  EXPECT_TRUE(f.json);
  EXPECT_THAT(f.set.positional(), ElementsAre("a.txt", "-", "b.txt"));
  EXPECT_TRUE(f.set.was_set("batch"));
  EXPECT_FALSE(f.set.was_set("events"));
  EXPECT_FALSE(f.set.help_requested());
}

TEST(CliFlagSetTest, DefaultsStayWhenNotGiven) {
  Flags f;
  ASSERT_TRUE(f.set.Parse({}).ok());
  EXPECT_EQ(f.server, "127.0.0.1:50051");
  EXPECT_EQ(f.batch, 100u);
  EXPECT_FALSE(f.from_seq.has_value());
  EXPECT_FALSE(f.since.has_value());
}

TEST(CliFlagSetTest, BoolTakesExplicitValue) {
  Flags f;
  ASSERT_TRUE(f.set.Parse({"--json=true"}).ok());
  EXPECT_TRUE(f.json);
  ASSERT_TRUE(f.set.Parse({"--json=false"}).ok());
  EXPECT_FALSE(f.json);
  absl::Status s = f.set.Parse({"--json=maybe"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--json"));
}

TEST(CliFlagSetTest, UnknownFlagIsAnErrorWithASuggestion) {
  Flags f;
  absl::Status s = f.set.Parse({"--min-relevnce", "0.5"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("unknown flag --min-relevnce"));
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("did you mean --min-relevance?"));

  Flags g;
  EXPECT_EQ(g.set.Parse({"--frobnicate"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(g.set.Parse({"-x"}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CliFlagSetTest, MissingValueIsAnError) {
  Flags f;
  absl::Status s = f.set.Parse({"--server"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--server needs a value"));
  // A following flag is not taken as the value.
  Flags g;
  s = g.set.Parse({"--server", "--json"});
  EXPECT_THAT(std::string(s.message()), HasSubstr("--server needs a value"));
}

TEST(CliFlagSetTest, BadNumbersAreErrors) {
  Flags f;
  EXPECT_EQ(f.set.Parse({"--batch", "-3"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.set.Parse({"--batch", "12abc"}).code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status s = f.set.Parse({"--batch", "5000"});
  EXPECT_THAT(std::string(s.message()), HasSubstr("at most 1000"));
  EXPECT_EQ(f.set.Parse({"--min-relevance", "1.5"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.set.Parse({"--min-relevance", "high"}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.batch, 100u);  // Failed parses leave the value alone.
}

TEST(CliFlagSetTest, ListsSplitOnCommasAndAccumulate) {
  Flags f;
  ASSERT_TRUE(
      f.set.Parse({"--events", "gold, tariff,,", "--events=sanctions"}).ok());
  EXPECT_THAT(f.events, ElementsAre("gold", "tariff", "sanctions"));
}

TEST(CliFlagSetTest, DoubleDashEndsFlags) {
  Flags f;
  ASSERT_TRUE(f.set.Parse({"--json", "--", "--not-a-flag", "-"}).ok());
  EXPECT_THAT(f.set.positional(), ElementsAre("--not-a-flag", "-"));
}

TEST(CliFlagSetTest, HelpIsRecognisedAnywhere) {
  for (const char* help : {"--help", "-h"}) {
    Flags f;
    f.set.Parse({"--json", help, "--unknown"}).IgnoreError();
    EXPECT_TRUE(f.set.help_requested()) << help;
  }
}

TEST(CliFlagSetTest, DurationFlag) {
  Flags f;
  ASSERT_TRUE(f.set.Parse({"--heartbeat-interval", "1m30s"}).ok());
  EXPECT_EQ(f.heartbeat, absl::Seconds(90));
  EXPECT_EQ(f.set.Parse({"--heartbeat-interval", "5"}).code(),
            absl::StatusCode::kInvalidArgument);  // No unit.
  EXPECT_EQ(f.set.Parse({"--heartbeat-interval", "0s"}).code(),
            absl::StatusCode::kInvalidArgument);  // Must be positive.
  EXPECT_EQ(f.set.Parse({"--heartbeat-interval", "-1s"}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CliFlagSetTest, TimeFlagAcceptsNegativeDurationValue) {
  Flags f;
  absl::Time before = absl::Now();
  ASSERT_TRUE(f.set.Parse({"--since", "-24h"}).ok());
  ASSERT_TRUE(f.since.has_value());
  EXPECT_LE(*f.since, before - absl::Hours(24) + absl::Seconds(5));
  EXPECT_GE(*f.since, before - absl::Hours(24) - absl::Seconds(5));
}

TEST(CliFlagSetTest, UsageListsEveryFlagWithDefaults) {
  Flags f;
  std::string usage = f.set.Usage();
  EXPECT_THAT(usage, HasSubstr("usage: tidings test [flags] FILE..."));
  EXPECT_THAT(usage, HasSubstr("A test command."));
  for (const char* flag :
       {"--server ADDR", "--json", "--batch N", "--from-seq N", "--events LIST",
        "--heartbeat-interval DURATION", "--since TIME", "--min-relevance X",
        "-h, --help"}) {
    EXPECT_THAT(usage, HasSubstr(flag));
  }
  EXPECT_THAT(usage, HasSubstr("(default: 127.0.0.1:50051)"));
  EXPECT_THAT(usage, HasSubstr("(default: 100)"));
  EXPECT_THAT(usage, HasSubstr("(default: 5s)"));
  EXPECT_THAT(usage, HasSubstr("(default: 0.4)"));
}

// --- Value parsers
// ------------------------------------------------------------

TEST(CliParseTimeFlagTest, Rfc3339) {
  absl::Time now = absl::FromUnixSeconds(2000000000);
  absl::StatusOr<absl::Time> t = ParseTimeFlag("2025-06-01T12:00:00Z", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, absl::FromCivil(absl::CivilSecond(2025, 6, 1, 12, 0, 0),
                                absl::UTCTimeZone()));
  t = ParseTimeFlag("2025-06-01T14:00:00.5+02:00", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, absl::FromCivil(absl::CivilSecond(2025, 6, 1, 12, 0, 0),
                                absl::UTCTimeZone()) +
                    absl::Milliseconds(500));
}

TEST(CliParseTimeFlagTest, PlainDateIsMidnightUtc) {
  absl::StatusOr<absl::Time> t = ParseTimeFlag("2024-02-29", absl::Now());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t,
            absl::FromCivil(absl::CivilDay(2024, 2, 29), absl::UTCTimeZone()));
}

TEST(CliParseTimeFlagTest, NowAndRelative) {
  absl::Time now = absl::FromUnixSeconds(2000000000);
  EXPECT_EQ(*ParseTimeFlag("now", now), now);
  EXPECT_EQ(*ParseTimeFlag("-90m", now), now - absl::Minutes(90));
}

TEST(CliParseTimeFlagTest, RejectsGarbage) {
  for (const char* bad :
       {"", "yesterday", "2025-13-01", "2025-06-01T12:00", "12:00:00", "+5h"}) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag(bad, absl::Now());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(
      std::string(ParseTimeFlag("soon", absl::Now()).status().message()),
      HasSubstr("RFC 3339"));
}

TEST(CliParseDurationFlagTest, AcceptsAbslSyntax) {
  EXPECT_EQ(*ParseDurationFlag("250ms"), absl::Milliseconds(250));
  EXPECT_EQ(*ParseDurationFlag("72h"), absl::Hours(72));
  EXPECT_EQ(*ParseDurationFlag("1h30m"), absl::Minutes(90));
  EXPECT_EQ(ParseDurationFlag("5").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDurationFlag("inf").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDurationFlag("soon").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CliParseByteSizeTest, SuffixesAreBinary) {
  EXPECT_EQ(*ParseByteSize("1048576"), 1048576u);
  EXPECT_EQ(*ParseByteSize("512KiB"), 512u * 1024);
  EXPECT_EQ(*ParseByteSize("1MiB"), 1u << 20);
  EXPECT_EQ(*ParseByteSize("2M"), 2u << 20);
  EXPECT_EQ(ParseByteSize("MiB").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseByteSize("1TiB").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseByteSize("-1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CliParseUint64Test, DigitsOnly) {
  EXPECT_EQ(*ParseUint64("0"), 0u);
  EXPECT_EQ(*ParseUint64("18446744073709551615"), UINT64_MAX);
  for (const char* bad :
       {"", "+1", "-1", " 1", "1.0", "18446744073709551616"}) {
    EXPECT_FALSE(ParseUint64(bad).ok()) << bad;
  }
}

TEST(CliFormatRfc3339Test, UtcWithZ) {
  absl::Time t = absl::FromCivil(absl::CivilSecond(2025, 6, 1, 12, 0, 0),
                                 absl::UTCTimeZone());
  EXPECT_EQ(FormatRfc3339(t), "2025-06-01T12:00:00Z");
  EXPECT_EQ(FormatRfc3339(t + absl::Milliseconds(250)),
            "2025-06-01T12:00:00.25Z");
}

// --- Formats
// ------------------------------------------------------------------

TEST(CliParseEventTypeTest, ShortAndEnumNames) {
  EXPECT_EQ(*ParseEventType("gold"), v1::GOLD_PRICE_MOVE);
  EXPECT_EQ(*ParseEventType("TARIFF"), v1::TARIFF);
  EXPECT_EQ(*ParseEventType("sanctions"), v1::SANCTIONS);
  EXPECT_EQ(*ParseEventType("geopolitical"), v1::GEOPOLITICAL_TENSION);
  EXPECT_EQ(*ParseEventType("GEOPOLITICAL_TENSION"), v1::GEOPOLITICAL_TENSION);
  absl::StatusOr<v1::EventType> bad = ParseEventType("silver");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("gold, tariff, sanctions or geopolitical"));
}

v1::Signal SampleSignal() {
  v1::Signal s;
  s.set_seq(3);
  s.set_article_id("a-1");
  s.set_title("Gold Advances, \"Again\"");
  s.set_source("wire");
  s.mutable_ingested_at()->set_seconds(1735689600);  // 2025-01-01T00:00:00Z
  s.mutable_sentiment()->set_score(0.42);
  s.mutable_sentiment()->set_label(v1::POSITIVE);
  v1::Event* e = s.add_events();
  e->set_type(v1::GOLD_PRICE_MOVE);
  e->set_direction(v1::UP);
  e->set_relevance(0.92);
  e->mutable_magnitude()->set_has_percent(true);
  e->mutable_magnitude()->set_percent(1.2);
  s.add_entities()->set_id("commodity:gold");
  return s;
}

TEST(CliFormatTest, JsonUsesProtoFieldNamesAndEnumNames) {
  std::string json = ToJson(SampleSignal());
  EXPECT_THAT(json, HasSubstr("\"article_id\":\"a-1\""));
  EXPECT_THAT(json, HasSubstr("\"ingested_at\":\"2025-01-01T00:00:00Z\""));
  EXPECT_THAT(json, HasSubstr("\"type\":\"GOLD_PRICE_MOVE\""));
  EXPECT_THAT(json, HasSubstr("\"label\":\"POSITIVE\""));
  EXPECT_EQ(json.find('\n'), std::string::npos);

  v1::Signal back;
  ASSERT_TRUE(FromJson(json, &back, /*ignore_unknown_fields=*/false).ok());
  EXPECT_EQ(back.SerializeAsString(), SampleSignal().SerializeAsString());
}

TEST(CliFormatTest, FromJsonReportsUnknownKeysOnOneLine) {
  v1::Article article;
  absl::Status s =
      FromJson("{\"id\": \"x\", \"body\": \"b\"}", &article, false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos);
  EXPECT_TRUE(
      FromJson("{\"id\": \"x\", \"body\": \"b\"}", &article, true).ok());
  EXPECT_EQ(article.body(), "b");
}

TEST(CliFormatTest, ReadableLine) {
  std::string line = FormatSignalLine(SampleSignal());
  EXPECT_THAT(line, HasSubstr("#3 2025-01-01T00:00:00Z wire"));
  EXPECT_THAT(line, HasSubstr("gold=up@0.92(+1.2%)"));
  EXPECT_THAT(line, HasSubstr("positive +0.42"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(CliFormatTest, CsvQuotesFields) {
  std::string header = CsvHeader();
  std::string row = FormatSignalCsv(SampleSignal());
  EXPECT_THAT(header, HasSubstr("seq,ingested_at,published_at,source"));
  EXPECT_THAT(row, HasSubstr("3,2025-01-01T00:00:00Z,,wire,a-1,0,"
                             "\"Gold Advances, \"\"Again\"\"\""));
  EXPECT_THAT(row, HasSubstr("GOLD_PRICE_MOVE:UP:0.920"));
  EXPECT_THAT(row, HasSubstr("commodity:gold"));
  // As many fields as the header names, the byline's before received_at,
  // then rescore_of_seq (0: as first delivered).
  v1::Signal bylined = SampleSignal();
  bylined.set_author("Jane Roe");
  bylined.set_published_origin(v1::PAGE);
  const std::string with_byline = FormatSignalCsv(bylined);
  EXPECT_THAT(with_byline, ::testing::EndsWith(",Jane Roe,PAGE,,0"));
  bylined.mutable_received_at()->set_seconds(1735689600);
  EXPECT_THAT(FormatSignalCsv(bylined),
              ::testing::EndsWith(",Jane Roe,PAGE,2025-01-01T00:00:00Z,0"));
  auto fields = [](const std::string& line) {
    int n = 1;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) ++n;
    }
    return n;
  };
  EXPECT_EQ(fields(with_byline), fields(header));
}

TEST(CliFormatTest, RpcErrorsSayWhatToDo) {
  std::string unavailable = DescribeRpcError(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"),
      "127.0.0.1:50051", "ingest");
  EXPECT_THAT(unavailable, HasSubstr("cannot reach server at 127.0.0.1:50051"));
  EXPECT_THAT(unavailable, HasSubstr("is `tidings serve` running?"));
  EXPECT_THAT(unavailable, HasSubstr("(UNAVAILABLE: connection refused)"));
  EXPECT_THAT(DescribeRpcError(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                            "Deadline Exceeded"),
                               "h:1", "query"),
              HasSubstr("larger --timeout"));
}

// --- The binary
// -----------------------------------------------------------------

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Every line is one tidings.v1.Signal in protobuf JSON (strict: no unknown
// keys, so field names are the proto ones).
std::vector<v1::Signal> ParseSignals(const std::string& out) {
  std::vector<v1::Signal> signals;
  for (const std::string& line : Lines(out)) {
    v1::Signal signal;
    absl::Status s = FromJson(line, &signal, /*ignore_unknown_fields=*/false);
    EXPECT_TRUE(s.ok()) << s << ": " << line;
    signals.push_back(signal);
  }
  return signals;
}

const std::string kFixtures = TIDINGS_FIXTURES_DIR;

std::string ReadFixture() {
  std::string content;
  std::FILE* f = std::fopen((kFixtures + "/cli_score.jsonl").c_str(), "rb");
  if (f == nullptr) return content;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) {
    content.append(buffer, n);
  }
  std::fclose(f);
  return content;
}

TEST(CliBinaryTest, ScoreJsonlTagsEverySignalWithItsLineId) {
  RunResult run =
      RunTidings("score --jsonl '" + kFixtures + "/cli_score.jsonl'");
  ASSERT_EQ(run.exit_code, 0);
  std::vector<v1::Signal> signals = ParseSignals(run.out);
  ASSERT_GE(signals.size(), 2u);
  std::vector<std::string> ids;
  for (const v1::Signal& s : signals) {
    ids.push_back(s.article_id());
    EXPECT_FALSE(s.scorer_version().empty());
    EXPECT_EQ(s.seq(), 0u);  // Not stored.
    EXPECT_GE(s.sentiment().score(), -1.0);
    EXPECT_LE(s.sentiment().score(), 1.0);
    EXPECT_NE(s.sentiment().label(), v1::SENTIMENT_LABEL_UNSPECIFIED);
    for (const v1::Event& e : s.events()) {
      EXPECT_GE(e.relevance(), 0.4);  // kDefaultMinRelevance.
    }
  }
  // Input order is kept: all of cli-1's signals, then cli-2's.
  EXPECT_EQ(ids.front(), "cli-1");
  EXPECT_EQ(ids.back(), "cli-2");
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 2u);
}

TEST(CliBinaryTest, ScoreReadsStdinAndKeepsEventsAboveMinRelevance) {
  RunResult run = RunTidings("score --jsonl --min-relevance 1", ReadFixture());
  ASSERT_EQ(run.exit_code, 0);
  for (const v1::Signal& s : ParseSignals(run.out)) {
    for (const v1::Event& e : s.events()) EXPECT_GE(e.relevance(), 1.0);
  }
}

TEST(CliBinaryTest, ScoreFileIsOnePageWithoutId) {
  RunResult run = RunTidings("score '" + kFixtures + "/cli_article.txt'");
  ASSERT_EQ(run.exit_code, 0);
  std::vector<v1::Signal> signals = ParseSignals(run.out);
  ASSERT_GE(signals.size(), 1u);
  EXPECT_EQ(signals[0].article_id(), "");
  EXPECT_EQ(signals[0].doc_index(), 0u);
}

TEST(CliBinaryTest, ScoreSkipsBadLinesAndFails) {
  RunResult run = RunTidings("score --jsonl",
                             "{\"id\": \"ok\", \"text\": \"Gold rose.\"}\n"
                             "this is not json\n"
                             "{\"id\": \"no-text\"}\n");
  EXPECT_EQ(run.exit_code, 1);
  std::vector<v1::Signal> signals = ParseSignals(run.out);
  ASSERT_GE(signals.size(), 1u);
  for (const v1::Signal& s : signals) EXPECT_EQ(s.article_id(), "ok");
}

TEST(CliBinaryTest, MissingFileFails) {
  RunResult run = RunTidings("score '" + kFixtures + "/no-such-file.txt'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, IsEmpty());
}

TEST(CliBinaryTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunTidings("").exit_code, 2);
  EXPECT_EQ(RunTidings("frobnicate").exit_code, 2);
  EXPECT_EQ(RunTidings("score --no-such-flag").exit_code, 2);
  EXPECT_EQ(RunTidings("score --min-relevance 2").exit_code, 2);
  EXPECT_EQ(RunTidings("tail --from-seq 1 --from-time now").exit_code, 2);
  EXPECT_EQ(RunTidings("tail --events silver").exit_code, 2);
  EXPECT_EQ(RunTidings("query --json --csv").exit_code, 2);
  EXPECT_EQ(RunTidings("query --since yesterday").exit_code, 2);
  EXPECT_EQ(RunTidings("serve --heartbeat-interval 0s").exit_code, 2);
  EXPECT_EQ(RunTidings("serve --retention -1h").exit_code, 2);
  EXPECT_EQ(RunTidings("serve --retention soon").exit_code, 2);
  RunResult metrics =
      RunTidings("serve --listen 127.0.0.1:0 --metrics-listen 9464", "", true);
  EXPECT_NE(metrics.exit_code, 0);
  EXPECT_THAT(metrics.out, HasSubstr("metrics_listen: \"9464\" is not "
                                     "HOST:PORT"));
  EXPECT_EQ(RunTidings("ingest").exit_code, 2);
  EXPECT_EQ(RunTidings("get abc").exit_code, 2);
}

TEST(CliBinaryTest, HelpListsCommandsAndFlags) {
  RunResult top = RunTidings("help");
  EXPECT_EQ(top.exit_code, 0);
  for (const char* command :
       {"serve", "ingest", "tail", "query", "get", "score", "eval"}) {
    EXPECT_THAT(top.out, HasSubstr(std::string("  ") + command + " "));
  }
  EXPECT_EQ(RunTidings("--help").exit_code, 0);

  RunResult serve = RunTidings("serve --help");
  EXPECT_EQ(serve.exit_code, 0);
  for (const char* flag :
       {"--listen", "--data", "--lexicons", "--max-article-bytes",
        "--max-batch", "--max-subscribers", "--subscriber-buffer",
        "--heartbeat-interval", "--duplicate-window", "--retention",
        "--metrics-listen"}) {
    EXPECT_THAT(serve.out, HasSubstr(flag));
  }
  RunResult tail = RunTidings("help tail");
  EXPECT_EQ(tail.exit_code, 0);
  for (const char* flag :
       {"--server", "--from-seq", "--from-time", "--events", "--entities",
        "--sources", "--min-relevance", "--include-duplicates", "--json",
        "--max", "--idle-timeout"}) {
    EXPECT_THAT(tail.out, HasSubstr(flag));
  }
}

// Issue 11, item 8: `tidings --version` names the release, the API, the
// scorer version signals are stamped with, and the build.
TEST(CliBinaryTest, VersionNamesReleaseApiScorerAndBuild) {
  RunResult run = RunTidings("--version");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 4u) << run.out;
  EXPECT_THAT(lines[0], MatchesRegex("tidings [0-9]+\\.[0-9]+\\.[0-9]+"));
  EXPECT_EQ(lines[1], "api tidings.v1");
  EXPECT_THAT(lines[2], MatchesRegex("scorer tidings-scorer/[0-9]+ .+"));
  // A 12-digit commit ("-dirty" when built with changes), or "unknown"
  // outside git; then the build type and the compiler.
  EXPECT_THAT(
      lines[3],
      MatchesRegex("build ([0-9a-f]{12}(-dirty)?|unknown) [A-Za-z]+ .+"));
  EXPECT_EQ(RunTidings("version").out, run.out);
  EXPECT_THAT(RunTidings("help").out, HasSubstr("  version "));

  // The scorer version is the one `score` (and `serve`) stamps on signals.
  std::vector<v1::Signal> scored =
      ParseSignals(RunTidings("score '" + kFixtures + "/cli_article.txt'").out);
  ASSERT_GE(scored.size(), 1u);
  EXPECT_EQ("scorer " + scored[0].scorer_version(), lines[2]);

  RunResult missing = RunTidings("version --lexicons /nonexistent/lexicons");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot load the lexicons"));
}

TEST(CliBinaryTest, ClientCommandsExplainAnUnreachableServer) {
  // Port 1 on loopback: nothing listens there.
  RunResult run = RunTidings("get --server 127.0.0.1:1 --timeout 5s 1", "",
                             /*with_stderr=*/true);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("cannot reach server at 127.0.0.1:1"));
}

TEST(CliBinaryTest, SecondServeOnTheSameAddressFailsAndSaysWhatToDo) {
  ServeProcess first;
  ASSERT_FALSE(first.address().empty())
      << "tidings serve did not start: " << first.log();
  ServeProcess second(first.address(), "serve2");
  EXPECT_TRUE(second.address().empty()) << "a second server started";
  EXPECT_EQ(second.exit_code(), 1) << second.log();
  EXPECT_THAT(second.log(), HasSubstr(first.address()));
  EXPECT_THAT(second.log(), HasSubstr("address already in use"));
  EXPECT_THAT(second.log(), HasSubstr("choose another --listen"));
  EXPECT_FALSE(second.has_data_dir());
  // The first one still answers (its store is empty).
  RunResult get = RunTidings("get 1 --server " + first.address(), "", true);
  EXPECT_EQ(get.exit_code, 1);
  EXPECT_THAT(get.out, HasSubstr("no signal with seq 1"));
  EXPECT_EQ(first.Stop(), 0);
}

// Issue 11, item 8: under systemd (deploy/tidings.service, Type=notify)
// `serve` sends READY=1 once it serves and STOPPING=1 when it shuts down, as
// datagrams to $NOTIFY_SOCKET; here a socket of the test's stands in for
// systemd's.
TEST(CliBinaryTest, ServeNotifiesReadyAndStoppingOnNotifySocket) {
  const std::string path = ::testing::TempDir() + "/cli_test_notify_socket." +
                           std::to_string(::getpid());
  ::unlink(path.c_str());
  int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0) << std::strerror(errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, path.data(), path.size());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
      << std::strerror(errno);
  // The next datagram, or "" after 10 s.
  auto receive = [sock] {
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return std::string();
    char buffer[1024];
    ssize_t n = ::recv(sock, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, n) : std::string();
  };

  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);  // Inherited by the child.
  ServeProcess serve("127.0.0.1:0", "notify");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_FALSE(serve.address().empty())
      << "tidings serve did not start: " << serve.log();
  std::string ready = receive();
  EXPECT_THAT(ready, HasSubstr("READY=1"));
  const std::string port =
      serve.address().substr(serve.address().rfind(':') + 1);
  EXPECT_THAT(ready, HasSubstr("STATUS=serving on port " + port));

  EXPECT_EQ(serve.Stop(), 0);
  EXPECT_THAT(receive(), HasSubstr("STOPPING=1"));
  ::close(sock);
  ::unlink(path.c_str());
}

TEST(CliBinaryTest, ServeIngestQueryTailGetRoundTrip) {
  ServeProcess serve;
  ASSERT_FALSE(serve.address().empty())
      << "tidings serve did not start: " << serve.log();
  // --retention 72h parsed and took effect.
  EXPECT_THAT(serve.log(), HasSubstr("retention 72h"));
  const std::string server = " --server " + serve.address();
  const std::string page = " '" + kFixtures + "/cli_article.txt'";

  RunResult ingest = RunTidings("ingest --source cli-test" + server + page);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  EXPECT_THAT(ingest.out, HasSubstr("cli_article.txt: stored seqs 1"));

  RunResult again = RunTidings("ingest --source cli-test" + server + page);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("cli_article.txt: duplicate"));

  RunResult query = RunTidings("query --json" + server);
  ASSERT_EQ(query.exit_code, 0);
  std::vector<v1::Signal> stored = ParseSignals(query.out);
  ASSERT_GE(stored.size(), 1u);
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].seq(), i + 1);
    EXPECT_EQ(stored[i].source(), "cli-test");
    EXPECT_TRUE(stored[i].has_ingested_at());
  }

  RunResult csv = RunTidings("query --csv" + server);
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(Lines(csv.out).size(), stored.size() + 1);  // With the header.

  RunResult tail =
      RunTidings("tail --json --from-seq 0 --idle-timeout 20s --max " +
                 std::to_string(stored.size()) + server);
  ASSERT_EQ(tail.exit_code, 0);
  std::vector<v1::Signal> streamed = ParseSignals(tail.out);
  ASSERT_EQ(streamed.size(), stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(streamed[i].seq(), stored[i].seq());
  }

  RunResult idle = RunTidings("tail --idle-timeout 300ms" + server);
  EXPECT_EQ(idle.exit_code, 0);
  EXPECT_THAT(idle.out, IsEmpty());  // Nothing new since "now".

  RunResult get = RunTidings("get 1" + server);
  ASSERT_EQ(get.exit_code, 0);
  std::vector<v1::Signal> one = ParseSignals(get.out);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].seq(), 1u);
  EXPECT_EQ(RunTidings("get 999" + server).exit_code, 1);

  EXPECT_EQ(serve.Stop(), 0);
}

// Issue 11, items 5 and 6: `tidings backup`, and cursors beyond the head.
TEST(CliBinaryTest, BackupWritesANewDirectoryAndCursorsBeyondTheHeadFail) {
  ServeProcess serve("127.0.0.1:0", "backup");
  ASSERT_FALSE(serve.address().empty())
      << "tidings serve did not start: " << serve.log();
  const std::string server = " --server " + serve.address();
  // Beside (not inside) the server's directory "cli_test_backup.<pid>".
  const std::string backup = ::testing::TempDir() + "/cli_test_backup_dir." +
                             std::to_string(::getpid());
  std::filesystem::remove_all(backup);
  RunResult ingest = RunTidings("ingest --source cli-test" + server + " '" +
                                kFixtures + "/cli_article.txt'");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;

  RunResult first = RunTidings("backup " + backup + server, "", true);
  EXPECT_EQ(first.exit_code, 0) << first.out;
  EXPECT_THAT(
      first.out,
      MatchesRegex("backup of store [0-9a-f]{32} at head seq [1-9][0-9]* "
                   "written to " +
                   backup + " \\([0-9.]+ (bytes|KiB|MiB)\\)\n"));
  RunResult again = RunTidings("backup " + backup + server, "", true);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.out, HasSubstr(backup + " already exists"));
  EXPECT_EQ(RunTidings("backup" + server).exit_code, 2);  // No DIR.

  RunResult beyond = RunTidings("query --after-seq 1000000" + server, "", true);
  EXPECT_EQ(beyond.exit_code, 1);
  EXPECT_THAT(beyond.out, HasSubstr("after_seq 1000000 is beyond the head"));
  RunResult other = RunTidings(
      "tail --from-seq 0 --expect-store 0123456789abcdef0123456789abcdef "
      "--idle-timeout 20s" +
          server,
      "", true);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.out, HasSubstr("this cursor belongs to store "
                                   "0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(serve.Stop(), 0);
  std::filesystem::remove_all(backup);
}

// Issue 10, item 1: an archive with its own timestamps (renamed keys, a date
// only, no zone) is ingested as it was published and received, and the
// point-in-time flags select by all three times at once.
TEST(CliBinaryTest, ArchiveIngestKeepsItsTimesAndQueriesWindowOnThem) {
  ServeProcess serve("127.0.0.1:0", "archive");
  ASSERT_FALSE(serve.address().empty())
      << "tidings serve did not start: " << serve.log();
  const std::string server = " --server " + serve.address();
  const std::string archive = ::testing::TempDir() +
                              "/cli_test_archive_input." +
                              std::to_string(::getpid()) + ".jsonl";
  {
    std::ofstream out(archive);
    out << R"({"id": "a1", "published": "2020-03-02", "received_at": )"
           R"("2020-03-02 09:00:00", "body": "Gold rose 2% on Monday."})"
        << "\n"
        << R"({"id": "a2", "published": "2020-03-20T10:00:00+02:00", )"
           R"("received_at": "2020-03-25T00:00:00Z", "body": )"
           R"("Gold fell 1% as the dollar firmed."})"
        << "\n"
        << R"({"id": "a3", "published": "2020-04-02", "body": )"
           R"("New tariffs on steel imports were announced."})"
        << "\n";
  }
  RunResult naive =
      RunTidings("ingest --jsonl --map id=article_id,published=published_at " +
                     archive + server,
                 "", true);
  EXPECT_EQ(naive.exit_code, 1);
  EXPECT_THAT(naive.out, HasSubstr("--assume-tz"));
  // Only a2 carries zones; rerunning with --assume-tz adds the others.
  EXPECT_THAT(naive.out, HasSubstr("1 stored"));

  RunResult ingest = RunTidings(
      "ingest --jsonl --quiet --map id=article_id,published=published_at "
      "--assume-tz UTC " +
          archive + server,
      "", true);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  EXPECT_THAT(ingest.out, HasSubstr("2 stored (2 signal(s)), 1 duplicate"));

  auto ids = [&](const std::string& flags) {
    RunResult query = RunTidings("query --json " + flags + server);
    EXPECT_EQ(query.exit_code, 0) << flags;
    std::set<std::string> found;
    for (const v1::Signal& s : ParseSignals(query.out)) {
      found.insert(s.article_id());
    }
    return found;
  };
  using Ids = std::set<std::string>;
  EXPECT_EQ(ids(""), (Ids{"a1", "a2", "a3"}));
  EXPECT_EQ(ids("--published-since 2020-03-01 --published-until 2020-04-01"),
            (Ids{"a1", "a2"}));
  // Published in March AND received before March 21: only a1 (a2 reached
  // the archive on the 25th; a3 has no received time).
  EXPECT_EQ(ids("--published-since 2020-03-01 --published-until 2020-04-01 "
                "--received-until 2020-03-21"),
            Ids{"a1"});
  EXPECT_EQ(ids("--time-field received --since 2020-03-24"), Ids{"a2"});
  // Nothing had been stored at a time before the ingest.
  EXPECT_EQ(ids("--as-of 2020-01-01"), Ids{});
  EXPECT_EQ(ids("--as-of now"), (Ids{"a1", "a2", "a3"}));

  RunResult json =
      RunTidings("query --json --published-until 2020-03-03" + server);
  std::vector<v1::Signal> a1 = ParseSignals(json.out);
  ASSERT_FALSE(a1.empty());
  EXPECT_EQ(a1[0].published_at().seconds(), 1583107200);  // 2020-03-02Z.
  EXPECT_EQ(a1[0].received_at().seconds(), 1583139600);   // 09:00Z.
  EXPECT_EQ(serve.Stop(), 0);
  std::filesystem::remove(archive);
}
// --- `tidings ingest` in bulk (issue 11, item 7) ---------------------------

TEST(CliFormatTest, RetryPushbackIsGrpcsStandardTrailer) {
  std::multimap<grpc::string_ref, grpc::string_ref> trailers;
  EXPECT_EQ(RetryPushbackMs(trailers), std::nullopt);
  trailers.emplace("tidings-retry-after-ms", "500");  // The old custom one.
  EXPECT_EQ(RetryPushbackMs(trailers), std::nullopt);
  trailers.emplace("grpc-retry-pushback-ms", "500");
  EXPECT_EQ(RetryPushbackMs(trailers), 500);
  std::multimap<grpc::string_ref, grpc::string_ref> bad;
  bad.emplace("grpc-retry-pushback-ms", "soon");
  EXPECT_EQ(RetryPushbackMs(bad), std::nullopt);
}

TEST(CliFormatTest, ElapsedAndRateAreShortAndReadable) {
  EXPECT_EQ(FormatElapsed(absl::Milliseconds(52)), "0.05s");
  EXPECT_EQ(FormatElapsed(absl::Seconds(12.34)), "12.3s");
  EXPECT_EQ(FormatElapsed(absl::Seconds(245)), "4m05s");
  EXPECT_EQ(FormatElapsed(absl::Minutes(123)), "2h03m");
  EXPECT_EQ(FormatRate(3.46), "3.5");
  EXPECT_EQ(FormatRate(850.4), "850");
}

// `n` JSONL articles with ids `prefix`-0... and distinct plain-text bodies.
std::string JsonlArticles(int n, const std::string& prefix) {
  static const char* kSubjects[] = {"Copper miners",  "The central bank",
                                    "Shipping firms", "Wheat farmers",
                                    "Chip makers",    "Airlines"};
  static const char* kObjects[] = {
      "record output", "a drop in orders", "new export licences",
      "rising costs",  "a merger",         "port delays",
      "higher fees"};
  std::string out;
  for (int i = 0; i < n; ++i) {
    out +=
        "{\"article_id\": \"" + prefix + "-" + std::to_string(i) +
        "\", \"source\": \"wire\", \"title\": \"Story " + std::to_string(i) +
        "\", \"content_type\": " + "\"CONTENT_TYPE_PLAIN_TEXT\", \"body\": \"" +
        kSubjects[i % 6] + " reported " + kObjects[i % 7] + " in district " +
        std::to_string(i * 31) + " on day " + std::to_string(i % 28 + 1) +
        ", officials said.\"}\n";
  }
  return out;
}

// Writes `content` to a file in the test temp dir; returns its path.
std::string WriteTempFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/cli_test_" + name + "." +
                           std::to_string(::getpid());
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// "PATH:LINE [ID]: stored seqs 4 5" -> {ID, "stored seqs 4 5"}, per line.
std::vector<std::pair<std::string, std::string>> IngestLines(
    const std::string& out) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const std::string& line : Lines(out)) {
    const size_t open = line.find(" [");
    const size_t close = line.find("]: ", open);
    if (open == std::string::npos || close == std::string::npos) {
      lines.push_back({"", line});
      continue;
    }
    lines.push_back(
        {line.substr(open + 2, close - open - 2), line.substr(close + 3)});
  }
  return lines;
}

std::vector<uint64_t> SeqsIn(const std::string& what) {
  std::vector<uint64_t> seqs;
  std::istringstream in(what.substr(what.rfind("seqs ") + 5));
  uint64_t seq;
  while (in >> seq) seqs.push_back(seq);
  return seqs;
}

// The summary: "tidings: S stored (N signal(s)), D duplicate, F failed;
// head seq H; A article(s) in 0.05s, 20 articles/s".
const char kSummary[] =
    R"(tidings: [0-9]+ stored \([0-9]+ signal\(s\)\), [0-9]+ duplicate, )"
    R"([0-9]+ failed(, [0-9]+ not acknowledged \(and any not yet read\))?)"
    R"((; head seq [0-9]+)?; [0-9]+ article\(s\) in [0-9hms.]+, )"
    R"([0-9.]+ articles/s)";

TEST(CliIngestTest, ParallelSendsAcknowledgeEveryArticleOnceAndIdempotently) {
  ServeProcess serve;
  ASSERT_FALSE(serve.address().empty()) << serve.log();
  constexpr int kArticles = 40;
  const std::string file =
      WriteTempFile("parallel.jsonl", JsonlArticles(kArticles, "p"));
  const std::string command =
      "ingest --jsonl --batch 3 --parallel 4 --server " + serve.address() +
      " '" + file + "'";

  RunResult first = RunTidings(command);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  std::map<std::string, std::vector<uint64_t>> stored;
  std::vector<uint64_t> all_seqs;
  for (const auto& [id, what] : IngestLines(first.out)) {
    ASSERT_THAT(what, ::testing::StartsWith("stored seqs ")) << id;
    EXPECT_TRUE(stored.emplace(id, SeqsIn(what)).second) << id << " twice";
    for (uint64_t seq : SeqsIn(what)) all_seqs.push_back(seq);
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kArticles));
  // Every seq once, densely from 1, whatever order the batches finished in.
  std::sort(all_seqs.begin(), all_seqs.end());
  ASSERT_FALSE(all_seqs.empty());
  for (size_t i = 0; i < all_seqs.size(); ++i) EXPECT_EQ(all_seqs[i], i + 1);
  EXPECT_THAT(first.err, ::testing::ContainsRegex(kSummary));
  EXPECT_THAT(first.err, HasSubstr(std::to_string(kArticles) + " stored (" +
                                   std::to_string(all_seqs.size()) +
                                   " signal(s)), 0 duplicate, 0 failed"));

  // Again: every article is a duplicate answered with its first seqs.
  RunResult again = RunTidings(command);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  std::set<std::string> seen;
  for (const auto& [id, what] : IngestLines(again.out)) {
    ASSERT_THAT(what, ::testing::StartsWith("duplicate, already stored as "))
        << id;
    EXPECT_TRUE(seen.insert(id).second) << id << " twice";
    EXPECT_EQ(SeqsIn(what), stored[id]) << id;
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kArticles));
  EXPECT_THAT(again.err,
              HasSubstr("0 stored (0 signal(s)), " + std::to_string(kArticles) +
                        " duplicate, 0 failed; head seq " +
                        std::to_string(all_seqs.size())));
  EXPECT_EQ(serve.Stop(), 0);
}

TEST(CliIngestTest, QuietPrintsOnlyFailuresAndTheSummary) {
  ServeProcess serve;
  ASSERT_FALSE(serve.address().empty()) << serve.log();
  const std::string file =
      WriteTempFile("quiet.jsonl", JsonlArticles(5, "q") + "not json\n" +
                                       JsonlArticles(2, "r"));
  RunResult run = RunTidings("ingest --jsonl --quiet --server " +
                             serve.address() + " '" + file + "'");
  EXPECT_EQ(run.exit_code, 1);  // One line failed.
  // stdout: the one failure, naming its line; nothing per stored article.
  ASSERT_EQ(Lines(run.out).size(), 1u) << run.out;
  EXPECT_THAT(run.out, HasSubstr(":6: error: not a JSON object"));
  // stderr: the summary line only (not a terminal: no progress, no '\r').
  EXPECT_THAT(run.err, ::testing::ContainsRegex(kSummary));
  EXPECT_THAT(run.err, HasSubstr("7 stored (7 signal(s)), 0 duplicate, "
                                 "1 failed; head seq 7; 8 article(s) in "));
  EXPECT_EQ(Lines(run.err).size(), 1u) << run.err;
  EXPECT_EQ(run.err.find('\r'), std::string::npos);

  // Without --quiet, the same input prints a line per article.
  RunResult loud = RunTidings("ingest --jsonl --server " + serve.address() +
                              " '" + file + "'");
  EXPECT_EQ(Lines(loud.out).size(), 8u) << loud.out;
  EXPECT_EQ(serve.Stop(), 0);
}

TEST(CliIngestTest, ParallelIsBoundedAndDocumented) {
  RunResult zero = RunTidings("ingest --parallel 0 x.jsonl", "", true);
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_THAT(zero.out, HasSubstr("--parallel must be between 1 and 64"));
  RunResult many = RunTidings("ingest --parallel 65 x.jsonl", "", true);
  EXPECT_EQ(many.exit_code, 2);
  EXPECT_THAT(many.out, HasSubstr("--parallel"));
  EXPECT_THAT(many.out, HasSubstr("at most 64"));
  RunResult help = RunTidings("ingest --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* text : {"--parallel N", "--quiet", "out of input order",
                           "progress line", "summary"}) {
    EXPECT_THAT(help.out, HasSubstr(text));
  }
}

// Runs `tidings` with `args` with stderr on a pseudo-terminal (raw mode, so
// that the bytes are the program's own) and stdout on /dev/null. Returns
// what the terminal received; the exit code goes to `exit_code`. Bounded by
// `limit` and 1 MiB of output.
std::string RunOnTerminal(const std::vector<std::string>& args, int* exit_code,
                          absl::Duration limit = absl::Seconds(60)) {
  *exit_code = -1;
  struct termios raw;
  ::memset(&raw, 0, sizeof(raw));
  ::cfmakeraw(&raw);
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, &raw, nullptr);
  if (pid < 0) {
    ADD_FAILURE() << "forkpty: " << std::strerror(errno);
    return "";
  }
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(TIDINGS_BINARY));
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(TIDINGS_BINARY, argv.data());
    ::_exit(127);
  }
  std::string out;
  const absl::Time end = absl::Now() + limit;
  while (absl::Now() < end && out.size() < (1u << 20)) {
    struct pollfd p = {master, POLLIN, 0};
    const int ready = ::poll(&p, 1, 200);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(master, buffer, sizeof(buffer));
    if (n <= 0) break;  // EIO: the child closed the terminal.
    out.append(buffer, static_cast<size_t>(n));
  }
  // The terminal closes as the child exits: wait for it, bounded too.
  int status = 0;
  bool exited = false;
  while (!(exited = ::waitpid(pid, &status, WNOHANG) == pid) &&
         absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (!exited) {  // Timed out: stop it.
    ADD_FAILURE() << "tidings did not finish within "
                  << absl::FormatDuration(limit) << "; output: " << out;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ::close(master);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(CliIngestTest, ProgressLineOnATerminalEndsWithANewlineAndTheSummary) {
  ServeProcess serve;
  ASSERT_FALSE(serve.address().empty()) << serve.log();
  constexpr int kArticles = 30;
  const std::string file =
      WriteTempFile("progress.jsonl", JsonlArticles(kArticles, "t"));
  int exit_code = -1;
  const std::string tty =
      RunOnTerminal({"ingest", "--jsonl", "--batch", "4", "--parallel", "2",
                     "--server", serve.address(), file},
                    &exit_code);
  EXPECT_EQ(exit_code, 0) << tty;
  // Frames start with '\r' and are redrawn in place; the last one has the
  // final counts and, the input being a regular file, 100%.
  const std::string last_frame =
      "\rtidings: 30 sent, 30 acknowledged, "
      "0 failed, ";
  const size_t last = tty.rfind(last_frame);
  ASSERT_NE(last, std::string::npos) << tty;
  const size_t newline = tty.find('\n', last);
  ASSERT_NE(newline, std::string::npos) << tty;
  const std::string frame = tty.substr(last + 1, newline - last - 1);
  EXPECT_THAT(frame, ::testing::ContainsRegex(" articles/s, 100% done *$"));
  EXPECT_EQ(frame.find('\r'), std::string::npos);
  // Then the summary, on its own line.
  const std::string after = tty.substr(newline + 1);
  EXPECT_THAT(after, ::testing::StartsWith("tidings: 30 stored ("));
  EXPECT_THAT(after, ::testing::ContainsRegex(kSummary));
  EXPECT_THAT(after, ::testing::EndsWith("\n"));
  // Every frame before it is a progress frame too.
  size_t at = 0;
  int frames = 0;
  while ((at = tty.find('\r', at)) != std::string::npos && at < last + 1) {
    EXPECT_TRUE(tty.compare(at, 10, "\rtidings: ") == 0 ||
                tty.compare(at, 2, "\r ") == 0)
        << tty.substr(at, 40);
    ++at;
    ++frames;
  }
  EXPECT_GE(frames, 1);

  // The same with stderr not a terminal: the summary alone.
  RunResult piped = RunTidings("ingest --jsonl --server " + serve.address() +
                               " '" + file + "'");
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_EQ(piped.err.find("acknowledged"), std::string::npos) << piped.err;
  EXPECT_THAT(piped.err, ::testing::ContainsRegex(kSummary));
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace tidings::cli
