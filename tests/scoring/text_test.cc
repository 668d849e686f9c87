// Copyright 2026 The Tidings Authors.

#include "scoring/internal/text.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tidings::scoring::internal {
namespace {

class TextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto analyzer = TextAnalyzer::Create(*lex);
    ASSERT_TRUE(analyzer.ok()) << analyzer.status();
    analyzer_.emplace(*std::move(analyzer));
  }
  std::vector<std::string> Tokens(std::string_view s) {
    analyzer_->Analyze(s, &at_);
    std::vector<std::string> out;
    for (size_t i = 0; i < at_.tokens.size(); ++i) out.emplace_back(at_.raw(i));
    return out;
  }
  std::vector<std::string> Sentences(std::string_view s) {
    analyzer_->Analyze(s, &at_);
    std::vector<std::string> out;
    for (const Sentence& sent : at_.sentences) {
      out.emplace_back(s.substr(sent.begin, sent.end - sent.begin));
    }
    return out;
  }
  std::optional<TextAnalyzer> analyzer_;
  AnalyzedText at_;
};

TEST_F(TextTest, FinanceTokens) {
  EXPECT_EQ(Tokens("Spot gold was up 0.6% to $3,364.43"),
            (std::vector<std::string>{"Spot", "gold", "was", "up", "0.6", "%",
                                      "to", "$", "3,364.43"}));
  EXPECT_EQ(Tokens("EUR131m in the U.S. at 7:59 a.m."),
            (std::vector<std::string>{"EUR131m", "in", "the", "U.S.", "at",
                                      "7:59", "a.m."}));
  EXPECT_EQ(Tokens("a 3-1/2 week low, Rs 30,244"),
            (std::vector<std::string>{"a", "3-1/2", "week", "low", ",", "Rs",
                                      "30,244"}));
  EXPECT_EQ(Tokens("Myanmar's junta doesn't"),
            (std::vector<std::string>{"Myanmar", "'s", "junta", "doesn't"}));
}

TEST_F(TextTest, SentencesSurviveAbbreviations) {
  EXPECT_EQ(Sentences("Gold rose in the U.S. market on Dec. 5 at 7:59 a.m. "
                      "Singapore time. Silver fell."),
            (std::vector<std::string>{
                "Gold rose in the U.S. market on Dec. 5 at 7:59 a.m. "
                "Singapore time.",
                "Silver fell."}));
  EXPECT_EQ(Sentences("He said \"no.\" Then left!\nNew line"),
            (std::vector<std::string>{"He said \"no.\"", "Then left!", "New line"}));
}

TEST_F(TextTest, TokensCarryTheirSentence) {
  analyzer_->Analyze("One. Two three.", &at_);
  ASSERT_EQ(at_.sentences.size(), 2u);
  EXPECT_EQ(at_.tokens[0].sentence, 0u);
  EXPECT_EQ(at_.tokens[2].sentence, 1u);
  EXPECT_EQ(at_.norm(2), "two");
}

}  // namespace
}  // namespace tidings::scoring::internal
