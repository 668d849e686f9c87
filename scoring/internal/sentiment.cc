// Copyright 2026 The Tidings Authors.

#include "scoring/internal/sentiment.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "scoring/internal/absl_compat.h"

namespace tidings::scoring::internal {

namespace {

constexpr std::string_view kFiles[] = {"sentiment.tsv", "sentiment_terms.tsv"};

// The kinds of term rows: those that take a value (the term's weight, and
// for "metric", "change" and "verb" an optional second one) and the bare
// ones (a flag).
constexpr std::string_view kValued[] = {"polar", "metric", "change", "verb",
                                        "scale", "unit",   "rating"};
constexpr std::string_view kBare[] = {
    "negator", "contrast", "concession", "compare", "link",
    "dest",    "numsign",  "block",      "figure",  "det",
    "cue",     "reverse",  "benchmark"};

// *out = field `field` of `row`, a number.
absl::Status ReadNumber(std::string_view file, const LexiconRow& row, int field,
                        double* out) {
  absl::StatusOr<double> v = ParseWeight(file, row, field);
  if (!v.ok()) return v.status();
  *out = *v;
  return absl::OkStatus();
}

// Whether a term row of kind `kind` is known and has the values it needs:
// one for a valued kind, none for a bare one, a second only for "metric",
// "change" and "verb".
absl::Status CheckValues(std::string_view file, const LexiconRow& row,
                         std::string_view kind, bool has_v1, bool has_v2) {
  bool valued = std::find(std::begin(kValued), std::end(kValued), kind) !=
                std::end(kValued);
  bool bare =
      std::find(std::begin(kBare), std::end(kBare), kind) != std::end(kBare);
  if (!valued && !bare) {
    return RowError(file, row, absl::StrCat("unknown kind ", AsAbsl(kind)));
  }
  if (valued) {
    if (!has_v1) {
      return RowError(file, row, absl::StrCat(AsAbsl(kind), " needs a value"));
    }
  } else if (has_v1) {
    return RowError(file, row, absl::StrCat(AsAbsl(kind), " takes no value"));
  }
  if (has_v2 && kind != "metric" && kind != "change" && kind != "verb") {
    return RowError(file, row, absl::StrCat(AsAbsl(kind), " takes one value"));
  }
  return absl::OkStatus();
}

// Gives term `t` the role of a row of kind `kind` with values v1 (and v2
// when has_v2); CheckValues passed.
void ApplyRole(std::string_view kind, double v1, double v2, bool has_v2,
               SentimentModel::Term& t) {
  using M = SentimentModel;
  if (kind == "polar") {
    t.polar = static_cast<float>(v1);
  } else if (kind == "metric") {
    t.metric = static_cast<float>(v1);
    if (has_v2) t.polar = static_cast<float>(v2);
  } else if (kind == "change" || kind == "verb") {
    t.object_only = kind == "verb";
    t.is_change = true;
    t.change = static_cast<float>(v1);
    t.alone = has_v2 ? static_cast<float>(v2) : -1.0f;
  } else if (kind == "scale") {
    t.scale = static_cast<float>(v1);
  } else if (kind == "unit") {
    t.unit = static_cast<float>(v1);
  } else if (kind == "rating") {
    t.flags |= M::kRating;
    t.rating = static_cast<float>(v1);
  } else if (kind == "cue") {
    t.flags |= M::kRatingCue;
  } else if (kind == "reverse") {
    t.flags |= M::kReverse;
  } else if (kind == "negator") {
    t.flags |= M::kNegator;
  } else if (kind == "contrast") {
    t.flags |= M::kContrastAfter;
  } else if (kind == "concession") {
    t.flags |= M::kContrastClause;
  } else if (kind == "compare") {
    t.flags |= M::kCompare;
  } else if (kind == "link") {
    t.flags |= M::kLink;
  } else if (kind == "dest") {
    t.flags |= M::kDest;
  } else if (kind == "numsign") {
    t.flags |= M::kNumSign;
  } else if (kind == "block") {
    t.flags |= M::kBlock;
  } else if (kind == "figure") {
    t.flags |= M::kFigure;
  } else if (kind == "det") {
    t.flags |= M::kDeterminer;
  } else if (kind == "benchmark") {
    t.flags |= M::kBenchmark;
  }
}

}  // namespace

absl::Status SentimentModel::AddRow(
    std::string_view file, const LexiconRow& row,
    absl::flat_hash_map<std::string, std::string>* seen,
    SentimentModel* model) {
  if (row.fields[0] == "param") return SetParam(file, row, &model->params_);
  return AddTermRow(file, row, seen, model);
}

absl::Status SentimentModel::SetParam(std::string_view file,
                                      const LexiconRow& row, Params* params) {
  if (row.fields.size() != 3) return RowError(file, row, "param NAME VALUE");
  double v = 0;
  if (absl::Status st = ReadNumber(file, row, 2, &v); !st.ok()) return st;
  std::string_view name = row.fields[1];
  Params& p = *params;
  struct IntParam {
    std::string_view name;
    int* field;
  };
  struct FloatParam {
    std::string_view name;
    float* field;
  };
  const IntParam ints[] = {{"window_back", &p.window_back},
                           {"window_near", &p.window_near},
                           {"window_forward", &p.window_forward},
                           {"link_window", &p.link_window},
                           {"dest_window", &p.dest_window},
                           {"neg_window", &p.neg_window},
                           {"scale_window", &p.scale_window},
                           {"compare_window", &p.compare_window},
                           {"compare_back", &p.compare_back},
                           {"figure_window", &p.figure_window}};
  const FloatParam floats[] = {
      {"negation_factor", &p.negation_factor},
      {"contrast_before", &p.contrast_before},
      {"contrast_clause", &p.contrast_clause},
      {"default_polarity", &p.default_polarity},
      {"default_weight", &p.default_weight},
      {"bare_weight", &p.bare_weight},
      {"compare_weight", &p.compare_weight},
      {"compare_min_rel", &p.compare_min_rel},
      {"squash", &p.squash},
      {"neutral_band", &p.neutral_band},
      {"question_weight", &p.question_weight},
      {"title_weight", &p.title_weight},
      {"neutral_sentence_weight", &p.neutral_sentence_weight}};
  for (const IntParam& ip : ints) {
    if (ip.name == name) {
      *ip.field = static_cast<int>(v);
      return absl::OkStatus();
    }
  }
  for (const FloatParam& fp : floats) {
    if (fp.name == name) {
      *fp.field = static_cast<float>(v);
      return absl::OkStatus();
    }
  }
  return RowError(file, row, absl::StrCat("unknown param ", AsAbsl(name)));
}

absl::Status SentimentModel::AddTermRow(
    std::string_view file, const LexiconRow& row,
    absl::flat_hash_map<std::string, std::string>* seen,
    SentimentModel* model) {
  std::string_view kind = row.fields[0];
  if (row.fields.size() < 2) return RowError(file, row, "missing term");
  double v1 = 0, v2 = 0;
  bool has_v1 = row.fields.size() > 2, has_v2 = row.fields.size() > 3;
  if (has_v1) {
    if (absl::Status st = ReadNumber(file, row, 2, &v1); !st.ok()) return st;
  }
  if (has_v2) {
    if (absl::Status st = ReadNumber(file, row, 3, &v2); !st.ok()) return st;
  }
  if (absl::Status st = CheckValues(file, row, kind, has_v1, has_v2);
      !st.ok()) {
    return st;
  }
  for (absl::string_view alt : absl::StrSplit(AsAbsl(row.fields[1]), '|')) {
    std::vector<std::string> words =
        absl::StrSplit(alt, ' ', absl::SkipWhitespace());
    if (words.empty()) return RowError(file, row, "empty term");
    // "change" and "verb" are one role; every other kind is its own.
    absl::string_view role = kind == "verb" ? "change" : AsAbsl(kind);
    std::string key = absl::StrCat(role, "\t", absl::StrJoin(words, " "));
    auto [prev, inserted] = seen->try_emplace(
        key, absl::StrFormat("%s:%d", std::string(file), row.line));
    if (!inserted) {
      return RowError(
          file, row,
          absl::StrCat("\"", absl::StrJoin(words, " "), "\" is already a ",
                       role, " at ", prev->second));
    }
    Entry& e = model->terms_[words[0]];
    if (words.size() == 1) {
      e.has_single = true;
      ApplyRole(kind, v1, v2, has_v2, e.single);
      continue;
    }
    std::vector<std::string> rest(words.begin() + 1, words.end());
    auto it = std::find_if(e.phrases.begin(), e.phrases.end(),
                           [&](const Phrase& p) { return p.rest == rest; });
    if (it == e.phrases.end()) {
      e.phrases.push_back(Phrase{std::move(rest), {}, Term()});
      it = e.phrases.end() - 1;
    }
    ApplyRole(kind, v1, v2, has_v2, it->term);
  }
  return absl::OkStatus();
}

absl::StatusOr<SentimentModel> SentimentModel::Create(
    const LexiconSet& lexicons) {
  absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(lexicons);
  if (!analyzer.ok()) return analyzer.status();
  return Create(lexicons, *analyzer);
}

absl::StatusOr<SentimentModel> SentimentModel::Create(
    const LexiconSet& lexicons, const TextAnalyzer& analyzer) {
  SentimentModel model;
  model.suffix_negator_.flags = kNegator;
  absl::flat_hash_map<std::string, std::string> seen;
  for (std::string_view file : kFiles) {
    absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(file, 2, 4);
    if (!rows.ok()) return rows.status();
    for (const LexiconRow& row : *rows) {
      if (absl::Status st = AddRow(file, row, &seen, &model); !st.ok())
        return st;
    }
  }
  // A signed percentage weighs what a change with a figure after it does.
  for (Term* t : {&model.signed_rise_, &model.signed_fall_}) {
    t->is_change = true;
    t->change = t == &model.signed_rise_ ? 1 : -1;
    t->alone = model.params_.default_weight;
  }
  for (Term* t :
       {&model.suffix_negator_, &model.signed_rise_, &model.signed_fall_}) {
    t->acts = ActsOf(*t);
  }
  // Index the entries by the vocabulary ids of their words.
  model.vocabulary_ = analyzer.vocabulary();
  model.vocabulary_digest_ = model.vocabulary_->digest();
  model.entry_of_id_.assign(model.vocabulary_->size() + 1, -1);
  model.entry_kind_of_id_.assign(model.vocabulary_->size() + 1, kNoEntry);
  auto id_of = [&](const std::string& word) -> absl::StatusOr<uint32_t> {
    const uint32_t id = model.vocabulary_->Find(word);
    if (id == Vocabulary::kNone) {
      return absl::InternalError(absl::StrCat("sentiment term word \"", word,
                                              "\" is not in the vocabulary"));
    }
    return id;
  };
  for (auto& [word, entry] : model.terms_) {
    absl::StatusOr<uint32_t> id = id_of(word);
    if (!id.ok()) return id.status();
    std::stable_sort(entry.phrases.begin(), entry.phrases.end(),
                     [](const Phrase& a, const Phrase& b) {
                       return a.rest.size() > b.rest.size();
                     });
    for (Phrase& p : entry.phrases) {
      for (const std::string& w : p.rest) {
        absl::StatusOr<uint32_t> rest_id = id_of(w);
        if (!rest_id.ok()) return rest_id.status();
        p.rest_ids.push_back(*rest_id);
      }
      entry.second_words |= uint64_t{1} << (p.rest_ids[0] % 64);
    }
    entry.single.acts = ActsOf(entry.single);
    for (Phrase& p : entry.phrases) p.term.acts = ActsOf(p.term);
    entry.may_score = entry.has_single && MayScore(entry.single);
    for (const Phrase& p : entry.phrases) entry.may_score |= MayScore(p.term);
    model.entry_of_id_[*id] = static_cast<int32_t>(model.entries_.size());
    model.entry_kind_of_id_[*id] = entry.may_score ? kScoringEntry : kEntry;
    model.entries_.push_back(std::move(entry));
  }
  model.terms_.clear();
  return model;
}

namespace {

// The sentence starting at index `i`, joined with the ones that continue it
// across a period glued to a number ("EUR193 .3 m", pre-tokenised decimals,
// which the sentence splitter takes for a full stop). Sets `*next` to the
// index after the span.
Sentence Span(const AnalyzedText& text, uint32_t i, uint32_t* next) {
  Sentence s = text.sentences[i];
  uint32_t j = i + 1;
  while (j < text.sentences.size()) {
    const Sentence& n = text.sentences[j];
    if (s.end_token == s.first_token || n.end_token == n.first_token) break;
    const Token& dot = text.tokens[s.end_token - 1];
    const Token& num = text.tokens[n.first_token];
    if (!(dot.kind == TokenKind::kSymbol && text.text[dot.begin] == '.' &&
          num.kind == TokenKind::kNumber && num.begin == dot.end)) {
      break;
    }
    s.end = n.end;
    s.end_token = n.end_token;
    s.hits |= n.hits;
    ++j;
  }
  *next = j;
  return s;
}

}  // namespace

void SentimentModel::MarkHits(std::vector<uint16_t>* hits_of_id) const {
  const size_t n = std::min(hits_of_id->size(), entry_kind_of_id_.size());
  for (size_t id = 0; id < n; ++id) {
    if (entry_kind_of_id_[id] != kNoEntry) {
      (*hits_of_id)[id] |= kHitSentimentTerm;
    }
    if (entry_kind_of_id_[id] == kScoringEntry) {
      (*hits_of_id)[id] |= kHitSentiment;
    }
  }
}

void SentimentModel::AppendTerms(const AnalyzedText& text, const Match* m,
                                 size_t n, std::vector<std::string>* terms,
                                 Recycler* recycler) {
  size_t count = terms->size();  // Room for all at once.
  for (size_t k = 0; k < n; ++k) {
    count += m[k].contribution == 0 ? 0 : m[k].partner >= 0 ? 2 : 1;
  }
  terms->reserve(count);
  for (size_t k = 0; k < n; ++k) {
    const Match& x = m[k];
    if (x.contribution == 0) continue;
    uint32_t b = text.tokens[x.first].begin, e = text.tokens[x.last - 1].end;
    AppendString(terms, text.text.substr(b, e - b), recycler);
    if (x.partner >= 0) {
      const Match& y = m[x.partner];
      AppendString(terms,
                   text.text.substr(text.tokens[y.first].begin,
                                    text.tokens[y.last - 1].end -
                                        text.tokens[y.first].begin),
                   recycler);
    }
  }
}

double SentimentModel::ScoreSentence(const AnalyzedText& text,
                                     uint32_t sentence,
                                     std::vector<std::string>* terms) const {
  std::vector<Match> m;
  std::vector<int> at;
  std::vector<uint32_t> acting;
  uint32_t next;
  const Sentence s = Span(text, sentence, &next);
  MatchSentence(text, s, &m);
  if (m.empty()) return 0;
  double raw = ScoreMatches(text, s, &m, &at, &acting);
  if (terms != nullptr) AppendTerms(text, m.data(), m.size(), terms);
  return raw / std::sqrt(raw * raw + params_.squash);
}

Sentiment SentimentModel::Score(const AnalyzedText& text,
                                uint32_t body_begin) const {
  Scratch scratch;
  Sentiment out;
  Score(text, body_begin, &scratch, &out);
  return out;
}

void SentimentModel::Score(const AnalyzedText& text, uint32_t body_begin,
                           Scratch* scratch, Sentiment* doc) const {
  Sentiment& out = *doc;
  const size_t n = text.sentences.size();
  if (n == 0) {
    RefillEvidence(&out.evidence, 0, scratch->recycler);
    return;
  }
  std::vector<Match>& m = scratch->matches;
  std::vector<int>& at = scratch->token_match;
  std::vector<Scored>& scored = scratch->scored;
  std::vector<Match>& kept = scratch->kept;
  scored.clear();
  kept.clear();
  double sum = 0, weights = 0;
  int pos = 0, neg = 0;
  size_t spans = 0;
  for (uint32_t i = 0, next = 0; i < n; i = next) {
    const Sentence s = Span(text, i, &next);
    ++spans;
    m.clear();
    // A sentence with no term that may score scores 0 (its raw score is 0,
    // and 0 / sqrt(squash) is 0 for squash > 0): skip its matching.
    if (params_.squash <= 0 || MayScoreSentence(text, s)) {
      // Capacity once, not growth step by step, and only for a text with
      // terms (a no-op for a reused scratch); likewise below.
      m.reserve(32);
      MatchSentence(text, s, &m);
    }
    double score = 0;
    if (!m.empty()) {
      double raw = ScoreMatches(text, s, &m, &at, &scratch->acting);
      score = raw / std::sqrt(raw * raw + params_.squash);
    }
    double w = s.begin < body_begin ? params_.title_weight : 1.0;
    if (score == 0) w *= params_.neutral_sentence_weight;
    sum += w * score;
    weights += w;
    if (score > params_.neutral_band) ++pos;
    if (score < -params_.neutral_band) ++neg;
    if (score != 0) {
      if (scored.empty()) {
        scored.reserve(n);
        kept.reserve(text.tokens.size() / 4 + 16);
      }
      const uint32_t first = static_cast<uint32_t>(kept.size());
      kept.insert(kept.end(), m.begin(), m.end());
      scored.push_back(
          Scored{score, w, i, first, static_cast<uint32_t>(kept.size())});
    }
  }
  out.score = weights > 0 ? std::clamp(sum / weights, -1.0, 1.0) : 0;
  out.positive = static_cast<double>(pos) / spans;
  out.negative = static_cast<double>(neg) / spans;
  out.neutral = static_cast<double>(spans - pos - neg) / spans;
  out.label = out.score > params_.neutral_band    ? SentimentLabel::kPositive
              : out.score < -params_.neutral_band ? SentimentLabel::kNegative
                                                  : SentimentLabel::kNeutral;
  AddEvidence(text, *scratch, &out);
}

void SentimentModel::AddEvidence(const AnalyzedText& text,
                                 const Scratch& scratch, Sentiment* doc) {
  const std::vector<Scored>& scored = scratch.scored;
  const std::vector<Match>& kept = scratch.kept;
  Sentiment& out = *doc;
  const bool neutral = out.label == SentimentLabel::kNeutral;
  const double sign = out.score >= 0 ? 1 : -1;
  auto strength = [&](const Scored& x) {
    return (neutral ? std::fabs(x.score) : sign * x.score) * x.weight;
  };
  // The strongest few, picked without sorting `scored`: it stays in
  // sentence order for ScoredTerms().
  constexpr size_t kMaxEvidence = 3;
  const Scored* best[kMaxEvidence];
  size_t num_best = 0;
  for (const Scored& sc : scored) {
    if (strength(sc) <= 0) continue;
    size_t k = num_best < kMaxEvidence ? num_best++ : kMaxEvidence;
    while (k > 0 && strength(*best[k - 1]) < strength(sc)) {
      if (k < kMaxEvidence) best[k] = best[k - 1];
      --k;
    }
    if (k < kMaxEvidence) best[k] = &sc;
  }
  RefillEvidence(&out.evidence, num_best, scratch.recycler);
  for (size_t b = 0; b < num_best; ++b) {
    const Scored& sc = *best[b];
    Evidence& ev = out.evidence[b];
    uint32_t next;
    const Sentence span = Span(text, sc.sentence, &next);
    ev.begin = span.begin;
    ev.end = span.end;
    AppendTerms(text, kept.data() + sc.first_match,
                sc.end_match - sc.first_match, &ev.terms, scratch.recycler);
  }
}

size_t SentimentModel::ScoredTerms(const AnalyzedText& text, uint32_t sentence,
                                   bool rematch_zero, Scratch* scratch,
                                   ScoredTerm* out, size_t capacity) const {
  const Match* m = nullptr;
  size_t n = 0;
  // Score() leaves `scored` in sentence order.
  const auto sc = std::lower_bound(
      scratch->scored.begin(), scratch->scored.end(), sentence,
      [](const Scored& x, uint32_t want) { return x.sentence < want; });
  if (sc != scratch->scored.end() && sc->sentence == sentence) {
    m = scratch->kept.data() + sc->first_match;
    n = sc->end_match - sc->first_match;
  }
  if (m == nullptr) {  // A score of 0: no terms, or terms that cancel out.
    if (!rematch_zero) return 0;
    uint32_t next;
    const Sentence s = Span(text, sentence, &next);
    std::vector<Match>& matches = scratch->matches;
    matches.clear();
    if (!MayScoreSentence(text, s)) return 0;
    MatchSentence(text, s, &matches);
    if (matches.empty()) return 0;
    ScoreMatches(text, s, &matches, &scratch->token_match, &scratch->acting);
    m = matches.data();
    n = matches.size();
  }
  // A partner is an index into the sentence's own matches.
  size_t count = 0;
  for (size_t k = 0; k < n && count < capacity; ++k) {
    if (m[k].contribution == 0) continue;
    ScoredTerm& t = out[count++];
    t.first = m[k].first;
    t.last = m[k].last;
    t.partner_first = t.partner_last = 0;
    if (m[k].partner >= 0) {
      t.partner_first = m[m[k].partner].first;
      t.partner_last = m[m[k].partner].last;
    }
    t.contribution = m[k].contribution;
  }
  return count;
}

}  // namespace tidings::scoring::internal
