// Copyright 2026 The Tidings Authors.

#include "service/internal/ingest.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "service/convert.h"
#include "service/internal/metrics.h"
#include "service/internal/wire.h"

namespace tidings::service::internal {
namespace {

scoring::ContentKind ToKind(v1::ContentType type) {
  switch (type) {
    case v1::CONTENT_TYPE_PLAIN_TEXT:
      return scoring::ContentKind::kPlainText;
    case v1::CONTENT_TYPE_RAW_PAGE:
      return scoring::ContentKind::kRawPage;
    default:
      return scoring::ContentKind::kAuto;
  }
}

}  // namespace

std::vector<v1::Signal> ScoreArticle(const scoring::Scorer& scorer,
                                     const v1::Article& article, absl::Time now,
                                     Metrics* metrics) {
  const absl::Time started = absl::Now();
  scoring::ScoreInput input;
  input.title = std::string_view(article.title());
  input.body = std::string_view(article.body());
  input.kind = ToKind(article.content_type());
  input.now = now;
  // One working memory and result vector per thread, reused by every
  // article it scores (any Scorer may use them): steady-state scoring
  // allocates nothing per article (the signals below are new). They keep
  // the capacity of the largest article this thread has scored, which
  // --max-article-bytes bounds.
  thread_local scoring::Scorer::Scratch scratch;
  thread_local std::vector<scoring::ScoredDocument> docs;
  scorer.Score(input, &scratch, &docs);
  std::vector<v1::Signal> signals(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    ToSignal(docs[i], article, scorer.version(), &signals[i]);
  }
  Metrics::Scored(metrics, absl::Now() - started);
  return signals;
}

std::optional<std::string> IdempotencyKey(
    const v1::Article& article, const std::vector<v1::Signal>& signals) {
  if (!article.article_id().empty()) {
    return absl::StrCat("id:", article.article_id());
  }
  if (signals.empty()) return std::nullopt;
  std::string key = "fp:";
  for (const v1::Signal& s : signals) {
    absl::StrAppendFormat(&key, "%016x", s.exact_fingerprint());
  }
  return key;
}

void SetError(const absl::Status& status, v1::IngestResult* result) {
  result->clear_seqs();
  result->set_duplicate(false);
  result->set_error_code(static_cast<int32_t>(status.code()));
  result->set_error_message(std::string(status.message()));
}

std::optional<v1::IngestResult> AdmitStreamMessage(std::string_view bytes,
                                                   uint32_t index,
                                                   uint64_t max_article_bytes,
                                                   v1::Article* article) {
  std::string article_id;
  absl::Status valid = ParseArticle(bytes, article, &article_id);
  if (valid.ok()) valid = ValidateArticle(*article, max_article_bytes);
  if (valid.ok()) return std::nullopt;
  v1::IngestResult result;
  result.set_index(index);
  result.set_article_id(article_id);
  SetError(valid, &result);
  return result;
}

PreparedArticle PrepareArticle(const scoring::Scorer& scorer,
                               const storage::SignalStore& store,
                               uint64_t max_article_bytes, uint32_t index,
                               const v1::Article& article, absl::Time now,
                               Metrics* metrics) {
  PreparedArticle out;
  out.result.set_index(index);
  out.result.set_article_id(article.article_id());
  absl::Status valid = ValidateArticle(article, max_article_bytes);
  if (!valid.ok()) {
    SetError(valid, &out.result);
    return out;
  }
  if (!article.article_id().empty()) {
    // A retry of a known id: answer from storage, skip scoring. Append()
    // stays the authority for ids that arrive concurrently.
    absl::StatusOr<std::vector<uint64_t>> seqs =
        store.LookupKey(absl::StrCat("id:", article.article_id()));
    if (seqs.ok()) {
      for (uint64_t seq : *seqs) out.result.add_seqs(seq);
      out.result.set_duplicate(true);
      return out;
    }
    // NOT_FOUND (new id), UNIMPLEMENTED (a fake store) or a read error:
    // score and let Append() decide.
  }
  std::vector<v1::Signal> signals = ScoreArticle(scorer, article, now, metrics);
  std::optional<std::string> key = IdempotencyKey(article, signals);
  if (!key) return out;  // Nothing found in the page and no id: no signals.
  storage::PendingArticle pending;
  pending.idempotency_key = *std::move(key);
  pending.article = article;
  pending.signals = std::move(signals);
  out.pending = std::move(pending);
  return out;
}

PreparedBatch PrepareBatch(const scoring::Scorer& scorer,
                           const storage::SignalStore& store,
                           uint64_t max_article_bytes, absl::Time now,
                           const std::vector<IndexedArticle>& articles,
                           Metrics* metrics) {
  PreparedBatch batch;
  batch.results.reserve(articles.size());
  size_t duplicates = 0, rejected = 0;
  for (const IndexedArticle& a : articles) {
    PreparedArticle p = PrepareArticle(scorer, store, max_article_bytes,
                                       a.index, *a.article, now, metrics);
    duplicates += p.result.duplicate() ? 1 : 0;
    rejected += p.result.error_code() != 0 ? 1 : 0;
    batch.results.push_back(std::move(p.result));
    if (p.pending) {
      batch.where.push_back(batch.results.size() - 1);
      batch.pending.push_back(*std::move(p.pending));
    }
  }
  Metrics::IngestBatch(metrics, articles.size(), duplicates, rejected);
  return batch;
}

void AnswerBatch(
    const absl::StatusOr<std::vector<storage::AppendResult>>& stored,
    PreparedBatch* batch) {
  for (size_t k = 0; k < batch->where.size(); ++k) {
    v1::IngestResult& r = batch->results[batch->where[k]];
    if (!stored.ok()) {
      SetError(absl::Status(stored.status().code(),
                            absl::StrCat("storing the article failed; nothing "
                                         "was stored, send it again: ",
                                         stored.status().message())),
               &r);
      continue;
    }
    for (uint64_t seq : (*stored)[k].seqs) r.add_seqs(seq);
    r.set_duplicate((*stored)[k].duplicate);
  }
}

}  // namespace tidings::service::internal
