// Copyright 2026 The Tidings Authors.

#include "scoring/internal/entities.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tidings::scoring::internal {
namespace {

constexpr std::string_view kFile = "entities.tsv";

inline bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }

// Splits "a|b|c" into its non-empty, trimmed parts.
std::vector<std::string_view> SplitBar(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t bar = s.find('|', start);
    if (bar == std::string_view::npos) bar = s.size();
    std::string_view part = s.substr(start, bar - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    start = bar + 1;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// PhraseIndex

bool PhraseIndex::CaseOk(CaseRule rule, std::string_view raw) {
  switch (rule) {
    case CaseRule::kAny:
      return true;
    case CaseRule::kCapitalized:
      return !raw.empty() && (IsUpper(static_cast<unsigned char>(raw[0])) ||
                              static_cast<unsigned char>(raw[0]) >= 0x80);
    case CaseRule::kAllCaps:
      for (char c : raw) {
        if (IsLower(static_cast<unsigned char>(c))) return false;
      }
      return true;
  }
  return true;
}

absl::Status PhraseIndex::Add(const TextAnalyzer& analyzer,
                              std::string_view phrase, uint32_t payload) {
  AnalyzedText at;
  analyzer.Analyze(phrase, &at);
  if (at.tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("phrase \"", std::string(phrase), "\" has no tokens"));
  }
  if (vocabulary_ == nullptr) {
    vocabulary_ = analyzer.vocabulary();
    vocabulary_digest_ = vocabulary_->digest();
    list_of_id_.assign(vocabulary_->size() + 1, -1);
  }
  if (at.vocabulary_digest != vocabulary_digest_) {
    return absl::InternalError(
        "phrases added with analyzers of different vocabularies");
  }
  Phrase ph;
  ph.first_word = static_cast<uint32_t>(words_.size());
  ph.num_words = static_cast<uint32_t>(at.tokens.size());
  ph.payload = payload;
  ph.key_word = ph.first_word;
  size_t key_size = 0;
  for (size_t t = 0; t < at.tokens.size(); ++t) {
    if (at.norm(t).size() > key_size) {
      key_size = at.norm(t).size();
      ph.key_word = static_cast<uint32_t>(words_.size());
    }
    Word w;
    w.id = at.tokens[t].id;
    if (w.id == Vocabulary::kNone) {
      return absl::InternalError(
          absl::StrCat("word \"", std::string(at.norm(t)), "\" of phrase \"",
                       std::string(phrase), "\" is not in the vocabulary"));
    }
    std::string_view raw = at.raw(t);
    int upper = 0, lower = 0;
    for (char c : raw) {
      upper += IsUpper(static_cast<unsigned char>(c));
      lower += IsLower(static_cast<unsigned char>(c));
    }
    if (upper >= 2 && lower == 0) {
      w.rule = CaseRule::kAllCaps;
    } else if (upper > 0 && IsUpper(static_cast<unsigned char>(raw[0]))) {
      w.rule = CaseRule::kCapitalized;
    } else {
      w.rule = CaseRule::kAny;
    }
    words_.push_back(w);
  }
  const uint32_t id = static_cast<uint32_t>(phrases_.size());
  phrases_.push_back(ph);
  int32_t& list_index = list_of_id_[words_[ph.first_word].id];
  if (list_index < 0) {
    list_index = static_cast<int32_t>(lists_.size());
    lists_.emplace_back();
  }
  List& list = lists_[list_index];
  list.phrases.push_back(id);
  // Longest first; among equal lengths, the order of addition.
  std::stable_sort(list.phrases.begin(), list.phrases.end(),
                   [this](uint32_t a, uint32_t b) {
                     return phrases_[a].num_words > phrases_[b].num_words;
                   });
  list.first_single = 0;
  while (list.first_single < list.phrases.size() &&
         phrases_[list.phrases[list.first_single]].num_words > 1) {
    ++list.first_single;
  }
  if (ph.num_words > 1) {
    list.second_words |= uint64_t{1} << (words_[ph.first_word + 1].id % 64);
  }
  return absl::OkStatus();
}

PhraseIndex::Match PhraseIndex::LongestMatchIn(const List& list,
                                               const AnalyzedText& text,
                                               uint32_t i) const {
  const Token* tokens = text.tokens.data();
  const uint32_t sentence = tokens[i].sentence;
  const size_t n = text.tokens.size();
  // The longer phrases only when the next word may be one's second word.
  const bool longer = i + 1 < n && tokens[i + 1].sentence == sentence &&
                      (list.second_words >> (tokens[i + 1].id % 64) & 1);
  for (size_t p = longer ? 0 : list.first_single; p < list.phrases.size();
       ++p) {  // Longest first.
    const Phrase& ph = phrases_[list.phrases[p]];
    if (i + ph.num_words > n) continue;
    const Word* words = &words_[ph.first_word];
    bool ok = true;
    for (uint32_t k = 1; ok && k < ph.num_words; ++k) {
      ok =
          tokens[i + k].sentence == sentence && tokens[i + k].id == words[k].id;
    }
    for (uint32_t k = 0; ok && k < ph.num_words; ++k) {
      ok = CaseOk(words[k].rule, text.raw(i + k));
    }
    if (ok) return {ph.payload, ph.num_words};
  }
  return {};
}

void PhraseIndex::MarkStarts(uint16_t bit,
                             std::vector<uint16_t>* hits_of_id) const {
  const size_t n = std::min(hits_of_id->size(), list_of_id_.size());
  for (size_t id = 0; id < n; ++id) {
    if (list_of_id_[id] >= 0) (*hits_of_id)[id] |= bit;
  }
}

void PhraseIndex::MarkKeyWords(uint16_t bit,
                               std::vector<uint16_t>* hits_of_id) const {
  for (const Phrase& ph : phrases_) {
    const uint32_t id = words_[ph.key_word].id;
    if (id < hits_of_id->size()) (*hits_of_id)[id] |= bit;
  }
}

bool PhraseIndex::WordMatch(std::string_view lower, std::string_view raw,
                            bool relax_case, uint32_t* payload) const {
  if (vocabulary_ == nullptr) return false;  // No phrases.
  const List* list = StartingWith(vocabulary_->Find(lower));
  if (list == nullptr) return false;
  for (size_t k = list->first_single; k < list->phrases.size(); ++k) {
    const Phrase& ph = phrases_[list->phrases[k]];
    if (!relax_case && !CaseOk(words_[ph.first_word].rule, raw)) continue;
    *payload = ph.payload;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// EntityModel

absl::StatusOr<EntityModel> EntityModel::Create(const LexiconSet& lexicons) {
  absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(lexicons);
  if (!analyzer.ok()) return analyzer.status();
  return Create(lexicons, *analyzer);
}

namespace {

// A row of entities.tsv and the entity it defines (or kBlocked).
struct Pending {
  const LexiconRow* row;
  uint32_t entity;
};

// The entity of a row whose id is not "-": ID (<kind>:<name>), NAME and
// COUNTRY ("-" for none).
absl::StatusOr<EntityInfo> ParseEntity(const LexiconRow& row) {
  std::string_view id = row.fields[0];
  size_t colon = id.find(':');
  if (colon == std::string_view::npos || colon + 1 == id.size()) {
    return RowError(kFile, row, "id must be <kind>:<name> or \"-\"");
  }
  std::string_view prefix = id.substr(0, colon);
  EntityInfo info;
  if (prefix == "country") {
    info.kind = EntityKind::kCountry;
  } else if (prefix == "bloc") {
    info.kind = EntityKind::kBloc;
  } else if (prefix == "person") {
    info.kind = EntityKind::kPerson;
  } else if (prefix == "inst") {
    info.kind = EntityKind::kInstitution;
  } else if (prefix == "commodity") {
    info.kind = EntityKind::kCommodity;
  } else if (prefix == "market") {
    info.kind = EntityKind::kMarket;
  } else if (prefix == "currency") {
    info.kind = EntityKind::kCurrency;
  } else {
    return RowError(kFile, row,
                    absl::StrCat("unknown id prefix \"", std::string(prefix),
                                 "\" (country, bloc, person, inst, commodity, "
                                 "market, currency)"));
  }
  info.id = std::string(id);
  info.name = std::string(row.fields[1]);
  if (row.fields[2] != "-") info.country = std::string(row.fields[2]);
  return info;
}

// The actors (EntityModel::ActorOf) of the `pending` rows' entities in
// `table` (`index`: id -> entity; `blocked`: a row without an entity): a
// country or bloc is its own, a person acts for the country or bloc of its
// COUNTRY column, which an institution must name too if it has one.
absl::Status ResolveActors(
    const std::vector<EntityInfo>& table,
    const absl::flat_hash_map<std::string, uint32_t>& index,
    const std::vector<Pending>& pending, uint32_t blocked,
    std::vector<int32_t>* actor) {
  actor->assign(table.size(), -1);
  for (const Pending& p : pending) {
    if (p.entity == blocked) continue;
    const EntityInfo& info = table[p.entity];
    switch (info.kind) {
      case EntityKind::kCountry:
      case EntityKind::kBloc:
        (*actor)[p.entity] = static_cast<int32_t>(p.entity);
        break;
      case EntityKind::kPerson:
      case EntityKind::kInstitution: {
        if (info.country.empty()) break;
        auto it = index.find(info.country);
        if (it == index.end() ||
            (table[it->second].kind != EntityKind::kCountry &&
             table[it->second].kind != EntityKind::kBloc)) {
          return RowError(
              kFile, *p.row,
              absl::StrCat("country ", info.country,
                           " is not a country or bloc id in the file"));
        }
        if (info.kind == EntityKind::kPerson) {
          (*actor)[p.entity] = static_cast<int32_t>(it->second);
        }
        break;
      }
      case EntityKind::kCommodity:
      case EntityKind::kCompany:
      case EntityKind::kMarket:
      case EntityKind::kCurrency:
        break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EntityModel> EntityModel::Create(const LexiconSet& lexicons,
                                                const TextAnalyzer& analyzer) {
  absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(kFile, 4, 4);
  if (!rows.ok()) return rows.status();

  EntityModel model;
  absl::flat_hash_map<std::string, uint32_t> index;
  std::vector<Pending> pending;
  for (const LexiconRow& row : *rows) {
    uint32_t entity = kBlocked;
    if (row.fields[0] != "-") {
      absl::StatusOr<EntityInfo> info = ParseEntity(row);
      if (!info.ok()) return info.status();
      if (!index.emplace(info->id, static_cast<uint32_t>(model.table_.size()))
               .second) {
        return RowError(kFile, row, absl::StrCat("duplicate id ", info->id));
      }
      entity = static_cast<uint32_t>(model.table_.size());
      model.table_.push_back(*std::move(info));
    }
    pending.push_back({&row, entity});
  }
  if (absl::Status s =
          ResolveActors(model.table_, index, pending, kBlocked, &model.actor_);
      !s.ok()) {
    return s;
  }
  for (const Pending& p : pending) {
    std::vector<std::string_view> aliases = SplitBar(p.row->fields[3]);
    if (aliases.empty()) return RowError(kFile, *p.row, "no aliases");
    for (std::string_view alias : aliases) {
      absl::Status s = model.aliases_.Add(analyzer, alias, p.entity);
      if (!s.ok()) return RowError(kFile, *p.row, AsStd(s.message()));
    }
  }
  return model;
}

void EntityModel::Find(const AnalyzedText& text,
                       std::vector<EntityMention>* mentions) const {
  // Sentence by sentence (an alias never crosses a sentence end), skipping
  // those that hold no alias's key word and no joined word (MarkHits), and
  // in the others the tokens where no alias starts and that are not joined.
  for (const Sentence& s : text.sentences) {
    if (s.hits & (kHitEntity | kHitJoined)) FindIn(text, s, mentions);
  }
}

void EntityModel::FindIn(const AnalyzedText& text, const Sentence& s,
                         std::vector<EntityMention>* mentions) const {
  const uint32_t n = s.end_token;
  uint32_t i = s.first_token;
  while (i < n) {
    if (text.tokens[i].kind != TokenKind::kWord ||
        !(text.tokens[i].hits & (kHitEntityStart | kHitJoined))) {
      ++i;
      continue;
    }
    const PhraseIndex::Match match = aliases_.LongestMatch(text, i);
    if (match.num_tokens > 0) {
      if (match.payload != kBlocked) {
        mentions->push_back({match.payload, i, i + match.num_tokens});
      }
      i += match.num_tokens;
      continue;
    }
    // A hyphenated compound: "US-China", "Iraq-Iran", "Trump-era".
    if (!text.tokens[i].joined) {
      ++i;
      continue;
    }
    std::string_view lower = text.norm(i);
    if (lower.find('-') != std::string_view::npos) {
      std::string_view raw = text.raw(i);
      // Two rounds: strict case first; relaxed when two or more parts name
      // entities ("us-china" in a lower-case headline).
      int named = 0;
      bool any = false;  // A part is a one-word alias (even a blocking one).
      size_t start = 0;
      while (start < lower.size()) {
        size_t dash = lower.find('-', start);
        if (dash == std::string_view::npos) dash = lower.size();
        uint32_t payload;
        const bool match =
            aliases_.WordMatch(lower.substr(start, dash - start),
                               raw.substr(start, dash - start), true, &payload);
        any = any || match;
        named += match && payload != kBlocked;
        start = dash + 1;
      }
      const bool relax = named >= 2;
      // No part is an alias in any case: none is in its own case either.
      start = any ? 0 : lower.size();
      while (start < lower.size()) {
        size_t dash = lower.find('-', start);
        if (dash == std::string_view::npos) dash = lower.size();
        uint32_t payload;
        if (aliases_.WordMatch(lower.substr(start, dash - start),
                               raw.substr(start, dash - start), relax,
                               &payload) &&
            payload != kBlocked) {
          mentions->push_back({payload, i, i + 1});
        }
        start = dash + 1;
      }
    }
    ++i;
  }
}

std::vector<Entity> EntityModel::Summarize(
    absl::Span<const EntityMention> mentions, uint32_t* positions) const {
  RankedList ranked;
  Rank(mentions, positions, &ranked);
  std::vector<Entity> out(ranked.size());
  for (size_t k = 0; k < ranked.size(); ++k) Fill(ranked[k], &out[k]);
  return out;
}

void EntityModel::Rank(absl::Span<const EntityMention> mentions,
                       uint32_t* positions, RankedList* ranked) const {
  // Distinct entities in order of first mention, with their counts. A text
  // names a few dozen at most: a linear search beats a hash table here.
  struct Count {
    uint32_t entity;
    uint32_t mentions;
    uint32_t rank;  // Position in the result.
  };
  absl::InlinedVector<Count, 16> counts;
  for (size_t i = 0; i < mentions.size(); ++i) {
    auto it = std::find_if(counts.begin(), counts.end(), [&](const Count& c) {
      return c.entity == mentions[i].entity;
    });
    if (it == counts.end()) {
      counts.push_back({mentions[i].entity, 0, 0});
      it = counts.end() - 1;
    }
    ++it->mentions;
    if (positions != nullptr) {
      positions[i] = static_cast<uint32_t>(it - counts.begin());
    }
  }
  // Most mentioned first; ties in order of first mention (a stable
  // insertion sort: most entities are mentioned once or twice).
  absl::InlinedVector<uint32_t, 16> order(counts.size());
  for (uint32_t k = 0; k < order.size(); ++k) {
    uint32_t j = k;
    for (; j > 0 && counts[order[j - 1]].mentions < counts[k].mentions; --j) {
      order[j] = order[j - 1];
    }
    order[j] = k;
  }
  for (uint32_t k = 0; k < order.size(); ++k) counts[order[k]].rank = k;
  ranked->resize(counts.size());
  for (const Count& c : counts) (*ranked)[c.rank] = {c.entity, c.mentions};
  if (positions != nullptr) {
    for (size_t i = 0; i < mentions.size(); ++i) {
      positions[i] = counts[positions[i]].rank;
    }
  }
}

}  // namespace tidings::scoring::internal
