// Copyright 2026 The Tidings Authors.
//
// Tests of scoring/internal/sentiment.h, one group per rule family, on
// sentences written for these tests (no external data).

#include "scoring/internal/sentiment.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring::internal {

namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class SentimentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<LexiconSet> lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(*lex);
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    analyzer_.emplace(*std::move(analyzer));
    absl::StatusOr<SentimentModel> model = SentimentModel::Create(*lex);
    ASSERT_TRUE(model.ok()) << model.status();
    model_.emplace(*std::move(model));
  }

  // Scores `text` as one document whose body starts at `body_begin`.
  Sentiment Score(std::string_view text, uint32_t body_begin = 0) {
    text_ = std::string(text);
    analyzer_->Analyze(text_, &at_);
    return model_->Score(at_, body_begin);
  }
  double Value(std::string_view text) { return Score(text).score; }
  SentimentLabel Label(std::string_view text) { return Score(text).label; }

  std::optional<TextAnalyzer> analyzer_;
  std::optional<SentimentModel> model_;
  std::string text_;
  AnalyzedText at_;
};

constexpr SentimentLabel kPos = SentimentLabel::kPositive;
constexpr SentimentLabel kNeg = SentimentLabel::kNegative;
constexpr SentimentLabel kNeu = SentimentLabel::kNeutral;

TEST_F(SentimentTest, ChangeTimesMetricPolarity) {
  EXPECT_EQ(Label("Quarterly revenue increased."), kPos);
  EXPECT_EQ(Label("Profit fell."), kNeg);
  EXPECT_EQ(Label("Costs rose."), kNeg);
  EXPECT_EQ(Label("Debt decreased."), kPos);
  EXPECT_EQ(Label("Unemployment fell to 5 %."), kPos);
  EXPECT_EQ(Label("Shares in the bank climbed 3 %."), kPos);
}

TEST_F(SentimentTest, MetricBeforeOrAfterTheChange) {
  // Metric first: the subject of the change.
  EXPECT_EQ(Label("Operating costs were up 4 % on the year."), kNeg);
  EXPECT_EQ(Label("Order intake was up 12 % from a year earlier."), kPos);
  // Change first: a noun with "in"/"of", an adjective, a transitive verb.
  EXPECT_EQ(Label("The group reported a rise in costs."), kNeg);
  EXPECT_EQ(Label("The increase in sales came from exports."), kPos);
  EXPECT_EQ(Label("A drop of 7 % in orders hit the shipyard."), kNeg);
  EXPECT_EQ(Label("Higher costs ate into the result."), kNeg);
  EXPECT_EQ(Label("The miner will cut its costs."), kPos);
  EXPECT_EQ(Label("The brewer will cut 200 jobs."), kNeg);
  // The head of "<metric> of ..." changed, not a word inside a name.
  EXPECT_EQ(Label("Sales of the Industrial Oil unit fell 3 %."), kNeg);
  // "on increased tensions": the change modifies "tensions", not the index.
  EXPECT_EQ(Label("The index was flat on increased tensions in the region."),
            kNeu);
}

TEST_F(SentimentTest, LossNarrowedIsGoodWidenedIsBad) {
  EXPECT_EQ(Label("The net loss narrowed to EUR 3 million."), kPos);
  EXPECT_EQ(Label("The net loss widened to EUR 3 million."), kNeg);
  EXPECT_EQ(Label("The airline narrowed its operating loss."), kPos);
  EXPECT_EQ(Label("Margins narrowed in the fourth quarter."), kNeg);
}

TEST_F(SentimentTest, DestinationOfAShift) {
  EXPECT_EQ(Label("The shipyard swung to a loss in the third quarter."), kNeg);
  EXPECT_EQ(Label("The shipyard turned to a profit in the third quarter."),
            kPos);
  // "slipped" goes down, but to a loss: the destination decides.
  EXPECT_EQ(Label("The retailer slipped to a net loss."), kNeg);
}

TEST_F(SentimentTest, NumericComparison) {
  EXPECT_EQ(Label("Operating profit was EUR 2.1 mn compared to EUR 3.4 mn a "
                  "year earlier."),
            kNeg);
  EXPECT_EQ(Label("Operating profit was EUR 4.0 mn compared to EUR 3.4 mn a "
                  "year earlier."),
            kPos);
  // A loss compared to a profit went down, whatever the figures.
  EXPECT_EQ(Label("Operating loss totalled EUR 1.2 mn compared to a profit of "
                  "EUR 0.8 mn."),
            kNeg);
  EXPECT_EQ(Label("The operating loss was EUR 0.5 mn, down from a profit of "
                  "EUR 2.0 mn."),
            kNeg);
  // A larger loss than before.
  EXPECT_EQ(Label("Pretax loss was EUR 9 mn versus a loss of EUR 4 mn."), kNeg);
  // Pre-tokenised decimals ("EUR12 .5 m") are read as one number.
  EXPECT_EQ(Label("Net sales totalled EUR12 .5 m compared to EUR10 .1 m."),
            kPos);
}

TEST_F(SentimentTest, Negation) {
  EXPECT_EQ(Label("Sales did not increase in the second half."), kNeg);
  EXPECT_EQ(Label("Quarterly profit didn't rise."), kNeg);
  EXPECT_EQ(Label("There was no improvement in margins."), kNeg);
  EXPECT_EQ(Label("Margins were not weak."), kPos);
  EXPECT_EQ(Label("The retailer failed to win the tender."), kNeg);
  EXPECT_EQ(Label("The mill ran for a year without profit growth."), kNeg);
}

TEST_F(SentimentTest, IntensifiersAndDowntoners) {
  double plain = Value("Revenue rose.");
  double strong = Value("Revenue rose sharply.");
  double weak = Value("Revenue rose slightly.");
  EXPECT_GT(strong, plain);
  EXPECT_GT(plain, weak);
  EXPECT_GT(weak, 0);
  EXPECT_LT(Value("Profit fell significantly."), Value("Profit fell."));
}

TEST_F(SentimentTest, Contrast) {
  // After "but" / "however" weighs more.
  EXPECT_EQ(Label("Sales fell, but profit rose strongly."), kPos);
  EXPECT_EQ(Label("Sales rose, however profit fell sharply."), kNeg);
  // The clause led by "although" weighs less.
  EXPECT_EQ(Label("Although costs fell, quarterly profit dropped."), kNeg);
  EXPECT_EQ(Label("Profit climbed, although revenue slipped."), kPos);
}

TEST_F(SentimentTest, EventsOfTheBusiness) {
  EXPECT_EQ(Label("The telecom operator has won a five-year network contract."),
            kPos);
  EXPECT_EQ(Label("The engineering group received an order worth 40 million "
                  "euros."),
            kPos);
  EXPECT_EQ(Label("The company issued a profit warning."), kNeg);
  EXPECT_EQ(Label("The plant closure will create 300 jobs elsewhere."), kPos);
  EXPECT_EQ(Label("The ferry operator announced temporary layoffs."), kNeg);
  EXPECT_EQ(Label("Third-quarter earnings fell short of expectations."), kNeg);
}

TEST_F(SentimentTest, NeutralStatements) {
  EXPECT_EQ(Label("The company makes paper machines in Finland."), kNeu);
  EXPECT_EQ(Label("The contract covers deliveries to three mills."), kNeu);
  EXPECT_EQ(Label("The plant was set up in 1990."), kNeu);
  EXPECT_EQ(Label("The service lets users store up to 10 files."), kNeu);
  EXPECT_EQ(Label("The expansion will be finished next spring."), kNeu);
  EXPECT_EQ(Label("Net sales totalled EUR 20 mn in the period."), kNeu);
  Sentiment empty = Score("");
  EXPECT_EQ(empty.label, kNeu);
  EXPECT_DOUBLE_EQ(empty.score, 0);
}

TEST_F(SentimentTest, Headlines) {
  EXPECT_EQ(Label("Gold prices rise on weak dollar"), kPos);
  EXPECT_EQ(Label("Gold slips to 3-week low"), kNeg);
  EXPECT_EQ(Label("Stocks fell sharply in early trade"), kNeg);
}

TEST_F(SentimentTest, HeadlineVerbsOfCorporateNews) {
  // A price-move verb decides a headline even with no metric or figure.
  EXPECT_EQ(Label("Acme soars"), kPos);
  EXPECT_EQ(Label("Acme tumbles on weak demand"), kNeg);
  EXPECT_EQ(Label("Acme sees third-quarter profit slide"), kNeg);
  EXPECT_EQ(Label("Acme shares skid after results"), kNeg);
  // Results against forecasts, with the metric first or after.
  EXPECT_EQ(Label("Acme beats forecasts"), kPos);
  EXPECT_EQ(Label("Acme EPS beats by $0.05"), kPos);
  EXPECT_EQ(Label("Acme misses revenue estimates"), kNeg);
  // Beating on one metric and missing on another is mixed, whatever the
  // metrics' weights.
  EXPECT_EQ(Label("Acme EPS tops by $0.04, misses on revenue"), kNeu);
  EXPECT_EQ(Label("Acme EPS misses by $0.02, beats on revenue"), kNeu);
  EXPECT_EQ(Label("Acme cuts full-year guidance"), kNeg);
  EXPECT_EQ(Label("Acme raises dividend"), kPos);
  // Events that hurt or help the company.
  EXPECT_EQ(Label("Acme recalls pacemakers"), kNeg);
  EXPECT_EQ(Label("Regulator opens probe into Acme"), kNeg);
  EXPECT_EQ(Label("Acme hit with lawsuit over patents"), kNeg);
  EXPECT_EQ(Label("Acme defaults on its bonds"), kNeg);
  EXPECT_EQ(Label("Acme delays launch of its new phone"), kNeg);
  EXPECT_EQ(Label("Regulator approves Acme's new drug"), kPos);
  EXPECT_EQ(Label("Acme wins navy contract"), kPos);
  // A named subject moved ("Acme slips"), unlike a bare change in a report.
  EXPECT_EQ(Label("Acme slips"), kNeg);
  EXPECT_EQ(Label("The expansion will be finished next spring."), kNeu);
  // Raising money is no rise.
  EXPECT_EQ(Label("Acme to raise $50 million in a share sale"), kNeu);
}

TEST_F(SentimentTest, GeneralWordsOfPostsAndHeadlines) {
  EXPECT_EQ(Label("Acme shares popped after the call"), kPos);
  EXPECT_EQ(Label("Broker turns constructive on Acme"), kPos);
  EXPECT_EQ(Label("Retailers are staging a comeback"), kPos);
  EXPECT_EQ(Label("Acme sees slower demand for its chips"), kNeg);
  EXPECT_EQ(Label("Eroding margins worry Acme investors"), kNeg);
  EXPECT_EQ(Label("Exporters brace for a weaker quarter"), kNeg);
  EXPECT_EQ(Label("The merger talks fizzled"), kNeg);
  EXPECT_EQ(Label("Acme IPO oversubscribed 3 times on day two"), kPos);
  EXPECT_EQ(Label("Central bank repo operation oversubscribed"), kNeu);
  EXPECT_EQ(Label("Analyst says stay away from Acme"), kNeg);
  EXPECT_EQ(Label("Jittery traders dump bank shares"), kNeg);
  EXPECT_EQ(Label("Copper shines as supply tightens"), kPos);
  EXPECT_LT(Value("Acme reports a steep drop in orders"),
            Value("Acme reports a drop in orders"));
}

TEST_F(SentimentTest, PriceAgainstALevel) {
  EXPECT_EQ(Label("The index closes below 9,000 for the first time"), kNeg);
  EXPECT_EQ(Label("Acme holds above its 50-day average"), kPos);
  EXPECT_EQ(Label("Acme settles class action lawsuit"), kPos);
}

TEST_F(SentimentTest, NamesAndSetPhrasesAreNotEvaluative) {
  EXPECT_EQ(Label("Better Buy: Acme vs. Globex"), kNeu);
  EXPECT_EQ(Label("Five ways to grow your retirement savings"), kNeu);
  EXPECT_EQ(Label("Markets are closed for Good Friday"), kNeu);
  EXPECT_EQ(Label("The plan should bring yearly savings of EUR 3 mn ."), kPos);
  EXPECT_EQ(Label("A new bull emerges on Acme"), kPos);
  EXPECT_EQ(Label("Another bear joins the Acme debate"), kNeg);
}

TEST_F(SentimentTest, NeverBeforeADegreeWordIntensifies) {
  EXPECT_EQ(Label("Fund managers have never been more bullish on Acme"), kPos);
  EXPECT_EQ(Label("Traders have never been this bearish on copper"), kNeg);
  EXPECT_EQ(Label("The outlook has never been better"), kPos);
  EXPECT_EQ(Label("The unit has never been profitable"), kNeg);
}

TEST_F(SentimentTest, SensesOfAmbiguousWords) {
  // "record" intensifies what it qualifies, or takes a metric's side.
  EXPECT_EQ(Label("Bank hit with record fine"), kNeg);
  EXPECT_EQ(Label("Acme posts record profit"), kPos);
  EXPECT_EQ(Label("Acme posts record loss"), kNeg);
  EXPECT_EQ(Label("Acme reports record debt"), kNeg);
  // "fine": a penalty as a noun, nothing as an adjective.
  EXPECT_EQ(Label("Acme pays $5 million fine"), kNeg);
  EXPECT_EQ(Label("Acme faces a fine of EUR 2 mn"), kNeg);
  EXPECT_EQ(Label("The weather was fine."), kNeu);
  EXPECT_EQ(Label("Read the fine print before you sign."), kNeu);
  // "short": the trading sense only.
  EXPECT_EQ(Label("Short sellers target Acme"), kNeg);
  EXPECT_EQ(Label("A short squeeze lifts Acme"), kPos);
  EXPECT_EQ(Label("The meeting was short."), kNeu);
  EXPECT_EQ(Label("Acme plans a short-term loan facility."), kNeu);
  // "charge": criminal, in the accounts, or neither.
  EXPECT_EQ(Label("Court upholds fraud charge against Acme"), kNeg);
  EXPECT_EQ(Label("Acme takes a one-off charge on its plant"), kNeg);
  EXPECT_EQ(Label("She is in charge of the plant."), kNeu);
  EXPECT_EQ(Label("Acme opens electric car charging stations."), kNeu);
  // "concern" the company, not the worry.
  EXPECT_EQ(Label("The Swedish concern makes trucks."), kNeu);
  EXPECT_EQ(Label("Concerns grow over Acme's debt"), kNeg);
}

TEST_F(SentimentTest, AnalystRatings) {
  EXPECT_EQ(Label("Acme downgraded to sell"), kNeg);
  EXPECT_EQ(Label("Broker cuts Acme to Hold"), kNeg);
  EXPECT_EQ(Label("Broker lowers Acme to Market Perform"), kNeg);
  EXPECT_EQ(Label("Acme upped to Buy at Broker"), kPos);
  EXPECT_EQ(Label("Broker starts Acme at Buy"), kPos);
  EXPECT_EQ(Label("Acme is a sell, says analyst"), kNeg);
  EXPECT_EQ(Label("Buy Acme with a target of 120: analyst"), kPos);
  EXPECT_EQ(Label("Acme is not a buy yet"), kNeg);
  EXPECT_EQ(Label("Broker starts Acme at Neutral"), kNeu);
  // "buy" as a plain verb is no call.
  EXPECT_EQ(Label("Acme to buy a stake in a Dutch shipyard"), kNeu);
}

TEST_F(SentimentTest, ReversalOfBadNews) {
  EXPECT_EQ(Label("Acme settles lawsuit"), kPos);
  EXPECT_EQ(Label("Regulator ends probe into Acme"), kPos);
  EXPECT_EQ(Label("Acme shares rise as recession fears fade"), kPos);
  // Only bad terms turn: "ends higher" stays a rise.
  EXPECT_EQ(Label("Acme ends higher"), kPos);
}

TEST_F(SentimentTest, QuestionsAskRatherThanReport) {
  EXPECT_EQ(Label("Acme shares rise"), kPos);
  EXPECT_EQ(Label("Will Acme shares rise?"), kNeu);
  EXPECT_LT(std::abs(Value("Is Acme a strong company?")),
            std::abs(Value("Acme is a strong company.")));
}

TEST_F(SentimentTest, SocialPostMarkup) {
  EXPECT_EQ(Label("$ACME shares jump after earnings beat https://t.co/x1Y"),
            kPos);
  // Cashtags, hashtags, @mentions and links carry no sentiment: not even
  // tickers or tags that are words.
  EXPECT_EQ(Label("$ACME $BETA #stocks"), kNeu);
  EXPECT_EQ(Label("$CUT $LOW #bullish @winner https://t.co/loss"), kNeu);
  // Nor do they break the sentence: the question mark inside the link does
  // not make the headline a question.
  EXPECT_EQ(Label("Acme shares plunge https://a.co/x?id=1"), kNeg);
  // A signed percentage is a move.
  EXPECT_EQ(Label("$ACME (+6.2% premarket) Acme signs supply deal"), kPos);
  EXPECT_EQ(Label("Acme -4.5% after hours"), kNeg);
  EXPECT_EQ(Label("Savings of 7 % -9 % are planned."), kPos);
  // Emoji of market posts are lexicon rows.
  EXPECT_EQ(Label("$ACME \xF0\x9F\x9A\x80\xF0\x9F\x9A\x80"), kPos);
  EXPECT_EQ(Label("$ACME \xF0\x9F\x93\x89"), kNeg);
}

TEST_F(SentimentTest, DocumentProportionsAndTitleWeight) {
  Sentiment s = Score(
      "Profit rose. The plant is in Oulu. Costs rose sharply. Sales grew.");
  EXPECT_DOUBLE_EQ(s.positive, 0.5);
  EXPECT_DOUBLE_EQ(s.negative, 0.25);
  EXPECT_DOUBLE_EQ(s.neutral, 0.25);
  EXPECT_NEAR(s.positive + s.negative + s.neutral, 1.0, 1e-12);
  EXPECT_GE(s.score, -1.0);
  EXPECT_LE(s.score, 1.0);

  // A good title and a bad body sentence: the title weighs more.
  const std::string good = "Profit rose";
  const std::string bad = "Costs rose.";
  Sentiment titled = Score(good + "\n\n" + bad, good.size() + 2);
  EXPECT_EQ(titled.label, kPos);
  EXPECT_GT(titled.score, Score(good + ". " + bad).score);
  const std::string bad_title = "Costs rose";
  Sentiment titled_bad =
      Score(bad_title + "\n\nProfit rose. Sales grew.", bad_title.size() + 2);
  EXPECT_LT(titled_bad.score,
            Score("Costs rose. Profit rose. Sales grew.").score);
}

TEST_F(SentimentTest, EvidenceOffsetsAndTerms) {
  const std::string title = "Ferry operator narrows loss";
  const std::string body =
      "The line carried 2 million passengers. Its net loss narrowed to EUR 3 "
      "mn.";
  const std::string text = title + "\n\n" + body;
  Sentiment s = Score(text, title.size() + 2);
  EXPECT_EQ(s.label, kPos);
  ASSERT_FALSE(s.evidence.empty());
  std::vector<std::string> sentences;
  for (const Evidence& ev : s.evidence) {
    ASSERT_LE(ev.begin, ev.end);
    ASSERT_LE(ev.end, text.size());
    sentences.push_back(text.substr(ev.begin, ev.end - ev.begin));
    EXPECT_FALSE(ev.terms.empty());
  }
  // The title weighs most and comes first; the neutral sentence is no evidence.
  EXPECT_EQ(sentences[0], title);
  EXPECT_THAT(sentences, Contains("Its net loss narrowed to EUR 3 mn."));
  EXPECT_THAT(sentences,
              Not(Contains("The line carried 2 million passengers.")));
  for (const Evidence& ev : s.evidence) {
    if (text.substr(ev.begin, ev.end - ev.begin) ==
        "Its net loss narrowed to EUR 3 mn.") {
      EXPECT_THAT(ev.terms, Contains("narrowed"));
      EXPECT_THAT(ev.terms, Contains("net loss"));
    }
  }
}

TEST_F(SentimentTest, ScoreSentenceReportsTerms) {
  analyzer_->Analyze("Costs rose. Profit fell.", &at_);
  std::vector<std::string> terms;
  double s0 = model_->ScoreSentence(at_, 0, &terms);
  EXPECT_LT(s0, -model_->neutral_band());
  EXPECT_THAT(terms, Contains("rose"));
  EXPECT_THAT(terms, Contains("Costs"));
}

TEST(SentimentLexiconTest, MalformedRowsNameFileAndLine) {
  struct Case {
    std::string content;
    std::string message;
  };
  const Case cases[] = {
      {"# header\nmetric\tprofit\n", "sentiment_terms.tsv:2"},
      {"polar\tgood\tvery\n",
       "sentiment_terms.tsv:1: field 3 must be a number"},
      {"smell\tprofit\t1\n", "unknown kind smell"},
      {"negator\tnever\t2\n", "sentiment_terms.tsv:1: negator takes no value"},
      {"polar\tgood\t0.5\n# again\npolar\tbad|good\t0.6\n",
       "sentiment_terms.tsv:3: \"good\" is already a polar at "
       "sentiment_terms.tsv:1"},
      // A function word of sentiment.tsv given again.
      {"negator\tnot\n", "\"not\" is already a negator at sentiment.tsv:"},
  };
  auto create = [](const LexiconSet& l) {
    return SentimentModel::Create(l).status();
  };
  for (const Case& c : cases) {
    ExpectLexiconError("sentiment_terms.tsv", c.content, c.message, create);
  }
  ExpectLexiconError("sentiment.tsv", "param\tno_such_knob\t3\n",
                     "sentiment.tsv:1: unknown param no_such_knob", create);
}

}  // namespace
}  // namespace tidings::scoring::internal
