// Copyright 2026 The Tidings Authors.
//
// Messages that do not parse (issue 14): every method is called through the
// generic stub with raw bytes that protobuf refuses (a string field holding
// bytes that are not UTF-8, and bytes that are no protobuf at all), as the
// first message and, on IngestStream, mid-stream. What each method answers is
// documented in proto/tidings/v1/tidings.proto:
//   - IngestStream answers an unparseable message with its own IngestResult
//     (INVALID_ARGUMENT, its index, the article_id when it can be read) and
//     goes on: every later article is processed and answered.
//   - Ingest, Score, Subscribe, Query, QueryBatches, GetSignal and Backup
//     fail the call with INVALID_ARGUMENT naming the method; nothing is
//     stored.
// In every case the log stays dense and the server up.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/test_server.h"
#include "tests/testing/raw_call.h"

namespace tidings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kMethodPrefix[] = "/tidings.v1.Tidings/";
constexpr char kMarker[] = "QQQQ";
// Not UTF-8 (0xFF never occurs in UTF-8), as long as kMarker.
constexpr char kBadBytes[] = "\xff\xfe\xfd\xfc";
// Not protobuf: field 1, length-delimited, 100 bytes announced, 2 present.
constexpr char kNotProtobuf[] = "\x0a\x64zz";

// `message` serialised, with the marker (which must occur in a string field
// once) replaced by bytes that are not UTF-8.
std::string WithBadUtf8(const google::protobuf::MessageLite& message) {
  std::string wire = message.SerializeAsString();
  const size_t at = wire.find(kMarker);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) wire.replace(at, 4, kBadBytes, 4);
  return wire;
}

v1::Article GoodArticle(int i) {
  v1::Article a = MakeArticle(absl::StrCat("g", i), i);
  a.set_body(absl::StrCat("Gold rose ", i, "% on tariffs. ", StoryText(i)));
  return a;
}

std::string Bytes(const google::protobuf::MessageLite& m) {
  return m.SerializeAsString();
}

v1::IngestResult ParseResult(const std::string& bytes) {
  v1::IngestResult r;
  EXPECT_TRUE(r.ParseFromString(bytes));
  return r;
}

class UnparseableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestServer>> s = TestServer::Start(
        StoreKind::kRocksDb, TestOptions(), dir_.path(), nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  RawResult Call(const std::string& method,
                 const std::vector<std::string>& messages,
                 size_t max_responses = SIZE_MAX) {
    return RawCall(server_->channel(), absl::StrCat(kMethodPrefix, method),
                   messages, max_responses);
  }

  // The log holds exactly seqs 1..head: nothing of a bad message was stored.
  void ExpectLog(uint64_t head) {
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(server_->stub(), v1::QueryRequest(), &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(SeqsOf(out), Range(1, head));
  }

  // A call that must fail whole with INVALID_ARGUMENT naming `method`.
  void ExpectRejected(const std::string& method, const std::string& bytes) {
    RawResult r = Call(method, {bytes}, 10);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << method << ": " << r.status.error_code() << " "
        << r.status.error_message();
    EXPECT_THAT(r.status.error_message(), HasSubstr(method));
    EXPECT_THAT(r.status.error_message(), HasSubstr("does not parse"));
    EXPECT_THAT(r.responses, IsEmpty()) << method;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(UnparseableTest, IngestStreamAnswersABadMessageMidStreamAndGoesOn) {
  v1::Article bad;
  bad.set_article_id("bad");
  bad.set_body(kMarker);
  RawResult r = Call("IngestStream", {Bytes(GoodArticle(1)), WithBadUtf8(bad),
                                      Bytes(GoodArticle(2))});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.responses.size(), 3u);
  v1::IngestResult first = ParseResult(r.responses[0]);
  v1::IngestResult middle = ParseResult(r.responses[1]);
  v1::IngestResult last = ParseResult(r.responses[2]);
  EXPECT_EQ(first.index(), 0u);
  EXPECT_EQ(first.article_id(), "g1");
  EXPECT_THAT(first.seqs(), ElementsAre(1u));
  EXPECT_EQ(middle.index(), 1u);
  EXPECT_EQ(middle.article_id(), "bad");  // Read from the bytes.
  EXPECT_EQ(middle.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(middle.error_message(), HasSubstr("body is not valid UTF-8"));
  EXPECT_THAT(middle.error_message(), HasSubstr("offset 0"));
  EXPECT_THAT(middle.seqs(), IsEmpty());
  EXPECT_EQ(last.index(), 2u);
  EXPECT_EQ(last.article_id(), "g2");
  EXPECT_THAT(last.seqs(), ElementsAre(2u));
  ExpectLog(2);
}

TEST_F(UnparseableTest, IngestStreamAnswersABadFirstMessage) {
  v1::Article bad = GoodArticle(7);
  bad.set_article_id(kMarker);  // Even the id is not UTF-8.
  RawResult r = Call("IngestStream", {WithBadUtf8(bad), Bytes(GoodArticle(1))});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.responses.size(), 2u);
  v1::IngestResult first = ParseResult(r.responses[0]);
  EXPECT_EQ(first.index(), 0u);
  EXPECT_EQ(first.article_id(), "");  // Not readable: not echoed.
  EXPECT_EQ(first.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(first.error_message(), HasSubstr("article_id is not valid"));
  EXPECT_THAT(ParseResult(r.responses[1]).seqs(), ElementsAre(1u));
  ExpectLog(1);
}

TEST_F(UnparseableTest, IngestStreamAnswersBytesThatAreNoProtobuf) {
  // published_at (field 6, a Timestamp) holding a truncated varint.
  const std::string bad_time("\x32\x02\x08\xff", 4);
  RawResult r =
      Call("IngestStream", {std::string(kNotProtobuf, 4), Bytes(GoodArticle(1)),
                            bad_time, Bytes(GoodArticle(2))});
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.responses.size(), 4u);
  v1::IngestResult garbage = ParseResult(r.responses[0]);
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(garbage.error_message(), HasSubstr("not protobuf wire format"));
  v1::IngestResult typed = ParseResult(r.responses[2]);
  EXPECT_EQ(typed.index(), 2u);
  EXPECT_EQ(typed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(typed.error_message(), HasSubstr("published_at is not a"));
  EXPECT_THAT(ParseResult(r.responses[1]).seqs(), ElementsAre(1u));
  EXPECT_THAT(ParseResult(r.responses[3]).seqs(), ElementsAre(2u));
  ExpectLog(2);
}

TEST_F(UnparseableTest, IngestStreamOfOnlyBadMessagesAnswersEachAndEndsOk) {
  v1::Article bad;
  bad.set_title(kMarker);
  std::vector<std::string> messages(5, WithBadUtf8(bad));
  RawResult r = Call("IngestStream", messages);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.responses.size(), 5u);
  for (uint32_t i = 0; i < 5; ++i) {
    v1::IngestResult res = ParseResult(r.responses[i]);
    EXPECT_EQ(res.index(), i);
    EXPECT_THAT(res.error_message(), HasSubstr("title is not valid UTF-8"));
  }
  ExpectLog(0);
}

TEST_F(UnparseableTest, IngestRejectsTheWholeRequest) {
  v1::IngestRequest req;
  *req.add_articles() = GoodArticle(1);
  v1::Article* bad = req.add_articles();
  *bad = GoodArticle(2);
  bad->set_url(kMarker);
  ExpectRejected("Ingest", WithBadUtf8(req));
  ExpectRejected("Ingest", std::string(kNotProtobuf, 4));
  ExpectLog(0);
  // The server is up and the log dense.
  EXPECT_THAT(AllSeqs(IngestOrDie(server_->stub(), {GoodArticle(3)})),
              ElementsAre(1u));
}

TEST_F(UnparseableTest, ScoreRejectsTheWholeRequest) {
  v1::ScoreRequest req;
  v1::Article* bad = req.add_articles();
  *bad = GoodArticle(1);
  bad->set_source(kMarker);
  ExpectRejected("Score", WithBadUtf8(req));
  ExpectRejected("Score", std::string(kNotProtobuf, 4));
}

TEST_F(UnparseableTest, SubscribeRejectsTheRequest) {
  v1::SubscribeRequest req;
  req.mutable_filter()->add_entities(kMarker);
  req.set_from_seq(0);
  ExpectRejected("Subscribe", WithBadUtf8(req));
  ExpectRejected("Subscribe", std::string(kNotProtobuf, 4));
}

TEST_F(UnparseableTest, QueryRejectsTheRequest) {
  IngestOrDie(server_->stub(), {GoodArticle(1)});
  v1::QueryRequest req;
  req.mutable_filter()->add_sources(kMarker);
  ExpectRejected("Query", WithBadUtf8(req));
  ExpectRejected("Query", std::string(kNotProtobuf, 4));
  ExpectRejected("QueryBatches", WithBadUtf8(req));
  ExpectRejected("QueryBatches", std::string(kNotProtobuf, 4));
  ExpectLog(1);
}

TEST_F(UnparseableTest, GetSignalRejectsTheRequest) {
  IngestOrDie(server_->stub(), {GoodArticle(1)});
  // GetSignalRequest has no string field: a truncated varint, and a seq
  // sent length-delimited.
  ExpectRejected("GetSignal", std::string("\x08\xff", 2));
  ExpectRejected("GetSignal", std::string(kNotProtobuf, 4));
  // A good request still works.
  v1::GetSignalRequest req;
  req.set_seq(1);
  RawResult r = Call("GetSignal", {Bytes(req)});
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
  ASSERT_EQ(r.responses.size(), 1u);
  v1::Signal s;
  ASSERT_TRUE(s.ParseFromString(r.responses[0]));
  EXPECT_EQ(s.seq(), 1u);
}

TEST_F(UnparseableTest, BackupRejectsTheRequest) {
  v1::BackupRequest req;
  req.set_dir(kMarker);
  ExpectRejected("Backup", WithBadUtf8(req));
  ExpectRejected("Backup", std::string(kNotProtobuf, 4));
}

TEST_F(UnparseableTest, SeriesRejectsTheRequest) {
  v1::SeriesRequest req;
  req.set_bucket(v1::DAY);
  req.mutable_since()->set_seconds(1767225600);
  req.add_entities(kMarker);
  ExpectRejected("Series", WithBadUtf8(req));
  ExpectRejected("Series", std::string(kNotProtobuf, 4));
}

}  // namespace
}  // namespace tidings::testing
