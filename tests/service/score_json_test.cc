// Copyright 2026 The Tidings Authors.
//
// The fast JSON paths of `tidings score --jsonl` (service/cli/score_json.h)
// against the protobuf code they stand in for: the printer must print what
// MessageToJsonString prints (or refuse), the line parser must read what the
// Struct path reads (or refuse), byte for byte.

#include "service/cli/score_json.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "scoring/scorer.h"
#include "service/cli/format.h"
#include "service/convert.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

using score_json::FastLineParser;
using score_json::LineFields;
using score_json::SignalJsonPrinter;

// Signals with the values the printer has to get exactly right.
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

TEST(ScoreJsonTest, PrinterPrintsWhatProtobufPrints) {
  std::vector<v1::Signal> signals = EdgeSignals();
  // And real ones: the scorer's output for a few texts.
  auto scorer = scoring::Scorer::Create({});
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  for (const char* text :
       {"Gold rose 1.5% to $2,400 an ounce as new US tariffs on China loomed.",
        "The EU imposed sanctions on Russia; Moscow said it would retaliate.",
        "Acme Corp shares fell 12% after it cut its outlook."}) {
    v1::Article article;
    article.set_article_id("a");
    for (const scoring::ScoredDocument& doc :
         (*scorer)->Score({.title = "", .body = text})) {
      service::ToSignal(doc, article, (*scorer)->version(),
                        &signals.emplace_back());
    }
  }
  SignalJsonPrinter printer;
  for (const v1::Signal& s : signals) {
    std::string fast;
    ASSERT_TRUE(printer.Print(s, &fast)) << s.DebugString();
    EXPECT_EQ(fast, ToJson(s, /*pretty=*/false));
  }
}

TEST(ScoreJsonTest, PrinterRefusesWhatItDoesNotHandle) {
  SignalJsonPrinter printer;
  std::string out;
  v1::Signal bad_utf8;
  bad_utf8.set_title(std::string("bad \xff byte"));
  EXPECT_FALSE(printer.Print(bad_utf8, &out));
  v1::Signal nan;
  nan.mutable_sentiment()->set_score(std::nan(""));
  EXPECT_FALSE(printer.Print(nan, &out));
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
