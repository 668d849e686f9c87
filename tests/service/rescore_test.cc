// Copyright 2026 The Tidings Authors.
//
// Rescoring with versions (issue 10, item 2): the Rescore and Versions RPCs
// and version selection in Query, Subscribe and Series, on a real server
// over RocksDB in a temporary directory. The changed lexicons are
// tests/fixtures/rescore_lexicons laid over scoring/lexicons
// (rescore_lexicons.h).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/convert.h"
#include "tests/service/rescore_lexicons.h"
#include "tests/service/test_server.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::testing {
namespace {

constexpr int kArticles = 12;
const absl::Time kDay0 =
    absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone());

// Articles with some sentiment (so that a changed squash changes scores),
// published one a day from kDay0.
v1::Article RescoreArticle(int i) {
  static const char* kTitles[] = {
      "Gold climbs 2% as profits rise at miners",
      "Copper slumps as demand falls sharply",
      "Tariff on steel imposed, exporters warn of losses",
      "Gold steady as investors weigh strong jobs data"};
  v1::Article a;
  a.set_article_id(absl::StrCat("r", i));
  a.set_source(i % 2 == 0 ? "wire" : "desk");
  a.set_title(absl::StrCat(kTitles[i % 4], " (", i, ")"));
  a.set_body(StoryText(i));
  a.set_content_type(v1::CONTENT_TYPE_PLAIN_TEXT);
  service::ToProto(kDay0 + absl::Hours(24 * i), a.mutable_published_at());
  return a;
}

v1::VersionSelector Selector(v1::VersionSelector::Kind kind,
                             const std::string& name = "") {
  v1::VersionSelector v;
  v.set_kind(kind);
  v.set_scorer_version(name);
  return v;
}

class RescoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = TestServer::Start(StoreKind::kRocksDb, TestOptions(),
                               dir_.path() + "/data", nullptr);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    std::vector<v1::Article> articles;
    for (int i = 0; i < kArticles; ++i) articles.push_back(RescoreArticle(i));
    originals_seqs_ = AllSeqs(IngestOrDie(server_->stub(), articles));
    ASSERT_EQ(originals_seqs_.size(), static_cast<size_t>(kArticles));
    lexicons_ = MakeRescoreLexicons(dir_.path() + "/lexicons");
  }

  // Runs Rescore to its end: its status, the progress messages in `*out`.
  grpc::Status Rescore(const v1::RescoreRequest& request,
                       std::vector<v1::RescoreProgress>* out = nullptr,
                       const std::string& token = "") {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, std::chrono::seconds(60));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    auto reader = server_->stub().Rescore(&ctx, request);
    v1::RescoreProgress p;
    for (int i = 0; i < 10000 && reader->Read(&p); ++i) {
      if (out != nullptr) out->push_back(p);
    }
    return reader->Finish();
  }

  // Rescore with the fixture lexicons (or `lexicons`); the last progress.
  // Rescore with `lexicons` ("" = the server's scorer) to its end.
  v1::RescoreProgress RescoreOrDie(const std::string& lexicons) {
    v1::RescoreRequest request;
    request.set_lexicons(lexicons);
    std::vector<v1::RescoreProgress> progress;
    grpc::Status s = Rescore(request, &progress);
    EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
    if (progress.empty()) return {};
    EXPECT_TRUE(progress.back().done());
    return progress.back();
  }

  std::vector<v1::Signal> Query(v1::VersionSelector version,
                                absl::Time as_of = absl::InfiniteFuture()) {
    v1::QueryRequest request;
    *request.mutable_version() = version;
    request.mutable_filter()->set_include_duplicates(true);
    if (as_of != absl::InfiniteFuture()) {
      service::ToProto(as_of, request.mutable_as_of());
    }
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(server_->stub(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status QueryStatus(v1::VersionSelector version) {
    v1::QueryRequest request;
    *request.mutable_version() = version;
    std::vector<v1::Signal> out;
    return RunQuery(server_->stub(), request, &out);
  }

  std::string ServerVersion() { return server_->server().scorer_version(); }

  uint64_t Head() {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    v1::VersionsResponse response;
    EXPECT_TRUE(
        server_->stub().Versions(&ctx, v1::VersionsRequest(), &response).ok());
    return response.head_seq();
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
  std::vector<uint64_t> originals_seqs_;
  std::string lexicons_;
};

TEST_F(RescoreTest, StoresRevisionsWithNewVersion) {
  const std::vector<v1::Signal> before = Query({});
  const v1::RescoreProgress done = RescoreOrDie(lexicons_);
  EXPECT_NE(done.scorer_version(), ServerVersion());
  EXPECT_EQ(done.articles_rescored(), static_cast<uint64_t>(kArticles));
  EXPECT_EQ(done.signals_stored(), static_cast<uint64_t>(kArticles));
  EXPECT_EQ(done.articles_skipped(), 0u);
  EXPECT_EQ(done.articles_failed(), 0u);
  EXPECT_EQ(done.position_seq(), done.end_seq());

  std::vector<v1::Signal> revised =
      Query(Selector(v1::VersionSelector::NAMED, done.scorer_version()));
  ASSERT_EQ(revised.size(), static_cast<size_t>(kArticles));
  std::map<uint64_t, v1::Signal> by_seq;
  for (const v1::Signal& s : before) by_seq[s.seq()] = s;
  int changed = 0;
  for (size_t i = 0; i < revised.size(); ++i) {
    const v1::Signal& r = revised[i];
    EXPECT_EQ(r.seq(), kArticles + i + 1);  // New seqs after the originals.
    EXPECT_EQ(r.scorer_version(), done.scorer_version());
    ASSERT_TRUE(by_seq.count(r.rescore_of_seq())) << r.rescore_of_seq();
    const v1::Signal& o = by_seq[r.rescore_of_seq()];
    EXPECT_EQ(r.article_id(), o.article_id());
    EXPECT_EQ(r.doc_index(), o.doc_index());
    EXPECT_EQ(r.title(), o.title());
    EXPECT_EQ(r.published_at().seconds(), o.published_at().seconds());
    EXPECT_GE(service::FromProto(r.ingested_at()),
              service::FromProto(o.ingested_at()));
    if (r.sentiment().score() != o.sentiment().score()) ++changed;
  }
  EXPECT_GT(changed, 0) << "the changed lexicons changed no score";
  // Nothing overwritten: the originals read back byte for byte.
  const std::vector<v1::Signal> after = Query({});
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].SerializeAsString(), before[i].SerializeAsString());
  }
}

TEST_F(RescoreTest, DefaultSubscriberSeesNoRevision) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, std::chrono::seconds(30));
  v1::SubscribeRequest request;
  request.set_from_seq(0);
  auto reader = server_->stub().Subscribe(&ctx, request);
  std::vector<v1::Signal> seen = ReadSignals(reader.get(), kArticles);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kArticles));
  RescoreOrDie(lexicons_);
  // The head moves past the revisions; the default stream delivers none.
  v1::Heartbeat hb;
  std::vector<v1::Signal> more;
  for (int i = 0; i < 20 && hb.head_seq() < 2u * kArticles; ++i) {
    ASSERT_TRUE(ReadHeartbeat(reader.get(), &hb, &more));
  }
  EXPECT_EQ(hb.head_seq(), 2u * kArticles);
  EXPECT_TRUE(more.empty());
  ctx.TryCancel();
  // A replay from 0 is what it was before the rescore.
  grpc::ClientContext replay_ctx;
  SetDeadline(&replay_ctx, std::chrono::seconds(30));
  auto replay = server_->stub().Subscribe(&replay_ctx, request);
  std::vector<v1::Signal> again;
  for (int i = 0; i < 20 && (hb.head_seq() < 2u * kArticles || again.empty());
       ++i) {
    ASSERT_TRUE(ReadHeartbeat(replay.get(), &hb, &again));
  }
  replay_ctx.TryCancel();
  ASSERT_EQ(again.size(), seen.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(again[i].SerializeAsString(), seen[i].SerializeAsString());
  }
}

TEST_F(RescoreTest, LatestSubscriberGetsRevisionsLive) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, std::chrono::seconds(30));
  v1::SubscribeRequest request;
  request.set_from_seq(0);
  *request.mutable_version() = Selector(v1::VersionSelector::LATEST);
  auto reader = server_->stub().Subscribe(&ctx, request);
  ASSERT_EQ(ReadSignals(reader.get(), kArticles).size(),
            static_cast<size_t>(kArticles));
  const v1::RescoreProgress done = RescoreOrDie(lexicons_);
  std::vector<v1::Signal> live = ReadSignals(reader.get(), kArticles);
  ctx.TryCancel();
  ASSERT_EQ(live.size(), static_cast<size_t>(kArticles));
  for (const v1::Signal& s : live) {
    EXPECT_NE(s.rescore_of_seq(), 0u);
    EXPECT_EQ(s.scorer_version(), done.scorer_version());
  }
}

TEST_F(RescoreTest, LatestAndNamedSelection) {
  const absl::Time before_rescore = absl::Now();
  const v1::RescoreProgress first = RescoreOrDie(lexicons_);
  const v1::RescoreProgress second =
      RescoreOrDie(MakeRescoreLexicons(dir_.path() + "/lexicons4", "4"));
  ASSERT_NE(first.scorer_version(), second.scorer_version());
  EXPECT_EQ(second.articles_rescored(), static_cast<uint64_t>(kArticles));

  // Latest: one signal per original, the newest version.
  std::vector<v1::Signal> latest = Query(Selector(v1::VersionSelector::LATEST));
  ASSERT_EQ(latest.size(), static_cast<size_t>(kArticles));
  std::set<uint64_t> roots;
  for (const v1::Signal& s : latest) {
    EXPECT_EQ(s.scorer_version(), second.scorer_version());
    roots.insert(s.rescore_of_seq());
  }
  EXPECT_EQ(roots,
            std::set<uint64_t>(originals_seqs_.begin(), originals_seqs_.end()));
  // Latest as of before any rescore: the originals.
  std::vector<v1::Signal> then =
      Query(Selector(v1::VersionSelector::LATEST), before_rescore);
  ASSERT_EQ(then.size(), static_cast<size_t>(kArticles));
  for (const v1::Signal& s : then) EXPECT_EQ(s.rescore_of_seq(), 0u);

  // Each named version, the original's included.
  for (const std::string& name :
       {ServerVersion(), first.scorer_version(), second.scorer_version()}) {
    std::vector<v1::Signal> named =
        Query(Selector(v1::VersionSelector::NAMED, name));
    EXPECT_EQ(named.size(), static_cast<size_t>(kArticles)) << name;
    for (const v1::Signal& s : named) EXPECT_EQ(s.scorer_version(), name);
  }
  EXPECT_TRUE(
      Query(Selector(v1::VersionSelector::NAMED, "no such version")).empty());
  // The default: only the originals.
  std::vector<v1::Signal> first_delivered = Query({});
  EXPECT_EQ(SeqsOf(first_delivered), originals_seqs_);
}

TEST_F(RescoreTest, VersionsListing) {
  const v1::RescoreProgress done = RescoreOrDie(lexicons_);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::VersionsResponse response;
  ASSERT_TRUE(
      server_->stub().Versions(&ctx, v1::VersionsRequest(), &response).ok());
  EXPECT_EQ(response.server_scorer_version(), ServerVersion());
  EXPECT_EQ(response.head_seq(), 2u * kArticles);
  ASSERT_EQ(response.versions_size(), 2);
  const v1::VersionInfo& original = response.versions(0);
  const v1::VersionInfo& rescored = response.versions(1);
  EXPECT_EQ(original.scorer_version(), ServerVersion());
  EXPECT_EQ(original.signal_count(), static_cast<uint64_t>(kArticles));
  EXPECT_EQ(original.rescored_count(), 0u);
  EXPECT_EQ(rescored.scorer_version(), done.scorer_version());
  EXPECT_EQ(rescored.signal_count(), static_cast<uint64_t>(kArticles));
  EXPECT_EQ(rescored.rescored_count(), static_cast<uint64_t>(kArticles));
  for (const v1::VersionInfo* v : {&original, &rescored}) {
    EXPECT_EQ(service::FromProto(v->first_published_at()), kDay0);
    EXPECT_EQ(service::FromProto(v->last_published_at()),
              kDay0 + absl::Hours(24 * (kArticles - 1)));
  }
  EXPECT_LE(service::FromProto(original.last_ingested_at()),
            service::FromProto(rescored.first_ingested_at()));
}

TEST_F(RescoreTest, RerunIsIdempotent) {
  const v1::RescoreProgress first = RescoreOrDie(lexicons_);
  const uint64_t head = 2u * kArticles;
  // The same call again continues from where the first ended: nothing left.
  const v1::RescoreProgress again = RescoreOrDie(lexicons_);
  EXPECT_TRUE(again.resumed());
  EXPECT_EQ(again.articles_rescored(), 0u);
  EXPECT_EQ(again.head_seq(), head);
  // Another window of the same version: every article already has it.
  v1::RescoreRequest request;
  request.set_lexicons(lexicons_);
  service::ToProto(absl::Now() - absl::Hours(1), request.mutable_since());
  std::vector<v1::RescoreProgress> progress;
  ASSERT_TRUE(Rescore(request, &progress).ok());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().articles_rescored(), 0u);
  EXPECT_EQ(progress.back().articles_skipped(),
            static_cast<uint64_t>(kArticles));
  // The server's own scorer: the originals are of its version.
  const v1::RescoreProgress own = RescoreOrDie("");
  EXPECT_EQ(own.articles_rescored(), 0u);
  EXPECT_EQ(Query(Selector(v1::VersionSelector::NAMED, first.scorer_version()))
                .size(),
            static_cast<size_t>(kArticles));
  EXPECT_EQ(Head(), head);
}

TEST_F(RescoreTest, PublishedWindow) {
  v1::RescoreRequest request;
  request.set_lexicons(lexicons_);
  request.set_time_field(v1::PUBLISHED_AT);
  service::ToProto(kDay0 + absl::Hours(24 * 3), request.mutable_since());
  service::ToProto(kDay0 + absl::Hours(24 * 7), request.mutable_until());
  std::vector<v1::RescoreProgress> progress;
  ASSERT_TRUE(Rescore(request, &progress).ok());
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().articles_rescored(), 4u);  // Days 3, 4, 5, 6.
  std::vector<v1::Signal> revised = Query(
      Selector(v1::VersionSelector::NAMED, progress.back().scorer_version()));
  ASSERT_EQ(revised.size(), 4u);
  for (const v1::Signal& s : revised) {
    EXPECT_GE(s.rescore_of_seq(), 4u);
    EXPECT_LE(s.rescore_of_seq(), 7u);
  }
}

TEST_F(RescoreTest, SeriesSelectsVersions) {
  const v1::RescoreProgress done = RescoreOrDie(lexicons_);
  auto series = [&](v1::VersionSelector version, v1::SeriesResponse* out) {
    v1::SeriesRequest request;
    request.set_time_field(v1::PUBLISHED_AT);
    service::ToProto(kDay0, request.mutable_since());
    service::ToProto(kDay0 + absl::Hours(24 * kArticles),
                     request.mutable_until());
    request.set_bucket(v1::WEEK);
    *request.mutable_version() = version;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return server_->stub().Series(&ctx, request, out);
  };
  auto total = [](const v1::SeriesResponse& r) {
    uint64_t n = 0;
    for (const v1::SeriesPoint& p : r.points()) n += p.article_count();
    return n;
  };
  v1::SeriesResponse first, named, latest;
  ASSERT_TRUE(series({}, &first).ok());
  EXPECT_EQ(total(first), static_cast<uint64_t>(kArticles));
  ASSERT_TRUE(
      series(Selector(v1::VersionSelector::NAMED, done.scorer_version()),
             &named)
          .ok());
  EXPECT_EQ(total(named), static_cast<uint64_t>(kArticles));
  // Latest: the newest version of each article, the same as the named one
  // while it is the newest; after a second rescore, that one's.
  ASSERT_TRUE(series(Selector(v1::VersionSelector::LATEST), &latest).ok());
  ASSERT_EQ(latest.points_size(), named.points_size());
  for (int i = 0; i < latest.points_size(); ++i) {
    EXPECT_EQ(latest.points(i).SerializeAsString(),
              named.points(i).SerializeAsString());
  }
  const v1::RescoreProgress second =
      RescoreOrDie(MakeRescoreLexicons(dir_.path() + "/lexicons4", "4"));
  v1::SeriesResponse second_named, second_latest;
  ASSERT_TRUE(
      series(Selector(v1::VersionSelector::NAMED, second.scorer_version()),
             &second_named)
          .ok());
  ASSERT_TRUE(
      series(Selector(v1::VersionSelector::LATEST), &second_latest).ok());
  EXPECT_EQ(total(second_latest), static_cast<uint64_t>(kArticles));
  ASSERT_EQ(second_latest.points_size(), second_named.points_size());
  for (int i = 0; i < second_latest.points_size(); ++i) {
    EXPECT_EQ(second_latest.points(i).SerializeAsString(),
              second_named.points(i).SerializeAsString());
  }
  v1::SeriesResponse bad;
  EXPECT_EQ(
      series(Selector(v1::VersionSelector::LATEST, "x"), &bad).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

// A raw page with several articles and an article without an id (its key is
// its content fingerprints): each revision points at the original of its
// own doc_index, and a rerun stores nothing twice.
TEST_F(RescoreTest, PagesAndArticlesWithoutIds) {
  std::ifstream in(std::string(TIDINGS_FIXTURES_DIR) + "/example_page.txt");
  std::stringstream page;
  page << in.rdbuf();
  ASSERT_FALSE(page.str().empty());
  v1::Article raw;
  raw.set_article_id("page-1");
  raw.set_source("site");
  raw.set_body(page.str());
  raw.set_content_type(v1::CONTENT_TYPE_RAW_PAGE);
  v1::Article anonymous = RescoreArticle(99);
  anonymous.clear_article_id();
  const std::vector<uint64_t> seqs =
      AllSeqs(IngestOrDie(server_->stub(), {raw, anonymous}));
  ASSERT_GE(seqs.size(), 3u);  // Several documents, and the anonymous one.
  std::map<uint64_t, v1::Signal> originals;
  for (const v1::Signal& s : Query({})) originals[s.seq()] = s;

  const v1::RescoreProgress done = RescoreOrDie(lexicons_);
  EXPECT_EQ(done.articles_rescored(), kArticles + 2u);
  EXPECT_EQ(done.articles_failed(), 0u);
  std::vector<v1::Signal> revised =
      Query(Selector(v1::VersionSelector::NAMED, done.scorer_version()));
  std::set<uint64_t> roots;
  for (const v1::Signal& r : revised) {
    ASSERT_TRUE(originals.count(r.rescore_of_seq()));
    const v1::Signal& o = originals[r.rescore_of_seq()];
    EXPECT_EQ(r.article_id(), o.article_id());
    EXPECT_EQ(r.doc_index(), o.doc_index());
    roots.insert(r.rescore_of_seq());
  }
  for (uint64_t seq : seqs) EXPECT_TRUE(roots.count(seq)) << seq;
  EXPECT_EQ(roots.size(), revised.size());  // One revision per original.

  v1::RescoreRequest other_window;  // Not the same job: no resumption.
  other_window.set_lexicons(lexicons_);
  service::ToProto(absl::Now() - absl::Hours(1), other_window.mutable_since());
  std::vector<v1::RescoreProgress> progress;
  ASSERT_TRUE(Rescore(other_window, &progress).ok());
  EXPECT_EQ(progress.back().articles_rescored(), 0u);
  EXPECT_EQ(progress.back().articles_skipped(), kArticles + 2u);
}

// After a rescore, a default subscriber goes on receiving new originals
// (the rescore's commits leave a gap in the recent-signal window).
TEST_F(RescoreTest, DefaultSubscriberGoesOnAfterARescore) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, std::chrono::seconds(30));
  v1::SubscribeRequest request;  // From now.
  auto reader = server_->stub().Subscribe(&ctx, request);
  v1::Heartbeat hb;
  ASSERT_TRUE(ReadHeartbeat(reader.get(), &hb));
  RescoreOrDie(lexicons_);
  IngestOrDie(server_->stub(), {RescoreArticle(50), RescoreArticle(51)});
  std::vector<v1::Signal> live = ReadSignals(reader.get(), 2);
  ctx.TryCancel();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].article_id(), "r50");
  EXPECT_EQ(live[1].article_id(), "r51");
  EXPECT_EQ(live[0].seq(), 2u * kArticles + 1);
  EXPECT_EQ(live[0].rescore_of_seq(), 0u);
}

// Ingest goes on while a rescore runs: both through the group committer,
// nothing lost or doubled, and articles stored after the rescore started
// are not in its walk.
TEST_F(RescoreTest, IngestDuringARescore) {
  std::vector<v1::Article> more;
  for (int i = 0; i < 600; ++i) more.push_back(RescoreArticle(100 + i));
  IngestOrDie(server_->stub(), more);  // A walk long enough to overlap.
  const uint64_t before = Head();
  std::atomic<bool> done{false};
  std::thread ingest([&] {
    auto stub = server_->NewStub();
    for (int i = 0; i < 20 && !done.load(); ++i) {
      IngestOrDie(*stub,
                  {RescoreArticle(1000 + 2 * i), RescoreArticle(1001 + 2 * i)});
    }
  });
  const v1::RescoreProgress result = RescoreOrDie(lexicons_);
  done = true;
  ingest.join();
  EXPECT_LE(result.end_seq(), Head());
  EXPECT_GE(result.end_seq(), before);
  std::vector<v1::Signal> revised =
      Query(Selector(v1::VersionSelector::NAMED, result.scorer_version()));
  std::set<uint64_t> roots;
  for (const v1::Signal& r : revised) {
    EXPECT_LE(r.rescore_of_seq(), result.end_seq());
    EXPECT_TRUE(roots.insert(r.rescore_of_seq()).second) << r.rescore_of_seq();
  }
  EXPECT_EQ(revised.size(), result.articles_rescored());
  EXPECT_GE(revised.size(), before);
  std::vector<v1::Signal> originals = Query({});
  for (size_t i = 0; i < originals.size(); ++i) {
    EXPECT_EQ(originals[i].rescore_of_seq(), 0u);
  }
}

TEST_F(RescoreTest, ValidationErrors) {
  auto code = [&](v1::RescoreRequest request) {
    return Rescore(request).error_code();
  };
  v1::RescoreRequest relative;
  relative.set_lexicons("lexicons");
  EXPECT_EQ(code(relative), grpc::StatusCode::INVALID_ARGUMENT);
  v1::RescoreRequest inverted;
  service::ToProto(kDay0, inverted.mutable_since());
  service::ToProto(kDay0 - absl::Hours(1), inverted.mutable_until());
  EXPECT_EQ(code(inverted), grpc::StatusCode::INVALID_ARGUMENT);
  v1::RescoreRequest received;
  received.set_time_field(v1::RECEIVED_AT);
  EXPECT_EQ(code(received), grpc::StatusCode::INVALID_ARGUMENT);
  v1::RescoreRequest missing;
  missing.set_lexicons(dir_.path() + "/no-such-dir");
  EXPECT_EQ(code(missing), grpc::StatusCode::NOT_FOUND);
  v1::RescoreRequest broken;
  const std::string bad = MakeRescoreLexicons(dir_.path() + "/bad", "x");
  broken.set_lexicons(bad);
  EXPECT_EQ(code(broken), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Head(), static_cast<uint64_t>(kArticles));

  EXPECT_EQ(QueryStatus(Selector(v1::VersionSelector::NAMED)).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      QueryStatus(Selector(v1::VersionSelector::LATEST, "x")).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(QueryStatus(Selector(static_cast<v1::VersionSelector::Kind>(9)))
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(RescoreAuthTest, AdminOnly) {
  TempDir dir;
  {
    std::ofstream tokens(dir.path() + "/tokens.tsv");
    tokens << "pub-token\tpublish\nsub-token\tsubscribe\nadmin-token\tadmin\n";
  }
  service::ServerOptions options = TestOptions();
  options.tokens_file = dir.path() + "/tokens.tsv";
  auto server = TestServer::Start(StoreKind::kRocksDb, options,
                                  dir.path() + "/data", nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  auto rescore = [&](const std::string& token) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    auto reader = (*server)->stub().Rescore(&ctx, v1::RescoreRequest());
    v1::RescoreProgress p;
    for (int i = 0; i < 100 && reader->Read(&p); ++i) {
    }
    return reader->Finish().error_code();
  };
  auto versions = [&](const std::string& token) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::VersionsResponse out;
    return (*server)
        ->stub()
        .Versions(&ctx, v1::VersionsRequest(), &out)
        .error_code();
  };
  EXPECT_EQ(rescore(""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(rescore("pub-token"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(rescore("sub-token"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(rescore("admin-token"), grpc::StatusCode::OK);
  EXPECT_EQ(versions(""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(versions("pub-token"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(versions("sub-token"), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace tidings::testing
