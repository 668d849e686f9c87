// Copyright 2026 The Tidings Authors.
//
// request_fuzz: arbitrary bytes, first as the messages of one IngestStream
// (the input's length-delimited records, each one message: good articles
// and unparseable ones mixed; see CheckStream for what is checked), then
// parsed as a tidings.v1.IngestRequest and run
// through the server's ingest path without gRPC or RocksDB, as
// TidingsService::Ingest does it: the batch-size check, then
// internal::PrepareArticle (ValidateArticle, the idempotency-key lookup,
// ScoreArticle -> Scorer::Score + ToSignal, IdempotencyKey) for each
// article, then one Append of the batch to an in-memory store. Then the
// same request again, as a retry; then DropWeakEvents (the Score path); and
// the binary and JSON round trips of everything a client would receive.
//
// Checked (abort on failure):
//  - ValidateArticle agrees with the contract in service/internal/ingest.h,
//    restated here independently (a non-blank title or body, sizes, known
//    content_type, published_at in 0001..9999 with nanos in [0, 1e9),
//    article_id length); a rejected article gets INVALID_ARGUMENT with a
//    message, no seqs, and nothing to store.
//  - results: index and article_id echo the article; an accepted article
//    with an id or with documents has an idempotency key ("id:" + id, or
//    "fp:" + 16 hex digits per signal).
//  - signals: seq 0, doc_index in order, article_id/url/published_at/
//    scorer_version copied, sentiment and relevance ranges, known enum
//    values, every evidence text equal to its [begin, end) slice of
//    title + "\n\n" + body.
//  - the retry of the whole request stores nothing new and returns, for
//    every stored article, duplicate = true and the same seqs (idempotent
//    ingest; needs deterministic fingerprints).
//  - DropWeakEvents leaves no event below kDefaultMinRelevance.
//  - every Signal and the IngestResponse survive serialisation and parsing
//    (a proto3 string with invalid UTF-8 would fail the client's parse) and
//    the JSON round trip (MessageToJsonString -> JsonStringToMessage gives
//    an equal message); so does the request whenever it prints as JSON.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "scoring/scorer.h"
#include "service/convert.h"
#include "service/internal/ingest.h"
#include "service/server.h"
#include "storage/signal_store.h"
#include "tests/fuzz/fuzz_check.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::fuzz {
namespace {

namespace v1 = ::tidings::v1;
using google::protobuf::util::MessageDifferencer;

const scoring::Scorer& GetScorer() {
  static const scoring::Scorer* scorer = [] {
    auto s = scoring::Scorer::Create(scoring::ScorerOptions());
    FUZZ_CHECK(s.ok(), "Scorer::Create: %s", s.status().ToString().c_str());
    return s->release();
  }();
  return *scorer;
}

// An in-memory store with the idempotency semantics of SignalStore::Append
// (a key stored before, or earlier in the batch, is a duplicate). Only what
// the ingest path calls is implemented.
class MemoryStore final : public storage::SignalStore {
 public:
  absl::StatusOr<std::vector<storage::AppendResult>> Append(
      std::vector<storage::PendingArticle> batch, absl::Time now) override {
    std::vector<storage::AppendResult> results;
    for (storage::PendingArticle& p : batch) {
      FUZZ_CHECK(!p.idempotency_key.empty(), "empty idempotency key");
      storage::AppendResult r;
      auto it = keys_.find(p.idempotency_key);
      if (it != keys_.end()) {
        r.seqs = it->second;
        r.duplicate = true;
      } else {
        for (size_t k = 0; k < p.signals.size(); ++k) r.seqs.push_back(++head_);
        keys_.emplace(p.idempotency_key, r.seqs);
      }
      results.push_back(std::move(r));
    }
    return results;
  }
  uint64_t head_seq() const override { return head_; }
  absl::StatusOr<v1::Signal> Get(uint64_t) const override {
    return absl::UnimplementedError("MemoryStore");
  }
  absl::Status Scan(uint64_t, uint64_t,
                    const std::function<bool(v1::Signal&)>&) const override {
    return absl::UnimplementedError("MemoryStore");
  }
  absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time) const override {
    return absl::UnimplementedError("MemoryStore");
  }
  absl::StatusOr<std::vector<uint64_t>> LookupKey(
      std::string_view key) const override {
    auto it = keys_.find(std::string(key));
    if (it == keys_.end()) return absl::NotFoundError("unknown key");
    return it->second;
  }

 private:
  uint64_t head_ = 0;
  std::map<std::string, std::vector<uint64_t>> keys_;
};

// The contract of ValidateArticle (service/internal/ingest.h), restated.
bool ExpectValid(const v1::Article& a, uint64_t max_article_bytes) {
  bool blank = true;  // Neither body nor title has a non-space byte.
  for (const std::string* text : {&a.body(), &a.title()}) {
    for (char c : *text) {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\v' && c != '\f' &&
          c != '\r') {
        blank = false;
      }
    }
  }
  if (blank) return false;
  if (a.body().size() > max_article_bytes) return false;
  if (a.title().size() > max_article_bytes) return false;
  if (a.body().find('\0') != std::string::npos ||
      a.title().find('\0') != std::string::npos) {
    return false;  // NUL is rejected, not replaced.
  }
  if (a.article_id().size() > service::internal::kMaxArticleIdBytes)
    return false;
  int ct = a.content_type();
  if (ct < 0 || ct > 2) return false;
  if (a.has_published_at()) {
    const auto& ts = a.published_at();
    // 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
    if (ts.seconds() < -62135596800 || ts.seconds() > 253402300799)
      return false;
    if (ts.nanos() < 0 || ts.nanos() > 999999999) return false;
  }
  return true;
}

// Replaces every double and float -0 in `m` (recursively) with +0.
void ZeroNegativeZeros(google::protobuf::Message* m) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = m->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*m, &fields);
  for (const FieldDescriptor* f : fields) {
    int n = f->is_repeated() ? r->FieldSize(*m, f) : 1;
    for (int i = 0; i < n; ++i) {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_DOUBLE: {
          double v = f->is_repeated() ? r->GetRepeatedDouble(*m, f, i)
                                      : r->GetDouble(*m, f);
          if (v == 0 && std::signbit(v)) {
            f->is_repeated() ? r->SetRepeatedDouble(m, f, i, 0.0)
                             : r->SetDouble(m, f, 0.0);
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_FLOAT: {
          float v = f->is_repeated() ? r->GetRepeatedFloat(*m, f, i)
                                     : r->GetFloat(*m, f);
          if (v == 0 && std::signbit(v)) {
            f->is_repeated() ? r->SetRepeatedFloat(m, f, i, 0.0f)
                             : r->SetFloat(m, f, 0.0f);
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          ZeroNegativeZeros(f->is_repeated()
                                ? r->MutableRepeatedMessage(m, f, i)
                                : r->MutableMessage(m, f));
          break;
        default:
          break;
      }
    }
  }
}

template <typename Msg>
void CheckRoundTrips(const Msg& msg, const char* what, bool json_must_print) {
  std::string wire;
  FUZZ_CHECK(msg.SerializeToString(&wire), "%s does not serialize", what);
  Msg parsed;
  FUZZ_CHECK(parsed.ParseFromString(wire),
             "%s does not parse back (invalid UTF-8 in a string field?)", what);
  FUZZ_CHECK(MessageDifferencer::Equals(msg, parsed),
             "%s differs after the binary round trip", what);

  std::string json;
  google::protobuf::util::Status printed;
  {
    // A timestamp JSON cannot represent fails the print, with a log line.
    std::optional<google::protobuf::LogSilencer> quiet;
    if (!json_must_print) quiet.emplace();
    printed = google::protobuf::util::MessageToJsonString(msg, &json);
  }
  if (!printed.ok()) {
    FUZZ_CHECK(!json_must_print, "%s does not print as JSON: %s", what,
               printed.ToString().c_str());
    return;
  }
  Msg from_json;
  auto read = google::protobuf::util::JsonStringToMessage(json, &from_json);
  FUZZ_CHECK(read.ok(), "%s: its JSON does not parse back: %s\n%s", what,
             read.ToString().c_str(), json.c_str());
  // JSON has no unknown fields, and its parser reads the printer's "-0" as 0
  // (so a proto3 double of -0, "present", comes back as 0, "absent").
  Msg known = msg;
  known.DiscardUnknownFields();
  ZeroNegativeZeros(&known);
  FUZZ_CHECK(MessageDifferencer::Equals(known, from_json),
             "%s differs after the JSON round trip:\n%s", what, json.c_str());
}

void CheckEvidence(const v1::Evidence& e, const std::string& text) {
  FUZZ_CHECK(e.begin() <= e.end() && e.end() <= text.size(),
             "evidence [%u, %u) outside text of %zu bytes", e.begin(), e.end(),
             text.size());
  FUZZ_CHECK(
      e.text() == std::string_view(text).substr(e.begin(), e.end() - e.begin()),
      "evidence text is not text[%u, %u)", e.begin(), e.end());
}

void CheckSignals(const v1::Article& article,
                  const std::vector<v1::Signal>& signals) {
  const std::string& version = GetScorer().version();
  for (size_t k = 0; k < signals.size(); ++k) {
    const v1::Signal& s = signals[k];
    FUZZ_CHECK(s.seq() == 0 && s.doc_index() == k && !s.has_ingested_at() &&
                   s.duplicate_of_seq() == 0,
               "signal %zu: seq %llu doc_index %u", k,
               static_cast<unsigned long long>(s.seq()), s.doc_index());
    FUZZ_CHECK(s.article_id() == article.article_id() &&
                   s.url() == article.url() && s.scorer_version() == version,
               "signal %zu does not carry the article's id/url or the scorer "
               "version",
               k);
    if (article.has_published_at()) {
      FUZZ_CHECK(s.published_origin() == v1::PUBLISHER &&
                     MessageDifferencer::Equals(s.published_at(),
                                                article.published_at()),
                 "signal %zu published_at differs from the article's", k);
    } else {
      // Read from the page, or none.
      FUZZ_CHECK(s.published_origin() != v1::PUBLISHER &&
                     v1::TimeOrigin_IsValid(s.published_origin()) &&
                     s.has_published_at() ==
                         (s.published_origin() != v1::TIME_ORIGIN_UNSPECIFIED),
                 "signal %zu: published_at %d with origin %d", k,
                 s.has_published_at(), s.published_origin());
    }
    if (k == 0 && !article.source().empty()) {
      FUZZ_CHECK(s.source() == article.source(),
                 "main signal source is not the publisher's");
    }
    const v1::Sentiment& st = s.sentiment();
    FUZZ_CHECK(std::isfinite(st.score()) && st.score() >= -1 && st.score() <= 1,
               "signal %zu sentiment %g", k, st.score());
    FUZZ_CHECK(
        InUnitRange(st.positive()) && InUnitRange(st.negative()) &&
            InUnitRange(st.neutral()) &&
            std::fabs(st.positive() + st.negative() + st.neutral() - 1) <= 1e-6,
        "signal %zu proportions %g %g %g", k, st.positive(), st.negative(),
        st.neutral());
    FUZZ_CHECK(st.label() != v1::SENTIMENT_LABEL_UNSPECIFIED &&
                   v1::SentimentLabel_IsValid(st.label()),
               "signal %zu sentiment label %d", k, st.label());
    std::string text =
        s.title().empty() ? s.body() : s.title() + "\n\n" + s.body();
    for (const v1::Evidence& e : st.evidence()) CheckEvidence(e, text);
    for (const v1::Event& e : s.events()) {
      FUZZ_CHECK(e.type() != v1::EVENT_TYPE_UNSPECIFIED &&
                     v1::EventType_IsValid(e.type()) &&
                     v1::Direction_IsValid(e.direction()),
                 "signal %zu event type %d direction %d", k, e.type(),
                 e.direction());
      FUZZ_CHECK(InUnitRange(e.relevance()), "signal %zu relevance %g", k,
                 e.relevance());
      for (const v1::Evidence& ev : e.evidence()) CheckEvidence(ev, text);
    }
    for (const v1::Entity& e : s.entities()) {
      FUZZ_CHECK(!e.id().empty() && e.kind() != v1::ENTITY_KIND_UNSPECIFIED &&
                     v1::EntityKind_IsValid(e.kind()),
                 "signal %zu entity '%s' kind %d", k, e.id().c_str(), e.kind());
    }
    CheckRoundTrips(s, "Signal", /*json_must_print=*/true);
  }
}

void CheckKey(const v1::Article& article, const storage::PendingArticle& p) {
  if (!article.article_id().empty()) {
    FUZZ_CHECK(p.idempotency_key == "id:" + article.article_id(),
               "key '%s' for article_id '%s'", p.idempotency_key.c_str(),
               article.article_id().c_str());
    return;
  }
  FUZZ_CHECK(!p.signals.empty(),
             "no id and no signals, yet something to store");
  FUZZ_CHECK(p.idempotency_key.size() == 3 + 16 * p.signals.size() &&
                 p.idempotency_key.compare(0, 3, "fp:") == 0,
             "fingerprint key '%s' for %zu signals", p.idempotency_key.c_str(),
             p.signals.size());
}

// One Ingest call as TidingsService::Ingest makes it, over `store`.
// Returns false when the request as a whole is rejected.
// The signals prepared for storage are appended to `scored`.
bool Ingest(const v1::IngestRequest& request, MemoryStore* store,
            const service::ServerOptions& options, v1::IngestResponse* response,
            std::vector<v1::Signal>* scored) {
  // The batch limit is checked inline in TidingsService::Ingest (no callable
  // function): restated here.
  if (static_cast<uint32_t>(request.articles_size()) > options.max_batch) {
    return false;
  }
  const scoring::Scorer& scorer = GetScorer();
  std::vector<storage::PendingArticle> batch;
  std::vector<int> where;
  for (int i = 0; i < request.articles_size(); ++i) {
    const v1::Article& article = request.articles(i);
    absl::Status valid =
        service::internal::ValidateArticle(article, options.max_article_bytes);
    bool expected = ExpectValid(article, options.max_article_bytes);
    FUZZ_CHECK(valid.ok() == expected,
               "article %d: ValidateArticle says '%s', the contract says %s", i,
               valid.ToString().c_str(), expected ? "valid" : "invalid");
    FUZZ_CHECK(
        valid.ok() || (valid.code() == absl::StatusCode::kInvalidArgument &&
                       !valid.message().empty()),
        "article %d rejected with %s", i, valid.ToString().c_str());

    service::internal::PreparedArticle p = service::internal::PrepareArticle(
        scorer, *store, options.max_article_bytes, static_cast<uint32_t>(i),
        article, absl::Now(), /*metrics=*/nullptr);
    const v1::IngestResult& r = p.result;
    FUZZ_CHECK(r.index() == static_cast<uint32_t>(i) &&
                   r.article_id() == article.article_id(),
               "result %d: index %u, article_id '%s'", i, r.index(),
               r.article_id().c_str());
    if (!valid.ok()) {
      FUZZ_CHECK(!p.pending && r.error_code() == 3 &&
                     !r.error_message().empty() && r.seqs_size() == 0 &&
                     !r.duplicate(),
                 "rejected article %d: error_code %d, %d seqs, pending %d", i,
                 r.error_code(), r.seqs_size(), p.pending.has_value());
    } else {
      FUZZ_CHECK(r.error_code() == 0, "valid article %d got error %d: %s", i,
                 r.error_code(), r.error_message().c_str());
    }
    if (p.pending) {
      FUZZ_CHECK(!r.duplicate() && r.seqs_size() == 0,
                 "article %d to store, yet answered", i);
      CheckKey(article, *p.pending);
      CheckSignals(article, p.pending->signals);
      scored->insert(scored->end(), p.pending->signals.begin(),
                     p.pending->signals.end());
      where.push_back(i);
      batch.push_back(*std::move(p.pending));
    } else if (valid.ok() && !r.duplicate()) {
      FUZZ_CHECK(article.article_id().empty(),
                 "article %d has an id but nothing to store", i);
    }
    *response->add_results() = std::move(p.result);
  }
  if (!batch.empty()) {
    auto stored = store->Append(std::move(batch), absl::Now());
    FUZZ_CHECK(stored.ok(), "MemoryStore::Append: %s",
               stored.status().ToString().c_str());
    for (size_t k = 0; k < where.size(); ++k) {
      v1::IngestResult* r = response->mutable_results(where[k]);
      for (uint64_t seq : (*stored)[k].seqs) r->add_seqs(seq);
      r->set_duplicate((*stored)[k].duplicate);
    }
  }
  response->set_head_seq(store->head_seq());
  return true;
}

// The input's length-delimited records, each as one IngestStream message
// (for a valid IngestRequest: its articles, as a publisher would stream
// them; a mutated one gives messages that do not parse). Empty when the
// input is not protobuf wire format at all.
std::vector<std::string> StreamMessages(const uint8_t* data, size_t size) {
  google::protobuf::UnknownFieldSet fields;
  std::vector<std::string> out;
  if (!fields.ParseFromArray(data, static_cast<int>(size))) return out;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      out.push_back(f.length_delimited());
    }
  }
  return out;
}

// `messages` sent on one IngestStream, as IngestStreamReactor handles them:
// AdmitStreamMessage per message, then PrepareArticle and one Append for the
// admitted ones. Every message must be accounted for: exactly one result,
// with its index; a message protobuf cannot parse gets INVALID_ARGUMENT and
// stores nothing; every good article is answered as a duplicate or with one
// seq per document scored; and the log grows by exactly the seqs answered
// as new, densely.
void CheckStream(const std::vector<std::string>& messages,
                 const service::ServerOptions& options) {
  const scoring::Scorer& scorer = GetScorer();
  MemoryStore store;
  std::vector<v1::IngestResult> results(messages.size());
  std::vector<storage::PendingArticle> batch;
  std::vector<size_t> where;
  std::vector<bool> good(messages.size(), false);
  std::vector<size_t> documents(messages.size(), 0);  // Signals to store.
  for (size_t i = 0; i < messages.size(); ++i) {
    const uint32_t index = static_cast<uint32_t>(i);
    v1::Article article;
    std::optional<v1::IngestResult> answer;
    {
      google::protobuf::LogSilencer quiet;  // Invalid UTF-8 is logged.
      answer = service::internal::AdmitStreamMessage(
          messages[i], index, options.max_article_bytes, &article);
    }
    v1::Article truth;
    bool parses;
    {
      google::protobuf::LogSilencer quiet;
      parses = truth.ParseFromString(messages[i]);
    }
    good[i] = parses && ExpectValid(truth, options.max_article_bytes);
    if (answer) {
      FUZZ_CHECK(!good[i], "message %zu is a good article, yet refused: %s", i,
                 answer->error_message().c_str());
      FUZZ_CHECK(answer->index() == index && answer->error_code() == 3 &&
                     !answer->error_message().empty() &&
                     answer->seqs_size() == 0,
                 "message %zu refused with index %u, code %d", i,
                 answer->index(), answer->error_code());
      if (parses) {
        FUZZ_CHECK(answer->article_id() == truth.article_id(),
                   "message %zu: refused with article_id '%s'", i,
                   answer->article_id().c_str());
      }
      results[i] = *std::move(answer);
      continue;
    }
    FUZZ_CHECK(good[i], "message %zu admitted, yet not a good article", i);
    FUZZ_CHECK(MessageDifferencer::Equals(article, truth),
               "message %zu parsed differently from protobuf", i);
    service::internal::PreparedArticle p = service::internal::PrepareArticle(
        scorer, store, options.max_article_bytes, index, article, absl::Now(),
        /*metrics=*/nullptr);
    results[i] = std::move(p.result);
    if (p.pending) {
      documents[i] = p.pending->signals.size();
      where.push_back(i);
      batch.push_back(*std::move(p.pending));
    }
  }
  if (!batch.empty()) {
    auto stored = store.Append(std::move(batch), absl::Now());
    FUZZ_CHECK(stored.ok(), "MemoryStore::Append failed");
    for (size_t k = 0; k < where.size(); ++k) {
      for (uint64_t seq : (*stored)[k].seqs) results[where[k]].add_seqs(seq);
      results[where[k]].set_duplicate((*stored)[k].duplicate);
    }
  }
  uint64_t next = 1;
  for (size_t i = 0; i < messages.size(); ++i) {
    const v1::IngestResult& r = results[i];
    FUZZ_CHECK(r.index() == i, "result %zu has index %u", i, r.index());
    if (!good[i]) continue;
    FUZZ_CHECK(r.error_code() == 0, "good article %zu got error %d", i,
               r.error_code());
    if (r.duplicate()) continue;
    FUZZ_CHECK(static_cast<size_t>(r.seqs_size()) == documents[i],
               "good article %zu: %d seqs for %zu documents", i, r.seqs_size(),
               documents[i]);
    for (uint64_t seq : r.seqs()) {
      FUZZ_CHECK(seq == next, "article %zu got seq %llu, expected %llu", i,
                 static_cast<unsigned long long>(seq),
                 static_cast<unsigned long long>(next));
      ++next;
    }
  }
  FUZZ_CHECK(store.head_seq() == next - 1,
             "the log holds %llu signals, the results account for %llu",
             static_cast<unsigned long long>(store.head_seq()),
             static_cast<unsigned long long>(next - 1));
}

}  // namespace
}  // namespace tidings::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  tidings::fuzz::GetScorer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tidings;
  const service::ServerOptions options;
  // The same bytes as a stream of articles, good and unparseable mixed.
  fuzz::CheckStream(fuzz::StreamMessages(data, size), options);

  v1::IngestRequest request;
  {
    // Most mutated inputs are not valid protos (or carry invalid UTF-8, which
    // proto3 rejects); protobuf would log each one.
    google::protobuf::LogSilencer quiet;
    if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  }
  fuzz::CheckRoundTrips(request, "IngestRequest", /*json_must_print=*/false);

  fuzz::MemoryStore store;
  v1::IngestResponse first;
  std::vector<v1::Signal> scored;
  if (!fuzz::Ingest(request, &store, options, &first, &scored)) return 0;
  fuzz::CheckRoundTrips(first, "IngestResponse", /*json_must_print=*/true);

  // The publisher retries the whole request: nothing new may be stored and
  // every stored article must be answered with its first seqs.
  uint64_t head = store.head_seq();
  v1::IngestResponse retry;
  std::vector<v1::Signal> rescored;
  FUZZ_CHECK(fuzz::Ingest(request, &store, options, &retry, &rescored),
             "retry rejected");
  FUZZ_CHECK(store.head_seq() == head,
             "the retry stored new signals: head %llu -> %llu",
             static_cast<unsigned long long>(head),
             static_cast<unsigned long long>(store.head_seq()));
  for (int i = 0; i < first.results_size(); ++i) {
    const v1::IngestResult& a = first.results(i);
    const v1::IngestResult& b = retry.results(i);
    FUZZ_CHECK(a.error_code() == b.error_code(),
               "article %d: error %d, retry %d", i, a.error_code(),
               b.error_code());
    if (a.error_code() != 0) continue;
    bool stored = a.seqs_size() > 0 || a.duplicate() || !a.article_id().empty();
    if (!stored) continue;  // No id and no documents: nothing to recognise.
    FUZZ_CHECK(b.duplicate(), "article %d: its retry is not a duplicate", i);
    FUZZ_CHECK(
        a.seqs_size() == b.seqs_size() &&
            std::equal(a.seqs().begin(), a.seqs().end(), b.seqs().begin()),
        "article %d: retry answered %d seqs, first %d (or others)", i,
        b.seqs_size(), a.seqs_size());
  }

  // The Score path (a dry run) drops the weak events of the same signals.
  for (v1::Signal& s : scored) {
    service::DropWeakEvents(scoring::kDefaultMinRelevance, &s);
    for (const v1::Event& e : s.events()) {
      FUZZ_CHECK(e.relevance() >= scoring::kDefaultMinRelevance,
                 "DropWeakEvents kept relevance %g", e.relevance());
    }
  }
  return 0;
}
