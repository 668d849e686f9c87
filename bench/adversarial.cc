// Copyright 2026 The Tidings Authors.

#include "bench/adversarial.h"

#include <cstddef>
#include <cstdint>

namespace tidings::bench {
namespace {

constexpr size_t kOneMB = size_t{1} << 20;

// Calls `f(word)` for each whitespace-separated word of `text`.
template <typename F>
void ForEachWord(std::string_view text, F&& f) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' ||
                               text[i] == '\t' || text[i] == '\r')) {
      ++i;
    }
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n' &&
           text[i] != '\t' && text[i] != '\r') {
      ++i;
    }
    if (i > start && !f(text.substr(start, i - start))) return;
  }
}

// Corpus bodies back to back with every line break turned into a space.
std::string SingleLine(const std::vector<std::string_view>& bodies) {
  std::string out;
  out.reserve(kOneMB + 64 * 1024);
  for (size_t k = 0; out.size() < kOneMB; ++k) {
    for (char c : bodies[k % bodies.size()]) {
      out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    out.push_back(' ');
  }
  return out;
}

// 10,000 corpus words with no sentence end until the final full stop.
std::string LongSentence(const std::vector<std::string_view>& bodies) {
  std::string out;
  size_t tokens = 0;
  for (size_t k = 0; tokens < 10000; ++k) {
    ForEachWord(bodies[k % bodies.size()], [&](std::string_view w) {
      while (!w.empty() &&
             (w.back() == '.' || w.back() == '!' || w.back() == '?' ||
              w.back() == ';' || w.back() == ':')) {
        w.remove_suffix(1);
      }
      if (w.empty()) return true;
      if (!out.empty()) out.push_back(' ');
      out.append(w);
      return ++tokens < 10000;
    });
  }
  out.push_back('.');
  return out;
}

// Emoji of every UTF-8 shape the scorer may meet: 3- and 4-byte symbols,
// skin-tone modifiers, ZWJ families, flags and keycaps, in runs of 1..7
// between spaces, with a line break every ~40 runs.
std::string EmojiFlood() {
  static constexpr std::string_view kEmoji[] = {
      "\xF0\x9F\x93\x88",                  // chart up
      "\xF0\x9F\x9A\x80",                  // rocket
      "\xF0\x9F\x92\xB0",                  // money bag
      "\xE2\x9A\xA0\xEF\xB8\x8F",          // warning
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",  // thumbs up, tone
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D"
      "\xF0\x9F\x91\xA7",                  // ZWJ family
      "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8",  // flag US
      "\x31\xEF\xB8\x8F\xE2\x83\xA3",      // keycap 1
      "\xF0\x9F\x94\xA5",                  // fire
      "\xE2\x9D\xA4\xEF\xB8\x8F",          // heart
  };
  std::string out;
  uint64_t x = 88172645463325252ull;
  for (size_t run = 0; out.size() < kOneMB; ++run) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    for (size_t n = 1 + x % 7, k = 0; k < n; ++k) {
      out.append(kEmoji[(x >> (8 + 4 * k)) % std::size(kEmoji)]);
    }
    out.push_back(run % 40 == 39 ? '\n' : ' ');
  }
  return out;
}

// Arabic and Hebrew market words with bidi controls (RLM, RLE/RLO ... PDF,
// isolates), Arabic-Indic digits and Arabic punctuation.
std::string RtlFlood() {
  static constexpr std::string_view kWords[] = {
      "\xD8\xA7\xD9\x84\xD8\xB0\xD9\x87\xD8\xA8",          // gold (ar)
      "\xD8\xA7\xD9\x84\xD8\xA3\xD8\xB3\xD9\x87\xD9\x85",  // shares (ar)
      "\xD8\xA7\xD8\xB1\xD8\xAA\xD9\x81\xD8\xB9",          // rose (ar)
      "\xD8\xA7\xD9\x86\xD8\xAE\xD9\x81\xD8\xB6",          // fell (ar)
      "\xD7\x96\xD7\x94\xD7\x91",                          // gold (he)
      "\xD7\x9E\xD7\xA0\xD7\x99\xD7\x95\xD7\xAA",          // shares (he)
      "\xD7\xA2\xD7\x9C\xD7\x94",                          // rose (he)
      "\xD9\xA1\xD9\xA2\xD9\xAB\xD9\xA5",                  // 12.5 (ar)
      "\xE2\x80\x8F",                                      // RLM
      "\xE2\x80\xAE\xD8\xB3\xD9\x88\xD9\x82\xE2\x80\xAC",  // RLO ... PDF
      "\xE2\x81\xA7\xD7\xA9\xD7\x95\xD7\xA7\xE2\x81\xA9",  // RLI ... PDI
      "\xD8\x8C",                                          // Arabic comma
      "\xD8\x9F",                                          // question mark
  };
  std::string out;
  uint64_t x = 0x2545F4914F6CDD1Dull;
  for (size_t w = 0; out.size() < kOneMB; ++w) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    out.append(kWords[x % std::size(kWords)]);
    out.push_back(w % 24 == 23 ? '\n' : ' ');
  }
  return out;
}

// 100,000 lines of 2..6 words taken from corpus titles: a page that is all
// teaser headlines.
std::string TeaserLines(const std::vector<std::string_view>& titles) {
  std::string out;
  for (size_t line = 0; line < 100000; ++line) {
    const size_t want = 2 + line % 5;
    size_t words = 0;
    ForEachWord(titles[line % titles.size()], [&](std::string_view w) {
      if (words != 0) out.push_back(' ');
      out.append(w);
      return ++words < want;
    });
    out.push_back('\n');
  }
  return out;
}

// 10,000 levels of <div><span> with a corpus paragraph every 100 levels,
// then all the closing tags.
std::string NestedHtml(const std::vector<std::string_view>& bodies) {
  constexpr size_t kDepth = 10000;
  std::string out = "<!DOCTYPE html><html><head><title>t</title></head><body>";
  for (size_t level = 0; level < kDepth; ++level) {
    out.append("<div class=\"c\"><span>");
    if (level % 100 == 0) {
      std::string_view body = bodies[(level / 100) % bodies.size()];
      out.append("<p>").append(body.substr(0, body.find('\n'))).append("</p>");
    }
  }
  for (size_t level = 0; level < kDepth; ++level) out.append("</span></div>");
  out.append("</body></html>");
  return out;
}

// Sentences of `sentence_words` words where nearly every word is a lexicon
// hit (sentiment, events, gold, entities): every rule runs on every
// sentence. Until `bytes`, or `sentence_words` words when bytes is 0.
std::string DenseHits(size_t sentence_words, size_t bytes) {
  static constexpr std::string_view kWords[] = {
      "gold",    "prices", "surged",  "plunged",   "tariffs", "sanctions",
      "profit",  "loss",   "beat",    "missed",    "rally",   "slump",
      "war",     "strike", "upgrade", "downgrade", "Apple",   "Fed",
      "rate",    "cut",    "hike",    "not",       "record",  "ounce",
      "bullion", "China",  "Russia",  "embargo",   "soared",  "tumbled"};
  std::string out;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (size_t w = 0; bytes > 0 ? out.size() < bytes : w < sentence_words; ++w) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::string_view word = kWords[x % std::size(kWords)];
    if (w % sentence_words == 0 && !out.empty())
      out.append(". ");
    else if (!out.empty())
      out.push_back(' ');
    out.append(word);
  }
  out.push_back('.');
  return out;
}

// `lines` lines, alternating `a` (with '#' replaced by a digit from the
// line number) and `b` (likewise): many short sentences that each hold a hit,
// so every per-sentence cost that depends on the sentence's index shows.
std::string AlternatingLines(size_t lines, std::string_view a,
                             std::string_view b) {
  std::string out;
  for (size_t i = 0; i < lines; ++i) {
    for (char c : (i % 2 == 0 ? a : b)) {
      if (c == '#') {
        out.push_back(static_cast<char>('1' + i % 9));
      } else {
        out.push_back(c);
      }
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace

std::vector<AdversarialCase> MakeAdversarialCases(
    const std::vector<std::string_view>& bodies,
    const std::vector<std::string_view>& titles) {
  std::vector<AdversarialCase> cases;
  cases.push_back({"single_line_1MB", SingleLine(bodies)});
  cases.push_back({"sentence_10k_tokens", LongSentence(bodies)});
  cases.push_back({"emoji_flood_1MB", EmojiFlood()});
  cases.push_back({"rtl_flood_1MB", RtlFlood()});
  cases.push_back({"teaser_lines_100k", TeaserLines(titles)});
  cases.push_back({"nested_html_10k", NestedHtml(bodies)});
  // More shapes: one 1 MB token, and text where every word is a hit.
  cases.push_back({"one_token_1MB", std::string(kOneMB, 'a')});
  cases.push_back({"dense_hits_1MB", DenseHits(12, kOneMB)});
  // The 10,000-token sentence again, every word a hit.
  cases.push_back({"dense_sentence_10k_tokens", DenseHits(10000, 0)});
  // 40,000 short lines, each a sentence with a gold move: a headline
  // repeated between report sentences.
  cases.push_back({"gold_lines_40k",
                   AlternatingLines(40000,
                                    "Gold prices rose #% on Tuesday as the "
                                    "dollar fell sharply, traders said.",
                                    "Gold Hits Record High As Dollar Slumps")});
  return cases;
}

}  // namespace tidings::bench
