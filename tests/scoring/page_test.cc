// Copyright 2026 The Tidings Authors.
//
// Pages in templates that no dev set has: bylines above the headline, dates
// at the end, captions between headline and byline, two authors, names
// alone over a job title, live blogs, price tables, sponsored boxes and
// most-read lists in other words. All text is written for these tests.

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "scoring/internal/clean.h"
#include "scoring/internal/page_furniture.h"
#include "scoring/scorer.h"

namespace tidings::scoring {
namespace {

using internal::CleanDocument;
using internal::PageCleaner;

std::string Utc(const internal::PageTime& t) {
  if (t.origin == TimeOrigin::kNone) return "none";
  return absl::FormatTime(t.date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%MZ", t.at,
                          absl::UTCTimeZone());
}

class PageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = internal::LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto cleaner = PageCleaner::Create(*lex);
    ASSERT_TRUE(cleaner.ok()) << cleaner.status();
    cleaner_.emplace(*std::move(cleaner));
  }
  std::vector<CleanDocument> Clean(std::string_view page,
                                   absl::Time now = absl::InfinitePast()) {
    return cleaner_->Clean("", page, ContentKind::kAuto, now);
  }
  std::optional<PageCleaner> cleaner_;
};

TEST_F(PageTest, BylineAboveTheHeadline) {
  const std::vector<CleanDocument> docs = Clean(
      "Harbour Times\n"
      "Markets | Commodities | Energy | Opinion\n"
      "\n"
      "By Lena Ortiz | March 3, 2024 9:41 AM ET\n"
      "Copper Climbs as Smelters Cut Output\n"
      "\n"
      "Copper prices rose for a third day on Monday after two large smelters "
      "in South America said they would cut output this quarter.\n"
      "\n"
      "Traders said stocks in exchange warehouses were the lowest since "
      "the start of the year.\n"
      "\n"
      "Read next\n"
      "Why ferry operators are buying electric boats\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Copper Climbs as Smelters Cut Output");
  EXPECT_EQ(docs[0].author, "Lena Ortiz");
  // Before the second Sunday of March 2024: Eastern standard time.
  EXPECT_EQ(Utc(docs[0].published), "2024-03-03T14:41Z");
  EXPECT_EQ(docs[0].body.find("ferry"), std::string::npos);
}

TEST_F(PageTest, CaptionBetweenHeadlineAndBylineTwoAuthorsDateAtTheEnd) {
  const std::vector<CleanDocument> docs = Clean(
      "Sign in\n"
      "Home \xE2\x80\xBA Business \xE2\x80\xBA Energy\n"
      "\n"
      "Refiners Trim Runs as Margins Shrink\n"
      "A tanker is loaded at a coastal terminal. (Illustration: Jo Park)\n"
      "By MAYA REYES and Tom Ilves\n"
      "\n"
      "Refiners in northern Europe cut processing runs this month after "
      "margins on diesel fell to their lowest level in a year.\n"
      "\n"
      "\xE2\x80\x9CWe will run the plants only as hard as the market pays "
      "for,\xE2\x80\x9D one operator said in a call with analysts.\n"
      "\n"
      "\xE2\x80\x9CWe will run the plants only as hard as the market pays "
      "for,\xE2\x80\x9D\n"
      "\n"
      "The cuts removed about 200,000 barrels a day of capacity, according "
      "to an industry survey published on Tuesday.\n"
      "\n"
      "Published 2024-06-12T07:30:00+02:00\n"
      "\n"
      "Most popular\n"
      "1) Port strike ends after pay deal\n"
      "2) Why are my bills going up again?\n"
      "3) The town that builds wind turbines\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Refiners Trim Runs as Margins Shrink");
  EXPECT_EQ(docs[0].author, "Maya Reyes and Tom Ilves");
  EXPECT_EQ(Utc(docs[0].published), "2024-06-12T05:30Z");
  EXPECT_EQ(docs[0].body.find("tanker"), std::string::npos);
  EXPECT_EQ(docs[0].body.find("Published"), std::string::npos);
  // The pull quote is the quotation whole, repeated: it goes once.
  const std::string quote = "We will run the plants";
  const size_t first = docs[0].body.find(quote);
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(docs[0].body.find(quote, first + 1), std::string::npos);
  EXPECT_NE(docs[0].body.find("one operator said"), std::string::npos);
}

TEST_F(PageTest, NameAloneOverAJobTitleAndALiveBlog) {
  const std::vector<CleanDocument> docs = Clean(
      "THE WEEKLY LEDGER\n"
      "Accept all\n"
      "LIVE UPDATES\n"
      "Sterling slips after rate decision\n"
      "\n"
      "Priya Das\n"
      "Senior economics reporter\n"
      "Updated: 05/03/2024, 14:05 GMT\n"
      "\n"
      "At a glance\n"
      "\xE2\x80\xA2 The Bank of England held its main rate on Thursday.\n"
      "\xE2\x80\xA2 Sterling fell against the dollar after the decision.\n"
      "\n"
      "14:05 GMT\n"
      "The Bank of England held its main rate on Thursday, as markets had "
      "expected for weeks.\n"
      "\n"
      "Paid post\n"
      "Is gold about to soar? Our free guide explains why prices could jump.\n"
      "Sponsored by Bullion Partners\n"
      "\n"
      "13:40 GMT\n"
      "Sterling fell against the dollar after the decision was announced, "
      "dealers in London said.\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Sterling slips after rate decision");
  EXPECT_EQ(docs[0].author, "Priya Das");
  // GMT sites write the day first; the update time is the only one shown.
  EXPECT_EQ(Utc(docs[0].published), "2024-03-05T14:05Z");
  // Key points first, then the entries without their time stamps, without
  // the sponsored box.
  EXPECT_EQ(docs[0].body,
            "The Bank of England held its main rate on Thursday.\n\n"
            "Sterling fell against the dollar after the decision.\n\n"
            "The Bank of England held its main rate on Thursday, as markets "
            "had expected for weeks.\n\n"
            "Sterling fell against the dollar after the decision was "
            "announced, dealers in London said.");
}

TEST_F(PageTest, WireStoryWithPriceTableAndCredits) {
  const std::vector<CleanDocument> docs = Clean(
      "Gold Edges Higher as Dollar Eases\n"
      "Wed, Jun 5, 2024, 3:12 PM UTC \xC2\xB7 2 min read\n"
      "Shares 1,204 \xC2\xB7 Comments 88\n"
      "\n"
      "LONDON (Reuters) - Gold prices edged higher on Wednesday as the dollar "
      "eased ahead of US jobs data.\n"
      "\n"
      "Market snapshot\n"
      "Gold $2,345.10 +0.84%\n"
      "Silver $29.61 -0.42%\n"
      "Brent $78.20 +1.10%\n"
      "\n"
      "Spot silver was little changed, while platinum slipped 0.3%.\n"
      "\n"
      "(Reporting by Jane Doe; Editing by Ken Roe)\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Gold Edges Higher as Dollar Eases");
  EXPECT_EQ(docs[0].source, "Reuters");
  EXPECT_EQ(docs[0].author, "Jane Doe");
  EXPECT_EQ(Utc(docs[0].published), "2024-06-05T15:12Z");
  EXPECT_EQ(docs[0].body,
            "Gold prices edged higher on Wednesday as the dollar eased ahead "
            "of US jobs data.\n\n"
            "Spot silver was little changed, while platinum slipped 0.3%.");
}

TEST_F(PageTest, RelatedItemsWithTheirOwnDatelines) {
  // Month-first dates: a field above 12 on the page tells.
  const std::vector<CleanDocument> docs = Clean(
      "Northfield Gazette\n"
      "Local | Business | Sports | Weather\n"
      "\n"
      "Mill Owners Agree to Sell Riverside Site\n"
      "Posted 04/03/2024\n"
      "The owners of the old paper mill agreed to sell the riverside site to "
      "the town council for housing, the council said on Wednesday.\n"
      "\n"
      "You might also like\n"
      "\n"
      "Ferry Fares Rise for Second Year\n"
      "Posted 12/31/2023\n"
      "Ferry fares on the island routes will rise by 6% from January, the "
      "operator said in a statement on Friday.\n"
      "\n"
      "Bakery Chain Opens Tenth Shop\n"
      "Posted 11/02/2023\n"
      "A regional bakery chain opened its tenth shop on Saturday and said it "
      "planned to hire forty more staff next year.\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].title, "Mill Owners Agree to Sell Riverside Site");
  EXPECT_EQ(Utc(docs[0].published), "2024-04-03");
  EXPECT_EQ(docs[1].title, "Ferry Fares Rise for Second Year");
  EXPECT_EQ(Utc(docs[1].published), "2023-12-31");
  EXPECT_EQ(docs[2].title, "Bakery Chain Opens Tenth Shop");
  EXPECT_EQ(Utc(docs[2].published), "2023-11-02");
}

TEST_F(PageTest, RelativeTimesNeedTheIngestTime) {
  const std::string page =
      "Spice prices jump after poor harvest | The Kitchen Desk\n"
      "\n"
      "Spice prices jump after poor harvest\n"
      "Aiko Tanaka \xC2\xB7 45 mins ago\n"
      "\n"
      "Prices of pepper and cardamom jumped this week after a poor harvest "
      "in the main growing regions, traders said on Monday.\n";
  const absl::Time now = absl::FromCivil(
      absl::CivilSecond(2025, 3, 4, 12, 0, 0), absl::UTCTimeZone());
  std::vector<CleanDocument> docs = Clean(page, now);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Spice prices jump after poor harvest");
  EXPECT_EQ(docs[0].author, "Aiko Tanaka");
  EXPECT_EQ(docs[0].published.origin, TimeOrigin::kPageRelative);
  EXPECT_EQ(Utc(docs[0].published), "2025-03-04T11:15Z");
  docs = Clean(page);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].published.origin, TimeOrigin::kNone);
}

TEST_F(PageTest, OutletOfTheBylineIsTheSourceWithoutAMarker) {
  const std::vector<CleanDocument> docs = Clean(
      "Menu\n"
      "Search\n"
      "Tin Miners Strike Over Pay\n"
      "Sofia Lind, Bloomberg News \xE2\x80\x94 Jan. 9, 2025\n"
      "Workers at two tin mines walked out on Thursday in a dispute over pay, "
      "halting about a fifth of the country's output.\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].author, "Sofia Lind");
  EXPECT_EQ(docs[0].source, "Bloomberg");
  EXPECT_EQ(Utc(docs[0].published), "2025-01-09");
}

TEST_F(PageTest, CapitalsHeadlineOverACapitalsName) {
  const std::vector<CleanDocument> docs = Clean(
      "QUARTERLY REVIEW\n"
      "\n"
      "ZINC PRICES SLIDE FURTHER\n"
      "MARK OWENS\n"
      "Tuesday 5 March 2024 10:15 (GMT)\n"
      "\n"
      "Zinc prices slid for a fifth session on Tuesday as stocks in "
      "warehouses rose to their highest level in two years.\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "ZINC PRICES SLIDE FURTHER");
  EXPECT_EQ(docs[0].author, "Mark Owens");
  EXPECT_EQ(Utc(docs[0].published), "2024-03-05T10:15Z");
}

TEST_F(PageTest, BlogPostWithStandfirst) {
  const std::vector<CleanDocument> docs = Clean(
      "Skip to content\n"
      "OPINION\n"
      "Why the grain deal matters more than ever\n"
      "Posted by Ruth Abara on July 8, 2024 at 4:30 pm\n"
      "42 Comments\n"
      "\n"
      "Photograph: Ruth Abara/Field Notes\n"
      "\n"
      "The grain corridor has kept food prices in check for two years, and "
      "its end would be felt far from the ports.\n"
      "\n"
      "Related: How shipping insurance works in a war zone\n"
      "\n"
      "Exporters say they can route some cargo by rail, but at a much "
      "higher cost per tonne.\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Why the grain deal matters more than ever");
  EXPECT_EQ(docs[0].author, "Ruth Abara");
  EXPECT_EQ(Utc(docs[0].published), "2024-07-08T16:30Z");
  EXPECT_EQ(docs[0].body,
            "The grain corridor has kept food prices in check for two years, "
            "and its end would be felt far from the ports.\n\n"
            "Exporters say they can route some cargo by rail, but at a much "
            "higher cost per tonne.");
}

TEST_F(PageTest, StandfirstBetweenHeadlineAndByline) {
  const std::vector<CleanDocument> docs = Clean(
      "Oil Prices Rise \xE2\x80\x93 Reuters\n"
      "Oil Prices Rise\n"
      "Supply worries outweigh a stronger dollar.\n"
      "Kofi Mensah \xE2\x80\x94 Reuters\n"
      "\n"
      "Oil prices rose on Friday as worries about supply from the Middle "
      "East outweighed the pressure of a stronger dollar.\n"
      "\n"
      "Brent crude futures gained 1.1% by midday in London.\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Oil Prices Rise");
  EXPECT_EQ(docs[0].author, "Kofi Mensah");
  EXPECT_EQ(docs[0].source, "Reuters");
}

TEST_F(PageTest, BylineAfterTheBodyBelongsToTheArticleAboveIt) {
  const std::vector<CleanDocument> docs = Clean(
      "Lumber Prices Slide on Weak Housing Data\n"
      "\n"
      "Lumber futures slid for a third day as new housing starts fell short "
      "of forecasts for the second month running.\n"
      "\n"
      "Written by Nora Quist\n"
      "Published 14 May 2024\n"
      "\n"
      "Cocoa Rally Pauses as Rain Returns\n"
      "By Sam Okoro | 15 May 2024\n"
      "Cocoa futures eased on Wednesday after rain returned to the main "
      "growing regions of West Africa, traders said.\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].author, "Nora Quist");
  EXPECT_EQ(Utc(docs[0].published), "2024-05-14");
  EXPECT_EQ(docs[1].author, "Sam Okoro");
  EXPECT_EQ(Utc(docs[1].published), "2024-05-15");
}

// --- Furniture by shape
// ---------------------------------------------------------

class FurnitureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = internal::LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto reader = internal::FurnitureReader::Create(*lex);
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_.emplace(*std::move(reader));
  }
  internal::Furniture Classify(std::string_view line) {
    uint8_t marks = 0;
    for (char c : line) {
      marks |= internal::kFurnitureMarks[static_cast<unsigned char>(c)];
    }
    size_t words = 0;
    bool in_word = false;
    for (char c : line) {
      if (c == ' ') {
        in_word = false;
      } else if (!in_word) {
        in_word = true;
        ++words;
      }
    }
    return reader_->Classify(line, words, marks);
  }
  std::optional<internal::FurnitureReader> reader_;
};

TEST_F(FurnitureTest, Shapes) {
  using internal::Furniture;
  for (const char* line : {
           "Dockers unload a ship at dawn. (Photo: Sam Lee/Harbour Times)",
           "Miners at the pit head. (Staff photo by Ann Cole)",
           "The new plant. (AP Photo/Ken Ito)",
           "A trader at her desk | Photo credit: Ben Ross",
           "Photograph: Ben Ross",
           "The floor of the exchange \xE2\x80\x94 Getty Images",
       }) {
    EXPECT_EQ(Classify(line), Furniture::kCaption) << line;
  }
  EXPECT_EQ(Classify("Home / Markets / Commodities"), Furniture::kBreadcrumb);
  EXPECT_EQ(Classify("News \xE2\x80\xBA World \xE2\x80\xBA Asia"),
            Furniture::kBreadcrumb);
  EXPECT_EQ(Classify("Home | News | Sport | Weather"), Furniture::kNavigation);
  EXPECT_EQ(Classify("About \xC2\xB7 Careers \xC2\xB7 Contact"),
            Furniture::kNavigation);
  EXPECT_EQ(Classify("Home / Business News / Commodity Markets Today"),
            Furniture::kBreadcrumb);
  EXPECT_EQ(Classify("A|B|C|D|E|F|G|H|I|J|K|L"), Furniture::kNavigation);
  EXPECT_EQ(Classify("A|B|C|D|E|F|G|H|I|J|K|L|M"),
            Furniture::kNone);                           // More than 12 items.
  EXPECT_EQ(Classify("Home | News"), Furniture::kNone);  // Two items.
  EXPECT_EQ(Classify("Home / Four Words Are Many / Commodities"),
            Furniture::kNone);
  EXPECT_EQ(Classify("Gold Rose On Monday / Markets"), Furniture::kNone);
  EXPECT_EQ(Classify("Markets / Gold Rose On Monday"), Furniture::kNone);
  EXPECT_EQ(Classify("Gold $2,345.10 +0.84%"), Furniture::kPriceRow);
  EXPECT_EQ(Classify("FTSE 100   7,640.3   (-0.21%)"), Furniture::kPriceRow);
  EXPECT_EQ(Classify("Brent crude 81.20 \xE2\x96\xBC"
                     "0.35"),
            Furniture::kPriceRow);
  for (const char* line : {
           "Gold rose 1.2% to $2,345 an ounce on Monday.",
           "FTSE 100 closes up 0.5%",
           "Gold / silver ratio hits a record",
           "He said: \"We will not sell the mine.\"",
           "The company (which was founded in 1902) said profits fell.",
           "Shares in Acme fell 5% to 120",
           "Anti-Dumping Probe Targets Steel Imports",
       }) {
    EXPECT_EQ(Classify(line), Furniture::kNone) << line;
  }
}

TEST(FurnitureStaticTest, RanksAndBrowserTitles) {
  using internal::FurnitureReader;
  bool alone = false;
  EXPECT_EQ(FurnitureReader::Rank("1. Port strike ends after pay deal", &alone),
            1);
  EXPECT_EQ(FurnitureReader::Rank("2) Why are my bills going up?", &alone), 2);
  EXPECT_EQ(FurnitureReader::Rank("3 Bakery chain opens tenth shop", &alone),
            3);
  EXPECT_EQ(FurnitureReader::Rank("4", &alone), 4);
  EXPECT_TRUE(alone);
  EXPECT_EQ(FurnitureReader::Rank("12 people were hurt in the blast.", &alone),
            0);
  EXPECT_EQ(FurnitureReader::Rank("1987 was a year of crashes", &alone), 0);
  EXPECT_EQ(
      FurnitureReader::BrowserTitle(
          "Copper climbs as smelters cut output \xE2\x80\x93 Harbour Times"),
      "Copper climbs as smelters cut output");
  EXPECT_EQ(FurnitureReader::BrowserTitle("Oil falls | Market Wrap"),
            "Oil falls");
  EXPECT_EQ(FurnitureReader::BrowserTitle("Prices rose - analysts said so."),
            "");
}

// --- Through the scorer
// -------------------------------------------------------

TEST(PageScorerTest, BylineReachesTheScoredDocument) {
  auto scorer = Scorer::Create(ScorerOptions());
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  const std::string page =
      "Daily Metals Review\n"
      "Business > Commodities\n"
      "\n"
      "Zinc Falls as Chinese Demand Cools\n"
      "By ARJUN MEHTA | Updated 10:05 AM EST, Tue Feb 6, 2024\n"
      "\n"
      "Zinc fell 2% on Tuesday after data showed Chinese factory activity "
      "slowed for a fourth month.\n"
      "\n"
      "Sponsored\n"
      "Gold is about to soar: buy bullion before prices jump 20%\n"
      "Paid content from Aurum Bullion\n"
      "\n"
      "Analysts said stocks of the metal in exchange warehouses had risen.\n";
  std::vector<ScoredDocument> docs =
      (*scorer)->Score({.title = "", .body = page});
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Zinc Falls as Chinese Demand Cools");
  EXPECT_EQ(docs[0].author, "Arjun Mehta");
  EXPECT_EQ(docs[0].published_origin, TimeOrigin::kPage);
  EXPECT_FALSE(docs[0].published_date_only);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%dT%H:%MZ", docs[0].published_at,
                             absl::UTCTimeZone()),
            "2024-02-06T15:05Z");
  for (const Event& e : docs[0].events) {
    EXPECT_NE(e.type, EventType::kGoldPriceMove) << "from the sponsored box";
  }
  EXPECT_EQ(docs[0].text.find("bullion"), std::string::npos);
}

}  // namespace
}  // namespace tidings::scoring
