// Copyright 2026 The Tidings Authors.
//
// Tests of point-in-time queries over gRPC: Article.received_at kept in the
// signal, Query windows on ingested_at, published_at and received_at at once
// (QueryRequest.time_ranges), and as_of. Over the fake store (which scans)
// and RocksDB (which reads the time indexes); every answer is compared with
// a brute-force filter of the whole log.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/convert.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::HasSubstr;

class PointInTimeTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  // 24 articles in 6 batches of 4, one minute apart (ingested t0 + b min);
  // article n is published p0 + n h and, when n % 3 != 0, received
  // p0 + (n + n % 5) h (an archive's receipt time, after publication).
  void StartAndFill() {
    absl::StatusOr<std::unique_ptr<TestServer>> s = TestServer::Start(
        GetParam(), TestOptions(), dir_.path(), fake_, &clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    int n = 0;
    for (int batch = 0; batch < 6; ++batch) {
      std::vector<v1::Article> articles;
      for (int k = 0; k < 4; ++k) {
        ++n;
        v1::Article a = MakeArticle(absl::StrCat("pit-", n), n);
        service::ToProto(p0_ + absl::Hours(n), a.mutable_published_at());
        if (n % 3 != 0) {
          service::ToProto(p0_ + absl::Hours(n + n % 5),
                           a.mutable_received_at());
        }
        articles.push_back(a);
      }
      ASSERT_EQ(AllSeqs(IngestOrDie(server_->stub(), articles)).size(), 4u);
      clock_.Advance(absl::Minutes(1));
    }
    ASSERT_TRUE(RunQuery(server_->stub(), Everything(), &all_).ok());
    ASSERT_EQ(all_.size(), 24u);
  }

  static v1::QueryRequest Everything() {
    v1::QueryRequest req;
    req.mutable_filter()->set_include_duplicates(true);
    return req;
  }

  std::vector<uint64_t> Query(const v1::QueryRequest& req) {
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(server_->stub(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
    return SeqsOf(out);
  }

  grpc::Status QueryStatus(const v1::QueryRequest& req) {
    std::vector<v1::Signal> out;
    return RunQuery(server_->stub(), req, &out);
  }

  const absl::Time t0_ = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0),
                                         absl::UTCTimeZone());
  const absl::Time p0_ = absl::FromCivil(absl::CivilSecond(2019, 3, 1, 0, 0, 0),
                                         absl::UTCTimeZone());
  FakeClock clock_{t0_};
  TempDir dir_;
  std::shared_ptr<FakeStoreData> fake_ = std::make_shared<FakeStoreData>();
  std::unique_ptr<TestServer> server_;
  std::vector<v1::Signal> all_;  // The whole log, as stored.
};

TEST_P(PointInTimeTest, ReceivedAtIsKeptInTheSignal) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  EXPECT_EQ(service::FromProto(all_[0].received_at()), p0_ + absl::Hours(2));
  EXPECT_FALSE(all_[2].has_received_at());  // Article 3 sent none.
  EXPECT_EQ(service::FromProto(all_[0].ingested_at()), t0_);
}

TEST_P(PointInTimeTest, WindowsOnAllThreeTimesMatchABruteForceFilter) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  std::mt19937 rng(20261206);
  std::uniform_int_distribution<int> hour(0, 32), minute(0, 7), coin(0, 2);
  int non_empty = 0;
  for (int round = 0; round < 40; ++round) {
    v1::QueryRequest req = Everything();
    const v1::TimeField fields[] = {v1::INGESTED_AT, v1::PUBLISHED_AT,
                                    v1::RECEIVED_AT};
    for (v1::TimeField field : fields) {
      if (coin(rng) == 0) continue;
      v1::TimeRange* range = req.add_time_ranges();
      range->set_field(field);
      const absl::Time base = field == v1::INGESTED_AT ? t0_ : p0_;
      const absl::Duration unit =
          field == v1::INGESTED_AT ? absl::Minutes(1) : absl::Hours(1);
      const int a = field == v1::INGESTED_AT ? minute(rng) : hour(rng);
      const int b = field == v1::INGESTED_AT ? minute(rng) : hour(rng);
      if (coin(rng) != 0) {
        service::ToProto(base + unit * std::min(a, b), range->mutable_since());
      }
      if (coin(rng) != 0) {
        service::ToProto(base + unit * std::max(a, b), range->mutable_until());
      }
    }
    if (coin(rng) == 0) {
      service::ToProto(t0_ + absl::Minutes(minute(rng)), req.mutable_as_of());
    }
    SCOPED_TRACE(req.ShortDebugString());
    std::vector<uint64_t> expected;
    for (const v1::Signal& s : all_) {
      bool in = true;
      for (const v1::TimeRange& r : req.time_ranges()) {
        const google::protobuf::Timestamp* t =
            r.field() == v1::INGESTED_AT    ? &s.ingested_at()
            : r.field() == v1::PUBLISHED_AT ? &s.published_at()
                                            : &s.received_at();
        const bool bounded = r.has_since() || r.has_until();
        if (bounded && r.field() == v1::RECEIVED_AT && !s.has_received_at()) {
          in = false;
        }
        const absl::Time v = service::FromProto(*t);
        if (r.has_since() && v < service::FromProto(r.since())) in = false;
        if (r.has_until() && v >= service::FromProto(r.until())) in = false;
      }
      if (req.has_as_of() && service::FromProto(s.ingested_at()) >
                                 service::FromProto(req.as_of())) {
        in = false;
      }
      if (in) expected.push_back(s.seq());
    }
    EXPECT_EQ(Query(req), expected);
    req.set_after_seq(5);  // A later page agrees too.
    expected.erase(expected.begin(),
                   std::upper_bound(expected.begin(), expected.end(), 5));
    EXPECT_EQ(Query(req), expected);
    if (!expected.empty()) ++non_empty;
  }
  EXPECT_GT(non_empty, 10) << "the random windows match too little to test";
}

TEST_P(PointInTimeTest, AsOfIsThePrefixOfTheLogAClientSawThen) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = Everything();
  // Batch 2 (seqs 9-12) was stored at t0 + 2 min: as_of is inclusive.
  service::ToProto(t0_ + absl::Minutes(2), req.mutable_as_of());
  EXPECT_EQ(Query(req), Range(1, 12));
  service::ToProto(t0_ + absl::Minutes(2) - absl::Nanoseconds(1),
                   req.mutable_as_of());
  EXPECT_EQ(Query(req), Range(1, 8));
  service::ToProto(t0_ - absl::Seconds(1), req.mutable_as_of());
  EXPECT_EQ(Query(req), std::vector<uint64_t>{});
  // With a published window served by the index: what was known at
  // t0 + 1 min about stories published in hours 3..6.
  req.set_time_field(v1::PUBLISHED_AT);
  service::ToProto(p0_ + absl::Hours(3), req.mutable_since());
  service::ToProto(p0_ + absl::Hours(7), req.mutable_until());
  service::ToProto(t0_ + absl::Minutes(1), req.mutable_as_of());
  EXPECT_EQ(Query(req), Range(3, 6));
  // Stored after as_of: later ingests do not change the answer.
  IngestOrDie(server_->stub(), {MakeArticle("late", 99)});
  EXPECT_EQ(Query(req), Range(3, 6));
}

TEST_P(PointInTimeTest, BadWindowsAreRejectedNamingThem) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = Everything();
  v1::TimeRange* range = req.add_time_ranges();
  range->set_field(v1::RECEIVED_AT);
  service::ToProto(p0_ + absl::Hours(2), range->mutable_since());
  service::ToProto(p0_ + absl::Hours(1), range->mutable_until());
  grpc::Status s = QueryStatus(req);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("time_ranges[0].since"));

  v1::Article bad = MakeArticle("bad-received", 1);
  bad.mutable_received_at()->set_nanos(-1);
  v1::IngestResponse resp = IngestOrDie(server_->stub(), {bad});
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(resp.results(0).error_message(), HasSubstr("received_at"));
}

INSTANTIATE_TEST_SUITE_P(Stores, PointInTimeTest,
                         ::testing::Values(StoreKind::kFake,
                                           StoreKind::kRocksDb),
                         StoreKindName);

}  // namespace
}  // namespace tidings::testing
