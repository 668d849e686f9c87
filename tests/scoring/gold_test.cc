// Copyright 2026 The Tidings Authors.
//
// Tests of the gold price move detector (scoring/internal/gold.h) with the
// built-in gold.tsv. Every text here was written for this test.

#include "scoring/internal/gold.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/relevance.h"
#include "scoring/internal/text.h"
#include "scoring/scorer.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring::internal {
namespace {

class GoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto analyzer = TextAnalyzer::Create(*lex);
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    analyzer_.emplace(*std::move(analyzer));
    auto gold = GoldDetector::Create(*lex);
    ASSERT_TRUE(gold.ok()) << gold.status();
    gold_.emplace(*std::move(gold));
  }

  // The event for `text` scored as a body with no title, if any.
  std::optional<Event> Detect(std::string_view text, uint32_t body_begin = 0) {
    text_ = std::string(text);
    analyzer_->Analyze(text_, &at_);
    return gold_->Detect(at_, body_begin);
  }

  // The direction reported at or above the default threshold, or
  // kUnspecified for none (how `tidings eval` reads it).
  Direction Dir(std::string_view text) {
    std::optional<Event> e = Detect(text);
    if (!e.has_value() || e->relevance < kDefaultMinRelevance) {
      return Direction::kUnspecified;
    }
    return e->direction;
  }

  std::optional<TextAnalyzer> analyzer_;
  std::optional<GoldDetector> gold_;
  std::string text_;
  AnalyzedText at_;
};

constexpr Direction kUp = Direction::kUp;
constexpr Direction kDown = Direction::kDown;
constexpr Direction kFlat = Direction::kFlat;
constexpr Direction kNone = Direction::kUnspecified;

TEST_F(GoldTest, ReportsUp) {
  EXPECT_EQ(Dir("Gold climbs to a two-week high on a softer dollar"), kUp);
  EXPECT_EQ(Dir("spot gold gains 1% in early Asian trade"), kUp);
  EXPECT_EQ(Dir("gold futures trade in green after the data"), kUp);
  EXPECT_EQ(Dir("Bullion jumped after the payrolls report"), kUp);
  EXPECT_EQ(Dir("The yellow metal edged up on Monday"), kUp);
  EXPECT_EQ(Dir("gold futures firm in morning deals"), kUp);
  EXPECT_EQ(Dir("Comex gold settles higher for a third day"), kUp);
  EXPECT_EQ(Dir("Gold rebounds from a one-month low"), kUp);
  EXPECT_EQ(Dir("gold tops $2,100 for the first time"), kUp);
  EXPECT_EQ(Dir("Gold recoups losses as yields slide"), kUp);
  EXPECT_EQ(Dir("gold rate in Mumbai surges on wedding buying"), kUp);
  EXPECT_EQ(Dir("A sharp rise in gold prices lifted jewellery retailers"), kUp);
}

TEST_F(GoldTest, ReportsDown) {
  EXPECT_EQ(Dir("Gold slides as the dollar strengthens"), kDown);
  EXPECT_EQ(Dir("gold prices ease after a four-session rally"), kDown);
  EXPECT_EQ(Dir("Spot gold dipped 0.3% by midday"), kDown);
  EXPECT_EQ(Dir("MCX gold opens in red on profit taking"), kDown);
  EXPECT_EQ(Dir("gold futures retreat from last week's peak"), kDown);
  EXPECT_EQ(Dir("Gold sinks to a three-month low"), kDown);
  EXPECT_EQ(Dir("Gold surrenders early gains"), kDown);
  EXPECT_EQ(Dir("Gold snaps a five-day winning streak"), kDown);
  EXPECT_EQ(Dir("gold falls below $1,900 an ounce"), kDown);
  EXPECT_EQ(Dir("Strong jobs data weighs on gold"), kDown);
}

TEST_F(GoldTest, ReportsFlat) {
  EXPECT_EQ(Dir("Gold steady as traders wait for the central bank"), kFlat);
  EXPECT_EQ(Dir("gold little changed in thin holiday trade"), kFlat);
  EXPECT_EQ(Dir("Gold prices unchanged at $1,950"), kFlat);
  EXPECT_EQ(Dir("gold holds steady near $2,000"), kFlat);
  EXPECT_EQ(Dir("Gold holds above $1,850 ahead of the data"), kFlat);
  EXPECT_EQ(Dir("Gold range-bound as markets look for direction"), kFlat);
  EXPECT_EQ(Dir("bullion treads water before the rate decision"), kFlat);
  EXPECT_EQ(Dir("gold hovers near its record"), kFlat);
}

TEST_F(GoldTest, HoldVerbsTakeTheDirectionThatFollows) {
  EXPECT_EQ(Dir("Gold holds losses after the retail sales report"), kDown);
  EXPECT_EQ(Dir("gold remains higher after the data"), kUp);
  EXPECT_EQ(Dir("gold prices remain supported"), kFlat);
  EXPECT_EQ(Dir("gold still holds appeal for savers"), kNone);
}

TEST_F(GoldTest, Forecasts) {
  EXPECT_EQ(Dir("Gold seen rising to $2,300 by year-end"), kUp);
  EXPECT_EQ(Dir("gold may bounce back next week, analysts say"), kUp);
  EXPECT_EQ(Dir("Gold to extend gains on safe-haven demand"), kUp);
  EXPECT_EQ(Dir("Comex gold expected to open higher"), kUp);
  EXPECT_EQ(Dir("Gold could fall further if the Fed stays hawkish"), kDown);
  EXPECT_EQ(Dir("The bank raised its 2026 gold forecast to $2,600"), kUp);
  EXPECT_EQ(Dir("Broker cuts gold price target for next year"), kDown);
  EXPECT_EQ(Dir("Gold price forecasts were lowered by the bank"), kDown);
  EXPECT_EQ(Dir("gold to trade in a narrow range this week"), kFlat);
}

TEST_F(GoldTest, LeadingMoveAndOtherSubjects) {
  EXPECT_EQ(Dir("gold rises as dollar falls"), kUp);
  EXPECT_EQ(Dir("Gold fell in early trade, before rebounding by the close"),
            kDown);
  EXPECT_EQ(Dir("Dollar steady, gold slips"), kDown);
  EXPECT_EQ(Dir("gold gains while the dollar holds steady"), kUp);
  EXPECT_EQ(Dir("stocks rally, gold little changed"), kFlat);
  EXPECT_EQ(Dir("Silver and gold advance on weak yields"), kUp);
  EXPECT_EQ(Dir("oil, gold push lower"), kDown);
  EXPECT_EQ(Dir("Firm dollar hits gold"), kDown);
  EXPECT_EQ(Dir("Bullion, which touched a record last month, eased on Friday"),
            kDown);
}

// A gold name right before a colon labels the headline's topic: the clause
// after it is about gold, unless it names another subject.
TEST_F(GoldTest, TopicLabelBeforeAColon) {
  EXPECT_EQ(Dir("Gold: slide extends into a third session"), kDown);
  EXPECT_EQ(Dir("Gold prices: rebound seen as the dollar softens"), kUp);
  EXPECT_EQ(Dir("Bullion rates: prices ease in early trade"), kDown);
  EXPECT_EQ(Dir("Gold: silver jumps while stocks slip"), kNone);
  EXPECT_EQ(Dir("Metals desk: copper rallies on supply worries"), kNone);
}

TEST_F(GoldTest, SilverOrPlatinumAloneIsNotGold) {
  EXPECT_EQ(Dir("Silver jumps 3% to a six-month high"), kNone);
  EXPECT_EQ(Dir("platinum falls on weak car sales, palladium steady"), kNone);
  EXPECT_EQ(Dir("gold steady, silver tumbles"), kFlat);
  EXPECT_EQ(Dir("silver bullion rallies"), kNone);
}

TEST_F(GoldTest, RejectsOtherSenses) {
  EXPECT_EQ(Dir("Kenyan runner takes gold as world record falls"), kNone);
  EXPECT_EQ(Dir("She added a second gold medal to her tally"), kNone);
  EXPECT_EQ(Dir("Goldman Sachs shares rose 2% after earnings"), kNone);
  EXPECT_EQ(Dir("Ghana's gold output rose 8% last year"), kNone);
  EXPECT_EQ(Dir("gold production at the mine fell sharply"), kNone);
  EXPECT_EQ(Dir("Gold mining shares jumped on Tuesday"), kNone);
  EXPECT_EQ(Dir("The Philadelphia gold and silver index fell 1.5%"), kNone);
  EXPECT_EQ(Dir("Holdings of the largest gold ETF rose to 900 tonnes"), kNone);
  EXPECT_EQ(Dir("gold ETF holdings fell for a fifth week"), kNone);
  EXPECT_EQ(Dir("India's gold imports surged in May"), kNone);
  EXPECT_EQ(Dir("Jewellers report demand for gold rose before the festival"),
            kNone);
  EXPECT_EQ(Dir("the central bank's gold reserves were unchanged"), kNone);
  EXPECT_EQ(Dir("Gold Fields profit slumps on higher costs"), kNone);
  EXPECT_EQ(Dir("\"It was a tough game,\" Mr Gold said afterwards."), kNone);
  EXPECT_EQ(Dir("The Golden State Warriors won by 12"), kNone);
  EXPECT_EQ(Dir("Golden Globes ratings fell"), kNone);
}

// Issue 8: coins, medals, the gold standard and gold as a modifier report no
// price move, however the sentence moves.
TEST_F(GoldTest, CoinsMedalsStandardAndModifiers) {
  EXPECT_EQ(Dir("Sales of sovereign gold coins doubled in the spring"), kNone);
  EXPECT_EQ(Dir("A rare gold coin fetched a record price at auction"), kNone);
  EXPECT_EQ(Dir("The swimmer's gold medal haul rose to four"), kNone);
  EXPECT_EQ(Dir("Calls for a return to the gold standard grew louder"), kNone);
  EXPECT_EQ(Dir("Gold-plated pension bills climb again"), kNone);
  EXPECT_EQ(Dir("A gold-backed stablecoin jumped 12% in a day"), kNone);
  EXPECT_EQ(Dir("The gold-silver ratio slid to 75"), kNone);
  EXPECT_EQ(Dir("The gold/silver ratio rose above 90"), kNone);
  // Compounds that still name gold's price.
  EXPECT_EQ(Dir("MCX-gold slips Rs 150 in early trade"), kDown);
  EXPECT_EQ(Dir("A gold-price rally lifted jewellers' costs"), kUp);
  EXPECT_EQ(Dir("gold/silver prices climb on a soft dollar"), kUp);
}

TEST_F(GoldTest, RejectsQuestionsQuotesAndAdvice) {
  EXPECT_EQ(Dir("Will gold rise again this year?"), kNone);
  EXPECT_EQ(Dir("is gold about to break out?"), kNone);
  EXPECT_EQ(Dir("why gold could still fall from here"), kNone);
  EXPECT_EQ(Dir("spot gold quoted at $1,910 in Singapore"), kNone);
  EXPECT_EQ(Dir("buy gold on dips; target $2,050"), kNone);
  // A question after the report does not cancel it.
  EXPECT_EQ(Dir("Gold drops to a one-year low: time to buy?"), kDown);
  EXPECT_EQ(Dir("gold failed to rise despite the weak dollar"), kNone);
  EXPECT_EQ(Dir("If gold slips under $1,700, funds may sell"), kNone);
  EXPECT_EQ(Dir("The vault holds 80 tonnes of gold, up from 60 tonnes"), kNone);
}

TEST_F(GoldTest, MagnitudeDollarsPerOunce) {
  std::optional<Event> e =
      Detect("Spot gold rose as much as 0.6% to around $3,373 an ounce.");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kUp);
  EXPECT_TRUE(e->magnitude.has_percent);
  EXPECT_DOUBLE_EQ(e->magnitude.percent, 0.6);
  EXPECT_TRUE(e->magnitude.has_price);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 3373);
  EXPECT_EQ(e->magnitude.unit, "USD/oz");
}

TEST_F(GoldTest, MagnitudeRupeesPerTenGrams) {
  std::optional<Event> e =
      Detect("Gold eases to Rs 30,244 per 10 grams in Delhi");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kDown);
  EXPECT_FALSE(e->magnitude.has_percent);
  EXPECT_TRUE(e->magnitude.has_price);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 30244);
  EXPECT_EQ(e->magnitude.unit, "INR/10g");
}

TEST_F(GoldTest, MagnitudeSignedPercentAndChangeAmount) {
  // "$2.40" is the change; the price is the amount after "at".
  std::optional<Event> e =
      Detect("February gold fell $2.40, or 0.2%, to settle at $1,201.30/oz");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kDown);
  EXPECT_DOUBLE_EQ(e->magnitude.percent, -0.2);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 1201.3);
  EXPECT_EQ(e->magnitude.unit, "USD/oz");

  e = Detect("Gold was down 1.1 percent at 1,310 dollars per ounce");
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->magnitude.percent, -1.1);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 1310);
  EXPECT_EQ(e->magnitude.unit, "USD/oz");

  e = Detect("Gold could climb to 520 dlrs an ounce, the dealer said.");
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(e->magnitude.has_percent);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 520);

  e = Detect("gold futures gain 0.45 pct on firm overseas cues");
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->magnitude.percent, 0.45);
  EXPECT_FALSE(e->magnitude.has_price);

  // A hedged change is still a change.
  e = Detect("gold futures were down over $15 an ounce at midday");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kDown);
  EXPECT_FALSE(e->magnitude.has_price);

  // A change in rupees is not a price; the unit defaults per currency.
  e = Detect("Gold gains Rs 150 to Rs 31,400");
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->magnitude.price, 31400);
  EXPECT_EQ(e->magnitude.unit, "INR/10g");
}

TEST_F(GoldTest, MagnitudeStaysInGoldsClause) {
  std::optional<Event> e =
      Detect("Gold steady at $1,905; silver slumps 4% to $22.10");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kFlat);
  EXPECT_FALSE(e->magnitude.has_percent);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 1905);
}

TEST_F(GoldTest, MagnitudeBidAskAndOtherClauses) {
  // A bid/ask pair is not a quantity; the first price is taken.
  std::optional<Event> e = Detect(
      "Gold closed lower in London at 391.20/391.70 dlrs an ounce, dealers "
      "said.");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kDown);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 391.2);
  EXPECT_EQ(e->magnitude.unit, "USD/oz");
  // The percent belongs to the miners' shares, not to gold.
  e = Detect("Miners' shares dropped 6% as gold prices eased.");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kDown);
  EXPECT_FALSE(e->magnitude.has_percent);
}

TEST_F(GoldTest, MoveNounOfAnotherSubject) {
  EXPECT_EQ(Dir("Kinross Gold reported a rise in quarterly profit"), kNone);
  EXPECT_EQ(Dir("gold suffers from a drop in jewellery demand"), kNone);
  EXPECT_EQ(Dir("a surge in gold, silver prices"), kUp);
}

TEST_F(GoldTest, LevelsReachedNotYardsticks) {
  EXPECT_EQ(Dir("Gold touches a more than two-month high"), kUp);
  EXPECT_EQ(Dir("gold is still 20% below its record"), kNone);
  EXPECT_EQ(Dir("Gold drifts away from a five-week high"), kDown);
  EXPECT_EQ(Dir("gold bounces off its lows"), kUp);
  EXPECT_EQ(Dir("Gold off its highs as yields climb"), kDown);
}

TEST_F(GoldTest, TopicAliasNeedsGoldNamed) {
  EXPECT_EQ(Dir("Precious metals rallied across the board"), kNone);
  std::optional<Event> e =
      Detect("Gold prices are in focus. The metal rose 1% on Tuesday.");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kUp);
}

TEST_F(GoldTest, EvidenceOffsetsAndTerms) {
  const std::string title = "Gold Advances on Tensions";
  const std::string body =
      "Markets were calm on Monday. Spot gold rose 0.8% to $2,410.50 an "
      "ounce by noon.";
  const std::string text = title + "\n\n" + body;
  const uint32_t body_begin = static_cast<uint32_t>(title.size() + 2);
  std::optional<Event> e = Detect(text, body_begin);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->type, EventType::kGoldPriceMove);
  EXPECT_EQ(e->direction, kUp);
  ASSERT_EQ(e->evidence.size(), 2u);
  // The title first, then the body sentence with the move.
  const Evidence& t = e->evidence[0];
  EXPECT_EQ(text.substr(t.begin, t.end - t.begin), title);
  EXPECT_EQ(t.terms, (std::vector<std::string>{"Gold", "Advances"}));
  const Evidence& b = e->evidence[1];
  EXPECT_EQ(text.substr(b.begin, b.end - b.begin),
            "Spot gold rose 0.8% to $2,410.50 an ounce by noon.");
  EXPECT_EQ(b.terms, (std::vector<std::string>{"gold", "rose"}));
  // The title lacks a magnitude; the agreeing body sentence supplies it.
  EXPECT_DOUBLE_EQ(e->magnitude.percent, 0.8);
  EXPECT_DOUBLE_EQ(e->magnitude.price, 2410.5);
  // Title (1.0 x 0.95) plus one more sentence: above 0.75, capped at 1.
  EXPECT_GE(e->relevance, 0.75);
  EXPECT_LE(e->relevance, 1.0);
}

TEST_F(GoldTest, EvidenceIsTheLeadingDirection) {
  const std::string text =
      "Gold jumped 2% on Friday. Earlier in the week gold had slipped to "
      "$1,801.";
  std::optional<Event> e = Detect(text);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->direction, kUp);
  ASSERT_EQ(e->evidence.size(), 1u);
  EXPECT_EQ(e->evidence[0].begin, 0u);
  EXPECT_EQ(e->evidence[0].terms, (std::vector<std::string>{"Gold", "jumped"}));
  EXPECT_DOUBLE_EQ(e->magnitude.percent, 2);
  EXPECT_FALSE(e->magnitude.has_price);  // The $1,801 belongs to the dip.
}

TEST_F(GoldTest, RelevanceFallsWithPosition) {
  std::string late = "The session opened quietly. Traders watched the data. ";
  late += "Volumes were thin. Bonds were flat. Yields edged lower. ";
  late +=
      "Oil was mixed. Elsewhere, the metal slipped a little as gold demand "
      "in India cooled.";
  // "the metal" is a topic alias and gold is named here only in another
  // sense ("gold demand"), so nothing is reported.
  EXPECT_FALSE(Detect(late).has_value());

  std::optional<Event> lead = Detect("Gold fell 1% on Friday.");
  ASSERT_TRUE(lead.has_value());
  std::string text =
      "Stocks were mixed. Bonds rallied. Oil slid. Copper gained. ";
  text += "The yen firmed. The euro eased. Gold fell 1% on Friday.";
  std::optional<Event> deep = Detect(text);
  ASSERT_TRUE(deep.has_value());
  EXPECT_EQ(deep->direction, kDown);
  EXPECT_GT(lead->relevance, deep->relevance);
  EXPECT_GE(deep->relevance,
            kDefaultMinRelevance);  // Unambiguous: still reported.
}

TEST_F(GoldTest, NoGoldNoEvent) {
  EXPECT_FALSE(Detect("").has_value());
  EXPECT_FALSE(Detect("Oil prices rose 2% on supply worries.").has_value());
}

TEST(GoldDetectorCreateTest, RejectsMalformedRows) {
  struct Case {
    const char* content;
    const char* error;
  };
  const Case cases[] = {
      {"sparkle\tgold\tstrong\t1\n", "gold.tsv:1: unknown kind 'sparkle'"},
      {"alias\tgold\tloud\t1\n", "strength must be strong or topic"},
      {"move\tsoars\tsideways\t1\n", "direction must be up, down or flat"},
      {"move\tsoars\tup\t1.5\n", "confidence must be in (0, 1]"},
      {"move\ta b c d e\tup\t1\n", "phrase longer than 4 tokens"},
      {"move\tsoars\tup\t1\nnoun\tsoars\tdown\t1\n",
       "gold.tsv:2: term already has another direction"},
      {"cause\tlifts\tflat\t1\n", "direction must be up or down"},
      {"boundary\tbut\tfirm\n", "strength must be hard or soft"},
      {"currency\t$\tUSD\n", "currency and unit required"},
      {"unit\toz\n", "unit symbol required"},
  };
  for (const Case& c : cases) {
    ExpectLexiconError("gold.tsv", c.content, c.error,
                       [](const LexiconSet& l) -> absl::Status {
                         return GoldDetector::Create(l).status();
                       });
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
