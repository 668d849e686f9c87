// Copyright 2026 The Tidings Authors.
//
// Headline-only articles (issue 8, item 1): a title with an empty or
// whitespace body is a newsflash, valid in every RPC and scored as a
// headline; only an article with neither title nor body is refused.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Article Newsflash(const std::string& id, const std::string& body = "") {
  v1::Article a;
  a.set_article_id(id);
  a.set_source("flash");
  a.set_title("Gold jumps 2% as new US tariffs on steel imports take effect");
  a.set_body(body);
  return a;
}

bool HasEvent(const v1::Signal& s, v1::EventType type) {
  for (const v1::Event& e : s.events()) {
    if (e.type() == type && e.relevance() >= scoring::kDefaultMinRelevance) {
      return true;
    }
  }
  return false;
}

// What every path must make of the newsflash: one signal that is the
// headline, with the headline's events.
void ExpectHeadlineSignal(const v1::Signal& s) {
  EXPECT_EQ(s.title(), Newsflash("").title());
  EXPECT_EQ(s.body(), "");
  EXPECT_TRUE(HasEvent(s, v1::GOLD_PRICE_MOVE)) << s.DebugString();
  EXPECT_TRUE(HasEvent(s, v1::TARIFF)) << s.DebugString();
}

class HeadlineOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestServer>> s = TestServer::Start(
        StoreKind::kRocksDb, TestOptions(), dir_.path(), nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }
  v1::Tidings::Stub& stub() { return server_->stub(); }

  v1::Signal Get(uint64_t seq) {
    v1::GetSignalRequest req;
    req.set_seq(seq);
    v1::Signal out;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    grpc::Status s = stub().GetSignal(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(HeadlineOnlyTest, IngestStoresAHeadlineWithAnEmptyOrBlankBody) {
  v1::IngestResponse resp =
      IngestOrDie(stub(), {Newsflash("empty"), Newsflash("blank", " \n\t ")});
  ASSERT_EQ(resp.results_size(), 2);
  EXPECT_EQ(resp.results(0).error_code(), 0) << resp.results(0).error_message();
  EXPECT_THAT(resp.results(0).seqs(), ElementsAre(1u));
  EXPECT_EQ(resp.results(1).error_code(), 0) << resp.results(1).error_message();
  ASSERT_EQ(resp.results(1).seqs_size(), 1);
  ExpectHeadlineSignal(Get(1));
  // The retry is a duplicate, as for any article.
  v1::IngestResponse retry = IngestOrDie(stub(), {Newsflash("empty")});
  EXPECT_TRUE(retry.results(0).duplicate());
  EXPECT_THAT(retry.results(0).seqs(), ElementsAre(1u));
}

TEST_F(HeadlineOnlyTest, IngestStreamStoresAHeadline) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  auto stream = stub().IngestStream(&ctx);
  ASSERT_TRUE(stream->Write(Newsflash("s1")));
  v1::IngestResult r;
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.error_code(), 0) << r.error_message();
  EXPECT_THAT(r.seqs(), ElementsAre(1u));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  ExpectHeadlineSignal(Get(1));
}

TEST_F(HeadlineOnlyTest, ScoreScoresAHeadline) {
  v1::ScoreRequest req;
  *req.add_articles() = Newsflash("x");
  v1::ScoreResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = stub().Score(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).error_code(), 0);
  EXPECT_EQ(resp.results(0).signal_count(), 1u);
  ASSERT_EQ(resp.signals_size(), 1);
  ExpectHeadlineSignal(resp.signals(0));
}

TEST_F(HeadlineOnlyTest, AnArticleWithNeitherTitleNorBodyIsRefused) {
  v1::Article nothing;
  nothing.set_article_id("nothing");
  nothing.set_title("  ");
  v1::IngestResponse resp = IngestOrDie(stub(), {nothing});
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(resp.results(0).error_message(),
              HasSubstr("no title and no body"));
  EXPECT_EQ(resp.head_seq(), 0u);
}

}  // namespace
}  // namespace tidings::testing
