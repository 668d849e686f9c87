// Copyright 2026 The Tidings Authors.
//
// rescore_crash_test: a rescore survives a SIGKILL of the server midway
// (issue 10, item 2). Runs the real `tidings serve` over RocksDB in a
// temporary directory, ingests kArticles articles, starts a Rescore with
// the fixture lexicons and SIGKILLs the server once some hundreds of
// revisions are stored (seen through Versions). After a restart on the
// same data, the same Rescore call continues (RescoreProgress.resumed) and
// completes; then every original has exactly one signal of the new version
// (no article duplicated for the version, none missed), the log is dense
// and the default query still returns exactly the originals.

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/service/rescore_lexicons.h"
#include "tests/service/tidings_binary.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::testing {
namespace {

constexpr int kArticles = 4000;
constexpr int kIngestBatch = 500;
// Kill once this many revisions are stored (after the first commit of
// kRescoreBatchArticles articles).
constexpr uint64_t kKillAfter = 256;

std::unique_ptr<v1::Tidings::Stub> Connect(const std::string& address) {
  return v1::Tidings::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

void Deadline(grpc::ClientContext* ctx, int seconds) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(seconds));
}

v1::Article Story(int i) {
  static const char* kLeads[] = {
      "Gold climbs as profits rise at miners",
      "Copper slumps as demand falls sharply",
      "Steel tariff imposed; exporters warn of losses",
      "Shares rally after strong quarterly earnings"};
  v1::Article a;
  a.set_article_id("c" + std::to_string(i));
  a.set_source("wire");
  a.set_title(std::string(kLeads[i % 4]) + " in district " + std::to_string(i));
  a.set_body("Officials in district " + std::to_string(i * 7) +
             " said output rose " + std::to_string(i % 9 + 1) +
             "% while costs fell. Analysts warned that demand may weaken "
             "on day " +
             std::to_string(i % 28 + 1) + ".");
  a.set_content_type(v1::CONTENT_TYPE_PLAIN_TEXT);
  return a;
}

// The signal count of `version` and the head (0, 0 on error).
std::pair<uint64_t, uint64_t> CountOf(v1::Tidings::Stub& stub,
                                      const std::string& not_version) {
  grpc::ClientContext ctx;
  Deadline(&ctx, 10);
  v1::VersionsResponse r;
  if (!stub.Versions(&ctx, v1::VersionsRequest(), &r).ok()) return {0, 0};
  for (const v1::VersionInfo& v : r.versions()) {
    if (v.scorer_version() != not_version) {
      return {v.signal_count(), r.head_seq()};
    }
  }
  return {0, r.head_seq()};
}

TEST(RescoreCrashTest, RerunAfterSigkillCompletesWithoutDuplicates) {
  ServeProcess serve("127.0.0.1:0", "rescore_crash");
  ASSERT_FALSE(serve.address().empty()) << serve.log();
  auto stub = Connect(serve.address());
  for (int b = 0; b < kArticles / kIngestBatch; ++b) {
    v1::IngestRequest req;
    for (int i = 0; i < kIngestBatch; ++i) {
      *req.add_articles() = Story(b * kIngestBatch + i);
    }
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    Deadline(&ctx, 60);
    ASSERT_TRUE(stub->Ingest(&ctx, req, &resp).ok());
  }
  std::string server_version;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx, 10);
    v1::VersionsResponse r;
    ASSERT_TRUE(stub->Versions(&ctx, v1::VersionsRequest(), &r).ok());
    server_version = r.server_scorer_version();
    ASSERT_EQ(r.head_seq(), static_cast<uint64_t>(kArticles));
  }
  const std::string lexicons =
      MakeRescoreLexicons(::testing::TempDir() + "/rescore_crash_lexicons." +
                          std::to_string(::getpid()));
  v1::RescoreRequest request;
  request.set_lexicons(lexicons);

  // The first run, killed midway.
  std::thread first([&] {
    auto own = Connect(serve.address());
    grpc::ClientContext ctx;
    Deadline(&ctx, 120);
    auto reader = own->Rescore(&ctx, request);
    v1::RescoreProgress p;
    for (int i = 0; i < 100000 && reader->Read(&p); ++i) {
    }
    EXPECT_FALSE(reader->Finish().ok()) << "the rescore ended before the kill";
  });
  uint64_t before_kill = 0;
  for (int i = 0; i < 12000 && before_kill < kKillAfter; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    before_kill = CountOf(*stub, server_version).first;
  }
  serve.Kill();
  first.join();
  ASSERT_GE(before_kill, kKillAfter);
  ASSERT_LT(before_kill, static_cast<uint64_t>(kArticles))
      << "the rescore finished before the kill; make it longer";

  // After the restart: what was stored is there, and the rerun continues.
  serve.Restart();
  ASSERT_FALSE(serve.address().empty()) << serve.log();
  stub = Connect(serve.address());
  const auto [stored, head] = CountOf(*stub, server_version);
  EXPECT_GE(stored, before_kill);
  EXPECT_EQ(head, kArticles + stored);
  std::vector<v1::RescoreProgress> progress;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx, 120);
    auto reader = stub->Rescore(&ctx, request);
    v1::RescoreProgress p;
    for (int i = 0; i < 100000 && reader->Read(&p); ++i) progress.push_back(p);
    grpc::Status s = reader->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_FALSE(progress.empty());
  const v1::RescoreProgress& done = progress.back();
  EXPECT_TRUE(done.done());
  // The position is saved after each commit (PutJobState): a kill between a
  // commit and that save leaves the rerun to start over, skipping exactly
  // what was stored (seen once in CI: 512 stored, resumed from 0, skipped
  // 512). Either way nothing is stored twice (below).
  if (done.resumed()) {
    EXPECT_GT(done.resumed_from_seq(), 0u);
  } else {
    EXPECT_EQ(done.articles_skipped(), stored);
  }
  std::printf(
      "killed with %llu revisions seen (%llu stored after the restart); the "
      "rerun resumed from seq %llu and rescored %llu more, skipped %llu\n",
      static_cast<unsigned long long>(before_kill),
      static_cast<unsigned long long>(stored),
      static_cast<unsigned long long>(done.resumed_from_seq()),
      static_cast<unsigned long long>(done.articles_rescored()),
      static_cast<unsigned long long>(done.articles_skipped()));
  EXPECT_EQ(done.articles_rescored() + stored, static_cast<uint64_t>(kArticles))
      << "rescored again " << done.articles_rescored() << ", skipped "
      << done.articles_skipped();

  // Exactly one revision per original; the log dense; originals unchanged.
  v1::QueryRequest query;
  query.mutable_filter()->set_include_duplicates(true);
  query.mutable_version()->set_kind(v1::VersionSelector::NAMED);
  query.mutable_version()->set_scorer_version(done.scorer_version());
  std::multiset<uint64_t> roots;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx, 60);
    auto reader = stub->Query(&ctx, query);
    v1::Signal s;
    for (int i = 0; i < 2 * kArticles && reader->Read(&s); ++i) {
      roots.insert(s.rescore_of_seq());
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  EXPECT_EQ(roots.size(), static_cast<size_t>(kArticles));
  EXPECT_EQ(std::set<uint64_t>(roots.begin(), roots.end()).size(),
            static_cast<size_t>(kArticles))
      << "an original was revised twice for one version";
  EXPECT_EQ(*roots.begin(), 1u);
  EXPECT_EQ(*roots.rbegin(), static_cast<uint64_t>(kArticles));
  const auto [count, final_head] = CountOf(*stub, server_version);
  EXPECT_EQ(count, static_cast<uint64_t>(kArticles));
  EXPECT_EQ(final_head, 2u * kArticles);
  query.clear_version();
  uint64_t originals = 0, expected_seq = 1;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx, 60);
    auto reader = stub->Query(&ctx, query);
    v1::Signal s;
    for (int i = 0; i < 2 * kArticles && reader->Read(&s); ++i) {
      EXPECT_EQ(s.seq(), expected_seq++);
      EXPECT_EQ(s.rescore_of_seq(), 0u);
      ++originals;
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  EXPECT_EQ(originals, static_cast<uint64_t>(kArticles));
  std::filesystem::remove_all(lexicons);
}

}  // namespace
}  // namespace tidings::testing
