// Copyright 2026 The Tidings Authors.

#include "scoring/internal/page_furniture.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal {
namespace {

// Furniture lines are short.
constexpr size_t kMaxFurnitureWords = 40;
// A caption may only be a credit ("Photo: Jane Doe/Reuters") this long.
constexpr size_t kMaxCreditLineWords = 15;
// Items of breadcrumbs and navigation bars.
constexpr size_t kMaxCrumbWords = 3;
constexpr size_t kMaxCrumbLineWords = 20;
// Price rows: "Gold ($/oz)   400.33   +1.01%".
constexpr size_t kMaxPriceRowWords = 12;
constexpr size_t kMaxPriceRowLabels = 6;
// Ranks of a most-read list.
constexpr int kMaxRank = 20;

bool EndsWithPunctuation(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.back();
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

// The length of the first of `seps` found at line[i], 0 for none.
template <size_t N>
size_t SepLenAt(std::string_view line, size_t i,
                const std::string_view (&seps)[N]) {
  for (std::string_view sep : seps) {
    if (At(line, i, sep)) return sep.size();
  }
  return 0;
}

// Splits `line` at any of `seps` (byte strings, matched with the spaces
// around them when they start with one) into `parts`; returns the number
// of parts, or 0 past `cap`.
template <size_t N>
size_t SplitAt(std::string_view line, const std::string_view (&seps)[N],
               std::string_view* parts, size_t cap) {
  size_t n = 0, start = 0, i = 0;
  while (i < line.size()) {
    const size_t len = SepLenAt(line, i, seps);
    if (len == 0) {
      ++i;
      continue;
    }
    if (n == cap) return 0;
    parts[n++] = Trim(line.substr(start, i - start));
    i += len;
    start = i;
  }
  if (n == cap) return 0;
  parts[n++] = Trim(line.substr(start));
  return n;
}

// An item of a breadcrumb trail or a navigation bar: one to three words,
// capitalised, without final punctuation.
bool IsCrumb(std::string_view part) {
  if (part.empty() || !IsUpper(static_cast<unsigned char>(part[0])) ||
      EndsWithPunctuation(part)) {
    return false;
  }
  const size_t words = CountWords(part, kMaxCrumbWords + 1);
  return words >= 1 && words <= kMaxCrumbWords;
}

// Whether `line`, split at `seps` as SplitAt(line, seps, parts, cap) splits
// it, has at least `min_parts` parts, at most `cap`, all of them crumbs
// (IsCrumb). Stops at the first part that is none: a part where four words
// have started (a ' ' before a printable ASCII byte, four times) has more
// words than a crumb, so prose is turned away after its first words.
template <size_t N>
bool AllCrumbs(std::string_view line, const std::string_view (&seps)[N],
               size_t min_parts, size_t cap) {
  size_t n = 0, start = 0, i = 0, starts = 0;
  while (i < line.size()) {
    const size_t len = SepLenAt(line, i, seps);
    if (len == 0) {
      const unsigned char c = line[i];
      if (i > start && line[i - 1] == ' ' && c > ' ' && c < 0x80 &&
          ++starts > kMaxCrumbWords) {
        return false;
      }
      ++i;
      continue;
    }
    if (n == cap || !IsCrumb(Trim(line.substr(start, i - start)))) {
      return false;
    }
    ++n;
    i += len;
    start = i;
    starts = 0;
  }
  if (n == cap || !IsCrumb(Trim(line.substr(start)))) return false;
  return n + 1 >= min_parts;
}

// A number in a price row: digits with ",.%$£€/" and an optional sign or
// arrow in front. Sets *signed_ when it has one.
bool IsPriceNumber(std::string_view w, bool* signed_) {
  *signed_ = false;
  if (!w.empty() && w.front() == '(' && w.back() == ')') {
    w = w.substr(1, w.size() - 2);
  }
  size_t i = 0;
  if (i < w.size() && (w[i] == '+' || w[i] == '-')) {
    *signed_ = true, ++i;
  } else if (At(w, i, "\xE2\x88\x92") || At(w, i, "\xE2\x96\xB2") ||
             At(w, i, "\xE2\x96\xBC")) {  // − ▲ ▼
    *signed_ = true, i += 3;
  }
  bool digit = false;
  for (; i < w.size(); ++i) {
    const unsigned char c = w[i];
    if (IsDigit(c)) {
      digit = true;
    } else if (c != ',' && c != '.' && c != '%' && c != '$' && c != '/' &&
               c != 0xC2 && c != 0xA3 && c != 0xE2 && c != 0x82 && c != 0xAC) {
      return false;  // '£' is C2 A3, '€' E2 82 AC.
    }
  }
  return digit;
}

bool IsPriceRow(std::string_view line, size_t words) {
  if (words < 3 || words > kMaxPriceRowWords || EndsWithPunctuation(line)) {
    return false;
  }
  // The change at the end: "+0.84%", "-12.5", "(+1.2%)", "▲3.1".
  const size_t last = line.find_last_of(' ');
  const unsigned char c = line[last == std::string_view::npos ? 0 : last + 1];
  if (c != '+' && c != '-' && c != '(' && c != 0xE2) return false;
  size_t numbers = 0, labels = 0;
  bool last_signed = false;
  ForEachWord(line, [&](size_t b, size_t e) {
    bool is_signed = false;
    if (IsPriceNumber(line.substr(b, e - b), &is_signed)) {
      ++numbers;
      last_signed = is_signed;
    } else {
      ++labels;
      last_signed = false;
    }
  });
  return numbers >= 2 && last_signed && labels >= 1 &&
         labels <= kMaxPriceRowLabels;
}

}  // namespace

absl::StatusOr<FurnitureReader> FurnitureReader::Create(
    const LexiconSet& lexicons) {
  constexpr std::string_view kFile = "furniture.tsv";
  auto rows = lexicons.Rows(kFile, 2, 2);
  if (!rows.ok()) return rows.status();
  FurnitureReader r;
  for (const LexiconRow& row : *rows) {
    if (row.fields[0] != "credit") {
      return absl::InvalidArgumentError(
          absl::StrCat(AsAbsl(kFile), ":", row.line, ": kind must be credit"));
    }
    std::string word(row.fields[1]);
    for (char& c : word) c = ToLower(c);
    r.credits_.insert(std::move(word));
  }
  return r;
}

bool FurnitureReader::IsCredit(std::string_view word) const {
  char buf[24];
  const std::string_view low = LowerInto(Core(word), buf, sizeof(buf));
  return !low.empty() && credits_.contains(AsAbsl(low));
}

bool FurnitureReader::IsCaption(std::string_view line, size_t words,
                                bool separated) const {
  // A credit in brackets at the end: "(Photo: ...)", "(Staff photo by
  // ...)", "(AP Photo/...)", "(Getty Images)".
  if (line.back() == ')') {
    const size_t open = line.rfind('(');
    if (open != std::string_view::npos) {
      const std::string_view inner =
          line.substr(open + 1, line.size() - open - 2);
      const size_t n = CountWords(inner, 12);
      const bool marked = inner.find(':') != std::string_view::npos ||
                          inner.find('/') != std::string_view::npos ||
                          inner.find(" by ") != std::string_view::npos;
      size_t k = 0;
      bool credit = false;
      ForEachWord(inner, [&](size_t b, size_t e) {
        if (k++ >= 3) return;
        std::string_view w = inner.substr(b, e - b);
        w = w.substr(0, w.find('/'));  // "Photo/Evan"
        credit |= IsCredit(w);
      });
      if (credit && n <= 10 && (marked || n <= 3)) return true;
    }
  }
  // A credit segment: "... | Photo credit: Tom Reed", "Image: Getty",
  // "Photograph by ...", "— Getty Images". Without a separator, only a short
  // line can be a credit, and its first word tells.
  if (!separated) {
    if (words > kMaxCreditLineWords) return false;
    // "Photo: ...", "Staff photo by ...": one of the first two words.
    size_t end = 0;
    while (end < line.size() && SpaceLen(line, end) == 0) ++end;
    size_t b = end;
    while (b < line.size() && SpaceLen(line, b) != 0) ++b;
    size_t e = b;
    while (e < line.size() && SpaceLen(line, e) == 0) ++e;
    if (!IsCredit(line.substr(0, end)) && !IsCredit(line.substr(b, e - b))) {
      return false;
    }
  }
  static constexpr std::string_view kSeps[] = {" | ", " \xE2\x80\x93 ",
                                               " \xE2\x80\x94 ", " - ", "|"};
  std::string_view parts[8];
  const size_t n = SplitAt(line, kSeps, parts, 8);
  for (size_t p = 0; p < n; ++p) {
    if (p == 0 && (n > 1 || words > kMaxCreditLineWords)) continue;
    std::string_view seg = parts[p];
    size_t k = 0, credit_words = 0;
    bool opens = false, all_credit = true;
    std::string_view prev;
    ForEachWord(seg, [&](size_t b, size_t e) {
      if (k > 3) return;  // Only a credit's first words tell.
      const std::string_view w = seg.substr(b, e - b);
      const bool credit = IsCredit(w);
      credit_words += credit;
      all_credit &= credit;
      if (k < 2 && credit && (w.back() == ':' || w.back() == '/')) opens = true;
      if (k < 3 && IsCredit(prev) && (w == "by" || w == "By")) opens = true;
      prev = w;
      ++k;
    });
    if (opens || (all_credit && k <= 3 && credit_words > 0)) return true;
  }
  return false;
}

Furniture FurnitureReader::Classify(std::string_view line, size_t words,
                                    uint8_t marks) const {
  if (line.empty() || words > kMaxFurnitureWords) return Furniture::kNone;
  if (marks & kMarkMultiByte) {  // Which of the separators it is.
    for (size_t i = 0; i < line.size(); ++i) {
      if (static_cast<unsigned char>(line[i]) < 0xC2) continue;
      if (At(line, i, "\xC2\xB7") || At(line, i, "\xE2\x80\xA2")) {
        marks |= kMarkBar;
      } else if (At(line, i, "\xC2\xBB") || At(line, i, "\xE2\x80\xBA") ||
                 At(line, i, "\xE2\x86\x92")) {
        marks |= kMarkCrumb;
      } else if (At(line, i, "\xE2\x80\x93") || At(line, i, "\xE2\x80\x94")) {
        marks |= kMarkDash;
      }
    }
  }
  if ((marks & kMarkDash) && line.find(" - ") == std::string_view::npos &&
      line.find("\xE2\x80") == std::string_view::npos) {
    marks &= ~kMarkDash;  // Hyphens inside words ("Anti-Dumping").
  }
  const bool separated = marks & (kMarkBar | kMarkDash);
  if ((line.back() == ')' || (marks & kMarkColon) || separated) &&
      IsCaption(line, words, separated)) {
    return Furniture::kCaption;
  }
  if (words > kMaxCrumbLineWords) return Furniture::kNone;
  if (marks & kMarkCrumb) {
    static constexpr std::string_view kCrumbSeps[] = {
        " > ", " \xE2\x80\xBA ", " \xC2\xBB ", " / ", " \xE2\x86\x92 ", " >> "};
    if (AllCrumbs(line, kCrumbSeps, 2, 12)) return Furniture::kBreadcrumb;
  }
  if (marks & kMarkBar) {
    static constexpr std::string_view kNavSeps[] = {"|", "\xC2\xB7",
                                                    "\xE2\x80\xA2"};
    if (AllCrumbs(line, kNavSeps, 3, 12)) return Furniture::kNavigation;
  }
  return IsPriceRow(line, words) ? Furniture::kPriceRow : Furniture::kNone;
}

int FurnitureReader::Rank(std::string_view line, bool* alone) {
  *alone = false;
  size_t i = line.size() > 0 && line[0] == '#' ? 1 : 0;
  int rank = 0;
  const size_t start = i;
  while (i < line.size() && i - start < 3 && IsDigit(line[i])) {
    rank = rank * 10 + (line[i++] - '0');
  }
  if (i == start || i - start > 2 || rank < 1 || rank > kMaxRank) return 0;
  if (i == line.size()) {
    *alone = true;
    return rank;
  }
  const bool mark = line[i] == '.' || line[i] == ')';
  if (mark) ++i;
  const size_t sp = i < line.size() ? SpaceLen(line, i) : 0;
  if (sp == 0) return 0;
  i += sp;
  if (i >= line.size()) return 0;
  const unsigned char c = line[i];
  const bool opens =
      IsUpper(c) || OpenerLen(line, i) > 0 || (mark && IsDigit(c));
  return opens ? rank : 0;
}

std::string_view FurnitureReader::BrowserTitle(std::string_view line) {
  // The last " – ", " — ", " | " or " - ", found in one backward scan.
  size_t at = std::string_view::npos, len = 0;
  for (size_t i = line.size(); i-- > 2;) {
    if (line[i] != ' ') continue;
    if (line[i - 2] == ' ' && (line[i - 1] == '|' || line[i - 1] == '-')) {
      at = i - 2, len = 3;
      break;
    }
    if (i >= 4 && line[i - 4] == ' ' &&
        (At(line, i - 3, "\xE2\x80\x93") || At(line, i - 3, "\xE2\x80\x94"))) {
      at = i - 4, len = 5;
      break;
    }
  }
  if (at == std::string_view::npos) return {};
  const std::string_view site = Trim(line.substr(at + len));
  const std::string_view headline = Trim(line.substr(0, at));
  if (site.empty() || CountWords(site, 5) > 4 || EndsWithPunctuation(site) ||
      CountWords(headline, 3) < 2) {
    return {};
  }
  bool capitalised = true;
  ForEachWord(site, [&](size_t b, size_t) {
    const unsigned char c = site[b];
    capitalised &= IsUpper(c) || IsDigit(c);
  });
  return capitalised ? headline : std::string_view();
}

}  // namespace tidings::scoring::internal
