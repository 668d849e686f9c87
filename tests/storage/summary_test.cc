// Copyright 2026 The Tidings Authors.
//
// Tests of the per-signal summaries (storage/signal_summary.h): encoding,
// ScanSummaries() against the signals, trims, and the back-fill of a store
// written before summaries existed.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/signal_store.h"
#include "storage/signal_summary.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::IsOk;
using testing::MakeArticle;
using testing::StatusIs;
using testing::StoreDirTest;
using tidings::v1::Signal;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.

// Article `i`: varied source, entities, events, times and sentiment.
PendingArticle Varied(int i) {
  PendingArticle pending = MakeArticle("a" + std::to_string(i), 1);
  Signal& s = pending.signals[0];
  s.set_source(i % 3 == 0 ? "reuters" : "bloomberg");
  s.add_entities()->set_id(i % 2 == 0 ? "country:US" : "country:CN");
  if (i % 4 == 1) {
    v1::Event* e = s.add_events();
    e->set_type(v1::TARIFF);
    e->set_direction(v1::THREATENED);
    e->set_relevance(0.1 * (i % 10));
    e->add_actors("person:trump");
  }
  if (i % 5 != 0) {
    s.mutable_published_at()->set_seconds(1700000000 + i * 3600);
    s.mutable_published_at()->set_nanos(i * 1001);
  }
  if (i % 7 == 0) s.mutable_received_at()->set_seconds(-86400 * i);
  s.mutable_sentiment()->set_score(-1 + 0.13 * (i % 16));
  return pending;
}

TEST(SignalSummaryTest, EncodesAndDecodesEveryField) {
  for (int i = 0; i < 40; ++i) {
    Signal signal = Varied(i).signals[0];
    signal.set_seq(100 + i);
    signal.mutable_ingested_at()->set_seconds(1767225600 + i);
    signal.set_duplicate_of_seq(i % 6 == 0 ? 0 : 99 - i);
    const SignalSummary summary = SummarizeSignal(signal);
    SignalSummary decoded;
    ASSERT_TRUE(DecodeSummary(EncodeSummary(summary), summary.seq, &decoded));
    EXPECT_TRUE(decoded == summary) << i;
  }
}

TEST(SignalSummaryTest, EntitiesIncludeActorsSortedAndUnique) {
  Signal signal;
  signal.add_entities()->set_id("country:US");
  signal.add_entities()->set_id("country:CN");
  v1::Event* e = signal.add_events();
  e->add_actors("country:US");
  e->add_actors("bloc:EU");
  EXPECT_THAT(SummarizeSignal(signal).entities,
              ElementsAre("bloc:EU", "country:CN", "country:US"));
}

TEST(SignalSummaryTest, MalformedBytesAreRefused) {
  Signal signal = Varied(1).signals[0];
  const std::string bytes = EncodeSummary(SummarizeSignal(signal));
  SignalSummary out;
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeSummary(bytes.substr(0, n), 1, &out)) << n;
  }
  EXPECT_FALSE(DecodeSummary(bytes + "x", 1, &out));
  std::string other_version = bytes;
  other_version[0] = 3;
  EXPECT_FALSE(DecodeSummary(other_version, 1, &out));
}

// Version 1 (before rescoring) is still read: an original of no recorded
// version. Version 2 keeps the revision and the scorer version.
TEST(SignalSummaryTest, ReadsVersionOneAndKeepsTheRevision) {
  Signal signal = Varied(1).signals[0];
  signal.set_scorer_version("v-test");
  signal.set_rescore_of_seq(7);
  signal.set_doc_index(0);
  signal.set_article_id("a1");
  SignalSummary summary = SummarizeSignal(signal);
  EXPECT_EQ(summary.rescore_of_seq, 7u);
  EXPECT_EQ(summary.scorer_version, "v-test");
  const std::string bytes = EncodeSummary(summary);
  SignalSummary out;
  ASSERT_TRUE(DecodeSummary(bytes, signal.seq(), &out));
  EXPECT_EQ(out, summary);
  // The same bytes in version 1: without the trailing fields (the varint
  // 7, the length 6 and "v-test", the doc_index 0, the length 2 and "a1").
  std::string v1 = bytes.substr(0, bytes.size() - 12);
  v1[0] = 1;
  ASSERT_TRUE(DecodeSummary(v1, signal.seq(), &out));
  EXPECT_EQ(out.rescore_of_seq, 0u);
  EXPECT_EQ(out.scorer_version, "");
  EXPECT_EQ(out.article_id, "");
  EXPECT_EQ(out.events, summary.events);
  EXPECT_EQ(out.entities, summary.entities);
}

class SummaryStoreTest : public StoreDirTest {
 protected:
  void Fill(int n, int per_batch) {
    for (int i = 0; i < n; i += per_batch) {
      std::vector<PendingArticle> batch;
      for (int k = i; k < i + per_batch && k < n; ++k) {
        batch.push_back(Varied(k));
      }
      ASSERT_THAT(store_->Append(std::move(batch), kT0 + absl::Hours(i)),
                  IsOk());
    }
  }
  std::vector<SignalSummary> Summaries(uint64_t after = 0) {
    std::vector<SignalSummary> out;
    EXPECT_THAT(store_->ScanSummaries(after, 0,
                                      [&](const SignalSummary& s) {
                                        out.push_back(s);
                                        return true;
                                      }),
                IsOk());
    return out;
  }
  std::vector<SignalSummary> FromSignals(uint64_t after = 0) {
    std::vector<SignalSummary> out;
    EXPECT_THAT(store_->Scan(after, 0,
                             [&](Signal& s) {
                               out.push_back(SummarizeSignal(s));
                               return true;
                             }),
                IsOk());
    return out;
  }

  std::unique_ptr<SignalStore> store_ = Open(options_.path);
};

TEST_F(SummaryStoreTest, ScanSummariesAgreesWithTheSignals) {
  ASSERT_NO_FATAL_FAILURE(Fill(50, 7));
  const std::vector<SignalSummary> summaries = Summaries();
  ASSERT_EQ(summaries.size(), 50u);
  EXPECT_TRUE(summaries == FromSignals());
  EXPECT_EQ(Summaries(45).size(), 5u);
  int visited = 0;
  EXPECT_THAT(store_->ScanSummaries(10, 3,
                                    [&](const SignalSummary& s) {
                                      EXPECT_EQ(s.seq, 11u + visited);
                                      ++visited;
                                      return true;
                                    }),
              IsOk());
  EXPECT_EQ(visited, 3);
}

TEST_F(SummaryStoreTest, ATrimDeletesTheSummaries) {
  ASSERT_NO_FATAL_FAILURE(Fill(30, 5));
  ASSERT_THAT(store_->TrimBefore(kT0 + absl::Hours(10)), IsOk());
  ASSERT_EQ(store_->first_seq(), 11u);
  EXPECT_THAT(
      store_->ScanSummaries(0, 0, [](const SignalSummary&) { return true; }),
      StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_TRUE(Summaries(10) == FromSignals(10));
  store_.reset();
  std::unique_ptr<testing::RawDb> raw = testing::RawDb::Open(options_.path);
  ASSERT_NE(raw, nullptr);
  std::unique_ptr<rocksdb::Iterator> it(
      raw->db().NewIterator(rocksdb::ReadOptions(), raw->cf("summaries")));
  int left = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++left;
  EXPECT_EQ(left, 20);
}

TEST_F(SummaryStoreTest, AStoreWithoutSummariesGetsThemOnOpen) {
  ASSERT_NO_FATAL_FAILURE(Fill(40, 8));
  const std::vector<SignalSummary> before = FromSignals();
  store_.reset();
  {
    // As a store of the previous release: no summaries, the older marker.
    std::unique_ptr<testing::RawDb> raw = testing::RawDb::Open(options_.path);
    ASSERT_NE(raw, nullptr);
    ASSERT_TRUE(raw->db()
                    .Put(rocksdb::WriteOptions(), raw->cf("default"), "indexes",
                         "entity,published,received")
                    .ok());
    ASSERT_TRUE(raw->db()
                    .DeleteRange(rocksdb::WriteOptions(), raw->cf("summaries"),
                                 std::string(8, '\0'), std::string(8, '\xff'))
                    .ok());
  }
  store_ = Open(options_.path);
  ASSERT_NE(store_, nullptr);
  const std::vector<SignalSummary> after = Summaries();
  ASSERT_EQ(after.size(), 40u);
  EXPECT_TRUE(after == before);
}

}  // namespace
}  // namespace tidings::storage
