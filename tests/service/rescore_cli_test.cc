// Copyright 2026 The Tidings Authors.
//
// `tidings rescore`, `tidings versions` and `--version` of query/series,
// run as the built binary against `tidings serve` (the README's backtest
// round trip, small).

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/rescore_lexicons.h"
#include "tests/service/tidings_binary.h"

namespace tidings::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

int CountLines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

TEST(RescoreCliTest, BacktestRoundTrip) {
  ServeProcess serve("127.0.0.1:0", "rescore_cli");
  ASSERT_FALSE(serve.address().empty()) << serve.log();
  const std::string server = " --server " + serve.address();
  const std::string tmp =
      ::testing::TempDir() + "/rescore_cli." + std::to_string(::getpid());
  std::filesystem::create_directories(tmp);
  {
    std::ofstream jsonl(tmp + "/articles.jsonl");
    for (int i = 0; i < 6; ++i) {
      jsonl << R"({"id": "a)" << i << R"(", "published": "2024-03-0)" << i + 1
            << R"(", "title": "Gold climbs as profits rise )" << i
            << R"(", "body": "Miners said output rose sharply on day )" << i
            << R"(."})"
            << "\n";
    }
  }
  RunResult ingest = RunTidings(
      "ingest --jsonl --map id=article_id --map published=published_at "
      "--assume-tz UTC" +
          server + " '" + tmp + "/articles.jsonl'",
      "", true);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  const std::string lexicons = MakeRescoreLexicons(tmp + "/lexicons");

  RunResult rescore =
      RunTidings("rescore --lexicons '" + lexicons + "'" + server);
  ASSERT_EQ(rescore.exit_code, 0) << rescore.out << rescore.err;
  EXPECT_THAT(rescore.out,
              MatchesRegex("rescored with tidings-scorer/[^:]+:[0-9a-f]+: 6 "
                           "articles, 6 new signals in .*\n"));
  EXPECT_THAT(rescore.err, HasSubstr("rescore: 100% (seq 6 of 6)"));
  EXPECT_THAT(rescore.err, HasSubstr("ETA"));
  const std::string version =
      rescore.out.substr(14, rescore.out.find(": 6 articles") - 14);

  RunResult versions = RunTidings("versions" + server);
  ASSERT_EQ(versions.exit_code, 0) << versions.err;
  EXPECT_EQ(CountLines(versions.out), 3) << versions.out;
  EXPECT_THAT(versions.out,
              HasSubstr("  " + version +
                        "\t6\t6\t2024-03-01T00:00:00Z\t2024-03-06T00:00:00Z"));

  RunResult first = RunTidings("query --csv" + server);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(CountLines(first.out), 7);  // Header and the 6 originals.
  EXPECT_THAT(first.out, HasSubstr(",received_at,rescore_of_seq\n"));
  RunResult latest = RunTidings("query --version latest" + server);
  ASSERT_EQ(latest.exit_code, 0) << latest.err;
  EXPECT_EQ(CountLines(latest.out), 6);
  EXPECT_THAT(latest.out, HasSubstr("| rescore of #1\n"));
  RunResult named = RunTidings("query --version '" + version + "'" + server);
  EXPECT_EQ(latest.out, named.out);
  RunResult series = RunTidings(
      "series --since 2024-03-01 --until 2024-03-08 --bucket week "
      "--time-field published --csv --version '" +
      version + "'" + server);
  ASSERT_EQ(series.exit_code, 0) << series.err;
  EXPECT_THAT(series.out, HasSubstr("\n2024-02-26,3,"));  // ISO weeks.
  EXPECT_THAT(series.out, HasSubstr("\n2024-03-04,3,"));

  // Again: nothing left to do; a bad window is a usage error.
  RunResult again =
      RunTidings("rescore --quiet --lexicons '" + lexicons + "'" + server);
  EXPECT_THAT(again.out, HasSubstr(": 0 articles, 0 new signals"));
  EXPECT_EQ(RunTidings("rescore --since 2024-03-02 --until 2024-03-01" + server)
                .exit_code,
            2);
  EXPECT_EQ(RunTidings("rescore --time-field received" + server).exit_code, 2);
  std::filesystem::remove_all(tmp);
}

}  // namespace
}  // namespace tidings::testing
