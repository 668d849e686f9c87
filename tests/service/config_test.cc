// Copyright 2026 The Tidings Authors.
//
// Issue 11, item 4: `tidings serve` settings from a TOML file (--config or
// $TIDINGS_CONFIG) and TIDINGS_* variables, flags winning; --print-config;
// SIGHUP reloads the tokens file. Run against the built binary.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/tidings_binary.h"

namespace tidings {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::tidings::testing::RunResult;
using ::tidings::testing::RunTidings;
using ::tidings::testing::ServeProcess;

// A file in the test's temp dir, unique to this process.
std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/config_test_" +
                           std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path;
}

// The line of `--print-config` output for `name` ("name = value  # source").
std::string SettingLine(const std::string& printed, const std::string& name) {
  const std::string prefix = name + " = ";
  size_t at = printed.rfind("\n" + prefix);
  if (at == std::string::npos) return "";
  at += 1;
  return printed.substr(at, printed.find('\n', at) - at);
}

TEST(ServeConfigTest, DefaultsThenFileThenEnvironmentThenFlags) {
  const std::string file = WriteTemp("precedence.toml",
                                     "# settings\n"
                                     "listen = \"127.0.0.1:7001\"\n"
                                     "retention = \"72h\"\n"
                                     "max_batch = 500\n"
                                     "max-article-bytes = \"2MiB\"\n");
  ::setenv("TIDINGS_RETENTION", "24h", 1);
  ::setenv("TIDINGS_MAX_BATCH", "9", 1);
  RunResult run =
      RunTidings("serve --config '" + file + "' --max-batch 7 --print-config");
  ::unsetenv("TIDINGS_RETENTION");
  ::unsetenv("TIDINGS_MAX_BATCH");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(SettingLine(run.out, "listen"),
            "listen = '127.0.0.1:7001'  # " + file + ":2");
  EXPECT_EQ(SettingLine(run.out, "retention"),
            "retention = '24h'  # TIDINGS_RETENTION");
  EXPECT_EQ(SettingLine(run.out, "max-batch"), "max-batch = 7  # command line");
  EXPECT_EQ(SettingLine(run.out, "max-article-bytes"),
            "max-article-bytes = '2MiB'  # " + file + ":5");
  EXPECT_THAT(SettingLine(run.out, "max-subscribers"), HasSubstr("# default"));
  EXPECT_THAT(run.out, Not(HasSubstr("print-config =")));
}

TEST(ServeConfigTest, PrintedConfigReadsBackToTheSameSettings) {
  const std::string file = WriteTemp("source.toml",
                                     "retention = \"36h\"\n"
                                     "tokens = \"/etc/it's \\\"here\\\"\"\n"
                                     "log-format = \"json\"\n");
  RunResult first = RunTidings("serve --config '" + file +
                               "' --worker-threads 3 --print-config");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(SettingLine(first.out, "tokens"), HasSubstr("it's \\\"here"));
  const std::string printed = WriteTemp("printed.toml", first.out);
  RunResult second =
      RunTidings("serve --config '" + printed + "' --print-config");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  for (const char* name :
       {"retention", "tokens", "log-format", "worker-threads",
        "max-article-bytes", "listen", "heartbeat-interval"}) {
    std::string a = SettingLine(first.out, name);
    std::string b = SettingLine(second.out, name);
    ASSERT_FALSE(a.empty()) << name;
    EXPECT_EQ(a.substr(0, a.find("  #")), b.substr(0, b.find("  #")));
  }
}

TEST(ServeConfigTest, TidingsConfigNamesTheFileWhenNoFlagDoes) {
  const std::string file = WriteTemp("env.toml", "max-subscribers = 12\n");
  ::setenv("TIDINGS_CONFIG", file.c_str(), 1);
  RunResult run = RunTidings("serve --print-config");
  ::unsetenv("TIDINGS_CONFIG");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(SettingLine(run.out, "max-subscribers"),
            "max-subscribers = 12  # " + file + ":1");
}

TEST(ServeConfigTest, BadFilesAreUsageErrorsNamingFileAndLine) {
  struct Case {
    std::string content;
    std::string message;
  };
  const Case cases[] = {
      {"\nretenton = \"1h\"\n",
       ":2: unknown setting \"retenton\" (did you mean \"retention\"?)"},
      {"retention = \"1 hour\"\n",
       ":1: bad value for retention: expected a duration"},
      {"max-batch = -3\n", ":1: bad value for max-batch"},
      {"listen = \n", ":1: "},  // TOML syntax; toml++ words the rest.
      {"[server]\nlisten = \"x\"\n", ":1: [server] tables are not used"},
      {"print-config = true\n",
       ":1: print-config can only be given on the command line"},
  };
  for (const Case& c : cases) {
    const std::string file = WriteTemp("bad.toml", c.content);
    RunResult run = RunTidings("serve --config '" + file + "' --print-config");
    EXPECT_EQ(run.exit_code, 2) << c.content;
    EXPECT_THAT(run.err, HasSubstr(file + c.message)) << c.content;
    EXPECT_EQ(run.out, "") << c.content;
  }
  RunResult missing = RunTidings("serve --config /nonexistent/tidings.toml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read the config file "
                                     "/nonexistent/tidings.toml"));
}

TEST(ServeConfigTest, EnvironmentBadValueFailsAndTypoIsWarned) {
  ::setenv("TIDINGS_RETENTION", "soon", 1);
  RunResult bad = RunTidings("serve --print-config");
  ::unsetenv("TIDINGS_RETENTION");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("TIDINGS_RETENTION: bad value for retention"));

  ::setenv("TIDINGS_RETENTON", "1h", 1);   // A typo: warned, not fatal.
  ::setenv("TIDINGS_CORPUS", "/data", 1);  // Somebody else's: silent.
  RunResult typo = RunTidings("serve --print-config");
  ::unsetenv("TIDINGS_RETENTON");
  ::unsetenv("TIDINGS_CORPUS");
  EXPECT_EQ(typo.exit_code, 0) << typo.err;
  EXPECT_THAT(typo.err,
              HasSubstr("TIDINGS_RETENTON is not a setting (did you mean "
                        "TIDINGS_RETENTION?); ignored"));
  EXPECT_THAT(typo.err, Not(HasSubstr("CORPUS")));
  EXPECT_THAT(SettingLine(typo.out, "retention"), HasSubstr("# default"));
}

// Polls the server's log for `text`, up to 10 s.
bool LogShows(const ServeProcess& serve, const std::string& text) {
  for (int i = 0; i < 200; ++i) {
    if (serve.ReadLog().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(ServeReloadTest, SighupReloadsTokensAndKeepsThemOnABadFile) {
  const std::string tokens = WriteTemp("tokens", "old-token\tadmin\n");
  ServeProcess serve("127.0.0.1:0", "reload", {"--tokens", tokens});
  ASSERT_FALSE(serve.address().empty())
      << "tidings serve did not start: " << serve.log();
  // `get 1` on an empty store: NOT_FOUND once the token is accepted.
  auto get_with = [&](const std::string& token) {
    return RunTidings("get 1 --server " + serve.address() + " --token " + token,
                      "", /*with_stderr=*/true)
        .out;
  };
  EXPECT_THAT(get_with("new-token"), HasSubstr("unknown token"));

  WriteTemp("tokens", "new-token\tsubscribe\n");
  serve.Signal(SIGHUP);
  ASSERT_TRUE(LogShows(serve, "tokens reloaded")) << serve.ReadLog();
  EXPECT_THAT(get_with("new-token"), HasSubstr("no signal with seq 1"));
  EXPECT_THAT(get_with("old-token"), HasSubstr("unknown token"));

  WriteTemp("tokens", "broken line without a tab\n");
  serve.Signal(SIGHUP);
  ASSERT_TRUE(LogShows(serve, "tokens not reloaded")) << serve.ReadLog();
  EXPECT_THAT(serve.ReadLog(), HasSubstr(tokens + ":1"));
  EXPECT_THAT(get_with("new-token"), HasSubstr("no signal with seq 1"));
  EXPECT_EQ(serve.Stop(), 0);
}

TEST(ServeReloadTest, SighupWithoutTokensIsLoggedAndDoesNotStopTheServer) {
  ServeProcess serve("127.0.0.1:0", "reload_none");
  ASSERT_FALSE(serve.address().empty())
      << "tidings serve did not start: " << serve.log();
  serve.Signal(SIGHUP);
  ASSERT_TRUE(LogShows(serve, "started without --tokens")) << serve.ReadLog();
  RunResult get =
      RunTidings("get 1 --server " + serve.address(), "", /*with_stderr=*/true);
  EXPECT_THAT(get.out, HasSubstr("no signal with seq 1"));
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace tidings
