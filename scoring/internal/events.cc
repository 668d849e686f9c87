// Copyright 2026 The Tidings Authors.
//
// events.cc: EventDetector::Detect() and its stages (events.h explains the
// algorithm); Create() is in events_table.cc.

#include "scoring/internal/events.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_split.h"
#include "scoring/internal/relevance.h"

namespace tidings::scoring::internal {
namespace {

// Pseudo-groups set from entity mentions; always the first four bits (in the
// order events_table.cc names them).
constexpr uint8_t kActorBit = 0;      // @actor: a country, bloc or leader.
constexpr uint8_t kActors2Bit = 1;    // @actors2: two distinct ones.
constexpr uint8_t kCommodityBit = 2;  // @commodity: a commodity.
constexpr uint8_t kPersonBit = 3;     // @person: a leader or official.
constexpr int kNearDistance = 3;

constexpr EventType kTypes[EventDetector::kNumTypes] = {
    EventType::kTariff, EventType::kSanctions, EventType::kGeopoliticalTension};

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool EventDetector::IsHistoricYear(const AnalyzedText& text, uint32_t t) const {
  if (text.tokens[t].kind != TokenKind::kNumber) return false;
  std::string_view s = text.norm(t);
  // "1986", "1973-74"
  if (s.size() != 4 &&
      !(s.size() == 7 && s[4] == '-' && IsDigit(s[5]) && IsDigit(s[6]))) {
    return false;
  }
  if (!(IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3])))
    return false;
  if (!((s[0] == '1' && s[1] == '9') || (s[0] == '2' && s[1] == '0')))
    return false;
  // Not a price or a quantity ("$1950", "2000 tonnes"), not "since 2011".
  if (t > 0) {
    std::string_view prev = text.norm(t - 1);
    if (static_cast<unsigned char>(prev[0]) >= 0x80 ||  // "£1950", "€2000"
        not_year_prev_.contains(AsAbsl(prev))) {
      return false;
    }
  }
  if (t + 1 < text.tokens.size() &&
      text.tokens[t + 1].sentence == text.tokens[t].sentence &&
      not_year_next_.contains(AsAbsl(text.norm(t + 1)))) {
    return false;
  }
  return true;
}

// A year next to the trigger marks a historical mention: before it, or for
// geopolitical rules on either side ("the 2001 attacks", "the war of 1967").
bool EventDetector::NearHistoricYear(const AnalyzedText& text, const Rule& rule,
                                     uint32_t first, uint32_t end) const {
  const Sentence& sent = text.sentences[text.tokens[first].sentence];
  const uint32_t lo = first >= sent.first_token + params_.history_before
                          ? first - params_.history_before
                          : sent.first_token;
  for (uint32_t t = lo; t < first; ++t) {
    if (IsHistoricYear(text, t)) return true;
  }
  if (rule.type != 2) return false;
  const uint32_t hi =
      std::min<uint32_t>(sent.end_token, end + params_.history_after_geo);
  for (uint32_t t = end; t < hi; ++t) {
    if (IsHistoricYear(text, t)) return true;
  }
  return false;
}

uint32_t EventDetector::CueReach() const {
  uint32_t reach =
      std::max<uint32_t>({static_cast<uint32_t>(std::max(params_.window, 0)),
                          static_cast<uint32_t>(kNearDistance), 1u});
  for (const Action& a : actions_) {
    reach = std::max<uint32_t>(reach, a.max_distance);
  }
  return reach;
}

void EventDetector::FarCues::Build(const std::vector<CueHit>& cues,
                                   size_t begin, size_t end) {
  const size_t n = end - begin;
  max_end.resize(n);
  pre_whole.resize(n);
  pre_all.resize(n);
  suf_whole.resize(n + 1);
  suf_all.resize(n + 1);
  uint32_t m = 0;
  uint64_t whole = 0, all = 0;
  for (size_t j = 0; j < n; ++j) {
    const CueHit& h = cues[begin + j];
    m = std::max(m, h.end);
    all |= h.groups;
    if (!h.part) whole |= h.groups;
    max_end[j] = m;
    pre_whole[j] = whole;
    pre_all[j] = all;
  }
  suf_whole[n] = suf_all[n] = 0;
  for (size_t j = n; j-- > 0;) {
    const CueHit& h = cues[begin + j];
    suf_all[j] = suf_all[j + 1] | h.groups;
    suf_whole[j] = suf_whole[j + 1] | (h.part ? 0 : h.groups);
  }
}

// Cues [begin, lo) all end at least `reach` tokens before the trigger and
// cues [hi, end) all start at least `reach` tokens after it (cues are sorted
// by their first token): those count only in kSentence, as their ORs.
EventDetector::CueSpan EventDetector::FarCues::Span(
    const std::vector<CueHit>& cues, size_t begin, size_t end, uint32_t first,
    uint32_t trigger_end, uint32_t reach) const {
  const size_t lo =
      std::partition_point(max_end.begin(), max_end.end(),
                           [&](uint32_t e) { return e + reach <= first; }) -
      max_end.begin();
  const size_t hi =
      std::partition_point(
          cues.begin() + begin, cues.begin() + end,
          [&](const CueHit& h) { return h.first < trigger_end + reach; }) -
      (cues.begin() + begin);
  CueSpan span{begin + lo, begin + hi, 0, 0};
  if (lo > 0) {
    span.far_whole |= pre_whole[lo - 1];
    span.far_all |= pre_all[lo - 1];
  }
  span.far_whole |= suf_whole[hi];
  span.far_all |= suf_all[hi];
  return span;
}

double EventDetector::Score(const AnalyzedText& text, const Rule& rule,
                            uint32_t first, uint32_t end,
                            const std::vector<CueHit>& cues,
                            const CueSpan& span, int actors_in_sentence,
                            Direction* direction, int32_t* action_cue) const {
  uint64_t masks[kNumScopes] = {0};   // Whole cues: boosts and rejects.
  uint64_t rmasks[kNumScopes] = {0};  // Also compound parts: rejects.
  masks[static_cast<int>(Scope::kSentence)] = span.far_whole;
  rmasks[static_cast<int>(Scope::kSentence)] = span.far_all;
  const uint32_t window = static_cast<uint32_t>(params_.window);
  int best_prio = -1;
  uint32_t best_dist = UINT32_MAX;
  *action_cue = -1;
  for (size_t c = span.begin; c < span.end; ++c) {
    const CueHit& h = cues[c];
    bool before;
    uint32_t dist;
    if (h.end <= first) {
      before = true;
      dist = first - h.end + 1;
    } else if (h.first >= end) {
      before = false;
      dist = h.first - end + 1;
    } else {
      continue;  // Overlaps the trigger itself.
    }
    uint64_t bits[kNumScopes] = {0};
    bits[static_cast<int>(Scope::kSentence)] = h.groups;
    if (dist <= window) {
      bits[static_cast<int>(Scope::kWindow)] = h.groups;
      bits[static_cast<int>(before ? Scope::kBefore : Scope::kAfter)] =
          h.groups;
    }
    if (dist <= kNearDistance) bits[static_cast<int>(Scope::kNear)] = h.groups;
    if (dist == 1)
      bits[static_cast<int>(before ? Scope::kPrev : Scope::kNext)] = h.groups;
    for (int s = 0; s < kNumScopes; ++s) {
      rmasks[s] |= bits[s];
      if (!h.part) masks[s] |= bits[s];
    }
    if (h.entry >= 0 && !h.part) {
      for (uint16_t ai : entries_[h.entry].actions) {
        const Action& a = actions_[ai];
        if ((a.types & (1 << rule.type)) && dist <= a.max_distance &&
            (static_cast<int>(a.priority) > best_prio ||
             (a.priority == best_prio && dist < best_dist))) {
          best_prio = a.priority;
          best_dist = dist;
          *action_cue = static_cast<int32_t>(c);
          *direction = a.direction;
        }
      }
    }
  }
  if (actors_in_sentence >= 2) {
    for (int s = 0; s < kNumScopes; ++s) masks[s] |= uint64_t{1} << kActors2Bit;
  }
  for (const GroupRef& r : rule.rejects) {
    if (rmasks[static_cast<int>(r.scope)] & (uint64_t{1} << r.group)) return 0;
  }
  double conf = rule.base;
  for (const GroupRef& b : rule.boosts) {
    if (masks[static_cast<int>(b.scope)] & (uint64_t{1} << b.group)) {
      conf += b.weight;
    } else if (b.required) {
      return 0;
    }
  }
  conf = std::min(1.0, conf);
  if (conf <= 0) return 0;

  if (NearHistoricYear(text, rule, first, end)) conf *= params_.history_factor;

  if (rule.direction != Direction::kUnspecified) {
    *direction = rule.direction;
  } else if (*action_cue < 0) {
    *direction = default_direction_[rule.type];
  }
  return conf;
}

void EventDetector::Detect(const AnalyzedText& text, uint32_t body_begin,
                           const std::vector<EntityMention>& mentions,
                           const EntityModel& entities,
                           std::vector<Event>* events) const {
  Scratch scratch;
  Detect(text, body_begin, mentions, entities, events, &scratch);
}

namespace {

// The distinct actors of a sentence, in order of mention (at most `cap`).
int ActorsOf(const AnalyzedText& text,
             const std::vector<EntityMention>& mentions,
             const EntityModel& entities, uint32_t sentence, int32_t* out,
             int cap) {
  const Sentence& s = text.sentences[sentence];
  auto m = std::lower_bound(
      mentions.begin(), mentions.end(), s.first_token,
      [](const EntityMention& e, uint32_t t) { return e.first_token < t; });
  int k = 0;
  for (; m != mentions.end() && m->first_token < s.end_token; ++m) {
    int32_t a = entities.ActorOf(m->entity);
    if (a < 0) continue;
    bool seen = false;
    for (int j = 0; j < k && !seen; ++j) seen = out[j] == a;
    if (!seen && k < cap) out[k++] = a;
  }
  return k;
}

// The span of tokens [first, end) as text.
std::string_view TokenSpan(const AnalyzedText& text, uint32_t first,
                           uint32_t end) {
  const Token& t0 = text.tokens[first];
  const Token& t1 = text.tokens[end - 1];
  return text.text.substr(t0.begin, t1.end - t0.begin);
}

constexpr int kMaxActors = 16;
// Sentences with more cues than this index them (FarCues) for their
// triggers; shorter ones are walked whole.
constexpr size_t kManyCues = 48;

}  // namespace

void EventDetector::MarkHits(std::vector<uint16_t>* hits_of_id) const {
  triggers_.MarkKeyWords(kHitTrigger, hits_of_id);
  triggers_.MarkStarts(kHitTriggerStart, hits_of_id);
  cues_.MarkStarts(kHitCue, hits_of_id);
  if (gold_.has_value()) gold_->MarkHits(hits_of_id);
}

// Pass 1 over all tokens: triggers (and the blocks that hide them), longest
// first. Only the sentences that hold a trigger's key word (MarkHits; a
// phrase never crosses a sentence end), and there the tokens where one
// starts.
void EventDetector::FindTriggers(const AnalyzedText& text,
                                 std::vector<TriggerHit>* triggers) const {
  triggers->clear();
  if (!(text.hits & kHitTrigger)) return;
  for (const Sentence& s : text.sentences) {
    if (s.hits & kHitTrigger) FindTriggersIn(text, s, triggers);
  }
}

inline void EventDetector::FindTriggersIn(
    const AnalyzedText& text, const Sentence& s,
    std::vector<TriggerHit>* triggers) const {
  const uint32_t n = s.end_token;
  for (uint32_t i = s.first_token; i < n; ++i) {
    if (text.tokens[i].kind != TokenKind::kWord ||
        !(text.tokens[i].hits & kHitTriggerStart)) {
      continue;
    }
    const PhraseIndex::Match match = triggers_.LongestMatch(text, i);
    if (match.num_tokens == 0) continue;
    if (!entries_[match.payload].block) {
      triggers->push_back({i, i + match.num_tokens, match.payload});
    }
    i += match.num_tokens - 1;
  }
}

// Pass 2 over the sentences that hold a trigger: cue phrases, longest first,
// compound parts, then the entity mentions; sorted by position.
void EventDetector::FindCues(const AnalyzedText& text,
                             const std::vector<TriggerHit>& triggers,
                             const std::vector<EntityMention>& mentions,
                             const EntityModel& entities,
                             std::vector<CueHit>* cues,
                             std::vector<CueHit>* merged) const {
  cues->clear();
  cues->reserve(mentions.size() + 8 * triggers.size() + 16);
  uint32_t scanned_sentence = UINT32_MAX;
  for (const TriggerHit& tr : triggers) {
    const uint32_t sentence = text.tokens[tr.first].sentence;
    if (sentence == scanned_sentence) continue;
    scanned_sentence = sentence;
    const Sentence& sent = text.sentences[sentence];
    for (uint32_t i = sent.first_token; i < sent.end_token; ++i) {
      // A token where no cue starts and that is not joined adds nothing.
      if (text.tokens[i].kind != TokenKind::kWord ||
          !(text.tokens[i].hits & (kHitCue | kHitJoined))) {
        continue;
      }
      const PhraseIndex::Match match = cues_.LongestMatch(text, i);
      if (match.num_tokens > 0) {
        const Entry& e = entries_[match.payload];
        if (!e.block) {
          cues->push_back({i, i + match.num_tokens, e.groups,
                           static_cast<int32_t>(match.payload), false});
        }
        i += match.num_tokens - 1;
      } else if (text.tokens[i].joined) {
        AddCompoundCue(text, i, cues);
      }
    }
  }
  // Entity mentions as cues: @actor, @commodity and @person.
  const size_t num_lexicon_cues = cues->size();
  for (const EntityMention& m : mentions) {
    const EntityInfo& info = entities.info(m.entity);
    uint64_t groups = 0;
    if (entities.ActorOf(m.entity) >= 0) groups |= uint64_t{1} << kActorBit;
    if (info.kind == EntityKind::kCommodity) {
      groups |= uint64_t{1} << kCommodityBit;
    }
    if (info.kind == EntityKind::kPerson) groups |= uint64_t{1} << kPersonBit;
    if (groups != 0) {
      cues->push_back({m.first_token, m.end_token, groups, -1, false});
    }
  }
  // In token order, stably. Both runs (the lexicon's cues, the entities')
  // are in token order already: a merge, which needs no temporary buffer
  // as std::stable_sort does (the same order: on a tie std::merge takes
  // the first run's element first).
  auto by_first = [](const CueHit& a, const CueHit& b) {
    return a.first < b.first;
  };
  const auto mid = cues->begin() + static_cast<ptrdiff_t>(num_lexicon_cues);
  if (std::is_sorted(cues->begin(), mid, by_first) &&
      std::is_sorted(mid, cues->end(), by_first)) {
    merged->resize(cues->size());
    std::merge(cues->begin(), mid, mid, cues->end(), merged->begin(), by_first);
    cues->swap(*merged);
  } else {
    std::stable_sort(cues->begin(), cues->end(), by_first);
  }
}

// The parts of a hyphenated compound ("water-supply", "civilian-military")
// tell the topic: they may reject a trigger, but support one only when every
// part is a cue ("russia-ukraine").
void EventDetector::AddCompoundCue(const AnalyzedText& text, uint32_t i,
                                   std::vector<CueHit>* cues) const {
  std::string_view lower = text.norm(i);
  if (lower.find('-') == std::string_view::npos) return;
  std::string_view raw = text.raw(i);
  uint64_t groups = 0;
  bool all_parts = true;
  for (absl::string_view part : absl::StrSplit(AsAbsl(lower), '-')) {
    size_t off = part.data() - lower.data();
    uint64_t part_groups = 0;
    uint32_t payload;
    if (cues_.WordMatch(std::string_view(part.data(), part.size()),
                        raw.substr(off, part.size()), false, &payload)) {
      part_groups = entries_[payload].groups;
    }
    groups |= part_groups;
    all_parts = all_parts && part_groups != 0;
  }
  if (groups != 0) cues->push_back({i, i + 1, groups, -1, !all_parts});
}

// Scores every trigger occurrence by its rules; each sentence keeps its most
// confident occurrence per event type.
void EventDetector::ScoreTriggers(const AnalyzedText& text, uint32_t body_begin,
                                  const std::vector<EntityMention>& mentions,
                                  const EntityModel& entities,
                                  Scratch* scratch) const {
  const std::vector<CueHit>& cues = scratch->cues;
  std::vector<SentenceHit>& hits = scratch->hits;
  hits.clear();
  hits.reserve(scratch->triggers.size());
  auto lower_cue = [&](uint32_t token) {
    return std::lower_bound(
               cues.begin(), cues.end(), token,
               [](const CueHit& h, uint32_t t) { return h.first < t; }) -
           cues.begin();
  };
  int last_hit[kNumTypes] = {-1, -1, -1};
  uint32_t cached_sentence = UINT32_MAX;
  size_t cue_begin = 0, cue_end = 0;
  bool many_cues = false;
  uint32_t reach = 0;  // CueReach(), computed when first needed.
  int actor_count = 0;
  for (const TriggerHit& tr : scratch->triggers) {
    const uint32_t sentence = text.tokens[tr.first].sentence;
    if (sentence != cached_sentence) {
      cached_sentence = sentence;
      const Sentence& s = text.sentences[sentence];
      cue_begin = lower_cue(s.first_token);
      cue_end = lower_cue(s.end_token);
      int32_t actors[kMaxActors];
      actor_count =
          ActorsOf(text, mentions, entities, sentence, actors, kMaxActors);
      many_cues = cue_end - cue_begin > kManyCues;
      if (many_cues) {
        if (reach == 0) reach = CueReach();
        scratch->far.Build(cues, cue_begin, cue_end);
      }
    }
    const CueSpan span = many_cues ? scratch->far.Span(cues, cue_begin, cue_end,
                                                       tr.first, tr.end, reach)
                                   : CueSpan{cue_begin, cue_end, 0, 0};
    for (uint16_t r : entries_[tr.entry].rules) {
      const Rule& rule = rules_[r];
      SentenceHit h;
      h.action_cue = -1;
      h.confidence = Score(text, rule, tr.first, tr.end, cues, span,
                           actor_count, &h.direction, &h.action_cue);
      if (h.confidence < params_.min_confidence) continue;
      h.type = rule.type;
      h.sentence = sentence;
      h.term_first = tr.first;
      h.term_end = tr.end;
      int& last = last_hit[rule.type];
      if (last >= 0 && hits[last].sentence == sentence) {
        SentenceHit& kept = hits[last];
        if (h.confidence > kept.confidence) {
          h.weight = kept.weight;
          h.contribution = h.confidence * h.weight;
          kept = h;
        }
        continue;
      }
      h.weight = PositionWeight(text, body_begin, sentence);
      h.contribution = h.confidence * h.weight;
      last = static_cast<int>(hits.size());
      hits.push_back(h);
    }
  }
}

// The event of one type from its sentence hits: relevance from all of them,
// direction from the strongest, evidence from the strongest few in text
// order, actors from the evidence sentences.
void EventDetector::MakeEvent(int type, const AnalyzedText& text,
                              const std::vector<EntityMention>& mentions,
                              const EntityModel& entities,
                              const std::vector<CueHit>& cues,
                              std::vector<const SentenceHit*>* of_type,
                              Recycler* recycler, Event* event) const {
  RelevanceAccumulator acc;
  const SentenceHit* best = (*of_type)[0];
  for (const SentenceHit* h : *of_type) {
    acc.Add(h->confidence, h->weight);
    if (h->contribution > best->contribution) best = h;
  }
  if (static_cast<int>(of_type->size()) > params_.max_evidence) {
    std::stable_sort(of_type->begin(), of_type->end(),
                     [](const SentenceHit* a, const SentenceHit* b) {
                       return a->contribution > b->contribution;
                     });
    of_type->resize(params_.max_evidence);
    std::sort(of_type->begin(), of_type->end(),
              [](const SentenceHit* a, const SentenceHit* b) {
                return a->sentence < b->sentence;
              });
  }
  Event& ev = *event;
  ev.type = kTypes[type];
  ev.relevance = acc.relevance();
  ev.direction = best->direction;
  // Room at once, not growth step by step (a no-op for recycled parts).
  ev.evidence.reserve(of_type->size());
  for (const SentenceHit* h : *of_type) {
    const Sentence& s = text.sentences[h->sentence];
    Evidence& e = NewEvidence(&ev.evidence, recycler);
    e.begin = s.begin;
    e.end = s.end;
    e.terms.reserve(h->action_cue >= 0 ? 2 : 1);
    AppendString(&e.terms, TokenSpan(text, h->term_first, h->term_end),
                 recycler);
    if (h->action_cue >= 0) {
      const CueHit& c = cues[h->action_cue];
      AppendString(&e.terms, TokenSpan(text, c.first, c.end), recycler);
    }
    int32_t actors[kMaxActors];
    int k = ActorsOf(text, mentions, entities, h->sentence, actors, kMaxActors);
    for (int j = 0; j < k; ++j) {
      const std::string& id = entities.info(actors[j]).id;
      if (std::find(ev.actors.begin(), ev.actors.end(), id) ==
          ev.actors.end()) {
        AppendString(&ev.actors, id, recycler);
      }
    }
  }
}

void EventDetector::Detect(const AnalyzedText& text, uint32_t body_begin,
                           const std::vector<EntityMention>& mentions,
                           const EntityModel& entities,
                           std::vector<Event>* events, Scratch* scratch) const {
  if (gold_.has_value()) {
    gold_->Detect(text, body_begin, scratch->recycler, events, &scratch->gold);
  }
  // Most documents have no trigger and stop here.
  FindTriggers(text, &scratch->triggers);
  if (scratch->triggers.empty()) return;
  FindCues(text, scratch->triggers, mentions, entities, &scratch->cues,
           &scratch->merged_cues);
  ScoreTriggers(text, body_begin, mentions, entities, scratch);
  std::vector<const SentenceHit*>& of_type = scratch->of_type;
  for (int type = 0; type < kNumTypes; ++type) {
    of_type.clear();
    for (const SentenceHit& h : scratch->hits) {
      if (h.type == type) of_type.push_back(&h);
    }
    if (of_type.empty()) continue;
    MakeEvent(type, text, mentions, entities, scratch->cues, &of_type,
              scratch->recycler, &NewEvent(events, scratch->recycler));
  }
}

}  // namespace tidings::scoring::internal
