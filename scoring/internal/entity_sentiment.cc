// Copyright 2026 The Tidings Authors.

#include "scoring/internal/entity_sentiment.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "scoring/internal/absl_compat.h"

namespace tidings::scoring::internal {
namespace {

constexpr std::string_view kFile = "entity_sentiment.tsv";
// A sentence's clauses and entities are tracked in bit masks: at most this
// many of each (more clauses merge into the last; more entities take the
// whole sentence).
constexpr int kMaxClauses = 32;
constexpr int kMaxLocal = 32;
constexpr int kMaxRoles = 8;

// The text of tokens [first, last).
std::string_view TokenText(const AnalyzedText& text, uint32_t first,
                           uint32_t last) {
  const uint32_t b = text.tokens[first].begin;
  return text.text.substr(b, text.tokens[last - 1].end - b);
}

}  // namespace

absl::StatusOr<EntitySentimentModel> EntitySentimentModel::Create(
    const LexiconSet& lexicons, const TextAnalyzer& analyzer) {
  absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(kFile, 2, 3);
  if (!rows.ok()) return rows.status();
  EntitySentimentModel model;
  const Vocabulary& vocabulary = *analyzer.vocabulary();
  model.roles_.assign(vocabulary.size() + 1, WordRoles());
  static constexpr std::pair<std::string_view, Kind> kKinds[] = {
      {"clause", Kind::kClause},  {"comma", Kind::kComma},
      {"dash", Kind::kDash},      {"refer", Kind::kRefer},
      {"acts_on", Kind::kActsOn}, {"deals_in", Kind::kDealsIn}};
  for (const LexiconRow& row : *rows) {
    const std::string_view kind = row.fields[0];
    if (kind == "param") {
      if (row.fields.size() != 3)
        return RowError(kFile, row, "param NAME VALUE");
      absl::StatusOr<double> v = ParseWeight(kFile, row, 2);
      if (!v.ok()) return v.status();
      Params& p = model.params_;
      const std::string_view name = row.fields[1];
      if (name == "squash") {
        p.squash = static_cast<float>(*v);
      } else if (name == "title_weight") {
        p.title_weight = static_cast<float>(*v);
      } else if (name == "neutral_sentence_weight") {
        p.neutral_sentence_weight = static_cast<float>(*v);
      } else if (name == "max_evidence") {
        p.max_evidence = static_cast<int>(*v);
      } else if (name == "source_tokens") {
        p.source_tokens = static_cast<int>(*v);
      } else {
        return RowError(kFile, row,
                        absl::StrCat("unknown param ", AsAbsl(name)));
      }
      continue;
    }
    const auto* k =
        std::find_if(std::begin(kKinds), std::end(kKinds),
                     [&](const auto& x) { return x.first == kind; });
    if (k == std::end(kKinds)) {
      return RowError(kFile, row, absl::StrCat("unknown kind ", AsAbsl(kind)));
    }
    Rule rule;
    rule.kind = k->second;
    const bool valued =
        rule.kind == Kind::kActsOn || rule.kind == Kind::kDealsIn;
    if (valued != (row.fields.size() == 3)) {
      return RowError(kFile, row,
                      absl::StrCat(AsAbsl(kind), valued ? " needs a value"
                                                        : " takes no value"));
    }
    if (valued) {
      absl::StatusOr<double> v = ParseWeight(kFile, row, 2);
      if (!v.ok()) return v.status();
      rule.value = static_cast<float>(*v);
    }
    const uint32_t payload = static_cast<uint32_t>(model.rules_.size());
    model.rules_.push_back(rule);
    for (absl::string_view alt : absl::StrSplit(AsAbsl(row.fields[1]), '|')) {
      const std::vector<absl::string_view> words =
          absl::StrSplit(alt, ' ', absl::SkipWhitespace());
      if (words.empty()) return RowError(kFile, row, "empty term");
      const uint32_t id = vocabulary.Find(AsStd(words[0]));
      if (id == Vocabulary::kNone) {
        return RowError(
            kFile, row,
            absl::StrCat("\"", words[0], "\" is not one lower-case word"));
      }
      WordRoles& roles = model.roles_[id];
      if (words.size() == 1) {
        roles.rule = static_cast<int16_t>(payload);
      } else {
        absl::Status s = model.phrases_.Add(analyzer, AsStd(alt), payload);
        if (!s.ok()) return RowError(kFile, row, AsStd(s.message()));
        roles.starts_phrase = true;
      }
    }
  }
  return model;
}

void EntitySentimentModel::Score(const AnalyzedText& text, uint32_t body_begin,
                                 const SentimentModel& sentiment,
                                 const DocumentMentions& mentions,
                                 std::vector<Entity>* entities,
                                 SentimentModel::Scratch* sentiment_scratch,
                                 Scratch* scratch) const {
  if (mentions.empty()) return;
  scratch->sums.assign(entities->size(), Scratch::Sum());
  // resize(0), not clear(): absl::InlinedVector::clear() frees the buffer.
  scratch->candidates.resize(0);
  scratch->spans.resize(0);
  const double band = sentiment.neutral_band();
  for (size_t i = 0; i < mentions.size();) {
    const uint32_t sentence = text.tokens[mentions[i].first_token].sentence;
    size_t j = i + 1;
    while (j < mentions.size() &&
           text.tokens[mentions[j].first_token].sentence == sentence) {
      ++j;
    }
    ScoreSentence(text, body_begin, sentiment, band, &mentions[i],
                  mentions.data() + j, sentiment_scratch, scratch);
    i = j;
  }
  // The document: the weighted mean over each entity's sentences.
  for (size_t e = 0; e < entities->size(); ++e) {
    const Scratch::Sum& sum = scratch->sums[e];
    if (sum.sentences == 0) continue;
    Sentiment& out = (*entities)[e].sentiment;
    out.score =
        sum.weights > 0 ? std::clamp(sum.weighted / sum.weights, -1.0, 1.0) : 0;
    out.positive = static_cast<double>(sum.positive) / sum.sentences;
    out.negative = static_cast<double>(sum.negative) / sum.sentences;
    out.neutral =
        static_cast<double>(sum.sentences - sum.positive - sum.negative) /
        sum.sentences;
    out.label = out.score > band    ? SentimentLabel::kPositive
                : out.score < -band ? SentimentLabel::kNegative
                                    : SentimentLabel::kNeutral;
  }
  // Evidence: the clauses that pushed each entity's score its way,
  // strongest first (for a neutral entity: the strongest either way).
  auto& c = scratch->candidates;
  auto strength = [&](const Scratch::Candidate& x) {
    const Sentiment& s = (*entities)[x.entity].sentiment;
    const double sign = s.score >= 0 ? 1 : -1;
    return (s.label == SentimentLabel::kNeutral ? std::fabs(x.score)
                                                : sign * x.score) *
           x.weight;
  };
  std::sort(c.begin(), c.end(), [&](const auto& a, const auto& b) {
    if (a.entity != b.entity) return a.entity < b.entity;
    const double sa = strength(a), sb = strength(b);
    if (sa != sb) return sa > sb;
    return a.begin < b.begin;  // Ties: in text order.
  });
  for (const Scratch::Candidate& x : c) {
    std::vector<Evidence>& ev = (*entities)[x.entity].sentiment.evidence;
    if (static_cast<int>(ev.size()) >= params_.max_evidence ||
        strength(x) <= 0) {
      continue;
    }
    if (ev.empty()) ev.reserve(params_.max_evidence);
    Evidence& e = NewEvidence(&ev, scratch->recycler);
    e.terms.reserve(x.end_span - x.first_span);
    e.begin = x.begin;
    e.end = x.end;
    for (uint32_t k = x.first_span; k < x.end_span; ++k) {
      const auto [first, last] = scratch->spans[k];
      AppendString(&e.terms, TokenText(text, first, last), scratch->recycler);
    }
  }
}

// One sentence cut into clauses, and what each one holds. The entities of
// the sentence are numbered locally: bit k of a mask is the k-th.
struct EntitySentimentModel::Clauses {
  // (No initialisers: Split() sets what it uses, so that a sentence that is
  // not split costs nothing here.)
  int n;
  uint32_t start[kMaxClauses];  // First token of each clause.
  uint32_t end;                 // After the last one.
  double sum[kMaxClauses];      // Its terms' contributions.
  bool has_terms[kMaxClauses];
  bool refers[kMaxClauses];       // Holds a word that refers to an entity.
  uint32_t named[kMaxClauses];    // Entities mentioned in it.
  uint32_t counter[kMaxClauses];  // ... as counterparties or sources.
  uint32_t object[kMaxClauses];   // ... after a role verb.
  double role_value[kMaxClauses];
  struct Role {
    uint32_t first, last;  // The verb's tokens.
    const Rule* rule;
  };
  Role roles[kMaxRoles];
  int num_roles;
  bool valued_role;  // A role verb with a non-zero value.

  int Of(uint32_t token) const {
    int c = n - 1;
    while (c > 0 && start[c] > token) --c;
    return c;
  }
  uint32_t End(int c) const { return c + 1 < n ? start[c + 1] : end; }
};

void EntitySentimentModel::Split(const AnalyzedText& text, const Sentence& s,
                                 Clauses* clauses) const {
  const Token* tokens = text.tokens.data();
  clauses->n = 1;
  clauses->start[0] = s.first_token;
  clauses->end = s.end_token;
  clauses->num_roles = 0;
  clauses->valued_role = false;
  clauses->refers[0] = false;
  for (uint32_t t = s.first_token; t < s.end_token;) {
    // By the word's id; the phrase table only for the few words that
    // start a phrase ("even as", "picks up").
    const WordRoles& word = roles_[tokens[t].id];
    PhraseIndex::Match match;
    if (word.starts_phrase) match = phrases_.LongestMatch(text, t);
    if (match.num_tokens == 0 && word.rule >= 0) {
      match = {static_cast<uint32_t>(word.rule), 1};
    }
    if (match.num_tokens == 0) {
      ++t;
      continue;
    }
    const Rule& rule = rules_[match.payload];
    bool starts = false, refer = false;
    switch (rule.kind) {
      case Kind::kClause:
        starts = true;
        break;
      case Kind::kComma:
        starts = t > s.first_token && text.is_symbol(t - 1, ',');
        break;
      case Kind::kDash:
        starts = t > s.first_token && t + 1 < s.end_token &&
                 tokens[t].begin > tokens[t - 1].end &&
                 tokens[t + 1].begin > tokens[t].end;
        break;
      case Kind::kRefer:
        refer = true;
        break;
      case Kind::kActsOn:
      case Kind::kDealsIn:
        if (clauses->num_roles < kMaxRoles) {
          clauses->roles[clauses->num_roles++] = {t, t + match.num_tokens,
                                                  &rule};
          clauses->valued_role |= rule.value != 0;
        }
        break;
    }
    if (starts && t > clauses->start[clauses->n - 1] &&
        clauses->n < kMaxClauses) {
      clauses->refers[clauses->n] = false;
      clauses->start[clauses->n++] = t;
    }
    if (refer) clauses->refers[clauses->n - 1] = true;
    t += match.num_tokens;
  }
  for (int k = 0; k < clauses->n; ++k) {
    clauses->sum[k] = 0;
    clauses->has_terms[k] = false;
    clauses->named[k] = clauses->counter[k] = clauses->object[k] = 0;
    clauses->role_value[k] = 0;
  }
}

namespace {

// Evidence for clauses `used` (a bit per clause) of `c`: their bytes, and
// the terms that scored there (with the metric each was paired with, and
// the role verb that gave a value) appended to `spans`.
template <typename Clauses, typename Spans>
EntitySentimentModel::Scratch::Candidate MakeCandidate(
    const AnalyzedText& text, const Clauses& c,
    absl::Span<const SentimentModel::ScoredTerm> terms, uint32_t used,
    Spans* spans) {
  EntitySentimentModel::Scratch::Candidate x;
  int first = 0, last = c.n - 1;
  while (!(used >> first & 1)) ++first;
  while (!(used >> last & 1)) --last;
  x.begin = text.tokens[c.start[first]].begin;
  x.end = text.tokens[c.End(last) - 1].end;
  x.first_span = static_cast<uint32_t>(spans->size());
  for (const SentimentModel::ScoredTerm& t : terms) {
    if (!(used >> c.Of(t.first) & 1)) continue;
    spans->emplace_back(t.first, t.last);
    if (t.partner_last > t.partner_first) {
      spans->emplace_back(t.partner_first, t.partner_last);
    }
  }
  for (int r = 0; r < c.num_roles; ++r) {
    const auto& role = c.roles[r];
    if ((used >> c.Of(role.first) & 1) && c.role_value[c.Of(role.first)] != 0) {
      spans->emplace_back(role.first, role.last);
    }
  }
  x.end_span = static_cast<uint32_t>(spans->size());
  return x;
}

// The raw score of local entity `i` in the sentence cut into `c`: the terms
// of the clauses that name it (not as a counterparty) and the values of the
// role verbs it is the object of; with none, the terms of the clauses that
// name no entity. Sets `*used` to the clauses that gave them (a bit each).
template <typename Clauses>
double RawScore(const Clauses& c, int i, uint32_t* used) {
  const uint32_t bit = 1u << i;
  double raw = 0;
  *used = 0;
  bool acting = false;  // Named other than as a counterparty.
  for (int k = 0; k < c.n; ++k) {
    if (!(c.named[k] & bit) || (c.counter[k] & bit)) continue;
    acting = true;
    const bool valued = (c.object[k] & bit) && c.role_value[k] != 0;
    if (c.has_terms[k]) raw += c.sum[k];
    if (valued) raw += c.role_value[k];
    if (c.has_terms[k] || valued) *used |= 1u << k;
  }
  if (*used != 0 || !acting) return raw;
  for (int k = 0; k < c.n; ++k) {
    if (c.named[k] == 0 && c.has_terms[k]) {
      raw += c.sum[k];
      *used |= 1u << k;
    }
  }
  return raw;
}

}  // namespace

void EntitySentimentModel::ScoreSentence(
    const AnalyzedText& text, uint32_t body_begin,
    const SentimentModel& sentiment, double band, const DocumentMention* m,
    const DocumentMention* m_end, SentimentModel::Scratch* sentiment_scratch,
    Scratch* scratch) const {
  const uint32_t sentence = text.tokens[m->first_token].sentence;
  const Sentence& s = text.sentences[sentence];
  // The distinct entities of the sentence, numbered locally. (A sentence
  // naming more than kMaxLocal is a table; the rest are not scored from it.)
  uint32_t local[kMaxLocal];
  int num_local = 0;
  for (const DocumentMention* p = m; p < m_end; ++p) {
    if (std::find(local, local + num_local, p->entity) == local + num_local &&
        num_local < kMaxLocal) {
      local[num_local++] = p->entity;
    }
  }
  size_t num_terms = sentiment.ScoredTerms(
      text, sentence, /*rematch_zero=*/false, sentiment_scratch, scratch->terms,
      Scratch::kMaxTerms);
  // Split when there are terms, or entities that a role verb with a value
  // of its own may set apart ("Sebi bars Acme") or whose clauses may hold
  // terms that cancel out ("gold up 1 %; silver down 1 %" scores 0).
  const bool split = num_terms > 0 || num_local > 1;
  Clauses c;  // Set by Split(), if at all.
  if (split) {
    Split(text, s, &c);
    if (num_terms == 0 && c.n > 1) {
      num_terms = sentiment.ScoredTerms(text, sentence, /*rematch_zero=*/true,
                                        sentiment_scratch, scratch->terms,
                                        Scratch::kMaxTerms);
    }
  }
  const absl::Span<const SentimentModel::ScoredTerm> terms(scratch->terms,
                                                           num_terms);
  if (split && !terms.empty()) {
    c.end = std::max(s.end_token, terms.back().last);
  }
  const double weight = s.begin < body_begin ? params_.title_weight : 1.0;
  auto record = [&](uint32_t entity, double raw, uint32_t used) {
    const double score =
        raw == 0 ? 0 : raw / std::sqrt(raw * raw + params_.squash);
    const double w =
        score == 0 ? weight * params_.neutral_sentence_weight : weight;
    Scratch::Sum& sum = scratch->sums[entity];
    sum.weighted += w * score;
    sum.weights += w;
    ++sum.sentences;
    sum.positive += score > band;
    sum.negative += score < -band;
    if (score != 0 && used != 0) {
      Scratch::Candidate& x = scratch->candidates.emplace_back(
          MakeCandidate(text, c, terms, used, &scratch->spans));
      x.entity = entity;
      x.score = score;
      x.weight = w;
    }
  };
  if (terms.empty() && !(split && c.valued_role)) {
    for (int k = 0; k < num_local; ++k) record(local[k], 0, 0);
    return;
  }
  Assign(text, m, m_end, local, num_local, terms, &c);
  for (int i = 0; i < num_local; ++i) {
    uint32_t used;
    const double raw = RawScore(c, i, &used);
    record(local[i], raw, used);
  }
}

void EntitySentimentModel::Assign(
    const AnalyzedText& text, const DocumentMention* m,
    const DocumentMention* m_end, const uint32_t* local, int num_local,
    absl::Span<const SentimentModel::ScoredTerm> terms, Clauses* c) const {
  auto bit_of = [&](uint32_t entity) {
    const int k =
        static_cast<int>(std::find(local, local + num_local, entity) - local);
    return k < num_local ? 1u << k : 0u;
  };
  for (const DocumentMention* p = m; p < m_end; ++p) {
    c->named[c->Of(p->first_token)] |= bit_of(p->entity);
  }
  for (const SentimentModel::ScoredTerm& t : terms) {
    const int k = c->Of(t.first);
    c->sum[k] += t.contribution;
    c->has_terms[k] = true;
  }
  // Role verbs: who stands before and after them in their clause.
  for (int r = 0; r < c->num_roles; ++r) {
    const Clauses::Role& role = c->roles[r];
    const int k = c->Of(role.first);
    // The subject stands right before the verb ("Sebi bars"): elsewhere the
    // word is as often a noun ("rallies on orders win").
    uint32_t subject = 0, object = 0;
    for (const DocumentMention* p = m; p < m_end; ++p) {
      if (c->Of(p->first_token) != k) continue;
      if (p->end_token == role.first) subject |= bit_of(p->entity);
      if (p->first_token >= role.last) object |= bit_of(p->entity);
    }
    if (object == 0 && (subject == 0 || role.rule->kind == Kind::kDealsIn)) {
      continue;
    }
    c->counter[k] |= subject & ~object;
    c->object[k] |= object;
    if (object != 0) c->role_value[k] += role.rule->value;
  }
  // A clause that names no entity but refers to one ("Acme posts Q3 loss;
  // stock falls") is about the entity named last before it (or, in a
  // sentence that opens with it, the first one after it).
  for (int k = 0; k < c->n; ++k) {
    if (c->named[k] != 0 || !c->refers[k]) continue;
    const DocumentMention* nearest = m;
    for (const DocumentMention* p = m; p < m_end; ++p) {
      if (p->first_token < c->start[k]) nearest = p;
    }
    c->named[k] |= bit_of(nearest->entity);
  }
  // The source of a view: "...: Ajay Kumar, Acme Securities".
  const int last = c->n - 1;
  if (last > 0 && text.is_symbol(c->start[last], ':') && !c->has_terms[last] &&
      static_cast<int>(c->end - c->start[last]) <= params_.source_tokens + 1) {
    c->counter[last] |= c->named[last];
  }
}

}  // namespace tidings::scoring::internal
