// Copyright 2026 The Tidings Authors.

#include "scoring/internal/byline.h"

#include <filesystem>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scoring/lexicon_dir.h"

namespace tidings::scoring::internal {
namespace {

using ::testing::HasSubstr;

class BylineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lex = LexiconSet::Load("");
    ASSERT_TRUE(lex.ok()) << lex.status();
    auto reader = BylineReader::Create(*lex);
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_.emplace(*std::move(reader));
  }

  // The time `line` shows, in UTC: "2024-01-05T15:04Z", "2024-01-05" for a
  // date alone, "none" when it cannot be placed, "not metadata".
  std::string TimeOf(std::string_view line,
                     absl::Time now = absl::InfinitePast(),
                     DayOrder order = DayOrder::kUnknown) {
    BylineLine b;
    if (!reader_->Read(line, &b)) return "not metadata";
    return Format(BylineReader::Resolve(b.time, nullptr, order, now));
  }
  static std::string Format(const PageTime& t) {
    if (t.origin == TimeOrigin::kNone) return "none";
    return absl::FormatTime(t.date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%MZ", t.at,
                            absl::UTCTimeZone());
  }
  BylineLine Read(std::string_view line) {
    BylineLine b;
    EXPECT_TRUE(reader_->Read(line, &b)) << line;
    return b;
  }
  bool IsMetadata(std::string_view line) {
    BylineLine b;
    return reader_->Read(line, &b);
  }
  static absl::Time Utc(int y, int m, int d, int h, int mi) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, h, mi, 0),
                           absl::UTCTimeZone());
  }

  std::optional<BylineReader> reader_;
};

// --- Absolute dates and times ----------------------------------------------

TEST_F(BylineTest, DatesInWords) {
  EXPECT_EQ(TimeOf("Jan. 5, 2024"), "2024-01-05");
  EXPECT_EQ(TimeOf("5 January 2024"), "2024-01-05");
  EXPECT_EQ(TimeOf("January 5th, 2024"), "2024-01-05");
  EXPECT_EQ(TimeOf("the 5th of January 2024"), "not metadata");
  EXPECT_EQ(TimeOf("Friday, 5 Jan 2024"), "2024-01-05");
  EXPECT_EQ(TimeOf("Sept. 30, 2019"), "2019-09-30");
  EXPECT_EQ(TimeOf("Thu Feb 29 2024"), "2024-02-29");
  EXPECT_EQ(TimeOf("Feb 30, 2024"), "not metadata");
}

TEST_F(BylineTest, DatesInDigits) {
  EXPECT_EQ(TimeOf("2024-01-05"), "2024-01-05");
  EXPECT_EQ(TimeOf("2024/01/05"), "2024-01-05");
  EXPECT_EQ(TimeOf("Posted: 2025-03-04"), "2025-03-04");
  // A field above 12 decides the order.
  EXPECT_EQ(TimeOf("13/02/2024"), "2024-02-13");
  EXPECT_EQ(TimeOf("02/13/2024"), "2024-02-13");
  EXPECT_EQ(TimeOf("31.12.2023"), "2023-12-31");
  // Otherwise the zone's custom, then the page's evidence, then day first.
  EXPECT_EQ(TimeOf("05/01/2024"), "2024-01-05");
  EXPECT_EQ(TimeOf("05/01/2024", absl::InfinitePast(), DayOrder::kMonthFirst),
            "2024-05-01");
  EXPECT_EQ(TimeOf("01/05/2024 10:00 ET"), "2024-01-05T15:00Z");
  EXPECT_EQ(TimeOf("05/01/2024 10:00 GMT", absl::InfinitePast(),
                   DayOrder::kMonthFirst),
            "2024-01-05T10:00Z");
  EXPECT_EQ(TimeOf("07/07/24"), "2024-07-07");
}

TEST_F(BylineTest, ClockTimesAndZones) {
  EXPECT_EQ(TimeOf("Updated 12:45 PM EST, Thu April 2, 1987"),
            "1987-04-02T17:45Z");
  EXPECT_EQ(TimeOf("First published 18 June 1987, 13:36 BST"),
            "1987-06-18T12:36Z");
  EXPECT_EQ(TimeOf("Published 24/04/1987 12:02 BST"), "1987-04-24T11:02Z");
  EXPECT_EQ(TimeOf("2024-01-05T15:04:00Z"), "2024-01-05T15:04Z");
  EXPECT_EQ(TimeOf("2024-01-05T15:04:00.000Z"), "2024-01-05T15:04Z");
  EXPECT_EQ(TimeOf("2024-01-05T15:04:00+05:30"), "2024-01-05T09:34Z");
  EXPECT_EQ(TimeOf("2024-01-05 15:04 +05:30"), "2024-01-05T09:34Z");
  EXPECT_EQ(TimeOf("Mon 4 Mar 2025 10:32 GMT"), "2025-03-04T10:32Z");
  EXPECT_EQ(TimeOf("4 March 2025, 10:32 UTC+5:30"), "2025-03-04T05:02Z");
  EXPECT_EQ(TimeOf("4 March 2025 16:15 CET"), "2025-03-04T15:15Z");
  EXPECT_EQ(TimeOf("March 4, 2025 8am PT"), "2025-03-04T16:00Z");
  EXPECT_EQ(TimeOf("4 March 2025 at 8.15pm"), "2025-03-04T20:15Z");
  EXPECT_EQ(TimeOf("March 4, 2025 12:00 a.m."), "2025-03-04T00:00Z");
  EXPECT_EQ(TimeOf("March 4, 2025 12:30 p.m. IST"), "2025-03-04T07:00Z");
}

TEST_F(BylineTest, GenericUsZonesFollowTheDaylightRuleOfTheYear) {
  // 1987: summer time from Sunday April 5.
  EXPECT_EQ(TimeOf("April 9, 1987 at 8:02 a.m. ET"), "1987-04-09T12:02Z");
  EXPECT_EQ(TimeOf("March 31, 1987 at 12:33 p.m. ET"), "1987-03-31T17:33Z");
  // 2024: from Sunday March 10 to Sunday November 3.
  EXPECT_EQ(TimeOf("Tuesday, March 5, 2024 at 9:15 am ET"),
            "2024-03-05T14:15Z");
  EXPECT_EQ(TimeOf("March 12, 2024 9:15 a.m. ET"), "2024-03-12T13:15Z");
  EXPECT_EQ(TimeOf("Nov. 3, 2024, 1:30 p.m. PT"), "2024-11-03T21:30Z");
  EXPECT_EQ(TimeOf("Oct. 30, 2024, 1:30 p.m. PT"), "2024-10-30T20:30Z");
  // The printed abbreviation is taken at its word.
  EXPECT_EQ(TimeOf("July 1, 2024 9:00 EST"), "2024-07-01T14:00Z");
  // UK time: summer time from the last Sunday of March.
  EXPECT_EQ(TimeOf("29 March 2024 09:00 UK time"), "2024-03-29T09:00Z");
  EXPECT_EQ(TimeOf("2 April 2024 09:00 UK time"), "2024-04-02T08:00Z");
}

TEST_F(BylineTest, ClockAloneTakesTheDateShownBeforeIt) {
  BylineLine date = Read("April 9, 1987 at 8:02 a.m. ET");
  BylineLine updated = Read("Updated 8:27 a.m. ET");
  EXPECT_EQ(updated.label, TimeLabel::kUpdated);
  EXPECT_FALSE(updated.stamp);
  EXPECT_EQ(
      Format(BylineReader::Resolve(updated.time, &date.time, DayOrder::kUnknown,
                                   absl::InfinitePast())),
      "1987-04-09T12:27Z");
  // Without a date it cannot be placed.
  EXPECT_EQ(TimeOf("Last updated 17:26 BST"), "none");
  // A clock alone without a label is a live-blog stamp.
  EXPECT_TRUE(Read("14:05").stamp);
  EXPECT_TRUE(Read("2:05 pm GMT").stamp);
  EXPECT_FALSE(Read("Posted 14:05").stamp);
}

TEST_F(BylineTest, DateWithoutYearTakesTheIngestYear) {
  const absl::Time now = Utc(2025, 3, 4, 12, 0);
  EXPECT_EQ(TimeOf("March 2", now), "2025-03-02");
  EXPECT_EQ(TimeOf("December 30", now), "2024-12-30");  // Not in the future.
  EXPECT_EQ(TimeOf("March 2"), "none");
}

TEST_F(BylineTest, LabelsSayWhichTimeItIs) {
  EXPECT_EQ(Read("Published: March 3, 2024").label, TimeLabel::kPublished);
  EXPECT_EQ(Read("Posted on March 3, 2024").label, TimeLabel::kPublished);
  EXPECT_EQ(Read("Last modified 3 March 2024").label, TimeLabel::kUpdated);
  EXPECT_EQ(Read("UPDATED: 3 March 2024 10:00 GMT").label, TimeLabel::kUpdated);
  EXPECT_EQ(Read("Originally published December 8, 2004.").label,
            TimeLabel::kTrailer);
  EXPECT_EQ(Read("This article was originally published on 3 March 2024").label,
            TimeLabel::kTrailer);
  // Both on one line: the published time is kept.
  BylineLine both = Read("Updated 4 March 2024 · Published 3 March 2024");
  EXPECT_EQ(both.label, TimeLabel::kPublished);
  EXPECT_EQ(Format(BylineReader::Resolve(both.time, nullptr, DayOrder::kUnknown,
                                         absl::InfinitePast())),
            "2024-03-03");
}

// --- Relative times --------------------------------------------------------

TEST_F(BylineTest, RelativeTimesAreResolvedAgainstTheIngestTime) {
  const absl::Time now = Utc(2025, 3, 4, 12, 0);
  EXPECT_EQ(TimeOf("3 hours ago", now), "2025-03-04T09:00Z");
  EXPECT_EQ(TimeOf("2 min ago", now), "2025-03-04T11:58Z");
  EXPECT_EQ(TimeOf("2h ago", now), "2025-03-04T10:00Z");
  EXPECT_EQ(TimeOf("an hour ago", now), "2025-03-04T11:00Z");
  EXPECT_EQ(TimeOf("Updated 45 mins ago", now), "2025-03-04T11:15Z");
  EXPECT_EQ(TimeOf("just now", now), "2025-03-04T12:00Z");
  EXPECT_EQ(TimeOf("yesterday", now), "2025-03-03");
  EXPECT_EQ(TimeOf("2 days ago", now), "2025-03-02");
  EXPECT_EQ(TimeOf("Yesterday at 3:15 PM ET", now), "2025-03-03T20:15Z");
  EXPECT_EQ(TimeOf("Today 09:14 GMT", now), "2025-03-04T09:14Z");
  BylineLine b;
  ASSERT_TRUE(reader_->Read("3 hours ago", &b));
  EXPECT_EQ(
      BylineReader::Resolve(b.time, nullptr, DayOrder::kUnknown, now).origin,
      TimeOrigin::kPageRelative);
  // Without an ingest time they are ignored.
  EXPECT_EQ(TimeOf("3 hours ago"), "none");
  EXPECT_EQ(TimeOf("yesterday"), "none");
}

// --- Bylines
// -------------------------------------------------------------------

TEST_F(BylineTest, Bylines) {
  EXPECT_EQ(Read("By Jane Doe").author, "Jane Doe");
  EXPECT_EQ(Read("BY JANE DOE").author, "Jane Doe");
  EXPECT_EQ(Read("By JANE DOE and John Roe").author, "Jane Doe and John Roe");
  EXPECT_EQ(Read("By Ann Lee, Bo Kim and Cy Dunn").author,
            "Ann Lee, Bo Kim and Cy Dunn");
  EXPECT_EQ(Read("By SEAN O'NEILL").author, "Sean O'Neill");
  EXPECT_EQ(Read("By Maria van der Berg").author, "Maria van der Berg");
  EXPECT_EQ(Read("Written by Anna J. Lee").author, "Anna J. Lee");
  EXPECT_EQ(Read("By Jane Doe in London").author, "Jane Doe");
  BylineLine wire = Read("Jane Doe, Reuters");
  EXPECT_EQ(wire.author, "Jane Doe");
  EXPECT_EQ(wire.outlet, "Reuters");
  EXPECT_EQ(Read("Jane Doe | Staff writer").author, "Jane Doe");
  EXPECT_EQ(Read("Jane Doe, Senior Markets Reporter").author, "Jane Doe");
  BylineLine agency = Read("By Reuters");
  EXPECT_EQ(agency.author, "");
  EXPECT_EQ(agency.outlet, "Reuters");
  BylineLine outlet = Read("Harbour Street Journal · 3 hours ago");
  EXPECT_EQ(outlet.author, "");
  EXPECT_EQ(outlet.outlet, "Harbour Street Journal");
  EXPECT_EQ(Read("Tom Baker · 2 hours ago · 4 min read").author, "Tom Baker");
}

TEST_F(BylineTest, BylineAndDatelineOnOneLine) {
  BylineLine b =
      Read("By Ruth Abara, Bloomberg News | March 3, 2024, 9:41 AM EST");
  EXPECT_EQ(b.author, "Ruth Abara");
  EXPECT_EQ(b.outlet, "Bloomberg News");
  EXPECT_EQ(Format(BylineReader::Resolve(b.time, nullptr, DayOrder::kUnknown,
                                         absl::InfinitePast())),
            "2024-03-03T14:41Z");
  BylineLine c = Read("Ken Mori — Published 2024-05-06T07:00:00+09:00");
  EXPECT_EQ(c.author, "Ken Mori");
  EXPECT_EQ(c.label, TimeLabel::kPublished);
}

TEST_F(BylineTest, BylineAndDateInOneSegment) {
  BylineLine b = Read("Posted by Jane Doe on March 3, 2024 at 10:15 am");
  EXPECT_EQ(b.author, "Jane Doe");
  EXPECT_EQ(Format(BylineReader::Resolve(b.time, nullptr, DayOrder::kUnknown,
                                         absl::InfinitePast())),
            "2024-03-03T10:15Z");
  EXPECT_EQ(Read("By Jane Doe, March 3, 2024").author, "Jane Doe");
  EXPECT_EQ(TimeOf("By Jane Doe on 3 March 2024"), "2024-03-03");
  EXPECT_FALSE(IsMetadata("By contrast, on March 3 prices fell"));
}

TEST_F(BylineTest, CreditsAtTheEndOfAnArticle) {
  BylineLine b = Read("Reporting by Jane Doe; Editing by John Roe");
  EXPECT_EQ(b.author, "Jane Doe");
  EXPECT_TRUE(b.author_at_end);
  EXPECT_EQ(Read("(Reporting by Jane Doe in Tokyo and Ken Sato in Osaka; "
                 "Editing by Lee Park)")
                .author,
            "Jane Doe and Ken Sato");
  EXPECT_EQ(Read("Editing by Lee Park").author, "");
}

TEST_F(BylineTest, ReadingTimesAndShareBarsAreMetadata) {
  EXPECT_TRUE(IsMetadata("2 min read"));
  EXPECT_TRUE(IsMetadata("5-minute read"));
  EXPECT_TRUE(IsMetadata("3 hours ago · 2 min read"));
  EXPECT_TRUE(IsMetadata("Share 85 · Tweet 168"));
  EXPECT_TRUE(IsMetadata("1.2K shares"));
  EXPECT_TRUE(IsMetadata("Shares: 3,438"));
  EXPECT_TRUE(IsMetadata("214 comments | 1.1K likes"));
  EXPECT_FALSE(Read("2 min read").stamp);
}

TEST_F(BylineTest, ProseAndHeadlinesAreNotMetadata) {
  for (const char* line : {
           "By contrast, prices fell.",
           "By Monday the talks had stalled",
           "Gold Prices Rise Again",
           "Apple Names New Chief",
           "Gold rose 3% in April",
           "The company said on Tuesday it would cut 300 jobs.",
           "April",
           "1987",
           "3 hours",
           "May Day protests",
           "Jane Doe",
           "Markets editor",
           "Home / Markets",
           "Oil falls 2% - Brent at $80",
           "Shares in Acme fell 5%",
       }) {
    EXPECT_FALSE(IsMetadata(line)) << line;
  }
}

TEST_F(BylineTest, NamesAndRolesInContext) {
  std::string author;
  EXPECT_TRUE(reader_->IsName("ELENA VARGA", &author));
  EXPECT_EQ(author, "Elena Varga");
  EXPECT_TRUE(reader_->IsName("Jane Doe and John Roe"));
  EXPECT_TRUE(reader_->IsName("Mary-Jane O'Connor"));
  EXPECT_FALSE(reader_->IsName("Madonna"));
  EXPECT_FALSE(reader_->IsName("The Daily Ledger"));
  EXPECT_FALSE(reader_->IsName("Nissan names successor"));
  EXPECT_FALSE(reader_->IsName("Gold Rises After Fed"));
  EXPECT_TRUE(reader_->IsRole("Political correspondent"));
  EXPECT_TRUE(reader_->IsRole("Staff Writer"));
  EXPECT_TRUE(reader_->IsRole("Senior markets reporter"));
  EXPECT_FALSE(reader_->IsRole("Editor resigns"));
  EXPECT_FALSE(reader_->IsRole("Jane Doe"));
}

TEST_F(BylineTest, DayOrderEvidence) {
  EXPECT_EQ(BylineReader::OrderEvidence(Read("20/10/1987").time),
            DayOrder::kDayFirst);
  EXPECT_EQ(BylineReader::OrderEvidence(Read("10/20/1987").time),
            DayOrder::kMonthFirst);
  EXPECT_EQ(BylineReader::OrderEvidence(Read("10/11/1987 12:00 BST").time),
            DayOrder::kDayFirst);
  EXPECT_EQ(BylineReader::OrderEvidence(Read("10/11/1987").time),
            DayOrder::kUnknown);
}

TEST_F(BylineTest, DisplayNames) {
  EXPECT_EQ(BylineReader::DisplayName("ELENA VARGA"), "Elena Varga");
  EXPECT_EQ(BylineReader::DisplayName("JEAN-PAUL D'ARCY"), "Jean-Paul D'Arcy");
  EXPECT_EQ(BylineReader::DisplayName("Ian McEwan"), "Ian McEwan");
}

TEST(BylineLexiconTest, MalformedRowsAreReported) {
  struct Case {
    const char* content;
    const char* error;
  } cases[] = {
      {"month\tjanuary\n", "bylines.tsv:1: value must be a positive number"},
      {"season\tspring\n", "bylines.tsv:1: unknown kind"},
      {"# comment\nzone\tet\t-05:00\tus\n", "bylines.tsv:2: zone needs"},
      {"zone\tet\t-05:00\tsometimes\tmdy\n", "rule must be"},
      {"label\tupdated\tlater\n", "label must be"},
      {"by\tby\tghost\n", "by must be"},
  };
  for (const Case& c : cases) {
    ExpectLexiconError("bylines.tsv", c.content, c.error,
                       [](const LexiconSet& l) -> absl::Status {
                         return BylineReader::Create(l).status();
                       });
  }
}

}  // namespace
}  // namespace tidings::scoring::internal
