// Copyright 2026 The Tidings Authors.

#include "scoring/internal/events.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "scoring/internal/relevance.h"

namespace tidings::scoring::internal {
namespace {

constexpr std::string_view kFile = "events.tsv";

// Pseudo-groups set from entity mentions; always the first three bits.
constexpr uint8_t kActorBit = 0;  // @actor: a country, bloc or leader.
constexpr uint8_t kActors2Bit =
    1;  // @actors2: two distinct ones in the sentence.
constexpr uint8_t kCommodityBit = 2;  // @commodity: a commodity.
constexpr uint8_t kPersonBit = 3;     // @person: a leader or official.
constexpr int kNearDistance = 3;

constexpr EventType kTypes[EventDetector::kNumTypes] = {
    EventType::kTariff, EventType::kSanctions, EventType::kGeopoliticalTension};

absl::Status RowError(const LexiconRow& row, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s:%d: %s", std::string(kFile), row.line, std::string(what)));
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) p = s.size();
    std::string_view part = s.substr(start, p - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    start = p + 1;
  }
  return out;
}

bool ParseType(std::string_view s, uint8_t* type) {
  if (s == "tariff")
    *type = 0;
  else if (s == "sanctions")
    *type = 1;
  else if (s == "geopolitical")
    *type = 2;
  else
    return false;
  return true;
}

bool ParseDirection(std::string_view s, Direction* d) {
  static constexpr std::pair<std::string_view, Direction> kNames[] = {
      {"IMPOSED", Direction::kImposed},
      {"RAISED", Direction::kRaised},
      {"THREATENED", Direction::kThreatened},
      {"DELAYED", Direction::kDelayed},
      {"EASED", Direction::kEased},
      {"LIFTED", Direction::kLifted},
      {"ESCALATION", Direction::kEscalation},
      {"DE_ESCALATION", Direction::kDeEscalation},
  };
  for (const auto& [name, dir] : kNames) {
    if (s == name) {
      *d = dir;
      return true;
    }
  }
  return false;
}

bool ParseScope(std::string_view s, EventDetector::Scope* scope) {
  using S = EventDetector::Scope;
  static constexpr std::pair<std::string_view, S> kNames[] = {
      {"prev", S::kPrev},         {"next", S::kNext},   {"near", S::kNear},
      {"before", S::kBefore},     {"after", S::kAfter}, {"window", S::kWindow},
      {"sentence", S::kSentence},
  };
  for (const auto& [name, v] : kNames) {
    if (s == name) {
      *scope = v;
      return true;
    }
  }
  return false;
}

bool ParseDouble(std::string_view s, double* v) {
  return absl::SimpleAtod(AsAbsl(s), v);
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<EventDetector> EventDetector::Create(
    const LexiconSet& lexicons) {
  absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(lexicons);
  if (!analyzer.ok()) return analyzer.status();
  return Create(lexicons, *analyzer);
}

absl::StatusOr<EventDetector> EventDetector::Create(
    const LexiconSet& lexicons, const TextAnalyzer& analyzer) {
  absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(kFile, 2, 7);
  if (!rows.ok()) return rows.status();
  absl::StatusOr<GoldDetector> gold = GoldDetector::Create(lexicons, analyzer);
  if (!gold.ok()) return gold.status();

  EventDetector d;
  d.gold_.emplace(*std::move(gold));
  d.group_names_ = {"@actor", "@actors2", "@commodity", "@person"};
  std::vector<Scope> default_scope = {Scope::kSentence, Scope::kSentence,
                                      Scope::kSentence, Scope::kSentence};

  // Pass 1: groups (so that triggers may name groups defined anywhere).
  for (const LexiconRow& row : *rows) {
    if (row.fields[0] != "GROUP") continue;
    if (row.fields.size() != 4) {
      return RowError(row,
                      "GROUP rows have 4 fields: GROUP, name, scope, terms");
    }
    std::string name(row.fields[1]);
    Scope scope;
    if (!ParseScope(row.fields[2], &scope))
      return RowError(row, "unknown scope");
    auto it = std::find(d.group_names_.begin(), d.group_names_.end(), name);
    if (it == d.group_names_.end()) {
      if (d.group_names_.size() >= 64)
        return RowError(row, "more than 64 groups");
      d.group_names_.push_back(name);
      default_scope.push_back(scope);
    } else if (default_scope[it - d.group_names_.begin()] != scope) {
      return RowError(row, "group redefined with another scope");
    }
  }
  auto find_group = [&](std::string_view name) -> int {
    for (size_t g = 0; g < d.group_names_.size(); ++g) {
      if (d.group_names_[g] == name) return static_cast<int>(g);
    }
    return -1;
  };
  // "name", "name@scope"; boosts end in "+weight".
  auto parse_ref = [&](std::string_view s, bool boost, GroupRef* ref) -> bool {
    if (boost && !s.empty() && s[0] == '!') {
      ref->required = true;
      s.remove_prefix(1);
    }
    if (boost) {
      size_t plus = s.rfind('+');
      if (plus == std::string_view::npos) return false;
      double w;
      if (!ParseDouble(s.substr(plus + 1), &w)) return false;
      ref->weight = static_cast<float>(w);
      s = s.substr(0, plus);
    }
    size_t at = s.find('@', 1);  // Pseudo-groups start with '@'.
    std::string_view name = at == std::string_view::npos ? s : s.substr(0, at);
    int g = find_group(name);
    if (g < 0) return false;
    ref->group = static_cast<uint8_t>(g);
    ref->scope = default_scope[g];
    if (at != std::string_view::npos &&
        !ParseScope(s.substr(at + 1), &ref->scope)) {
      return false;
    }
    return true;
  };

  absl::flat_hash_map<std::string, uint32_t> entry_of;  // phrase -> entry
  std::vector<std::string_view> phrase_of;              // entry -> phrase
  auto entry_for = [&](std::string_view phrase) -> absl::StatusOr<uint32_t> {
    auto [it, inserted] = entry_of.emplace(
        std::string(phrase), static_cast<uint32_t>(d.entries_.size()));
    if (inserted) {
      AnalyzedText at;
      analyzer.Analyze(phrase, &at);
      if (at.tokens.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("phrase \"", std::string(phrase), "\" has no tokens"));
      }
      d.entries_.emplace_back();
      phrase_of.push_back(phrase);
    }
    return it->second;
  };

  for (const LexiconRow& row : *rows) {
    std::string_view kind = row.fields[0];
    const size_t nf = row.fields.size();
    if (kind == "GROUP") {
      int g = find_group(row.fields[1]);
      for (std::string_view term : Split(row.fields[3], '|')) {
        absl::StatusOr<uint32_t> e = entry_for(term);
        if (!e.ok()) return RowError(row, AsStd(e.status().message()));
        d.entries_[*e].groups |= uint64_t{1} << g;
      }
    } else if (kind == "BLOCK") {
      if (nf != 2)
        return RowError(row, "BLOCK rows have 2 fields: BLOCK, phrases");
      for (std::string_view term : Split(row.fields[1], '|')) {
        absl::StatusOr<uint32_t> e = entry_for(term);
        if (!e.ok()) return RowError(row, AsStd(e.status().message()));
        d.entries_[*e].block = true;
      }
    } else if (kind == "PARAM") {
      if (nf != 3)
        return RowError(row, "PARAM rows have 3 fields: PARAM, name, value");
      double v;
      if (!ParseDouble(row.fields[2], &v))
        return RowError(row, "value must be a number");
      std::string_view name = row.fields[1];
      if (name == "window")
        d.params_.window = static_cast<int>(v);
      else if (name == "history_factor")
        d.params_.history_factor = v;
      else if (name == "history_before")
        d.params_.history_before = static_cast<int>(v);
      else if (name == "history_after_geopolitical")
        d.params_.history_after_geo = static_cast<int>(v);
      else if (name == "min_confidence")
        d.params_.min_confidence = v;
      else if (name == "max_evidence")
        d.params_.max_evidence = static_cast<int>(v);
      else
        return RowError(row, "unknown PARAM");
    } else if (kind == "YEARGUARD") {
      if (nf != 3 || (row.fields[1] != "before" && row.fields[1] != "after")) {
        return RowError(
            row,
            "YEARGUARD rows have 3 fields: YEARGUARD, before|after, words");
      }
      auto& set =
          row.fields[1] == "before" ? d.not_year_prev_ : d.not_year_next_;
      for (std::string_view w : Split(row.fields[2], '|'))
        set.insert(std::string(w));
    } else if (kind == "DEFAULT") {
      if (nf != 3)
        return RowError(row,
                        "DEFAULT rows have 3 fields: DEFAULT, type, direction");
      uint8_t type;
      if (!ParseType(row.fields[1], &type))
        return RowError(row, "unknown event type");
      if (!ParseDirection(row.fields[2], &d.default_direction_[type])) {
        return RowError(row, "unknown direction");
      }
    } else if (kind == "ACTION") {
      if (nf != 6) {
        return RowError(row,
                        "ACTION rows have 6 fields: ACTION, direction, types, "
                        "max distance, priority, terms");
      }
      Action a;
      if (!ParseDirection(row.fields[1], &a.direction))
        return RowError(row, "unknown direction");
      for (std::string_view t : Split(row.fields[2], ',')) {
        uint8_t type;
        if (!ParseType(t, &type)) return RowError(row, "unknown event type");
        a.types |= 1 << type;
      }
      double dist, prio;
      if (!ParseDouble(row.fields[3], &dist) ||
          !ParseDouble(row.fields[4], &prio)) {
        return RowError(row, "max distance and priority must be numbers");
      }
      a.max_distance = static_cast<uint8_t>(dist);
      a.priority = static_cast<uint8_t>(prio);
      d.actions_.push_back(a);
      for (std::string_view term : Split(row.fields[5], '|')) {
        absl::StatusOr<uint32_t> e = entry_for(term);
        if (!e.ok()) return RowError(row, AsStd(e.status().message()));
        for (uint16_t other : d.entries_[*e].actions) {
          if (d.actions_[other].types & a.types) {
            return RowError(
                row, absl::StrCat("\"", std::string(term),
                                  "\" already has an action for that type"));
          }
        }
        d.entries_[*e].actions.push_back(
            static_cast<uint16_t>(d.actions_.size() - 1));
      }
    } else if (kind == "TRIGGER") {
      if (nf != 7) {
        return RowError(
            row,
            "TRIGGER rows have 7 fields: TRIGGER, type, terms, base, "
            "boosts, rejects, direction");
      }
      Rule r;
      if (!ParseType(row.fields[1], &r.type))
        return RowError(row, "unknown event type");
      double base;
      if (!ParseDouble(row.fields[3], &base))
        return RowError(row, "base must be a number");
      r.base = static_cast<float>(base);
      if (row.fields[4] != "-") {
        for (std::string_view b : Split(row.fields[4], ' ')) {
          GroupRef ref;
          if (!parse_ref(b, true, &ref)) {
            return RowError(row, absl::StrCat("bad boost \"", std::string(b),
                                              "\" ([!]group[@scope]+weight)"));
          }
          r.boosts.push_back(ref);
        }
      }
      if (row.fields[5] != "-") {
        for (std::string_view b : Split(row.fields[5], ' ')) {
          GroupRef ref;
          if (!parse_ref(b, false, &ref)) {
            return RowError(row, absl::StrCat("bad reject \"", std::string(b),
                                              "\" (group[@scope])"));
          }
          r.rejects.push_back(ref);
        }
      }
      if (row.fields[6] != "-" &&
          !ParseDirection(row.fields[6], &r.direction)) {
        return RowError(row, "unknown direction");
      }
      d.rules_.push_back(std::move(r));
      for (std::string_view term : Split(row.fields[2], '|')) {
        absl::StatusOr<uint32_t> e = entry_for(term);
        if (!e.ok()) return RowError(row, AsStd(e.status().message()));
        d.entries_[*e].rules.push_back(
            static_cast<uint16_t>(d.rules_.size() - 1));
      }
    } else {
      return RowError(
          row,
          absl::StrCat(
              "unknown row kind \"", std::string(kind),
              "\" (GROUP, BLOCK, PARAM, YEARGUARD, DEFAULT, ACTION, TRIGGER)"));
    }
  }
  // Blocks go into both indexes: they suppress the triggers and the cues
  // they contain.
  for (uint32_t e = 0; e < d.entries_.size(); ++e) {
    const Entry& entry = d.entries_[e];
    if (entry.block || !entry.rules.empty()) {
      absl::Status s = d.triggers_.Add(analyzer, phrase_of[e], e);
      if (!s.ok()) return s;
    }
    if (entry.block || entry.groups != 0 || !entry.actions.empty()) {
      absl::Status s = d.cues_.Add(analyzer, phrase_of[e], e);
      if (!s.ok()) return s;
    }
  }
  return d;
}

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

double EventDetector::Score(const AnalyzedText& text, const Rule& rule,
                            uint32_t first, uint32_t end,
                            const std::vector<CueHit>& cues, size_t cue_begin,
                            size_t cue_end, int actors_in_sentence,
                            Direction* direction, int32_t* action_cue) const {
  uint64_t masks[kNumScopes] = {0};   // Whole cues: boosts and rejects.
  uint64_t rmasks[kNumScopes] = {0};  // Also compound parts: rejects.
  const uint32_t window = static_cast<uint32_t>(params_.window);
  int best_prio = -1;
  uint32_t best_dist = UINT32_MAX;
  *action_cue = -1;
  for (size_t c = cue_begin; c < cue_end; ++c) {
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

  // A year next to the trigger: a historical mention.
  const uint32_t sentence = text.tokens[first].sentence;
  const Sentence& sent = text.sentences[sentence];
  const uint32_t lo = first >= sent.first_token + params_.history_before
                          ? first - params_.history_before
                          : sent.first_token;
  bool historic = false;
  for (uint32_t t = lo; t < first && !historic; ++t)
    historic = IsHistoricYear(text, t);
  if (rule.type == 2) {
    const uint32_t hi =
        std::min<uint32_t>(sent.end_token, end + params_.history_after_geo);
    for (uint32_t t = end; t < hi && !historic; ++t)
      historic = IsHistoricYear(text, t);
  }
  if (historic) conf *= params_.history_factor;

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

void EventDetector::Detect(const AnalyzedText& text, uint32_t body_begin,
                           const std::vector<EntityMention>& mentions,
                           const EntityModel& entities,
                           std::vector<Event>* events, Scratch* scratch) const {
  if (gold_.has_value()) {
    std::optional<Event> gold = gold_->Detect(text, body_begin);
    if (gold.has_value()) events->push_back(*std::move(gold));
  }
  const uint32_t n = static_cast<uint32_t>(text.tokens.size());
  if (n == 0) return;

  // Pass 1 over all tokens: triggers (and blocks), longest first. Most
  // documents have none and stop here.
  std::vector<TriggerHit>& triggers = scratch->triggers;
  triggers.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (text.tokens[i].kind != TokenKind::kWord) continue;
    const PhraseIndex::Match match = triggers_.LongestMatch(text, i);
    if (match.num_tokens == 0) continue;
    if (!entries_[match.payload].block) {
      triggers.push_back({i, i + match.num_tokens, match.payload});
    }
    i += match.num_tokens - 1;
  }
  if (triggers.empty()) return;

  // Pass 2 over the sentences that hold a trigger: cues, longest first.
  std::vector<CueHit>& cues = scratch->cues;
  cues.clear();
  cues.reserve(mentions.size() + 8 * triggers.size() + 16);
  uint32_t scanned_sentence = UINT32_MAX;
  for (const TriggerHit& tr : triggers) {
    const uint32_t sentence = text.tokens[tr.first].sentence;
    if (sentence == scanned_sentence) continue;
    scanned_sentence = sentence;
    const Sentence& sent = text.sentences[sentence];
    for (uint32_t i = sent.first_token; i < sent.end_token; ++i) {
      if (text.tokens[i].kind != TokenKind::kWord) continue;
      const PhraseIndex::Match match = cues_.LongestMatch(text, i);
      if (match.num_tokens > 0) {
        const Entry& e = entries_[match.payload];
        if (!e.block) {
          cues.push_back({i, i + match.num_tokens, e.groups,
                          static_cast<int32_t>(match.payload), false});
        }
        i += match.num_tokens - 1;
        continue;
      }
      // Parts of a hyphenated compound ("water-supply", "civilian-military")
      // tell the topic: they may reject a trigger, but support one only when
      // every part is a cue ("russia-ukraine").
      if (!text.tokens[i].joined) continue;  // No '-' in it.
      std::string_view lower = text.norm(i);
      if (lower.find('-') == std::string_view::npos) continue;
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
      if (groups != 0) cues.push_back({i, i + 1, groups, -1, !all_parts});
    }
  }

  // Entity mentions as cues: @actor and @commodity.
  for (const EntityMention& m : mentions) {
    const EntityInfo& info = entities.info(m.entity);
    uint64_t groups = 0;
    if (entities.ActorOf(m.entity) >= 0) groups |= uint64_t{1} << kActorBit;
    if (info.kind == EntityKind::kCommodity)
      groups |= uint64_t{1} << kCommodityBit;
    if (info.kind == EntityKind::kPerson) groups |= uint64_t{1} << kPersonBit;
    if (groups != 0)
      cues.push_back({m.first_token, m.end_token, groups, -1, false});
  }
  std::stable_sort(
      cues.begin(), cues.end(),
      [](const CueHit& a, const CueHit& b) { return a.first < b.first; });

  auto lower_cue = [&](uint32_t token) {
    return std::lower_bound(
               cues.begin(), cues.end(), token,
               [](const CueHit& h, uint32_t t) { return h.first < t; }) -
           cues.begin();
  };
  auto lower_mention = [&](uint32_t token) {
    return std::lower_bound(mentions.begin(), mentions.end(), token,
                            [](const EntityMention& m, uint32_t t) {
                              return m.first_token < t;
                            }) -
           mentions.begin();
  };
  // Distinct actors of a sentence, in order of mention (at most 16 kept).
  auto actors_of = [&](uint32_t sentence, int32_t* out, int cap) {
    const Sentence& s = text.sentences[sentence];
    int k = 0;
    for (size_t m = lower_mention(s.first_token);
         m < mentions.size() && mentions[m].first_token < s.end_token; ++m) {
      int32_t a = entities.ActorOf(mentions[m].entity);
      if (a < 0) continue;
      bool seen = false;
      for (int j = 0; j < k && !seen; ++j) seen = out[j] == a;
      if (!seen && k < cap) out[k++] = a;
    }
    return k;
  };

  std::vector<SentenceHit>& hits = scratch->hits;
  hits.clear();
  hits.reserve(triggers.size());
  int last_hit[kNumTypes] = {-1, -1, -1};
  uint32_t cached_sentence = UINT32_MAX;
  size_t cue_begin = 0, cue_end = 0;
  int actor_count = 0;
  for (const TriggerHit& tr : triggers) {
    const uint32_t sentence = text.tokens[tr.first].sentence;
    if (sentence != cached_sentence) {
      cached_sentence = sentence;
      const Sentence& s = text.sentences[sentence];
      cue_begin = lower_cue(s.first_token);
      cue_end = lower_cue(s.end_token);
      int32_t tmp[16];
      actor_count = actors_of(sentence, tmp, 16);
    }
    for (uint16_t r : entries_[tr.entry].rules) {
      const Rule& rule = rules_[r];
      Direction dir = Direction::kUnspecified;
      int32_t action_cue = -1;
      double conf = Score(text, rule, tr.first, tr.end, cues, cue_begin,
                          cue_end, actor_count, &dir, &action_cue);
      if (conf < params_.min_confidence) continue;
      const double weight = PositionWeight(text, body_begin, sentence);
      int& last = last_hit[rule.type];
      if (last >= 0 && hits[last].sentence == sentence) {
        SentenceHit& h = hits[last];
        if (conf > h.confidence) {
          h.confidence = conf;
          h.contribution = conf * weight;
          h.direction = dir;
          h.term_first = tr.first;
          h.term_end = tr.end;
          h.action_cue = action_cue;
        }
        continue;
      }
      SentenceHit h;
      h.type = rule.type;
      h.sentence = sentence;
      h.confidence = conf;
      h.weight = weight;
      h.contribution = conf * weight;
      h.direction = dir;
      h.term_first = tr.first;
      h.term_end = tr.end;
      h.action_cue = action_cue;
      last = static_cast<int>(hits.size());
      hits.push_back(h);
    }
  }

  std::vector<const SentenceHit*>& of_type = scratch->of_type;
  for (int type = 0; type < kNumTypes; ++type) {
    of_type.clear();
    for (const SentenceHit& h : hits) {
      if (h.type == type) of_type.push_back(&h);
    }
    if (of_type.empty()) continue;
    RelevanceAccumulator acc;
    const SentenceHit* best = of_type[0];
    for (const SentenceHit* h : of_type) {
      acc.Add(h->confidence, h->weight);
      if (h->contribution > best->contribution) best = h;
    }
    // Keep the strongest sentences as evidence, listed in text order.
    if (static_cast<int>(of_type.size()) > params_.max_evidence) {
      std::stable_sort(of_type.begin(), of_type.end(),
                       [](const SentenceHit* a, const SentenceHit* b) {
                         return a->contribution > b->contribution;
                       });
      of_type.resize(params_.max_evidence);
      std::sort(of_type.begin(), of_type.end(),
                [](const SentenceHit* a, const SentenceHit* b) {
                  return a->sentence < b->sentence;
                });
    }
    Event ev;
    ev.type = kTypes[type];
    ev.relevance = acc.relevance();
    ev.direction = best->direction;
    for (const SentenceHit* h : of_type) {
      const Sentence& s = text.sentences[h->sentence];
      Evidence e;
      e.begin = s.begin;
      e.end = s.end;
      const Token& t0 = text.tokens[h->term_first];
      const Token& t1 = text.tokens[h->term_end - 1];
      e.terms.emplace_back(text.text.substr(t0.begin, t1.end - t0.begin));
      if (h->action_cue >= 0) {
        const CueHit& c = cues[h->action_cue];
        const Token& a0 = text.tokens[c.first];
        const Token& a1 = text.tokens[c.end - 1];
        e.terms.emplace_back(text.text.substr(a0.begin, a1.end - a0.begin));
      }
      ev.evidence.push_back(std::move(e));
      int32_t actors[16];
      int k = actors_of(h->sentence, actors, 16);
      for (int j = 0; j < k; ++j) {
        const std::string& id = entities.info(actors[j]).id;
        if (std::find(ev.actors.begin(), ev.actors.end(), id) ==
            ev.actors.end()) {
          ev.actors.push_back(id);
        }
      }
    }
    events->push_back(std::move(ev));
  }
}

}  // namespace tidings::scoring::internal
