// Copyright 2026 The Tidings Authors.

#include "scoring/internal/text.h"

#include <algorithm>
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

TEST_F(TextTest, WordsEndAtJoinersThatJoinNothing) {
  // A '.', ',', ':', '-', '/' or '&' after a word joins only what follows
  // it; before a space, another joiner or the end it is a token of its own.
  EXPECT_EQ(Tokens("Gold rose, fell. Up 3,5 and 7:59 end.. x-y a- b/ c&d "
                   "AT&T e.g. U.S. -"),
            (std::vector<std::string>{
                "Gold", "rose", ",", "fell", ".",    "Up",   "3,5",  "and",
                "7:59", "end",  ".", ".",    "x-y",  "a",    "-",    "b",
                "/",    "c",    "&", "d",    "AT&T", "e.g.", "U.S.", "-"}));
  EXPECT_EQ(Tokens("a,"), (std::vector<std::string>{"a", ","}));
  EXPECT_EQ(Tokens("Q3."), (std::vector<std::string>{"Q3", "."}));
}

TEST_F(TextTest, SentencesSurviveAbbreviations) {
  EXPECT_EQ(Sentences("Gold rose in the U.S. market on Dec. 5 at 7:59 a.m. "
                      "Singapore time. Silver fell."),
            (std::vector<std::string>{
                "Gold rose in the U.S. market on Dec. 5 at 7:59 a.m. "
                "Singapore time.",
                "Silver fell."}));
  EXPECT_EQ(
      Sentences("He said \"no.\" Then left!\nNew line"),
      (std::vector<std::string>{"He said \"no.\"", "Then left!", "New line"}));
}

TEST_F(TextTest, TickersStayWhole) {
  EXPECT_EQ(Tokens("Apple (AAPL.O) and BRK.B rose"),
            (std::vector<std::string>{"Apple", "(", "AAPL.O", ")", "and",
                                      "BRK.B", "rose"}));
  EXPECT_EQ(Tokens("ELI LILLY AND CO <LLY> GETS"),
            (std::vector<std::string>{"ELI", "LILLY", "AND", "CO", "<", "LLY",
                                      ">", "GETS"}));
  // Reuters quotes and glued units stay one number token.
  EXPECT_EQ(Tokens("at 409.40/90 dlrs, $1,201.30/oz"),
            (std::vector<std::string>{"at", "409.40/90", "dlrs", ",", "$",
                                      "1,201.30/oz"}));
  EXPECT_EQ(Sentences("Shares of Apple Inc. (AAPL.O) rose. They led."),
            (std::vector<std::string>{"Shares of Apple Inc. (AAPL.O) rose.",
                                      "They led."}));
}

TEST_F(TextTest, DottedAbbreviationCanEndASentence) {
  EXPECT_EQ(Sentences("Imports from the U.S. The deal was signed."),
            (std::vector<std::string>{"Imports from the U.S.",
                                      "The deal was signed."}));
  // A capitalised word that can continue the sentence keeps it whole.
  EXPECT_EQ(Sentences("Officials in the U.S. Treasury said so. Fine."),
            (std::vector<std::string>{"Officials in the U.S. Treasury said so.",
                                      "Fine."}));
  EXPECT_EQ(Sentences("Shares of Apple Inc. rose. The company said so."),
            (std::vector<std::string>{"Shares of Apple Inc. rose.",
                                      "The company said so."}));
  EXPECT_EQ(
      Sentences("It bought Acme Corp. The deal closed."),
      (std::vector<std::string>{"It bought Acme Corp.", "The deal closed."}));
  EXPECT_EQ(
      Sentences("He met Mr. Smith at 10 a.m. It rained."),
      (std::vector<std::string>{"He met Mr. Smith at 10 a.m.", "It rained."}));
}

TEST_F(TextTest, MoneyAndPercentages) {
  EXPECT_EQ(Tokens("US$1.5bn, 1.2 mln dlrs, 50 cts, 6.5 pct, Sept. 2022"),
            (std::vector<std::string>{"US", "$", "1.5bn", ",", "1.2", "mln",
                                      "dlrs", ",", "50", "cts", ",", "6.5",
                                      "pct", ",", "Sept", ".", "2022"}));
  EXPECT_EQ(
      Sentences("Gold rose $12.50, or 0.6%, on Jan. 5 vs. $1,222 on Dec. 31. "
                "Silver fell."),
      (std::vector<std::string>{
          "Gold rose $12.50, or 0.6%, on Jan. 5 vs. $1,222 on Dec. 31.",
          "Silver fell."}));
}

TEST_F(TextTest, TokensCarryTheirSentence) {
  analyzer_->Analyze("One. Two three.", &at_);
  ASSERT_EQ(at_.sentences.size(), 2u);
  EXPECT_EQ(at_.tokens[0].sentence, 0u);
  EXPECT_EQ(at_.tokens[2].sentence, 1u);
  EXPECT_EQ(at_.norm(2), "two");
}

TEST_F(TextTest, DecimalPointIsNotAFullStop) {
  EXPECT_EQ(Tokens("EUR193.3m"), (std::vector<std::string>{"EUR193.3m"}));
  EXPECT_EQ(Sentences("Sales were EUR193 .3 m in 2009 . Profit rose ."),
            (std::vector<std::string>{"Sales were EUR193 .3 m in 2009 .",
                                      "Profit rose ."}));
}

TEST_F(TextTest, MarkupIsMarkedAndEndsNoSentence) {
  // Tokens stay as they were; the markup flag says which are links,
  // cashtags, hashtags and @mentions.
  const std::string post =
      "$ACME up on #earnings, says @desk https://t.co/Ab.C?x=1 ok. Next";
  analyzer_->Analyze(post, &at_);
  std::vector<std::string> marked, plain;
  for (size_t i = 0; i < at_.tokens.size(); ++i) {
    (at_.tokens[i].markup ? marked : plain).emplace_back(at_.raw(i));
  }
  EXPECT_EQ(marked, (std::vector<std::string>{
                        "$", "ACME", "#", "earnings", "@", "desk", "https", ":",
                        "/", "/", "t.co/Ab", ".", "C", "?", "x", "=", "1"}));
  EXPECT_EQ(plain, (std::vector<std::string>{"up", "on", ",", "says", "ok", ".",
                                             "Next"}));
  // The "." and "?" inside the link end no sentence; the one after it does.
  EXPECT_EQ(Sentences(post),
            (std::vector<std::string>{
                "$ACME up on #earnings, says @desk https://t.co/Ab.C?x=1 ok.",
                "Next"}));
  // A price is no cashtag; a link's closing punctuation is the sentence's.
  analyzer_->Analyze("at $3.50 (see www.acme.com).", &at_);
  for (size_t i = 0; i < at_.tokens.size(); ++i) {
    const bool in_link = at_.tokens[i].begin >= 14 && at_.tokens[i].end <= 26;
    EXPECT_EQ(at_.tokens[i].markup, in_link) << at_.raw(i);
  }
}

TEST_F(TextTest, EachTokenHasTheHashAndIdOfItsText) {
  // One-byte tokens take theirs from a table, longer ones are hashed and
  // looked up: both must agree with the vocabulary.
  const Vocabulary& vocabulary = *analyzer_->vocabulary();
  analyzer_->Analyze(
      "Gold, up 2 % (a record) -- Acme's Q3 profit & \"loss\" fell; "
      "x y \xC2\xA3 \xE2\x82\xAC 1.5bn lowest-ever?!",
      &at_);
  ASSERT_GT(at_.tokens.size(), 20u);
  for (size_t i = 0; i < at_.tokens.size(); ++i) {
    EXPECT_EQ(at_.tokens[i].hash, Fnv1a64(at_.norm(i))) << at_.raw(i);
    EXPECT_EQ(at_.tokens[i].id, vocabulary.Find(at_.norm(i))) << at_.raw(i);
  }
}

TEST(VocabularyTest, IdsAreEqualExactlyWhenWordsAre) {
  // Words of every length up to past the inline size, sharing prefixes
  // and differing in their last byte only.
  Vocabulary vocabulary;
  std::vector<std::string> words;
  for (size_t n = 0; n <= 10; ++n) {
    words.push_back(std::string("abcdefghij").substr(0, n));
    if (n > 0) words.push_back(words.back().substr(0, n - 1) + "Z");
  }
  std::vector<uint32_t> ids;
  for (const std::string& w : words) ids.push_back(vocabulary.Add(w));
  for (size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(vocabulary.Find(words[i]), ids[i]) << words[i];
    for (size_t j = 0; j < i; ++j) EXPECT_NE(ids[i], ids[j]) << words[i];
    // Not in it: one byte more, or one byte changed.
    EXPECT_EQ(vocabulary.Find(words[i] + "!"), Vocabulary::kNone) << words[i];
    if (!words[i].empty()) {
      std::string changed = words[i];
      changed[0] = '#';
      EXPECT_EQ(vocabulary.Find(changed), Vocabulary::kNone) << words[i];
    }
  }
}

TEST(VocabularyTest, IdsFollowTheOrderOfFirstAdditionOverManyWords) {
  // Words of every size from 0 to 40 and their near twins: one byte
  // changed at the first, the 8th, 9th, 16th, 17th or last position, so
  // that only the bytes there tell them apart (an integer compare of the
  // first or last 8 bytes, or of the middle). Then pairs that share the 32
  // hash bits a slot keeps (FNV-1a bits 16..47; found by search), and
  // 5,000 more words, so that the table grows several times and probe
  // sequences run long.
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-'/";
  std::vector<std::string> words;
  for (size_t n = 0; n <= alphabet.size(); ++n) {
    const std::string word = alphabet.substr(0, n);
    words.push_back(word);
    for (size_t at :
         {size_t{0}, size_t{7}, size_t{8}, size_t{15}, size_t{16}, n - 1}) {
      if (n == 0 || at >= n) continue;
      std::string twin = word;
      twin[at] = '#';
      words.push_back(twin);
    }
  }
  for (const char* word :
       {"w20670", "w41674", "w34864", "w53080", "longword120674",
        "longword141670", "longword120677", "longword141671"}) {
    words.push_back(word);
  }
  for (int i = 0; i < 5000; ++i) {
    words.push_back(std::string("x").append(std::to_string(i)));
  }

  Vocabulary vocabulary;
  std::vector<std::string> distinct;  // In order of first addition.
  for (const std::string& word : words) {
    const bool seen =
        std::find(distinct.begin(), distinct.end(), word) != distinct.end();
    if (!seen) distinct.push_back(word);
    const uint32_t id = vocabulary.Add(word);
    const size_t expected =
        std::find(distinct.begin(), distinct.end(), word) - distinct.begin();
    ASSERT_EQ(id, expected + 1) << word;
  }
  ASSERT_EQ(vocabulary.size(), distinct.size());
  for (size_t i = 0; i < distinct.size(); ++i) {
    EXPECT_EQ(vocabulary.Find(distinct[i]), i + 1) << distinct[i];
    EXPECT_EQ(vocabulary.Find(distinct[i], Fnv1a64(distinct[i])), i + 1);
    // FindPadded, the word followed by other bytes, which its masked load
    // reads and must leave out; and the word one byte shorter.
    const std::string padded = distinct[i] + "!qqqqqqqq";
    const std::string_view word(padded.data(), distinct[i].size());
    EXPECT_EQ(vocabulary.FindPadded(word, Fnv1a64(word)), i + 1) << word;
    const std::string_view longer(padded.data(), word.size() + 1);
    EXPECT_EQ(vocabulary.FindPadded(longer, Fnv1a64(longer)),
              vocabulary.Find(longer))
        << longer;
    if (!word.empty()) {
      const std::string_view shorter = word.substr(0, word.size() - 1);
      EXPECT_EQ(vocabulary.FindPadded(shorter, Fnv1a64(shorter)),
                vocabulary.Find(shorter))
          << shorter;
    }
    EXPECT_EQ(vocabulary.Add(distinct[i]), i + 1) << distinct[i];
    // Not in it: one byte more, or the first byte changed to one no word
    // holds.
    EXPECT_EQ(vocabulary.Find(distinct[i] + "!"), Vocabulary::kNone)
        << distinct[i];
    if (!distinct[i].empty()) {
      std::string changed = distinct[i];
      changed[0] = '%';
      EXPECT_EQ(vocabulary.Find(changed), Vocabulary::kNone) << changed;
    }
  }
  EXPECT_EQ(vocabulary.Find("w41675"), Vocabulary::kNone);
  EXPECT_EQ(vocabulary.Find("longword141672"), Vocabulary::kNone);
  EXPECT_EQ(vocabulary.size(), distinct.size());  // Find added nothing.
}

TEST(VocabularyTest, DigestFollowsWordsAndIds) {
  Vocabulary ab, ab_again, ba;
  ab.Add("alpha");
  ab.Add("beta");
  ab_again.Add("alpha");
  ab_again.Add("beta");
  ab_again.Add("alpha");  // Known: changes nothing.
  ba.Add("beta");
  ba.Add("alpha");
  EXPECT_EQ(ab.digest(), ab_again.digest());
  EXPECT_NE(ab.digest(), ba.digest());
}

}  // namespace
}  // namespace tidings::scoring::internal
