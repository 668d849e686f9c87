// Copyright 2026 The Tidings Authors.

#include "scoring/internal/byline.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal {
namespace {

using Entry = BylineReader::Entry;
using TimeKind = PrintedTime::Kind;

// Metadata lines are short: longer lines are turned away unread.
constexpr size_t kMaxWords = 24;
constexpr size_t kMaxLineBytes = 240;
constexpr size_t kMaxSegments = 8;
// A person's name has at most this many words.
constexpr size_t kMaxNameWords = 4;
// Names or an outlet before the first separator of a byline: at most this
// many words ("Jane Doe and John Roe |").
constexpr size_t kMaxWordsBeforeSeparator = 6;

// --- Words and segments --------------------------------------------------------

struct Word {
  std::string_view raw;   // As printed.
  std::string_view core;  // Without quotes, brackets, trailing punctuation.
  char lower[32];         // Lower-cased core; lower_len 0 when longer.
  uint8_t lower_len = 0;
  bool comma = false;  // A ',' or ';' follows the core.
  std::string_view low() const { return {lower, lower_len}; }
};

struct Words {
  Word w[kMaxWords];
  size_t n = 0;
};

// Splits `seg` into words; false when it has more than kMaxWords.
bool SplitWords(std::string_view seg, Words* out) {
  out->n = 0;
  bool ok = true;
  ForEachWord(seg, [&](size_t b, size_t e) {
    if (out->n == kMaxWords) {
      ok = false;
      return;
    }
    Word& w = out->w[out->n++];
    w.raw = seg.substr(b, e - b);
    w.core = Core(w.raw);
    const size_t after = static_cast<size_t>(w.core.data() - w.raw.data()) +
                         w.core.size();
    w.comma = after < w.raw.size() &&
              (w.raw[after] == ',' || w.raw[after] == ';');
    w.lower_len = 0;
    if (w.core.size() <= sizeof(w.lower)) {
      for (size_t i = 0; i < w.core.size(); ++i) w.lower[i] = ToLower(w.core[i]);
      w.lower_len = static_cast<uint8_t>(w.core.size());
    }
  });
  return ok;
}

// Length of a segment separator at line[i], or 0: '|', ';', '·', '•', an
// en or em dash, or a spaced '-' or '/'.
size_t SeparatorLen(std::string_view s, size_t i) {
  const unsigned char c = s[i];
  if (c == '|' || c == ';') return 1;
  if (c == 0xC2 && At(s, i, "\xC2\xB7")) return 2;
  if (c == 0xE2 && (At(s, i, "\xE2\x80\xA2") || At(s, i, "\xE2\x80\x94") ||
                    At(s, i, "\xE2\x80\x93"))) {
    return 3;
  }
  if ((c == '-' || c == '/') && i > 0 && i + 1 < s.size() && s[i - 1] == ' ' &&
      s[i + 1] == ' ') {
    return 1;
  }
  return 0;
}

// Splits `line` at separators into at most kMaxSegments trimmed, non-empty
// segments; returns their number, or 0 when there are more.
size_t SplitSegments(std::string_view line, std::string_view* segs) {
  size_t n = 0, start = 0;
  auto add = [&](size_t end) {
    std::string_view seg = Trim(line.substr(start, end - start));
    if (seg.empty()) return true;
    if (n == kMaxSegments) return false;
    segs[n++] = seg;
    return true;
  };
  for (size_t i = 0; i < line.size();) {
    const size_t len = SeparatorLen(line, i);
    if (len == 0) {
      ++i;
      continue;
    }
    if (!add(i)) return 0;
    i += len;
    start = i;
  }
  return add(line.size()) ? n : 0;
}

bool IsLetterStart(unsigned char c) { return IsUpper(c) || c >= 0xC3; }

// --- Numbers ------------------------------------------------------------------------

// Reads up to `max` digits at s[*i]; returns how many, their value in *v.
size_t ReadDigits(std::string_view s, size_t* i, int* v, size_t max = 4) {
  size_t n = 0;
  *v = 0;
  while (*i < s.size() && n < max && IsDigit(s[*i])) {
    *v = *v * 10 + (s[*i] - '0');
    ++*i;
    ++n;
  }
  return n;
}

// A word that starts with a digit or a sign, read as one of these.
struct Num {
  enum Type : uint8_t { kFail, kInt, kOrdinal, kDate, kClock, kOffset, kCountUnit };
  Type type = kFail;
  int value = 0, digits = 0;           // kInt, kOrdinal.
  int year = 0, month = 0, day = 0;    // kDate (maybe with a clock).
  bool ambiguous = false;
  DayOrder digits_order = DayOrder::kUnknown;  // A field above 12 tells.
  int hour = -1, minute = 0, second = 0;  // kClock, or kDate with a time.
  int ampm = 0;                           // 1 am, 2 pm.
  bool zone = false;                      // An offset or 'Z' was glued on.
  int offset = 0;
  int64_t unit = 0;  // kCountUnit: seconds per unit.
};

// Reads "+05:30", "-0500", "+5", "−3" at s[*i] (the sign included) into
// minutes east of UTC.
bool ReadOffset(std::string_view s, size_t* i, int* minutes) {
  int sign = 0;
  if (s[*i] == '+') {
    sign = 1, ++*i;
  } else if (s[*i] == '-') {
    sign = -1, ++*i;
  } else if (At(s, *i, "\xE2\x88\x92")) {  // U+2212 minus.
    sign = -1, *i += 3;
  }
  if (sign == 0) return false;
  int h = 0, m = 0;
  const size_t n = ReadDigits(s, i, &h, 4);
  if (n == 4) {
    m = h % 100, h /= 100;
  } else if (n == 0 || n > 2) {
    return false;
  } else if (*i < s.size() && s[*i] == ':') {
    ++*i;
    if (ReadDigits(s, i, &m, 2) != 2) return false;
  }
  if (h > 14 || m > 59) return false;
  *minutes = sign * (h * 60 + m);
  return true;
}

// Reads a clock "h:mm[:ss[.fff]]" (the hour digits already read into *num)
// and what may be glued after it: "am", "p.m", 'Z', an offset.
bool ReadClockRest(std::string_view s, size_t i, Num* num) {
  if (i >= s.size() || s[i] != ':') return false;
  ++i;
  if (ReadDigits(s, &i, &num->minute, 2) != 2) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (ReadDigits(s, &i, &num->second, 2) != 2) return false;
    if (i < s.size() && s[i] == '.') {  // Fractions of a second.
      int frac = 0;
      ++i;
      if (ReadDigits(s, &i, &frac, 9) == 0) return false;
    }
  }
  std::string_view rest = s.substr(i);
  if (rest.empty()) return true;
  if (rest == "am" || rest == "a.m") {
    num->ampm = 1;
  } else if (rest == "pm" || rest == "p.m") {
    num->ampm = 2;
  } else if (rest == "z") {
    num->zone = true;
  } else {
    size_t k = 0;
    if (!ReadOffset(rest, &k, &num->offset) || k != rest.size()) return false;
    num->zone = true;
  }
  return true;
}

// `lower` is the lower-cased core of a word that starts with a digit or a
// sign. `unit_of` looks up a unit word ("h", "min").
template <typename UnitOf>
Num ParseNumber(std::string_view s, UnitOf unit_of) {
  Num num;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-' || At(s, 0, "\xE2\x88\x92")) {
    if (ReadOffset(s, &i, &num.offset) && i == s.size()) num.type = Num::kOffset;
    return num;
  }
  int a = 0;
  const size_t na = ReadDigits(s, &i, &a, 5);
  if (i == s.size()) {
    num.type = Num::kInt, num.value = a, num.digits = static_cast<int>(na);
    return num;
  }
  const char sep = s[i];
  if ((sep == '-' || sep == '/' || sep == '.') && i + 1 < s.size() &&
      IsDigit(s[i + 1])) {
    ++i;
    int b = 0, c = 0;
    const size_t nb = ReadDigits(s, &i, &b, 2);
    if (sep == '.' && na <= 2 && nb == 2 && i < s.size() && s[i] != '.') {
      // "8.02am": a clock only with am/pm glued on.
      num.hour = a, num.minute = b;
      std::string_view rest = s.substr(i);
      num.ampm = rest == "am" || rest == "a.m" ? 1 : rest == "pm" || rest == "p.m" ? 2 : 0;
      if (num.ampm != 0) num.type = Num::kClock;
      return num;
    }
    if (i >= s.size() || s[i] != sep) return num;
    ++i;
    const size_t nc = ReadDigits(s, &i, &c, 4);
    if (na == 4 && nb >= 1 && nc >= 1 && nc <= 2) {  // 2024-01-05
      num.year = a, num.month = b, num.day = c;
    } else if (na <= 2 && nb >= 1 && (nc == 4 || nc == 2)) {  // 05/01/2024
      num.year = nc == 4 ? c : (c < 70 ? 2000 + c : 1900 + c);
      num.month = a, num.day = b;
      if (a > 12) {
        std::swap(num.month, num.day);
        num.digits_order = DayOrder::kDayFirst;
      } else if (b > 12) {
        num.digits_order = DayOrder::kMonthFirst;
      }
      num.ambiguous = a <= 12 && b <= 12 && a != b;
    } else {
      return num;
    }
    num.type = Num::kDate;
    if (i == s.size()) return num;
    // "2024-01-05T15:04:00Z".
    if (s[i] != 't' || na != 4) return Num();
    ++i;
    if (ReadDigits(s, &i, &num.hour, 2) == 0 || !ReadClockRest(s, i, &num)) {
      return Num();
    }
    return num;
  }
  if (sep == ':') {
    num.hour = a;
    if (na > 2 || !ReadClockRest(s, i, &num)) return num;
    num.type = Num::kClock;
    return num;
  }
  std::string_view rest = s.substr(i);
  if (rest == "am" || rest == "a.m" || rest == "pm" || rest == "p.m") {
    num.type = Num::kClock, num.hour = a, num.ampm = rest[0] == 'a' ? 1 : 2;
    return num;
  }
  if (rest == "st" || rest == "nd" || rest == "rd" || rest == "th") {
    num.type = Num::kOrdinal, num.value = a;
    return num;
  }
  if (rest[0] == '-') rest.remove_prefix(1);  // "5-minute read"
  if (const int64_t unit = unit_of(rest); unit > 0) {
    num.type = Num::kCountUnit, num.value = a, num.unit = unit;
  }
  return num;
}

// A count in a share bar: "85", "3,438", "1.2K", "2m".
bool IsShareCount(std::string_view s) {
  if (s.empty() || !IsDigit(s[0])) return false;
  size_t i = 0;
  while (i < s.size() && (IsDigit(s[i]) || ((s[i] == ',' || s[i] == '.') &&
                                            i + 1 < s.size() && IsDigit(s[i + 1])))) {
    ++i;
  }
  if (i == s.size()) return true;
  return i + 1 == s.size() && (s[i] == 'k' || s[i] == 'K' || s[i] == 'm' ||
                               s[i] == 'M');
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m != 2) return kDays[m - 1];
  return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) || y == 0 ? 29 : 28;
}

bool ValidClock(Num* n) {
  if (n->ampm != 0) {
    if (n->hour < 1 || n->hour > 12) return false;
    if (n->ampm == 1 && n->hour == 12) n->hour = 0;
    if (n->ampm == 2 && n->hour != 12) n->hour += 12;
  }
  return n->hour >= 0 && n->hour <= 23 && n->minute <= 59 && n->second <= 59;
}

// --- Daylight saving time ----------------------------------------------------------------

// The n-th (1-based) Sunday of a month, or its last one (n = 0).
absl::CivilDay Sunday(int year, int month, int n) {
  if (n == 0) {
    absl::CivilDay d = absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
    while (absl::GetWeekday(d) != absl::Weekday::sunday) --d;
    return d;
  }
  absl::CivilDay d(year, month, 1);
  while (absl::GetWeekday(d) != absl::Weekday::sunday) ++d;
  return d + 7 * (n - 1);
}

// Whether local time `t` of a generic zone with daylight rule `rule` (1 US,
// 2 UK) falls in summer time.
bool InSummerTime(const absl::CivilSecond& t, uint8_t rule) {
  const int y = static_cast<int>(t.year());
  absl::CivilSecond start, end;
  if (rule == 1) {
    absl::CivilDay s, e;
    if (y >= 2007) {
      s = Sunday(y, 3, 2), e = Sunday(y, 11, 1);
    } else if (y >= 1987) {
      s = Sunday(y, 4, 1), e = Sunday(y, 10, 0);
    } else {
      s = Sunday(y, 4, 0), e = Sunday(y, 10, 0);
    }
    start = absl::CivilSecond(s) + 2 * 3600;  // 02:00 standard time.
    end = absl::CivilSecond(e) + 1 * 3600;    // 02:00 summer = 01:00 standard.
  } else {
    start = absl::CivilSecond(Sunday(y, 3, 0)) + 3600;  // 01:00 UTC.
    end = absl::CivilSecond(Sunday(y, 10, 0)) + 3600;
  }
  return t >= start && t < end;
}

}  // namespace

// ---------------------------------------------------------------------------
// Lexicon.

absl::StatusOr<BylineReader> BylineReader::Create(const LexiconSet& lexicons) {
  constexpr std::string_view kFile = "bylines.tsv";
  BylineReader r;
  auto rows = lexicons.Rows(kFile, 2, 5);
  if (!rows.ok()) return rows.status();
  auto error = [&](const LexiconRow& row, std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(AsAbsl(kFile), ":", row.line, ": ", AsAbsl(what)));
  };
  static constexpr std::pair<std::string_view, uint32_t> kKinds[] = {
      {"month", kMonth},   {"weekday", kWeekday},   {"zone", kZone},
      {"ampm", kAmPm},     {"label", kLabel},       {"unit", kUnit},
      {"count", kCount},   {"ago", kAgoWord},       {"relday", kRelDay},
      {"filler", kFiller}, {"readtime", kReadTime}, {"by", kBy},
      {"role", kRole},     {"outlet", kOutlet},     {"particle", kParticle},
      {"notname", kNotName}, {"share", kShare},
  };
  for (const LexiconRow& row : *rows) {
    uint32_t kind = 0;
    for (const auto& [name, bit] : kKinds) {
      if (name == row.fields[0]) kind = bit;
    }
    if (kind == 0) return error(row, "unknown kind");
    std::string phrase(row.fields[1]);
    for (char& c : phrase) c = ToLower(c);
    Entry& e = r.words_[phrase];
    e.kinds |= kind;
    const std::string_view value = row.fields.size() > 2 ? row.fields[2] : "";
    int number = 0;
    const bool numeric = absl::SimpleAtoi(AsAbsl(value), &number);
    switch (kind) {
      case kMonth:
      case kUnit:
      case kCount:
        if (!numeric || number <= 0) return error(row, "value must be a positive number");
        e.value = number;
        break;
      case kAmPm:
        e.value = value == "am" ? 1 : value == "pm" ? 2 : 0;
        if (e.value == 0) return error(row, "value must be am or pm");
        break;
      case kRelDay:
        e.relday_now = value == "now";
        if (!e.relday_now && !numeric) return error(row, "value must be a number or now");
        e.value = number;
        break;
      case kLabel:
        e.label = value == "published" ? TimeLabel::kPublished
                  : value == "updated" ? TimeLabel::kUpdated
                  : value == "trailer" ? TimeLabel::kTrailer
                                       : TimeLabel::kNone;
        if (e.label == TimeLabel::kNone) {
          return error(row, "label must be published, updated or trailer");
        }
        break;
      case kBy:
        if (value == "author") {
          e.by = ByKind::kAuthor;
        } else if (value == "trailer") {
          e.by = ByKind::kTrailer;
        } else if (value == "credit") {
          e.by = ByKind::kCredit;
        } else {
          return error(row, "by must be author, trailer or credit");
        }
        break;
      case kZone: {
        size_t i = 0;
        if (row.fields.size() != 5 || !ReadOffset(row.fields[2], &i, &e.offset_minutes) ||
            i != row.fields[2].size()) {
          return error(row, "zone needs an offset (+HH:MM), a rule and an order");
        }
        const std::string_view rule = row.fields[3], order = row.fields[4];
        e.dst_rule = rule == "us" ? 1 : rule == "uk" ? 2 : 0;
        if (e.dst_rule == 0 && rule != "fixed") return error(row, "rule must be fixed, us or uk");
        e.order = order == "dmy" ? DayOrder::kDayFirst
                  : order == "mdy" ? DayOrder::kMonthFirst
                                   : DayOrder::kUnknown;
        if (e.order == DayOrder::kUnknown && order != "-") {
          return error(row, "order must be dmy, mdy or -");
        }
        break;
      }
      default:
        break;
    }
    // The first word of a phrase opens a metadata line (see
    // MayBeMetadata); the first words lead to the phrase.
    if (kind & (kLabel | kMonth | kWeekday | kRelDay | kBy | kShare)) {
      r.words_[phrase.substr(0, phrase.find(' '))].kinds |= kLeads;
    }
    for (size_t sp = phrase.find(' '); sp != std::string::npos;
         sp = phrase.find(' ', sp + 1)) {
      r.words_[phrase.substr(0, sp)].kinds |= kPrefix;
    }
    r.max_len_ = std::max(r.max_len_, phrase.size());
  }
  // Agencies named in source markers are outlets in a byline.
  auto sources = lexicons.Rows("sources.tsv", 2, 3);
  if (!sources.ok()) return sources.status();
  for (const LexiconRow& row : *sources) {
    if (row.fields[1] != "agency") continue;
    std::string phrase(row.fields[0]);
    for (char& c : phrase) c = ToLower(c);
    r.words_[phrase].kinds |= kAgency;
    for (size_t sp = phrase.find(' '); sp != std::string::npos;
         sp = phrase.find(' ', sp + 1)) {
      r.words_[phrase.substr(0, sp)].kinds |= kPrefix;
    }
    r.max_len_ = std::max(r.max_len_, phrase.size());
  }
  for (const auto& [key, entry] : r.words_) {
    r.first_len_[static_cast<unsigned char>(key[0])] |=
        1u << std::min<size_t>(key.size(), 31);
  }
  return r;
}

const BylineReader::Entry* BylineReader::Find(std::string_view lower) const {
  // Most words are no metadata word: turned away before hashing.
  if (lower.empty() || lower.size() > max_len_ ||
      !(first_len_[static_cast<unsigned char>(lower[0])] &
        (1u << std::min<size_t>(lower.size(), 31)))) {
    return nullptr;
  }
  auto it = words_.find(AsAbsl(lower));
  return it == words_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------
// Reading a line.

namespace {

constexpr uint32_t kTimeKinds =
    BylineReader::kLabel | BylineReader::kMonth | BylineReader::kWeekday |
    BylineReader::kZone | BylineReader::kAmPm | BylineReader::kUnit |
    BylineReader::kCount | BylineReader::kAgoWord | BylineReader::kRelDay |
    BylineReader::kFiller;

// The longest phrase of the lexicon with a kind in `kinds` that starts at
// word i: returns its length in words (0: none) and sets *entry.
size_t MatchPhrase(const BylineReader& r, const Words& w, size_t i,
                   uint32_t kinds, const Entry** entry) {
  char key[96];
  size_t len = 0, best = 0;
  for (size_t k = i; k < w.n && k < i + 6; ++k) {
    const Word& x = w.w[k];
    if (x.lower_len == 0 || len + 1 + x.lower_len > sizeof(key)) break;
    if (k > i) key[len++] = ' ';
    std::memcpy(key + len, x.lower, x.lower_len);
    len += x.lower_len;
    const Entry* e = r.Find(std::string_view(key, len));
    if (e == nullptr) break;
    if (e->kinds & kinds) {
      best = k - i + 1;
      *entry = e;
    }
    if (!(e->kinds & BylineReader::kPrefix) || x.comma) break;
  }
  return best;
}

uint32_t KindsOf(const BylineReader& r, const Word& x) {
  const Entry* e = r.Find(x.low());
  return e == nullptr ? 0 : e->kinds;
}

// "GMT+1", "UTC-05:00": a zone word with an offset glued on.
bool ZoneWithOffset(const BylineReader& r, std::string_view low, PrintedTime* t) {
  size_t k = 0;
  while (k < low.size() && low[k] >= 'a' && low[k] <= 'z') ++k;
  if (k == 0 || k == low.size()) return false;
  const Entry* e = r.Find(low.substr(0, k));
  int offset = 0;
  if (e == nullptr || !(e->kinds & BylineReader::kZone) ||
      !ReadOffset(low, &k, &offset) || k != low.size()) {
    return false;
  }
  t->has_zone = true;
  t->offset_minutes = e->offset_minutes + offset;
  return true;
}

// A date, a clock time, or a relative time, every word of it: "Updated
// 12:45 PM EST, Thu April 2, 1987", "3 hours ago", "2024-01-05T15:04Z".
class TimeParser {
 public:
  explicit TimeParser(const BylineReader& r) : r_(r) {}
  bool Parse(const Words& w, PrintedTime* t, TimeLabel* label);

 private:
  bool Number(std::string_view low, PrintedTime* t);
  bool WordOf(const Entry& e, PrintedTime* t, TimeLabel* label);
  bool PushInt(int value, int digits);
  bool Finish(PrintedTime* t);

  const BylineReader& r_;
  bool started_ = false;   // A word other than a label was read.
  bool after_int_ = false;  // The previous word was a number.
  int ints_[3] = {}, int_digits_[3] = {};
  size_t num_ints_ = 0;
  bool month_name_ = false, date_ = false, ago_ = false, relday_ = false;
  bool count_ = false;
  int64_t count_value_ = 0, unit_ = 0;
  Num clock_;
};

bool TimeParser::PushInt(int value, int digits) {
  if (num_ints_ == 3) return false;
  ints_[num_ints_] = value;
  int_digits_[num_ints_++] = digits;
  return true;
}

bool TimeParser::Number(std::string_view low, PrintedTime* t) {
  auto unit_of = [this](std::string_view s) -> int64_t {
    const Entry* e = r_.Find(s);
    return e != nullptr && (e->kinds & BylineReader::kUnit) ? e->value : 0;
  };
  Num num = ParseNumber(low, unit_of);
  switch (num.type) {
    case Num::kFail:
      return false;
    case Num::kInt:
      return PushInt(num.value, num.digits);
    case Num::kOrdinal:
      return PushInt(num.value, 2);  // A day, never a year.
    case Num::kDate:
      if (date_ || month_name_) return false;
      date_ = true;
      t->year = num.year, t->month = num.month, t->day = num.day;
      t->ambiguous = num.ambiguous;
      t->digits_order = num.digits_order;
      if (num.hour >= 0) {
        if (clock_.hour >= 0) return false;
        clock_ = num;
      }
      if (num.zone) t->has_zone = true, t->offset_minutes = num.offset;
      return true;
    case Num::kClock:
      if (clock_.hour >= 0) return false;
      clock_ = num;
      if (num.zone) t->has_zone = true, t->offset_minutes = num.offset;
      return true;
    case Num::kOffset:  // "+05:30" after a clock or a zone ("GMT +1").
      if (clock_.hour < 0 && !t->has_zone) return false;
      t->offset_minutes += num.offset;
      t->has_zone = true;
      return true;
    case Num::kCountUnit:
      if (count_) return false;
      count_ = true, count_value_ = num.value, unit_ = num.unit;
      return true;
  }
  return false;
}

bool TimeParser::WordOf(const Entry& e, PrintedTime* t, TimeLabel* label) {
  const uint32_t k = e.kinds;
  if (k & BylineReader::kLabel) {
    if (started_ || *label != TimeLabel::kNone) return false;
    *label = e.label;
    return true;
  }
  started_ = true;
  if (k & BylineReader::kMonth) {
    if (month_name_ || date_) return false;
    month_name_ = true;
    t->month = e.value;
  } else if (k & BylineReader::kZone) {
    if (t->has_zone) return false;
    t->has_zone = true;
    t->offset_minutes = e.offset_minutes;
    t->dst_rule = e.dst_rule;
    t->zone_order = e.order;
  } else if (k & BylineReader::kAmPm) {
    if (clock_.hour < 0 || clock_.ampm != 0) return false;
    clock_.ampm = e.value;
  } else if (k & BylineReader::kRelDay) {
    if (relday_) return false;
    relday_ = true;
    if (e.relday_now) {
      ago_ = true, count_ = true, count_value_ = 0, unit_ = 1;
    } else {
      t->rel_days = e.value;
    }
  } else if (k & BylineReader::kUnit) {
    // "3 hours": the number right before it is a count.
    if (count_ || !after_int_) return false;
    count_ = true;
    count_value_ = ints_[--num_ints_];
    unit_ = e.value;
  } else if (k & BylineReader::kCount) {
    return PushInt(e.value, 1);  // "an hour ago".
  } else if (k & BylineReader::kAgoWord) {
    ago_ = true;
  }
  return true;  // Weekdays and fillers add nothing.
}

bool TimeParser::Parse(const Words& w, PrintedTime* t, TimeLabel* label) {
  *t = PrintedTime();
  *label = TimeLabel::kNone;
  for (size_t i = 0; i < w.n;) {
    const Word& x = w.w[i];
    if (x.lower_len == 0) return false;
    const unsigned char c = x.lower[0];
    if (IsDigit(c) || c == '+' || c == '-' || c == 0xE2) {
      const size_t before = num_ints_;
      if (!Number(x.low(), t)) return false;
      started_ = true;
      after_int_ = num_ints_ > before && !x.comma;
      ++i;
      continue;
    }
    const Entry* e = nullptr;
    const size_t len = MatchPhrase(r_, w, i, kTimeKinds, &e);
    if (len == 0) {
      if (!ZoneWithOffset(r_, x.low(), t)) return false;
      started_ = true;
      after_int_ = false;
      ++i;
      continue;
    }
    const size_t before = num_ints_;
    if (!WordOf(*e, t, label)) return false;
    after_int_ = num_ints_ > before;
    i += len;
  }
  return Finish(t);
}

bool TimeParser::Finish(PrintedTime* t) {
  if (ago_) {
    if (!count_ || date_ || month_name_ || clock_.hour >= 0 || num_ints_ > 0) {
      return false;
    }
    t->kind = TimeKind::kAgo;
    t->ago_seconds = count_value_ * unit_;
    t->ago_in_days = unit_ >= 86400;
    return true;
  }
  if (count_) return false;  // "3 hours" is a duration, not a time.
  if (month_name_) {
    // "April 2, 1987", "2 April", "Thu, 4 Mar 2025": a day and maybe a year.
    for (size_t k = 0; k < num_ints_; ++k) {
      const int v = ints_[k];
      if (int_digits_[k] == 4 && v >= 1900 && v <= 2100 && t->year == 0) {
        t->year = v;
      } else if (int_digits_[k] <= 2 && v >= 1 && v <= 31 && t->day == 0) {
        t->day = v;
      } else {
        return false;
      }
    }
    if (t->day == 0) return false;
  } else if (num_ints_ > 0) {
    return false;
  }
  if (t->has_date()) {
    if (t->month > 12 || t->day > DaysInMonth(t->year, t->month) ||
        (t->ambiguous && t->month > DaysInMonth(t->year, t->day))) {
      return false;
    }
  }
  if (clock_.hour >= 0) {
    if (!ValidClock(&clock_)) return false;
    t->hour = clock_.hour, t->minute = clock_.minute, t->second = clock_.second;
  }
  if (relday_) {
    if (t->has_date()) return false;
    t->kind = TimeKind::kDay;
  } else if (t->has_date() || t->has_clock()) {
    t->kind = TimeKind::kAbsolute;
  } else {
    return false;
  }
  return true;
}

// "2 min read", "5-minute read".
bool IsReadTime(const BylineReader& r, const Words& w) {
  if (w.n < 2 || w.n > 3 || !(KindsOf(r, w.w[w.n - 1]) & BylineReader::kReadTime)) {
    return false;
  }
  const Word& first = w.w[0];
  if (first.lower_len == 0 || !IsDigit(first.lower[0])) return false;
  auto unit_of = [&r](std::string_view s) -> int64_t {
    const Entry* e = r.Find(s);
    return e != nullptr && (e->kinds & BylineReader::kUnit) ? e->value : 0;
  };
  const Num num = ParseNumber(first.low(), unit_of);
  if (w.n == 2) return num.type == Num::kCountUnit && num.unit == 60;
  const Entry* unit = r.Find(w.w[1].low());
  return num.type == Num::kInt && unit != nullptr &&
         (unit->kinds & BylineReader::kUnit) && unit->value == 60;
}

// "Share 85 Tweet 168", "1.2K shares", "Shares: 3,438".
bool IsShareBar(const BylineReader& r, const Words& w) {
  if (w.n < 2 || w.n % 2 != 0) return false;
  for (size_t i = 0; i < w.n; i += 2) {
    const Word& a = w.w[i];
    const Word& b = w.w[i + 1];
    const bool count_first = IsShareCount(a.core) &&
                             (KindsOf(r, b) & BylineReader::kShare);
    const bool word_first = (KindsOf(r, a) & BylineReader::kShare) &&
                            IsShareCount(b.core);
    if (!count_first && !word_first) return false;
  }
  return true;
}

// --- Names ----------------------------------------------------------------------

// A word that may belong to a name, a job title or an outlet: letters (any
// case), hyphens, apostrophes and periods; no digits; not a joiner.
bool IsGroupWord(const Word& x) {
  const std::string_view c = x.core;
  if (c.empty() || x.lower_len == 0) return false;
  const std::string_view low = x.low();
  if (low == "and" || low == "&" || low == "in" || low == "for" || low == "at" ||
      low == "with") {
    return false;
  }
  for (unsigned char ch : c) {
    if (ch < 0x80 && !IsUpper(ch) && !IsLower(ch) && ch != '-' && ch != '\'' &&
        ch != '.' && ch != '&') {
      return false;
    }
  }
  return IsLetterStart(c[0]) || IsLower(c[0]);
}

// A word of a person's name: capitalised ("Jane", "O'Neill", "J.", "VARGA"),
// or a particle inside the name ("van").
bool IsNameWord(const BylineReader& r, const Word& x, bool first) {
  const uint32_t kinds = KindsOf(r, x);
  if (kinds & BylineReader::kParticle) return !first;
  return IsLetterStart(x.core[0]) &&
         !(kinds & (BylineReader::kNotName | BylineReader::kLabel |
                    BylineReader::kBy | BylineReader::kRole));
}

std::string_view Span(const Words& w, size_t b, size_t e) {
  const char* begin = w.w[b].core.data();
  const Word& last = w.w[e - 1];
  return std::string_view(begin, last.core.data() + last.core.size() - begin);
}

// A byline segment: "By JANE DOE and John Roe, Reuters", "Jane Doe, Staff
// writer", "Reporting by Jane Doe in Tokyo", or names alone.
struct AuthorParse {
  bool labelled = false;  // Opens with a "by" phrase.
  BylineReader::ByKind by = BylineReader::ByKind::kAuthor;
  std::string names;  // Display form, joined: "A", "A and B", "A, B and C".
  int persons = 0;
  bool short_name = false;  // A person of one word.
  std::string_view outlet;
  bool role = false;
  bool placed = false;  // "Jane Doe in London".
};

class AuthorParser {
 public:
  AuthorParser(const BylineReader& r, const Words& w) : r_(r), w_(w) {}
  bool Parse(AuthorParse* out);

 private:
  enum class Group : uint8_t { kPerson, kOutlet, kRole };
  Group Classify(size_t b, size_t e) const;
  // After a group: skips "in <Place>" and reads a joiner; returns false at
  // a word that continues nothing.
  bool Joiner(size_t* i, bool labelled, bool* need_person, bool* need_outlet,
              bool* placed) const;

  const BylineReader& r_;
  const Words& w_;
};

AuthorParser::Group AuthorParser::Classify(size_t b, size_t e) const {
  const Entry* entry = nullptr;
  if (MatchPhrase(r_, w_, b, BylineReader::kAgency, &entry) > 0 ||
      w_.w[b].low() == "the") {
    return Group::kOutlet;
  }
  if (KindsOf(r_, w_.w[e - 1]) & BylineReader::kRole) return Group::kRole;
  for (size_t k = b; k < e; ++k) {
    if (KindsOf(r_, w_.w[k]) & BylineReader::kOutlet) return Group::kOutlet;
  }
  return Group::kPerson;
}

bool AuthorParser::Joiner(size_t* i, bool labelled, bool* need_person,
                          bool* need_outlet, bool* placed) const {
  const size_t n = w_.n;
  std::string_view c = w_.w[*i].low();
  // "By Jane Doe in London", "By Jane Doe for The Times": only after "by"
  // (unlabelled, "X for Y" is a headline).
  if ((c == "in" || c == "at" || c == "for") && !labelled) return false;
  if (c == "in" || c == "at") {  // The place is skipped.
    size_t k = ++*i, words = 0;
    while (k < n && words < 3 && IsLetterStart(w_.w[k].core[0]) &&
           IsGroupWord(w_.w[k])) {
      ++words;
      if (w_.w[k++].comma) break;
    }
    if (words == 0) return false;
    *placed = true;
    *i = k;
    if (k == n || w_.w[k - 1].comma) return true;
    c = w_.w[k].low();
  }
  if (c == "and" || c == "&" || c == "with") {
    *need_person = true;
  } else if (c == "for") {
    *need_outlet = true;
  } else {
    return false;
  }
  return ++*i < n;
}

bool AuthorParser::Parse(AuthorParse* out) {
  const size_t n = w_.n;
  size_t i = 0;
  const Entry* e = nullptr;
  if (const size_t len = MatchPhrase(r_, w_, 0, BylineReader::kBy, &e)) {
    out->labelled = true;
    out->by = e->by;
    i = len;
  }
  bool need_person = false, need_outlet = false;
  while (i < n) {
    const size_t b = i;
    while (i < n && IsGroupWord(w_.w[i])) {
      if (w_.w[i++].comma) break;
    }
    if (i == b) return false;
    const Group g = need_outlet ? Group::kOutlet : Classify(b, i);
    if (need_person && g != Group::kPerson) return false;
    if (g == Group::kPerson) {
      if (i - b > kMaxNameWords) return false;
      for (size_t k = b; k < i; ++k) {
        if (!IsNameWord(r_, w_.w[k], k == b)) return false;
      }
      if (out->persons > 0) out->names.append(", ");
      out->names.append(BylineReader::DisplayName(Span(w_, b, i)));
      out->short_name |= i - b == 1;
      ++out->persons;
    } else if (g == Group::kOutlet) {
      if (!IsLetterStart(w_.w[b].core[0])) return false;
      if (out->outlet.empty()) out->outlet = Span(w_, b, i);
    } else {
      if (!IsLetterStart(w_.w[b].core[0])) return false;
      out->role = true;
    }
    need_person = need_outlet = false;
    if (i == n || w_.w[i - 1].comma) continue;
    if (!Joiner(&i, out->labelled, &need_person, &need_outlet, &out->placed)) {
      return false;
    }
  }
  if (need_person || need_outlet) return false;
  // "A, B, C" -> "A, B and C".
  if (out->persons > 1) {
    const size_t last = out->names.rfind(", ");
    out->names.replace(last, 2, " and ");
  }
  return true;
}

void MergeTime(const PrintedTime& t, TimeLabel label, BylineLine* out) {
  PrintedTime& have = out->time;
  if (have.kind == TimeKind::kNone) {
    have = t;
    out->label = label;
  } else if (label == TimeLabel::kNone && t.kind == TimeKind::kAbsolute &&
             !t.has_date() && have.kind == TimeKind::kAbsolute && have.has_date() &&
             !have.has_clock()) {
    // "April 9, 1987 · 8:02 a.m. ET": the clock of the date before it.
    have.hour = t.hour, have.minute = t.minute, have.second = t.second;
    have.has_zone = t.has_zone, have.offset_minutes = t.offset_minutes;
    have.dst_rule = t.dst_rule, have.zone_order = t.zone_order;
  } else if (out->label == TimeLabel::kUpdated && label != TimeLabel::kUpdated) {
    have = t;  // "Updated ... | Published ...": the published time is kept.
    out->label = label;
  }
}

}  // namespace

bool BylineReader::MayBeMetadata(std::string_view line) const {
  // Its first word: a number, or a word that opens a time or a byline.
  size_t end = 0;
  while (end < line.size() && SpaceLen(line, end) == 0) ++end;
  const std::string_view core = Core(line.substr(0, end));
  if (core.empty()) return false;
  const unsigned char c = core[0];
  char buf[32];
  if (IsDigit(c) || c == '+' || c == '-') {
    // A date or a clock ("2024-01-05", "12:45", "5th"), or a number that a
    // unit, a month or a share word follows ("3 hours ago", "5 April",
    // "85 comments"): not "12 people were hurt".
    const std::string_view low = LowerInto(core, buf, sizeof(buf));
    if (low.empty()) return false;
    auto unit_of = [this](std::string_view w) -> int64_t {
      const Entry* e = Find(w);
      return e != nullptr && (e->kinds & kUnit) ? e->value : 0;
    };
    const Num num = ParseNumber(low, unit_of);
    if (num.type != Num::kInt && num.type != Num::kFail) return true;
    if (num.type == Num::kFail && !IsShareCount(core)) return false;
    if (end == line.size()) return false;
    size_t b = end;
    while (b < line.size() && SpaceLen(line, b) != 0) ++b;
    size_t e = b;
    while (e < line.size() && SpaceLen(line, e) == 0) ++e;
    const Entry* next = Find(LowerInto(Core(line.substr(b, e - b)), buf, sizeof(buf)));
    return next != nullptr &&
           (next->kinds & (kUnit | kMonth | kShare | kAmPm | kZone)) != 0;
  }
  const std::string_view low = LowerInto(core, buf, sizeof(buf));
  if (const Entry* e = Find(low); e != nullptr) {
    if (e->kinds & kLeads) return true;
    if (e->kinds & kCount) {  // "an hour ago", "a few minutes ago".
      size_t b = end;
      while (b < line.size() && SpaceLen(line, b) != 0) ++b;
      size_t e2 = b;
      while (e2 < line.size() && SpaceLen(line, e2) == 0) ++e2;
      const std::string_view next = LowerInto(line.substr(b, e2 - b), buf, sizeof(buf));
      const Entry* n = Find(next);
      return n != nullptr && (n->kinds & (kUnit | kCount));
    }
  }
  // Or names, which need a separator or a comma right after them ("Jane
  // Doe, Reuters", "Tom Baker · 3 hours ago", "Jane Doe and John Roe |").
  if (!IsLetterStart(c)) return false;
  size_t words = 1;
  for (size_t i = end; i < line.size(); ++i) {
    const unsigned char b = line[i];
    if (b == ' ') {
      // Capitalised words, or "and" between two names.
      if (++words > kMaxWordsBeforeSeparator) return false;
      if (i + 1 < line.size() && IsLower(line[i + 1]) && !At(line, i + 1, "and ")) {
        return false;
      }
    } else if (b == ',' || b == '|' || b == ';') {
      return true;
    } else if ((b >= 0xC2 || b == '-' || b == '/') && SeparatorLen(line, i) > 0) {
      return true;
    }
  }
  return false;
}

bool BylineReader::Read(std::string_view line, BylineLine* out) const {
  if (line.empty() || line.size() > kMaxLineBytes || !MayBeMetadata(line)) {
    return false;
  }
  std::string_view segs[kMaxSegments];
  const size_t n = SplitSegments(line, segs);
  if (n == 0) return false;
  *out = BylineLine();
  Words words;
  bool meta = false, role = false, credit = false;
  std::string bare_names;
  std::string_view bare_outlet;
  for (size_t s = 0; s < n; ++s) {
    if (!SplitWords(segs[s], &words) || words.n == 0) return false;
    PrintedTime t;
    TimeLabel label;
    if (TimeParser(*this).Parse(words, &t, &label)) {
      MergeTime(t, label, out);
      continue;
    }
    if (IsReadTime(*this, words) || IsShareBar(*this, words)) {
      meta = true;
      continue;
    }
    AuthorParse a;
    if (!AuthorParser(*this, words).Parse(&a)) return false;
    if (a.labelled && a.by == ByKind::kCredit) {
      credit = true;
      continue;
    }
    if (!a.labelled && a.names.empty() && a.outlet.empty() && !a.role) {
      return false;
    }
    const bool strong = a.labelled || a.role || !a.outlet.empty();
    if (!a.names.empty() && (strong || !a.short_name)) {
      std::string& names = strong ? out->author : bare_names;
      if (!names.empty()) return false;
      names = std::move(a.names);
      out->author_at_end = a.labelled && a.by == ByKind::kTrailer;
    } else if (!a.names.empty()) {
      return false;
    }
    if (!a.outlet.empty()) {
      std::string_view& outlet = a.labelled || a.persons > 0 ? out->outlet
                                                             : bare_outlet;
      if (outlet.empty()) outlet = a.outlet;
    }
    if (a.role && a.persons == 0 && a.outlet.empty()) role = true;
  }
  const bool timed = out->has_time() || meta;
  if (!bare_names.empty()) {
    if (!timed && !role) return false;  // A name alone needs context.
    if (out->author.empty()) out->author = std::move(bare_names);
  }
  if (!bare_outlet.empty()) {
    if (!timed && out->author.empty()) return false;
    if (out->outlet.empty()) out->outlet = bare_outlet;
  }
  if (role && out->author.empty()) return false;
  if (!timed && out->author.empty() && out->outlet.empty() && !credit) {
    return false;
  }
  out->stamp = out->time.kind == TimeKind::kAbsolute && !out->time.has_date() &&
               out->label == TimeLabel::kNone && out->author.empty() &&
               out->outlet.empty() && !meta;
  return true;
}

bool BylineReader::IsName(std::string_view line, std::string* author) const {
  Words words;
  if (line.size() > kMaxLineBytes || !SplitWords(line, &words) || words.n < 2 ||
      words.n > 2 * kMaxNameWords + 1) {
    return false;
  }
  AuthorParse a;
  if (!AuthorParser(*this, words).Parse(&a) || a.labelled || a.persons == 0 ||
      a.short_name || a.role || a.placed || !a.outlet.empty()) {
    return false;
  }
  if (author != nullptr) *author = std::move(a.names);
  return true;
}

bool BylineReader::IsRole(std::string_view line) const {
  Words words;
  if (line.size() > 80 || !SplitWords(line, &words) || words.n > 5 ||
      words.n == 0) {
    return false;
  }
  AuthorParse a;
  return AuthorParser(*this, words).Parse(&a) && a.role && !a.labelled &&
         a.persons == 0 && a.outlet.empty();
}

// ---------------------------------------------------------------------------
// Placing a printed time on the time line.

DayOrder BylineReader::OrderEvidence(const PrintedTime& t) {
  if (t.digits_order != DayOrder::kUnknown) return t.digits_order;
  return t.has_zone ? t.zone_order : DayOrder::kUnknown;
}

namespace {

// Year, month and day of an absolute date, with an ambiguous numeric date
// read in `order` (its zone's custom first; day first when nothing tells).
absl::CivilDay DateOf(const PrintedTime& t, DayOrder order) {
  int month = t.month, day = t.day;
  if (t.ambiguous) {
    if (t.zone_order != DayOrder::kUnknown) order = t.zone_order;
    if (order != DayOrder::kMonthFirst) std::swap(month, day);
  }
  return absl::CivilDay(t.year, month, day);
}

absl::Time AtClock(absl::CivilDay day, const PrintedTime& t) {
  const absl::CivilSecond local(day.year(), day.month(), day.day(), t.hour,
                                t.minute, t.second);
  int offset = t.has_zone ? t.offset_minutes : 0;
  if (t.has_zone && t.dst_rule != 0 && InSummerTime(local, t.dst_rule)) {
    offset += 60;
  }
  return absl::FromCivil(local, absl::FixedTimeZone(offset * 60));
}

}  // namespace

PageTime BylineReader::Resolve(const PrintedTime& t, const PrintedTime* date_from,
                               DayOrder order, absl::Time now) {
  PageTime out;
  const absl::TimeZone utc = absl::UTCTimeZone();
  const bool has_now = now != absl::InfinitePast();
  absl::CivilDay day;
  switch (t.kind) {
    case TimeKind::kNone:
      return out;
    case TimeKind::kAgo: {
      if (!has_now) return out;
      out.origin = TimeOrigin::kPageRelative;
      out.at = now - absl::Seconds(t.ago_seconds);
      if (t.ago_in_days) {
        out.at = absl::FromCivil(absl::ToCivilDay(out.at, utc), utc);
        out.date_only = true;
      }
      return out;
    }
    case TimeKind::kDay:
      if (!has_now) return out;
      out.origin = TimeOrigin::kPageRelative;
      day = absl::ToCivilDay(now, utc) + t.rel_days;
      break;
    case TimeKind::kAbsolute: {
      const PrintedTime* dated = t.has_date() ? &t : date_from;
      if (dated == nullptr || !dated->has_date()) return out;
      int year = dated->year;
      if (year == 0 && date_from != nullptr) year = date_from->year;
      if (year == 0) {
        if (!has_now) return out;
        // The latest such date that is not after the ingest day.
        const absl::CivilDay today = absl::ToCivilDay(now, utc);
        year = static_cast<int>(today.year());
        PrintedTime copy = *dated;
        copy.year = year;
        if (DateOf(copy, order) > today + 1) --year;
      }
      PrintedTime copy = *dated;
      copy.year = year;
      day = DateOf(copy, order);
      out.origin = TimeOrigin::kPage;
      break;
    }
  }
  if (t.has_clock()) {
    out.at = AtClock(day, t);
  } else {
    out.at = absl::FromCivil(day, utc);
    out.date_only = true;
  }
  return out;
}

std::string BylineReader::DisplayName(std::string_view printed) {
  for (char c : printed) {
    if (IsLower(static_cast<unsigned char>(c))) return std::string(printed);
  }
  std::string out;
  out.reserve(printed.size());
  bool start = true;
  for (char c : printed) {
    out.push_back(start ? c : ToLower(c));
    start = c == ' ' || c == '-' || c == '\'' || c == '.';
  }
  return out;
}

}  // namespace tidings::scoring::internal
