// Copyright 2026 The Tidings Authors.
//
// validation.h: the checks of what clients send that protobuf does not
// make: an article's sizes, text, enum values and timestamp, and any
// timestamp's range. Cheap: safe to call in a gRPC reaction.

#ifndef TIDINGS_SERVICE_INTERNAL_VALIDATION_H_
#define TIDINGS_SERVICE_INTERNAL_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/timestamp.pb.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// Longest accepted article_id, in bytes.
inline constexpr size_t kMaxArticleIdBytes = 1024;

// Checks one article: a title or a body that is not only whitespace (a
// title alone is a headline-only article, scored as a headline), body and
// title at most `max_article_bytes`, no NUL byte in body or title (rejected,
// not replaced: NUL is never text, and the stored article stays what was sent),
// a known content_type, a valid published_at, an article_id of at most
// kMaxArticleIdBytes. (Invalid UTF-8 never gets here: protobuf rejects it
// when it parses the request; see Article.body in tidings.proto.)
// INVALID_ARGUMENT with a message naming the field otherwise. Cheap: safe to
// call in a gRPC reaction.
absl::Status ValidateArticle(const v1::Article& article,
                             uint64_t max_article_bytes);

// Validates a Timestamp: seconds within 0001-01-01..9999-12-31 and nanos in
// [0, 1e9). INVALID_ARGUMENT naming `what` otherwise.
absl::Status ValidateTimestamp(const google::protobuf::Timestamp& ts,
                               const std::string& what);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_VALIDATION_H_
