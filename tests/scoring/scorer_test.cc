// Copyright 2026 The Tidings Authors.
//
// Tests of the public scoring API (scoring/scorer.h): Create's errors, the
// same results with and without a reused Scratch, version() following the
// lexicons, headline-only input, and relative byline times resolved against
// ScoreInput::now.

#include "scoring/scorer.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<const Scorer> MakeScorer(const ScorerOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<const Scorer>> s = Scorer::Create(options);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

// The fields a subscriber sees, for comparing two runs.
std::string Describe(const std::vector<ScoredDocument>& docs) {
  std::string out;
  for (const ScoredDocument& d : docs) {
    out += d.title + "|" + d.text + "|" + std::to_string(d.sentiment.score) +
           "|" + std::to_string(d.fingerprint) + "|";
    for (const Event& e : d.events) {
      out += std::to_string(static_cast<int>(e.type)) + "@" +
             std::to_string(e.relevance) + ",";
    }
    for (const Entity& e : d.entities) {
      out += e.id + ":" + std::to_string(e.sentiment.score) + ",";
    }
    out += d.author + "\n";
  }
  return out;
}

const char* const kTexts[] = {
    "Gold jumps 2% as new US tariffs on steel imports take effect",
    "Acme Mining shares slump after the company halts its largest mine.",
    "",
    "Wall Street\n\nMarkets\n\nCopper Climbs On China Demand\nBy Jane Roe | "
    "Updated 9:15 AM ET, March 3, 2025\n\nCopper rose 1.2% on Tuesday as "
    "Chinese buyers returned, traders said. Stocks were flat.\n\n"
    "Most Read\n1. Ten things to know today\n2. Why rents keep rising",
};

TEST(ScorerTest, CreateNamesTheBadLexiconFile) {
  ScorerOptions options;
  options.lexicon_dir = "/nonexistent/tidings-lexicons";
  absl::StatusOr<std::unique_ptr<const Scorer>> missing =
      Scorer::Create(options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  const std::string dir = internal::LexiconDirWith(
      "sentiment_terms.tsv", "polar\tgood\tnot-a-number\n");
  options.lexicon_dir = dir;
  absl::StatusOr<std::unique_ptr<const Scorer>> bad = Scorer::Create(options);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("sentiment_terms.tsv"));
}

TEST(ScorerTest, AReusedScratchGivesTheSameResults) {
  std::unique_ptr<const Scorer> scorer = MakeScorer();
  ASSERT_NE(scorer, nullptr);
  Scorer::Scratch scratch;
  // Twice over, so that the second round runs on buffers the first filled.
  for (int round = 0; round < 2; ++round) {
    for (const char* text : kTexts) {
      const ScoreInput input{.title = "", .body = text};
      EXPECT_EQ(Describe(scorer->Score(input, &scratch)),
                Describe(scorer->Score(input)))
          << text;
    }
  }
}

TEST(ScorerTest, VersionFollowsTheLexicons) {
  std::unique_ptr<const Scorer> built_in = MakeScorer();
  ASSERT_NE(built_in, nullptr);
  EXPECT_THAT(built_in->version(), HasSubstr("tidings-scorer/"));
  EXPECT_EQ(MakeScorer()->version(), built_in->version());  // Deterministic.

  const std::string dir = internal::LexiconDirWith(
      "sentiment_terms.tsv", "polar\tsplendid\t1  # A lexicon of one word.\n");
  ScorerOptions options;
  options.lexicon_dir = dir;
  std::unique_ptr<const Scorer> changed = MakeScorer(options);
  std::filesystem::remove_all(dir);
  ASSERT_NE(changed, nullptr);
  EXPECT_NE(changed->version(), built_in->version());
}

TEST(ScorerTest, AHeadlineAloneIsTheWholeStory) {
  std::unique_ptr<const Scorer> scorer = MakeScorer();
  ASSERT_NE(scorer, nullptr);
  const std::string headline = "Regulator hits Acme Bank with record fine";
  std::vector<ScoredDocument> as_title =
      scorer->Score({.title = headline, .body = ""});
  std::vector<ScoredDocument> as_body =
      scorer->Score({.title = "", .body = headline});
  ASSERT_EQ(as_title.size(), 1u);
  ASSERT_EQ(as_body.size(), 1u);
  EXPECT_EQ(as_title[0].title, headline);
  EXPECT_EQ(as_title[0].sentiment.label, SentimentLabel::kNegative);
  EXPECT_EQ(as_title[0].sentiment.label, as_body[0].sentiment.label);
}

TEST(ScorerTest, RelativeBylineTimesNeedTheArrivalTime) {
  std::unique_ptr<const Scorer> scorer = MakeScorer();
  ASSERT_NE(scorer, nullptr);
  const std::string page =
      "Business\n\nNickel Hits Two-Year High\nBy Sam Lee\n3 hours ago\n\n"
      "Nickel rose 4% on Monday after supply cuts in Indonesia, traders "
      "said. The metal has gained for five sessions.\n\nTrending\n"
      "1. Five ways to save on energy bills\n2. What the rate decision "
      "means for you";
  const absl::Time now = absl::FromUnixSeconds(1733400000);
  std::vector<ScoredDocument> with_now = scorer->Score(
      {.title = "", .body = page, .kind = ContentKind::kRawPage, .now = now});
  ASSERT_FALSE(with_now.empty());
  EXPECT_EQ(with_now[0].title, "Nickel Hits Two-Year High");
  EXPECT_EQ(with_now[0].author, "Sam Lee");
  EXPECT_EQ(with_now[0].published_origin, TimeOrigin::kPageRelative);
  EXPECT_EQ(with_now[0].published_at, now - absl::Hours(3));
  // Without an arrival time a relative time means nothing.
  std::vector<ScoredDocument> without =
      scorer->Score({.title = "", .body = page, .kind = ContentKind::kRawPage});
  ASSERT_FALSE(without.empty());
  EXPECT_EQ(without[0].published_origin, TimeOrigin::kNone);
}

}  // namespace
}  // namespace tidings::scoring
