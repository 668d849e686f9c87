// Copyright 2026 The Tidings Authors.
//
// Tests of scoring/internal/recycle.h: a recycled part comes back equal to a
// default-constructed one in every field, with the buffers it had.

#include "scoring/internal/recycle.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace tidings::scoring::internal {
namespace {

std::string Describe(const std::vector<Evidence>& evidence) {
  std::string out;
  for (const Evidence& e : evidence) {
    out += "[" + std::to_string(e.begin) + "," + std::to_string(e.end);
    for (const std::string& t : e.terms) out += " " + t;
    out += "]";
  }
  return out;
}

std::string Describe(const Sentiment& s) {
  return std::to_string(s.score) + " " + std::to_string(s.positive) + " " +
         std::to_string(s.negative) + " " + std::to_string(s.neutral) + " " +
         std::string(Name(s.label)) + Describe(s.evidence);
}

std::string Describe(const Event& e) {
  std::string out =
      std::string(Name(e.type)) + " " + std::to_string(e.relevance) + " " +
      std::string(Name(e.direction)) + " " +
      std::to_string(e.magnitude.has_percent) + " " +
      std::to_string(e.magnitude.percent) + " " +
      std::to_string(e.magnitude.has_price) + " " +
      std::to_string(e.magnitude.price) + " " + e.magnitude.unit + " ";
  for (const std::string& a : e.actors) out += a + ",";
  return out + Describe(e.evidence);
}

std::string Describe(const Entity& e) {
  return e.id + " " + e.name + " " + std::to_string(static_cast<int>(e.kind)) +
         " " + std::to_string(e.mentions) + " " + e.country + " " +
         Describe(e.sentiment);
}

std::string Describe(const ScoredDocument& d) {
  std::string out = std::to_string(d.doc_index) + "|" + d.title + "|" +
                    d.source + "|" + d.text + "|" +
                    std::to_string(d.body_begin) + "|" + Describe(d.sentiment) +
                    "|";
  for (const Event& e : d.events) out += Describe(e) + ";";
  for (const Entity& e : d.entities) out += Describe(e) + ";";
  return out + d.author + "|" +
         std::to_string(static_cast<int>(d.published_origin)) + "|" +
         absl::FormatTime(d.published_at) + "|" +
         std::to_string(d.published_date_only) + "|" +
         std::to_string(d.fingerprint) + "|" +
         std::to_string(d.exact_fingerprint);
}

const std::string kLong = "a string well past the small-string buffer";

Evidence FilledEvidence() { return Evidence{3, 9, {kLong, "short", kLong}}; }

Sentiment FilledSentiment() {
  Sentiment s;
  s.score = -0.5;
  s.positive = 0.1;
  s.negative = 0.6;
  s.neutral = 0.3;
  s.label = SentimentLabel::kNegative;
  s.evidence = {FilledEvidence(), FilledEvidence()};
  return s;
}

Event FilledEvent() {
  Event e;
  e.type = EventType::kSanctions;
  e.relevance = 0.9;
  e.direction = Direction::kLifted;
  e.magnitude = {true, -1.5, true, 2400, kLong};
  e.actors = {"country:US", kLong};
  e.evidence = {FilledEvidence()};
  return e;
}

Entity FilledEntity() {
  Entity e;
  e.id = kLong;
  e.name = kLong;
  e.kind = EntityKind::kPerson;
  e.mentions = 7;
  e.country = kLong;
  e.sentiment = FilledSentiment();
  return e;
}

ScoredDocument FilledDocument() {
  ScoredDocument d;
  d.doc_index = 4;
  d.title = kLong;
  d.source = kLong;
  d.text = kLong + kLong;
  d.body_begin = 12;
  d.sentiment = FilledSentiment();
  d.events = {FilledEvent(), FilledEvent()};
  d.entities = {FilledEntity(), FilledEntity(), FilledEntity()};
  d.author = kLong;
  d.published_origin = TimeOrigin::kPage;
  d.published_at = absl::FromUnixSeconds(1700000000);
  d.published_date_only = true;
  d.fingerprint = 11;
  d.exact_fingerprint = 12;
  return d;
}

TEST(RecycleTest, RecycledPartsAreAsNewAndKeepTheirBuffers) {
  Recycler r;
  std::vector<ScoredDocument> docs = {FilledDocument(), FilledDocument()};
  r.Recycle(&docs);
  EXPECT_TRUE(docs.empty());
  ASSERT_EQ(r.docs.size(), 2u);
  ASSERT_EQ(r.events.size(), 4u);
  ASSERT_EQ(r.entities.size(), 6u);
  // 2 documents x (2 + 2 x 1 + 3 x 2) evidence.
  ASSERT_EQ(r.evidence.size(), 20u);
  // Only the strings on the heap: two of each evidence's three terms and
  // one of each event's two actors ("short" and "country:US" fit in a
  // string's own buffer).
  EXPECT_EQ(r.strings.size(), 20u * 2 + 4u);

  const std::string fresh_doc = Describe(ScoredDocument());
  std::vector<ScoredDocument> out;
  out.reserve(3);
  for (int k = 0; k < 2; ++k) {
    ScoredDocument& d = NewDocument(&out, &r);
    EXPECT_EQ(Describe(d), fresh_doc);
    EXPECT_GE(d.text.capacity(), 2 * kLong.size());
    EXPECT_GE(d.events.capacity(), 2u);
    EXPECT_GE(d.entities.capacity(), 3u);
    EXPECT_GE(d.sentiment.evidence.capacity(), 2u);
  }
  EXPECT_EQ(Describe(NewDocument(&out, &r)), fresh_doc);  // Pool empty: new.
  EXPECT_EQ(out.size(), 3u);

  std::vector<Event> events;
  for (int k = 0; k < 5; ++k) {
    Event& e = NewEvent(&events, &r);
    EXPECT_EQ(Describe(e), Describe(Event()));
  }
  std::vector<Entity> entities;
  for (int k = 0; k < 7; ++k) {
    Entity& e = NewEntity(&entities, &r);
    EXPECT_EQ(Describe(e), Describe(Entity()));
  }
  std::vector<Evidence> evidence;
  for (int k = 0; k < 21; ++k) {
    Evidence& e = NewEvidence(&evidence, &r);
    EXPECT_EQ(Describe({e}), Describe({Evidence()}));
  }
  std::vector<std::string> terms;
  AppendString(&terms, "gold", &r);
  AppendString(&terms, kLong, &r);
  AppendString(&terms, "", nullptr);
  EXPECT_EQ(terms, (std::vector<std::string>{"gold", kLong, ""}));
}

TEST(RecycleTest, RefillReusesPartsInPlaceAndRecyclesTheRest) {
  Recycler r;
  ScoredDocument d = FilledDocument();  // 3 entities, 2 evidence.
  const std::string* first_id = &d.entities[0].id;
  RefillEntities(&d.entities, 2, &r);  // One fewer: to the pool.
  ASSERT_EQ(d.entities.size(), 2u);
  EXPECT_EQ(&d.entities[0].id, first_id);  // In place.
  EXPECT_GE(d.entities[0].id.capacity(), kLong.size());
  for (const Entity& e : d.entities) EXPECT_EQ(Describe(e), Describe(Entity()));
  EXPECT_EQ(r.entities.size(), 1u);
  EXPECT_EQ(r.evidence.size(), 6u);  // The three entities' evidence.
  RefillEvidence(&d.sentiment.evidence, 5, &r);  // Three more: from the pool.
  ASSERT_EQ(d.sentiment.evidence.size(), 5u);
  for (const Evidence& e : d.sentiment.evidence) {
    EXPECT_EQ(Describe({e}), Describe({Evidence()}));
  }
  EXPECT_EQ(r.evidence.size(), 3u);
  std::vector<Entity> plain = {FilledEntity()};
  RefillEntities(&plain, 2, nullptr);  // No recycler: new ones.
  ASSERT_EQ(plain.size(), 2u);
  for (const Entity& e : plain) EXPECT_EQ(Describe(e), Describe(Entity()));
}

TEST(RecycleTest, AReusedDocumentIsAsNewAndTheRestAreRecycled) {
  Recycler r;
  std::vector<ScoredDocument> docs = {FilledDocument(), FilledDocument(),
                                      FilledDocument()};
  ReuseDocument(&docs[0], &r);
  // Its entities and evidence stay for the stages to refill in place.
  EXPECT_EQ(docs[0].entities.size(), 3u);
  EXPECT_EQ(docs[0].sentiment.evidence.size(), 2u);
  EXPECT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.evidence.size(), 2u);  // The events'.
  RefillEntities(&docs[0].entities, 0, &r);
  RefillEvidence(&docs[0].sentiment.evidence, 0, &r);
  EXPECT_EQ(Describe(docs[0]), Describe(ScoredDocument()));
  EXPECT_GE(docs[0].text.capacity(), 2 * kLong.size());
  EXPECT_GE(docs[0].entities.capacity(), 3u);
  EXPECT_GE(docs[0].sentiment.evidence.capacity(), 2u);
  EXPECT_EQ(r.docs.size(), 0u);  // Its parts only.
  EXPECT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.entities.size(), 3u);
  EXPECT_EQ(r.evidence.size(), 10u);

  r.Recycle(&docs, 1);  // The documents after the first.
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(Describe(docs[0]), Describe(ScoredDocument()));
  EXPECT_EQ(r.docs.size(), 2u);
  EXPECT_EQ(r.events.size(), 6u);
  EXPECT_EQ(r.entities.size(), 9u);
  EXPECT_EQ(r.evidence.size(), 30u);
  EXPECT_EQ(Describe(NewDocument(&docs, &r)), Describe(ScoredDocument()));
}

}  // namespace
}  // namespace tidings::scoring::internal
