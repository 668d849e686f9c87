// Copyright 2026 The Tidings Authors.

#include "service/internal/log_record_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "service/convert.h"
#include "tidings/internal/log_record.pb.h"

namespace tidings::service::internal {

absl::StatusOr<std::string> EncodeLogRecord(
    const storage::PendingArticle& article, absl::Time ingested_at) {
  if (article.idempotency_key.empty()) {
    return absl::InvalidArgumentError("a log record needs an idempotency key");
  }
  if (article.revision) {
    return absl::InvalidArgumentError(
        "rescores are not replicated through the cluster log");
  }
  tidings::internal::LogRecord record;
  record.set_idempotency_key(article.idempotency_key);
  *record.mutable_article() = article.article;
  record.mutable_signals()->Reserve(static_cast<int>(article.signals.size()));
  for (const v1::Signal& s : article.signals) *record.add_signals() = s;
  ToProto(ingested_at, record.mutable_ingested_at());
  std::string bytes;
  if (!record.SerializeToString(&bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot serialise the log record of ",
                     article.idempotency_key, " (too large?)"));
  }
  return bytes;
}

absl::StatusOr<DecodedRecord> DecodeLogRecord(std::string_view bytes) {
  tidings::internal::LogRecord record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("a cluster log record of ", bytes.size(),
                     " bytes does not parse as a tidings.internal.LogRecord"));
  }
  if (record.idempotency_key().empty() || !record.has_ingested_at()) {
    return absl::DataLossError(
        "a cluster log record lacks its idempotency key or ingested_at");
  }
  DecodedRecord out;
  out.ingested_at = FromProto(record.ingested_at());
  out.article.idempotency_key = std::move(*record.mutable_idempotency_key());
  out.article.article = std::move(*record.mutable_article());
  out.article.signals.reserve(record.signals_size());
  for (v1::Signal& s : *record.mutable_signals()) {
    out.article.signals.push_back(std::move(s));
  }
  return out;
}

}  // namespace tidings::service::internal
