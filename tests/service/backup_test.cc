// Copyright 2026 The Tidings Authors.
//
// The Backup RPC (issue 11, item 5): a backup taken while the server runs is
// a data directory; a server started on it serves the same store up to the
// backup's head, and a subscriber resumes there from a seq at or below it
// (above it: OUT_OF_RANGE). Bad directories and missing roles are refused.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

grpc::Status Backup(v1::Tidings::Stub& stub, const std::string& dir,
                    v1::BackupResponse* response,
                    const std::string& token = "") {
  v1::BackupRequest request;
  request.set_dir(dir);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  return stub.Backup(&ctx, request, response);
}

std::vector<v1::Article> Articles(const std::string& prefix, int first, int n) {
  std::vector<v1::Article> articles;
  for (int i = first; i < first + n; ++i) {
    articles.push_back(MakeArticle(absl::StrCat(prefix, i), i));
  }
  return articles;
}

// Every stored signal, by Query.
std::vector<v1::Signal> Everything(v1::Tidings::Stub& stub) {
  v1::QueryRequest all;
  all.mutable_filter()->set_include_duplicates(true);
  std::vector<v1::Signal> out;
  grpc::Status s = RunQuery(stub, all, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

class BackupTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestServer> StartOn(
      const std::string& data, service::ServerOptions options = TestOptions()) {
    absl::StatusOr<std::unique_ptr<TestServer>> s =
        TestServer::Start(StoreKind::kRocksDb, options, data, nullptr);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  TempDir dir_;
  const std::string data_ = dir_.path() + "/data";
  const std::string backup_ = dir_.path() + "/backup";
};

TEST_F(BackupTest, RestoreABackupAndResumeASubscriber) {
  std::unique_ptr<TestServer> live = StartOn(data_);
  ASSERT_NE(live, nullptr);
  const std::string id =
      IngestOrDie(live->stub(), Articles("before-", 0, 5)).store_id();
  ASSERT_THAT(id, MatchesRegex("[0-9a-f]{32}"));

  v1::BackupResponse backup;
  grpc::Status s = Backup(live->stub(), backup_, &backup);
  ASSERT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  EXPECT_EQ(backup.dir(), backup_);
  EXPECT_EQ(backup.head_seq(), 5u);
  EXPECT_EQ(backup.store_id(), id);
  EXPECT_GT(backup.bytes(), 0u);

  // The live store goes on past the backup.
  ASSERT_EQ(AllSeqs(IngestOrDie(live->stub(), Articles("after-", 5, 3))),
            Range(6, 8));
  const std::vector<v1::Signal> original = Everything(live->stub());
  ASSERT_EQ(SeqsOf(original), Range(1, 8));
  live.reset();  // Stop it.

  // Restore: a server on the backup directory.
  std::unique_ptr<TestServer> restored = StartOn(backup_);
  ASSERT_NE(restored, nullptr);
  const std::vector<v1::Signal> kept = Everything(restored->stub());
  ASSERT_EQ(SeqsOf(kept), Range(1, 5));
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].SerializeAsString(), original[i].SerializeAsString())
        << "seq " << kept[i].seq();
  }

  // A subscriber that had seen seq 3 resumes: it gets 4 and 5 as they were,
  // a heartbeat naming the same store, then what is stored from now on.
  v1::SubscribeRequest resume;
  resume.set_from_seq(3);
  resume.set_expect_store_id(id);
  resume.mutable_filter()->set_include_duplicates(true);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader =
      restored->stub().Subscribe(&ctx, resume);
  v1::Heartbeat hb;
  std::vector<v1::Signal> got;
  ASSERT_TRUE(ReadHeartbeat(reader.get(), &hb, &got));
  EXPECT_EQ(hb.store_id(), id);
  EXPECT_EQ(hb.head_seq(), 5u);
  std::vector<v1::Signal> rest = ReadSignals(reader.get(), 2 - got.size());
  got.insert(got.end(), rest.begin(), rest.end());
  ASSERT_EQ(SeqsOf(got), Range(4, 5));
  EXPECT_EQ(got[0].article_id(), "before-3");
  EXPECT_EQ(got[1].article_id(), "before-4");

  v1::IngestResponse next =
      IngestOrDie(restored->stub(), Articles("restored-", 100, 1));
  EXPECT_EQ(AllSeqs(next), Range(6, 6));
  EXPECT_EQ(next.store_id(), id);
  got = ReadSignals(reader.get(), 1);
  ASSERT_EQ(SeqsOf(got), Range(6, 6));
  EXPECT_EQ(got[0].article_id(), "restored-100");
  ctx.TryCancel();
  reader->Finish();

  // A subscriber that had seen seq 8 of the live store is told, loudly.
  v1::SubscribeRequest ahead = resume;
  ahead.set_from_seq(8);
  grpc::ClientContext ahead_ctx;
  SetDeadline(&ahead_ctx);
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> ahead_reader =
      restored->stub().Subscribe(&ahead_ctx, ahead);
  v1::SubscribeEvent ev;
  EXPECT_FALSE(ahead_reader->Read(&ev));
  s = ahead_reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat("from_seq 8 is beyond the head 6 of "
                                     "store ",
                                     id)));
}

TEST_F(BackupTest, BadDirectoriesFailClearlyAndAreLeftAlone) {
  std::unique_ptr<TestServer> server = StartOn(data_);
  ASSERT_NE(server, nullptr);
  IngestOrDie(server->stub(), Articles("a-", 0, 2));

  // An existing directory: ALREADY_EXISTS naming it; its file untouched.
  std::filesystem::create_directories(backup_);
  { std::ofstream(backup_ + "/notes.txt") << "mine"; }
  v1::BackupResponse response;
  grpc::Status s = Backup(server->stub(), backup_, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(),
              AllOf(HasSubstr(backup_ + " already exists"),
                    HasSubstr("name one that does not exist yet")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(backup_),
                          std::filesystem::directory_iterator()),
            1);

  s = Backup(server->stub(), "relative/backup", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("absolute path"));
  s = Backup(server->stub(), "", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("dir"));
  s = Backup(server->stub(), dir_.path() + "/no/such/parent", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("does not exist"));
  s = Backup(server->stub(), data_ + "/inside", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The server serves on, and a new directory works.
  s = Backup(server->stub(), dir_.path() + "/fresh", &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.head_seq(), 2u);
}

TEST_F(BackupTest, NeedsTheAdminRole) {
  const std::string tokens = dir_.path() + "/tokens.tsv";
  { std::ofstream(tokens) << "pub\tpublish\nsub\tsubscribe\nroot\tadmin\n"; }
  service::ServerOptions options = TestOptions();
  options.tokens_file = tokens;
  std::unique_ptr<TestServer> server = StartOn(data_, options);
  ASSERT_NE(server, nullptr);
  v1::BackupResponse response;
  EXPECT_EQ(Backup(server->stub(), backup_, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  for (const char* token : {"pub", "sub"}) {
    grpc::Status s = Backup(server->stub(), backup_, &response, token);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << token;
    EXPECT_THAT(s.error_message(), HasSubstr("Backup needs the admin role"));
  }
  EXPECT_FALSE(std::filesystem::exists(backup_));
  grpc::Status s = Backup(server->stub(), backup_, &response, "root");
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST(BackupFakeStoreTest, AStoreWithoutBackupsIsUnimplemented) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<TestServer>> server =
      TestServer::Start(StoreKind::kFake, TestOptions(), dir.path(),
                        std::make_shared<FakeStoreData>());
  ASSERT_TRUE(server.ok()) << server.status();
  v1::BackupResponse response;
  grpc::Status s = Backup((*server)->stub(), dir.path() + "/backup", &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(s.error_message(), HasSubstr("cannot take backups"));
}

}  // namespace
}  // namespace tidings::testing
