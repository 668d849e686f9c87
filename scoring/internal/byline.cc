// Copyright 2026 The Tidings Authors.
//
// byline.cc: the byline reader's lexicon, and reading a line: its segments,
// bylines and names (see byline.h; times are read in byline_time.cc).

#include "scoring/internal/byline.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/byline_parts.h"
#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal {
namespace byline_parts {

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

namespace {

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

// --- Names
// ----------------------------------------------------------------------

// A word that may belong to a name, a job title or an outlet: letters (any
// case), hyphens, apostrophes and periods; no digits; not a joiner.
bool IsGroupWord(const Word& x) {
  const std::string_view c = x.core;
  if (c.empty() || x.lower_len == 0) return false;
  const std::string_view low = x.low();
  if (low == "and" || low == "&" || low == "in" || low == "for" ||
      low == "at" || low == "with") {
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
    while (k < n && words < 3 && IsGroupWord(w_.w[k]) &&
           IsLetterStart(w_.w[k].core[0])) {
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
    } else {
      // An outlet ("The Harbour Times", "Times of India") or a job title
      // ("Senior markets reporter"): short, opening with a capital.
      if (i - b > kMaxTitleWords || !IsLetterStart(w_.w[b].core[0])) {
        return false;
      }
      for (size_t k = b + 1; g == Group::kOutlet && k < i; ++k) {
        const std::string_view low = w_.w[k].low();
        if (!IsLetterStart(w_.w[k].core[0]) && low != "of" && low != "the") {
          return false;
        }
      }
      if (g == Group::kRole) {
        out->role = true;
      } else if (out->outlet.empty()) {
        out->outlet = Span(w_, b, i);
      }
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

// "By Jane Doe, March 3, 2024", "Posted by Jane Doe on March 3, 2024 at
// 10:15 am": a byline and its date in one segment. Splits it where the rest
// reads as a time, after a comma or before a word that may open one.
bool SplitBylineAndTime(const BylineReader& r, const Words& w, AuthorParse* a,
                        PrintedTime* t, TimeLabel* label) {
  const Entry* by = nullptr;
  if (MatchPhrase(r, w, 0, BylineReader::kBy, &by) == 0) return false;
  constexpr uint32_t kOpensTime = BylineReader::kFiller | BylineReader::kMonth |
                                  BylineReader::kWeekday | BylineReader::kLabel;
  Words part;
  for (size_t k = 2; k < w.n; ++k) {
    const Word& x = w.w[k];
    if (x.core.empty()) continue;
    if (!w.w[k - 1].comma && !IsDigit(x.core[0]) &&
        !(KindsOf(r, x) & kOpensTime)) {
      continue;
    }
    part.n = w.n - k;
    std::copy(w.w + k, w.w + w.n, part.w);
    if (!ParseTime(r, part, t, label)) continue;
    part.n = k;
    std::copy(w.w, w.w + k, part.w);
    *a = AuthorParse();
    return AuthorParser(r, part).Parse(a) && a->persons > 0;
  }
  return false;
}

void MergeTime(const PrintedTime& t, TimeLabel label, BylineLine* out) {
  PrintedTime& have = out->time;
  if (have.kind == TimeKind::kNone) {
    have = t;
    out->label = label;
  } else if (label == TimeLabel::kNone && t.kind == TimeKind::kAbsolute &&
             !t.has_date() && have.kind == TimeKind::kAbsolute &&
             have.has_date() && !have.has_clock()) {
    // "April 9, 1987 · 8:02 a.m. ET": the clock of the date before it.
    have.hour = t.hour, have.minute = t.minute, have.second = t.second;
    have.has_zone = t.has_zone, have.offset_minutes = t.offset_minutes;
    have.dst_rule = t.dst_rule, have.zone_order = t.zone_order;
  } else if (out->label == TimeLabel::kUpdated &&
             label != TimeLabel::kUpdated) {
    have = t;  // "Updated ... | Published ...": the published time is kept.
    out->label = label;
  }
}

}  // namespace
}  // namespace byline_parts

using byline_parts::AuthorParse;
using byline_parts::AuthorParser;
using byline_parts::IsLetterStart;
using byline_parts::IsReadTime;
using byline_parts::IsShareBar;
using byline_parts::IsShareCount;
using byline_parts::kMaxLineBytes;
using byline_parts::kMaxNameWords;
using byline_parts::kMaxSegments;
using byline_parts::kMaxWordsBeforeSeparator;
using byline_parts::MergeTime;
using byline_parts::Num;
using byline_parts::ParseNumber;
using byline_parts::ParseTime;
using byline_parts::ReadOffset;
using byline_parts::SeparatorLen;
using byline_parts::SplitBylineAndTime;
using byline_parts::SplitSegments;
using byline_parts::SplitWords;
using byline_parts::TimeKind;
using byline_parts::Words;

// ---------------------------------------------------------------------------
// Lexicon.

namespace {

// The kind bit of a "bylines.tsv" row's KIND field, or 0 when unknown.
uint32_t RowKind(std::string_view name) {
  using B = BylineReader;
  static constexpr std::pair<std::string_view, uint32_t> kKinds[] = {
      {"month", B::kMonth},       {"weekday", B::kWeekday},
      {"zone", B::kZone},         {"ampm", B::kAmPm},
      {"label", B::kLabel},       {"unit", B::kUnit},
      {"count", B::kCount},       {"ago", B::kAgoWord},
      {"relday", B::kRelDay},     {"filler", B::kFiller},
      {"readtime", B::kReadTime}, {"by", B::kBy},
      {"role", B::kRole},         {"outlet", B::kOutlet},
      {"particle", B::kParticle}, {"notname", B::kNotName},
      {"share", B::kShare},
  };
  uint32_t kind = 0;
  for (const auto& [n, bit] : kKinds) {
    if (n == name) kind = bit;
  }
  return kind;
}

// A "zone" row: NAME, an offset (+HH:MM), a daylight-saving rule (fixed,
// us, uk) and a day order (dmy, mdy, -).
absl::Status ReadZone(std::string_view file, const LexiconRow& row,
                      BylineReader::Entry& e) {
  size_t i = 0;
  if (row.fields.size() != 5 ||
      !ReadOffset(row.fields[2], &i, &e.offset_minutes) ||
      i != row.fields[2].size()) {
    return RowError(file, row,
                    "zone needs an offset (+HH:MM), a rule and an order");
  }
  const std::string_view rule = row.fields[3], order = row.fields[4];
  e.dst_rule = rule == "us" ? 1 : rule == "uk" ? 2 : 0;
  if (e.dst_rule == 0 && rule != "fixed")
    return RowError(file, row, "rule must be fixed, us or uk");
  e.order = order == "dmy"   ? DayOrder::kDayFirst
            : order == "mdy" ? DayOrder::kMonthFirst
                             : DayOrder::kUnknown;
  if (e.order == DayOrder::kUnknown && order != "-") {
    return RowError(file, row, "order must be dmy, mdy or -");
  }
  return absl::OkStatus();
}

// The VALUE field of a row of kind `kind`, into `e`: a month's, unit's
// (seconds) or count's number, am or pm, a relative day's offset (or
// "now"), a time label, a by-line kind, or a zone (ReadZone). The other
// kinds take none.
absl::Status ReadValue(std::string_view file, const LexiconRow& row,
                       uint32_t kind, BylineReader::Entry& e) {
  using B = BylineReader;
  auto error = [&](std::string_view what) { return RowError(file, row, what); };
  const std::string_view value = row.fields.size() > 2 ? row.fields[2] : "";
  int number = 0;
  const bool numeric = absl::SimpleAtoi(AsAbsl(value), &number);
  switch (kind) {
    case B::kMonth:
    case B::kUnit:
    case B::kCount:
      if (!numeric || number <= 0)
        return error("value must be a positive number");
      e.value = number;
      break;
    case B::kAmPm:
      e.value = value == "am" ? 1 : value == "pm" ? 2 : 0;
      if (e.value == 0) return error("value must be am or pm");
      break;
    case B::kRelDay:
      e.relday_now = value == "now";
      if (!e.relday_now && !numeric)
        return error("value must be a number or now");
      e.value = number;
      break;
    case B::kLabel:
      e.label = value == "published" ? TimeLabel::kPublished
                : value == "updated" ? TimeLabel::kUpdated
                : value == "trailer" ? TimeLabel::kTrailer
                                     : TimeLabel::kNone;
      if (e.label == TimeLabel::kNone) {
        return error("label must be published, updated or trailer");
      }
      break;
    case B::kBy:
      if (value == "author") {
        e.by = B::ByKind::kAuthor;
      } else if (value == "trailer") {
        e.by = B::ByKind::kTrailer;
      } else if (value == "credit") {
        e.by = B::ByKind::kCredit;
      } else {
        return error("by must be author, trailer or credit");
      }
      break;
    case B::kZone:
      return ReadZone(file, row, e);
    default:
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BylineReader> BylineReader::Create(const LexiconSet& lexicons) {
  constexpr std::string_view kFile = "bylines.tsv";
  BylineReader r;
  auto rows = lexicons.Rows(kFile, 2, 5);
  if (!rows.ok()) return rows.status();
  for (const LexiconRow& row : *rows) {
    const uint32_t kind = RowKind(row.fields[0]);
    if (kind == 0) return RowError(kFile, row, "unknown kind");
    std::string phrase(row.fields[1]);
    for (char& c : phrase) c = ToLower(c);
    Entry& e = r.words_[phrase];
    e.kinds |= kind;
    if (absl::Status s = ReadValue(kFile, row, kind, e); !s.ok()) return s;
    // The first word of a phrase opens a metadata line (see
    // MayBeMetadata); the first words lead to the phrase.
    if (kind & (kLabel | kMonth | kWeekday | kRelDay | kBy | kShare)) {
      r.words_[phrase.substr(0, phrase.find(' '))].kinds |= kLeads;
    }
    r.AddPrefixes(phrase);
  }
  // Agencies named in source markers are outlets in a byline.
  auto sources = lexicons.Rows("sources.tsv", 2, 3);
  if (!sources.ok()) return sources.status();
  for (const LexiconRow& row : *sources) {
    if (row.fields[1] != "agency") continue;
    std::string phrase(row.fields[0]);
    for (char& c : phrase) c = ToLower(c);
    r.words_[phrase].kinds |= kAgency;
    r.AddPrefixes(phrase);
  }
  for (const auto& [key, entry] : r.words_) {
    r.first_len_[static_cast<unsigned char>(key[0])] |=
        1u << std::min<size_t>(key.size(), 31);
    if (key.size() <= 8) r.short_words_[key.size()][PackKey(key)] = entry;
  }
  return r;
}

uint64_t BylineReader::PackKey(std::string_view key) {
  uint64_t v = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(key[i])) << (8 * i);
  }
  return v;
}

void BylineReader::AddPrefixes(const std::string& phrase) {
  for (size_t sp = phrase.find(' '); sp != std::string::npos;
       sp = phrase.find(' ', sp + 1)) {
    words_[phrase.substr(0, sp)].kinds |= kPrefix;
  }
  max_len_ = std::max(max_len_, phrase.size());
}

const BylineReader::Entry* BylineReader::Find(std::string_view lower) const {
  // Most words are no metadata word: turned away before hashing.
  if (lower.empty() || lower.size() > max_len_ ||
      !(first_len_[static_cast<unsigned char>(lower[0])] &
        (1u << std::min<size_t>(lower.size(), 31)))) {
    return nullptr;
  }
  if (lower.size() <= 8) {
    const auto& words = short_words_[lower.size()];
    auto it = words.find(PackKey(lower));
    return it == words.end() ? nullptr : &it->second;
  }
  auto it = words_.find(AsAbsl(lower));
  return it == words_.end() ? nullptr : &it->second;
}

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
    const Num num = ParseNumber(low, *this);
    if (num.type != Num::kInt && num.type != Num::kFail) return true;
    if (num.type == Num::kFail && !IsShareCount(core)) return false;
    if (end == line.size()) return false;
    size_t b = end;
    while (b < line.size() && SpaceLen(line, b) != 0) ++b;
    size_t e = b;
    while (e < line.size() && SpaceLen(line, e) == 0) ++e;
    const Entry* next =
        Find(LowerInto(Core(line.substr(b, e - b)), buf, sizeof(buf)));
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
      const std::string_view next =
          LowerInto(line.substr(b, e2 - b), buf, sizeof(buf));
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
      if (i + 1 < line.size() && IsLower(line[i + 1]) &&
          !At(line, i + 1, "and ")) {
        return false;
      }
    } else if (b == ',' || b == '|' || b == ';') {
      return true;
    } else if ((b >= 0xC2 || b == '-' || b == '/') &&
               SeparatorLen(line, i) > 0) {
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
    if (ParseTime(*this, words, &t, &label)) {
      MergeTime(t, label, out);
      continue;
    }
    if (IsReadTime(*this, words) || IsShareBar(*this, words)) {
      meta = true;
      continue;
    }
    AuthorParse a;
    if (!AuthorParser(*this, words).Parse(&a)) {
      if (!SplitBylineAndTime(*this, words, &a, &t, &label)) return false;
      MergeTime(t, label, out);
    }
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
      std::string_view& outlet =
          a.labelled || a.persons > 0 ? out->outlet : bare_outlet;
      if (outlet.empty()) outlet = a.outlet;
    }
    if (a.role && a.persons == 0 && a.outlet.empty()) role = true;
  }
  const bool timed = out->has_time() || meta;
  if (!bare_names.empty()) {
    // A name alone needs context: a time, a job title or an outlet ("Jane
    // Doe — Reuters").
    if (!timed && !role && bare_outlet.empty()) return false;
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
