// Copyright 2026 The Tidings Authors.

#include "scoring/scorer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/internal/clean.h"
#include "scoring/internal/companies.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/entity_sentiment.h"
#include "scoring/internal/events.h"
#include "scoring/internal/fingerprint.h"
#include "scoring/internal/html.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/recycle.h"
#include "scoring/internal/sentiment.h"
#include "scoring/internal/text.h"
#include "scoring/internal/utf8.h"

namespace tidings::scoring {

using internal::AnalyzedText;
using internal::CleanDocument;
using internal::EntityMention;
using internal::EntitySentimentModel;

class Scorer::Impl {
 public:
  std::string version;
  internal::TextAnalyzer analyzer;
  internal::PageCleaner cleaner;
  internal::SentimentModel sentiment;
  internal::EntityModel entities;
  internal::CompanyFinder companies;
  internal::EntitySentimentModel entity_sentiment;
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
  auto sentiment = internal::SentimentModel::Create(*lex, *analyzer);
  if (!sentiment.ok()) return sentiment.status();
  auto entities = internal::EntityModel::Create(*lex, *analyzer);
  if (!entities.ok()) return entities.status();
  auto companies = internal::CompanyFinder::Create(*lex, *analyzer);
  if (!companies.ok()) return companies.status();
  auto entity_sentiment =
      internal::EntitySentimentModel::Create(*lex, *analyzer);
  if (!entity_sentiment.ok()) return entity_sentiment.status();
  auto events = internal::EventDetector::Create(*lex, *analyzer);
  if (!events.ok()) return events.status();
  // Which stages may match at each word (text.h, HitBit): the stages skip
  // the sentences where theirs cannot.
  std::vector<uint16_t> hits_of_id(analyzer->vocabulary()->size() + 1, 0);
  sentiment->MarkHits(&hits_of_id);
  entities->MarkHits(&hits_of_id);
  events->MarkHits(&hits_of_id);
  analyzer->SetHits(std::move(hits_of_id));
  auto impl = std::make_unique<Impl>(
      Impl{absl::StrCat("tidings-scorer/1 lex:", lex->Digest()),
           *std::move(analyzer), *std::move(cleaner), *std::move(sentiment),
           *std::move(entities), *std::move(companies),
           *std::move(entity_sentiment), *std::move(events)});
  return std::unique_ptr<const Scorer>(new Scorer(std::move(impl)));
}

Scorer::Scorer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scorer::~Scorer() = default;

const std::string& Scorer::version() const { return impl_->version; }

// Score()'s working memory: one per call on the stack, or the caller's.
struct internal::ScoreScratch {
  // `recycle`: the stages take the parts of their results from `recycler`
  // (worth it only for a scratch used more than once).
  explicit ScoreScratch(bool recycle) {
    if (!recycle) return;
    sentiment.recycler = &recycler;
    entity_sentiment.recycler = &recycler;
    events.recycler = &recycler;
    list.recycler = &recycler;
  }
  ScoreScratch(const ScoreScratch&) = delete;             // The stages point to
  ScoreScratch& operator=(const ScoreScratch&) = delete;  // `recycler`.

  // The parts of the results that the caller gave back.
  internal::Recycler recycler;
  // Normalised input, each field with its own pair of buffers (a pair
  // shared by both would pass a body's capacity to the title).
  std::string title_buf, title_next, body_buf, body_next;
  PageCleaner::Cleaned cleaned;
  AnalyzedText analyzed;
  std::vector<EntityMention> mentions;
  internal::CompanyMentions companies;
  internal::DocumentMentions entity_mentions;
  internal::ListScratch list;
  SentimentModel::Scratch sentiment;
  EntitySentimentModel::Scratch entity_sentiment;
  EventDetector::Scratch events;
};

Scorer::Scratch::Scratch()
    : state_(std::make_unique<internal::ScoreScratch>(/*recycle=*/true)) {}
Scorer::Scratch::~Scratch() = default;
Scorer::Scratch::Scratch(Scratch&&) noexcept = default;
Scorer::Scratch& Scorer::Scratch::operator=(Scratch&&) noexcept = default;

std::vector<ScoredDocument> Scorer::Score(const ScoreInput& input) const {
  internal::ScoreScratch state(/*recycle=*/false);
  std::vector<ScoredDocument> out;
  Score(input, &state, &out);
  return out;
}

std::vector<ScoredDocument> Scorer::Score(const ScoreInput& input,
                                          Scratch* scratch) const {
  std::vector<ScoredDocument> out;
  Score(input, scratch, &out);
  return out;
}

void Scorer::Score(const ScoreInput& input, Scratch* scratch,
                   std::vector<ScoredDocument>* out) const {
  if (scratch->state_ == nullptr) {  // Moved from.
    scratch->state_ =
        std::make_unique<internal::ScoreScratch>(/*recycle=*/true);
  }
  Score(input, scratch->state_.get(), out);
}

void Scorer::Score(const ScoreInput& input, internal::ScoreScratch* state,
                   std::vector<ScoredDocument>* results) const {
  // The documents already in `results` are reused where they stand (their
  // parts go to the recycler as each is reused); those left over at the end
  // go to the recycler too.
  const size_t reusable = results->size();
  size_t num_docs = 0;
  // Untrusted text: invalid UTF-8 and control characters repaired, HTML
  // markup turned into its visible text, character references decoded.
  // Views into `input` when nothing changed. (The buffers are swapped, not
  // moved, so that a reused scratch keeps both allocations.)
  auto normalise = [](std::string_view in, std::string* buf,
                      std::string* spare) {
    std::string& next = *spare;
    std::string_view v = in;
    if (internal::RepairText(v, buf)) v = *buf;
    if (internal::LooksLikeHtml(v)) {
      internal::HtmlToText(v, &next);
      buf->swap(next);
      v = *buf;
    }
    if (internal::DecodeHtmlEntities(v, &next)) {
      buf->swap(next);
      v = *buf;
    }
    return v;
  };
  std::string_view title =
      normalise(input.title, &state->title_buf, &state->title_next);
  std::string_view body =
      normalise(input.body, &state->body_buf, &state->body_next);

  internal::PageCleaner::Cleaned& cleaned = state->cleaned;
  impl_->cleaner.Clean(title, body, input.kind, input.now, &cleaned);
  std::vector<ScoredDocument>& out = *results;
  out.reserve(cleaned.whole ? 1 : cleaned.docs.size());
  AnalyzedText& analyzed = state->analyzed;
  std::vector<EntityMention>& mentions = state->mentions;
  // (The cleaned documents' strings are copied, not moved: they keep their
  // buffers for the next call.)
  auto score = [&](std::string_view doc_title, std::string_view source,
                   std::string_view doc_body, const CleanDocument* meta) {
    if (num_docs < reusable) {
      internal::ReuseDocument(&out[num_docs], &state->recycler);
    } else {
      internal::NewDocument(&out, &state->recycler);
    }
    ScoredDocument& scored = out[num_docs];
    scored.doc_index = static_cast<uint32_t>(num_docs++);
    scored.source.assign(source);
    if (meta != nullptr) {
      scored.author = meta->author;
      scored.published_origin = meta->published.origin;
      scored.published_at = meta->published.at;
      scored.published_date_only = meta->published.date_only;
    }
    // The text is built once, here; the analysis and all evidence offsets
    // refer to it.
    scored.text.reserve(doc_title.size() + 2 + doc_body.size());
    if (!doc_title.empty()) scored.text.append(doc_title).append("\n\n");
    scored.body_begin = static_cast<uint32_t>(scored.text.size());
    scored.text.append(doc_body);
    scored.title.assign(doc_title);

    impl_->analyzer.Analyze(scored.text, &analyzed);
    mentions.clear();
    mentions.reserve(analyzed.tokens.size() / 8 + 8);
    impl_->entities.Find(analyzed, &mentions);
    state->companies.resize(0);  // Keeps its buffer, unlike clear().
    impl_->companies.Find(analyzed, impl_->entities, mentions,
                          &state->companies);
    internal::ListEntities(analyzed, impl_->entities, mentions,
                           state->companies, &scored.entities,
                           &state->entity_mentions, &state->list);
    impl_->sentiment.Score(analyzed, scored.body_begin, &state->sentiment,
                           &scored.sentiment);
    impl_->entity_sentiment.Score(analyzed, scored.body_begin, impl_->sentiment,
                                  state->entity_mentions, &scored.entities,
                                  &state->sentiment, &state->entity_sentiment);
    impl_->events.Detect(analyzed, scored.body_begin, mentions, impl_->entities,
                         &scored.events, &state->events);
    const internal::Fingerprints fp = internal::ComputeFingerprints(analyzed);
    scored.fingerprint = fp.near;
    scored.exact_fingerprint = fp.exact;
  };
  if (cleaned.whole) {
    score(cleaned.whole_title, std::string_view(), cleaned.whole_body, nullptr);
  } else {
    for (const CleanDocument& doc : cleaned.docs) {
      score(doc.title, doc.source, doc.body, &doc);
    }
  }
  state->recycler.Recycle(results, num_docs);
  // The views into the documents die with them: the analysis must not be
  // used after this call.
  analyzed.text = std::string_view();
}

}  // namespace tidings::scoring
