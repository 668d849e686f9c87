// Copyright 2026 The Tidings Authors.

#include "scoring/internal/page_text.h"

#include <cstdint>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace tidings::scoring::internal {
namespace {

// CountWords by ForEachWord, one word at a time: the reference for its
// 16- and 8-byte steps.
size_t CountWordsOneByOne(std::string_view s, size_t cap) {
  size_t n = 0;
  ForEachWord(s, [&](size_t, size_t) { ++n; });
  return std::min(n, cap);
}

TEST(PageTextTest, CountWordsMatchesWordByWordOnRandomText) {
  // Bytes that separate words and bytes that do not, in every mix: ASCII
  // words, single and double spaces, controls, NBSP and other Unicode
  // spaces, non-ASCII letters, DEL.
  const std::string pieces[] = {
      "a",  "Fed", "rates", "3,364.43", " ",  "  ",           "\t",
      "\n", "\r",  "\x7f",  "\xC2\xA0", "é",  "\xE2\x80\x83", "\xE3\x80\x80",
      "“",  "-",   "|",     "word.",    "\v", "\xEF\xBB\xBF",
  };
  std::mt19937 rng(12);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int parts = static_cast<int>(rng() % 40);
    for (int k = 0; k < parts; ++k) {
      // Mostly plain words and single spaces, as in text.
      const uint32_t r = rng() % 100;
      s += r < 45 ? pieces[rng() % 4] : r < 85 ? " " : pieces[rng() % 20];
    }
    for (size_t cap : {size_t{1}, size_t{3}, size_t{8}, size_t{32}}) {
      ASSERT_EQ(CountWords(s, cap), CountWordsOneByOne(s, cap))
          << "cap " << cap << " text \"" << s << "\"";
      // Every suffix, so that the steps start at every alignment.
      const size_t from = rng() % (s.size() + 1);
      const std::string_view rest = std::string_view(s).substr(from);
      ASSERT_EQ(CountWords(rest, cap), CountWordsOneByOne(rest, cap))
          << "cap " << cap << " text \"" << rest << "\"";
    }
  }
}

TEST(PageTextTest, CountWordsOfLongPlainLines) {
  std::string s;
  for (int k = 0; k < 50; ++k) {
    EXPECT_EQ(CountWords(s, 64), static_cast<size_t>(k)) << s;
    s += k % 3 == 0 ? "abcdefghijklmnopq " : "ab ";
  }
  EXPECT_EQ(CountWords(s), 32u);  // The default cap.
}

}  // namespace
}  // namespace tidings::scoring::internal
