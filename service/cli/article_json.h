// Copyright 2026 The Tidings Authors.
//
// article_json.h: one line of a JSONL archive as a tidings.v1.Article, for
// `tidings ingest --jsonl`. A line in protobuf JSON is taken as it is;
// beyond it, archives commonly hold what protobuf JSON refuses, and this
// accepts it:
//  - keys under other names (--map published=published_at,id=article_id);
//  - published_at / received_at as a date only (2019-03-01), a date and time
//    without a zone (1987-10-19T13:30:41 or with a space), both of which are
//    read in --assume-tz; RFC 3339 with a zone (also with a space for the
//    T); RFC 1123 as in RSS (Tue, 19 Nov 2024 13:04:17 GMT, or +0000); a
//    number of seconds since 1970 (a JSON number); null for none.
// Errors name the line's real problem: the bad time and the forms accepted,
// a missing --assume-tz, an unknown key (and the flags that handle it), or
// the JSON syntax error.

#ifndef TIDINGS_SERVICE_CLI_ARTICLE_JSON_H_
#define TIDINGS_SERVICE_CLI_ARTICLE_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {

// A time as archives write it (see above); `zone` is for times without one
// (nullopt: such times are an error naming --assume-tz).
absl::StatusOr<absl::Time> ParseArchiveTime(
    std::string_view text, const std::optional<absl::TimeZone>& zone);

// "UTC", an offset ("+05:30", "-0800"), or an IANA name
// ("America/New_York", read from the system's tzdata).
absl::StatusOr<absl::TimeZone> ParseTimeZone(std::string_view name);

struct ArticleJsonOptions {
  bool ignore_unknown_fields = false;
  std::optional<absl::TimeZone> assume_tz;
  // (key in the file, Article field), e.g. ("published", "published_at").
  std::vector<std::pair<std::string, std::string>> renames;
};

class ArticleJsonReader {
 public:
  // INVALID_ARGUMENT when a rename does not name an Article field.
  static absl::StatusOr<ArticleJsonReader> Create(ArticleJsonOptions options);

  // Parses one line into `*article` (cleared first).
  absl::Status Parse(std::string_view line, v1::Article* article) const;

 private:
  explicit ArticleJsonReader(ArticleJsonOptions options)
      : options_(std::move(options)) {}

  // The line through google.protobuf.Struct: renamed keys, times rewritten
  // as RFC 3339.
  absl::Status ParseSlow(std::string_view line, v1::Article* article) const;

  ArticleJsonOptions options_;
};

// Parses "KEY=FIELD[,KEY=FIELD...]" (the --map flag) into renames.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseRenames(
    const std::vector<std::string>& items);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_ARTICLE_JSON_H_
