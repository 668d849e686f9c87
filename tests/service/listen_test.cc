// Copyright 2026 The Tidings Authors.
//
// The listen address (issue 11, item 1): a second server on a port that is
// already served fails at start with "address already in use" and creates
// no store, while the first keeps serving; port 0 still picks a free port.
// gRPC enables SO_REUSEPORT by default, so without the server turning it off
// two servers would share the port and split the clients between two stores.

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/grpc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<TestServer> StartOrDie(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<TestServer>> s =
      TestServer::Start(StoreKind::kRocksDb, TestOptions(), dir, nullptr);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

TEST(ListenTest, SecondServerOnABusyAddressFailsAndTheFirstKeepsServing) {
  TempDir first_dir;
  std::unique_ptr<TestServer> first = StartOrDie(first_dir.path());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(AllSeqs(IngestOrDie(first->stub(), {MakeArticle("a", 1)})),
            Range(1, 1));

  TempDir second_dir;
  const std::string second_data = second_dir.path() + "/data";
  service::ServerOptions options = TestOptions();
  options.listen = first->address();
  options.data_dir = second_data;
  service::ServerDeps deps;
  deps.scorer = SharedScorer();
  absl::StatusOr<std::unique_ptr<service::Server>> second =
      service::Server::Start(options, std::move(deps));
  ASSERT_FALSE(second.ok())
      << "a second server started on " << first->address();
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr(first->address()));
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("address already in use"));
  EXPECT_TRUE(
      second.status().GetPayload(service::kAddressInUsePayload).has_value());
  // Refused before the store: the other data directory was not created.
  EXPECT_FALSE(std::filesystem::exists(second_data));

  // The first server is untouched: every call reaches its store.
  for (int i = 2; i <= 5; ++i) {
    std::unique_ptr<v1::Tidings::Stub> stub = first->NewStub();
    EXPECT_EQ(AllSeqs(IngestOrDie(*stub, {MakeArticle(absl::StrCat(i), i)})),
              Range(i, i));
  }
}

TEST(ListenTest, PortZeroStillPicksAFreePortForEachServer) {
  TempDir a_dir, b_dir;
  std::unique_ptr<TestServer> a = StartOrDie(a_dir.path());
  std::unique_ptr<TestServer> b = StartOrDie(b_dir.path());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_GT(a->server().port(), 0);
  EXPECT_GT(b->server().port(), 0);
  EXPECT_NE(a->server().port(), b->server().port());
  EXPECT_EQ(AllSeqs(IngestOrDie(a->stub(), {MakeArticle("a", 1)})),
            Range(1, 1));
  EXPECT_EQ(AllSeqs(IngestOrDie(b->stub(), {MakeArticle("b", 2)})),
            Range(1, 1));
}

// Why the server sets GRPC_ARG_ALLOW_REUSEPORT to 0: bare gRPC servers on
// one port, with and without it.
TEST(ListenTest, GrpcSharesAPortUnlessReusePortIsOff) {
  auto build = [](const std::string& address, bool reuse_port, int* port) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
    if (!reuse_port) builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    return builder.BuildAndStart();
  };
  int port = 0;
  std::unique_ptr<grpc::Server> first = build("127.0.0.1:0", false, &port);
  ASSERT_NE(first, nullptr);
  ASSERT_GT(port, 0);
  const std::string address = absl::StrCat("127.0.0.1:", port);
  int second_port = 0;
  std::unique_ptr<grpc::Server> second = build(address, false, &second_port);
  EXPECT_EQ(second, nullptr) << "SO_REUSEPORT off, yet the port was shared";
  if (second != nullptr) second->Shutdown();
  first->Shutdown();

  // With gRPC's default both start: the failure mode the option prevents.
  int shared_port = 0;
  std::unique_ptr<grpc::Server> shared_a =
      build("127.0.0.1:0", true, &shared_port);
  ASSERT_NE(shared_a, nullptr);
  int third_port = 0;
  std::unique_ptr<grpc::Server> shared_b =
      build(absl::StrCat("127.0.0.1:", shared_port), true, &third_port);
  EXPECT_NE(shared_b, nullptr);
  if (shared_b != nullptr) shared_b->Shutdown();
  shared_a->Shutdown();
}

}  // namespace
}  // namespace tidings::testing
