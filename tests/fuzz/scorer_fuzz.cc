// Copyright 2026 The Tidings Authors.
//
// scorer_fuzz: arbitrary bytes through Scorer::Score, with the contract of
// scoring/types.h checked on every document.
//
// Input layout: byte 0 picks the ContentKind (bits 0-1, value % 3) and the
// title length (bits 2-7: 0..63 bytes); the title is the next bytes, the
// body the rest. Neither needs to be valid UTF-8 (Score repairs it).
//
// Checked (abort on failure):
//  - doc_index is the document's position; text is valid UTF-8 and is
//    title + "\n\n" + body (or just the body when there is no title);
//    body_begin <= text.size(); title, source, terms, entity fields and
//    event actors are valid UTF-8 (they end up in proto3 string fields).
//  - every evidence: begin <= end <= text.size(), on character boundaries
//    (the service copies text[begin, end) into a proto3 string).
//  - sentiment: score in [-1, 1]; positive/negative/neutral in [0, 1] and
//    summing to 1 (within 1e-6); a known label.
//  - events: a known type and direction, relevance in [0, 1], finite
//    magnitudes, non-empty actor ids.
//  - entities: non-empty id, a known kind, at least one mention.
//  - small inputs are scored twice and must give the same fingerprints
//    (idempotent ingest relies on exact_fingerprint being deterministic).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "scoring/scorer.h"
#include "scoring/types.h"
#include "tests/fuzz/fuzz_check.h"

namespace tidings::fuzz {
namespace {

using scoring::ContentKind;
using scoring::Evidence;
using scoring::ScoredDocument;

const scoring::Scorer& GetScorer() {
  static const scoring::Scorer* scorer = [] {
    auto s = scoring::Scorer::Create(scoring::ScorerOptions());
    FUZZ_CHECK(s.ok(), "Scorer::Create: %s", s.status().ToString().c_str());
    return s->release();
  }();
  return *scorer;
}

void CheckUtf8(std::string_view s, const char* what) {
  size_t bad = FirstInvalidUtf8(s);
  FUZZ_CHECK(bad == s.size(), "%s is not valid UTF-8 at byte %zu of %zu", what,
             bad, s.size());
}

void CheckEvidence(const Evidence& e, const std::string& text,
                   const char* what) {
  FUZZ_CHECK(e.begin <= e.end && e.end <= text.size(),
             "%s evidence [%u, %u) outside text of %zu bytes", what, e.begin,
             e.end, text.size());
  FUZZ_CHECK(IsCharBoundary(text, e.begin) && IsCharBoundary(text, e.end),
             "%s evidence [%u, %u) splits a UTF-8 character", what, e.begin,
             e.end);
  for (const std::string& t : e.terms) CheckUtf8(t, "evidence term");
}

void CheckSentiment(const scoring::Sentiment& s, const std::string& text,
                    const char* what) {
  FUZZ_CHECK(std::isfinite(s.score) && s.score >= -1 && s.score <= 1,
             "%s sentiment score %g outside [-1, 1]", what, s.score);
  FUZZ_CHECK(InUnitRange(s.positive) && InUnitRange(s.negative) &&
                 InUnitRange(s.neutral),
             "%s sentiment proportions %g %g %g outside [0, 1]", what,
             s.positive, s.negative, s.neutral);
  double sum = s.positive + s.negative + s.neutral;
  FUZZ_CHECK(std::fabs(sum - 1) <= 1e-6, "%s sentiment proportions sum to %.9g",
             what, sum);
  int label = static_cast<int>(s.label);
  FUZZ_CHECK(label >= 1 && label <= 3, "%s sentiment label %d", what, label);
  for (const Evidence& e : s.evidence) CheckEvidence(e, text, what);
}

void CheckDocument(const ScoredDocument& d, size_t position) {
  FUZZ_CHECK(d.doc_index == position, "doc_index %u at position %zu",
             d.doc_index, position);
  CheckUtf8(d.text, "text");
  CheckUtf8(d.title, "title");
  CheckUtf8(d.source, "source");
  FUZZ_CHECK(d.body_begin <= d.text.size(), "body_begin %u > text size %zu",
             d.body_begin, d.text.size());
  if (d.title.empty()) {
    FUZZ_CHECK(d.body_begin == 0, "no title but body_begin %u", d.body_begin);
  } else {
    FUZZ_CHECK(
        d.text.size() >= d.title.size() + 2 &&
            std::string_view(d.text).substr(0, d.title.size()) == d.title &&
            std::string_view(d.text).substr(d.title.size(), 2) == "\n\n" &&
            d.body_begin == d.title.size() + 2,
        "text is not title + \"\\n\\n\" + body (title %zu bytes, "
        "body_begin %u)",
        d.title.size(), d.body_begin);
  }

  CheckSentiment(d.sentiment, d.text, "document");
  CheckUtf8(d.author, "author");
  int origin = static_cast<int>(d.published_origin);
  FUZZ_CHECK(origin == 0 || origin == 2 || origin == 3, "published_origin %d",
             origin);
  FUZZ_CHECK((origin == 0) == (d.published_at == absl::InfinitePast()),
             "published_origin %d does not match published_at", origin);
  FUZZ_CHECK(origin != 0 || !d.published_date_only,
             "published_date_only without a published time");

  for (const scoring::Event& e : d.events) {
    int type = static_cast<int>(e.type);
    FUZZ_CHECK(type >= 1 && type <= 4, "event type %d", type);
    int dir = static_cast<int>(e.direction);
    FUZZ_CHECK(dir >= 0 && dir <= 11, "event direction %d", dir);
    FUZZ_CHECK(InUnitRange(e.relevance), "event relevance %g outside [0, 1]",
               e.relevance);
    FUZZ_CHECK(
        std::isfinite(e.magnitude.percent) && std::isfinite(e.magnitude.price),
        "magnitude percent %g price %g", e.magnitude.percent,
        e.magnitude.price);
    CheckUtf8(e.magnitude.unit, "magnitude unit");
    for (const std::string& a : e.actors) {
      FUZZ_CHECK(!a.empty(), "empty actor id");
      CheckUtf8(a, "actor");
    }
    for (const Evidence& ev : e.evidence) CheckEvidence(ev, d.text, "event");
  }
  for (const scoring::Entity& e : d.entities) {
    FUZZ_CHECK(!e.id.empty(), "empty entity id");
    int kind = static_cast<int>(e.kind);
    FUZZ_CHECK(kind >= 1 && kind <= 8, "entity %s kind %d", e.id.c_str(), kind);
    FUZZ_CHECK(e.mentions >= 1, "entity %s with %u mentions", e.id.c_str(),
               e.mentions);
    CheckUtf8(e.id, "entity id");
    CheckUtf8(e.name, "entity name");
    CheckUtf8(e.country, "entity country");
    CheckSentiment(e.sentiment, d.text, "entity");
  }
}

}  // namespace
}  // namespace tidings::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  tidings::fuzz::GetScorer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tidings;
  if (size == 0) return 0;
  const scoring::Scorer& scorer = fuzz::GetScorer();
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t title_len = std::min<size_t>(data[0] >> 2, rest.size());

  scoring::ScoreInput input;
  input.kind = static_cast<scoring::ContentKind>((data[0] & 3) % 3);
  input.title = rest.substr(0, title_len);
  input.body = rest.substr(title_len);

  std::vector<scoring::ScoredDocument> docs = scorer.Score(input);
  for (size_t i = 0; i < docs.size(); ++i) fuzz::CheckDocument(docs[i], i);

  if (size <= 1024) {
    std::vector<scoring::ScoredDocument> again = scorer.Score(input);
    FUZZ_CHECK(again.size() == docs.size(), "%zu documents, then %zu",
               docs.size(), again.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      FUZZ_CHECK(again[i].text == docs[i].text &&
                     again[i].exact_fingerprint == docs[i].exact_fingerprint &&
                     again[i].fingerprint == docs[i].fingerprint &&
                     again[i].sentiment.score == docs[i].sentiment.score &&
                     again[i].events.size() == docs[i].events.size() &&
                     again[i].entities.size() == docs[i].entities.size(),
                 "document %zu differs when scored again", i);
    }
  }
  return 0;
}
