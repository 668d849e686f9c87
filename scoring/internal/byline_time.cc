// Copyright 2026 The Tidings Authors.
//
// byline_time.cc: the numbers of metadata lines (see byline.h): dates,
// clock times and relative times, and placing them on the time line; also
// reading times ("2 min read") and share bars ("Share 85 · Tweet 168").

#include <algorithm>
#include <utility>

#include "absl/time/civil_time.h"
#include "scoring/internal/byline.h"
#include "scoring/internal/byline_parts.h"

namespace tidings::scoring::internal {
namespace byline_parts {
namespace {

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

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
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

// --- Daylight saving time
// ----------------------------------------------------------------

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

bool ReadOffset(std::string_view s, size_t* i, int* minutes) {
  if (*i >= s.size()) return false;
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

Num ParseNumber(std::string_view s, const BylineReader& r) {
  auto unit_of = [&r](std::string_view w) -> int64_t {
    const BylineReader::Entry* e = r.Find(w);
    return e != nullptr && (e->kinds & BylineReader::kUnit) ? e->value : 0;
  };
  Num num;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-' || At(s, 0, "\xE2\x88\x92")) {
    if (ReadOffset(s, &i, &num.offset) && i == s.size())
      num.type = Num::kOffset;
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
      num.ampm = rest == "am" || rest == "a.m"   ? 1
                 : rest == "pm" || rest == "p.m" ? 2
                                                 : 0;
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

bool IsShareCount(std::string_view s) {
  if (s.empty() || !IsDigit(s[0])) return false;
  size_t i = 0;
  while (i < s.size() &&
         (IsDigit(s[i]) || ((s[i] == ',' || s[i] == '.') && i + 1 < s.size() &&
                            IsDigit(s[i + 1])))) {
    ++i;
  }
  if (i == s.size()) return true;
  return i + 1 == s.size() &&
         (s[i] == 'k' || s[i] == 'K' || s[i] == 'm' || s[i] == 'M');
}

namespace {

constexpr uint32_t kTimeKinds = BylineReader::kLabel | BylineReader::kMonth |
                                BylineReader::kWeekday | BylineReader::kZone |
                                BylineReader::kAmPm | BylineReader::kUnit |
                                BylineReader::kCount | BylineReader::kAgoWord |
                                BylineReader::kRelDay | BylineReader::kFiller;

// "GMT+1", "UTC-05:00": a zone word with an offset glued on.
bool ZoneWithOffset(const BylineReader& r, std::string_view low,
                    PrintedTime* t) {
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
  bool started_ = false;    // A word other than a label was read.
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
  Num num = ParseNumber(low, r_);
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

}  // namespace

bool ParseTime(const BylineReader& r, const Words& w, PrintedTime* t,
               TimeLabel* label) {
  return TimeParser(r).Parse(w, t, label);
}

bool IsReadTime(const BylineReader& r, const Words& w) {
  if (w.n < 2 || w.n > 3 ||
      !(KindsOf(r, w.w[w.n - 1]) & BylineReader::kReadTime)) {
    return false;
  }
  const Word& first = w.w[0];
  if (first.lower_len == 0 || !IsDigit(first.lower[0])) return false;
  const Num num = ParseNumber(first.low(), r);
  if (w.n == 2) return num.type == Num::kCountUnit && num.unit == 60;
  const Entry* unit = r.Find(w.w[1].low());
  return num.type == Num::kInt && unit != nullptr &&
         (unit->kinds & BylineReader::kUnit) && unit->value == 60;
}

bool IsShareBar(const BylineReader& r, const Words& w) {
  if (w.n < 2 || w.n % 2 != 0) return false;
  for (size_t i = 0; i < w.n; i += 2) {
    const Word& a = w.w[i];
    const Word& b = w.w[i + 1];
    const bool count_first =
        IsShareCount(a.core) && (KindsOf(r, b) & BylineReader::kShare);
    const bool word_first =
        (KindsOf(r, a) & BylineReader::kShare) && IsShareCount(b.core);
    if (!count_first && !word_first) return false;
  }
  return true;
}

}  // namespace byline_parts

using byline_parts::InSummerTime;
using byline_parts::TimeKind;

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

PageTime BylineReader::Resolve(const PrintedTime& t,
                               const PrintedTime* date_from, DayOrder order,
                               absl::Time now) {
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

}  // namespace tidings::scoring::internal
