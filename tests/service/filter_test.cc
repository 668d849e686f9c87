// Copyright 2026 The Tidings Authors.
//
// Tests of service/internal/filter.h: the Filter semantics shared by
// Subscribe and Query, and the chunked log reader, on hand-built signals
// (independent of scoring).

#include "service/internal/filter.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/scorer.h"
#include "service/convert.h"
#include "service/internal/log_reader.h"
#include "service/internal/validation.h"
#include "tests/service/fake_signal_store.h"

namespace tidings::service::internal {
namespace {

using ::testing::HasSubstr;
using tidings::testing::FakeSignalStore;

v1::Signal MakeSignal(uint64_t seq) {
  v1::Signal s;
  s.set_seq(seq);
  s.set_source("wire");
  return s;
}

void AddEvent(v1::Signal* s, v1::EventType type, double relevance,
              const std::string& actor = "") {
  v1::Event* e = s->add_events();
  e->set_type(type);
  e->set_relevance(relevance);
  if (!actor.empty()) e->add_actors(actor);
}

SignalFilter MustCreate(const v1::Filter& f, TimeWindows w = {}) {
  absl::StatusOr<SignalFilter> filter = SignalFilter::Create(f, w);
  EXPECT_TRUE(filter.ok()) << filter.status();
  return *filter;
}

bool Matches(const SignalFilter& f, v1::Signal s) {
  return f.PreMatch(s) && f.Apply(&s);
}

TEST(SignalFilterTest, EmptyFilterPassesAllButDuplicates) {
  SignalFilter f = MustCreate(v1::Filter());
  EXPECT_TRUE(Matches(f, MakeSignal(1)));
  v1::Signal dup = MakeSignal(2);
  dup.set_duplicate_of_seq(1);
  EXPECT_FALSE(Matches(f, dup));
  v1::Filter with_dups;
  with_dups.set_include_duplicates(true);
  EXPECT_TRUE(Matches(MustCreate(with_dups), dup));
}

TEST(SignalFilterTest, WeakEventsAreDroppedAndDoNotMatch) {
  v1::Filter gold;
  gold.add_event_types(v1::GOLD_PRICE_MOVE);
  SignalFilter f = MustCreate(gold);
  EXPECT_DOUBLE_EQ(f.min_relevance(), scoring::kDefaultMinRelevance);

  v1::Signal weak = MakeSignal(1);
  AddEvent(&weak, v1::GOLD_PRICE_MOVE, scoring::kDefaultMinRelevance / 2);
  AddEvent(&weak, v1::TARIFF, 0.9);
  EXPECT_FALSE(Matches(f, weak));

  v1::Signal strong = MakeSignal(2);
  AddEvent(&strong, v1::GOLD_PRICE_MOVE, 0.8);
  AddEvent(&strong, v1::SANCTIONS, 0.1);
  ASSERT_TRUE(f.PreMatch(strong));
  ASSERT_TRUE(f.Apply(&strong));
  ASSERT_EQ(strong.events_size(), 1);  // The weak SANCTIONS event is gone.
  EXPECT_EQ(strong.events(0).type(), v1::GOLD_PRICE_MOVE);

  // An explicit minimum replaces the default.
  gold.set_min_relevance(0.05);
  EXPECT_TRUE(Matches(MustCreate(gold), weak));
}

TEST(SignalFilterTest, ListsAreAndedAndEachIsAnyOf) {
  v1::Filter filter;
  filter.add_event_types(v1::TARIFF);
  filter.add_event_types(v1::SANCTIONS);
  filter.add_entities("country:US");
  filter.add_sources("wire");
  filter.add_sources("bloomberg");
  SignalFilter f = MustCreate(filter);

  v1::Signal s = MakeSignal(1);
  AddEvent(&s, v1::SANCTIONS, 0.9, "country:US");
  EXPECT_TRUE(Matches(f, s));  // Entity via an actor of a kept event.

  v1::Signal by_entity = MakeSignal(2);
  AddEvent(&by_entity, v1::TARIFF, 0.9);
  by_entity.add_entities()->set_id("country:US");
  EXPECT_TRUE(Matches(f, by_entity));

  v1::Signal other_source = s;
  other_source.set_source("reuters");
  EXPECT_FALSE(Matches(f, other_source));

  v1::Signal no_entity = MakeSignal(3);
  AddEvent(&no_entity, v1::TARIFF, 0.9, "country:CN");
  EXPECT_FALSE(Matches(f, no_entity));

  v1::Signal weak_actor = MakeSignal(4);  // The actor's event is too weak.
  AddEvent(&weak_actor, v1::TARIFF, 0.9);
  AddEvent(&weak_actor, v1::SANCTIONS, 0.1, "country:US");
  EXPECT_FALSE(Matches(f, weak_actor));
}

TEST(SignalFilterTest, RejectsBadFilters) {
  v1::Filter unknown;
  unknown.add_event_types(static_cast<v1::EventType>(42));
  absl::StatusOr<SignalFilter> f = SignalFilter::Create(unknown);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(f.status().message()), HasSubstr("42"));

  v1::Filter unspecified;
  unspecified.add_event_types(v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_FALSE(SignalFilter::Create(unspecified).ok());

  for (double bad : {-0.1, 1.1, std::nan("")}) {
    v1::Filter f2;
    f2.set_min_relevance(bad);
    EXPECT_FALSE(SignalFilter::Create(f2).ok()) << bad;
  }
  v1::Filter empty_entity;
  empty_entity.add_entities("");
  EXPECT_FALSE(SignalFilter::Create(empty_entity).ok());
}

TEST(SignalFilterTest, TimeWindow) {
  const absl::Time t = absl::FromUnixSeconds(1000);
  TimeWindows w;
  w.published.since = t;
  w.published.until = t + absl::Seconds(10);
  SignalFilter f = MustCreate(v1::Filter(), w);
  v1::Signal s = MakeSignal(1);
  EXPECT_FALSE(Matches(f, s));  // No published_at: outside any window.
  ToProto(t, s.mutable_published_at());
  EXPECT_TRUE(Matches(f, s));  // Since is inclusive.
  ToProto(t + absl::Seconds(10), s.mutable_published_at());
  EXPECT_FALSE(Matches(f, s));  // Until is exclusive.
}

TEST(SignalFilterTest, EveryTimeWindowMustHold) {
  const absl::Time t = absl::FromUnixSeconds(1000);
  TimeWindows w;
  w.published.since = t;  // Published at or after t ...
  w.received.until = t;   // ... and received before t.
  w.ingested.until = t + absl::Hours(1);
  SignalFilter f = MustCreate(v1::Filter(), w);
  v1::Signal s = MakeSignal(1);
  ToProto(t, s.mutable_published_at());
  ToProto(t, s.mutable_ingested_at());
  EXPECT_FALSE(Matches(f, s));  // No received_at.
  ToProto(t - absl::Seconds(1), s.mutable_received_at());
  EXPECT_TRUE(Matches(f, s));
  ToProto(t + absl::Hours(1), s.mutable_ingested_at());
  EXPECT_FALSE(Matches(f, s));  // Ingested too late.
  ToProto(t, s.mutable_ingested_at());
  ToProto(t, s.mutable_received_at());
  EXPECT_FALSE(Matches(f, s));  // Received too late.
}

TEST(SignalFilterTest, IndexPlanPrefersEntitiesThenPublishedThenReceived) {
  const absl::Time t = absl::FromUnixSeconds(1000);
  TimeWindows received;
  received.received.since = t;
  v1::Filter types;
  types.add_event_types(v1::TARIFF);
  std::optional<storage::IndexQuery> plan =
      MustCreate(types, received).IndexPlan();
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->kind, storage::IndexQuery::Kind::kReceivedAt);
  EXPECT_EQ(plan->since, t);
  EXPECT_EQ(plan->until, absl::InfiniteFuture());

  TimeWindows both = received;
  both.published.until = t;
  plan = MustCreate(types, both).IndexPlan();
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->kind, storage::IndexQuery::Kind::kPublishedAt);

  v1::Filter entity = types;
  entity.add_entities("country:US");
  plan = MustCreate(entity, both).IndexPlan();
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->kind, storage::IndexQuery::Kind::kEntities);

  TimeWindows ingested;  // An ingested window is the caller's seq range.
  ingested.ingested.since = t;
  plan = MustCreate(types, ingested).IndexPlan();
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->kind, storage::IndexQuery::Kind::kEventTypes);
}

v1::QueryRequest QueryWithRange(v1::TimeField field, int64_t since,
                                int64_t until) {
  v1::QueryRequest r;
  v1::TimeRange* range = r.add_time_ranges();
  range->set_field(field);
  range->mutable_since()->set_seconds(since);
  range->mutable_until()->set_seconds(until);
  return r;
}

TEST(QueryTimeWindowsTest, MergesLegacyRangesAndAsOf) {
  v1::QueryRequest r = QueryWithRange(v1::PUBLISHED_AT, 100, 200);
  r.set_time_field(v1::PUBLISHED_AT);
  r.mutable_since()->set_seconds(150);  // Intersects with [100, 200).
  v1::TimeRange* received = r.add_time_ranges();
  received->set_field(v1::RECEIVED_AT);
  received->mutable_until()->set_seconds(500);
  r.mutable_as_of()->set_seconds(1000);
  absl::StatusOr<TimeWindows> w = QueryTimeWindows(r);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->published.since, absl::FromUnixSeconds(150));
  EXPECT_EQ(w->published.until, absl::FromUnixSeconds(200));
  EXPECT_FALSE(w->received.since.has_value());
  EXPECT_EQ(w->received.until, absl::FromUnixSeconds(500));
  // as_of is inclusive: ingested at 1000 s is visible, a nanosecond later
  // is not.
  EXPECT_FALSE(w->ingested.since.has_value());
  EXPECT_TRUE(w->ingested.Contains(absl::FromUnixSeconds(1000)));
  EXPECT_FALSE(
      w->ingested.Contains(absl::FromUnixSeconds(1000) + absl::Nanoseconds(1)));
}

TEST(QueryTimeWindowsTest, RejectsBadRangesNamingThem) {
  v1::QueryRequest inverted = QueryWithRange(v1::RECEIVED_AT, 200, 100);
  absl::StatusOr<TimeWindows> w = QueryTimeWindows(inverted);
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(w.status().message()),
              HasSubstr("time_ranges[0].since"));

  v1::QueryRequest unknown =
      QueryWithRange(static_cast<v1::TimeField>(9), 1, 2);
  w = QueryTimeWindows(unknown);
  EXPECT_THAT(std::string(w.status().message()),
              HasSubstr("time_ranges[0].time_field 9 is unknown"));

  v1::QueryRequest bad_as_of;
  bad_as_of.mutable_as_of()->set_seconds(-1'000'000'000'000);
  w = QueryTimeWindows(bad_as_of);
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("as_of"));

  v1::QueryRequest many;
  for (int i = 0; i <= kMaxTimeRanges; ++i) many.add_time_ranges();
  EXPECT_EQ(QueryTimeWindows(many).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SignalFilterTest, CompactViewDropsTheTextOfAMatch) {
  v1::Signal s = MakeSignal(1);
  s.set_body("Tariffs rose.");
  AddEvent(&s, v1::TARIFF, 0.9, "country:US");
  s.mutable_events(0)->add_evidence()->set_text("Tariffs rose.");
  s.mutable_sentiment()->add_evidence()->set_text("Tariffs rose.");
  v1::Entity* us = s.add_entities();
  us->set_id("country:US");
  us->mutable_sentiment()->add_evidence()->set_text("Tariffs rose.");

  absl::StatusOr<SignalFilter> compact =
      SignalFilter::Create(v1::Filter(), {}, v1::SIGNAL_VIEW_COMPACT);
  ASSERT_TRUE(compact.ok()) << compact.status();
  v1::Signal c = s;
  ASSERT_TRUE(compact->PreMatch(c) && compact->Apply(&c));
  EXPECT_EQ(c.body(), "");
  EXPECT_EQ(c.events(0).evidence_size(), 0);
  EXPECT_EQ(c.events(0).actors(0), "country:US");
  EXPECT_EQ(c.sentiment().evidence_size(), 0);
  EXPECT_EQ(c.entities(0).sentiment().evidence_size(), 0);
  EXPECT_EQ(c.entities(0).id(), "country:US");

  v1::Signal f = s;
  ASSERT_TRUE(MustCreate(v1::Filter()).Apply(&f));
  EXPECT_EQ(f.SerializeAsString(), s.SerializeAsString());

  // A compact view adds nothing that was absent.
  v1::Signal bare = MakeSignal(2);
  ASSERT_TRUE(compact->Apply(&bare));
  EXPECT_FALSE(bare.has_sentiment());

  EXPECT_EQ(
      SignalFilter::Create(v1::Filter(), {}, static_cast<v1::SignalView>(7))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ValidateTimestampTest, Range) {
  google::protobuf::Timestamp ts;
  EXPECT_TRUE(ValidateTimestamp(ts, "t").ok());
  ts.set_seconds(253402300800);  // 10000-01-01.
  EXPECT_FALSE(ValidateTimestamp(ts, "t").ok());
  ts.set_seconds(0);
  ts.set_nanos(1000000000);
  EXPECT_FALSE(ValidateTimestamp(ts, "t").ok());
}

class ReadChunkTest : public ::testing::Test {
 protected:
  // Seqs 1..n; every third has a TARIFF event; seq 5 is a duplicate.
  void Fill(int n) {
    std::vector<storage::PendingArticle> batch;
    for (int i = 1; i <= n; ++i) {
      storage::PendingArticle a;
      a.idempotency_key = "id:" + std::to_string(i);
      v1::Signal s;
      s.set_source("wire");
      if (i % 3 == 0) AddEvent(&s, v1::TARIFF, 0.9);
      a.signals.push_back(s);
      batch.push_back(std::move(a));
    }
    ASSERT_TRUE(store_.Append(std::move(batch), absl::Now()).ok());
  }
  // One chunk of a new cursor.
  Chunk ReadFresh(const SignalFilter& f, uint64_t after, uint64_t end,
                  size_t max_signals, size_t max_bytes, size_t max_visit) {
    IndexCursor cursor;
    return ReadChunk(store_, f, &cursor, after, end, max_signals, max_bytes,
                     max_visit);
  }
  FakeSignalStore store_;
};

constexpr size_t kAnyBytes = size_t{1} << 30;

std::vector<uint64_t> Seqs(const Chunk& c) {
  std::vector<uint64_t> v;
  for (const v1::Signal& s : c.signals) v.push_back(s.seq());
  return v;
}

TEST_F(ReadChunkTest, StopsAtEndRoomAndVisitLimit) {
  ASSERT_NO_FATAL_FAILURE(Fill(10));
  v1::Filter all;
  all.set_include_duplicates(true);
  SignalFilter f = MustCreate(all);

  Chunk c = ReadFresh(f, 0, 10, 100, kAnyBytes, 100);
  EXPECT_EQ(Seqs(c).size(), 10u);
  EXPECT_EQ(c.position, 10u);

  c = ReadFresh(f, 2, 6, 100, kAnyBytes, 100);  // (2, 6]
  EXPECT_EQ(Seqs(c), (std::vector<uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(c.position, 6u);

  c = ReadFresh(f, 0, 10, 3, kAnyBytes, 100);  // Room for three.
  EXPECT_EQ(Seqs(c), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(c.position, 3u);

  c = ReadFresh(f, 0, 10, 100, kAnyBytes, 4);  // Visits four.
  EXPECT_EQ(c.position, 4u);

  c = ReadFresh(f, 10, 10, 100, kAnyBytes, 100);  // Nothing after.
  EXPECT_TRUE(c.signals.empty());
  EXPECT_EQ(c.position, 10u);

  c = ReadFresh(f, 0, 10, 100, 1, 100);  // Byte budget: one signal.
  EXPECT_EQ(Seqs(c), (std::vector<uint64_t>{1}));
  EXPECT_EQ(c.position, 1u);
  ASSERT_EQ(c.sizes.size(), 1u);
  EXPECT_EQ(c.bytes, c.sizes[0]);
}

TEST_F(ReadChunkTest, EventTypeFilterAdvancesToTheEnd) {
  ASSERT_NO_FATAL_FAILURE(Fill(10));
  v1::Filter tariff;
  tariff.add_event_types(v1::TARIFF);
  SignalFilter f = MustCreate(tariff);
  Chunk c = ReadFresh(f, 0, 10, 100, kAnyBytes, 100);
  EXPECT_EQ(Seqs(c), (std::vector<uint64_t>{3, 6, 9}));
  // Seq 10 has no tariff but the scan covered it.
  EXPECT_EQ(c.position, 10u);
  c = ReadFresh(f, 0, 10, 2, kAnyBytes, 100);
  EXPECT_EQ(Seqs(c), (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(c.position, 6u);
}

}  // namespace
}  // namespace tidings::service::internal
