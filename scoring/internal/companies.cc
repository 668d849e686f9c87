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

// A cheap test before IsPeriodCode(): short, and starts with q, h or f.
bool MayBePeriodCode(const AnalyzedText& text, uint32_t t) {
  const Token& tok = text.tokens[t];
  const char c = text.lower[tok.begin];
  return tok.end - tok.begin <= 8 && (c == 'q' || c == 'h' || c == 'f');
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
      {"plural", kPlural}, {"deal", kDeal},     {"cashtag", kCashtag},
      {"ticker", kTicker}};
  CompanyFinder finder;
  finder.vocabulary_ = analyzer.vocabulary();
  const Vocabulary& vocabulary = *finder.vocabulary_;
  finder.roles_.assign(vocabulary.size() + 1, 0);
  auto id_of = [&](const LexiconRow& row,
                   std::string_view word) -> absl::StatusOr<uint32_t> {
    const uint32_t id = vocabulary.Find(word);
    if (id == Vocabulary::kNone) {
      return RowError(kFile, row,
                      absl::StrCat("\"", std::string(word),
                                   "\" is not one lower-case word"));
    }
    return id;
  };
  for (const LexiconRow& row : *rows) {
    const auto* kind =
        std::find_if(std::begin(kKinds), std::end(kKinds),
                     [&](const auto& k) { return k.first == row.fields[0]; });
    if (kind == std::end(kKinds)) {
      return RowError(
          kFile, row,
          absl::StrCat("unknown kind \"", std::string(row.fields[0]), "\""));
    }
    for (absl::string_view alt : absl::StrSplit(AsAbsl(row.fields[1]), '|')) {
      std::vector<absl::string_view> words =
          absl::StrSplit(alt, ' ', absl::SkipWhitespace());
      const size_t max_words = kind->second == kBefore ? 2 : 1;
      if (words.empty() || words.size() > max_words) {
        return RowError(
            kFile, row,
            absl::StrCat("\"", alt, "\": ", max_words, " word(s) expected"));
      }
      std::vector<uint32_t> ids;
      for (absl::string_view w : words) {
        absl::StatusOr<uint32_t> id = id_of(row, AsStd(w));
        if (!id.ok()) return id.status();
        ids.push_back(*id);
      }
      if (ids.size() == 2) {
        finder.before_pairs_.emplace_back(ids[0], ids[1]);
        finder.roles_[ids[1]] |= kBeforeEnd;
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
  if (!(RolesOf(prev) & kBeforeEnd) || t - 1 == first_in_sentence) {
    return false;
  }
  const uint32_t prev2 = text.tokens[t - 2].id;
  for (const auto& [a, b] : before_pairs_) {
    if (a == prev2 && b == prev) return true;
  }
  return false;
}

bool CompanyFinder::AfterCue(const AnalyzedText& text, const Sentence& s,
                             uint32_t t, uint16_t after) const {
  if (after & (kAfterRoles & ~(kSpeech | kDeal))) return true;
  if (!(after & (kSpeech | kDeal))) return false;
  // "says", "buys" mark a name that may be a company's (as Judge() will
  // ask): an acronym, one with an industry noun, or for a deal one word.
  const Token* tokens = text.tokens.data();
  if (IsAcronym(text.raw(t))) return true;
  if ((after & kDeal) && (t == s.first_token || !tokens[t - 1].capitalized)) {
    return true;
  }
  for (uint32_t q = t + 1; q-- > s.first_token && t - q <= kMaxNameWords + 1 &&
                           tokens[q].capitalized;) {
    if (RolesOf(tokens[q].id) & kIndustry) return true;
  }
  return false;
}

CompanyFinder::Case CompanyFinder::CaseOf(const AnalyzedText& text,
                                          const Sentence& s) const {
  int words = 0;
  bool lower = false;  // A lower-case letter in some word.
  for (uint32_t t = s.first_token; t < s.end_token; ++t) {
    const Token& tok = text.tokens[t];
    if (tok.kind != TokenKind::kWord) continue;
    ++words;
    if (!tok.capitalized && !(RolesOf(tok.id) & kStop)) return Case::kSentence;
    const std::string_view raw = text.raw(t);
    lower = lower || std::any_of(raw.begin(), raw.end(),
                                 [](char c) { return c >= 'a' && c <= 'z'; });
  }
  if (words < 3) return Case::kSentence;
  return lower ? Case::kTitle : Case::kCapitals;
}

bool CompanyFinder::MayBeName(const AnalyzedText& text, uint32_t t,
                              bool title) const {
  const Token& tok = text.tokens[t];
  if (tok.kind != TokenKind::kWord || !tok.capitalized) return false;
  const uint16_t roles = RolesOf(tok.id);
  if (roles & kNotName) return false;
  if (title && tok.id != Vocabulary::kNone && !(roles & kIndustry)) {
    return false;
  }
  const std::string_view norm = text.norm(t);
  if ((norm[0] == 'q' || norm[0] == 'h' || norm[0] == 'f') &&
      IsPeriodCode(norm)) {
    return false;
  }
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

// A candidate name: tokens [first, end) of capitalised words (and the "&"
// or "of" joining them), and what the finder found out about it.
struct CompanyFinder::Run {
  // (No initialisers: a sentence keeps an array of these, set one by one.)
  uint32_t first;
  uint32_t end;
  int words;
  bool all_known;     // Every word is a known entity's.
  bool industry;      // Holds an industry noun.
  bool industry_end;  // Ends with one.
  bool single_ok;     // As a one-word name: unknown word or acronym.
  bool company;
  bool cue_after;   // The cue follows it (shared leftwards in a list).
  bool cue_before;  // The cue precedes it (shared rightwards).
};

// Find()'s view of one sentence. Names are built only around the cues, by
// walking from the cue over the capitalised words.
class CompanyFinder::SentenceScan {
 public:
  SentenceScan(const CompanyFinder& finder, const AnalyzedText& text,
               const EntityModel& model,
               const std::vector<EntityMention>& known, const Sentence& s)
      : f_(finder),
        text_(text),
        tokens_(text.tokens.data()),
        model_(model),
        known_(known),
        first_(s.first_token),
        end_(s.end_token),
        s_(s) {}

  // Whether token t (of the sentence) may be a word of a name.
  bool NameWord(uint32_t t) {
    if (t < first_ || t >= end_ || !tokens_[t].capitalized) return false;
    return f_.MayBeName(text_, t, CaseOf() != Case::kSentence) &&
           KnownAt(t) <= 0;
  }
  // The whole name around name word t.
  Run RunAt(uint32_t t) {
    uint32_t b = t, e = t + 1;
    for (;;) {
      if (NameWord(b - 1)) {
        --b;
      } else if (b >= first_ + 2 && Joiner(b - 1) && NameWord(b - 2)) {
        b -= 2;
      } else {
        break;
      }
    }
    for (;;) {
      if (NameWord(e)) {
        ++e;
      } else if (e + 1 < end_ && Joiner(e) && NameWord(e + 1)) {
        e += 2;
      } else {
        break;
      }
    }
    return Describe(b, e);
  }
  // The name around token t, if t is a name word: found before, or built
  // and judged now.
  Run* Add(uint32_t t) {
    if (t < first_ || t >= end_ || !tokens_[t].capitalized) return nullptr;
    for (int i = 0; i < n_; ++i) {
      if (runs_[i].first <= t && t < runs_[i].end) return &runs_[i];
    }
    if (n_ == kMaxRuns || !NameWord(t)) return nullptr;
    runs_[n_] = RunAt(t);
    Judge(&runs_[n_]);
    return &runs_[n_++];
  }
  // Lets lists share their cues, then appends the companies to `out`.
  void Emit(CompanyMentions* out);
  // Sets the cues of `r` and whether they make it a company.
  void Judge(Run* r);
  // Whether token j separates two names of a list: ",", "&" or "and".
  bool Separator(uint32_t j) const {
    return text_.is_symbol(j, ',') || text_.is_symbol(j, '&') ||
           tokens_[j].id == f_.and_id_;
  }
  bool MayBe(const Run& r) const {
    return !r.all_known && r.words <= kMaxNameWords &&
           (r.words >= 2 || r.single_ok);
  }

 private:
  // The sentence's case, once needed.
  Case CaseOf() {
    if (!case_known_) {
      case_ = f_.CaseOf(text_, s_);
      case_known_ = true;
    }
    return case_;
  }
  // Whether token t is covered by a known entity: -1 no, 0 one that may be
  // part of a name, 1 one that may not.
  int KnownAt(uint32_t t) const {
    auto it = std::lower_bound(
        known_.begin(), known_.end(), t,
        [](const EntityMention& m, uint32_t x) { return m.end_token <= x; });
    int found = -1;
    for (; it != known_.end() && it->first_token <= t; ++it) {
      if (it->end_token <= t) continue;
      found =
          std::max(found, MayBeInName(model_.info(it->entity).kind) ? 0 : 1);
    }
    return found;
  }
  // "&" ("Cox & Kings"), or "of" after an industry noun ("Bank of Baroda").
  bool Joiner(uint32_t j) const {
    return text_.is_symbol(j, '&') ||
           (tokens_[j].id == f_.of_id_ && j > first_ &&
            (f_.RolesOf(tokens_[j - 1].id) & kIndustry));
  }
  Run Describe(uint32_t b, uint32_t e) const {
    Run r{b, e, 0, true, false, false, false, false, false, false};
    for (uint32_t t = b; t < e; ++t) {
      if (tokens_[t].kind != TokenKind::kWord || tokens_[t].id == f_.of_id_) {
        continue;  // A joiner.
      }
      const uint16_t roles = f_.RolesOf(tokens_[t].id);
      ++r.words;
      r.all_known = r.all_known && KnownAt(t) == 0;
      r.industry = r.industry || (roles & kIndustry);
      r.industry_end = roles & kIndustry;
    }
    const uint16_t roles = f_.RolesOf(tokens_[b].id);
    r.single_ok =
        !(roles & (kAlone | kIndustry)) &&
        (tokens_[b].id == Vocabulary::kNone || IsAcronym(text_.raw(b)));
    return r;
  }

  const CompanyFinder& f_;
  const AnalyzedText& text_;
  const Token* tokens_;
  const EntityModel& model_;
  const std::vector<EntityMention>& known_;
  const uint32_t first_, end_;
  const Sentence& s_;
  Case case_ = Case::kSentence;
  bool case_known_ = false;
  Run runs_[kMaxRuns];  // The names next to a cue, each once.
  int n_ = 0;
};

void CompanyFinder::SentenceScan::Judge(Run* r) {
  const uint32_t a = r->end;
  const uint16_t after = a < end_ ? f_.RolesOf(tokens_[a].id) : 0;
  const bool acronym = r->words == 1 && IsAcronym(text_.raw(r->first));
  if (r->first > first_ && text_.is_symbol(r->first - 1, '$') &&
      tokens_[r->first - 1].end == tokens_[r->first].begin && acronym) {
    r->company = true;  // A cashtag.
    return;
  }
  // A legal suffix ("Acme Corp") or a ticker ("Acme <ACM>"): any name but
  // a list word or an industry noun alone ("Mining Co").
  if (r->all_known || r->words > kMaxNameWords) return;
  if (r->words == 1 &&
      (f_.RolesOf(tokens_[r->first].id) & (kAlone | kIndustry))) {
    return;
  }
  if (((after & kSuffix) && tokens_[a].capitalized) ||
      ((after & kTicker) && a + 2 < end_ && text_.is_symbol(a + 2, '>') &&
       IsAcronym(text_.raw(a + 1)))) {
    r->company = true;
    return;
  }
  // In capitals ("ACME PAYS DIVIDEND") any word could be a name: only
  // those cues count.
  if (CaseOf() == Case::kCapitals) return;
  const bool noun =
      a < end_ && ((after & kNoun) || IsPeriodCode(text_.norm(a)));
  const bool possessive = a + 1 < end_ && IsPossessive(text_.norm(a)) &&
                          ((f_.RolesOf(tokens_[a + 1].id) & kNoun) ||
                           IsPeriodCode(text_.norm(a + 1)));
  const bool speech =
      ((after & kSpeech) && (r->industry || acronym)) ||
      ((after & kDeal) && (r->industry || acronym || r->words == 1));
  // A base-form move is a cue for a list only (shared in Emit()).
  r->cue_after =
      noun || possessive || speech || (after & (kMove | kAction | kPlural));
  r->cue_before = f_.BeforeCue(text_, first_, r->first);
  const bool own_cue = r->cue_before || (r->cue_after && !(after & kPlural));
  r->company = (r->words >= 2 && r->industry_end) ||
               (own_cue && (r->words >= 2 || r->single_ok));
}

void CompanyFinder::SentenceScan::Emit(CompanyMentions* out) {
  if (n_ == 0) return;
  // Lists share their cue: "Infosys, TCS and Wipro gain", "buy Infosys,
  // TCS". A list starts the sentence or a clause (or goes on further
  // left), so that "In London, Acme shares rose" lends nothing to London.
  for (int i = 0; i < n_; ++i) {
    for (Run* r = &runs_[i];
         r->cue_after && r->first >= first_ + 2 && Separator(r->first - 1);) {
      Run* left = Add(r->first - 2);
      if (left == nullptr || !MayBe(*left)) break;
      const uint32_t b = left->first;
      const bool starts =
          b == first_ || text_.is_symbol(b - 1, ':') ||
          text_.is_symbol(b - 1, ';') ||
          (b >= first_ + 2 && Separator(b - 1) && NameWord(b - 2));
      if (!starts) break;
      left->company = left->cue_after = true;
      r->company = r->company || MayBe(*r);
      r = left;
    }
    for (Run* r = &runs_[i];
         r->cue_before && r->end + 1 < end_ && Separator(r->end);) {
      Run* right = Add(r->end + 1);
      if (right == nullptr || !MayBe(*right)) break;
      right->company = right->cue_before = true;
      r = right;
    }
  }
  std::sort(runs_, runs_ + n_,
            [](const Run& a, const Run& b) { return a.first < b.first; });
  for (int i = 0; i < n_; ++i) {
    if (runs_[i].company) out->push_back({runs_[i].first, runs_[i].end});
  }
}

namespace {

// The distinct names a document has shown so far (the first few), to find
// their later mentions: the same words, capitalised, not inside a longer
// name.
class NamesFound {
 public:
  explicit NamesFound(const AnalyzedText& text)
      : text_(text), tokens_(text.tokens.data()) {}

  // Whether a name found may start at token t (its first word's hash).
  bool MayStartAt(uint32_t t) const {
    if (!(bits_ >> (tokens_[t].hash & 63) & 1)) return false;
    for (int c = 0; c < n_; ++c) {
      if (tokens_[t].hash == tokens_[names_[c].first_token].hash) return true;
    }
    return false;
  }
  // Appends to `out` the names found that start at `starts` (n of them) in
  // sentence `s` and are not in out[from, ...) already. Clears `*sorted`
  // if one comes before the last of `out`.
  void AddMentions(const Sentence& s, const uint32_t* starts, int n,
                   size_t from, CompanyMentions* out, bool* sorted) const {
    for (int r = 0; r < n; ++r) {
      const uint32_t t = starts[r];
      for (int c = 0; c < n_; ++c) {
        const uint32_t e = t + Length(names_[c]);
        if (!Same(t, names_[c]) ||
            (e < s.end_token && tokens_[e].capitalized)) {
          continue;
        }
        const bool here = std::any_of(
            out->begin() + from, out->end(),
            [&](const CompanyMention& x) { return x.first_token == t; });
        if (!here) {
          *sorted =
              *sorted && (out->size() == from || out->back().first_token < t);
          out->push_back({t, e});
        }
        break;
      }
    }
  }
  // Learns the names of out[from, ...).
  void Learn(const CompanyMentions& out, size_t from) {
    for (size_t i = from; i < out.size() && n_ < kMaxNames; ++i) {
      bool seen = false;
      for (int c = 0; c < n_ && !seen; ++c) {
        seen = Length(out[i]) == Length(names_[c]) &&
               Same(out[i].first_token, names_[c]);
      }
      if (!seen) {
        names_[n_++] = out[i];
        bits_ |= uint64_t{1} << (tokens_[out[i].first_token].hash & 63);
      }
    }
  }

 private:
  static constexpr int kMaxNames = 16;
  static uint32_t Length(const CompanyMention& m) {
    return m.end_token - m.first_token;
  }
  // Whether the words from token a, in one sentence, are those of `name`.
  bool Same(uint32_t a, const CompanyMention& name) const {
    const uint32_t len = Length(name);
    if (a + len > text_.tokens.size()) return false;
    for (uint32_t q = 0; q < len; ++q) {
      if (tokens_[a + q].hash != tokens_[name.first_token + q].hash ||
          tokens_[a + q].sentence != tokens_[a].sentence) {
        return false;
      }
    }
    return true;
  }

  const AnalyzedText& text_;
  const Token* tokens_;
  CompanyMention names_[kMaxNames];
  int n_ = 0;
  uint64_t bits_ = 0;  // A bit for each name's first word (hash & 63).
};

}  // namespace

void CompanyFinder::Find(const AnalyzedText& text, const EntityModel& model,
                         const std::vector<EntityMention>& known,
                         CompanyMentions* out) const {
  const size_t first_out = out->size();
  const Token* tokens = text.tokens.data();
  NamesFound names(text);
  bool sorted = true;
  for (const Sentence& s : text.sentences) {
    // The capitalised words of the sentence, gathered without a branch per
    // token (most tokens are not capitalised: a test for each would be
    // mispredicted often). Only the first kMaxCaps tokens: a longer
    // sentence is a table or a list, not news about a company.
    constexpr uint32_t kMaxCaps = 128;
    uint32_t caps[kMaxCaps];
    uint32_t num_caps = 0;
    const uint32_t gather_end = std::min(s.end_token, s.first_token + kMaxCaps);
    for (uint32_t t = s.first_token; t < gather_end; ++t) {
      caps[num_caps] = t;
      num_caps += tokens[t].capitalized;
    }
    if (num_caps == 0) continue;
    // Every company has a capitalised word: the cues are looked for next
    // to those. And a name found before may start again at one.
    SentenceScan scan(*this, text, model, known, s);
    uint32_t repeats[8];
    int num_repeats = 0;
    const uint32_t first = s.first_token, end = s.end_token;
    for (uint32_t k = 0; k < num_caps; ++k) {
      const uint32_t t = caps[k];
      const uint16_t roles = RolesOf(tokens[t].id);
      // A word of the lists ("The", "Shares") is in no name.
      if (roles & kNotName) continue;
      if (roles & kIndustry) scan.Add(t);  // "Axis Bank"
      if (t + 1 < end) {
        // "Acme shares", "Acme Q3 net", "Acme's profit".
        const uint32_t a = t + 1;
        if (AfterCue(text, s, t, RolesOf(tokens[a].id)) ||
            (tokens[a].capitalized && MayBePeriodCode(text, a) &&
             IsPeriodCode(text.norm(a))) ||
            (a + 1 < end && !tokens[a].capitalized &&
             tokens[a].kind == TokenKind::kWord &&
             (RolesOf(tokens[a + 1].id) & kAfterRoles) &&
             IsPossessive(text.norm(a)))) {
          scan.Add(t);
        }
      }
      // "buy Acme", "shares of Acme", "$ACME".
      if (t > first &&
          (RolesOf(tokens[t - 1].id) & (kBefore | kBeforeEnd | kCashtag))) {
        scan.Add(t);
      }
      // Not inside a longer name ("Later Acme" is no name).
      const bool inside = t > first && tokens[t - 1].capitalized &&
                          tokens[t - 1].kind == TokenKind::kWord &&
                          !(RolesOf(tokens[t - 1].id) & kNotName);
      if (num_repeats < 8 && tokens[t].kind == TokenKind::kWord && !inside &&
          names.MayStartAt(t)) {
        repeats[num_repeats++] = t;
      }
    }
    const size_t before = out->size();
    scan.Emit(out);
    names.AddMentions(s, repeats, num_repeats, before, out, &sorted);
    names.Learn(*out, before);
  }
  if (!sorted) {
    std::sort(out->begin() + first_out, out->end(),
              [](const CompanyMention& x, const CompanyMention& y) {
                return x.first_token < y.first_token;
              });
  }
}

// ---------------------------------------------------------------------------
// ListEntities

namespace {

// Appends "company:" + the name in lower case, '-' for each run of spaces.
void AppendCompanyId(std::string_view name,
                     absl::InlinedVector<char, 256>* id) {
  constexpr std::string_view kPrefix = "company:";
  id->insert(id->end(), kPrefix.begin(), kPrefix.end());
  bool space = false;
  for (char c : name) {
    if (c == ' ') {
      space = true;
      continue;
    }
    if (space) id->push_back('-');
    space = false;
    id->push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
}

// The distinct companies of `companies` (by their words, then by id:
// "Acme-Beta" and "Acme Beta"), in order of first mention, into `found`;
// `company_of[i]` is the index in `found` of companies[i]'s.
void DistinctCompanies(const AnalyzedText& text,
                       const CompanyMentions& companies, ListScratch* scratch) {
  auto& found = scratch->found;
  auto& company_of = scratch->company_of;
  auto& ids = scratch->ids;
  found.resize(0);  // Keeps the buffer, unlike InlinedVector::clear().
  ids.resize(0);
  company_of.resize(companies.size());
  auto same_words = [&](const CompanyMention& a, const CompanyMention& b) {
    if (a.end_token - a.first_token != b.end_token - b.first_token) {
      return false;
    }
    for (uint32_t q = 0; q < a.end_token - a.first_token; ++q) {
      if (text.tokens[a.first_token + q].hash !=
          text.tokens[b.first_token + q].hash) {
        return false;
      }
    }
    return true;
  };
  for (uint32_t i = 0; i < companies.size(); ++i) {
    uint32_t d = UINT32_MAX;
    for (uint32_t j = 0; j < i && d == UINT32_MAX; ++j) {
      if (same_words(companies[j], companies[i])) d = company_of[j];
    }
    if (d == UINT32_MAX) {  // A new name: no string is built for a repeat.
      const Token& b = text.tokens[companies[i].first_token];
      const Token& e = text.tokens[companies[i].end_token - 1];
      const std::string_view name = text.text.substr(b.begin, e.end - b.begin);
      // The id goes after the others; it stays there only when it is new.
      const uint32_t at = static_cast<uint32_t>(ids.size());
      AppendCompanyId(name, &ids);
      const uint32_t end = static_cast<uint32_t>(ids.size());
      const std::string_view id(ids.data() + at, end - at);
      d = 0;
      while (d < found.size() && scratch->id(found[d]) != id) ++d;
      if (d == found.size()) {
        found.push_back({at, end, name, 0});
      } else {
        ids.resize(at);
      }
    }
    ++found[d].mentions;
    company_of[i] = d;
  }
}

}  // namespace

void ListEntities(const AnalyzedText& text, const EntityModel& model,
                  const std::vector<EntityMention>& known,
                  const CompanyMentions& companies,
                  std::vector<Entity>* entities, DocumentMentions* mentions,
                  ListScratch* scratch) {
  mentions->resize(0);  // Keeps the buffer, unlike InlinedVector::clear().
  // `*entities` may hold an earlier result's, refilled in place.
  auto& position = scratch->position;
  if (companies.empty()) {
    position.resize(known.size());
    const EntityModel::RankedList& listed = scratch->listed;
    model.Rank(known, position.data(), &scratch->listed);
    RefillEntities(entities, listed.size(), scratch->recycler);
    for (size_t k = 0; k < listed.size(); ++k) {
      model.Fill(listed[k], &(*entities)[k]);
    }
    mentions->resize(known.size());
    DocumentMention* m = mentions->data();
    for (size_t i = 0; i < known.size(); ++i) {
      m[i] = {position[i], known[i].first_token, known[i].end_token};
    }
    return;
  }
  // Known mentions inside a company's name are the company's.
  auto& own = scratch->own;
  own.resize(0);
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
  position.resize(own.size());
  EntityModel::RankedList& listed = scratch->listed;
  model.Rank(own, position.data(), &listed);
  DistinctCompanies(text, companies, scratch);
  auto& found = scratch->found;
  // Most mentioned first; on a tie the known entities (in Summarize's
  // order), then the companies in order of first mention: the companies
  // sorted (a stable insertion sort) and merged into the known ones.
  const uint32_t num_known = static_cast<uint32_t>(listed.size());
  auto& order = scratch->order;  // The companies, most mentioned first.
  order.resize(0);
  for (uint32_t d = 0; d < found.size(); ++d) {
    order.push_back(d);
    for (size_t j = order.size() - 1;
         j > 0 && found[order[j - 1]].mentions < found[d].mentions; --j) {
      std::swap(order[j], order[j - 1]);
    }
  }
  // rank[a]: where the a-th known entity, or company a - num_known, goes.
  const uint32_t n = num_known + static_cast<uint32_t>(found.size());
  auto& rank = scratch->rank;
  rank.resize(n);
  for (uint32_t k = 0, i = 0, j = 0; k < n; ++k) {
    const bool known_next =
        j == order.size() ||
        (i < num_known && listed[i].mentions >= found[order[j]].mentions);
    rank[known_next ? i++ : num_known + order[j++]] = k;
  }
  RefillEntities(entities, n, scratch->recycler);
  for (uint32_t a = 0; a < num_known; ++a) {
    model.Fill(listed[a], &(*entities)[rank[a]]);
  }
  for (uint32_t d = 0; d < found.size(); ++d) {
    Entity& e = (*entities)[rank[num_known + d]];
    e.id.assign(scratch->id(found[d]));
    e.name.assign(found[d].name);
    e.kind = EntityKind::kCompany;
    e.mentions = found[d].mentions;
  }
  // The mentions in token order, each with its entity's place.
  const auto& company_of = scratch->company_of;
  c = 0;
  auto add_companies_before = [&](uint32_t token) {
    for (; c < companies.size() && companies[c].first_token <= token; ++c) {
      mentions->push_back({rank[num_known + company_of[c]],
                           companies[c].first_token, companies[c].end_token});
    }
  };
  for (size_t i = 0; i < own.size(); ++i) {
    add_companies_before(own[i].first_token);
    mentions->push_back(
        {rank[position[i]], own[i].first_token, own[i].end_token});
  }
  add_companies_before(UINT32_MAX);
}

}  // namespace tidings::scoring::internal
