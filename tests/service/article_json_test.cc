// Copyright 2026 The Tidings Authors.
//
// Tests of service/cli/article_json.h: archive lines as Articles (renamed
// keys, the common time forms, --assume-tz) and errors that name the cause.

#include "service/cli/article_json.h"

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/convert.h"

namespace tidings::cli {
namespace {

using ::testing::HasSubstr;

absl::Time Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

absl::Time MustParse(const std::string& text,
                     std::optional<absl::TimeZone> zone = std::nullopt) {
  absl::StatusOr<absl::Time> t = ParseArchiveTime(text, zone);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return t.ok() ? *t : absl::InfinitePast();
}

TEST(ParseArchiveTimeTest, ZonedFormsNeedNoAssumedZone) {
  EXPECT_EQ(MustParse("2024-11-19T13:04:17+00:00"),
            Utc(2024, 11, 19, 13, 4, 17));
  EXPECT_EQ(MustParse("2024-11-19T13:04:17Z"), Utc(2024, 11, 19, 13, 4, 17));
  EXPECT_EQ(MustParse("2024-11-19 14:04:17+01:00"),
            Utc(2024, 11, 19, 13, 4, 17));
  EXPECT_EQ(MustParse("2024-11-19T13:04:17.250Z"),
            Utc(2024, 11, 19, 13, 4, 17) + absl::Milliseconds(250));
  EXPECT_EQ(MustParse("Tue, 19 Nov 2024 13:04:17 GMT"),
            Utc(2024, 11, 19, 13, 4, 17));
  EXPECT_EQ(MustParse("Tue, 19 Nov 2024 08:04:17 -0500"),
            Utc(2024, 11, 19, 13, 4, 17));
  EXPECT_EQ(MustParse("19 Nov 2024 13:04:17 +0000"),
            Utc(2024, 11, 19, 13, 4, 17));
}

TEST(ParseArchiveTimeTest, ZonelessFormsAreReadInTheAssumedZone) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(MustParse("1987-10-19T13:30:41", utc),
            Utc(1987, 10, 19, 13, 30, 41));
  EXPECT_EQ(MustParse("1987-10-19 13:30", utc), Utc(1987, 10, 19, 13, 30));
  EXPECT_EQ(MustParse("2018-09-27", utc), Utc(2018, 9, 27));
  absl::StatusOr<absl::TimeZone> ny = ParseTimeZone("America/New_York");
  ASSERT_TRUE(ny.ok()) << ny.status();
  EXPECT_EQ(MustParse("2018-09-27", *ny), Utc(2018, 9, 27, 4));  // EDT.
  absl::StatusOr<absl::TimeZone> plus = ParseTimeZone("+05:30");
  ASSERT_TRUE(plus.ok()) << plus.status();
  EXPECT_EQ(MustParse("2018-09-27T05:30:00", *plus), Utc(2018, 9, 27));
}

TEST(ParseArchiveTimeTest, ErrorsNameTheCause) {
  absl::StatusOr<absl::Time> t = ParseArchiveTime("1987-10-19T13:30:41", {});
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("has no time zone: pass --assume-tz"));
  t = ParseArchiveTime("yesterday", absl::UTCTimeZone());
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("\"yesterday\" is not a time (accepted: RFC 3339"));
  t = ParseArchiveTime("2019-02-30", absl::UTCTimeZone());
  EXPECT_FALSE(t.ok());  // No such day.
  EXPECT_FALSE(ParseTimeZone("Mars/Olympus").ok());
  EXPECT_FALSE(ParseTimeZone("+25:00").ok());
  EXPECT_TRUE(ParseTimeZone("utc").ok());
  EXPECT_TRUE(ParseTimeZone("-0800").ok());
}

ArticleJsonReader MustCreate(ArticleJsonOptions options) {
  absl::StatusOr<ArticleJsonReader> reader =
      ArticleJsonReader::Create(std::move(options));
  EXPECT_TRUE(reader.ok()) << reader.status();
  return *std::move(reader);
}

TEST(ArticleJsonReaderTest, ProtobufJsonIsTakenAsItIs) {
  ArticleJsonReader reader = MustCreate({});
  v1::Article a;
  ASSERT_TRUE(reader
                  .Parse(R"({"article_id":"a1","title":"T","received_at":)"
                         R"("2020-01-02T03:04:05Z"})",
                         &a)
                  .ok());
  EXPECT_EQ(a.article_id(), "a1");
  EXPECT_EQ(service::FromProto(a.received_at()), Utc(2020, 1, 2, 3, 4, 5));
}

TEST(ArticleJsonReaderTest, ArchiveLinesWithRenamedKeysAndLocalTimes) {
  ArticleJsonOptions options;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> renames =
      ParseRenames(
          {"id=article_id,published=published_at", "seen=received_at"});
  ASSERT_TRUE(renames.ok()) << renames.status();
  options.renames = *renames;
  options.assume_tz = absl::UTCTimeZone();
  ArticleJsonReader reader = MustCreate(options);
  v1::Article a;
  absl::Status s = reader.Parse(
      R"({"id":"r-1","published":"1987-10-19T13:30:41","seen":1571491841,)"
      R"("title":"Stocks fall"})",
      &a);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(a.article_id(), "r-1");
  EXPECT_EQ(a.title(), "Stocks fall");
  EXPECT_EQ(service::FromProto(a.published_at()),
            Utc(1987, 10, 19, 13, 30, 41));
  EXPECT_EQ(service::FromProto(a.received_at()), Utc(2019, 10, 19, 13, 30, 41));
  // null is no time; the rest of the line is kept.
  ASSERT_TRUE(
      reader.Parse(R"({"id":"r-2","published":null,"body":"x"})", &a).ok());
  EXPECT_FALSE(a.has_published_at());
  EXPECT_EQ(a.body(), "x");
}

TEST(ArticleJsonReaderTest, ErrorsNameTheFieldAndTheFix) {
  ArticleJsonReader strict = MustCreate({});
  v1::Article a;
  absl::Status s =
      strict.Parse(R"({"article_id":"a","published_at":"2019-03-01"})", &a);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("published_at: \"2019-03-01\" has no time zone"));
  s = strict.Parse(R"({"article_id":"a","published_at":"soon"})", &a);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("published_at: \"soon\" is not a time"));
  s = strict.Parse(R"({"id":"a"})", &a);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--map KEY=FIELD"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--ignore-unknown-fields"));
  s = strict.Parse(R"({"article_id":)", &a);
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a JSON object"));
  s = strict.Parse(R"({"published_at":true})", &a);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("a time is a string or a number"));

  ArticleJsonOptions options;
  options.renames = {{"published", "published_at"}};
  ArticleJsonReader renaming = MustCreate(options);
  s = renaming.Parse(R"({"published":1,"published_at":2})", &a);
  EXPECT_THAT(std::string(s.message()), HasSubstr("has both"));

  options.renames = {{"id", "identifier"}};
  absl::StatusOr<ArticleJsonReader> bad =
      ArticleJsonReader::Create(std::move(options));
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("\"identifier\" is not an Article field"));
  EXPECT_FALSE(ParseRenames({"published"}).ok());
}

}  // namespace
}  // namespace tidings::cli
