// Copyright 2026 The Tidings Authors.
//
// Tests of the process log (service/log.h): the text and JSON lines and
// their escaping, the rate limiter of repeated lines
// (service/internal/log_limiter.h), and what a real server logs: its
// configuration at startup, a rejected request and an auth failure
// (service/internal/request_log.h).

#include "service/log.h"

#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "service/internal/log_limiter.h"
#include "service/internal/request_log.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using service::Log;
using service::LogFormat;
using service::LogLevel;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Captures the process log for the life of the object, then restores the
// defaults (stderr, text, info). Declare it before a server, so that it
// also sees the server's shutdown.
class LogCapture {
 public:
  explicit LogCapture(LogFormat format = LogFormat::kText) {
    service::SetLogFormat(format);
    service::SetLogWriter([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() {
    service::SetLogWriter(nullptr);
    service::SetLogFormat(LogFormat::kText);
    service::SetLogLevel(LogLevel::kInfo);
  }

  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  // The lines containing `text`.
  std::vector<std::string> With(std::string_view text) const {
    std::vector<std::string> out;
    for (const std::string& l : lines()) {
      if (l.find(text) != std::string::npos) out.push_back(l);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// A JSON line parsed (which fails on invalid JSON or invalid UTF-8).
google::protobuf::Struct ParseJson(const std::string& line) {
  google::protobuf::Struct s;
  auto status = google::protobuf::util::JsonStringToMessage(line, &s);
  EXPECT_TRUE(status.ok()) << status << "\n" << line;
  return s;
}

std::string Field(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end()) return "<absent>";
  if (it->second.has_number_value()) {
    return std::to_string(static_cast<long long>(it->second.number_value()));
  }
  return it->second.string_value();
}

constexpr char kTimestamp[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

TEST(LogTest, TextLineHasTimeLevelMessageAndFields) {
  LogCapture log;
  Log(LogLevel::kInfo, "request rejected",
      {{"method", "Ingest"},
       {"count", 3},
       {"ok", false},
       {"took", absl::Milliseconds(250)},
       {"reason", "bad \"id\"\nline 2"},
       {"empty", ""}});
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_THAT(log.lines()[0],
              MatchesRegex(std::string(kTimestamp) +
                           " INFO  request rejected method=Ingest count=3 "
                           "ok=false took=250ms "
                           "reason=\"bad \\\\\"id\\\\\"\\\\nline 2\" "
                           "empty=\"\""));
}

TEST(LogTest, TextEscapesControlBytesAndInvalidUtf8) {
  LogCapture log;
  Log(LogLevel::kWarn, "one\nline", {{"v", "caf\xc3\xa9 \x01\xff"}});
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_THAT(log.lines()[0],
              HasSubstr("WARN  one\\nline v=\"caf\xc3\xa9 \\x01\\xff\""));
}

TEST(LogTest, JsonLineIsOneValidObjectWithEscapedStrings) {
  LogCapture log(LogFormat::kJson);
  const std::string nasty =
      "say \"hi\"\\ \nnext\tline \x01 caf\xc3\xa9 bad:\xff\xc3( "
      "surrogate:\xed\xa0\x80";
  Log(LogLevel::kError, "request failed",
      {{"method", "Query"}, {"reason", nasty}, {"seq", 42}, {"ok", true}});
  ASSERT_EQ(log.lines().size(), 1u);
  const std::string line = log.lines()[0];
  EXPECT_THAT(line, MatchesRegex(std::string("\\{\"ts\":\"") + kTimestamp +
                                 "\",\"level\":\"error\",\"msg\":\"request "
                                 "failed\",.*\\}"));
  EXPECT_THAT(line, HasSubstr(R"("seq":42,"ok":true})"));
  google::protobuf::Struct s = ParseJson(line);
  EXPECT_EQ(Field(s, "method"), "Query");
  // Valid UTF-8 kept, each invalid byte (or sequence start) U+FFFD.
  EXPECT_EQ(Field(s, "reason"),
            "say \"hi\"\\ \nnext\tline \x01 caf\xc3\xa9 bad:\xef\xbf\xbd"
            "\xef\xbf\xbd( surrogate:\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(LogTest, LevelFiltersLines) {
  LogCapture log;
  service::SetLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(service::LogEnabled(LogLevel::kInfo));
  Log(LogLevel::kDebug, "no");
  Log(LogLevel::kInfo, "no");
  Log(LogLevel::kWarn, "yes");
  Log(LogLevel::kError, "yes");
  EXPECT_EQ(log.lines().size(), 2u);
  service::SetLogLevel(LogLevel::kDebug);
  Log(LogLevel::kDebug, "now yes");
  EXPECT_THAT(log.lines().back(), HasSubstr(" DEBUG now yes"));
}

TEST(LogTest, ParsesFormatAndLevelNames) {
  EXPECT_EQ(*service::ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(*service::ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_THAT(service::ParseLogFormat("xml").status().message(),
              HasSubstr("use text or json"));
  EXPECT_THAT(service::ParseLogLevel("verbose").status().message(),
              HasSubstr("use debug, info, warn or error"));
}

// ---------------------------------------------------------------------------
// The rate limiter, on a hand-moved clock.

TEST(LogLimiterTest, AllowsNPerWindowThenReportsTheSuppressedCount) {
  absl::Time now = absl::FromUnixSeconds(1000);
  service::internal::LogLimiter limiter(3, absl::Seconds(1),
                                        [&now] { return now; });
  std::vector<bool> logged;
  for (int i = 0; i < 5; ++i) logged.push_back(limiter.Admit().log);
  EXPECT_THAT(logged, ElementsAre(true, true, true, false, false));

  now += absl::Milliseconds(999);  // Same window.
  EXPECT_FALSE(limiter.Admit().log);

  now += absl::Milliseconds(1);  // A new window: the first line reports 3.
  service::internal::LogLimiter::Verdict v = limiter.Admit();
  EXPECT_TRUE(v.log);
  EXPECT_EQ(v.suppressed, 3u);
  v = limiter.Admit();
  EXPECT_TRUE(v.log);
  EXPECT_EQ(v.suppressed, 0u);
  limiter.Admit();
  EXPECT_FALSE(limiter.Admit().log);
  EXPECT_EQ(limiter.TakeSuppressed(), 1u);  // At shutdown.
  EXPECT_EQ(limiter.TakeSuppressed(), 0u);
}

TEST(LogLimiterTest, ClockSteppingBackStartsANewWindow) {
  absl::Time now = absl::FromUnixSeconds(1000);
  service::internal::LogLimiter limiter(1, absl::Seconds(1),
                                        [&now] { return now; });
  EXPECT_TRUE(limiter.Admit().log);
  EXPECT_FALSE(limiter.Admit().log);
  now -= absl::Hours(1);
  EXPECT_TRUE(limiter.Admit().log);
}

TEST(RequestLogTest, RejectionsAreRateLimitedWithASummary) {
  LogCapture log;
  absl::Time now = absl::FromUnixSeconds(1000);
  service::internal::RequestLog requests([&now] { return now; });
  const grpc::Status bad(grpc::StatusCode::INVALID_ARGUMENT, "bad");
  const int n = service::internal::kRequestLogLinesPerSecond + 5;
  for (int i = 0; i < n; ++i)
    requests.Finished("Ingest", "ipv4:1.2.3.4:5", bad);
  EXPECT_EQ(log.With("request rejected").size(),
            service::internal::kRequestLogLinesPerSecond);
  // Not logged: the client's doing, or logged elsewhere.
  requests.Finished("Ingest", "p", grpc::Status::OK);
  requests.Finished("Ingest", "p", grpc::Status::CANCELLED);
  requests.Finished("Ingest", "p",
                    grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutdown"));
  requests.Finished("Ingest", "p",
                    grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x"));
  now += absl::Seconds(1);
  requests.Finished("Query", "ipv4:1.2.3.4:5", bad);
  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), service::internal::kRequestLogLinesPerSecond + 2);
  EXPECT_THAT(lines[lines.size() - 2],
              HasSubstr("INFO  suppressed similar lines "
                        "kind=\"request rejected\" count=5"));
  EXPECT_THAT(lines.back(), HasSubstr("method=Query"));
}

// ---------------------------------------------------------------------------
// A real server.

class ServerLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_path_ = dir_.path() + "/tokens.tsv";
    std::ofstream(tokens_path_) << "secret-pub-token\tpublish\n";
  }

  std::unique_ptr<TestServer> Start(service::ServerOptions options) {
    options.tokens_file = tokens_path_;
    options.max_batch = 1;
    auto server = TestServer::Start(StoreKind::kRocksDb, options,
                                    dir_.path() + "/db", nullptr);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  // Ingest of two articles, over max_batch = 1: INVALID_ARGUMENT.
  grpc::Status IngestTooMany(TestServer& server, const std::string& token) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::IngestRequest request;
    *request.add_articles() = MakeArticle("a", 1);
    *request.add_articles() = MakeArticle("b", 2);
    v1::IngestResponse response;
    return server.stub().Ingest(&ctx, request, &response);
  }

  TempDir dir_;
  std::string tokens_path_;
};

TEST_F(ServerLogTest, LogsTheConfigAtStartupButNoToken) {
  LogCapture log;
  auto server = Start(TestOptions());
  ASSERT_NE(server, nullptr);
  std::vector<std::string> starting = log.With("INFO  starting ");
  ASSERT_EQ(starting.size(), 1u);
  EXPECT_THAT(starting[0],
              AllOf(HasSubstr(" listen=127.0.0.1:0 "),
                    HasSubstr(" data_dir=" + dir_.path() + "/db "),
                    HasSubstr(" max_batch=1 "), HasSubstr(" worker_threads=4 "),
                    HasSubstr(" heartbeat_interval=1s "),
                    HasSubstr(" tokens_file=" + tokens_path_ + " "),
                    HasSubstr(" log_format=text log_level=info")));
  std::vector<std::string> opened = log.With("INFO  store opened ");
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_THAT(opened[0], MatchesRegex(".* store_id=[0-9a-f]{32} first_seq=1 "
                                      "head_seq=0"));
  server.reset();
  EXPECT_EQ(log.With("INFO  shut down took=").size(), 1u);
  for (const std::string& line : log.lines()) {
    EXPECT_THAT(line, Not(HasSubstr("secret-pub-token")));
  }
}

TEST_F(ServerLogTest, LogsARejectedRequestWithMethodPeerCodeAndReason) {
  LogCapture log;
  auto server = Start(TestOptions());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(IngestTooMany(*server, "secret-pub-token").error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Logged before the status is sent: there once the call returns.
  std::vector<std::string> rejected = log.With("request rejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_THAT(rejected[0],
              MatchesRegex(std::string(kTimestamp) +
                           " INFO  request rejected method=Ingest "
                           "peer=ipv4:127\\.0\\.0\\.1:[0-9]+ "
                           "code=INVALID_ARGUMENT reason=\"the request has 2 "
                           "articles, over the limit of 1 \\(max_batch\\);.*"));
}

TEST_F(ServerLogTest, LogsAnAuthFailureWithTheRoleNeverTheToken) {
  LogCapture log(LogFormat::kJson);
  service::ServerOptions options = TestOptions();
  options.log_format = "json";
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(IngestTooMany(*server, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(IngestTooMany(*server, "wrong-token").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  std::vector<std::string> auth = log.With("\"msg\":\"auth failed\"");
  ASSERT_EQ(auth.size(), 2u);
  for (const std::string& line : auth) {
    google::protobuf::Struct s = ParseJson(line);
    EXPECT_EQ(Field(s, "level"), "warn");
    EXPECT_EQ(Field(s, "method"), "Ingest");
    EXPECT_EQ(Field(s, "code"), "UNAUTHENTICATED");
    EXPECT_EQ(Field(s, "role"), "publish");
    EXPECT_THAT(Field(s, "peer"), HasSubstr("127.0.0.1"));
    EXPECT_THAT(line, Not(HasSubstr("wrong-token")));
  }
  // Not also logged as a rejection.
  EXPECT_TRUE(log.With("request rejected").empty());
}

}  // namespace
}  // namespace tidings::testing
