// Copyright 2026 The Tidings Authors.

#include "service/cli/article_json.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "service/cli/args.h"
#include "service/cli/format.h"

namespace tidings::cli {
namespace {

absl::string_view Absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

constexpr char kForms[] =
    "accepted: RFC 3339 (2019-03-01T14:30:00Z, +01:00 offsets), a date "
    "(2019-03-01), a date and time without a zone (2019-03-01T14:30:00, "
    "read in --assume-tz), RFC 1123 (Fri, 01 Mar 2019 14:30:00 GMT) or "
    "seconds since 1970 as a JSON number";

bool TryParse(const char* format, absl::string_view text, absl::TimeZone zone,
              absl::Time* t) {
  std::string err;
  return absl::ParseTime(format, text, zone, t, &err);
}

// "YYYY-MM-DD hh:mm..." -> "YYYY-MM-DDThh:mm...": a space for the T.
std::string WithT(absl::string_view text) {
  std::string s(text);
  if (s.size() > 11 && s[10] == ' ' && std::isdigit(s[11])) s[10] = 'T';
  return s;
}

// Whether `text` (after the date) ends in a zone: Z or +hh[:mm] / -hh[:mm].
bool HasZone(absl::string_view text) {
  if (text.size() <= 10) return false;
  absl::string_view time = text.substr(10);
  if (absl::EndsWithIgnoreCase(time, "z")) return true;
  return time.find_first_of("+-") != absl::string_view::npos;
}

}  // namespace

absl::StatusOr<absl::Time> ParseArchiveTime(
    std::string_view raw, const std::optional<absl::TimeZone>& zone) {
  const absl::string_view text = absl::StripAsciiWhitespace(Absl(raw));
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::Time t;
  const std::string iso = WithT(text);
  // RFC 1123 / 822 (RSS): the zone is a name or an offset.
  for (const char* format : {"%a, %d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M:%S %z",
                             "%a, %d %b %Y %H:%M %z"}) {
    std::string s(text);
    for (const char* name : {" GMT", " UTC", " UT", " Z"}) {
      if (absl::EndsWith(s, name)) {
        s.replace(s.size() - std::strlen(name), std::strlen(name), " +0000");
        break;
      }
    }
    if (TryParse(format, s, utc, &t)) return t;
  }
  if (HasZone(iso)) {
    for (const char* format : {absl::RFC3339_full, "%Y-%m-%d%ET%H:%M%Ez",
                               "%Y-%m-%d%ET%H:%M:%E*S%z"}) {
      if (TryParse(format, iso, utc, &t)) return t;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a time (", kForms, ")"));
  }
  const char* const kZoneless[] = {"%Y-%m-%d", "%Y-%m-%d%ET%H:%M:%E*S",
                                   "%Y-%m-%d%ET%H:%M"};
  for (const char* format : kZoneless) {
    if (!TryParse(format, iso, utc, &t)) continue;
    if (!zone.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text,
          "\" has no time zone: pass --assume-tz with the archive's zone "
          "(UTC, an offset such as +01:00, or a name such as "
          "America/New_York)"));
    }
    TryParse(format, iso, *zone, &t);
    return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is not a time (", kForms, ")"));
}

absl::StatusOr<absl::TimeZone> ParseTimeZone(std::string_view raw) {
  const absl::string_view name = Absl(raw);
  if (absl::EqualsIgnoreCase(name, "utc") || name == "Z") {
    return absl::UTCTimeZone();
  }
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    std::string digits;
    for (char c : name.substr(1)) {
      if (c != ':') digits.push_back(c);
    }
    int hours = 0, minutes = 0;
    if ((digits.size() == 2 || digits.size() == 4) &&
        absl::SimpleAtoi(digits.substr(0, 2), &hours) &&
        (digits.size() == 2 ||
         absl::SimpleAtoi(digits.substr(2, 2), &minutes)) &&
        hours <= 14 && minutes < 60) {
      const int seconds = (hours * 60 + minutes) * 60;
      return absl::FixedTimeZone(name[0] == '-' ? -seconds : seconds);
    }
  } else {
    absl::TimeZone zone;
    if (!name.empty() && absl::LoadTimeZone(name, &zone)) return zone;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown time zone \"", name,
      "\": use UTC, an offset such as +05:30 or -0800, or an IANA name such "
      "as America/New_York"));
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseRenames(
    const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& item : items) {
    for (absl::string_view pair :
         absl::StrSplit(item, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv =
          absl::StrSplit(pair, absl::MaxSplits('=', 1));
      if (kv.first.empty() || kv.second.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--map takes KEY=FIELD (the file's key, then the Article field), "
            "e.g. published=published_at; got \"",
            pair, "\""));
      }
      out.push_back(std::move(kv));
    }
  }
  return out;
}

absl::StatusOr<ArticleJsonReader> ArticleJsonReader::Create(
    ArticleJsonOptions options) {
  const google::protobuf::Descriptor* article = v1::Article::descriptor();
  for (const auto& [key, field] : options.renames) {
    if (article->FindFieldByName(field) == nullptr &&
        article->FindFieldByLowercaseName(field) == nullptr &&
        article->FindFieldByCamelcaseName(field) == nullptr) {
      std::string known;
      for (int i = 0; i < article->field_count(); ++i) {
        absl::StrAppend(&known, i == 0 ? "" : ", ", article->field(i)->name());
      }
      return absl::InvalidArgumentError(
          absl::StrCat("--map ", key, "=", field, ": \"", field,
                       "\" is not an Article field (fields: ", known, ")"));
    }
  }
  return ArticleJsonReader(std::move(options));
}

absl::Status ArticleJsonReader::Parse(std::string_view line,
                                      v1::Article* article) const {
  article->Clear();
  if (options_.renames.empty() &&
      FromJson(line, article, options_.ignore_unknown_fields).ok()) {
    return absl::OkStatus();
  }
  article->Clear();
  return ParseSlow(line, article);
}

absl::Status ArticleJsonReader::ParseSlow(std::string_view line,
                                          v1::Article* article) const {
  google::protobuf::Struct object;
  if (absl::Status s = FromJson(line, &object, false); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object (", s.message(), ")"));
  }
  auto& fields = *object.mutable_fields();
  for (const auto& [key, field] : options_.renames) {
    auto it = fields.find(key);
    if (it == fields.end()) continue;
    if (fields.contains(field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "has both \"", key, "\" and \"", field, "\", which --map ", key, "=",
          field, " makes the same field"));
    }
    google::protobuf::Value value = std::move(it->second);
    fields.erase(it);
    fields[field] = std::move(value);
  }
  for (const char* name :
       {"published_at", "publishedAt", "received_at", "receivedAt"}) {
    auto it = fields.find(name);
    if (it == fields.end()) continue;
    google::protobuf::Value& value = it->second;
    absl::Time t;
    if (value.has_null_value()) {
      fields.erase(it);
      continue;
    } else if (value.has_number_value()) {
      t = absl::FromUnixMicros(
          static_cast<int64_t>(value.number_value() * 1e6));
    } else if (value.has_string_value()) {
      absl::StatusOr<absl::Time> parsed =
          ParseArchiveTime(value.string_value(), options_.assume_tz);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": ", parsed.status().message()));
      }
      t = *parsed;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": a time is a string or a number of seconds, not ",
          value.has_bool_value() ? "true/false" : "an object or a list"));
    }
    value.set_string_value(FormatRfc3339(t));
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(object, &json, print).ok()) {
    return absl::InternalError("cannot print the rewritten line");
  }
  absl::Status s = FromJson(json, article, options_.ignore_unknown_fields);
  if (s.ok()) return s;
  std::string hint;
  if (absl::StrContains(s.message(), "Cannot find field")) {
    hint =
        "; --map KEY=FIELD reads a key as an Article field, "
        "--ignore-unknown-fields skips keys that are not";
  }
  return absl::InvalidArgumentError(
      absl::StrCat("not a tidings.v1.Article (", s.message(), ")", hint));
}

}  // namespace tidings::cli
