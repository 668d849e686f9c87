// Copyright 2026 The Tidings Authors.
//
// adversarial.h: worst-case inputs for BM_Adversarial (issue 12 item 6),
// generated deterministically from corpus text so that the words are real
// news words and only the shape is hostile.

#ifndef TIDINGS_BENCH_ADVERSARIAL_H_
#define TIDINGS_BENCH_ADVERSARIAL_H_

#include <string>
#include <string_view>
#include <vector>

namespace tidings::bench {

struct AdversarialCase {
  std::string name;  // e.g. "single_line_1MB"
  std::string text;  // Passed as the body, no title, kind = kAuto.
};

// `bodies` / `titles`: corpus article bodies and titles (non-empty lists).
// Cases: a 1 MB single line, a 10,000-token sentence, 1 MB of emoji, 1 MB of
// right-to-left text with bidi controls, 100,000 short teaser lines and
// 10,000 levels of nested HTML; also one 1 MB token and 1 MB of sentences
// where nearly every word is a lexicon hit.
std::vector<AdversarialCase> MakeAdversarialCases(
    const std::vector<std::string_view>& bodies,
    const std::vector<std::string_view>& titles);

}  // namespace tidings::bench

#endif  // TIDINGS_BENCH_ADVERSARIAL_H_
