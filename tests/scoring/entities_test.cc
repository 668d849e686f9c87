// Copyright 2026 The Tidings Authors.

#include "scoring/internal/entities.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/internal/companies.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring::internal {

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class EntitiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto analyzer = TextAnalyzer::Create(*lex);
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    analyzer_.emplace(*std::move(analyzer));
    auto model = EntityModel::Create(*lex);
    ASSERT_TRUE(model.ok()) << model.status();
    model_.emplace(*std::move(model));
  }

  // The ids of the entities mentioned in `text`, in order of mention.
  std::vector<std::string> Ids(std::string_view text) {
    analyzer_->Analyze(text, &at_);
    std::vector<EntityMention> mentions;
    model_->Find(at_, &mentions);
    std::vector<std::string> out;
    for (const EntityMention& m : mentions)
      out.push_back(model_->info(m.entity).id);
    return out;
  }

  // The text of each mention.
  std::vector<std::string> Spans(std::string_view text) {
    analyzer_->Analyze(text, &at_);
    std::vector<EntityMention> mentions;
    model_->Find(at_, &mentions);
    std::vector<std::string> out;
    for (const EntityMention& m : mentions) {
      uint32_t b = at_.tokens[m.first_token].begin,
               e = at_.tokens[m.end_token - 1].end;
      out.emplace_back(text.substr(b, e - b));
    }
    return out;
  }

  int32_t ActorOf(std::string_view id) {
    for (uint32_t e = 0; e < model_->size(); ++e) {
      if (model_->info(e).id == id) return model_->ActorOf(e);
    }
    ADD_FAILURE() << "no entity " << id;
    return -1;
  }

  std::optional<TextAnalyzer> analyzer_;
  std::optional<EntityModel> model_;
  AnalyzedText at_;
};

TEST_F(EntitiesTest, CountryNamesAndShortForms) {
  EXPECT_THAT(Ids("The United States and the U.S.A. are America."),
              ElementsAre("country:US", "country:US", "country:US"));
  EXPECT_THAT(Ids("Britain, the UK and Great Britain"),
              ElementsAre("country:GB", "country:GB", "country:GB"));
  EXPECT_THAT(Ids("South Africa, North Korea and South Korea"),
              ElementsAre("country:ZA", "country:KP", "country:KR"));
}

TEST_F(EntitiesTest, UsOnlyWhenUpperCase) {
  EXPECT_THAT(Ids("US imposes duties"), ElementsAre("country:US"));
  EXPECT_THAT(Ids("Tell us what you think of it."), IsEmpty());
  EXPECT_THAT(Ids("Let US know"),
              ElementsAre("country:US"));  // Written in capitals.
  EXPECT_THAT(Ids("The UN said so; un peu"), ElementsAre("inst:un"));
}

TEST_F(EntitiesTest, CapitalisedAliasesNeedCapitals) {
  EXPECT_THAT(Ids("Turkey raised rates."), ElementsAre("country:TR"));
  EXPECT_THAT(Ids("We ate turkey at home."), IsEmpty());
  EXPECT_THAT(Ids("The Fed held rates."), ElementsAre("inst:fed"));
  EXPECT_THAT(Ids("Investors are fed up."), IsEmpty());
}

TEST_F(EntitiesTest, Demonyms) {
  EXPECT_THAT(Ids("Japanese goods and Russian oil"),
              ElementsAre("country:JP", "country:RU", "commodity:oil"));
  EXPECT_THAT(Ids("WHITE HOUSE SLAPS TARIFFS ON JAPANESE GOODS"),
              ElementsAre("country:US", "country:JP"));
  EXPECT_THAT(Ids("Western sanctions"), ElementsAre("bloc:WEST"));
}

TEST_F(EntitiesTest, CapitalsAndSeatsOfGovernment) {
  EXPECT_THAT(Ids("Washington and Moscow traded barbs; the Kremlin denied it."),
              ElementsAre("country:US", "country:RU", "country:RU"));
  EXPECT_THAT(Ids("Downing Street, Brussels, Beijing, Tehran and Pyongyang"),
              ElementsAre("country:GB", "bloc:EU", "country:CN", "country:IR",
                          "country:KP"));
  EXPECT_THAT(Ids("A White House spokesman"), ElementsAre("country:US"));
}

TEST_F(EntitiesTest, LeadersMapToTheirCountry) {
  EXPECT_THAT(
      Ids("Putin met Xi Jinping after Trump called Biden."),
      ElementsAre("person:putin", "person:xi", "person:trump", "person:biden"));
  EXPECT_EQ(model_->info(ActorOf("person:putin")).id, "country:RU");
  EXPECT_EQ(model_->info(ActorOf("person:reagan")).id, "country:US");
  EXPECT_EQ(model_->info(ActorOf("person:xi")).id, "country:CN");
  EXPECT_EQ(model_->info(ActorOf("country:JP")).id, "country:JP");
  EXPECT_EQ(model_->info(ActorOf("bloc:EU")).id, "bloc:EU");
  // Institutions and commodities are not parties to events.
  EXPECT_EQ(ActorOf("inst:fed"), -1);
  EXPECT_EQ(ActorOf("commodity:gold"), -1);
}

TEST_F(EntitiesTest, InstitutionsAndCommodities) {
  EXPECT_THAT(
      Ids("The Federal Reserve, the ECB, the Bank of England and the BoJ"),
      ElementsAre("inst:fed", "inst:ecb", "inst:boe", "inst:boj"));
  EXPECT_THAT(Ids("The People's Bank of China and the IMF"),
              ElementsAre("inst:pboc", "inst:imf"));
  EXPECT_THAT(Ids("Gold, silver and copper rose; bullion gained."),
              ElementsAre("commodity:gold", "commodity:silver",
                          "commodity:copper", "commodity:gold"));
  EXPECT_EQ(model_->info(0).kind, EntityKind::kCountry);
}

TEST_F(EntitiesTest, LongestMatchAndBlocks) {
  EXPECT_THAT(Spans("the Bank of England said"),
              ElementsAre("Bank of England"));
  EXPECT_THAT(Spans("United States Treasury"), ElementsAre("United States"));
  // Blocking aliases: not the Fed, not the US government, not gold.
  EXPECT_THAT(Ids("France won the Fed Cup."), ElementsAre("country:FR"));
  EXPECT_THAT(Ids("The Washington Post reported it."), IsEmpty());
  EXPECT_THAT(Ids("She won a gold medal."), IsEmpty());
  EXPECT_THAT(Ids("Protests in the West Bank"), ElementsAre("country:PS"));
}

TEST_F(EntitiesTest, HyphenatedCompounds) {
  EXPECT_THAT(Ids("US-China trade talks"),
              ElementsAre("country:US", "country:CN"));
  // Lower-case headline: "us" next to another entity is the country.
  EXPECT_THAT(Ids("gold slips as us-china fears ease"),
              ElementsAre("commodity:gold", "country:US", "country:CN"));
  EXPECT_THAT(Ids("the Iraq-Iran war"),
              ElementsAre("country:IQ", "country:IR"));
  EXPECT_THAT(Ids("Trump-era tariffs"), ElementsAre("person:trump"));
}

TEST_F(EntitiesTest, SummarizeCountsMostMentionedFirst) {
  analyzer_->Analyze(
      "Japan and the US. Tokyo said the U.S. and Washington agreed.", &at_);
  std::vector<EntityMention> mentions;
  model_->Find(at_, &mentions);
  std::vector<Entity> entities = model_->Summarize(mentions);
  ASSERT_EQ(entities.size(), 2u);
  EXPECT_EQ(entities[0].id, "country:US");
  EXPECT_EQ(entities[0].mentions, 3u);
  EXPECT_EQ(entities[0].name, "United States");
  EXPECT_EQ(entities[0].kind, EntityKind::kCountry);
  EXPECT_EQ(entities[1].id, "country:JP");
  EXPECT_EQ(entities[1].mentions, 2u);

  analyzer_->Analyze("Putin spoke.", &at_);
  mentions.clear();
  model_->Find(at_, &mentions);
  entities = model_->Summarize(mentions);
  ASSERT_EQ(entities.size(), 1u);
  EXPECT_EQ(entities[0].kind, EntityKind::kPerson);
  EXPECT_EQ(entities[0].country, "country:RU");
}

TEST_F(EntitiesTest, MentionOffsetsCoverTheAlias) {
  EXPECT_THAT(Spans("Shares fell in Hong Kong and New Delhi."),
              ElementsAre("Hong Kong", "New Delhi"));
}

// ---------------------------------------------------------------------------
// Companies (companies.h), markets and currencies.

class CompaniesTest : public EntitiesTest {
 protected:
  void SetUp() override {
    EntitiesTest::SetUp();
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto finder = CompanyFinder::Create(*lex, *analyzer_);
    ASSERT_TRUE(finder.ok()) << finder.status();
    finder_.emplace(*std::move(finder));
  }

  // The entities of `text` as the scorer lists them: "id name" each.
  std::vector<std::string> Listed(std::string_view text) {
    text_ = std::string(text);
    analyzer_->Analyze(text_, &at_);
    std::vector<EntityMention> known;
    model_->Find(at_, &known);
    CompanyMentions companies;
    finder_->Find(at_, *model_, known, &companies);
    std::vector<Entity> entities;
    ListScratch scratch;
    ListEntities(at_, *model_, known, companies, &entities, &mentions_,
                 &scratch);
    std::vector<std::string> out;
    for (const Entity& e : entities) out.push_back(e.id + " " + e.name);
    return out;
  }
  // The companies alone.
  std::vector<std::string> Companies(std::string_view text) {
    std::vector<std::string> out;
    for (const std::string& e : Listed(text)) {
      if (e.rfind("company:", 0) == 0) out.push_back(e);
    }
    return out;
  }

  std::optional<CompanyFinder> finder_;
  std::string text_;
  DocumentMentions mentions_;
};

TEST_F(CompaniesTest, ANameBeforeACorporateWord) {
  EXPECT_THAT(Companies("Acme Mining posts Q3 loss"),
              ElementsAre("company:acme-mining Acme Mining"));
  EXPECT_THAT(Companies("Infosys shares rise 3 %"),
              ElementsAre("company:infosys Infosys"));
  EXPECT_THAT(Companies("Zentrix jumps after results"),
              ElementsAre("company:zentrix Zentrix"));
  EXPECT_THAT(Companies("Analysts like Zentrix's profit outlook"),
              ElementsAre("company:zentrix Zentrix"));
  EXPECT_THAT(Companies("Regulators asked Zentrix Q3 numbers"),
              ElementsAre("company:zentrix Zentrix"));
}

TEST_F(CompaniesTest, IndustryNounsSuffixesAndCashtags) {
  EXPECT_THAT(Companies("Tata Motors says it will hire"),
              ElementsAre("company:tata-motors Tata Motors"));
  EXPECT_THAT(Companies("Shares of Axis Bank fell"),
              ElementsAre("company:axis-bank Axis Bank"));
  EXPECT_THAT(Companies("Cox & Kings and Bank of Baroda shares rose"),
              ElementsAre("company:cox-&-kings Cox & Kings",
                          "company:bank-of-baroda Bank of Baroda"));
  // The legal suffix is no part of the name or the id.
  EXPECT_THAT(Companies("Orvex Holdings Ltd raised its dividend"),
              ElementsAre("company:orvex-holdings Orvex Holdings"));
  EXPECT_THAT(Companies("Zentrix Inc and Zentrix agreed"),
              ElementsAre("company:zentrix Zentrix"));
  EXPECT_THAT(Companies("Traders piled into $ZTX today"),
              ElementsAre("company:ztx ZTX"));
  EXPECT_THAT(Companies("ZENTRIX CORP <ZTX> 1ST QTR NET"),
              ElementsAre("company:zentrix ZENTRIX"));
}

TEST_F(CompaniesTest, ListsShareTheirCue) {
  EXPECT_THAT(Companies("Zentrix, Orvex and Quellon gain"),
              ElementsAre("company:zentrix Zentrix", "company:orvex Orvex",
                          "company:quellon Quellon"));
  EXPECT_THAT(Companies("Buy Zentrix, Orvex: broker"),
              ElementsAre("company:zentrix Zentrix", "company:orvex Orvex"));
  // A list starts the sentence or a clause: London lends nothing here.
  EXPECT_THAT(Companies("In London, Zentrix shares rose"),
              ElementsAre("company:zentrix Zentrix"));
}

TEST_F(CompaniesTest, WhatIsNoCompany) {
  EXPECT_THAT(Companies("On Monday shares fell sharply"), IsEmpty());
  EXPECT_THAT(Companies("Monday shares fell"), IsEmpty());
  EXPECT_THAT(Companies("The shares rose"), IsEmpty());
  EXPECT_THAT(Companies("Markets jump on data"), IsEmpty());
  EXPECT_THAT(Companies("Analysts say the rally will last"), IsEmpty());
  // A known entity, a person, a title, a sentence in capitals.
  EXPECT_THAT(Listed("The Federal Reserve says rates will stay"),
              ElementsAre("inst:fed Federal Reserve"));
  EXPECT_THAT(Companies("Jane Roe says the deal is done"), IsEmpty());
  EXPECT_THAT(Companies("Jane Roe buys 2% of the bank"), IsEmpty());
  EXPECT_THAT(Companies("Finance Minister Jane Roe says so"), IsEmpty());
  EXPECT_THAT(Companies("ZENTRIX PAYS DIVIDEND"), IsEmpty());
  // A base-form verb after one name is a noun.
  EXPECT_THAT(Companies("Sharp fall seen in metals"), IsEmpty());
}

TEST_F(CompaniesTest, AKnownNameInsideACompanyNameIsTheCompanys) {
  EXPECT_THAT(Listed("Tata Steel shares fall"),
              ElementsAre("company:tata-steel Tata Steel"));
  // For the events, the known entity is still mentioned.
  EXPECT_THAT(Ids("Tata Steel shares fall"), ElementsAre("commodity:steel"));
  EXPECT_THAT(Listed("Steel prices fall"),
              ElementsAre("commodity:steel Steel"));
}

TEST_F(CompaniesTest, LaterMentionsOfANameFound) {
  EXPECT_THAT(Listed("Zentrix posts a loss. Later Zentrix said it would cut "
                     "jobs in Japan."),
              ElementsAre("company:zentrix Zentrix", "country:JP Japan"));
  ASSERT_EQ(mentions_.size(), 3u);
  EXPECT_EQ(mentions_[0].entity, 0u);
  EXPECT_EQ(mentions_[1].entity, 0u);
  EXPECT_EQ(mentions_[2].entity, 1u);
}

TEST_F(CompaniesTest, MostMentionedFirst) {
  // Orvex and Japan twice each: on a tie, known entities first.
  EXPECT_THAT(Listed("Orvex posts a loss. Japan said Orvex shares fall in "
                     "Japan and China."),
              ElementsAre("country:JP Japan", "company:orvex Orvex",
                          "country:CN China"));
  // The mentions in token order, each with its entity's place.
  std::vector<uint32_t> order;
  for (const DocumentMention& m : mentions_) order.push_back(m.entity);
  EXPECT_THAT(order, ElementsAre(1, 0, 1, 0, 2));
}

TEST_F(CompaniesTest, MarketsCurrenciesAndRegulators) {
  EXPECT_THAT(Ids("Sensex, Nifty end higher; rupee falls against the dollar"),
              ElementsAre("market:sensex", "market:nifty", "currency:INR",
                          "currency:USD"));
  EXPECT_THAT(
      Ids("Wall Street and the FTSE 100 rose; Sebi and the SEC "
          "said nothing"),
      ElementsAre("market:wallstreet", "market:ftse", "inst:sebi", "inst:sec"));
  EXPECT_EQ(model_->info(model_->size() - 1).kind, EntityKind::kInstitution);
  // "euro zone" is no currency.
  EXPECT_THAT(Ids("The euro zone economy grew"), IsEmpty());
}

TEST(CompanyFinderCreateTest, RejectsMalformedRows) {
  struct Case {
    const char* content;
    const char* error;
  };
  const Case cases[] = {
      {"noun\tshares\nmaybe\tword\n", "companies.tsv:2"},
      {"noun\tshares of\n", "1 word(s) expected"},
      {"noun\n", "companies.tsv:1"},
  };
  for (const Case& c : cases) {
    ExpectLexiconError("companies.tsv", c.content, c.error,
                       [](const LexiconSet& l) -> absl::Status {
                         auto analyzer = TextAnalyzer::Create(l);
                         if (!analyzer.ok()) return analyzer.status();
                         return CompanyFinder::Create(l, *analyzer).status();
                       });
  }
}

TEST(EntityModelCreateTest, RejectsMalformedRows) {
  struct Case {
    const char* content;
    const char* error;
  };
  const Case cases[] = {
      {"country:XX\tX\t-\n", "entities.tsv:1"},
      {"planet:MARS\tMars\t-\tmars\n", "unknown id prefix"},
      {"person:x\tX\tcountry:ZZ\tmr x\n", "not a country or bloc"},
      {"country:XX\tX\t-\txland\ncountry:XX\tX\t-\txland\n", "duplicate id"},
  };
  for (const Case& c : cases) {
    ExpectLexiconError("entities.tsv", c.content, c.error,
                       [](const LexiconSet& l) -> absl::Status {
                         return EntityModel::Create(l).status();
                       });
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
