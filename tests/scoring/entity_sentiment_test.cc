// Copyright 2026 The Tidings Authors.
//
// Tests of scoring/internal/entity_sentiment.h through the whole scorer, on
// sentences written for these tests. The sentence model's finance terms are
// replaced by a small fixture (kTerms), so that these tests check how terms
// are given to entities, whatever the real term lists say.

#include "scoring/internal/entity_sentiment.h"

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/scorer.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring::internal {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The finance terms of these tests (the format of sentiment_terms.tsv).
constexpr std::string_view kTerms =
    "polar\tjumps|shines|rallies|record\t1\n"
    "polar\thalts|dull|slump\t-1\n"
    "metric\tprofit|profits\t1.5\n"
    "metric\tloss\t-1.5\t-1\n"
    "change\trise|rises\t1\n";

class EntitySentimentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(LexiconDirWith("sentiment_terms.tsv", kTerms));
    auto scorer = Scorer::Create({.lexicon_dir = *dir_});
    ASSERT_TRUE(scorer.ok()) << scorer.status();
    scorer_ = scorer->release();
  }
  static void TearDownTestSuite() {
    delete scorer_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  // The one document of `body` (with `title`, if any).
  ScoredDocument Score(std::string_view body, std::string_view title = "") {
    std::vector<ScoredDocument> docs = scorer_->Score(
        {.title = title, .body = body, .kind = ContentKind::kPlainText});
    EXPECT_EQ(docs.size(), 1u);
    return docs.empty() ? ScoredDocument() : docs[0];
  }
  // The entity with `id` in `doc`; fails the test when there is none.
  static const Entity& Get(const ScoredDocument& doc, std::string_view id) {
    for (const Entity& e : doc.entities) {
      if (e.id == id) return e;
    }
    ADD_FAILURE() << "no entity " << id;
    static const Entity kNone;
    return kNone;
  }
  // The text of an evidence item.
  static std::string_view Text(const ScoredDocument& doc, const Evidence& ev) {
    return std::string_view(doc.text).substr(ev.begin, ev.end - ev.begin);
  }

  static std::string* dir_;
  static const Scorer* scorer_;
};

std::string* EntitySentimentTest::dir_ = nullptr;
const Scorer* EntitySentimentTest::scorer_ = nullptr;

constexpr SentimentLabel kPos = SentimentLabel::kPositive;
constexpr SentimentLabel kNeg = SentimentLabel::kNegative;
constexpr SentimentLabel kNeutral = SentimentLabel::kNeutral;

TEST_F(EntitySentimentTest, EachEntityTakesItsOwnClause) {
  ScoredDocument doc =
      Score("nickel jumps as Acme Mining halts its largest mine");
  const Entity& nickel = Get(doc, "commodity:nickel");
  const Entity& acme = Get(doc, "company:acme-mining");
  EXPECT_EQ(nickel.sentiment.label, kPos);
  EXPECT_EQ(acme.sentiment.label, kNeg);
  EXPECT_EQ(acme.name, "Acme Mining");
  EXPECT_EQ(acme.kind, EntityKind::kCompany);
  // Evidence: the clause, with the terms that scored there.
  ASSERT_EQ(nickel.sentiment.evidence.size(), 1u);
  EXPECT_EQ(Text(doc, nickel.sentiment.evidence[0]), "nickel jumps");
  EXPECT_THAT(nickel.sentiment.evidence[0].terms, Contains("jumps"));
  ASSERT_EQ(acme.sentiment.evidence.size(), 1u);
  EXPECT_EQ(Text(doc, acme.sentiment.evidence[0]),
            "as Acme Mining halts its largest mine");
  EXPECT_THAT(acme.sentiment.evidence[0].terms, Contains("halts"));
}

TEST_F(EntitySentimentTest, TermsThatCancelOutInTheSentenceStillCount) {
  // +1 and -1: the sentence scores 0, each clause does not.
  ScoredDocument doc = Score("Gold shines on seasonal demand; Silver dull");
  EXPECT_EQ(doc.sentiment.score, 0);
  EXPECT_EQ(Get(doc, "commodity:gold").sentiment.label, kPos);
  EXPECT_EQ(Get(doc, "commodity:silver").sentiment.label, kNeg);
}

TEST_F(EntitySentimentTest, AnEntityWithAllTheTermsGetsTheSentenceScore) {
  ScoredDocument doc = Score("Acme Motors profit rises");
  const Entity& acme = Get(doc, "company:acme-motors");
  EXPECT_NEAR(acme.sentiment.score, doc.sentiment.score, 1e-9);
  EXPECT_EQ(acme.sentiment.label, kPos);
  EXPECT_EQ(acme.sentiment.positive, 1);
}

TEST_F(EntitySentimentTest, NoSentimentIsNeutralWithScoreZero) {
  ScoredDocument doc = Score("Acme Motors names a new chairman");
  const Entity& acme = Get(doc, "company:acme-motors");
  EXPECT_EQ(acme.sentiment.label, kNeutral);
  EXPECT_EQ(acme.sentiment.score, 0);
  EXPECT_EQ(acme.sentiment.neutral, 1);
  EXPECT_THAT(acme.sentiment.evidence, IsEmpty());
}

TEST_F(EntitySentimentTest, TheBuyerIsACounterparty) {
  ScoredDocument doc = Score("Acme buys Beta Corp shares");
  const Entity& beta = Get(doc, "company:beta");
  EXPECT_EQ(beta.name, "Beta");  // The legal suffix is no part of it.
  EXPECT_EQ(beta.sentiment.label, kPos);
  ASSERT_EQ(beta.sentiment.evidence.size(), 1u);
  EXPECT_THAT(beta.sentiment.evidence[0].terms, Contains("buys"));
  const Entity& acme = Get(doc, "company:acme");
  EXPECT_EQ(acme.sentiment.label, kNeutral);
  EXPECT_EQ(acme.sentiment.score, 0);
}

TEST_F(EntitySentimentTest, ARegulatorThatActsIsACounterparty) {
  ScoredDocument doc = Score("Sebi bars Acme Industries from markets");
  EXPECT_EQ(Get(doc, "company:acme-industries").sentiment.label, kNeg);
  EXPECT_EQ(Get(doc, "inst:sebi").sentiment.label, kNeutral);
  // Without an entity before it, the word is read as a noun.
  doc = Score("Acme Industries rallies on orders from abroad");
  EXPECT_EQ(Get(doc, "company:acme-industries").sentiment.label, kPos);
}

TEST_F(EntitySentimentTest, TheSourceOfAViewIsNeutral) {
  ScoredDocument doc =
      Score("Profits will rise next year: Jane Roe, Acme Securities");
  EXPECT_EQ(doc.sentiment.label, kPos);
  EXPECT_EQ(Get(doc, "company:acme-securities").sentiment.label, kNeutral);
}

TEST_F(EntitySentimentTest, ClausesNamingNoEntityGoToOneWithoutTerms) {
  ScoredDocument doc = Score("Acme Bank: a dull quarter ahead");
  const Entity& acme = Get(doc, "company:acme-bank");
  EXPECT_EQ(acme.sentiment.label, kNeg);
  ASSERT_EQ(acme.sentiment.evidence.size(), 1u);
  EXPECT_EQ(Text(doc, acme.sentiment.evidence[0]), ": a dull quarter ahead");
  // But not to one with terms of its own.
  doc = Score("nickel jumps as the largest mine halts");
  EXPECT_EQ(Get(doc, "commodity:nickel").sentiment.label, kPos);
  EXPECT_EQ(Get(doc, "commodity:nickel").sentiment.score, 1 / std::sqrt(2.0));
}

TEST_F(EntitySentimentTest, AClauseThatRefersBackBelongsToTheEntity) {
  const std::string text =
      "Gold rallies as Acme Motors posts a loss; its shares slump";
  ScoredDocument doc = Score(text);
  EXPECT_EQ(Get(doc, "commodity:gold").sentiment.label, kPos);
  const Entity& acme = Get(doc, "company:acme-motors");
  EXPECT_EQ(acme.sentiment.label, kNeg);
  ASSERT_EQ(acme.sentiment.evidence.size(), 1u);
  EXPECT_EQ(acme.sentiment.evidence[0].end, text.size());
  EXPECT_THAT(acme.sentiment.evidence[0].terms, Contains("slump"));
}

TEST_F(EntitySentimentTest, DocumentScoreWeighsTheTitle) {
  ScoredDocument doc =
      Score("Acme Motors names a new chairman.", "Acme Motors jumps");
  const Entity& acme = Get(doc, "company:acme-motors");
  EXPECT_EQ(acme.mentions, 2u);
  // Title sentence: weight 2; a body sentence without sentiment: 0.25.
  EXPECT_NEAR(acme.sentiment.score, 2 * (1 / std::sqrt(2.0)) / 2.25, 1e-9);
  EXPECT_EQ(acme.sentiment.label, kPos);
  EXPECT_EQ(acme.sentiment.positive, 0.5);
  EXPECT_EQ(acme.sentiment.neutral, 0.5);
}

TEST(EntitySentimentModelCreateTest, RejectsMalformedRows) {
  struct Case {
    const char* content;
    const char* error;
  };
  const Case cases[] = {
      {"clause\tas\nsometimes\tmaybe\n", "entity_sentiment.tsv:2"},
      {"acts_on\tbars\n", "needs a value"},
      {"clause\tas\t1\n", "takes no value"},
      {"param\tspeed\t3\n", "unknown param"},
  };
  for (const Case& c : cases) {
    ExpectLexiconError(
        "entity_sentiment.tsv", c.content, c.error,
        [](const LexiconSet& l) -> absl::Status {
          auto analyzer = TextAnalyzer::Create(l);
          if (!analyzer.ok()) return analyzer.status();
          return EntitySentimentModel::Create(l, *analyzer).status();
        });
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
