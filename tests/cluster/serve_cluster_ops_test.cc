// Copyright 2026 The Tidings Authors.
//
// Operating a cluster (cluster/README.md, "Retention" and "Shutdown"):
// three nats-server processes and `tidings serve --cluster` nodes on
// loopback. The cluster log's retention flags set the stream's limits; a
// node's --retention must cover the windows a later record looks back at;
// a graceful stop with an ingest stuck in the log still ends within
// --shutdown-grace. Label `cluster`.

#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "cluster/nats/direct_get.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/cluster/nats_cluster.h"
#include "tests/cluster/serve_calls.h"
#include "tests/service/tidings_binary.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings {
namespace {

using testing::AllSeqs;
using testing::Ingest;
using testing::MakeArticle;
using testing::NatsCluster;
using testing::ServeProcess;
using testing::StubFor;

// The TIDINGS stream's MaxAge (ns) and MaxBytes (-1: no limit).
struct Limits {
  int64_t max_age = -2;
  int64_t max_bytes = -2;
};

Limits StreamLimits(const NatsCluster& nats) {
  cluster::nats::ClientOptions opts;
  opts.servers = nats.urls();
  opts.name = "tidings-ops-test";
  absl::StatusOr<std::unique_ptr<cluster::nats::NatsClient>> client =
      cluster::nats::NatsClient::Connect(opts);
  EXPECT_TRUE(client.ok()) << client.status();
  Limits out;
  if (!client.ok()) return out;
  jsOptions o = (*client)->RequestOptions();
  // The stream may be electing a leader (a node's leader placement steps it
  // down at start): retry a few times.
  natsStatus s = NATS_OK;
  for (int attempt = 0; attempt < 20; ++attempt) {
    jsStreamInfo* raw = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    s = js_GetStreamInfo(&raw, (*client)->js(), "TIDINGS", &o, &code);
    cluster::nats::StreamInfoPtr info(raw);
    if (s == NATS_OK && info != nullptr) {
      out.max_age = info->Config->MaxAge;
      out.max_bytes = info->Config->MaxBytes;
      return out;
    }
    const absl::Status error = cluster::nats::NatsError(s, code, "stream info");
    if (!cluster::nats::IsTransient(error)) break;
    std::printf("[ retry    ] %s\n", error.ToString().c_str());
    absl::SleepFor(absl::Milliseconds(250));
  }
  ADD_FAILURE() << cluster::nats::NatsError(s, 0, "read TIDINGS' limits");
  return out;
}

// Whether every server's replica answers a direct get of record 1 (what a
// replica reads by while its consumer is lost, cluster/README.md "Consumer
// loss"): a stream update must leave them on. A replica may take seconds
// to answer after an update when the machine is loaded (5 s were once not
// enough in a full ctest run), so it gets 15 s, and a slow one is printed.
bool EveryServerAnswersDirectGets(const NatsCluster& nats) {
  for (const std::string& url : nats.urls()) {
    cluster::nats::ClientOptions opts;
    opts.servers = {url};
    opts.name = "tidings-ops-test";
    opts.connect_timeout =
        absl::Seconds(5);  // A loaded server, not a hung one.
    absl::StatusOr<std::unique_ptr<cluster::nats::NatsClient>> client =
        cluster::nats::NatsClient::Connect(opts);
    if (!client.ok()) {
      ADD_FAILURE() << url << ": " << client.status();
      return false;
    }
    absl::StatusOr<cluster::nats::MsgPtr> msg;
    const absl::Time start = absl::Now();
    for (int i = 0; i < 150 && absl::Now() - start < absl::Seconds(15); ++i) {
      msg = cluster::nats::DirectGetFrom(**client, "TIDINGS", "tidings.log", 1,
                                         absl::Milliseconds(200));
      if (msg.ok()) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    if (!msg.ok()) {
      ADD_FAILURE() << url << ": " << msg.status();
      return false;
    }
    if (absl::Now() - start > absl::Seconds(2)) {
      std::printf("[ figures  ] %s answered a direct get after %s\n",
                  url.c_str(),
                  absl::FormatDuration(absl::Now() - start).c_str());
    }
  }
  return true;
}

std::vector<std::string> ClusterArgs(const NatsCluster& nats,
                                     std::vector<std::string> more) {
  std::vector<std::string> args = {"--cluster",
                                   absl::StrJoin(nats.urls(), ",")};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST(ServeClusterRetentionTest, TheFlagsSetTheStreamsLimits) {
  TIDINGS_REQUIRE_NATS_SERVER();
  absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
      NatsCluster::Start("ops_limits");
  ASSERT_TRUE(nats.ok()) << nats.status();
  {
    // A replica trimming behind its newest signal, by 200 h (>= 7 days).
    ServeProcess a(
        "127.0.0.1:0", "ops_limits_a",
        ClusterArgs(**nats, {"--retention", "200h", "--cluster-max-age", "240h",
                             "--cluster-max-bytes", "64MiB"}));
    ASSERT_FALSE(a.address().empty()) << a.log();
    const Limits limits = StreamLimits(**nats);
    EXPECT_EQ(limits.max_age, absl::ToInt64Nanoseconds(absl::Hours(240)));
    EXPECT_EQ(limits.max_bytes, int64_t{64} << 20);
    ASSERT_FALSE(
        AllSeqs(Ingest(*StubFor(a.address()), {MakeArticle("l1", 1)})).empty());
    EXPECT_TRUE(EveryServerAnswersDirectGets(**nats));
    EXPECT_EQ(a.Stop(), 0);
  }
  {
    // A node without the flags leaves the stream's limits as they are.
    ServeProcess b("127.0.0.1:0", "ops_limits_b",
                   ClusterArgs(**nats, {"--retention", "0s"}));
    ASSERT_FALSE(b.address().empty()) << b.log();
    const Limits limits = StreamLimits(**nats);
    EXPECT_EQ(limits.max_age, absl::ToInt64Nanoseconds(absl::Hours(240)));
    EXPECT_EQ(limits.max_bytes, int64_t{64} << 20);
    EXPECT_EQ(b.log().find("changed the cluster log's retention"),
              std::string::npos)
        << b.log();
    EXPECT_EQ(b.Stop(), 0);
  }
  {
    // Zero lifts a limit, and the node says that it changed the limits.
    ServeProcess c(
        "127.0.0.1:0", "ops_limits_c",
        ClusterArgs(**nats, {"--retention", "0s", "--cluster-max-age", "0s",
                             "--cluster-max-bytes", "0"}));
    ASSERT_FALSE(c.address().empty()) << c.log();
    const Limits limits = StreamLimits(**nats);
    EXPECT_EQ(limits.max_age, 0);
    EXPECT_EQ(limits.max_bytes, -1);
    EXPECT_NE(c.log().find("changed the cluster log's retention"),
              std::string::npos)
        << c.log();
    EXPECT_NE(c.log().find("max age 240h"), std::string::npos) << c.log();
    EXPECT_TRUE(EveryServerAnswersDirectGets(**nats));
  }
}

TEST(ServeClusterRetentionTest, RefusesLimitsThatCouldMakeReplicasDiffer) {
  TIDINGS_REQUIRE_NATS_SERVER();
  absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
      NatsCluster::Start("ops_refuse");
  ASSERT_TRUE(nats.ok()) << nats.status();
  // A replica trimming inside the novelty windows.
  ServeProcess short_retention("127.0.0.1:0", "ops_refuse_a",
                               ClusterArgs(**nats, {"--retention", "72h"}));
  EXPECT_TRUE(short_retention.address().empty());
  EXPECT_NE(short_retention.exit_code(), 0);
  EXPECT_NE(short_retention.log().find("--retention must be at least 168h"),
            std::string::npos)
      << short_retention.log();
  // A log that would forget records inside its own dedup window.
  ServeProcess short_log(
      "127.0.0.1:0", "ops_refuse_b",
      ClusterArgs(**nats, {"--retention", "0s", "--cluster-max-age", "1m"}));
  EXPECT_TRUE(short_log.address().empty());
  EXPECT_NE(short_log.exit_code(), 0);
  EXPECT_NE(short_log.log().find("duplicate window"), std::string::npos)
      << short_log.log();
}

// An ingest whose record the log never acknowledges (every NATS server
// stopped with SIGSTOP: the connections stay open, nothing answers) would
// hold a graceful stop until its publish timed out (20 s). With a grace of
// 2 s the call ends UNAVAILABLE, "outcome unknown", before the grace is
// over, and the process exits soon after.
TEST(ServeClusterShutdownTest, AnIngestStuckInTheLogEndsWithinTheGrace) {
  TIDINGS_REQUIRE_NATS_SERVER();
  absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
      NatsCluster::Start("ops_grace");
  ASSERT_TRUE(nats.ok()) << nats.status();
  ServeProcess node(
      "127.0.0.1:0", "ops_grace",
      ClusterArgs(**nats, {"--retention", "0s", "--shutdown-grace", "2s"}));
  ASSERT_FALSE(node.address().empty()) << node.log();
  auto stub = StubFor(node.address());
  ASSERT_FALSE(AllSeqs(Ingest(*stub, {MakeArticle("g1", 1)})).empty());

  for (int i = 0; i < (*nats)->size(); ++i) ::kill((*nats)->pid(i), SIGSTOP);
  grpc::Status status;
  absl::Time answered;
  std::thread call([&] {
    v1::IngestRequest request;
    *request.add_articles() = MakeArticle("g2", 2);
    v1::IngestResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    status = stub->Ingest(&context, request, &response);
    answered = absl::Now();
  });
  absl::SleepFor(absl::Seconds(1));  // The call waits for the log now.
  const absl::Time stop = absl::Now();
  const int exit_code = node.Stop();  // SIGTERM, then waits for the exit.
  const absl::Time exited = absl::Now();
  call.join();
  for (int i = 0; i < (*nats)->size(); ++i) ::kill((*nats)->pid(i), SIGCONT);

  const std::string log = node.ReadLog();
  EXPECT_EQ(exit_code, 0) << log;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_NE(status.error_message().find("outcome unknown"), std::string::npos)
      << status.error_message();
  EXPECT_LE(answered - stop, absl::Seconds(2)) << log;
  // After the grace the replica stops (its reader may be inside a NATS
  // request: up to the client's 5 s request timeout) and the log closes (up
  // to its ack wait + 2 s, 3 s, for publishes in flight).
  EXPECT_LE(exited - stop, absl::Seconds(2 + 5 + 3 + 1)) << log;
  std::printf("[ figures  ] grace 2s: call answered after %s, exit after %s\n",
              absl::FormatDuration(answered - stop).c_str(),
              absl::FormatDuration(exited - stop).c_str());
}

}  // namespace
}  // namespace tidings
