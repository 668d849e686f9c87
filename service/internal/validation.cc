// Copyright 2026 The Tidings Authors.

#include "service/internal/validation.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace tidings::service::internal {
namespace {

bool AllSpace(const std::string& s) {
  for (char c : s) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as google.protobuf.Timestamp
// defines its range.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

absl::Status ValidateTimestamp(const google::protobuf::Timestamp& ts,
                               const std::string& what) {
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is out of range (seconds=", ts.seconds(),
        ", nanos=", ts.nanos(), "); a timestamp lies within years 0001..9999"));
  }
  return absl::OkStatus();
}

absl::Status ValidateArticle(const v1::Article& article,
                             uint64_t max_article_bytes) {
  if (AllSpace(article.body()) && AllSpace(article.title())) {
    return absl::InvalidArgumentError(
        "the article is empty (no title and no body): send the article text "
        "or the raw page, or at least its headline as the title");
  }
  if (article.body().size() > max_article_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "body is ", article.body().size(), " bytes, over the limit of ",
        max_article_bytes, " bytes (max_article_bytes)"));
  }
  if (article.title().size() > max_article_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "title is ", article.title().size(), " bytes, over the limit of ",
        max_article_bytes, " bytes (max_article_bytes)"));
  }
  for (const auto& [field, text] :
       {std::pair<const char*, const std::string*>{"body", &article.body()},
        {"title", &article.title()}}) {
    if (size_t nul = text->find('\0'); nul != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " contains a NUL byte (U+0000) at byte offset ", nul,
          "; NUL is not text: strip it (or decode binary pages) and send "
          "again"));
    }
  }
  if (article.article_id().size() > kMaxArticleIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("article_id is ", article.article_id().size(),
                     " bytes, over the limit of ", kMaxArticleIdBytes));
  }
  if (!v1::ContentType_IsValid(article.content_type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown content_type ", static_cast<int>(article.content_type()),
        "; use CONTENT_TYPE_UNSPECIFIED (0), CONTENT_TYPE_PLAIN_TEXT (1) or "
        "CONTENT_TYPE_RAW_PAGE (2)"));
  }
  if (article.has_published_at()) {
    absl::Status s = ValidateTimestamp(article.published_at(), "published_at");
    if (!s.ok()) return s;
  }
  if (article.has_received_at()) {
    absl::Status s = ValidateTimestamp(article.received_at(), "received_at");
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace tidings::service::internal
