// Copyright 2026 The Tidings Authors.
//
// Bad input (issue 5, item 4): each case gets a clear status, stores nothing
// (the log stays dense and its head does not move), and the server stays up
// (a good ingest right after works). A real server on 127.0.0.1:0 over real
// RocksDB in a temporary directory. Cases already covered by server_test.cc
// (empty and blank body, body over max_article_bytes, unknown content_type
// and bad published_at in Ingest, batch over max_batch, inverted Query range,
// Subscribe with an unknown event type) are not repeated here.
//
// Policies chosen:
//   - Invalid UTF-8 in a string field: REJECTED. Protobuf's parser refuses a
//     proto3 string that is not UTF-8, so a unary request fails whole with
//     INVALID_ARGUMENT (gRPC 1.51 itself says UNIMPLEMENTED with no message;
//     the server's interceptor rewrites it to name the string fields and the
//     fix) and nothing is stored; on IngestStream that message alone is
//     answered INVALID_ARGUMENT and the stream goes on (unparseable_test.cc
//     covers every method). Repair with U+FFFD is the publisher's job; the
//     scorer also repairs whatever reaches it.
//   - NUL bytes in body or title: REJECTED per article with INVALID_ARGUMENT
//     naming the field and the byte offset (NUL is never text; the stored
//     article stays exactly what was sent).

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

class BadInputTest : public ::testing::Test {
 protected:
  void Start(service::ServerOptions options = TestOptions()) {
    server_.reset();
    absl::StatusOr<std::unique_ptr<TestServer>> s =
        TestServer::Start(StoreKind::kRocksDb, options, dir_.path(), nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  v1::Tidings::Stub& stub() { return server_->stub(); }

  grpc::Status Ingest(const std::vector<v1::Article>& articles,
                      v1::IngestResponse* resp) {
    v1::IngestRequest req;
    for (const v1::Article& a : articles) *req.add_articles() = a;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return stub().Ingest(&ctx, req, resp);
  }

  // Every stored seq, in order, by a Query over the whole log.
  std::vector<uint64_t> StoredSeqs() {
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(stub(), v1::QueryRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return SeqsOf(out);
  }

  // The log holds exactly seqs 1..head, and a good article ingested now
  // becomes head+1: nothing partial was stored and the server is up.
  void ExpectIntactAndUp(uint64_t head) {
    EXPECT_EQ(StoredSeqs(), Range(1, head));
    ++good_;
    v1::IngestResponse resp = IngestOrDie(
        stub(), {MakeArticle(absl::StrCat("good-", good_), 100 + good_)});
    ASSERT_EQ(resp.results_size(), 1);
    EXPECT_EQ(resp.results(0).error_code(), 0);
    EXPECT_THAT(resp.results(0).seqs(), ElementsAreArray({head + 1}));
  }

  // Sends one article on an IngestStream; returns its result and the
  // stream's final status.
  grpc::Status StreamOne(const v1::Article& article, v1::IngestResult* r,
                         bool* got_result) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    auto stream = stub().IngestStream(&ctx);
    stream->Write(article);
    stream->WritesDone();
    *got_result = stream->Read(r);
    v1::IngestResult extra;
    for (int i = 0; i < 10 && stream->Read(&extra); ++i) {
    }
    return stream->Finish();
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  int good_ = 0;
};

// Calls Tidings/Ingest with raw request bytes (to send what a well-behaved
// protobuf library would not produce).
grpc::Status RawIngest(std::shared_ptr<grpc::Channel> channel,
                       const std::string& request) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1), resp;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&ctx, "/tidings.v1.Tidings/Ingest", grpc::StubOptions(), &req,
                 &resp, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  if (!done.WaitForNotificationWithTimeout(absl::Seconds(30))) {
    ctx.TryCancel();
    done.WaitForNotification();
  }
  return status;
}

// An IngestRequest whose article body holds `bad` bytes (not UTF-8): built
// from a valid one by patching a same-length marker in the wire bytes.
std::string RequestWithBadBody(const std::string& bad) {
  const std::string marker(bad.size(), '#');
  v1::IngestRequest req;
  *req.add_articles() = MakeArticle("good-first", 1);
  v1::Article* a = req.add_articles();
  *a = MakeArticle("bad-utf8", 2);
  a->set_body(absl::StrCat("Gold rose 2% today ", marker, " said traders."));
  std::string wire = req.SerializeAsString();
  const size_t at = wire.find(marker);
  EXPECT_NE(at, std::string::npos);
  wire.replace(at, marker.size(), bad);
  return wire;
}

// ---------------------------------------------------------------------------

TEST_F(BadInputTest, EmptyBodyOnAStreamIsAnsweredAndTheStreamGoesOn) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  auto stream = stub().IngestStream(&ctx);
  v1::Article empty = MakeArticle("empty", 1);
  empty.set_body("");
  empty.set_title("");
  ASSERT_TRUE(stream->Write(empty));
  v1::IngestResult r;
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.error_message(), HasSubstr("no title and no body"));
  EXPECT_EQ(r.seqs_size(), 0);
  ASSERT_TRUE(stream->Write(MakeArticle("after", 2)));
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.error_code(), 0);
  EXPECT_THAT(r.seqs(), ElementsAreArray({1u}));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  ExpectIntactAndUp(1);
}

TEST_F(BadInputTest, InvalidUtf8IsRejectedWhole) {
  ASSERT_NO_FATAL_FAILURE(Start());
  // A lone continuation byte, a truncated sequence, an overlong encoding and
  // a UTF-16 surrogate: none is UTF-8.
  for (const std::string& bad :
       {std::string("\x80"), std::string("\xC3"), std::string("\xC0\xAF"),
        std::string("\xED\xA0\x80"), std::string("caf\xE9")}) {
    grpc::Status s = RawIngest(server_->channel(), RequestWithBadBody(bad));
    // Protobuf refuses the request before the handler runs (gRPC 1.51 alone
    // would say UNIMPLEMENTED with no message; the server rewrites it): the
    // request as a whole, including its good first article, is not stored.
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << s.error_code() << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("not UTF-8"));
    EXPECT_THAT(s.error_message(), HasSubstr("body"));
    EXPECT_THAT(s.error_message(), HasSubstr("U+FFFD"));
  }
  // The same bytes made valid (what a publisher should do: repair with
  // U+FFFD) are fine.
  std::string wire = RequestWithBadBody("\xEF\xBF\xBD");
  EXPECT_TRUE(RawIngest(server_->channel(), wire).ok());
  ExpectIntactAndUp(2);
}

TEST_F(BadInputTest, NulBytesAreRejectedPerArticle) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Article in_body = MakeArticle("nul-body", 1);
  in_body.set_body(std::string("Gold rose\0 sharply today.", 26));
  v1::Article in_title = MakeArticle("nul-title", 2);
  in_title.set_title(std::string("\0Headline", 9));
  v1::IngestResponse resp;
  grpc::Status s = Ingest({in_body, MakeArticle("ok", 3), in_title}, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.results_size(), 3);
  EXPECT_EQ(resp.results(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(resp.results(0).error_message(),
              HasSubstr("body contains a NUL byte"));
  EXPECT_THAT(resp.results(0).error_message(), HasSubstr("offset 9"));
  EXPECT_EQ(resp.results(0).seqs_size(), 0);
  EXPECT_THAT(resp.results(1).seqs(), ElementsAreArray({1u}));
  EXPECT_EQ(resp.results(2).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(resp.results(2).error_message(),
              HasSubstr("title contains a NUL byte"));
  // Score and the stream say the same, per article.
  v1::ScoreRequest score;
  *score.add_articles() = in_body;
  v1::ScoreResponse scored;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  s = stub().Score(&ctx, score, &scored);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(scored.results_size(), 1);
  EXPECT_EQ(scored.results(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(scored.results(0).error_message(), HasSubstr("NUL"));
  EXPECT_EQ(scored.signals_size(), 0);
  v1::IngestResult r;
  bool got = false;
  EXPECT_TRUE(StreamOne(in_body, &r, &got).ok());
  ASSERT_TRUE(got);
  EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectIntactAndUp(1);
}

TEST_F(BadInputTest, ArticleOverMaxArticleBytesOnAStream) {
  service::ServerOptions options = TestOptions();
  options.max_article_bytes = 2000;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  v1::Article huge = MakeArticle("huge", 1);
  huge.set_body(std::string(2001, 'a'));
  v1::IngestResult r;
  bool got = false;
  EXPECT_TRUE(StreamOne(huge, &r, &got).ok());
  ASSERT_TRUE(got);
  EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.error_message(), HasSubstr("max_article_bytes"));
  // A title over the limit, in a unary call.
  v1::Article long_title = MakeArticle("long-title", 2);
  long_title.set_title(std::string(2001, 't'));
  v1::IngestResponse resp;
  ASSERT_TRUE(Ingest({long_title}, &resp).ok());
  EXPECT_EQ(resp.results(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(resp.results(0).error_message(), HasSubstr("title is 2001"));
  ExpectIntactAndUp(0);
}

TEST_F(BadInputTest, RequestOverMaxRequestBytesIsResourceExhausted) {
  service::ServerOptions options = TestOptions();
  options.max_article_bytes = 1000;
  options.max_request_bytes = 4096;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  v1::Article huge = MakeArticle("huge", 1);
  huge.set_body(std::string(10000, 'a'));
  v1::IngestResponse resp;
  grpc::Status s = Ingest({huge}, &resp);
  // gRPC's receive limit: refused before the handler runs.
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("larger than max"));
  ExpectIntactAndUp(0);
}

TEST_F(BadInputTest, TimestampsOutOfRange) {
  ASSERT_NO_FATAL_FAILURE(Start());
  // Before 0001-01-01, after 9999-12-31, nanos out of [0, 1e9).
  v1::Article early = MakeArticle("early", 1);
  early.mutable_published_at()->set_seconds(-62135596801);
  v1::Article late = MakeArticle("late", 2);
  late.mutable_published_at()->set_seconds(253402300800);
  v1::Article nanos = MakeArticle("nanos", 3);
  nanos.mutable_published_at()->set_nanos(1000000000);
  v1::Article negative_nanos = MakeArticle("neg-nanos", 4);
  negative_nanos.mutable_published_at()->set_nanos(-5);
  v1::IngestResponse resp;
  ASSERT_TRUE(Ingest({early, late, nanos, negative_nanos}, &resp).ok());
  ASSERT_EQ(resp.results_size(), 4);
  for (const v1::IngestResult& r : resp.results()) {
    EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << r.index();
    EXPECT_THAT(r.error_message(), HasSubstr("published_at")) << r.index();
    EXPECT_EQ(r.seqs_size(), 0);
  }
  // Query since/until out of range.
  v1::QueryRequest q;
  q.mutable_until()->set_seconds(253402300800);
  std::vector<v1::Signal> out;
  grpc::Status s = RunQuery(stub(), q, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("until"));
  v1::QueryRequest q2;
  q2.mutable_since()->set_seconds(-62135596801);
  s = RunQuery(stub(), q2, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("since"));
  EXPECT_TRUE(out.empty());
  ExpectIntactAndUp(0);
}

TEST_F(BadInputTest, UnknownEnumValues) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Article bad_type = MakeArticle("bad-type", 1);
  bad_type.set_content_type(static_cast<v1::ContentType>(17));
  // IngestStream: per article.
  v1::IngestResult r;
  bool got = false;
  EXPECT_TRUE(StreamOne(bad_type, &r, &got).ok());
  ASSERT_TRUE(got);
  EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.error_message(), HasSubstr("content_type 17"));
  // Score: per article.
  v1::ScoreRequest score;
  *score.add_articles() = bad_type;
  v1::ScoreResponse scored;
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    grpc::Status s = stub().Score(&ctx, score, &scored);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(scored.results_size(), 1);
    EXPECT_EQ(scored.results(0).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(scored.results(0).error_message(), HasSubstr("content_type"));
  }
  // Query with an unknown filter event type.
  v1::QueryRequest q;
  q.mutable_filter()->add_event_types(static_cast<v1::EventType>(99));
  std::vector<v1::Signal> out;
  grpc::Status s = RunQuery(stub(), q, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("99"));
  ExpectIntactAndUp(0);
}

// Peak resident memory of this process (the server runs in it), in KiB.
int64_t PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmHWM:")) {
      return std::stoll(line.substr(6));
    }
  }
  return -1;
}

TEST_F(BadInputTest, OneMegabyteSingleTokenIsBounded) {
  service::ServerOptions options = TestOptions();
  options.max_article_bytes = 2 << 20;  // Raised limit.
  ASSERT_NO_FATAL_FAILURE(Start(options));
  ExpectIntactAndUp(0);  // Warm up (lexicons, RocksDB) before measuring.
  const int64_t rss_before = PeakRssKiB();
  v1::Article token = MakeArticle("one-token", 1);
  token.set_body(std::string(1 << 20, 'x'));
  v1::Article raw = MakeArticle("one-token-page", 2);
  raw.set_content_type(v1::CONTENT_TYPE_RAW_PAGE);
  raw.set_body(absl::StrCat("<p>", std::string(1 << 20, 'y'), "</p>"));
  v1::IngestRequest req;
  *req.add_articles() = token;
  *req.add_articles() = raw;
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  // A generous guard, not a benchmark: a quadratic pass over 1 MB would blow
  // through it.
  SetDeadline(&ctx, std::chrono::seconds(15));
  grpc::Status s = stub().Ingest(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  ASSERT_EQ(resp.results_size(), 2);
  for (const v1::IngestResult& r : resp.results()) {
    EXPECT_EQ(r.error_code(), 0) << r.error_message();
  }
  const int64_t rss_after = PeakRssKiB();
  if (rss_before > 0 && rss_after > 0) {
    // Two 1 MB articles: the request, a few copies while cleaning, scoring
    // and storing. Far below 256 MiB unless something blows up.
    EXPECT_LT(rss_after - rss_before, 256 * 1024)
        << "peak RSS grew by " << (rss_after - rss_before) << " KiB";
  }
  const uint64_t head = resp.head_seq();
  EXPECT_LE(head, 3u);
  ExpectIntactAndUp(head);
}

TEST_F(BadInputTest, HtmlPageIsStoredWhole) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Article page = MakeArticle("page", 1);
  page.set_content_type(v1::CONTENT_TYPE_RAW_PAGE);
  page.set_title("");
  page.set_body(absl::StrCat(
      "<!DOCTYPE html><html><head><title>Gold climbs</title>"
      "<style>body{color:red}</style>"
      "<script>var gold = 'tariff sanctions';</script></head><body>"
      "<nav><a href='/'>Home</a> | <a href='/markets'>Markets</a></nav>"
      "<article><h1>Gold climbs as investors seek safety</h1><p>",
      StoryText(1),
      "</p><p>Gold prices rose 2% to $2,400 an ounce &amp; "
      "traders said demand was strong.</p></article>"
      "<footer>&copy; 2026 Example News</footer></body></html>"));
  v1::IngestResponse resp;
  ASSERT_TRUE(Ingest({page}, &resp).ok());
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).error_code(), 0) << resp.results(0).error_message();
  ASSERT_GE(resp.results(0).seqs_size(), 1);
  v1::GetSignalRequest get;
  get.set_seq(resp.results(0).seqs(0));
  v1::Signal signal;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  ASSERT_TRUE(stub().GetSignal(&ctx, get, &signal).ok());
  // The service's part: stored whole, readable back, entities decoded. (How
  // well markup is stripped is the page cleaner's job, tested in scoring/.)
  EXPECT_FALSE(signal.body().empty());
  EXPECT_THAT(signal.body(), HasSubstr("Gold prices rose 2%"));
  EXPECT_EQ(signal.article_id(), "page");
  v1::IngestResponse again;
  ASSERT_TRUE(Ingest({page}, &again).ok());
  EXPECT_TRUE(again.results(0).duplicate());
  // A page of markup only: nothing to score, no error, nothing stored.
  v1::Article empty_page = MakeArticle("", 2);
  empty_page.set_content_type(v1::CONTENT_TYPE_RAW_PAGE);
  empty_page.set_title("");
  empty_page.set_body(
      "<html><head><script>x()</script></head><body></body>"
      "</html>");
  v1::IngestResponse none;
  ASSERT_TRUE(Ingest({empty_page}, &none).ok());
  EXPECT_EQ(none.results(0).error_code(), 0);
  EXPECT_EQ(none.results(0).seqs_size(), 0);
  ExpectIntactAndUp(resp.head_seq());
}

TEST_F(BadInputTest, RightToLeftAndEmojiTextRoundTrips) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string arabic =
      "\xd8\xa7\xd8\xb1\xd8\xaa\xd9\x81\xd8\xb9 \xd8\xb3\xd8\xb9\xd8\xb1 "
      "\xd8\xa7\xd9\x84\xd8\xb0\xd9\x87\xd8\xa8";  // "the gold price rose"
  const std::string hebrew =
      "\xd7\x96\xd7\x94\xd7\x91 \xd7\xa2\xd7\x9c\xd7\x94";  // "gold rose"
  const std::string emoji =
      "\xf0\x9f\x9a\x80\xf0\x9f\x93\x88 \xf0\x9f\xa5\x87 "
      "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91"
      "\xa7";
  const std::string rlm = "\xe2\x80\x8f";  // RIGHT-TO-LEFT MARK
  v1::Article a = MakeArticle("rtl", 1);
  a.set_title(absl::StrCat(arabic, " ", emoji));
  a.set_body(absl::StrCat(arabic, ". ", rlm, hebrew, ". ", emoji, " ",
                          StoryText(1), " ", arabic, " ", emoji));
  v1::IngestResponse resp;
  ASSERT_TRUE(Ingest({a}, &resp).ok());
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).error_code(), 0) << resp.results(0).error_message();
  ASSERT_EQ(resp.results(0).seqs_size(), 1);
  v1::GetSignalRequest get;
  get.set_seq(resp.results(0).seqs(0));
  v1::Signal signal;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  ASSERT_TRUE(stub().GetSignal(&ctx, get, &signal).ok());
  EXPECT_THAT(signal.body(), HasSubstr(hebrew));
  EXPECT_THAT(signal.body(), HasSubstr("\xf0\x9f\x9a\x80"));
  EXPECT_THAT(signal.title(), HasSubstr(arabic));
  // The retry is recognised (the id), whatever the script.
  v1::IngestResponse retry;
  ASSERT_TRUE(Ingest({a}, &retry).ok());
  EXPECT_TRUE(retry.results(0).duplicate());
  ExpectIntactAndUp(1);
}

TEST_F(BadInputTest, InvertedPublishedAtRangeIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::QueryRequest q;
  q.set_time_field(v1::PUBLISHED_AT);
  q.mutable_since()->set_seconds(1767225600 + 60);
  q.mutable_until()->set_seconds(1767225600);
  std::vector<v1::Signal> out;
  grpc::Status s = RunQuery(stub(), q, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("inverted"));
  ExpectIntactAndUp(0);
}

TEST_F(BadInputTest, SubscribeWithNegativeEventTypeIsInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::SubscribeRequest bad;
  bad.set_from_seq(0);
  bad.mutable_filter()->add_event_types(v1::GOLD_PRICE_MOVE);
  bad.mutable_filter()->add_event_types(static_cast<v1::EventType>(-3));
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  auto reader = stub().Subscribe(&ctx, bad);
  v1::SubscribeEvent ev;
  EXPECT_FALSE(reader->Read(&ev));
  grpc::Status s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("-3"));
  ExpectIntactAndUp(0);
}

}  // namespace
}  // namespace tidings::testing
