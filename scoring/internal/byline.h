// Copyright 2026 The Tidings Authors.
//
// byline.h: bylines, datelines and other metadata lines of a news page, and
// the dates and times they print.
//
// A metadata line is read segment by segment; segments are separated by
// "|", "·", "•", ";", a spaced dash or a spaced slash:
//   "By Owen Pryce, Reuters | Updated 12:45 PM EST, Thu April 2, 1987"
//   "By JANE DOE and John Roe"        "Jane Doe | Staff writer"
//   "3 hours ago · 2 min read"        "First published 18 June 1987, 13:36 BST"
//   "Share 85 · Tweet 168"            "Reporting by Jane Doe; Editing by J.
//   Roe"
// A segment is a time when every word of it is a number, a date or clock
// time in digits ("2024-01-05T15:04:00Z", "05/01/2024", "8:02", "+05:30"), or
// a word of "bylines.tsv" (months, weekdays, zones, labels, units); it is a
// byline when it is "by"-words and capitalised names, optionally followed by
// ", Outlet". A line with any other segment is not metadata, so a sentence
// or a headline is turned away at its first word that fits no pattern.
//
// Lines that are metadata only in context (a name alone above a dateline, a
// job title under it) are recognised by IsName() and IsRole(); the page
// cleaner decides the context.
//
// Immutable after Create(); all methods are const and thread-safe.

#ifndef TIDINGS_SCORING_INTERNAL_BYLINE_H_
#define TIDINGS_SCORING_INTERNAL_BYLINE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

// What a page calls the time on a line.
enum class TimeLabel : uint8_t {
  kNone,       // A bare date or time ("April 9, 1987 at 8:02 a.m. ET").
  kPublished,  // "Published", "First published", "Posted".
  kUpdated,    // "Updated", "Last updated", "Modified".
  kTrailer,    // "Originally published ...": closes the article above it.
};

// The order of day and month in a numeric date ("05/01/2024").
enum class DayOrder : uint8_t { kUnknown, kDayFirst, kMonthFirst };

// A date and/or time as printed, before it is placed on the time line.
struct PrintedTime {
  enum class Kind : uint8_t {
    kNone,
    kAbsolute,  // A date and/or a clock time.
    kAgo,       // "3 hours ago": ago_seconds before the ingest time.
    kDay,       // "yesterday", "today" (rel_days), with an optional clock.
  };
  Kind kind = Kind::kNone;
  // kAbsolute. 0 = not shown. For a numeric date whose order the line does
  // not tell, `ambiguous` is set and month and day hold the first and the
  // second field as printed.
  int year = 0, month = 0, day = 0;
  bool ambiguous = false;
  // What the digits of a numeric date tell of its order (a field above 12).
  DayOrder digits_order = DayOrder::kUnknown;
  // A clock time (any kind): hour -1 when none is shown.
  int hour = -1, minute = 0, second = 0;
  // The zone: offset east of UTC in minutes, the daylight rule of a generic
  // zone (0 fixed, 1 US, 2 UK) and the day order its sites use.
  bool has_zone = false;
  int offset_minutes = 0;
  uint8_t dst_rule = 0;
  DayOrder zone_order = DayOrder::kUnknown;
  // kAgo / kDay.
  int64_t ago_seconds = 0;
  bool ago_in_days = false;  // The unit is a day or longer: a date only.
  int rel_days = 0;
  bool has_date() const { return month != 0 && day != 0; }
  bool has_clock() const { return hour >= 0; }
};

// What one metadata line says.
struct BylineLine {
  TimeLabel label = TimeLabel::kNone;
  PrintedTime time;    // time.kind == kNone: the line shows no time.
  std::string author;  // Display form ("Elena Varga", "Jane Doe and John Roe").
  std::string_view outlet;     // As printed ("Reuters", "BBC News"), or "".
  bool author_at_end = false;  // "Reporting by ...": the article's last line.
  // A clock time alone ("14:05"): a live-blog stamp, not a byline.
  bool stamp = false;
  bool has_author() const { return !author.empty(); }
  bool has_time() const { return time.kind != PrintedTime::Kind::kNone; }
};

// A published time placed on the time line.
struct PageTime {
  TimeOrigin origin = TimeOrigin::kNone;
  absl::Time at = absl::InfinitePast();
  bool date_only = false;  // A date alone: midnight UTC of that date.
};

class BylineReader {
 public:
  // Reads "bylines.tsv" (and the agency names of "sources.tsv", which are
  // outlets). INVALID_ARGUMENT (file:line) for a malformed row.
  static absl::StatusOr<BylineReader> Create(const LexiconSet& lexicons);

  // Reads `line` (trimmed) as a metadata line: a byline, a dateline, a
  // reading time, a share bar, or several of them. Returns false for any
  // other line (then *out is unspecified).
  bool Read(std::string_view line, BylineLine* out) const;

  // Whether `line` is one or two persons' names alone ("Jane Doe", "ELENA
  // VARGA", "Jane Doe and John Roe"); if so and `author` is not null, sets
  // it to the display form.
  bool IsName(std::string_view line, std::string* author = nullptr) const;
  // Whether `line` is a job title ("Political correspondent", "Staff
  // writer"): at most five words, the last a role noun.
  bool IsRole(std::string_view line) const;

  // What a numeric date says about the order of day and month: a field
  // above 12, else its zone's custom; kUnknown when neither tells.
  static DayOrder OrderEvidence(const PrintedTime& t);

  // Places `t` on the time line. A clock time shown without a date takes the
  // date of `date_from` (may be null); an ambiguous numeric date is read in
  // `order` (kUnknown: day first); a date without a year takes the year of
  // `date_from`, else that of `now`. Relative times are resolved against
  // `now` (origin kPageRelative) and ignored when it is InfinitePast.
  // Returns origin kNone when `t` cannot be placed.
  static PageTime Resolve(const PrintedTime& t, const PrintedTime* date_from,
                          DayOrder order, absl::Time now);

  // "ELENA VARGA" -> "Elena Varga", "O'NEILL" -> "O'Neill"; a name with any
  // lower-case letter is kept as printed.
  static std::string DisplayName(std::string_view printed);

  // Word kinds of "bylines.tsv" (a bit set). Public for the implementation.
  enum Kind : uint32_t {
    kMonth = 1 << 0,
    kWeekday = 1 << 1,
    kZone = 1 << 2,
    kAmPm = 1 << 3,
    kLabel = 1 << 4,
    kUnit = 1 << 5,
    kCount = 1 << 6,
    kAgoWord = 1 << 7,
    kRelDay = 1 << 8,
    kFiller = 1 << 9,
    kReadTime = 1 << 10,
    kBy = 1 << 11,
    kRole = 1 << 12,
    kOutlet = 1 << 13,
    kParticle = 1 << 14,
    kNotName = 1 << 15,
    kShare = 1 << 16,
    kAgency = 1 << 17,  // From sources.tsv.
    kPrefix = 1 << 18,  // The first words of a longer phrase.
    kLeads = 1 << 19,   // The first word of a phrase of this file.
  };
  enum class ByKind : uint8_t { kAuthor, kTrailer, kCredit };
  struct Entry {
    uint32_t kinds = 0;
    int value = 0;  // Month, unit seconds, count, relday days.
    bool relday_now = false;
    TimeLabel label = TimeLabel::kNone;
    ByKind by = ByKind::kAuthor;
    int offset_minutes = 0;
    uint8_t dst_rule = 0;
    DayOrder order = DayOrder::kUnknown;
  };
  // The entry for a lower-case word or phrase ("first published"), or null.
  const Entry* Find(std::string_view lower) const;

 private:
  // A cheap filter in front of Read(): false for nearly every line of
  // prose or headline, at its first word.
  bool MayBeMetadata(std::string_view line) const;
  // For Create(): marks the first words of `phrase` (a lexicon phrase,
  // lower case) as kPrefix and counts its length in max_len_.
  void AddPrefixes(const std::string& phrase);

  absl::flat_hash_map<std::string, Entry> words_;
  size_t max_len_ = 0;
  // A filter in front of words_: per first byte, a bit set of the lengths
  // (bit min(length, 31)) of its keys.
  uint32_t first_len_[256] = {};
  // The keys of words_ of at most 8 bytes again, by length, each packed
  // into an integer (PackKey): hashing an integer is cheaper than a string,
  // and most words looked up are short.
  static uint64_t PackKey(std::string_view key);
  std::array<absl::flat_hash_map<uint64_t, Entry>, 9> short_words_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_BYLINE_H_
