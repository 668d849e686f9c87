// Copyright 2026 The Tidings Authors.

#include "service/internal/log_record_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "service/convert.h"
#include "tidings/internal/log_record.pb.h"

namespace tidings::service::internal {
namespace {

using tidings::internal::LogArticle;
using tidings::internal::LogRecord;

// The bytes `article` adds to a record: field 1's tag, length and body.
size_t EntrySize(const LogArticle& article) {
  const size_t body = article.ByteSizeLong();
  return 1 + google::protobuf::io::CodedOutputStream::VarintSize64(body) + body;
}

// Why `article` cannot be in a record; OK when it can.
absl::Status Replicable(const storage::PendingArticle& article) {
  if (article.idempotency_key.empty()) {
    return absl::InvalidArgumentError("a log record needs an idempotency key");
  }
  if (article.revision) {
    for (const v1::Signal& s : article.signals) {
      if (s.rescore_of_seq() == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("revision ", article.idempotency_key,
                         " has a signal without rescore_of_seq"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

EncodedBatch EncodeLogRecords(const std::vector<storage::PendingArticle>& batch,
                              absl::Time ingested_at,
                              const RecordLimits& limits) {
  EncodedBatch out;
  LogRecord header;  // ingested_at alone: its size is every record's base.
  ToProto(ingested_at, header.mutable_ingested_at());
  const size_t base = header.ByteSizeLong();

  LogRecord record;
  EncodedRecord pending;
  size_t bytes = base;
  auto flush = [&] {
    if (pending.articles.empty()) return;
    *record.mutable_ingested_at() = header.ingested_at();
    if (!record.SerializeToString(&pending.bytes)) {
      for (size_t k : pending.articles) {
        out.refused.emplace_back(
            k, absl::InvalidArgumentError(
                   absl::StrCat("cannot serialise the log record of ",
                                batch[k].idempotency_key, " (too large?)")));
      }
    } else {
      out.records.push_back(std::move(pending));
    }
    pending = EncodedRecord();
    record.Clear();
    bytes = base;
  };
  for (size_t k = 0; k < batch.size(); ++k) {
    const storage::PendingArticle& a = batch[k];
    if (absl::Status s = Replicable(a); !s.ok()) {
      out.refused.emplace_back(k, std::move(s));
      continue;
    }
    LogArticle entry;
    entry.set_idempotency_key(a.idempotency_key);
    if (a.revision) {
      entry.set_revision(true);
    } else {
      *entry.mutable_article() = a.article;
    }
    entry.mutable_signals()->Reserve(static_cast<int>(a.signals.size()));
    for (const v1::Signal& s : a.signals) *entry.add_signals() = s;
    const size_t size = EntrySize(entry);
    if (base + size > limits.max_payload) {
      out.refused.emplace_back(
          k, absl::ResourceExhaustedError(absl::StrCat(
                 "article ", a.idempotency_key, " and its signals encode to ",
                 base + size,
                 " bytes, more than the cluster log takes in one "
                 "message (",
                 limits.max_payload, " bytes): shorten its body")));
      continue;
    }
    if (!pending.articles.empty() &&
        (bytes + size > limits.max_bytes ||
         pending.articles.size() >= limits.max_articles)) {
      flush();
    }
    *record.add_articles() = std::move(entry);
    pending.articles.push_back(k);
    bytes += size;
  }
  flush();
  return out;
}

absl::StatusOr<DecodedRecord> DecodeLogRecord(std::string_view bytes) {
  LogRecord record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("a cluster log record of ", bytes.size(),
                     " bytes does not parse as a tidings.internal.LogRecord"));
  }
  if (record.articles().empty() || !record.has_ingested_at()) {
    return absl::DataLossError(
        "a cluster log record lacks its articles or ingested_at");
  }
  DecodedRecord out;
  out.ingested_at = FromProto(record.ingested_at());
  out.articles.reserve(record.articles_size());
  for (LogArticle& entry : *record.mutable_articles()) {
    if (entry.idempotency_key().empty()) {
      return absl::DataLossError(
          absl::StrCat("article ", out.articles.size(),
                       " of a cluster log record lacks its idempotency key"));
    }
    storage::PendingArticle& a = out.articles.emplace_back();
    a.idempotency_key = std::move(*entry.mutable_idempotency_key());
    a.article = std::move(*entry.mutable_article());
    a.revision = entry.revision();
    a.signals.reserve(entry.signals_size());
    for (v1::Signal& s : *entry.mutable_signals()) {
      a.signals.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace tidings::service::internal
