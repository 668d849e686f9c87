// Copyright 2026 The Tidings Authors.

#include "scoring/scorer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/internal/clean.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/events.h"
#include "scoring/internal/fingerprint.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/sentiment.h"
#include "scoring/internal/text.h"
#include "scoring/internal/utf8.h"

namespace tidings::scoring {

using internal::AnalyzedText;
using internal::CleanDocument;
using internal::EntityMention;

class Scorer::Impl {
 public:
  std::string version;
  internal::TextAnalyzer analyzer;
  internal::PageCleaner cleaner;
  internal::SentimentModel sentiment;
  internal::EntityModel entities;
  internal::EventDetector events;
};

absl::StatusOr<std::unique_ptr<const Scorer>> Scorer::Create(
    const ScorerOptions& options) {
  absl::StatusOr<internal::LexiconSet> lex =
      internal::LexiconSet::Load(options.lexicon_dir);
  if (!lex.ok()) return lex.status();
  auto analyzer = internal::TextAnalyzer::Create(*lex);
  if (!analyzer.ok()) return analyzer.status();
  auto cleaner = internal::PageCleaner::Create(*lex);
  if (!cleaner.ok()) return cleaner.status();
  auto sentiment = internal::SentimentModel::Create(*lex);
  if (!sentiment.ok()) return sentiment.status();
  auto entities = internal::EntityModel::Create(*lex);
  if (!entities.ok()) return entities.status();
  auto events = internal::EventDetector::Create(*lex);
  if (!events.ok()) return events.status();
  auto impl = std::make_unique<Impl>(Impl{
      absl::StrCat("tidings-scorer/1 lex:", lex->Digest()), *std::move(analyzer),
      *std::move(cleaner), *std::move(sentiment), *std::move(entities),
      *std::move(events)});
  return std::unique_ptr<const Scorer>(new Scorer(std::move(impl)));
}

Scorer::Scorer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scorer::~Scorer() = default;

const std::string& Scorer::version() const { return impl_->version; }

std::vector<ScoredDocument> Scorer::Score(const ScoreInput& input) const {
  // Untrusted text: invalid UTF-8 and control characters repaired, HTML
  // character references decoded. Views into `input` when nothing changed.
  auto normalise = [](std::string_view in, std::string* buf) {
    std::string_view v = in;
    if (internal::RepairText(v, buf)) v = *buf;
    std::string decoded;
    if (internal::DecodeHtmlEntities(v, &decoded)) {
      *buf = std::move(decoded);
      v = *buf;
    }
    return v;
  };
  std::string title_buf, body_buf;
  std::string_view title = normalise(input.title, &title_buf);
  std::string_view body = normalise(input.body, &body_buf);

  std::vector<CleanDocument> clean = impl_->cleaner.Clean(title, body, input.kind);
  std::vector<ScoredDocument> out;
  out.reserve(clean.size());
  AnalyzedText analyzed;
  std::vector<EntityMention> mentions;
  for (CleanDocument& doc : clean) {
    ScoredDocument scored;
    scored.doc_index = static_cast<uint32_t>(out.size());
    scored.source = std::move(doc.source);
    if (!doc.title.empty()) {
      scored.text.reserve(doc.title.size() + 2 + doc.body.size());
      scored.text.append(doc.title).append("\n\n");
    }
    scored.body_begin = static_cast<uint32_t>(scored.text.size());
    scored.text.append(doc.body);
    scored.title = std::move(doc.title);

    impl_->analyzer.Analyze(scored.text, &analyzed);
    mentions.clear();
    impl_->entities.Find(analyzed, &mentions);
    scored.entities = impl_->entities.Summarize(mentions);
    scored.sentiment = impl_->sentiment.Score(analyzed, scored.body_begin);
    impl_->events.Detect(analyzed, scored.body_begin, mentions, impl_->entities,
                         &scored.events);
    scored.fingerprint = internal::SimHash(analyzed);
    scored.exact_fingerprint = internal::ExactFingerprint(analyzed);
    out.push_back(std::move(scored));
  }
  return out;
}

}  // namespace tidings::scoring
