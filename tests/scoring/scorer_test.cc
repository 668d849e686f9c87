// Copyright 2026 The Tidings Authors.
//
// Tests of the public scoring API (scoring/scorer.h): Create's errors, the
// same results with and without a reused Scratch and result vector, version()
// following the lexicons, headline-only input, and relative byline times
// resolved against ScoreInput::now.

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

// Every field of the results, evidence included.
std::string DescribeAll(const std::vector<ScoredDocument>& docs) {
  std::string out;
  auto evidence = [&out](const std::vector<Evidence>& ev) {
    for (const Evidence& e : ev) {
      out += "[" + std::to_string(e.begin) + "," + std::to_string(e.end);
      for (const std::string& t : e.terms) out += " " + t;
      out += "]";
    }
  };
  auto sentiment = [&](const Sentiment& s) {
    out += std::to_string(s.score) + " " + std::to_string(s.positive) + " " +
           std::to_string(s.negative) + " " + std::to_string(s.neutral) + " " +
           std::string(Name(s.label));
    evidence(s.evidence);
  };
  for (const ScoredDocument& d : docs) {
    out += std::to_string(d.doc_index) + "|" + d.title + "|" + d.source + "|" +
           d.text + "|" + std::to_string(d.body_begin) + "|";
    sentiment(d.sentiment);
    for (const Event& e : d.events) {
      out += "\nevent " + std::string(Name(e.type)) + " " +
             std::to_string(e.relevance) + " " +
             std::string(Name(e.direction)) + " " +
             std::to_string(e.magnitude.has_percent) +
             std::to_string(e.magnitude.percent) +
             std::to_string(e.magnitude.has_price) +
             std::to_string(e.magnitude.price) + e.magnitude.unit + " ";
      for (const std::string& a : e.actors) out += a + ",";
      evidence(e.evidence);
    }
    for (const Entity& e : d.entities) {
      out += "\nentity " + e.id + " " + e.name + " " +
             std::to_string(static_cast<int>(e.kind)) + " " +
             std::to_string(e.mentions) + " " + e.country + " ";
      sentiment(e.sentiment);
    }
    out += "\n" + d.author + "|" +
           std::to_string(static_cast<int>(d.published_origin)) + "|" +
           absl::FormatTime(d.published_at) + "|" +
           std::to_string(d.published_date_only) + "|" +
           std::to_string(d.fingerprint) + "|" +
           std::to_string(d.exact_fingerprint) + "\n";
  }
  return out;
}

TEST(ScorerTest, AReusedResultVectorGivesTheSameResults) {
  std::unique_ptr<const Scorer> scorer = MakeScorer();
  ASSERT_NE(scorer, nullptr);
  const std::string rich =
      "Gold prices surged 2% to $2,400 an ounce on Monday as the US imposed "
      "new tariffs on Chinese steel, Reuters reported. The Federal Reserve "
      "warned that sanctions on Russia would hurt growth; President Putin "
      "threatened retaliation and India's Reserve Bank of India held rates. "
      "Tata Steel shares slumped 4% while Infosys rallied.";
  std::vector<std::string> texts(std::begin(kTexts), std::end(kTexts));
  texts.push_back(rich);
  texts.push_back(std::string(kTexts[3]) + "\n\n" + rich + "\n\n" + kTexts[3]);
  Scorer::Scratch scratch;
  std::vector<ScoredDocument> reused;
  // Forwards and backwards, so that each text reuses the parts of larger
  // and of smaller results.
  for (int round = 0; round < 4; ++round) {
    for (size_t k = 0; k < texts.size(); ++k) {
      const std::string& text =
          texts[round % 2 == 0 ? k : texts.size() - 1 - k];
      const ScoreInput input{.title = round == 2 ? "A title" : "",
                             .body = text};
      scorer->Score(input, &scratch, &reused);
      EXPECT_EQ(DescribeAll(reused), DescribeAll(scorer->Score(input))) << text;
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
