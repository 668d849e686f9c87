// Copyright 2026 The Tidings Authors.
//
// The hit bits (text.h, HitBit): what the analyser records, and that the
// stages, which skip the sentences without their bits, find exactly what
// they find without the bits.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/events.h"
#include "scoring/internal/sentiment.h"
#include "scoring/internal/text.h"

namespace tidings::scoring::internal {
namespace {

class HitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto analyzer = TextAnalyzer::Create(*lex);
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    plain_.emplace(*analyzer);
    auto sentiment = SentimentModel::Create(*lex, *analyzer);
    ASSERT_TRUE(sentiment.ok()) << sentiment.status();
    sentiment_.emplace(*std::move(sentiment));
    auto entities = EntityModel::Create(*lex, *analyzer);
    ASSERT_TRUE(entities.ok()) << entities.status();
    entities_.emplace(*std::move(entities));
    auto events = EventDetector::Create(*lex, *analyzer);
    ASSERT_TRUE(events.ok()) << events.status();
    events_.emplace(*std::move(events));
    // As Scorer::Create does.
    std::vector<uint16_t> hits(analyzer->vocabulary()->size() + 1, 0);
    sentiment_->MarkHits(&hits);
    entities_->MarkHits(&hits);
    events_->MarkHits(&hits);
    hits_of_id_ = hits;
    analyzer->SetHits(std::move(hits));
    with_hits_.emplace(*std::move(analyzer));
  }

  // Everything the stages find in `text` analysed by `analyzer`, as text.
  std::string Run(const TextAnalyzer& analyzer, const std::string& text) {
    AnalyzedText at;
    analyzer.Analyze(text, &at);
    std::string out;
    std::vector<EntityMention> mentions;
    entities_->Find(at, &mentions);
    for (const EntityMention& m : mentions) {
      out += "entity " + std::to_string(m.entity) + " " +
             std::to_string(m.first_token) + "-" + std::to_string(m.end_token) +
             "\n";
    }
    const Sentiment s = sentiment_->Score(at, 0);
    out += "sentiment " + std::to_string(s.score) + " " +
           std::to_string(s.positive) + " " + std::to_string(s.negative) + "\n";
    for (const Evidence& ev : s.evidence) {
      out += " ev " + std::to_string(ev.begin) + "-" + std::to_string(ev.end);
      for (const std::string& t : ev.terms) out += " " + t;
      out += "\n";
    }
    for (uint32_t k = 0; k < at.sentences.size(); ++k) {
      std::vector<std::string> terms;
      out += " s" + std::to_string(k) + " " +
             std::to_string(sentiment_->ScoreSentence(at, k, &terms));
      for (const std::string& t : terms) out += " " + t;
      out += "\n";
    }
    std::vector<Event> events;
    events_->Detect(at, 0, mentions, *entities_, &events);
    for (const Event& e : events) {
      out += "event " + std::to_string(static_cast<int>(e.type)) + " " +
             std::to_string(static_cast<int>(e.direction)) + " " +
             std::to_string(e.relevance);
      for (const std::string& a : e.actors) out += " " + a;
      for (const Evidence& ev : e.evidence) {
        out += " [" + std::to_string(ev.begin) + "-" + std::to_string(ev.end);
        for (const std::string& t : ev.terms) out += " " + t;
        out += "]";
      }
      out += "\n";
    }
    return out;
  }

  std::optional<TextAnalyzer> plain_, with_hits_;
  std::vector<uint16_t> hits_of_id_;  // The table given to with_hits_.
  std::optional<SentimentModel> sentiment_;
  std::optional<EntityModel> entities_;
  std::optional<EventDetector> events_;
};

TEST_F(HitsTest, WithoutATableEveryBitIsSet) {
  AnalyzedText at;
  plain_->Analyze("The cat sat. It slept.", &at);
  ASSERT_EQ(at.sentences.size(), 2u);
  for (const Token& t : at.tokens) EXPECT_EQ(t.hits, kAllHits);
  for (const Sentence& s : at.sentences) EXPECT_EQ(s.hits, kAllHits);
  EXPECT_EQ(at.hits, kAllHits);
}

TEST_F(HitsTest, TokensSentencesAndTheTextCarryTheBits) {
  AnalyzedText at;
  with_hits_->Analyze(
      "Cats sleep.\nUS-China talks ended.\nShares rose +4.2% "
      "on tariffs.",
      &at);
  ASSERT_EQ(at.sentences.size(), 3u);
  // No lexicon word that starts a match, nothing joined, no sign.
  EXPECT_EQ(at.sentences[0].hits & (kHitJoined | kHitSign | kHitTrigger), 0);
  EXPECT_NE(at.sentences[1].hits & kHitJoined, 0);
  EXPECT_NE(at.sentences[2].hits & kHitSign, 0);
  EXPECT_NE(at.sentences[2].hits & kHitTrigger, 0);    // "tariffs"
  EXPECT_NE(at.sentences[2].hits & kHitSentiment, 0);  // "rose"
  EXPECT_EQ(at.sentences[0].hits & kHitSentiment, 0);
  EXPECT_EQ(at.hits,
            at.sentences[0].hits | at.sentences[1].hits | at.sentences[2].hits);
  // Token bits: a start of an alias ("US" of "US-China" is a part, the
  // token is joined), of a trigger, of a sentiment term; a final 't'.
  const Token& rose = at.tokens[at.sentences[2].first_token + 1];
  EXPECT_NE(rose.hits & kHitSentimentTerm, 0);
  EXPECT_NE(at.tokens[at.sentences[1].first_token].hits & kHitJoined, 0);
  AnalyzedText t2;
  with_hits_->Analyze("It didn't. China imposed tariffs.", &t2);
  EXPECT_NE(t2.tokens[1].hits & kHitEndsInT, 0);       // "didn't"
  EXPECT_NE(t2.tokens[3].hits & kHitEntityStart, 0);   // "China"
  EXPECT_NE(t2.tokens[5].hits & kHitTriggerStart, 0);  // "tariffs"
  EXPECT_EQ(t2.tokens[4].hits & (kHitEntityStart | kHitTriggerStart), 0);
  uint16_t ored = 0;
  for (uint32_t t = at.sentences[2].first_token; t < at.sentences[2].end_token;
       ++t) {
    ored |= at.tokens[t].hits;
  }
  EXPECT_EQ(ored, at.sentences[2].hits);
}

TEST_F(HitsTest, EachTokenHasTheBitsOfItsIdAndThoseNoIdTells) {
  // Exactly the table's bits of the token's id, and the three no id tells.
  AnalyzedText at;
  with_hits_->Analyze(
      "Gold rose +4.2% as U.S.-China talks didn't end; Acme Corp's profit "
      "fell - a record low. \xE2\x82\xAC 1.5bn, year-to-date; "
      "an unlistedword and Tariffs.",
      &at);
  ASSERT_GT(at.tokens.size(), 25u);
  for (size_t i = 0; i < at.tokens.size(); ++i) {
    const Token& t = at.tokens[i];
    const std::string_view norm = at.norm(i);
    uint16_t expected = hits_of_id_[t.id];
    if (t.joined) expected |= kHitJoined;
    if (norm.back() == 't') expected |= kHitEndsInT;
    if (norm == "+" || norm == "-") expected |= kHitSign;
    EXPECT_EQ(t.hits, expected) << at.raw(i);
  }
}

TEST_F(HitsTest, APhraseIsMarkedAtItsLongestWord) {
  PhraseIndex index;
  ASSERT_TRUE(index.Add(*plain_, "on the attack", 1).ok());
  ASSERT_TRUE(index.Add(*plain_, "s. korea", 2).ok());
  std::vector<uint16_t> hits(plain_->vocabulary()->size() + 1, 0);
  index.MarkKeyWords(kHitTrigger, &hits);
  const Vocabulary& v = *plain_->vocabulary();
  EXPECT_EQ(hits[v.Find("attack")], kHitTrigger);
  EXPECT_EQ(hits[v.Find("korea")], kHitTrigger);
  EXPECT_EQ(hits[v.Find("on")], 0);
  EXPECT_EQ(hits[v.Find("the")], 0);
  std::vector<uint16_t> starts(hits.size(), 0);
  index.MarkStarts(kHitCue, &starts);
  EXPECT_EQ(starts[v.Find("on")], kHitCue);
  EXPECT_EQ(starts[v.Find("attack")], 0);
}

TEST_F(HitsTest, SkippingSentencesChangesNothing) {
  // Sentences with and without hits of every stage, joined in many orders.
  const std::vector<std::string> parts = {
      "The cat sat on the mat.",
      "Gold prices rose 2% on Tuesday as the dollar fell sharply.",
      "China imposed tariffs on US goods.",
      "Russia faces new sanctions over the war in Ukraine.",
      "Shares of Acme fell 3% after weak results.",
      "Net loss narrowed to EUR 5 mn from EUR 7 mn.",
      "The US-China trade war didn't end.",
      "Sales were up +4.2% in the quarter.",
      "He said nothing at all",
      "Troops massed on the border, officials said.",
      "mcx-gold futures slipped.",
      "The Fed held rates; Putin and Xi met in Beijing.",
      "Stocks rallied on the attack of the bulls",
      "Profit was EUR 1.6 mn compared to EUR 5.9 mn.",
      "EUR193 .3 m",
      "Buy Infosys: expert",
      "See https://t.co/x and $AAPL #gold @Reuters.",
      "Exports aren't falling and Acme won\u2019t cut its dividend.",
      "Gold Prices Rise As Neste Oil Profit Jumps",
      "6-month lows; one-week high; Iraq-Iran talks.",
      "Analysts at Acme cut the stock to Hold from Buy.",
      // A topic alias, named gold only with a strong alias elsewhere.
      "The precious metal fell 1% after the Fed meeting.",
      "Bullion slipped; the metal later rebounded to $1,950 an ounce.",
  };
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
  };
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int n = 1 + next() % 8;
    for (int k = 0; k < n; ++k) {
      if (k > 0) text += next() % 3 == 0 ? "\n" : " ";
      text += parts[next() % parts.size()];
    }
    EXPECT_EQ(Run(*with_hits_, text), Run(*plain_, text)) << text;
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
