// Copyright 2026 The Tidings Authors.
//
// What needs no NATS server: option checks, an unreachable cluster, the
// mapping of cnats errors to absl::Status, and the parsing of publish acks.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cluster/jetstream_log.h"
#include "cluster/nats/async_publisher.h"
#include "cluster/nats/handles.h"
#include "gtest/gtest.h"

namespace tidings::cluster {
namespace {

TEST(JetStreamLogOptionsTest, RefusesTimeoutsThatWouldOutliveTheDedupWindow) {
  JetStreamLogOptions opts;
  opts.client.servers = {"nats://127.0.0.1:1"};
  opts.publish_timeout = absl::Minutes(5);  // Beyond the 2-minute window.
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(opts);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(log.status().message().find("duplicate_window"), std::string::npos)
      << log.status();

  opts.publish_timeout = absl::Seconds(1);
  opts.ack_wait = absl::Seconds(2);  // An attempt longer than the budget.
  EXPECT_EQ(JetStreamLog::Open(opts).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(JetStreamLogOptionsTest, NeedsServers) {
  JetStreamLogOptions opts;
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(opts);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(log.status().message().find("nats://"), std::string::npos)
      << log.status();
}

TEST(JetStreamLogOptionsTest, AnUnreachableClusterIsUnavailableNamingIt) {
  JetStreamLogOptions opts;
  // Port 1 on loopback: nothing listens there. Two URLs in one string, as
  // a --cluster flag would give them.
  opts.client.servers = {"nats://127.0.0.1:1, nats://127.0.0.1:2"};
  opts.client.request_timeout = absl::Seconds(1);
  // Open() waits this long for a server to answer (a node may start before
  // its servers: JetStreamLogTest.OpenWaitsForServersThatStartLater).
  opts.open_timeout = absl::Seconds(1);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(opts);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kUnavailable)
      << log.status();
  EXPECT_NE(
      log.status().message().find("nats://127.0.0.1:1,nats://127.0.0.1:2"),
      std::string::npos)
      << log.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(NatsErrorTest, MapsCnatsFailuresToStatusCodes) {
  using nats::NatsError;
  EXPECT_EQ(NatsError(NATS_TIMEOUT, 0, "", "x").code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(NatsError(NATS_NO_RESPONDERS, 0, "", "x").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(NatsError(NATS_CONNECTION_CLOSED, 0, "", "x").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(NatsError(NATS_ERR, JSStreamWrongLastSequenceErr, "", "x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(NatsError(NATS_ERR, JSStreamNotFoundErr, "", "x").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(NatsError(NATS_ERR, JSClusterNotAvailErr, "", "x").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(NatsError(NATS_MAX_PAYLOAD, 0, "", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NatsError(NATS_ERR, 0, "", "x").code(),
            absl::StatusCode::kInternal);
  // The message names the operation, cnats' text and the JetStream code.
  const absl::Status st = NatsError(NATS_ERR, JSStreamWrongLastSequenceErr,
                                    "wrong last sequence: 4", "publish to X");
  EXPECT_NE(st.message().find("publish to X"), std::string::npos);
  EXPECT_NE(st.message().find("wrong last sequence: 4"), std::string::npos);
  EXPECT_NE(st.message().find(absl::StrCat(JSStreamWrongLastSequenceErr)),
            std::string::npos);
  EXPECT_TRUE(nats::IsTransient(NatsError(NATS_TIMEOUT, 0, "", "x")));
  EXPECT_FALSE(nats::IsTransient(
      NatsError(NATS_ERR, JSStreamWrongLastSequenceErr, "", "x")));
}

// Bodies as nats-server 2.9 writes them (JSPubAckResponse).
TEST(ParsePubAckTest, ReadsAcksAndDuplicates) {
  absl::StatusOr<nats::PubAck> ack =
      nats::ParsePubAck(R"({"stream":"TIDINGS","seq":42})", "publish");
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->seq, 42u);
  EXPECT_FALSE(ack->duplicate);
  ack = nats::ParsePubAck(
      R"({"stream":"T","domain":"hub","seq":9007199254740992,"duplicate":true})",
      "publish");
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->seq, 9007199254740992u);  // 2^53: still exact.
  EXPECT_TRUE(ack->duplicate);
}

TEST(ParsePubAckTest, MapsTheStreamsErrors) {
  absl::StatusOr<nats::PubAck> ack = nats::ParsePubAck(
      R"({"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 7"}})",
      "publish");
  EXPECT_EQ(ack.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(ack.status().message().find("wrong last sequence: 7"),
            std::string::npos)
      << ack.status();
  EXPECT_NE(ack.status().message().find("10071"), std::string::npos);
  ack = nats::ParsePubAck(
      R"({"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable \"x\""}})",
      "publish");
  EXPECT_EQ(ack.status().code(), absl::StatusCode::kUnavailable)
      << ack.status();
  EXPECT_NE(ack.status().message().find("unavailable \"x\""), std::string::npos)
      << ack.status();
}

TEST(ParsePubAckTest, RefusesWhatIsNoAck) {
  for (const char* body :
       {"", "nonsense", "[]", R"({"stream":"T"})", R"({"seq":0})",
        R"({"seq":"7"})", R"({"error":"bad"})"}) {
    absl::StatusOr<nats::PubAck> ack = nats::ParsePubAck(body, "publish");
    EXPECT_EQ(ack.status().code(), absl::StatusCode::kInternal)
        << body << ": " << ack.status();
  }
}

}  // namespace
}  // namespace tidings::cluster
