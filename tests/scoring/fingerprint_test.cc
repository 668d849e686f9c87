// Copyright 2026 The Tidings Authors.

#include "scoring/internal/fingerprint.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "scoring/internal/text.h"

namespace tidings::scoring::internal {
namespace {

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// fingerprint.h's SimHash, one bit at a time: the reference.
uint64_t NearByBits(const AnalyzedText& text) {
  uint64_t window[3] = {0, 0, 0};
  int seen = 0;
  int64_t votes[64] = {};
  uint64_t added = 0;
  auto add = [&](uint64_t h) {
    ++added;
    for (int b = 0; b < 64; ++b) votes[b] += h >> b & 1;
  };
  for (const Token& t : text.tokens) {
    if (t.kind == TokenKind::kSymbol) continue;
    window[0] = window[1];
    window[1] = window[2];
    window[2] = t.hash;
    if (++seen >= 3) add(Mix(window[0] ^ Mix(window[1] ^ Mix(window[2]))));
  }
  if (seen > 0 && seen < 3) {
    for (int k = 3 - seen; k < 3; ++k) add(Mix(window[k]));
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * static_cast<uint64_t>(votes[b]) > added) out |= uint64_t{1} << b;
  }
  return out;
}

TEST(FingerprintTest, NearIsTheMajorityOfEveryBitForAnyLength) {
  auto lex = LexiconSet::Load("");
  ASSERT_TRUE(lex.ok()) << lex.status();
  auto analyzer = TextAnalyzer::Create(*lex);
  ASSERT_TRUE(analyzer.ok()) << analyzer.status();
  // 0 to 800 words: around the 255 hashes after which the counts are
  // flushed, and a few words (fewer than a shingle) too.
  std::string text;
  AnalyzedText at;
  for (int n = 0; n <= 800; ++n) {
    if (n > 0) text.append("w").append(std::to_string(n * 7919 % 1000)) += ' ';
    if (n > 40 && n % 7 != 0 && (n < 240 || n > 270) && n < 500) continue;
    analyzer->Analyze(text, &at);
    EXPECT_EQ(ComputeFingerprints(at).near, NearByBits(at)) << n << " words";
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
