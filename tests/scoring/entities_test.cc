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
    std::string dir = LexiconDirWith("entities.tsv", c.content);
    auto lex = LexiconSet::Load(dir);
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto model = EntityModel::Create(*lex);
    ASSERT_FALSE(model.ok()) << c.content;
    EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(model.status().message()), HasSubstr(c.error));
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
