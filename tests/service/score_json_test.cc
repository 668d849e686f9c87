// Copyright 2026 The Tidings Authors.
//
// The fast JSON paths of `tidings score --jsonl` (service/cli/
// signal_json.h, json_text.h, jsonl_line.h) against the protobuf code they
// stand in for: the typed writer must print what MessageToJsonString prints
// (or refuse), the line parser must read what the Struct path reads (or
// refuse), byte for byte.

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "scoring/scorer.h"
#include "service/cli/json_text.h"
#include "service/cli/jsonl_line.h"
#include "service/cli/signal_json.h"
#include "service/convert.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

using score_json::FastLineParser;
using score_json::LineFields;

// What protobuf prints for `message` with the options of ToJson (format.cc),
// which score.cc falls back to.
std::string ProtobufJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = false;
  std::string out;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

// Signals with the values the writer has to get exactly right.
std::vector<v1::Signal> EdgeSignals() {
  std::vector<v1::Signal> out;
  const double doubles[] = {
      0.0,     -0.0, 0.1,    1.0 / 3, -0.25,  1e-7, 1e-300,
      123.125, 1e21, 5e-324, 1e15,    2.5e-5, -1,   0.30000000000000004};
  const std::string strings[] = {"plain",
                                 "quote \" and \\ backslash",
                                 "tab\tnewline\n\x01",
                                 "caf\xc3\xa9",
                                 "emoji \xf0\x9f\x98\x80",
                                 "line sep \xe2\x80\xa8",
                                 "</script> & <",
                                 "\x7f del",
                                 ""};
  for (size_t i = 0; i < std::size(doubles); ++i) {
    v1::Signal s;
    s.set_seq(i == 0 ? std::numeric_limits<uint64_t>::max() : i);
    s.set_title(strings[i % std::size(strings)]);
    s.set_fingerprint(0xfedcba9876543210ULL >> i);
    s.mutable_sentiment()->set_score(doubles[i]);
    s.mutable_sentiment()->set_label(v1::SentimentLabel(i % 4));
    s.mutable_published_at()->set_seconds(1700000000 + 86400 * i);
    s.mutable_published_at()->set_nanos(
        i % 3 == 0 ? 0 : (i % 3 == 1 ? 123000000 : 999999999));
    v1::Event* e = s.add_events();
    e->set_type(v1::EventType(1 + i % 4));
    e->set_relevance(doubles[(i + 3) % std::size(doubles)]);
    e->add_actors(strings[(i + 1) % std::size(strings)]);
    v1::Evidence* ev = e->add_evidence();
    ev->set_text(strings[(i + 2) % std::size(strings)]);
    ev->set_begin(static_cast<uint32_t>(i));
    out.push_back(s);
  }
  return out;
}

// A signal with every field of every message set, some to edge values.
v1::Signal FullSignal(int variant) {
  v1::Signal s;
  s.set_seq(variant + 1);
  s.set_article_id("art\"icle");
  s.set_doc_index(variant);
  s.set_title("T\xc2\xad<b>");
  s.set_source("src");
  s.set_url("https://example.com/a?b=c&d=<e>");
  s.mutable_published_at()->set_seconds(-62135596800 + variant);
  s.mutable_published_at()->set_nanos(variant * 1000);
  s.mutable_ingested_at()->set_seconds(253402300799);
  s.set_scorer_version("v");
  v1::Sentiment* sentiment = s.mutable_sentiment();
  sentiment->set_score(variant % 2 == 0 ? -0.0 : 0.47619047619047616);
  sentiment->set_positive(1e-300);
  sentiment->set_negative(123456789012345678.0);
  sentiment->set_neutral(1);
  sentiment->set_label(v1::NEGATIVE);
  for (int i = 0; i < 2; ++i) {
    v1::Evidence* ev = sentiment->add_evidence();
    ev->set_text(i == 0 ? "a \xe2\x80\xa8 b" : "");
    ev->set_begin(i);
    ev->set_end(4000000000u);
    ev->add_terms("t\x01");
    ev->add_terms("");
  }
  v1::Event* event = s.add_events();
  event->set_type(v1::SANCTIONS);
  event->set_relevance(0.75);
  event->set_direction(v1::DE_ESCALATION);
  event->mutable_magnitude()->set_percent(-1.2);
  event->mutable_magnitude()->set_price(2400.5);
  event->mutable_magnitude()->set_unit("USD/oz");
  event->mutable_magnitude()->set_has_percent(true);
  event->mutable_magnitude()->set_has_price(true);
  event->add_actors("country:US");
  event->add_actors("country:\xf0\x9f\x98\x80");
  *event->add_evidence() = sentiment->evidence(0);
  event->mutable_novelty()->set_last_12h(1);
  event->mutable_novelty()->set_last_24h(2);
  event->mutable_novelty()->set_last_3d(3);
  event->mutable_novelty()->set_last_7d(4294967295u);
  s.add_events()->mutable_magnitude();  // Set, but every field default.
  v1::Entity* entity = s.add_entities();
  entity->set_id("person:x");
  entity->set_name("X");
  entity->set_kind(v1::CURRENCY);
  entity->set_mentions(3);
  entity->set_country("country:RU");
  *entity->mutable_sentiment() = *sentiment;
  entity->mutable_novelty();
  s.add_entities();
  s.set_fingerprint(0xffffffffffffffffULL);
  s.set_duplicate_of_seq(7);
  s.set_exact_fingerprint(1);
  s.set_body("body\n\nwith \\ and \ufeff");
  s.set_author("A. Author");
  s.set_published_origin(v1::PAGE_RELATIVE);
  s.set_published_date_only(true);
  s.mutable_received_at()->set_seconds(1700000000);
  s.mutable_received_at()->set_nanos(999999999);
  s.set_rescore_of_seq(9);
  s.mutable_near_duplicates()->set_last_3d(5);
  return s;
}

TEST(ScoreJsonTest, TypedWriterKnowsTheSchema) {
  // Fails when tidings.proto changes a message under Signal: bring
  // service/cli/signal_json.cc up to date (until then the CLI falls back to
  // protobuf's printer, correct but slower).
  EXPECT_TRUE(score_json::SignalWriterMatchesSchema());
}

TEST(ScoreJsonTest, TypedWriterPrintsWhatProtobufPrints) {
  std::vector<v1::Signal> signals = EdgeSignals();
  for (int variant = 0; variant < 3; ++variant) {
    signals.push_back(FullSignal(variant));
  }
  signals.emplace_back();  // Nothing set.
  v1::Signal empty_sentiment;
  empty_sentiment.mutable_sentiment();
  signals.push_back(empty_sentiment);
  // And real ones: the scorer's output for a few texts.
  auto scorer = scoring::Scorer::Create({});
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  v1::Article article;
  article.set_article_id("a");
  const scoring::ScoreInput inputs[] = {
      {.title = "Gold jumps 2% as US imposes tariffs on China",
       .body = "Gold rose 2.1% to $2,400 an ounce. Acme Corp shares fell "
               "12% after it cut its outlook. The EU imposed sanctions "
               "on Russia; Moscow said it would retaliate."},
      {.title = "",
       .body = "Gold rose 1.5% to $2,400 an ounce as new US tariffs on "
               "China loomed."},
      {.title = "",
       .body = "The EU imposed sanctions on Russia; Moscow said it would "
               "retaliate."},
      {.title = "",
       .body = "Acme Corp shares fell 12% after it cut its outlook."},
  };
  for (const scoring::ScoreInput& input : inputs) {
    for (const scoring::ScoredDocument& doc : (*scorer)->Score(input)) {
      service::ToSignal(doc, article, (*scorer)->version(),
                        &signals.emplace_back());
    }
  }
  score_json::DoubleTextCache doubles;
  for (int pass = 0; pass < 2; ++pass) {  // The second with the cache full.
    for (const v1::Signal& s : signals) {
      std::string typed = "prefix";
      ASSERT_TRUE(score_json::AppendSignalJson(s, &doubles, &typed))
          << s.DebugString();
      EXPECT_EQ(typed, "prefix" + ProtobufJson(s));
    }
  }
}

TEST(ScoreJsonTest, TypedWriterRefusesWhatItDoesNotHandle) {
  score_json::DoubleTextCache doubles;
  std::string out;
  v1::Signal bad_utf8 = FullSignal(0);
  bad_utf8.mutable_entities(0)->set_name(std::string("bad \xff byte"));
  EXPECT_FALSE(score_json::AppendSignalJson(bad_utf8, &doubles, &out));
  v1::Signal bad_utf8_title;
  bad_utf8_title.set_title(std::string("bad \xff byte"));
  EXPECT_FALSE(score_json::AppendSignalJson(bad_utf8_title, &doubles, &out));
  v1::Signal nan_score;
  nan_score.mutable_sentiment()->set_score(std::nan(""));
  EXPECT_FALSE(score_json::AppendSignalJson(nan_score, &doubles, &out));
  v1::Signal nan = FullSignal(1);
  nan.mutable_events(0)->set_relevance(std::nan(""));
  EXPECT_FALSE(score_json::AppendSignalJson(nan, &doubles, &out));
  v1::Signal inf;
  inf.mutable_sentiment()->set_neutral(-INFINITY);
  EXPECT_FALSE(score_json::AppendSignalJson(inf, &doubles, &out));
  v1::Signal unnamed_enum;
  unnamed_enum.add_events()->set_direction(static_cast<v1::Direction>(99));
  EXPECT_FALSE(score_json::AppendSignalJson(unnamed_enum, &doubles, &out));
  v1::Signal far_future;
  far_future.mutable_received_at()->set_seconds(253402300800);
  EXPECT_FALSE(score_json::AppendSignalJson(far_future, &doubles, &out));
}

TEST(ScoreJsonTest, DoublesAsSimpleDtoa) {
  std::mt19937_64 rng(12);
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                1e15,
                                1e14,
                                1e-4,
                                1e-5,
                                5e-324,
                                1e21,
                                1e300,
                                -1.5,
                                0.1,
                                1e16,
                                0.99999999999999995,
                                999999999999999.0,
                                2.2250738585072014e-308,
                                123456789012345.0};
  for (int i = 0; i < 50000; ++i) {
    const uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isfinite(d)) values.push_back(d);
    values.push_back(std::uniform_real_distribution<double>(-1, 1)(rng));
    values.push_back(static_cast<double>(rng() % 1000) / (rng() % 1000 + 1));
    values.push_back(std::ldexp(static_cast<double>(rng() % 1000),
                                static_cast<int>(rng() % 2100) - 1100));
  }
  score_json::DoubleTextCache cache;
  for (int pass = 0; pass < 2; ++pass) {  // The second from the cache.
    for (double d : values) {
      std::string fast, cached = "x";
      score_json::AppendDouble(d, &fast);
      ASSERT_EQ(fast, google::protobuf::SimpleDtoa(d)) << d;
      cache.Append(d, &cached);
      ASSERT_EQ(cached, "x" + fast) << d;
    }
  }
}

// What score.cc's Struct path reads of a line (strings only, but any "id").
bool StructFields(const std::string& line, LineFields* out) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) {
    return false;
  }
  *out = LineFields();
  auto take = [&](const char* key, bool* has, std::string* value) {
    auto it = object.fields().find(key);
    if (it == object.fields().end() ||
        it->second.kind_case() != google::protobuf::Value::kStringValue) {
      return;
    }
    *has = true;
    *value = it->second.string_value();
  };
  take("text", &out->has_text, &out->text);
  take("body", &out->has_body, &out->body);
  take("title", &out->has_title, &out->title);
  take("id", &out->has_id, &out->id);
  take("article_id", &out->has_article_id, &out->article_id);
  return true;
}

TEST(ScoreJsonTest, ParserReadsWhatTheStructPathReadsOrRefuses) {
  const std::string lines[] = {
      R"({"id": "a", "text": "Gold rose."})",
      R"({"article_id":"b","title":"T","body":"B","label":"positive"})",
      R"(  { "text" : "esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00" }  )",
      R"({"id":"c","text":"x","n":-12.5e3,"t":true,"f":false,"z":null})",
      R"({"text":"x","extra":{"nested":[1,2]}})",  // Nested: refused.
      R"({"text":"x","text":"y"})",                // Duplicate: refused.
      R"({"text":"\ud83d"})",                      // Lone surrogate.
      R"({"id":7,"text":"x"})",                    // Numeric id: refused.
      R"({"text":"x"} trailing)",
      R"({})",
  };
  FastLineParser parser;
  for (const std::string& line : lines) {
    LineFields fast;
    if (!parser.Parse(line, &fast)) continue;  // The Struct path decides.
    LineFields reference;
    ASSERT_TRUE(StructFields(line, &reference)) << line;
    EXPECT_EQ(fast.has_text, reference.has_text) << line;
    EXPECT_EQ(fast.text, reference.text) << line;
    EXPECT_EQ(fast.has_body, reference.has_body) << line;
    EXPECT_EQ(fast.body, reference.body) << line;
    EXPECT_EQ(fast.has_title, reference.has_title) << line;
    EXPECT_EQ(fast.title, reference.title) << line;
    EXPECT_EQ(fast.id, reference.id) << line;
    EXPECT_EQ(fast.article_id, reference.article_id) << line;
  }
  LineFields f;
  EXPECT_TRUE(parser.Parse(lines[0], &f));
  EXPECT_TRUE(parser.Parse(lines[2], &f));
  EXPECT_FALSE(parser.Parse(lines[4], &f));
  EXPECT_FALSE(parser.Parse(lines[5], &f));
  EXPECT_FALSE(parser.Parse(lines[8], &f));
}

}  // namespace
}  // namespace tidings::cli
