// Copyright 2026 The Tidings Authors.
//
// clean_lexicons.cc: the page cleaner's word lists ("headline_words.tsv",
// "abbreviations.txt", "boilerplate.tsv", "sources.tsv") and their lookups.

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/clean.h"
#include "scoring/internal/cleaning.h"
#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal {
// ---------------------------------------------------------------------------
// Lexicons.

namespace {

// One row of "boilerplate.tsv": PHRASE <TAB> MATCH <TAB> ACTION.
absl::StatusOr<PageCleaner::BoilerRule> ParseBoilerRule(std::string_view file,
                                                        const LexiconRow& row) {
  using Match = PageCleaner::BoilerMatch;
  using Action = PageCleaner::BoilerAction;
  PageCleaner::BoilerRule rule;
  rule.phrase = std::string(row.fields[0]);
  for (char& ch : rule.phrase) ch = ToLower(ch);
  std::string_view m = row.fields[1], a = row.fields[2];
  if (m == "line") {
    rule.match = Match::kLine;
  } else if (m == "prefix") {
    rule.match = Match::kPrefix;
  } else if (m == "suffix") {
    rule.match = Match::kSuffix;
  } else if (m == "contains") {
    rule.match = Match::kContains;
  } else {
    return RowError(file, row,
                    "match must be line, prefix, suffix or contains");
  }
  if (a == "drop") {
    rule.action = Action::kDrop;
  } else if (a == "end") {
    rule.action = Action::kEnd;
  } else if (a == "block") {
    rule.action = Action::kBlock;
  } else {
    return RowError(file, row, "action must be drop, end or block");
  }
  return rule;
}

}  // namespace

absl::StatusOr<PageCleaner> PageCleaner::Create(const LexiconSet& lexicons) {
  PageCleaner c;
  if (absl::Status s = c.LoadHeadlineWords(lexicons); !s.ok()) return s;
  if (absl::Status s = c.LoadAbbreviations(lexicons); !s.ok()) return s;
  if (absl::Status s = c.LoadBoilerplate(lexicons); !s.ok()) return s;
  if (absl::Status s = c.LoadSources(lexicons); !s.ok()) return s;
  auto bylines = BylineReader::Create(lexicons);
  if (!bylines.ok()) return bylines.status();
  c.bylines_ = *std::move(bylines);
  auto furniture = FurnitureReader::Create(lexicons);
  if (!furniture.ok()) return furniture.status();
  c.furniture_ = *std::move(furniture);
  return c;
}

absl::Status PageCleaner::LoadHeadlineWords(const LexiconSet& lexicons) {
  constexpr std::string_view kFile = "headline_words.tsv";
  auto rows = lexicons.Rows(kFile, 2, 2);
  if (!rows.ok()) return rows.status();
  static constexpr std::pair<std::string_view, uint16_t> kNames[] = {
      {"minor", kMinor},       {"nonfinal", kNonFinal}, {"starter", kStarter},
      {"question", kQuestion}, {"pronoun", kPronoun},   {"prose", kProse},
      {"aux", kAux},           {"article", kArticle},   {"clause", kClause},
      {"role", kRole},         {"timeunit", kTimeUnit}, {"month", kMonth},
      {"dateword", kDateWord},
  };
  for (const LexiconRow& row : *rows) {
    uint16_t bits = 0;
    std::string_view list = row.fields[1];
    while (!list.empty()) {
      size_t comma = list.find(',');
      std::string_view name = Trim(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view()
                                             : list.substr(comma + 1);
      uint16_t bit = 0;
      for (const auto& [n, v] : kNames) {
        if (n == name) bit = v;
      }
      if (bit == 0) {
        return RowError(
            kFile, row,
            absl::StrCat("unknown word class '", std::string(name), "'"));
      }
      bits |= bit;
    }
    std::string word(row.fields[0]);
    for (char& ch : word) ch = ToLower(ch);
    if (word.size() <= 8) {
      short_words_[PackWord(word)] |= bits;
    } else {
      long_words_[word] |= bits;
    }
    AddToWordFilter(word);
    max_word_len_ = std::max(max_word_len_, word.size());
  }
  return absl::OkStatus();
}

absl::Status PageCleaner::LoadAbbreviations(const LexiconSet& lexicons) {
  auto rows = lexicons.Rows("abbreviations.txt", 1, 2);
  if (!rows.ok()) return rows.status();
  for (const LexiconRow& row : *rows) {
    if (row.fields.size() == 1) {
      abbreviations_.insert(std::string(row.fields[0]));
    } else if (row.fields[1] == "opener") {
      uint64_t key = row.fields[0].size() <= 8 ? PackWord(row.fields[0]) : 0;
      if (key != 0) {
        short_words_[key] |= kOpener;
        AddToWordFilter(row.fields[0]);
      }
    } else {
      return RowError("abbreviations.txt", row, "kind must be empty or opener");
    }
  }
  return absl::OkStatus();
}

absl::Status PageCleaner::LoadBoilerplate(const LexiconSet& lexicons) {
  constexpr std::string_view kFile = "boilerplate.tsv";
  auto rows = lexicons.Rows(kFile, 3, 3);
  if (!rows.ok()) return rows.status();
  for (const LexiconRow& row : *rows) {
    absl::StatusOr<BoilerRule> rule = ParseBoilerRule(kFile, row);
    if (!rule.ok()) return rule.status();
    AddBoilerRule(*std::move(rule));
  }
  IndexContainsHeads();
  return absl::OkStatus();
}

namespace {

// The first `len` (at most 8) bytes at `p`, packed into an integer; not 0
// when p[0] is not NUL.
inline uint64_t HeadAt(const char* p, size_t len) {
  uint64_t v = 0;
  if (len == 8) {  // The usual length: one load, not a call.
    std::memcpy(&v, p, 8);
  } else {
    std::memcpy(&v, p, len);
  }
  return v;
}

// The slot where the search for `head` starts, in a set of 2^bits slots.
size_t HeadSlot(uint64_t head, size_t mask) {
  return static_cast<size_t>((head * 0x9E3779B97F4A7C15ull) >> 40) & mask;
}

}  // namespace

void PageCleaner::IndexContainsHeads() {
  // A rule whose phrase has no first word (it starts with ' ') never
  // matches: contains_at looks its phrase up by that word.
  contains_min_len_ = SIZE_MAX;
  for (const BoilerRule& r : boiler_rules_) {
    if (r.match == BoilerMatch::kContains && !r.phrase.empty() &&
        r.phrase[0] != ' ') {
      contains_min_len_ = std::min(contains_min_len_, r.phrase.size());
    }
  }
  contains_heads_.clear();
  if (contains_min_len_ == SIZE_MAX) return;
  contains_head_len_ = std::min<size_t>(contains_min_len_, 8);
  size_t slots = 16;
  while (slots < 4 * boiler_rules_.size()) slots *= 2;
  contains_heads_.assign(slots, 0);
  for (const BoilerRule& r : boiler_rules_) {
    if (r.match != BoilerMatch::kContains || r.phrase.empty() ||
        r.phrase[0] == ' ') {
      continue;
    }
    const uint64_t head = HeadAt(r.phrase.data(), contains_head_len_);
    for (size_t s = HeadSlot(head, slots - 1);; s = (s + 1) & (slots - 1)) {
      if (contains_heads_[s] == head) break;
      if (contains_heads_[s] == 0) {
        contains_heads_[s] = head;
        break;
      }
    }
  }
}

bool PageCleaner::IsContainsHead(const char* p) const {
  const uint64_t head = HeadAt(p, contains_head_len_);
  const size_t mask = contains_heads_.size() - 1;
  for (size_t s = HeadSlot(head, mask);; s = (s + 1) & mask) {
    if (contains_heads_[s] == head) return true;
    if (contains_heads_[s] == 0) return false;
  }
}

void PageCleaner::AddBoilerRule(BoilerRule rule) {
  if (rule.match == BoilerMatch::kLine) {
    boiler_lines_[rule.phrase] = rule.action;
    max_line_phrase_ = std::max(max_line_phrase_, rule.phrase.size());
    return;
  }
  uint32_t index = static_cast<uint32_t>(boiler_rules_.size());
  if (rule.match == BoilerMatch::kContains) {
    std::string first = rule.phrase.substr(0, rule.phrase.find(' '));
    if (!first.empty()) {
      const uint32_t bit = 1u << std::min<size_t>(first.size(), 31);
      contains_first_len_[static_cast<unsigned char>(first.front())] |= bit;
      contains_last_len_[static_cast<unsigned char>(first.back())] |= bit;
    }
    contains_by_word_[first].push_back(index);
  } else {
    const bool prefix = rule.match == BoilerMatch::kPrefix;
    auto& by_byte = edge_rules_[prefix ? 0 : 1];
    if (rule.phrase.empty()) {  // Matches every line.
      for (auto& rules : by_byte) rules.push_back(index);
    } else {
      by_byte[static_cast<unsigned char>(prefix ? rule.phrase.front()
                                                : rule.phrase.back())]
          .push_back(index);
    }
  }
  boiler_rules_.push_back(std::move(rule));
}

absl::Status PageCleaner::LoadSources(const LexiconSet& lexicons) {
  constexpr std::string_view kFile = "sources.tsv";
  auto rows = lexicons.Rows(kFile, 2, 3);
  if (!rows.ok()) return rows.status();
  for (const LexiconRow& row : *rows) {
    std::string name(row.fields[0]);
    for (char& ch : name) ch = ToLower(ch);
    if (row.fields[1] == "agency") {
      agencies_[name] =
          std::string(row.fields.size() > 2 ? row.fields[2] : row.fields[0]);
    } else if (row.fields[1] == "site") {
      sites_.insert(std::move(name));
    } else {
      return RowError(kFile, row, "kind must be agency or site");
    }
  }
  return absl::OkStatus();
}

void PageCleaner::AddToWordFilter(std::string_view word) {
  if (word.empty()) return;
  const uint32_t bit = 1u << std::min<size_t>(word.size(), 31);
  word_first_len_[static_cast<unsigned char>(ToLower(word.front()))] |= bit;
  word_last_len_[static_cast<unsigned char>(ToLower(word.back()))] |= bit;
}

uint16_t PageCleaner::LookUpClasses(std::string_view word) const {
  if (word.size() <= 8) {
    auto it = short_words_.find(PackWord(word));
    return it == short_words_.end() ? 0 : it->second;
  }
  char buf[48];
  std::string_view low = LowerInto(word, buf, sizeof(buf));
  if (low.empty()) return 0;
  auto it = long_words_.find(AsAbsl(low));
  return it == long_words_.end() ? 0 : it->second;
}

bool PageCleaner::IsAbbreviation(std::string_view word) const {
  char buf[24];
  std::string_view low = LowerInto(word, buf, sizeof(buf));
  return !low.empty() && abbreviations_.contains(AsAbsl(low));
}

PageCleaner::BoilerAction PageCleaner::MatchBoilerplate(std::string_view norm,
                                                        size_t words) const {
  return MatchBoilerplate(norm, words, nullptr, 0);
}

PageCleaner::BoilerAction PageCleaner::MatchBoilerplate(
    std::string_view norm, size_t words, const uint32_t* word_starts,
    size_t num_word_starts) const {
  if (norm.empty()) return BoilerAction::kNone;
  if (norm.size() <= max_line_phrase_) {
    auto it = boiler_lines_.find(AsAbsl(norm));
    if (it != boiler_lines_.end()) return it->second;
  }
  if (words > cleaning::kMaxBoilerWords) return BoilerAction::kNone;
  // Any "end" rule that matches decides; otherwise any "block" rule, then
  // any "drop" rule.
  BoilerAction found = BoilerAction::kNone;
  auto hit = [&](const BoilerRule& r) {
    if (r.action == BoilerAction::kEnd) return true;
    if (found != BoilerAction::kBlock) found = r.action;
    return false;
  };
  // Prefix rules by the line's first byte, suffix rules by its last.
  for (int side = 0; side < 2; ++side) {
    const unsigned char key = side == 0 ? norm.front() : norm.back();
    for (uint32_t index : edge_rules_[side][key]) {
      const BoilerRule& r = boiler_rules_[index];
      if (norm.size() < r.phrase.size()) continue;
      const size_t at = side == 0 ? 0 : norm.size() - r.phrase.size();
      if (norm.compare(at, r.phrase.size(), r.phrase) == 0 && hit(r)) {
        return BoilerAction::kEnd;
      }
    }
  }
  // "contains" phrases, looked up by the word [pos, end) they start with;
  // true when an "end" rule matches.
  auto contains_at = [&](size_t pos, size_t end) {
    const size_t len = end - pos;
    const uint32_t bit = 1u << std::min<size_t>(len, 31);
    if (len == 0 ||
        !(contains_first_len_[static_cast<unsigned char>(norm[pos])] & bit) ||
        !(contains_last_len_[static_cast<unsigned char>(norm[end - 1])] &
          bit)) {
      return false;
    }
    auto it = contains_by_word_.find(AsAbsl(norm.substr(pos, len)));
    if (it == contains_by_word_.end()) return false;
    for (uint32_t index : it->second) {
      const BoilerRule& r = boiler_rules_[index];
      if (norm.size() - pos >= r.phrase.size() &&
          norm.compare(pos, r.phrase.size(), r.phrase) == 0 && hit(r)) {
        return true;
      }
    }
    return false;
  };
  if (word_starts != nullptr) {
    // The words are known: single spaces between them, and the last ones
    // may have been cut by the end of `norm`.
    // Only a word starting at or before `last` has room for a phrase; the
    // starts rise, so the first one past it ends the search.
    if (norm.size() < contains_min_len_) return found;
    const size_t last = norm.size() - contains_min_len_;
    const char* const data = norm.data();
    for (size_t k = 0; k < num_word_starts; ++k) {
      const size_t pos = word_starts[k];
      if (pos > last) break;
      if (!IsContainsHead(data + pos)) continue;
      const size_t end =
          k + 1 < num_word_starts
              ? std::min<size_t>(word_starts[k + 1] - 1, norm.size())
              : norm.size();
      if (contains_at(pos, end)) return BoilerAction::kEnd;
    }
    return found;
  }
  size_t pos = 0;
  while (pos < norm.size()) {
    size_t end = pos;
    while (end < norm.size() && norm[end] != ' ') ++end;  // Words are short.
    if (norm.size() - pos >= contains_min_len_ &&
        IsContainsHead(norm.data() + pos) && contains_at(pos, end)) {
      return BoilerAction::kEnd;
    }
    pos = end + 1;
  }
  return found;
}

std::string_view PageCleaner::AgencyName(std::string_view name) const {
  char buf[48];
  std::string_view low = LowerInto(name, buf, sizeof(buf));
  if (low.empty()) return {};
  auto it = agencies_.find(AsAbsl(low));
  return it == agencies_.end() ? std::string_view()
                               : std::string_view(it->second);
}

bool PageCleaner::IsSite(std::string_view name) const {
  char buf[48];
  std::string_view low = LowerInto(name, buf, sizeof(buf));
  return !low.empty() && sites_.contains(AsAbsl(low));
}

}  // namespace tidings::scoring::internal
