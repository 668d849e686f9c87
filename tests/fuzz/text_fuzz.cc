// Copyright 2026 The Tidings Authors.
//
// text_fuzz: TextAnalyzer::Analyze on arbitrary text, after the repair that
// Scorer::Score applies first (RepairText: valid UTF-8, no control
// characters but TAB and LF), since that is the text the analyzer is given.
//
// Checked (abort on failure):
//  - RepairText: its output is valid UTF-8, and it reports a change exactly
//    when the output differs from the input.
//  - `lower` has the same size as the text.
//  - tokens: non-empty, within the text, in order and not overlapping, on
//    UTF-8 character boundaries, with sentence indexes that are valid and
//    never decrease; no ASCII letter or digit is left outside every token.
//  - sentences: each covers tokens [first_token, end_token), non-empty; they
//    follow each other with no gap from token 0 to the last token; begin and
//    end are the first token's begin and the last token's end; every token
//    in it names it.
//  - reuse: analysing a different text into the same AnalyzedText and then
//    this one again gives the same result as the first analysis.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/internal/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace tidings::fuzz {
namespace {

using scoring::internal::AnalyzedText;
using scoring::internal::Sentence;
using scoring::internal::TextAnalyzer;
using scoring::internal::Token;

const TextAnalyzer& GetAnalyzer() {
  static const TextAnalyzer* analyzer = [] {
    auto lex = scoring::internal::LexiconSet::Load("");
    FUZZ_CHECK(lex.ok(), "LexiconSet::Load: %s",
               lex.status().ToString().c_str());
    auto a = TextAnalyzer::Create(*lex);
    FUZZ_CHECK(a.ok(), "TextAnalyzer::Create: %s",
               a.status().ToString().c_str());
    return new TextAnalyzer(*std::move(a));
  }();
  return *analyzer;
}

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

void CheckAnalysis(std::string_view text, const AnalyzedText& at) {
  const size_t n = text.size();
  FUZZ_CHECK(at.text.data() == text.data() && at.text.size() == n,
             "AnalyzedText::text is not the analysed text");
  FUZZ_CHECK(at.lower.size() == n, "lower has %zu bytes, text %zu",
             at.lower.size(), n);

  size_t prev_end = 0;
  uint32_t prev_sentence = 0;
  for (size_t i = 0; i < at.tokens.size(); ++i) {
    const Token& t = at.tokens[i];
    FUZZ_CHECK(t.begin < t.end && t.end <= n,
               "token %zu [%u, %u) empty or outside text of %zu bytes", i,
               t.begin, t.end, n);
    FUZZ_CHECK(t.begin >= prev_end,
               "token %zu [%u, %u) starts before the previous one ends (%zu)",
               i, t.begin, t.end, prev_end);
    FUZZ_CHECK(IsCharBoundary(text, t.begin) && IsCharBoundary(text, t.end),
               "token %zu [%u, %u) splits a UTF-8 character", i, t.begin,
               t.end);
    FUZZ_CHECK(t.sentence < at.sentences.size(),
               "token %zu in sentence %u of %zu", i, t.sentence,
               at.sentences.size());
    FUZZ_CHECK(t.sentence >= prev_sentence, "token %zu sentence %u after %u", i,
               t.sentence, prev_sentence);
    for (size_t b = prev_end; b < t.begin; ++b) {
      FUZZ_CHECK(!IsAsciiAlnum(text[b]),
                 "byte %zu ('%c') before token %zu is in no token", b, text[b],
                 i);
    }
    prev_end = t.end;
    prev_sentence = t.sentence;
  }
  for (size_t b = prev_end; b < n; ++b) {
    FUZZ_CHECK(!IsAsciiAlnum(text[b]),
               "byte %zu ('%c') after the last token "
               "is in no token",
               b, text[b]);
  }

  FUZZ_CHECK(at.tokens.empty() == at.sentences.empty(),
             "%zu tokens but %zu sentences", at.tokens.size(),
             at.sentences.size());
  uint32_t next_token = 0;
  for (size_t k = 0; k < at.sentences.size(); ++k) {
    const Sentence& s = at.sentences[k];
    FUZZ_CHECK(s.first_token == next_token && s.first_token < s.end_token &&
                   s.end_token <= at.tokens.size(),
               "sentence %zu covers tokens [%u, %u), expected to start at %u "
               "(%zu tokens)",
               k, s.first_token, s.end_token, next_token, at.tokens.size());
    FUZZ_CHECK(s.begin == at.tokens[s.first_token].begin &&
                   s.end == at.tokens[s.end_token - 1].end,
               "sentence %zu [%u, %u) is not the span of its tokens [%u, %u)",
               k, s.begin, s.end, at.tokens[s.first_token].begin,
               at.tokens[s.end_token - 1].end);
    for (uint32_t t = s.first_token; t < s.end_token; ++t) {
      FUZZ_CHECK(at.tokens[t].sentence == k, "token %u of sentence %zu says %u",
                 t, k, at.tokens[t].sentence);
    }
    next_token = s.end_token;
  }
  FUZZ_CHECK(next_token == at.tokens.size(), "sentences end at token %u of %zu",
             next_token, at.tokens.size());
}

bool SameTokens(const AnalyzedText& a, const AnalyzedText& b) {
  if (a.tokens.size() != b.tokens.size() ||
      a.sentences.size() != b.sentences.size() || a.lower != b.lower) {
    return false;
  }
  for (size_t i = 0; i < a.tokens.size(); ++i) {
    const Token &x = a.tokens[i], &y = b.tokens[i];
    if (x.begin != y.begin || x.end != y.end || x.kind != y.kind ||
        x.capitalized != y.capitalized || x.sentence != y.sentence) {
      return false;
    }
  }
  for (size_t i = 0; i < a.sentences.size(); ++i) {
    const Sentence &x = a.sentences[i], &y = b.sentences[i];
    if (x.begin != y.begin || x.end != y.end ||
        x.first_token != y.first_token || x.end_token != y.end_token) {
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace tidings::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  tidings::fuzz::GetAnalyzer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tidings;
  const scoring::internal::TextAnalyzer& analyzer = fuzz::GetAnalyzer();
  std::string_view raw(reinterpret_cast<const char*>(data), size);

  std::string repaired;
  bool changed = scoring::internal::RepairText(raw, &repaired);
  std::string_view text = changed ? std::string_view(repaired) : raw;
  size_t bad = fuzz::FirstInvalidUtf8(text);
  FUZZ_CHECK(bad == text.size(), "RepairText output invalid at byte %zu of %zu",
             bad, text.size());
  FUZZ_CHECK(changed == (repaired != raw) || (!changed && repaired.empty()),
             "RepairText returned %d but the text %s", changed,
             repaired == raw ? "is unchanged" : "changed");

  scoring::internal::AnalyzedText first;
  analyzer.Analyze(text, &first);
  fuzz::CheckAnalysis(text, first);

  // Reuse of the buffers: something else first, then this text again.
  static scoring::internal::AnalyzedText reused;
  size_t half = text.size() / 2;
  while (!fuzz::IsCharBoundary(text, half)) ++half;
  analyzer.Analyze(text.substr(half), &reused);
  fuzz::CheckAnalysis(text.substr(half), reused);
  analyzer.Analyze(text, &reused);
  FUZZ_CHECK(fuzz::SameTokens(first, reused),
             "analysis differs when the AnalyzedText is reused");
  return 0;
}
