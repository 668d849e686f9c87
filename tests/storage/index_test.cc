// Copyright 2026 The Tidings Authors.
//
// Tests of the secondary indexes of storage/signal_store.h (ListIndexed,
// ReadSeqs, the indexes of a store written before they existed) on a real
// RocksDB in a per-test temporary directory.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/signal_store.h"
#include "tests/storage/raw_db.h"
#include "tests/storage/store_test_util.h"

namespace tidings::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::IsOk;
using testing::MakeArticleWith;
using testing::StatusIs;
using testing::TempDir;
using tidings::v1::EventType;
using tidings::v1::Signal;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);    // 2026-01-01.
const absl::Time kDay1 = absl::FromUnixSeconds(1704067200);  // 2024-01-01.

// An article whose signal has `events`, names `entities`, has `actor` on
// its first event and, unless InfinitePast, was published at `published`.
PendingArticle Article(const std::string& id, std::vector<std::string> entities,
                       std::initializer_list<EventType> events = {},
                       const std::string& actor = "",
                       absl::Time published = absl::InfinitePast()) {
  PendingArticle pending = MakeArticleWith(id, 0, events);
  Signal& signal = pending.signals[0];
  for (const std::string& e : entities) signal.add_entities()->set_id(e);
  if (!actor.empty()) signal.mutable_events(0)->add_actors(actor);
  if (published != absl::InfinitePast()) {
    const int64_t nanos = absl::ToUnixNanos(published);
    signal.mutable_published_at()->set_seconds(nanos / 1000000000);
    signal.mutable_published_at()->set_nanos(nanos % 1000000000);
  }
  return pending;
}

IndexQuery Entities(std::vector<std::string> ids) {
  IndexQuery q;
  q.kind = IndexQuery::Kind::kEntities;
  q.entities = std::move(ids);
  return q;
}

IndexQuery Types(std::vector<EventType> types) {
  IndexQuery q;
  q.kind = IndexQuery::Kind::kEventTypes;
  q.event_types = std::move(types);
  return q;
}

IndexQuery Published(absl::Time since, absl::Time until,
                     IndexQuery::Kind kind = IndexQuery::Kind::kPublishedAt) {
  IndexQuery q;
  q.kind = kind;
  q.since = since;
  q.until = until;
  return q;
}

IndexQuery Received(absl::Time since, absl::Time until) {
  return Published(since, until, IndexQuery::Kind::kReceivedAt);
}

class IndexTest : public ::testing::Test {
 protected:
  IndexTest() {
    options_.path = dir_.Sub("db");
    options_.sync = false;
  }

  void Open() {
    absl::StatusOr<std::unique_ptr<SignalStore>> store =
        SignalStore::Open(options_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  // Seqs 1..6:
  //   1  entity country:US; TARIFF with actor country:CN
  //   2  entity country:U (a prefix of another id); GOLD_PRICE_MOVE
  //   3  received day 2
  //   4  entity country:US; published day 2
  //   5  SANCTIONS with actor country:US; published day 1
  //   6  published day 3 + 1.5 us; received day 1
  void Fill() {
    ASSERT_NO_FATAL_FAILURE(Open());
    std::vector<PendingArticle> batch;
    batch.push_back(Article("a", {"country:US"}, {v1::TARIFF}, "country:CN"));
    batch.push_back(Article("b", {"country:U"}, {v1::GOLD_PRICE_MOVE}));
    batch.push_back(Article("c", {}));
    batch.push_back(
        Article("d", {"country:US"}, {}, "", kDay1 + absl::Hours(24)));
    batch.push_back(Article("e", {}, {v1::SANCTIONS}, "country:US", kDay1));
    batch.push_back(Article("f", {}, {}, "",
                            kDay1 + absl::Hours(48) + absl::Nanoseconds(1500)));
    batch[2].signals[0].mutable_received_at()->set_seconds(
        absl::ToUnixSeconds(kDay1 + absl::Hours(24)));
    batch[5].signals[0].mutable_received_at()->set_seconds(
        absl::ToUnixSeconds(kDay1));
    ASSERT_THAT(store_->Append(std::move(batch), kT0), IsOk());
    ASSERT_EQ(store_->head_seq(), 6u);
  }

  std::vector<uint64_t> List(const IndexQuery& q, uint64_t after = 0,
                             size_t max = 100, uint64_t* through = nullptr) {
    absl::StatusOr<IndexedSeqs> listed = store_->ListIndexed(q, after, max);
    EXPECT_THAT(listed, IsOk());
    if (!listed.ok()) return {};
    if (through != nullptr) *through = listed->through;
    return listed->seqs;
  }

  TempDir dir_;
  StoreOptions options_;
  std::unique_ptr<SignalStore> store_;
};

TEST_F(IndexTest, EntitiesAreListedWithTheActorsOfEvents) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  EXPECT_THAT(List(Entities({"country:US"})), ElementsAre(1, 4, 5));
  EXPECT_THAT(List(Entities({"country:U"})), ElementsAre(2));
  EXPECT_THAT(List(Entities({"country:CN"})), ElementsAre(1));
  EXPECT_THAT(List(Entities({"country:US", "country:CN"})),
              ElementsAre(1, 4, 5));
  EXPECT_THAT(List(Entities({"country:FR"})), IsEmpty());
  EXPECT_THAT(List(Entities({"country:US"}), 1), ElementsAre(4, 5));
  EXPECT_THAT(List(Entities({"country:US"}), 6), IsEmpty());
}

TEST_F(IndexTest, EventTypesAnyOf) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  EXPECT_THAT(List(Types({v1::TARIFF, v1::GOLD_PRICE_MOVE})),
              ElementsAre(1, 2));
  EXPECT_THAT(List(Types({v1::SANCTIONS})), ElementsAre(5));
  EXPECT_THAT(List(Types({v1::GEOPOLITICAL_TENSION})), IsEmpty());
}

TEST_F(IndexTest, ThroughSaysHowFarAListingIsComplete) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  uint64_t through = 0;
  EXPECT_THAT(List(Entities({"country:US"}), 0, 2, &through),
              ElementsAre(1, 4));
  EXPECT_EQ(through, 4u);
  EXPECT_THAT(List(Entities({"country:US"}), 4, 2, &through), ElementsAre(5));
  EXPECT_EQ(through, 6u);  // Complete: the head.
  // Two terms, one of them cut at its first seq: nothing beyond it is
  // listed, since the cut term may have more there.
  EXPECT_THAT(List(Entities({"country:US", "country:U"}), 0, 1, &through),
              ElementsAre(1));
  EXPECT_EQ(through, 1u);
  // Then 2 (U, complete) and 4 (US, cut there): at most one is returned.
  EXPECT_THAT(List(Entities({"country:US", "country:U"}), 1, 1, &through),
              ElementsAre(2));
  EXPECT_EQ(through, 2u);
  EXPECT_THAT(List(Entities({"country:US", "country:U"}), 2, 1, &through),
              ElementsAre(4));
  EXPECT_EQ(through, 4u);
}

TEST_F(IndexTest, PublishedWindowListsTheSmallestSeqsFirst) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  const absl::Time day2 = kDay1 + absl::Hours(24);
  const absl::Time day3 = kDay1 + absl::Hours(48);
  uint64_t through = 0;
  EXPECT_THAT(List(Published(kDay1, day3), 0, 100, &through),
              ElementsAre(4, 5));
  EXPECT_EQ(through, 6u);
  EXPECT_THAT(List(Published(kDay1, day3), 0, 1, &through), ElementsAre(4));
  EXPECT_EQ(through, 4u);
  EXPECT_THAT(List(Published(kDay1, day3), 4, 1, &through), ElementsAre(5));
  EXPECT_EQ(through, 6u);
  EXPECT_THAT(List(Published(day2, absl::InfiniteFuture())), ElementsAre(4, 6));
  EXPECT_THAT(List(Published(absl::InfinitePast(), day2)), ElementsAre(5));
  EXPECT_THAT(List(Published(day2, day2)), IsEmpty());
  // Whole microseconds: a superset at the edge, never a miss.
  const absl::Time f = day3 + absl::Nanoseconds(1500);
  EXPECT_THAT(List(Published(f, f + absl::Nanoseconds(1))), ElementsAre(6));
  EXPECT_THAT(List(Published(f - absl::Nanoseconds(1), f)), ElementsAre(6));
}

TEST_F(IndexTest, ReceivedWindowHasItsOwnIndex) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  const absl::Time day2 = kDay1 + absl::Hours(24);
  EXPECT_THAT(List(Received(absl::InfinitePast(), absl::InfiniteFuture())),
              ElementsAre(3, 6));
  EXPECT_THAT(List(Received(kDay1, day2)), ElementsAre(6));
  EXPECT_THAT(List(Received(day2, absl::InfiniteFuture())), ElementsAre(3));
  uint64_t through = 0;
  EXPECT_THAT(List(Received(kDay1, absl::InfiniteFuture()), 0, 1, &through),
              ElementsAre(3));
  EXPECT_EQ(through, 3u);
}

TEST_F(IndexTest, ReadSeqsVisitsInOrderAndStopsWhenAsked) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  std::vector<std::string> ids;
  EXPECT_THAT(store_->ReadSeqs({2, 4, 6},
                               [&](Signal& s) {
                                 ids.push_back(s.article_id());
                                 return true;
                               }),
              IsOk());
  EXPECT_THAT(ids, ElementsAre("b", "d", "f"));
  ids.clear();
  EXPECT_THAT(store_->ReadSeqs({1, 2, 3},
                               [&](Signal& s) {
                                 ids.push_back(s.article_id());
                                 return ids.size() < 2;
                               }),
              IsOk());
  EXPECT_THAT(ids, ElementsAre("a", "b"));
  EXPECT_THAT(store_->ReadSeqs({5, 7}, [](Signal&) { return true; }),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(IndexTest, RefusesWhatCannotBeIndexed) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  EXPECT_THAT(store_->ListIndexed(Entities({}), 0, 10),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->ListIndexed(Types({static_cast<EventType>(300)}), 0, 10),
              StatusIs(absl::StatusCode::kInvalidArgument));
  const std::string long_id(kMaxIndexedEntityId + 1, 'x');
  EXPECT_THAT(store_->ListIndexed(Entities({long_id}), 0, 10),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->ListIndexed(Entities({"country:US"}), 0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<PendingArticle> batch;
  batch.push_back(Article("long", {long_id}));
  absl::StatusOr<std::vector<AppendResult>> appended =
      store_->Append(std::move(batch), kT0);
  ASSERT_THAT(appended, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(appended.status().message()),
              HasSubstr("at most 1024 can be indexed"));
  EXPECT_EQ(store_->head_seq(), 6u);
}

// Empties the entity and time indexes and removes their marker, as in a
// store written before they existed; or, with `old_marker`, sets the marker
// of a store that had all but the received-time index.
void ForgetIndexes(const std::string& path, const char* old_marker = nullptr) {
  std::unique_ptr<testing::RawDb> raw = testing::RawDb::Open(path);
  ASSERT_NE(raw, nullptr);
  rocksdb::DB& db = raw->db();
  ASSERT_TRUE(
      (old_marker == nullptr
           ? db.Delete(rocksdb::WriteOptions(), raw->cf("default"), "indexes")
           : db.Put(rocksdb::WriteOptions(), raw->cf("default"), "indexes",
                    old_marker))
          .ok());
  int forgotten = 0;
  for (const char* name :
       {"entity_index", "published_index", "received_index"}) {
    std::unique_ptr<rocksdb::Iterator> it(
        db.NewIterator(rocksdb::ReadOptions(), raw->cf(name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ASSERT_TRUE(
          db.Delete(rocksdb::WriteOptions(), raw->cf(name), it->key()).ok());
      ++forgotten;
    }
  }
  // Entities: 1 US and CN, 2 U, 4 US, 5 US; published: 4, 5, 6; received:
  // 3, 6.
  EXPECT_EQ(forgotten, 5 + 3 + 2);
}

TEST_F(IndexTest, AStoreWithoutTheIndexesGetsThemOnOpen) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(ForgetIndexes(options_.path));
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  options_.on_index_progress = [&](uint64_t done, uint64_t head) {
    progress.emplace_back(done, head);
  };
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_THAT(progress, ElementsAre(std::make_pair(uint64_t{6}, uint64_t{6})));
  EXPECT_THAT(List(Entities({"country:US"})), ElementsAre(1, 4, 5));
  EXPECT_THAT(List(Published(kDay1, absl::InfiniteFuture())),
              ElementsAre(4, 5, 6));
  EXPECT_THAT(List(Received(kDay1, absl::InfiniteFuture())), ElementsAre(3, 6));
  // Built once: the next open finds the marker.
  store_.reset();
  progress.clear();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_THAT(progress, IsEmpty());
}

TEST_F(IndexTest, AStoreFromBeforeTheReceivedIndexGetsIt) {
  ASSERT_NO_FATAL_FAILURE(Fill());
  store_.reset();
  ASSERT_NO_FATAL_FAILURE(ForgetIndexes(options_.path, "entity,published"));
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_THAT(List(Received(kDay1, absl::InfiniteFuture())), ElementsAre(3, 6));
  EXPECT_THAT(List(Entities({"country:US"})), ElementsAre(1, 4, 5));
}

}  // namespace
}  // namespace tidings::storage
