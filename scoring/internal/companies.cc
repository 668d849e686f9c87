// Copyright 2026 The Tidings Authors.

#include "scoring/internal/companies.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "scoring/internal/absl_compat.h"

namespace tidings::scoring::internal {
namespace {

constexpr std::string_view kFile = "companies.tsv";
// At most this many candidate names per sentence are looked at (a sentence
// with more is a list or a table, not news about a company).
constexpr int kMaxRuns = 48;
constexpr int kMaxNameWords = 4;

absl::Status RowError(const LexiconRow& row, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s:%d: %s", std::string(kFile), row.line, std::string(what)));
}

bool IsSymbol(const AnalyzedText& text, uint32_t t, char c) {
  const Token& tok = text.tokens[t];
  return tok.kind == TokenKind::kSymbol && tok.end - tok.begin == 1 &&
         text.text[tok.begin] == c;
}

// "ONGC", "L&T": two or more characters, capitals (and '&') only.
bool IsAcronym(std::string_view raw) {
  if (raw.size() < 2) return false;
  for (char c : raw) {
    if (!((c >= 'A' && c <= 'Z') || c == '&')) return false;
  }
  return true;
}

// Quarter and fiscal-year codes by shape: "q3", "h1", "fy15", "q3fy15".
bool IsPeriodCode(std::string_view w) {
  auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
  };
  if (w.size() >= 2 && (w[0] == 'q' || w[0] == 'h') && w[1] >= '1' &&
      w[1] <= '4') {
    w.remove_prefix(2);
    if (w.empty()) return true;
  }
  return w.size() > 2 && w.substr(0, 2) == "fy" && digits(w.substr(2));
}

bool IsPossessive(std::string_view norm) {
  return norm == "'s" || norm == "\xE2\x80\x99s";
}

// A known entity's kind that may be part of a company's name.
bool MayBeInName(EntityKind kind) {
  return kind == EntityKind::kCountry || kind == EntityKind::kCommodity ||
         kind == EntityKind::kCurrency || kind == EntityKind::kMarket;
}

}  // namespace

absl::StatusOr<CompanyFinder> CompanyFinder::Create(
    const LexiconSet& lexicons, const TextAnalyzer& analyzer) {
  absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(kFile, 2, 2);
  if (!rows.ok()) return rows.status();
  static constexpr std::pair<std::string_view, Role> kKinds[] = {
      {"suffix", kSuffix}, {"name", kIndustry}, {"noun", kNoun},
      {"move", kMove},     {"action", kAction}, {"speech", kSpeech},
      {"before", kBefore}, {"stop", kStop},     {"alone", kAlone},
      {"plural", kPlural}, {"deal", kDeal}};
  CompanyFinder finder;
  finder.vocabulary_ = analyzer.vocabulary();
  const Vocabulary& vocabulary = *finder.vocabulary_;
  finder.roles_.assign(vocabulary.size() + 1, 0);
  auto id_of = [&](const LexiconRow& row,
                   std::string_view word) -> absl::StatusOr<uint32_t> {
    const uint32_t id = vocabulary.Find(word);
    if (id == Vocabulary::kNone) {
      return RowError(row, absl::StrCat("\"", std::string(word),
                                        "\" is not one lower-case word"));
    }
    return id;
  };
  for (const LexiconRow& row : *rows) {
    const auto* kind = std::find_if(
        std::begin(kKinds), std::end(kKinds),
        [&](const auto& k) { return k.first == row.fields[0]; });
    if (kind == std::end(kKinds)) {
      return RowError(row, absl::StrCat("unknown kind \"",
                                        std::string(row.fields[0]), "\""));
    }
    for (absl::string_view alt : absl::StrSplit(AsAbsl(row.fields[1]), '|')) {
      std::vector<absl::string_view> words =
          absl::StrSplit(alt, ' ', absl::SkipWhitespace());
      const size_t max_words = kind->second == kBefore ? 2 : 1;
      if (words.empty() || words.size() > max_words) {
        return RowError(row, absl::StrCat("\"", alt, "\": ", max_words,
                                          " word(s) expected"));
      }
      std::vector<uint32_t> ids;
      for (absl::string_view w : words) {
        absl::StatusOr<uint32_t> id = id_of(row, AsStd(w));
        if (!id.ok()) return id.status();
        ids.push_back(*id);
      }
      if (ids.size() == 2) {
        finder.before_pairs_.emplace_back(ids[0], ids[1]);
      } else {
        finder.roles_[ids[0]] |= kind->second;
      }
    }
  }
  finder.of_id_ = vocabulary.Find("of");
  finder.and_id_ = vocabulary.Find("and");
  if (finder.of_id_ == Vocabulary::kNone ||
      finder.and_id_ == Vocabulary::kNone) {
    return absl::InternalError("\"of\" and \"and\" must be in the vocabulary");
  }
  return finder;
}

bool CompanyFinder::BeforeCue(const AnalyzedText& text,
                              uint32_t first_in_sentence, uint32_t t) const {
  if (t == first_in_sentence) return false;
  const uint32_t prev = text.tokens[t - 1].id;
  if (RolesOf(prev) & kBefore) return true;
  if (t - 1 == first_in_sentence) return false;
  const uint32_t prev2 = text.tokens[t - 2].id;
  for (const auto& [a, b] : before_pairs_) {
    if (a == prev2 && b == prev) return true;
  }
  return false;
}

bool CompanyFinder::TitleCase(const AnalyzedText& text,
                              const Sentence& s) const {
  int words = 0;
  for (uint32_t t = s.first_token; t < s.end_token; ++t) {
    const Token& tok = text.tokens[t];
    if (tok.kind != TokenKind::kWord) continue;
    ++words;
    if (!tok.capitalized && !(RolesOf(tok.id) & kStop)) return false;
  }
  return words >= 3;
}

bool CompanyFinder::MayBeName(const AnalyzedText& text, uint32_t t,
                              bool title) const {
  const Token& tok = text.tokens[t];
  if (tok.kind != TokenKind::kWord || !tok.capitalized) return false;
  const uint16_t roles = RolesOf(tok.id);
  if (roles & (kStop | kSuffix | kNoun | kMove | kPlural | kAction | kDeal |
               kSpeech | kBefore)) {
    return false;
  }
  if (title && tok.id != Vocabulary::kNone && !(roles & kIndustry)) {
    return false;
  }
  const std::string_view norm = text.norm(t);
  if (IsPeriodCode(norm)) return false;
  if (tok.joined) {
    const std::string_view raw = text.raw(t);
    for (size_t p = raw.find_first_of("-/"); p != std::string_view::npos;
         p = raw.find_first_of("-/", p + 1)) {
      if (p + 1 >= raw.size() || !(raw[p + 1] >= 'A' && raw[p + 1] <= 'Z')) {
        return false;
      }
    }
    const std::string_view first = norm.substr(0, norm.find_first_of("-/"));
    if (RolesOf(vocabulary_->Find(first)) & kStop) return false;
  }
  return true;
}

namespace {

// A candidate name: tokens [first, end) of capitalised words (and the "&"
// or "of" joining them), and what the finder found out about it.
struct Run {
  uint32_t first = 0;
  uint32_t end = 0;
  int words = 0;
  bool all_known = true;     // Every word is a known entity's.
  bool industry = false;     // Holds an industry noun.
  bool industry_end = false; // Ends with one.
  bool single_ok = false;    // As a one-word name: unknown word or acronym.
  bool company = false;
  bool cue_after = false;    // The cue follows it (shared leftwards in a list).
  bool cue_before = false;   // The cue precedes it (shared rightwards).
};

}  // namespace

void CompanyFinder::Find(const AnalyzedText& text, const EntityModel& model,
                         const std::vector<EntityMention>& known,
                         std::vector<CompanyMention>* out) const {
  const size_t first_out = out->size();
  const Token* tokens = text.tokens.data();
  size_t k = 0;  // The first known mention that may cover the token.
  // -1: no known entity here; 0: one that may be part of a name; 1: one
  // that may not.
  auto known_at = [&](uint32_t t) {
    while (k < known.size() && known[k].end_token <= t) ++k;
    int found = -1;
    for (size_t j = k; j < known.size() && known[j].first_token <= t; ++j) {
      if (known[j].end_token <= t) continue;
      found = std::max(found, MayBeInName(model.info(known[j].entity).kind) ? 0 : 1);
    }
    return found;
  };
  Run runs[kMaxRuns];
  for (const Sentence& s : text.sentences) {
    bool any = false;
    for (uint32_t t = s.first_token; t < s.end_token && !any; ++t) {
      any = tokens[t].capitalized;
    }
    if (!any) continue;
    const bool title = TitleCase(text, s);
    auto name_word = [&](uint32_t t, int* known_here) {
      if (!MayBeName(text, t, title)) return false;
      *known_here = known_at(t);
      return *known_here <= 0;
    };
    int n = 0;
    for (uint32_t t = s.first_token; t < s.end_token && n < kMaxRuns;) {
      int known_here;
      if (!name_word(t, &known_here)) {
        ++t;
        continue;
      }
      Run& r = runs[n++];
      r = Run();
      r.first = t;
      for (;;) {  // t is a name word.
        const uint16_t roles = RolesOf(tokens[t].id);
        ++r.words;
        r.all_known = r.all_known && known_here == 0;
        r.industry = r.industry || (roles & kIndustry);
        r.industry_end = roles & kIndustry;
        r.end = ++t;
        if (t >= s.end_token) break;
        // Joined by "&" ("Cox & Kings"), or by "of" after an industry noun
        // ("Bank of Baroda").
        if (IsSymbol(text, t, '&') ||
            (tokens[t].id == of_id_ && r.industry_end)) {
          if (t + 1 >= s.end_token || !name_word(t + 1, &known_here)) break;
          ++t;
          continue;
        }
        if (!name_word(t, &known_here)) break;
      }
      const uint16_t roles = RolesOf(tokens[r.first].id);
      r.single_ok = !(roles & (kAlone | kIndustry)) &&
                    (tokens[r.first].id == Vocabulary::kNone ||
                     IsAcronym(text.raw(r.first)));
    }
    // The cues of each name.
    for (int i = 0; i < n; ++i) {
      Run& r = runs[i];
      const uint32_t a = r.end;
      const uint16_t after = a < s.end_token ? RolesOf(tokens[a].id) : 0;
      const bool acronym = r.words == 1 && IsAcronym(text.raw(r.first));
      const bool suffix = (after & kSuffix) && tokens[a].capitalized;
      if (r.first > s.first_token && IsSymbol(text, r.first - 1, '$') &&
          tokens[r.first - 1].end == tokens[r.first].begin && acronym) {
        r.company = true;  // A cashtag.
        continue;
      }
      if (r.all_known || r.words > kMaxNameWords) continue;
      if (suffix) {
        r.company = true;
        continue;
      }
      const bool noun =
          a < s.end_token && ((after & kNoun) || IsPeriodCode(text.norm(a)));
      const bool possessive = a + 1 < s.end_token &&
                              IsPossessive(text.norm(a)) &&
                              ((RolesOf(tokens[a + 1].id) & kNoun) ||
                               IsPeriodCode(text.norm(a + 1)));
      const bool speech = ((after & kSpeech) && (r.industry || acronym)) ||
                          ((after & kDeal) &&
                           (r.industry || acronym || r.words == 1));
      // A base-form move is a cue for a list only (shared below).
      r.cue_after = noun || possessive || speech ||
                    (after & (kMove | kAction | kPlural));
      r.cue_before = BeforeCue(text, s.first_token, r.first);
      const bool own_cue =
          r.cue_before || (r.cue_after && !(after & kPlural));
      r.company = (r.words >= 2 && r.industry_end) ||
                  (own_cue && (r.words >= 2 || r.single_ok));
    }
    // Lists share their cue: "Infosys, TCS and Wipro gain", "buy Infosys,
    // TCS". A list starts the sentence or a clause, so that "In London,
    // Acme shares rose" lends nothing to London.
    auto joined = [&](const Run& left, const Run& right) {
      if (right.first != left.end + 1) return false;
      const uint32_t j = left.end;
      return IsSymbol(text, j, ',') || IsSymbol(text, j, '&') ||
             tokens[j].id == and_id_;
    };
    auto may_be = [&](const Run& r) {
      return !r.all_known && r.words <= kMaxNameWords &&
             (r.words >= 2 || r.single_ok);
    };
    for (int i = n - 2; i >= 0; --i) {
      const uint32_t before = runs[i].first;
      const bool starts = before == s.first_token ||
                          IsSymbol(text, before - 1, ':') ||
                          IsSymbol(text, before - 1, ';') ||
                          (i > 0 && joined(runs[i - 1], runs[i]));
      if (runs[i + 1].cue_after && joined(runs[i], runs[i + 1]) && starts &&
          may_be(runs[i])) {
        runs[i].company = runs[i].cue_after = true;
        runs[i + 1].company = runs[i + 1].company || may_be(runs[i + 1]);
      }
    }
    for (int i = 1; i < n; ++i) {
      if (runs[i - 1].cue_before && joined(runs[i - 1], runs[i]) &&
          may_be(runs[i])) {
        runs[i].company = runs[i].cue_before = true;
      }
    }
    for (int i = 0; i < n; ++i) {
      if (runs[i].company) out->push_back({runs[i].first, runs[i].end});
    }
  }
  if (out->size() == first_out) return;

  // Every other mention of a name found: the same words, capitalised, not
  // part of a longer name.
  const size_t found = out->size();
  for (uint32_t t = 0; t < text.tokens.size(); ++t) {
    if (!tokens[t].capitalized || tokens[t].kind != TokenKind::kWord) continue;
    if (t > 0 && tokens[t - 1].capitalized &&
        tokens[t - 1].sentence == tokens[t].sentence &&
        tokens[t - 1].kind == TokenKind::kWord) {
      continue;
    }
    for (size_t c = first_out; c < found; ++c) {
      const CompanyMention& m = (*out)[c];
      const uint32_t len = m.end_token - m.first_token;
      if (t == m.first_token || tokens[t].hash != tokens[m.first_token].hash ||
          t + len > text.tokens.size()) {
        continue;
      }
      bool same = true;
      for (uint32_t q = 1; q < len && same; ++q) {
        same = tokens[t + q].hash == tokens[m.first_token + q].hash &&
               tokens[t + q].sentence == tokens[t].sentence;
      }
      const uint32_t e = t + len;
      if (same && (e >= text.tokens.size() || !tokens[e].capitalized ||
                   tokens[e].sentence != tokens[t].sentence)) {
        const bool seen = std::any_of(
            out->begin() + first_out, out->end(),
            [&](const CompanyMention& x) { return x.first_token == t; });
        if (!seen) out->push_back({t, e});
        break;
      }
    }
  }
  std::sort(out->begin() + first_out, out->end(),
            [](const CompanyMention& x, const CompanyMention& y) {
              return x.first_token < y.first_token;
            });
}

// ---------------------------------------------------------------------------
// ListEntities

namespace {

// "company:" + the name in lower case, '-' for each run of spaces.
std::string CompanyId(std::string_view name) {
  std::string id = "company:";
  id.reserve(id.size() + name.size());
  bool space = false;
  for (char c : name) {
    if (c == ' ') {
      space = true;
      continue;
    }
    if (space) id.push_back('-');
    space = false;
    id.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return id;
}

}  // namespace

void ListEntities(const AnalyzedText& text, const EntityModel& model,
                  const std::vector<EntityMention>& known,
                  const std::vector<CompanyMention>& companies,
                  std::vector<Entity>* entities,
                  std::vector<DocumentMention>* mentions) {
  mentions->clear();
  auto known_entity = [&](uint32_t entity) {
    const std::string& id = model.info(entity).id;
    for (uint32_t i = 0; i < entities->size(); ++i) {
      if ((*entities)[i].id == id) return i;
    }
    return 0u;  // Unreachable: Summarize listed it.
  };
  if (companies.empty()) {
    *entities = model.Summarize(known);
    for (const EntityMention& m : known) {
      mentions->push_back({known_entity(m.entity), m.first_token, m.end_token});
    }
    return;
  }
  // Known mentions inside a company's name are the company's.
  std::vector<EntityMention> own;
  size_t c = 0;
  for (const EntityMention& m : known) {
    while (c < companies.size() && companies[c].end_token <= m.first_token) {
      ++c;
    }
    const bool inside = c < companies.size() &&
                        companies[c].first_token <= m.first_token &&
                        m.end_token <= companies[c].end_token;
    if (!inside) own.push_back(m);
  }
  *entities = model.Summarize(own);
  const size_t num_known = entities->size();
  // The companies, one entity per id; `company_of[i]` is the entity index
  // of companies[i].
  std::vector<uint32_t> company_of(companies.size());
  for (size_t i = 0; i < companies.size(); ++i) {
    const Token& b = text.tokens[companies[i].first_token];
    const Token& e = text.tokens[companies[i].end_token - 1];
    const std::string_view name = text.text.substr(b.begin, e.end - b.begin);
    std::string id = CompanyId(name);
    auto it = std::find_if(entities->begin() + num_known, entities->end(),
                           [&](const Entity& x) { return x.id == id; });
    if (it == entities->end()) {
      Entity& x = entities->emplace_back();
      x.id = std::move(id);
      x.name = std::string(name);
      x.kind = EntityKind::kCompany;
      it = entities->end() - 1;
    }
    ++it->mentions;
    company_of[i] = static_cast<uint32_t>(it - entities->begin());
  }
  // Most mentioned first; on a tie the known entities (in Summarize's
  // order), then the companies in order of first mention.
  std::vector<uint32_t> order(entities->size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return (*entities)[a].mentions > (*entities)[b].mentions;
  });
  std::vector<uint32_t> position(order.size());
  std::vector<Entity> sorted;
  sorted.reserve(order.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    position[order[i]] = i;
    sorted.push_back(std::move((*entities)[order[i]]));
  }
  entities->swap(sorted);
  // The mentions in token order, each with its entity's position.
  c = 0;
  for (const EntityMention& m : own) {
    for (; c < companies.size() &&
           companies[c].first_token <= m.first_token;
         ++c) {
      mentions->push_back({position[company_of[c]], companies[c].first_token,
                           companies[c].end_token});
    }
    mentions->push_back({known_entity(m.entity), m.first_token, m.end_token});
  }
  for (; c < companies.size(); ++c) {
    mentions->push_back({position[company_of[c]], companies[c].first_token,
                         companies[c].end_token});
  }
}

}  // namespace tidings::scoring::internal
