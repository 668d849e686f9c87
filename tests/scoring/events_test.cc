// Copyright 2026 The Tidings Authors.

#include "scoring/internal/events.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/internal/entities.h"
#include "scoring/scorer.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring::internal {

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr EventType kTariff = EventType::kTariff;
constexpr EventType kSanctions = EventType::kSanctions;
constexpr EventType kGeo = EventType::kGeopoliticalTension;

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto analyzer = TextAnalyzer::Create(*lex);
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    analyzer_.emplace(*std::move(analyzer));
    auto entities = EntityModel::Create(*lex);
    ASSERT_TRUE(entities.ok()) << entities.status();
    entities_.emplace(*std::move(entities));
    auto detector = EventDetector::Create(*lex);
    ASSERT_TRUE(detector.ok()) << detector.status();
    detector_.emplace(*std::move(detector));
  }

  // Detects the events of `body` (with an optional title before it).
  const std::vector<Event>& Detect(std::string_view body,
                                   std::string_view title = "") {
    text_.clear();
    if (!title.empty()) text_.append(title).append("\n\n");
    body_begin_ = static_cast<uint32_t>(text_.size());
    text_.append(body);
    analyzer_->Analyze(text_, &at_);
    std::vector<EntityMention> mentions;
    entities_->Find(at_, &mentions);
    events_.clear();
    detector_->Detect(at_, body_begin_, mentions, *entities_, &events_);
    return events_;
  }

  // The event of type `type` among the last detected ones, or null.
  const Event* Find(EventType type) const {
    for (const Event& e : events_) {
      if (e.type == type) return &e;
    }
    return nullptr;
  }

  // Whether `text` reports an event of `type` at the default threshold.
  bool Reports(std::string_view text, EventType type) {
    Detect(text);
    const Event* e = Find(type);
    return e != nullptr && e->relevance >= kDefaultMinRelevance;
  }

  double Relevance(EventType type) const {
    const Event* e = Find(type);
    return e == nullptr ? 0 : e->relevance;
  }

  std::optional<TextAnalyzer> analyzer_;
  std::optional<EntityModel> entities_;
  std::optional<EventDetector> detector_;
  std::string text_;
  uint32_t body_begin_ = 0;
  AnalyzedText at_;
  std::vector<Event> events_;
};

struct ActionCase {
  const char* text;
  EventType type;
  Direction direction;
};

TEST_F(EventsTest, TariffActions) {
  const ActionCase cases[] = {
      {"Washington imposed tariffs of 25% on Chinese steel.", kTariff,
       Direction::kImposed},
      {"The EU slapped anti-dumping duties on imported bicycles.", kTariff,
       Direction::kImposed},
      {"Ottawa raised the import duty on American dairy products.", kTariff,
       Direction::kRaised},
      {"The president threatened tariffs on every car imported from Mexico.",
       kTariff, Direction::kThreatened},
      {"The White House postponed the planned tariffs on European wine.",
       kTariff, Direction::kDelayed},
      {"India cut customs duties on electronic components.", kTariff,
       Direction::kEased},
      {"Seoul will lift its import quotas on beef next year.", kTariff,
       Direction::kLifted},
  };
  for (const ActionCase& c : cases) {
    Detect(c.text);
    const Event* e = Find(c.type);
    EXPECT_NE(e, nullptr) << c.text;
    if (e == nullptr) continue;
    EXPECT_GE(e->relevance, kDefaultMinRelevance) << c.text;
    EXPECT_EQ(e->direction, c.direction) << c.text;
  }
}

TEST_F(EventsTest, SanctionsActions) {
  const ActionCase cases[] = {
      {"Britain imposed sanctions on three Iranian banks.", kSanctions,
       Direction::kImposed},
      {"The EU tightened sanctions on Belarus after the election.", kSanctions,
       Direction::kRaised},
      {"Washington threatened sanctions against Caracas over the vote.",
       kSanctions, Direction::kThreatened},
      {"Brussels delayed a decision on new sanctions against Moscow.",
       kSanctions, Direction::kDelayed},
      {"The UN eased sanctions on Eritrea.", kSanctions, Direction::kEased},
      {"Washington lifted the arms embargo on Hanoi.", kSanctions,
       Direction::kLifted},
  };
  for (const ActionCase& c : cases) {
    Detect(c.text);
    const Event* e = Find(c.type);
    EXPECT_NE(e, nullptr) << c.text;
    if (e == nullptr) continue;
    EXPECT_GE(e->relevance, kDefaultMinRelevance) << c.text;
    EXPECT_EQ(e->direction, c.direction) << c.text;
  }
}

TEST_F(EventsTest, GeopoliticalActions) {
  const ActionCase cases[] = {
      {"Fighting escalated on the border between Armenia and Azerbaijan.", kGeo,
       Direction::kEscalation},
      {"Rebels attacked an army base in the north, killing nine soldiers.",
       kGeo, Direction::kEscalation},
      {"Ethiopia and the rebels agreed a ceasefire on Sunday.", kGeo,
       Direction::kDeEscalation},
      {"Stocks rose as tensions in the Middle East eased.", kGeo,
       Direction::kDeEscalation},
      {"Peace talks between Colombia and the guerrillas resumed in Havana.",
       kGeo, Direction::kDeEscalation},
  };
  for (const ActionCase& c : cases) {
    Detect(c.text);
    const Event* e = Find(c.type);
    EXPECT_NE(e, nullptr) << c.text;
    if (e == nullptr) continue;
    EXPECT_GE(e->relevance, kDefaultMinRelevance) << c.text;
    EXPECT_EQ(e->direction, c.direction) << c.text;
  }
}

TEST_F(EventsTest, TradeWarsDisputesAndRetaliationAreTariffs) {
  EXPECT_TRUE(Reports(
      "Fears of a trade war between Washington and Beijing grew.", kTariff));
  EXPECT_TRUE(Reports(
      "Tokyo warned it would retaliate against American exports.", kTariff));
  EXPECT_TRUE(Reports(
      "The dispute with Japan over semiconductor trade deepened.", kTariff));
  EXPECT_TRUE(
      Reports("Brazil filed a complaint at the WTO over U.S. cotton payments.",
              kTariff));
  EXPECT_TRUE(Reports("Canada's duty on gold imports was doubled.", kTariff));
}

TEST_F(EventsTest, TradeSanctionsAreBothTariffAndSanctions) {
  Detect(
      "The U.S. will lift trade sanctions on $300 million of Japanese goods.");
  ASSERT_NE(Find(kTariff), nullptr);
  ASSERT_NE(Find(kSanctions), nullptr);
  EXPECT_GE(Find(kTariff)->relevance, kDefaultMinRelevance);
  EXPECT_GE(Find(kSanctions)->relevance, kDefaultMinRelevance);
  EXPECT_EQ(Find(kSanctions)->direction, Direction::kLifted);
  // Sanctions on a regime with no trade dispute are sanctions only.
  EXPECT_TRUE(Reports("Canada announced sanctions against the Syrian regime.",
                      kSanctions));
  EXPECT_FALSE(Reports("Canada announced sanctions against the Syrian regime.",
                       kTariff));
}

TEST_F(EventsTest, SanctionsForms) {
  EXPECT_TRUE(Reports("The junta, sanctioned by Washington, turned to Beijing.",
                      kSanctions));
  EXPECT_TRUE(Reports("The EU froze the assets of five Iranian officials.",
                      kSanctions));
  EXPECT_TRUE(Reports("The Treasury blacklisted two Venezuelan oil firms.",
                      kSanctions));
  EXPECT_TRUE(Reports("An oil embargo on Pretoria was debated.", kSanctions));
}

TEST_F(EventsTest, ActorsAreCountriesBlocsAndLeadersCountries) {
  Detect("The European Union imposed sanctions on Moscow.");
  ASSERT_NE(Find(kSanctions), nullptr);
  EXPECT_THAT(Find(kSanctions)->actors, ElementsAre("bloc:EU", "country:RU"));

  Detect("Biden threatened tariffs on Chinese solar panels.");
  ASSERT_NE(Find(kTariff), nullptr);
  EXPECT_THAT(Find(kTariff)->actors, ElementsAre("country:US", "country:CN"));

  // Institutions and commodities are not actors.
  Detect("The Fed warned that US tariffs on steel would lift prices.");
  ASSERT_NE(Find(kTariff), nullptr);
  EXPECT_THAT(Find(kTariff)->actors, ElementsAre("country:US"));
}

struct SenseCase {
  const char* text;
  EventType type;
};

TEST_F(EventsTest, RejectsOtherSenses) {
  const SenseCase cases[] = {
      // "sanction": approval, sport, doping, courts, regulators, creditors.
      {"The race was sanctioned by the league last week.", kSanctions},
      {"The committee refused to sanction the new stadium.", kSanctions},
      {"Shareholders voted to sanction the merger.", kSanctions},
      {"The winger faces sanctions from the club after the brawl.", kSanctions},
      {"The cyclist escaped sanction despite the doping test result.",
       kSanctions},
      {"The judge imposed sanctions on the lawyers for misleading the court.",
       kSanctions},
      {"The watchdog sanctioned the broker for misconduct.", kSanctions},
      {"Creditors threatened sanctions against the struggling retailer.",
       kSanctions},
      {"Jobseekers who miss interviews face benefit sanctions.", kSanctions},
      // "war" as a metaphor, a name or history.
      {"Supermarkets are locked in a price war.", kGeo},
      {"A bidding war broke out for the football club.", kGeo},
      {"The two ministers were caught in a war of words.", kGeo},
      {"The war on drugs has cost billions.", kGeo},
      {"The factory was rebuilt after World War II.", kGeo},
      {"The Cold War ended in 1991.", kGeo},
      {"The film is set in the trenches of the war.", kGeo},
      // Tariffs, duties and quotas that are not trade barriers.
      {"Households will pay more as phone and broadband tariffs rise.",
       kTariff},
      {"Energy suppliers cut their standard tariffs.", kTariff},
      {"The water company wants a tariff rise of 20%.", kTariff},
      {"The judge set a tariff of 18 years for the murder.", kTariff},
      {"Motorists welcomed the freeze in fuel duty.", kTariff},
      {"First-time buyers will pay no stamp duty.", kTariff},
      {"Call of Duty sold ten million copies.", kTariff},
      {"The manager was relieved of his duties.", kTariff},
      {"Directors have a legal duty to act in good faith.", kTariff},
      {"OPEC agreed to raise its production quota.", kTariff},
      {"Fishermen protested against the cod quotas.", kTariff},
      // Sports, labour, crime and business senses of attack, strike, coup.
      {"The striker led the attack in the second half of the game.", kGeo},
      {"Rail workers will strike next week over pay.", kGeo},
      {"He died of a heart attack.", kGeo},
      {"Landing the contract was a publicity coup for the firm.", kGeo},
      {"Hackers attacked the retailer's computer systems.", kGeo},
      {"The columnist attacked the minister's comments.", kGeo},
      {"He denied any conflict of interest.", kGeo},
      {"The nuclear power plant will close next year.", kGeo},
      {"Raytheon won a missile contract from the army.", kGeo},
      {"The Russian envoy pledged to restore ties, Russian news agencies "
       "reported.",
       kGeo},
      {"The WTO will hold membership talks with Iraq and Afghanistan.", kGeo},
  };
  for (const SenseCase& c : cases) {
    EXPECT_FALSE(Reports(c.text, c.type)) << Name(c.type) << ": " << c.text;
  }
}

TEST_F(EventsTest, AcceptsGeopoliticalSenses) {
  const char* cases[] = {
      "Oil rose after drone attacks on a refinery in the Gulf.",
      "Gold climbs as North Korea tensions mount.",
      "The war in Ukraine disrupted grain exports.",
      "Insurgents ambushed a convoy outside Kabul.",
      "Pakistan test-fired a nuclear-capable missile.",
      "Iran resumed uranium enrichment on Monday.",
      "The army staged a coup and arrested the president of Niger.",
      "Gunboats attacked a tanker near the Strait of Hormuz.",
  };
  for (const char* text : cases) {
    EXPECT_TRUE(Reports(text, kGeo)) << text;
  }
}

// Issue 8: each sense below is a class in events.tsv (a context group that
// rejects or a required boost), not a phrase.
TEST_F(EventsTest, TariffSensesPricePlansSentencingAndDomesticTaxes) {
  const char* not_trade[] = {
      // Price plans of phone, broadband, water and energy providers.
      "Ofgem says a family on the default tariff pays £1,700 a year.",
      "Switch tariff now and lock in a lower unit rate, the broker advises.",
      "The firm's new SIM-only tariff gives 50GB of data for £12 a month.",
      "Homes with solar panels are paid a feed-in tariff for spare power.",
      "The utility raised its standing charge and tariffs for households.",
      // Criminal sentencing.
      "The killer was told his minimum tariff would be 25 years.",
      "Judges, not ministers, now set whole-life tariffs.",
      // Domestic taxes and duties.
      "Duty on a bottle of whisky will go up by 40p.",
      "The chancellor kept fuel duty frozen in the autumn statement.",
  };
  for (const char* text : not_trade) {
    EXPECT_FALSE(Reports(text, kTariff)) << text;
  }
  const char* trade[] = {
      // A trade word right next to "tariff" wins over consumer words.
      "A tariff on imported steel will raise prices for consumers.",
      "Shoppers will pay more once tariffs on foreign-made toys start.",
      // Retaliation and measure verbs make "duty" a trade duty.
      "Mexico hits back with duties on American pork and apples.",
      "Paris and Washington agreed to remove duties on wine and aircraft.",
      "Egypt halted poultry imports for six months.",
  };
  for (const char* text : trade) {
    EXPECT_TRUE(Reports(text, kTariff)) << text;
  }
}

TEST_F(EventsTest, BansOnRegimesAreSanctionsNotTariffs) {
  const char* text =
      "Brussels banned imports of Russian timber in its latest sanctions "
      "package.";
  EXPECT_TRUE(Reports(text, kSanctions));
  EXPECT_FALSE(Reports(text, kTariff));
  // Trade "sanctions" against a regime are sanctions only; in a trade
  // dispute over goods they are punitive tariffs too.
  text = "Norway decreed trade sanctions against the apartheid regime.";
  EXPECT_TRUE(Reports(text, kSanctions));
  EXPECT_FALSE(Reports(text, kTariff));
  EXPECT_TRUE(Reports(
      "Washington imposed trade sanctions on Japanese electronics goods.",
      kTariff));
}

TEST_F(EventsTest, SanctionsAimedAtStates) {
  const char* cases[] = {
      "Seoul banned exports of dual-use machinery to Pyongyang.",
      "The EU is weighing a ban on Belarusian potash.",
      "Ottawa froze about $100m of assets held by the Syrian central bank.",
      "London moved to sanction two Russian generals over the strikes.",
      "Ministers discussed restrictive measures against Caracas.",
  };
  for (const char* text : cases) {
    EXPECT_TRUE(Reports(text, kSanctions)) << text;
  }
}

TEST_F(EventsTest, SanctionSensesSportDisciplineApprovalAndFreezes) {
  const char* cases[] = {
      "The boxing board sanctioned the bout for next month.",
      "The league sanctioned the striker for diving.",
      "The regulator sanctioned the adviser for mis-selling.",
      "The trustees sanctioned the sale of the headquarters.",
      "Nurses face a pay freeze next year.",
      "The retailer announced a freeze on hiring.",
      "Police froze the accounts of the suspected fraudsters.",
      "The bank froze the customer's savings after the scam.",
      "The statement is under embargo until 9am.",
      "Teachers' unions began sanctions short of a strike.",
  };
  for (const char* text : cases) {
    EXPECT_FALSE(Reports(text, kSanctions)) << text;
  }
}

TEST_F(EventsTest, GeopoliticalWithoutWarWords) {
  const char* cases[] = {
      "Militants abducted a dozen oil workers near the border.",
      "Iran seized a Greek tanker in the Strait of Hormuz.",
      "Frigates will escort container ships through the strait.",
      "A drone hit a fuel depot in the port, officials said.",
      "Warsaw expelled two Belarusian diplomats.",
      "Demonstrators stormed the French embassy in the capital.",
      "Officers seized power and suspended the constitution in Guinea's army "
      "barracks revolt.",
      "The Security Council met after fighting killed 40 civilians.",
      "The embassy was evacuated as fighting spread.",
      "Naval vessels shadowed each other near the disputed reef.",
      "Chinese coast guard ships used a water cannon near the disputed "
      "islands.",
  };
  for (const char* text : cases) {
    EXPECT_TRUE(Reports(text, kGeo)) << text;
  }
}

TEST_F(EventsTest, GeopoliticalMetaphorsAndOtherSenses) {
  const char* cases[] = {
      "The two grocers are in a tug of war over suppliers.",
      "Sterling touched post-World War II lows.",
      "A price war among budget airlines hit fares.",
      "Landlords launched an attack on the new rent rules.",
      "Shareholders ousted the chief executive.",
      "Protesting fans stormed the pitch.",
      "The courier will deliver parcels by drone.",
      "Customs officers seized heroin hidden in a lorry.",
      "Traders seized on the weak data.",
      "Police said the kidnapping was a robbery by a local gang.",
      "Detectives found no links to terrorism.",
  };
  for (const char* text : cases) {
    EXPECT_FALSE(Reports(text, kGeo)) << text;
  }
}

TEST_F(EventsTest, HistoricalMentionsAreDiscounted) {
  EXPECT_FALSE(Reports("The agency was created after the 1973 oil embargo.",
                       kSanctions));
  EXPECT_FALSE(
      Reports("Prices doubled during the 1990 invasion of Kuwait.", kGeo));
  EXPECT_FALSE(
      Reports("It is the first election since the conflict ended.", kGeo));
  // The same words reported as current pass.
  EXPECT_TRUE(Reports("An oil embargo on the regime took effect.", kSanctions));
  // Prices and quantities are not years.
  EXPECT_TRUE(
      Reports("Gold hit $1990 as tensions in the Middle East mounted.", kGeo));
  EXPECT_TRUE(
      Reports("The army moved 2000 troops to the border with Syria.", kGeo));
}

// Filler sentences without events.
std::string Filler(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "The company reported quarterly results in line with forecasts. ";
  }
  return out;
}

TEST_F(EventsTest, RelevanceDependsOnPositionAndConfidence) {
  // An unambiguous trigger in the title: the story is about it.
  Detect("Shares were little changed.",
         "EU imposes anti-dumping duties on Chinese steel");
  EXPECT_GE(Relevance(kTariff), 0.75);

  // An ambiguous mention (a country and "invasion") in the lead passes...
  const std::string mention =
      "Analysts said the invasion of Ukraine weighed on demand. ";
  Detect(mention + Filler(8));
  EXPECT_GE(Relevance(kGeo), kDefaultMinRelevance);
  EXPECT_LT(Relevance(kGeo), 0.75);
  // ...but late in a long text it falls below the default threshold.
  Detect(Filler(8) + mention);
  ASSERT_NE(Find(kGeo), nullptr);
  EXPECT_GT(Relevance(kGeo), 0);
  EXPECT_LT(Relevance(kGeo), kDefaultMinRelevance);

  // An unambiguous trigger passes anywhere.
  Detect(Filler(8) + "The EU imposed anti-dumping duties on the imports. ");
  EXPECT_GE(Relevance(kTariff), kDefaultMinRelevance);

  // A weak cue never becomes an event on its own.
  Detect("The war was long. " + Filler(2));
  EXPECT_LT(Relevance(kGeo), kDefaultMinRelevance);
}

TEST_F(EventsTest, EvidenceHasSentenceOffsetsAndTerms) {
  const std::string body =
      "Markets were calm. Japan threatened tariffs on US rice. Shares rose.";
  Detect(body);
  const Event* e = Find(kTariff);
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->evidence.size(), 1u);
  const Evidence& ev = e->evidence[0];
  EXPECT_EQ(text_.substr(ev.begin, ev.end - ev.begin),
            "Japan threatened tariffs on US rice.");
  EXPECT_THAT(ev.terms, ElementsAre("tariffs", "threatened"));
}

TEST_F(EventsTest, OneEventPerTypeWithCappedEvidence) {
  std::string body;
  for (int i = 0; i < 9; ++i)
    body += "Canada imposed new tariffs on US steel. ";
  body += "Rebels attacked a military convoy in Mali.";
  Detect(body);
  int tariffs = 0;
  for (const Event& e : events_) tariffs += e.type == kTariff;
  EXPECT_EQ(tariffs, 1);
  const Event* t = Find(kTariff);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->evidence.size(), 5u);
  EXPECT_DOUBLE_EQ(t->relevance, 1.0);
  // Evidence is listed in text order.
  for (size_t i = 1; i < t->evidence.size(); ++i) {
    EXPECT_LT(t->evidence[i - 1].begin, t->evidence[i].begin);
  }
  ASSERT_NE(Find(kGeo), nullptr);
  EXPECT_EQ(Find(kGeo)->evidence.size(), 1u);
}

TEST_F(EventsTest, StrongestEvidenceDecidesDirection) {
  // The title (weight 1.0) lifts; a later sentence threatens.
  Detect("Officials said new tariffs could follow next year.",
         "Mexico lifts tariffs on US corn");
  ASSERT_NE(Find(kTariff), nullptr);
  EXPECT_EQ(Find(kTariff)->direction, Direction::kLifted);
  EXPECT_EQ(Find(kTariff)->evidence.size(), 2u);
}

TEST_F(EventsTest, NothingInOrdinaryNews) {
  EXPECT_THAT(Detect("The bank said profits rose 5% on higher lending."),
              IsEmpty());
  EXPECT_THAT(Detect(""), IsEmpty());
}

TEST(EventDetectorCreateTest, RejectsMalformedRows) {
  struct Case {
    const char* content;
    const char* error;
  };
  const Case cases[] = {
      {"NONSENSE\tx\n", "events.tsv:1: unknown row kind"},
      {"GROUP\tg\tsomewhere\tx\n", "unknown scope"},
      {"TRIGGER\ttariff\ttariffs\t0.5\tnogroup+0.1\t-\t-\n", "bad boost"},
      {"TRIGGER\tweather\train\t0.5\t-\t-\t-\n", "unknown event type"},
      {"TRIGGER\ttariff\ttariffs\tlots\t-\t-\t-\n", "base must be a number"},
      {"ACTION\tSIDEWAYS\ttariff\t3\t1\tx\n", "unknown direction"},
      {"PARAM\tspeed\t3\n", "unknown PARAM"},
      {"YEARGUARD\tsideways\tx\n", "YEARGUARD rows"},
      {"TRIGGER\ttariff\t#\t0.5\t-\t-\t-\n", "TRIGGER rows have 7 fields"},
  };
  for (const Case& c : cases) {
    ExpectLexiconError("events.tsv", c.content, c.error,
                       [](const LexiconSet& l) -> absl::Status {
                         return EventDetector::Create(l).status();
                       });
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
