// Copyright 2026 The Tidings Authors.

#include "scoring/internal/clean.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tidings::scoring::internal {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(TIDINGS_FIXTURES_DIR) + "/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CleanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto cleaner = PageCleaner::Create(*lex);
    ASSERT_TRUE(cleaner.ok()) << cleaner.status();
    cleaner_.emplace(*std::move(cleaner));
  }
  std::vector<CleanDocument> Clean(std::string_view body,
                                   ContentKind kind = ContentKind::kAuto,
                                   std::string_view title = "") {
    return cleaner_->Clean(title, body, kind);
  }
  std::optional<PageCleaner> cleaner_;
};

// --- The example page of the spine issue ------------------------------------

TEST_F(CleanTest, ExamplePageHasItsThreeArticles) {
  const std::string page = ReadFixture("example_page.txt");
  ASSERT_FALSE(page.empty());
  std::vector<CleanDocument> docs = Clean(page);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].title,
            "Putin and Myanmar's Junta Chief Set to Deepen Military and "
            "Economic Ties");
  EXPECT_EQ(docs[1].title,
            "Gold Advances on Middle East Tensions and Trump's Tariff Pledge");
  EXPECT_EQ(
      docs[2].title,
      "New Russian ambassador tells Trump he will work to restore relations");
  EXPECT_EQ(docs[0].source, "Bloomberg");
  EXPECT_EQ(docs[1].source, "Bloomberg");
  EXPECT_EQ(docs[2].source, "Reuters");

  // Bodies start after the source marker and keep their own text.
  EXPECT_EQ(docs[0].body.rfind("Myanmar's military chief Min Aung Hlaing", 0),
            0u);
  EXPECT_EQ(docs[1].body.rfind("Gold gained for a second day", 0), 0u);
  EXPECT_EQ(docs[2].body.rfind("The new Russian ambassador", 0), 0u);
  EXPECT_NE(docs[1].body.find(
                "Bullion rose as much as 0.6% to around $3,373 an ounce"),
            std::string::npos);
  EXPECT_NE(docs[1].body.find("Silver, platinum and palladium all gained."),
            std::string::npos);
  EXPECT_NE(docs[0].body.find("This will be Min Aung Hlaing's fourth visit"),
            std::string::npos);

  // No teaser headline, between paragraphs or run into one, survives.
  for (const char* teaser : {
           "Cuts to Section 8",
           "How Upzoning in Cambridge",
           "Hong Kong Joins Global Stadium",
           "Rich People Are Firing",
           "OXO Fought Back",
           "Shuttered NY College",
           "Trump's Military Parade",
           "NYC Renters Brace",
           "Grand Central Fire",
           "NYC Mayoral Candidates",
           "But Where?",
           "New Grads Join",
           "The Spying Scandal",
           "American Mid",
           "Hapless Day Traders",
           "The Full Story",
           "Cavs Owner",
       }) {
    for (const CleanDocument& d : docs) {
      EXPECT_EQ(d.body.find(teaser), std::string::npos)
          << teaser << " in " << d.title;
    }
  }
  // Nor any chrome or debris.
  for (const char* debris :
       {"\xC2\xA9", "Yahoo", "time31", "Comments", "Related Articles",
        "Try Our AI", "DOWNLOAD", "app-store", "(Bloomberg)"}) {
    for (const CleanDocument& d : docs) {
      EXPECT_EQ(d.body.find(debris), std::string::npos)
          << debris << " in " << d.title;
    }
  }
}

// --- Short texts without page structure
// ---------------------------------------

TEST_F(CleanTest, PlainTextPassesThroughUnchanged) {
  for (
      std::string_view text : {
          std::string_view("Gold hits record high as Fed signals cuts"),
          std::string_view(
              "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn."),
          std::string_view(
              "Gold rose 1% on Monday. Silver fell. Analysts expect more gains "
              "as the dollar weakens, dealers said."),
          std::string_view(
              "Tariffs loom\n\nThe U.S. said it would impose duties on steel.\n"
              "Trading partners said they would respond."),
          std::string_view("  leading and trailing space \n"),
      }) {
    std::vector<CleanDocument> docs = Clean(text);
    ASSERT_EQ(docs.size(), 1u) << text;
    EXPECT_EQ(docs[0].title, "");
    EXPECT_EQ(docs[0].source, "");
    EXPECT_EQ(docs[0].body, text);
  }
  EXPECT_TRUE(Clean("").empty());
  EXPECT_TRUE(Clean(" \n \n").empty());
}

TEST_F(CleanTest, PlainTextKindNeverSegments) {
  const std::string page = ReadFixture("example_page.txt");
  std::vector<CleanDocument> docs = Clean(page, ContentKind::kPlainText);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].body, page);
  EXPECT_EQ(docs[0].title, "");
}

TEST_F(CleanTest, RawPageKindForcesSegmentation) {
  const std::string page =
      "Miners rally as copper hits a two-year high\n"
      "\n"
      "Shares of copper miners rose sharply on Tuesday as the metal traded at "
      "its highest "
      "level in two years.\n"
      "Why pension funds are buying farmland\n"
      "Analysts said supply from Chile and Peru remained tight.\n";
  // Without chrome, kAuto keeps the text as it is...
  std::vector<CleanDocument> docs = Clean(page);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].body, page);
  // ...while kRawPage reads it as a page: a title, two paragraphs, no teaser.
  docs = Clean(page, ContentKind::kRawPage);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Miners rally as copper hits a two-year high");
  EXPECT_EQ(docs[0].body,
            "Shares of copper miners rose sharply on Tuesday as the metal "
            "traded at its "
            "highest level in two years.\n\n"
            "Analysts said supply from Chile and Peru remained tight.");
}

TEST_F(CleanTest, TitleArgumentNamesTheMainArticle) {
  std::vector<CleanDocument> docs =
      Clean(ReadFixture("example_page.txt"), ContentKind::kAuto,
            "Publisher's own title");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].title, "Publisher's own title");
  EXPECT_EQ(docs[1].title,
            "Gold Advances on Middle East Tensions and Trump's Tariff Pledge");

  docs = Clean("Gold rose 1% on Monday.", ContentKind::kAuto, "Gold up");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Gold up");
  EXPECT_EQ(docs[0].body, "Gold rose 1% on Monday.");
}

// --- Pages written for these tests
// ----------------------------------------------

TEST_F(CleanTest, WirePageWithRelatedArticles) {
  std::vector<CleanDocument> docs =
      Clean(ReadFixture("pages/wire_with_related.txt"));
  ASSERT_EQ(docs.size(), 3u);

  // Main article: dateline and marker removed, teaser lines between the
  // paragraphs removed (plain, question and quoted headlines alike).
  EXPECT_EQ(docs[0].title, "Copper Climbs as Chile Mine Strike Drags On");
  EXPECT_EQ(docs[0].source, "Reuters");
  EXPECT_EQ(
      docs[0].body,
      "Copper prices rose on Monday as a strike at a large Chilean mine "
      "entered its "
      "second week.\n\n"
      "Benchmark copper on the London Metal Exchange gained 1.2% to $9,870 a "
      "tonne by "
      "1000 GMT.\n\n"
      "Traders said stocks in exchange warehouses had fallen for a fifth day.");

  // Related article, one line: a sentence-case teaser run between two
  // sentences, ending in a question.
  EXPECT_EQ(docs[1].title, "Dairy prices slip at fortnightly auction");
  EXPECT_EQ(docs[1].source, "BBC");
  EXPECT_EQ(docs[1].body,
            "Global dairy prices fell at the latest auction, led by a drop in "
            "milk powder.\n\n"
            "Analysts said demand from Asian buyers had weakened. Whole milk "
            "powder fell "
            "2.1%.");

  // Related article: a Title Case run with no punctuation on either side.
  EXPECT_EQ(docs[2].title, "Shipping Rates Ease After Canal Reopens");
  EXPECT_EQ(docs[2].source, "Bloomberg");
  EXPECT_EQ(
      docs[2].body,
      "Container rates on the main Asia-Europe route fell for a third week as "
      "vessels "
      "returned to the canal.\n\n"
      "Container rates fell 4% to $2,310 per box, a freight index showed.");
}

TEST_F(CleanTest, BylinesDatesAndPromptsAreRemoved) {
  std::vector<CleanDocument> docs = Clean(ReadFixture("pages/byline_page.txt"));
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Refiners cut output as margins shrink");
  EXPECT_EQ(docs[0].source, "");
  EXPECT_EQ(docs[0].body,
            "Refiners in northern Europe cut runs this month after profit "
            "margins on diesel "
            "fell to their lowest level in a year.\n\n"
            "The cuts removed about 200,000 barrels a day of processing "
            "capacity, according "
            "to an industry survey.\n\n"
            "Operators said they would review the plan in October.");
}

TEST_F(CleanTest, SourceAndTimeDebrisLines) {
  const std::string page =
      "Gold slips as dollar firms\n"
      "Gold slips as dollar firms\n"
      "\n"
      "Wirewatch03-11-2024\n"
      "time31 minutes ago\n"
      "2h ago\n"
      "  \xE2\x80\xA2 Wirewatch\n"
      "Wirewatch\n"
      "Tue, 4 Mar 2025 10:32 GMT\n"
      "Yahoo Finance\n"
      "\n"
      "Gold slipped on Tuesday as the dollar firmed against a basket of major "
      "currencies, traders said.\n";
  std::vector<CleanDocument> docs = Clean(page);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Gold slips as dollar firms");
  EXPECT_EQ(
      docs[0].body,
      "Gold slipped on Tuesday as the dollar firmed against a basket of major "
      "currencies, traders said.");
}

TEST_F(CleanTest, TeaserRunInsideAParagraph) {
  const std::string page =
      "logo\n"
      "Fed holds rates steady\n"
      "Fed holds rates steady\n"
      "\n"
      "(Reuters) - The Federal Reserve kept interest rates unchanged on "
      "Wednesday. "
      "Households face higher water bills Can electric ferries cut emissions? "
      "The decision was widely expected by markets. ©2024 Reuters\n";
  std::vector<CleanDocument> docs = Clean(page);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].title, "Fed holds rates steady");
  EXPECT_EQ(
      docs[0].body,
      "The Federal Reserve kept interest rates unchanged on Wednesday.\n\n"
      "The decision was widely expected by markets.");
}

TEST_F(CleanTest, OrdinarySentencesAreNotTeasers) {
  // Names after lower-case words, titles of works, quotes and long sentences
  // stay where they are.
  const std::string para =
      "Actor Stephen Fry is joining the cast of the film adaptation of The "
      "Hitchhiker's "
      "Guide To The Galaxy. Freeman, who starred in hit BBC comedy The Office, "
      "will play "
      "the role of Arthur Dent. He said Trump had found time to receive him on "
      "the eve of "
      "the Russia Day holiday. \"It was a great honour,\" the ambassador said. "
      "Wang said "
      "the trade surplus and the reserves weakened Taiwan's position in talks "
      "with "
      "Washington over export quotas.";
  const std::string page =
      "logo\nMenu\nA title for the story\n\nA title for the story\n\n" + para +
      "\n\u00A92024 Example\n";
  std::vector<CleanDocument> docs = Clean(page);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].body, para);
}

TEST_F(CleanTest, SourceMarkers) {
  struct Case {
    const char* first_paragraph;
    const char* source;
    const char* body_start;
  };
  const Case cases[] = {
      {"(Reuters) - Gold rose on Monday as the dollar weakened against most "
       "currencies.",
       "Reuters", "Gold rose"},
      {"HONG KONG, March 5 (Reuters) - Gold rose on Monday as the dollar "
       "weakened.",
       "Reuters", "Gold rose"},
      {"ST. LOUIS, MO., March 5 (Reuters) -The firm said profits fell in the "
       "quarter.",
       "Reuters", "The firm said"},
      {"(Bloomberg) -- Oil fell for a third day as stockpiles rose in the "
       "United States.",
       "Bloomberg", "Oil fell"},
      {"WASHINGTON (AP) \xE2\x80\x94 The Senate passed the bill late on "
       "Thursday night.",
       "AP", "The Senate"},
      {"(Adds details) - Oil fell for a third day as stockpiles rose in the "
       "United States.",
       "", "(Adds details)"},
  };
  for (const Case& c : cases) {
    std::string page =
        std::string(
            "Markets wrap for the day\n\nMarkets wrap for the day\n\n") +
        c.first_paragraph + "\n";
    std::vector<CleanDocument> docs = Clean(page, ContentKind::kRawPage);
    ASSERT_EQ(docs.size(), 1u) << c.first_paragraph;
    EXPECT_EQ(docs[0].source, c.source) << c.first_paragraph;
    EXPECT_EQ(docs[0].body.rfind(c.body_start, 0), 0u) << docs[0].body;
  }
}

TEST_F(CleanTest, NothingButChromeGivesNoDocuments) {
  const std::string page =
      "logo\nSearch\nMenu\n\nComments\n\nNo comments yet...\n\nRelated "
      "Articles\n\n"
      "DOWNLOAD THE APP\nGet Started Now: Download the App\n";
  EXPECT_TRUE(Clean(page).empty());
  EXPECT_TRUE(Clean(page, ContentKind::kRawPage).empty());
}

// Lines of 30 and 31 words, just under and over the bytes up to which the
// cleaner counts words in its detailed scan: a line of 30 words is a title
// (here: repeated), one of 31 words never is.
TEST_F(CleanTest, TitleWordLimitAtEveryLineLength) {
  for (int words : {29, 30, 31, 32}) {
    for (size_t pad : {0, 1, 2, 40, 100}) {
      std::string line = "Gold";
      for (int i = 1; i < words; ++i) {
        line += ' ';
        line += i == 1 ? std::string(pad / 2 + 1, 'x') : std::string("ab");
      }
      const std::string body = "Lead in.\n\n" + line + "\n" + line +
                               "\n\nThe price of gold rose on Monday as the "
                               "dollar fell, traders said in London.\n";
      const std::vector<CleanDocument> docs = Clean(body);
      ASSERT_FALSE(docs.empty()) << words << " " << pad;
      if (words <= 30) {
        EXPECT_EQ(docs.size(), 1u);
        EXPECT_EQ(docs[0].title, line) << words << " " << pad;
      } else {
        ASSERT_EQ(docs.size(), 1u);
        EXPECT_EQ(docs[0].body, body) << words << " " << pad;
      }
    }
  }
}

TEST_F(CleanTest, BoilerplateLexiconMatches) {
  using A = PageCleaner::BoilerAction;
  EXPECT_EQ(cleaner_->MatchBoilerplate("related articles", 2), A::kEnd);
  EXPECT_EQ(cleaner_->MatchBoilerplate("share this article", 3), A::kDrop);
  EXPECT_EQ(cleaner_->MatchBoilerplate("get started now: download the app", 6),
            A::kEnd);
  EXPECT_EQ(cleaner_->MatchBoilerplate("orange background", 2), A::kDrop);
  EXPECT_EQ(cleaner_->MatchBoilerplate("gold rose on monday", 4), A::kNone);
  // Phrase rules never fire on long lines of text.
  std::string long_line = "the company said its app store revenue";
  for (int i = 0; i < 30; ++i) long_line += " grew";
  EXPECT_EQ(cleaner_->MatchBoilerplate(long_line, 37), A::kNone);
  // "contains" phrases (the shortest is 8 bytes): at the start, inside and
  // at the very end of a line, but not where the line has no room for the
  // phrase, nor inside a longer word.
  EXPECT_EQ(cleaner_->MatchBoilerplate("min read", 2), A::kDrop);
  EXPECT_EQ(cleaner_->MatchBoilerplate("gold: 3 min read", 4), A::kDrop);
  EXPECT_EQ(cleaner_->MatchBoilerplate("prices rose. click here", 4), A::kDrop);
  EXPECT_EQ(cleaner_->MatchBoilerplate("prices rose. click her", 4), A::kNone);
  EXPECT_EQ(cleaner_->MatchBoilerplate("see all rights reserved today", 5),
            A::kEnd);
  EXPECT_EQ(cleaner_->MatchBoilerplate("prices rose. xclick here", 4),
            A::kNone);
  EXPECT_EQ(cleaner_->MatchBoilerplate("dark backgrounds", 2), A::kNone);
  EXPECT_EQ(cleaner_->MatchBoilerplate("the backgrounds are dark", 4),
            A::kNone);
  EXPECT_EQ(cleaner_->AgencyName("REUTERS"), "Reuters");
  EXPECT_TRUE(cleaner_->IsSite("Yahoo"));
}

}  // namespace
}  // namespace tidings::scoring::internal
