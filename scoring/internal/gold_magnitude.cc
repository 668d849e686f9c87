// Copyright 2026 The Tidings Authors.
//
// gold_magnitude.cc: the percent, price and unit of a gold price move
// (GoldDetector::Matcher::ParseMagnitude; gold.h explains the detector).

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/gold_matcher.h"

namespace tidings::scoring::internal {
namespace {

// Parses the number at the start of `s` ("3,373.50", "40k"): digits with
// thousands commas and one decimal point, optional k = thousand. Returns the
// number of bytes read (0 = not a number).
size_t ParseNumber(std::string_view s, double* value) {
  double mantissa = 0, divisor = 1;
  bool fraction = false, any = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    bool digit_next = i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9';
    if (c >= '0' && c <= '9') {
      any = true;
      mantissa = mantissa * 10 + (c - '0');
      if (fraction) divisor *= 10;
    } else if (c == ',' && !fraction && digit_next) {
      continue;
    } else if (c == '.' && !fraction && digit_next) {
      fraction = true;
    } else {
      break;
    }
  }
  if (!any) return 0;
  double v =
      mantissa / divisor;  // The double nearest the decimal, as a literal.
  if (i < s.size() && (s[i] == 'k' || s[i] == 'K') &&
      (i + 1 == s.size() ||
       !((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'))) {
    v *= 1000;
    ++i;
  }
  *value = v;
  return i;
}

std::string FormatQuantity(double q) {
  if (q == std::floor(q)) return absl::StrFormat("%.0f", q);
  return absl::StrFormat("%g", q);
}

}  // namespace

// Percent, price and unit from the hit's clause: "rose as much as 0.6% to
// around $3,373 an ounce". A currency amount right after a move term ("rises
// $3.40", "up Rs 44", "by Rs 125") is the change, not the price.
void GoldDetector::Matcher::ParseMagnitude(const Hit& hit, Magnitude* m) const {
  const int anchor = std::max(hit.mention, hit.trigger);
  Direction last_dir = Direction::kUnspecified;
  for (int j = MagnitudeStart(hit); j < sentence_end_; j = Next(j)) {
    uint64_t r = RolesAt(j);
    if (j > anchor) {
      if (r & kBoundaryHard) break;
      if (slots_[j].mention == kOtherMention ||
          (slots_[j].mention == kNoMention && (r & kSubject))) {
        break;
      }
    }
    if ((r & kMove) && TermAt(j)->move != Direction::kFlat)
      last_dir = TermAt(j)->move;
    // A currency before the number, or a number with a currency after it.
    int num = -1, cur = -1, after = -1;
    if ((r & kCurrency) && Next(j) < sentence_end_) {
      int n = Next(j);
      if (text_.tokens[n].kind == TokenKind::kSymbol && text_.norm(n) == "." &&
          Next(n) < sentence_end_) {
        n = Next(n);
      }
      if (IsNumber(n)) {
        num = n;
        cur = j;
        after = Next(n);
      }
    } else if (IsNumber(j) && Next(j) < sentence_end_ &&
               (RolesAt(Next(j)) & kCurrencyAfter)) {
      num = j;
      cur = Next(j);
      after = Next(cur);
    } else if (IsNumber(j) && Next(j) < sentence_end_ &&
               (RolesAt(Next(j)) & kPercent)) {
      ReadPercent(j, hit, last_dir, m);
      continue;
    }
    if (num < 0) continue;
    ReadPrice(num, cur, after, m);
    j = std::max(j, num);
  }
}

int GoldDetector::Matcher::MagnitudeStart(const Hit& hit) const {
  int start = std::min(hit.mention, hit.trigger);
  for (int k = 0; k < 3; ++k) {
    int p = Prev(start);
    if (p < sentence_begin_ || (RolesAt(p) & (kBoundary | kMove | kSubject)))
      break;
    start = p;
  }
  return start;
}

void GoldDetector::Matcher::ReadPercent(int j, const Hit& hit,
                                        Direction last_dir,
                                        Magnitude* m) const {
  double v = 0;
  if (m->has_percent || ParseNumber(text_.norm(j), &v) == 0) return;
  Direction sign = Direction::kUnspecified;
  int a = Next(Next(j));
  if (a < sentence_end_ && (RolesAt(a) & kMove)) sign = TermAt(a)->move;
  if (sign != Direction::kUp && sign != Direction::kDown) sign = last_dir;
  if (sign != Direction::kUp && sign != Direction::kDown) sign = hit.dir;
  m->has_percent = true;
  m->percent = sign == Direction::kDown ? -v : v;
}

void GoldDetector::Matcher::ReadPrice(int num, int cur, int after,
                                      Magnitude* m) const {
  int before = Prev(cur < num ? cur : num);
  while (before >= sentence_begin_ && (RolesAt(before) & kApprox))
    before = Prev(before);  // "down over $20"
  bool change =
      before >= sentence_begin_ &&
      (((RolesAt(before) & kMove) && !(RolesAt(before) & kMoveLevel)) ||
       (RolesAt(before) & kChange));
  double v = 0;
  std::string_view ns = text_.norm(num);
  size_t used = ParseNumber(ns, &v);
  if (used == 0 || change || m->has_price) return;
  std::string_view unit;
  double qty = 0;
  PriceUnit(ns.substr(used), after, &unit, &qty);
  const Term& ct = *TermAt(cur);
  m->has_price = true;
  m->price = v;
  if (unit.empty()) {
    m->unit = absl::StrCat(ct.currency, "/", ct.default_unit);
  } else if (qty > 0 && qty != 1) {
    m->unit = absl::StrCat(ct.currency, "/", FormatQuantity(qty), AsAbsl(unit));
  } else {
    m->unit = absl::StrCat(ct.currency, "/", AsAbsl(unit));
  }
}

void GoldDetector::Matcher::PriceUnit(std::string_view rest, int after,
                                      std::string_view* unit,
                                      double* qty) const {
  if (!rest.empty() && rest[0] == '-') {  // A range: "1,107-08/ounce".
    size_t k = 1;
    while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
    rest = rest.substr(k);
  }
  if (!rest.empty() && rest[0] == '/') {
    rest = rest.substr(1);
    // "/oz", "/10" + "gm"; a bare second price is a bid/ask pair
    // ("405.50/406.00 dlrs"), not a quantity.
    double q = 0;
    size_t qn = ParseNumber(rest, &q);
    rest = rest.substr(qn);
    if (!rest.empty()) {
      int u = detector_.Find(rest);
      if (u >= 0 && (detector_.terms_[u].roles & kUnit)) {
        *unit = detector_.terms_[u].unit;
        *qty = q;
      }
    } else if (after >= 0 && after < sentence_end_ &&
               (RolesAt(after) & kUnit)) {
      *unit = TermAt(after)->unit;
      *qty = q;
    }
  }
  if (unit->empty() && after >= 0 && after < sentence_end_) {
    int k = after;
    if (RolesAt(k) & kPer) {
      k = Next(k);
      double q = 0;
      if (k < sentence_end_ && IsNumber(k) &&
          ParseNumber(text_.norm(k), &q) > 0) {
        *qty = q;
        k = Next(k);
      }
    }
    if (k < sentence_end_ && (RolesAt(k) & kUnit)) *unit = TermAt(k)->unit;
  }
}

}  // namespace tidings::scoring::internal
