// Copyright 2026 The Tidings Authors.

#include "scoring/internal/gold.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/relevance.h"

namespace tidings::scoring::internal {
namespace {

constexpr char kFile[] = "gold.tsv";

// Roles of a term (GoldDetector::Term::roles): one bit per kind of row in
// gold.tsv (a term listed under several kinds has several), plus two bits
// that Create() sets for phrase matching.
enum Role : uint64_t {
  kAliasStrong = 1ull << 0,     // alias ... strong
  kAliasTopic = 1ull << 1,      // alias ... topic
  kPriceWord = 1ull << 2,       // price
  kSense = 1ull << 3,           // sense
  kOther = 1ull << 4,           // other
  kName = 1ull << 5,            // name
  kMove = 1ull << 6,            // move, noun, adj, level, mark, adverb
  kMoveNoun = 1ull << 7,        // noun
  kMoveAdj = 1ull << 8,         // adj
  kMoveLevel = 1ull << 9,       // level, mark
  kMoveAdverb = 1ull << 10,     // adverb
  kHold = 1ull << 11,           // hold
  kReverse = 1ull << 12,        // reverse
  kCause = 1ull << 13,          // cause
  kRevise = 1ull << 14,         // revise
  kForecast = 1ull << 15,       // forecast
  kBoundarySoft = 1ull << 16,   // boundary ... soft
  kBoundaryHard = 1ull << 17,   // boundary ... hard
  kCoord = 1ull << 18,          // coord
  kLink = 1ull << 19,           // link
  kDet = 1ull << 20,            // det
  kNegator = 1ull << 21,        // negator
  kAdvice = 1ull << 22,         // advice
  kParticle = 1ull << 23,       // particle
  kCurrency = 1ull << 24,       // currency
  kCurrencyAfter = 1ull << 25,  // currency_after
  kUnit = 1ull << 26,           // unit
  kPer = 1ull << 27,            // per
  kPercent = 1ull << 28,        // percent
  kPlace = 1ull << 29,          // place, mark
  kQuestion = 1ull << 30,       // question
  kChange = 1ull << 31,         // change
  kRelative = 1ull << 32,       // relative
  kSpan = 1ull << 33,           // span
  kAbout = 1ull << 34,          // about
  kReference = 1ull << 37,      // reference
  kApprox = 1ull << 38,         // approx
  kConditional = 1ull << 39,    // conditional
  kPhraseStart = 1ull << 35,    // a proper prefix of a phrase (set by Create)
  kStrongStart = 1ull << 36,    // first word of a strong alias phrase (Create)
};

constexpr uint64_t kAlias = kAliasStrong | kAliasTopic;
constexpr uint64_t kIndexOnly =
    kPhraseStart | kStrongStart;  // Not a term's own role.
constexpr uint64_t kBoundary = kBoundarySoft | kBoundaryHard;
constexpr uint64_t kSubject = kSense | kOther;
constexpr int kMaxPhrase = 4;
constexpr int kBackWindow = 10;  // Words a move may sit after its gold name.

absl::StatusOr<Direction> ParseDirection(const LexiconRow& row, int field) {
  std::string_view d = row.fields[field];
  if (d == "up") return Direction::kUp;
  if (d == "down") return Direction::kDown;
  if (d == "flat") return Direction::kFlat;
  return absl::InvalidArgumentError(absl::StrCat(
      kFile, ":", row.line, ": direction must be up, down or flat, not '",
      AsAbsl(d), "'"));
}

Direction Flip(Direction d) {
  if (d == Direction::kUp) return Direction::kDown;
  if (d == Direction::kDown) return Direction::kUp;
  return d;
}

// Parses the number at the start of `s` ("3,373.50", "40k"): digits with
// thousands commas and one decimal point, optional k = thousand. Returns the
// number of bytes read (0 = not a number).
size_t ParseNumber(std::string_view s, double* value) {
  double mantissa = 0, divisor = 1;
  bool fraction = false, any = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    bool digit_next = i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9';
    if (c >= '0' && c <= '9') {
      any = true;
      mantissa = mantissa * 10 + (c - '0');
      if (fraction) divisor *= 10;
    } else if (c == ',' && !fraction && digit_next) {
      continue;
    } else if (c == '.' && !fraction && digit_next) {
      fraction = true;
    } else {
      break;
    }
  }
  if (!any) return 0;
  double v =
      mantissa / divisor;  // The double nearest the decimal, as a literal.
  if (i < s.size() && (s[i] == 'k' || s[i] == 'K') &&
      (i + 1 == s.size() ||
       !((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'))) {
    v *= 1000;
    ++i;
  }
  *value = v;
  return i;
}

std::string FormatQuantity(double q) {
  if (q == std::floor(q)) return absl::StrFormat("%.0f", q);
  return absl::StrFormat("%g", q);
}

}  // namespace

absl::StatusOr<GoldDetector> GoldDetector::Create(const LexiconSet& lexicons) {
  absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(lexicons);
  if (!analyzer.ok()) return analyzer.status();
  return Create(lexicons, *analyzer);
}

absl::StatusOr<GoldDetector> GoldDetector::Create(const LexiconSet& lexicons,
                                                  const TextAnalyzer& analyzer) {
  absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(kFile, 2, 4);
  if (!rows.ok()) return rows.status();
  GoldDetector d;
  // Key -> index into terms_, while building.
  absl::flat_hash_map<std::string, uint32_t> index;
  auto term_for = [&d, &index](std::string_view key) -> Term& {
    auto [it, inserted] = index.try_emplace(
        std::string(key), static_cast<uint32_t>(d.terms_.size()));
    if (inserted) d.terms_.emplace_back();
    return d.terms_[it->second];
  };
  for (const LexiconRow& row : *rows) {
    std::string_view kind = row.fields[0];
    std::string_view key = row.fields[1];
    auto field = [&row](int i) -> std::string_view {
      return i < static_cast<int>(row.fields.size()) ? row.fields[i] : "-";
    };
    auto bad = [&](std::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, ":", row.line, ": ", AsAbsl(what), " for kind '",
                       AsAbsl(kind), "'"));
    };
    auto conf = [&](float* out) -> absl::Status {
      absl::StatusOr<double> c = ParseWeight(kFile, row, 3);
      if (!c.ok()) return c.status();
      if (*c <= 0 || *c > 1) return bad("confidence must be in (0, 1]");
      *out = static_cast<float>(*c);
      return absl::OkStatus();
    };
    // Count the phrase's tokens.
    int words = 1;
    for (char c : key) words += c == ' ';
    if (words > kMaxPhrase) return bad("phrase longer than 4 tokens");
    Term& t = term_for(key);
    uint64_t role = 0;
    if (kind == "alias") {
      if (field(2) == "strong") {
        role = kAliasStrong;
      } else if (field(2) == "topic") {
        role = kAliasTopic;
      } else {
        return bad("strength must be strong or topic");
      }
      if (absl::Status s = conf(&t.alias_conf); !s.ok()) return s;
    } else if (kind == "move" || kind == "noun" || kind == "adj" ||
               kind == "level" || kind == "adverb" || kind == "mark") {
      role = kMove;
      if (kind == "noun") role |= kMoveNoun;
      if (kind == "adj") role |= kMoveAdj;
      if (kind == "level") role |= kMoveLevel;
      if (kind == "adverb") role |= kMoveAdverb;
      if (kind == "mark") role |= kMoveLevel | kPlace;
      absl::StatusOr<Direction> dir = ParseDirection(row, 2);
      if (!dir.ok()) return dir.status();
      if (t.move != Direction::kUnspecified && t.move != *dir) {
        return bad("term already has another direction");
      }
      t.move = *dir;
      float c = 0;
      if (absl::Status s = conf(&c); !s.ok()) return s;
      t.move_conf = std::max(t.move_conf, c);
    } else if (kind == "hold") {
      role = kHold;
      if (absl::Status s = conf(&t.hold_conf); !s.ok()) return s;
    } else if (kind == "cause" || kind == "revise") {
      absl::StatusOr<Direction> dir = ParseDirection(row, 2);
      if (!dir.ok()) return dir.status();
      if (*dir == Direction::kFlat) return bad("direction must be up or down");
      if (kind == "cause") {
        role = kCause;
        t.cause = *dir;
        if (absl::Status s = conf(&t.cause_conf); !s.ok()) return s;
      } else {
        role = kRevise;
        t.revise = *dir;
        if (absl::Status s = conf(&t.revise_conf); !s.ok()) return s;
      }
    } else if (kind == "boundary") {
      if (field(2) == "hard") {
        role = kBoundaryHard;
      } else if (field(2) == "soft") {
        role = kBoundarySoft;
      } else {
        return bad("strength must be hard or soft");
      }
    } else if (kind == "currency" || kind == "currency_after") {
      role = kind == "currency" ? kCurrency : kCurrencyAfter;
      if (field(2) == "-" || field(3) == "-")
        return bad("currency and unit required");
      t.currency = std::string(field(2));
      t.default_unit = std::string(field(3));
    } else if (kind == "unit") {
      role = kUnit;
      if (field(2) == "-") return bad("unit symbol required");
      t.unit = std::string(field(2));
    } else if (kind == "price") {
      role = kPriceWord;
    } else if (kind == "sense") {
      role = kSense;
    } else if (kind == "other") {
      role = kOther;
    } else if (kind == "name") {
      role = kName;
    } else if (kind == "reverse") {
      role = kReverse;
    } else if (kind == "forecast") {
      role = kForecast;
    } else if (kind == "coord") {
      role = kCoord;
    } else if (kind == "link") {
      role = kLink;
    } else if (kind == "det") {
      role = kDet;
    } else if (kind == "negator") {
      role = kNegator;
    } else if (kind == "advice") {
      role = kAdvice;
    } else if (kind == "particle") {
      role = kParticle;
    } else if (kind == "conditional") {
      role = kConditional;
    } else if (kind == "approx") {
      role = kApprox;
    } else if (kind == "reference") {
      role = kReference;
    } else if (kind == "about") {
      role = kAbout;
    } else if (kind == "span") {
      role = kSpan;
    } else if (kind == "relative") {
      role = kRelative;
    } else if (kind == "change") {
      role = kChange;
    } else if (kind == "place") {
      role = kPlace;
    } else if (kind == "question") {
      role = kQuestion;
    } else if (kind == "per") {
      role = kPer;
    } else if (kind == "percent") {
      role = kPercent;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          kFile, ":", row.line, ": unknown kind '", AsAbsl(kind), "'"));
    }
    t.roles |= role;
    // Every proper prefix of a phrase ("the", "the precious") is marked, so
    // that matching can stop early.
    for (size_t sp = key.find(' '); sp != std::string_view::npos;
         sp = key.find(' ', sp + 1)) {
      Term& prefix = term_for(key.substr(0, sp));
      prefix.roles |= kPhraseStart;
      if (sp == key.find(' ') && (role & kAliasStrong))
        prefix.roles |= kStrongStart;
    }
  }
  // Pre-check needles: the first words of the strong aliases, leaving out
  // any that contains another ("goldm" contains "gold").
  std::vector<std::string> firsts;
  for (const auto& [key, i] : index) {
    if (d.terms_[i].roles & kAliasStrong) {
      std::string first = key.substr(0, key.find(' '));
      if (std::find(firsts.begin(), firsts.end(), first) == firsts.end()) {
        firsts.push_back(std::move(first));
      }
    }
  }
  for (const std::string& f : firsts) {
    bool redundant = false;
    for (const std::string& g : firsts) {
      if (g != f && f.find(g) != std::string::npos) redundant = true;
    }
    if (!redundant) d.needles_.push_back(f);
  }
  std::sort(d.needles_.begin(), d.needles_.end());

  // The keys by vocabulary id: a one-word key by its id, a phrase as the
  // extension of its prefix (also a key) by its last word.
  d.vocabulary_ = analyzer.vocabulary();
  d.vocabulary_digest_ = d.vocabulary_->digest();
  d.term_of_id_.assign(d.vocabulary_->size() + 1, -1);
  d.strong_first_.assign(d.vocabulary_->size() + 1, false);
  for (const std::string& f : firsts) {
    const uint32_t id = d.vocabulary_->Find(f);
    if (id == Vocabulary::kNone) {
      return absl::InternalError(absl::StrCat(
          kFile, ": word \"", f, "\" is not in the vocabulary"));
    }
    d.strong_first_[id] = true;
  }
  for (const auto& [key, i] : index) {
    const size_t sp = key.rfind(' ');
    const std::string_view last =
        sp == std::string::npos ? std::string_view(key)
                                : std::string_view(key).substr(sp + 1);
    const uint32_t id = d.vocabulary_->Find(last);
    if (id == Vocabulary::kNone) {
      return absl::InternalError(absl::StrCat(
          kFile, ": word \"", AsAbsl(last), "\" is not in the vocabulary"));
    }
    if (sp == std::string::npos) {
      d.term_of_id_[id] = static_cast<int32_t>(i);
    } else {
      const uint32_t prefix = index.at(key.substr(0, sp));
      d.extend_[uint64_t{prefix} << 32 | id] = i;
    }
  }
  return d;
}

// The analysis of one text: token slots, gold mentions, then per sentence
// the first attached move. Holds references only; one per Detect() call.
class GoldDetector::Matcher {
 public:
  Matcher(const GoldDetector& d, const AnalyzedText& text)
      : d_(d), text_(text), slots_(text.tokens.size()) {}

  std::optional<Event> Run(uint32_t body_begin);

 private:
  enum Mention : uint8_t { kNoMention = 0, kPriceMention, kOtherMention };
  static constexpr int kHoldFlat = -1;
  static constexpr int kHoldNone = -2;

  struct Slot {
    int32_t term = -1;      // Index into d_.terms_, or -1.
    uint8_t len = 1;        // Tokens covered (phrases).
    bool covered = false;   // Inside a phrase that starts earlier.
    bool consumed = false;  // Used by an earlier rule of this sentence.
    Mention mention = kNoMention;
  };

  struct Hit {
    Direction dir = Direction::kUnspecified;
    double conf = 0;
    int mention = -1;  // Slot of the gold name.
    int trigger = -1;  // Slot of the direction term.
    int extra = -1;    // A second matched term (reversed noun, forecast noun).
  };

  // Sentence bounds used by the helpers below.
  int sb_ = 0, se_ = 0;

  const Term* T(int i) const {
    return slots_[i].term < 0 ? nullptr : &d_.terms_[slots_[i].term];
  }
  uint64_t R(int i) const {
    const Term* t = T(i);
    return t == nullptr ? 0 : t->roles & ~kIndexOnly;
  }
  bool IsWord(int i) const { return text_.tokens[i].kind == TokenKind::kWord; }
  bool IsNumber(int i) const {
    return text_.tokens[i].kind == TokenKind::kNumber;
  }
  bool IsSymbol(int i, char c) const {
    return text_.tokens[i].kind == TokenKind::kSymbol &&
           text_.text[text_.tokens[i].begin] == c;
  }
  bool IsComma(int i) const { return IsSymbol(i, ','); }
  int Next(int i) const { return i + slots_[i].len; }
  int Prev(int i) const {
    int k = i - 1;
    while (k >= sb_ && slots_[k].covered) --k;
    return k;
  }
  // The sentence containing slot i sets sb_/se_.
  void SetSentence(const Sentence& s) {
    sb_ = static_cast<int>(s.first_token);
    se_ = static_cast<int>(s.end_token);
  }

  int Lookup(int i, uint8_t* len) const;
  void LabelTokens(const Sentence& s);
  Mention Classify(int i) const;
  int AttachBack(int t) const;
  int CoordGold(int j) const;
  int AttachLinkForward(int t) const;
  int AttachAdjForward(int t) const;
  int CauseForward(int c) const;
  int ReverseTarget(int r) const;  // Slot, or -1.
  int HoldResolve(int h) const;
  bool Negated(int t) const;
  bool InQuestion(int t) const;
  bool Hypothetical(int mention) const;
  bool IsModifier(int t) const;
  bool AmountFollows(int t) const;
  bool NounOfOther(int t) const;
  bool LevelIsReference(int t) const;
  std::optional<Hit> TryRevise(int r) const;
  std::optional<Hit> AnalyzeSentence();
  void AddTerm(int slot, std::vector<std::string>* terms) const;
  void ParseMagnitude(const Hit& hit, Magnitude* m) const;

  const GoldDetector& d_;
  const AnalyzedText& text_;
  std::vector<Slot> slots_;
};

// Term index for the token (or phrase) at i, setting *len.
int GoldDetector::Matcher::Lookup(int i, uint8_t* len) const {
  *len = 1;
  int idx = d_.FindId(text_.tokens[i].id);
  if (idx >= 0 && (d_.terms_[idx].roles & kPhraseStart)) {
    // Every proper prefix of a phrase is a key too (kPhraseStart), so the
    // walk stops as soon as no phrase can continue. The longest phrase wins.
    // Keys are at most 96 bytes with their spaces: longer token runs stop
    // the walk.
    constexpr size_t kMaxKeyBytes = 96;
    size_t used = text_.tokens[i].end - text_.tokens[i].begin;
    int best = -1, best_len = 1;
    int cur = idx;
    for (int n = 2; n <= kMaxPhrase && i + n <= se_; ++n) {
      const Token& next = text_.tokens[i + n - 1];
      used += 1 + (next.end - next.begin);
      if (used > kMaxKeyBytes) break;
      cur = d_.Extend(cur, next.id);
      if (cur < 0) break;
      if (d_.terms_[cur].roles & ~kIndexOnly) {
        best = cur;
        best_len = n;
      }
      if (!(d_.terms_[cur].roles & kPhraseStart)) break;
    }
    if (best >= 0) {
      *len = static_cast<uint8_t>(best_len);
      return best;
    }
  }
  if (idx >= 0 && (d_.terms_[idx].roles & ~kIndexOnly) != 0) return idx;
  // Compounds: "mcx-gold", "gold/silver", "gold-mining", "six-week-high".
  if (text_.tokens[i].kind == TokenKind::kSymbol) return -1;
  if (!text_.tokens[i].joined) return -1;  // No '-' or '/' in it.
  std::string_view w = text_.norm(i);
  int alias = -1, sense = -1, last = -1;
  // A gold name hyphened to a word that is no gold-price term describes
  // that word ("gold-plated", "gold-backed", "gold-coloured"): no mention.
  bool modifier = false, after_alias = false;
  size_t b = 0;
  while (b <= w.size()) {
    size_t e = w.find_first_of("-/", b);
    if (e == std::string_view::npos) e = w.size();
    int p = e > b ? d_.Find(w.substr(b, e - b)) : -1;
    uint64_t r = p >= 0 ? d_.terms_[p].roles : 0;
    if (after_alias && !(r & (kAlias | kPriceWord | kOther | kSense))) {
      modifier = true;
    }
    after_alias = (r & kAliasStrong) && e < w.size() && w[e] == '-';
    last = p;
    if (r & kAliasStrong) alias = p;
    if (r & kSense) sense = p;
    b = e + 1;
  }
  if (alias >= 0) {
    if (sense >= 0) return sense;
    return modifier ? -1 : alias;
  }
  if (last >= 0 && (d_.terms_[last].roles & kMove)) return last;
  return -1;
}

void GoldDetector::Matcher::LabelTokens(const Sentence& s) {
  SetSentence(s);
  for (int i = sb_; i < se_;) {
    uint8_t len = 1;
    slots_[i].term = Lookup(i, &len);
    slots_[i].len = len;
    for (int k = 1; k < len; ++k) slots_[i + k].covered = true;
    i += len;
  }
}

// Is the gold name at slot i the price, another sense, or neither?
GoldDetector::Matcher::Mention GoldDetector::Matcher::Classify(int i) const {
  int p = Prev(i);
  if (p >= sb_) {
    uint64_t rp = R(p);
    if (rp & kName) return kNoMention;      // "Mr Gold"
    if (rp & kOther) return kOtherMention;  // "silver bullion"
  }
  // "demand for gold", "imports of gold", "miner of South African gold".
  for (int k = 0; p >= sb_ && k < 2 && R(p) == 0 && IsWord(p); ++k) p = Prev(p);
  if (p >= sb_ && (R(p) & (kLink | kAbout))) {
    int pp = Prev(p);
    if (pp >= sb_ && (R(pp) & kSense)) return kOtherMention;
  }
  // Look ahead past coordinated names and a couple of modifiers for the
  // head noun: "gold mine", "gold and currency reserves", "gold/silver index".
  int count = 0;
  for (int j = Next(i); j < se_ && count < 4; j = Next(j), ++count) {
    uint64_t r = R(j);
    if (r & kSense) return kOtherMention;
    if (r & kPriceWord) break;
    if (r & (kCoord | kOther | kAlias)) continue;
    if (r == 0 && IsWord(j)) continue;
    break;
  }
  return kPriceMention;
}

// The gold name that the subject at slot j is coordinated with ("gold,
// silver rise", "gold prices, metals shares fall"), or -1.
int GoldDetector::Matcher::CoordGold(int j) const {
  int k = Prev(j);
  for (int round = 0; round < 4; ++round) {
    // Modifiers of the same noun phrase ("metals shares").
    for (int skipped = 0; k >= sb_ && skipped < 2; ++skipped) {
      uint64_t r = R(k);
      bool np =
          slots_[k].mention == kNoMention &&
          ((r == 0 && IsWord(k)) || ((r & (kSubject | kPriceWord | kDet)) &&
                                     !(r & (kCoord | kBoundary))));
      if (!np) break;
      k = Prev(k);
    }
    if (k < sb_ || !(R(k) & kCoord)) return -1;
    k = Prev(k);
    while (k >= sb_ && slots_[k].mention == kNoMention &&
           (R(k) & (kPriceWord | kDet))) {
      k = Prev(k);
    }
    if (k < sb_) return -1;
    if (slots_[k].mention == kPriceMention) return k;
    if (slots_[k].mention != kOtherMention && !(R(k) & kSubject)) return -1;
    k = Prev(k);
  }
  return -1;
}

// The gold name a move at slot t reports on, looking backwards. A move set
// off by a comma ("settles at $1,131.50 on Comex, up $6.70") belongs to the
// clause's subject, so only hard boundaries stop it.
int GoldDetector::Matcher::AttachBack(int t) const {
  int p = Prev(t);
  bool appositive = p >= sb_ && IsComma(p);
  uint64_t stop = appositive ? kBoundaryHard : kBoundary;
  int words = 0;
  bool comma = false;  // Passed a comma: a relative clause before it is closed.
  for (int j = p; j >= sb_ && words < kBackWindow; j = Prev(j)) {
    const Slot& s = slots_[j];
    if (s.mention == kPriceMention) return j;
    if (s.mention == kOtherMention) return CoordGold(j);
    uint64_t r = R(j);
    if (IsComma(j)) comma = true;
    // "gold, which hit a high last week, slipped": the move after the
    // relative clause belongs to its antecedent; one inside it does not.
    if (r & kRelative) {
      if (!comma) return -1;
      continue;
    }
    if (r & stop) return -1;
    if (s.mention == kNoMention && (r & kSubject)) return CoordGold(j);
    if (IsWord(j)) ++words;
  }
  return -1;
}

// "rise in gold", "fall in the price of gold", "seventh drop in 8 sessions
// for gold".
int GoldDetector::Matcher::AttachLinkForward(int t) const {
  // The link comes right after the noun, or after one participle ("gain
  // seen in gold"); then a list may name other markets first ("losses in
  // oil, gold futures").
  int first = Next(t);
  if (first < se_ && R(first) == 0 && IsWord(first)) first = Next(first);
  if (first >= se_ || !(R(first) & kLink)) return -1;
  bool linked = false;
  for (int j = first, steps = 0; j < se_ && steps < 6; j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) return linked ? j : -1;
    uint64_t r = R(j);
    if (slots_[j].mention == kOtherMention || (r & (kBoundary | kMove)))
      return -1;
    if (r & kSubject) {
      if (!linked) return -1;
      int n = Next(j);
      if (n >= se_ || !(R(n) & kCoord)) return -1;
    }
    if (r & kLink) linked = true;
  }
  return -1;
}

// "higher gold prices", "firm spot gold".
int GoldDetector::Matcher::AttachAdjForward(int t) const {
  for (int j = Next(t), steps = 0; j < se_ && steps < 3; j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) return j;
    if (slots_[j].mention == kOtherMention) return -1;
    if (!(R(j) & (kDet | kPriceWord))) return -1;
  }
  return -1;
}

// The object of a cause verb: "lifts gold", "weigh on stocks, gold"; not
// the next clause's subject ("oil sinks, gold surges").
int GoldDetector::Matcher::CauseForward(int c) const {
  bool listed = false;  // Seen another object, so a comma continues a list.
  for (int j = Next(c), steps = 0; j < se_ && steps < 6; j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) return j;
    if (slots_[j].mention == kOtherMention) return -1;
    uint64_t r = R(j);
    if (r & kBoundaryHard) return -1;
    if (r & kSubject) {
      listed = true;
      continue;
    }
    if (r & kCoord) {
      if (!listed) return -1;
      continue;
    }
    if (r & (kDet | kLink | kAbout | kPriceWord | kMoveAdverb))
      continue;  // "weighs on gold"
    return -1;
  }
  return -1;
}

// The move noun or level that a reversing verb at r turns around.
int GoldDetector::Matcher::ReverseTarget(int r) const {
  for (int j = Next(r), steps = 0; j < se_ && steps < 4; j = Next(j), ++steps) {
    uint64_t rr = R(j);
    if (slots_[j].mention != kNoMention || (rr & (kBoundary | kSubject)))
      return -1;
    if ((rr & (kMoveNoun | kMoveLevel)) && !slots_[j].consumed) return j;
  }
  return -1;
}

// The move term a hold verb at h takes its direction from ("holds losses",
// "remains near 14-week high"); kHoldFlat when none follows ("holds steady",
// "holds above $1,300", "remains supported"); kHoldNone when the verb has
// another object ("still hold potential").
int GoldDetector::Matcher::HoldResolve(int h) const {
  int first = Next(h);
  if (first < se_ && R(first) == 0 && IsWord(first)) return kHoldNone;
  for (int j = first, steps = 0; j < se_ && steps < 5; j = Next(j), ++steps) {
    uint64_t r = R(j);
    if (slots_[j].mention != kNoMention || (r & (kBoundary | kSubject))) break;
    if ((r & kPlace) || slots_[j].consumed) continue;  // "above", "near"
    if (r & kMove) {
      int n = Next(j);
      if (n < se_ && (R(n) & kMoveNoun) && !(r & kMoveNoun)) return n;
      return j;
    }
  }
  return kHoldFlat;
}

bool GoldDetector::Matcher::Negated(int t) const {
  int p = Prev(t);
  for (int k = 0; k < 2 && p >= sb_; ++k, p = Prev(p)) {
    if (R(p) & kNegator) return true;
    if (slots_[p].mention != kNoMention) break;
  }
  return false;
}

// True when the clause holding slot t ends with a question mark ("could
// gold fall to $850?"; not "gold hits six-month low. time to buy?").
bool GoldDetector::Matcher::InQuestion(int t) const {
  for (int j = t; j < se_; j = Next(j)) {
    if (R(j) & kBoundaryHard) return false;
    if (text_.tokens[j].kind != TokenKind::kSymbol) continue;
    char c = text_.text[text_.tokens[j].begin];
    if (c == '?') return true;
    if (c == '.' || c == '!') return false;
  }
  return false;
}

// True when the gold name at slot m is the subject of a condition ("if gold
// falls below $1,800, ..."; "analysts said unless gold rises ...").
bool GoldDetector::Matcher::Hypothetical(int m) const {
  for (int j = Prev(m); j >= sb_; j = Prev(j)) {
    uint64_t r = R(j);
    if (r & kConditional) return true;
    if ((r & kBoundaryHard) || IsComma(j)) return false;
  }
  return false;
}

// A move word right before a move noun only modifies it ("steady rise",
// "firm gain"): the noun carries the move. An adjective or participle right
// before another subject describes that subject ("rising imports", "firm
// dollar", "weaker rupee").
bool GoldDetector::Matcher::IsModifier(int t) const {
  uint64_t r = R(t);
  if (r & kMoveNoun) return false;
  int n = Next(t);
  if (n >= se_) return false;
  uint64_t rn = R(n);
  if (rn & kMoveNoun) return true;
  if (slots_[n].mention == kNoMention && (rn & kSubject)) {
    std::string_view w = text_.norm(t);
    bool participle = w.size() > 4 && w.substr(w.size() - 3) == "ing";
    return (r & kMoveAdj) || participle;
  }
  return false;
}

// A move noun whose link names another subject is that subject's move: "a
// rise in quarterly profit", "a fall in demand", "a drop in the dollar".
bool GoldDetector::Matcher::NounOfOther(int t) const {
  int j = Next(t);
  if (j >= se_ || !(R(j) & kLink)) return false;
  for (int steps = 0; (j = Next(j)) < se_ && steps < 2; ++steps) {
    if (slots_[j].mention == kPriceMention) return false;
    if (slots_[j].mention == kOtherMention || (R(j) & kSubject)) {
      int n = Next(j);
      return n >= se_ || !(R(n) & kCoord);  // Not a list: "losses in oil, gold"
    }
    if (!(R(j) == 0 && IsWord(j)) && !(R(j) & kDet)) return false;
  }
  return false;
}

// A level after a reference word is a yardstick, not a level reached: "less
// than half its 1980 peak", "10% below its record".
bool GoldDetector::Matcher::LevelIsReference(int t) const {
  int p = Prev(t);
  for (int k = 0; k < 3 && p >= sb_; ++k, p = Prev(p)) {
    if (slots_[p].mention != kNoMention) return false;
    if (R(p) & kReference) return true;
  }
  return false;
}

// A mark ("above", "under") is a move only before an amount: "closes above
// $1,200", not "mobilised under a scheme".
bool GoldDetector::Matcher::AmountFollows(int t) const {
  int n = Next(t);
  for (int steps = 0; n < se_ && steps < 2; n = Next(n), ++steps) {
    if (IsNumber(n)) return true;
    if (!(R(n) & (kCurrency | kDet))) return false;
  }
  return false;
}

// "cuts its gold forecast", "slashes gold call", "raises forecast for gold",
// "gold price forecast raised".
std::optional<GoldDetector::Matcher::Hit> GoldDetector::Matcher::TryRevise(
    int r) const {
  const Term& rt = *T(r);
  int gold = -1;
  for (int j = Next(r), steps = 0; j < se_ && steps < 6; j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) {
      if (gold < 0) gold = j;
      continue;
    }
    uint64_t rr = R(j);
    if (rr & kForecast) {
      if (gold < 0) {
        int l = Next(j);
        if (l < se_ && (R(l) & kLink)) {
          int g = Next(l);
          while (g < se_ && (R(g) & kDet)) g = Next(g);
          if (g < se_ && slots_[g].mention == kPriceMention) gold = g;
        }
      }
      if (gold < 0) return std::nullopt;
      return Hit{rt.revise, rt.revise_conf, gold, r, j};
    }
    if (slots_[j].mention == kOtherMention || (rr & (kBoundaryHard | kSubject)))
      break;
  }
  // Passive: "gold forecast cut", "gold price forecasts are raised".
  int f = Prev(r);
  if (f >= sb_ && !(R(f) & kForecast)) f = Prev(f);
  if (f >= sb_ && (R(f) & kForecast)) {
    int g = Prev(f);
    for (int steps = 0; g >= sb_ && steps < 3; g = Prev(g), ++steps) {
      if (slots_[g].mention == kPriceMention)
        return Hit{rt.revise, rt.revise_conf, g, r, f};
      if (!(R(g) & (kPriceWord | kDet)) && !IsNumber(g)) break;
    }
  }
  return std::nullopt;
}

// The sentence's move: the first direction term attached to gold.
std::optional<GoldDetector::Matcher::Hit>
GoldDetector::Matcher::AnalyzeSentence() {
  // Trading advice ("buy gold on dips", "sell MCX gold below Rs 28,400")
  // and explanations ("why gold hasn't hit bottom", "how to play gold").
  for (int i = sb_; i < se_; i = Next(i)) {
    if (text_.tokens[i].kind == TokenKind::kSymbol) continue;
    if (R(i) & (kAdvice | kQuestion)) return std::nullopt;
    break;
  }
  for (int t = sb_; t < se_; t = Next(t)) {
    const Term* term = T(t);
    if (term == nullptr || slots_[t].mention != kNoMention) continue;
    uint64_t r = term->roles;
    if (!(r & (kMove | kHold | kReverse | kCause | kRevise))) continue;
    if (Negated(t)) continue;
    std::optional<Hit> hit;
    if (r & kRevise) hit = TryRevise(t);
    if (!hit && (r & kReverse)) {
      int target = ReverseTarget(t);
      if (target >= 0) {
        slots_[target].consumed = true;
        Direction dir = Flip(T(target)->move);
        int g = AttachBack(t);
        if (g >= 0 && dir != Direction::kFlat) {
          hit = Hit{dir, T(target)->move_conf, g, t, target};
        } else {
          continue;
        }
      }
    }
    if (!hit && (r & kCause)) {
      int g = CauseForward(t);
      if (g >= 0) hit = Hit{term->cause, term->cause_conf, g, t, -1};
    }
    if (!hit && (r & kHold)) {
      int g = AttachBack(t);
      int m = g >= 0 ? HoldResolve(t) : kHoldNone;
      if (m >= 0) {
        slots_[m].consumed = true;
        hit = Hit{T(m)->move, T(m)->move_conf, g, t, m};
      } else if (m == kHoldFlat) {
        hit = Hit{Direction::kFlat, term->hold_conf, g, t, -1};
      }
    }
    if (!hit && (r & kMove) && !slots_[t].consumed && !IsModifier(t) &&
        (!(r & kPlace) || AmountFollows(t)) &&
        !((r & kMoveNoun) && NounOfOther(t)) &&
        !((r & kMoveLevel) && LevelIsReference(t))) {
      int p = Prev(t);
      bool particle = (r & kMoveAdverb) && p >= sb_ && (R(p) & kParticle);
      if (!particle) {
        int g = AttachBack(t);
        if (g < 0 && (r & kMoveNoun)) g = AttachLinkForward(t);
        if (g < 0 && (r & kMoveAdj)) g = AttachAdjForward(t);
        if (g >= 0) hit = Hit{term->move, term->move_conf, g, t, -1};
        // "flat to higher", "steady to lower": the direction it leans to.
        int to = Next(t);
        if (hit && hit->dir == Direction::kFlat && to < se_ &&
            (R(to) & kSpan)) {
          int n = Next(to);
          if (n < se_ && (R(n) & kMove) && T(n)->move != Direction::kFlat) {
            hit->dir = T(n)->move;
            hit->extra = n;
          }
        }
      }
    }
    if (!hit) continue;
    if (InQuestion(t) || Hypothetical(hit->mention)) continue;
    hit->conf *= T(hit->mention)->alias_conf;
    return hit;
  }
  return std::nullopt;
}

void GoldDetector::Matcher::AddTerm(int slot,
                                    std::vector<std::string>* terms) const {
  if (slot < 0) return;
  int last = slot + slots_[slot].len - 1;
  uint32_t b = text_.tokens[slot].begin, e = text_.tokens[last].end;
  terms->emplace_back(text_.text.substr(b, e - b));
}

// Percent, price and unit from the hit's clause: "rose as much as 0.6% to
// around $3,373 an ounce". A currency amount right after a move term ("rises
// $3.40", "up Rs 44", "by Rs 125") is the change, not the price.
void GoldDetector::Matcher::ParseMagnitude(const Hit& hit, Magnitude* m) const {
  // Start a little before the gold name or move ("a 0.6% rise in gold"),
  // not crossing into another clause ("shares fell 4% as gold slipped").
  int start = std::min(hit.mention, hit.trigger);
  for (int k = 0; k < 3; ++k) {
    int p = Prev(start);
    if (p < sb_ || (R(p) & (kBoundary | kMove | kSubject))) break;
    start = p;
  }
  int anchor = std::max(hit.mention, hit.trigger);
  Direction last_dir = Direction::kUnspecified;
  for (int j = start; j < se_; j = Next(j)) {
    uint64_t r = R(j);
    if (j > anchor) {
      if (r & kBoundaryHard) break;
      if (slots_[j].mention == kOtherMention ||
          (slots_[j].mention == kNoMention && (r & kSubject))) {
        break;
      }
    }
    if ((r & kMove) && T(j)->move != Direction::kFlat) last_dir = T(j)->move;
    // A currency before the number, or a number with a currency after it.
    int num = -1, cur = -1, after = -1;
    if ((r & kCurrency) && Next(j) < se_) {
      int n = Next(j);
      if (text_.tokens[n].kind == TokenKind::kSymbol && text_.norm(n) == "." &&
          Next(n) < se_) {
        n = Next(n);
      }
      if (IsNumber(n)) {
        num = n;
        cur = j;
        after = Next(n);
      }
    } else if (IsNumber(j) && Next(j) < se_ && (R(Next(j)) & kCurrencyAfter)) {
      num = j;
      cur = Next(j);
      after = Next(cur);
    } else if (IsNumber(j) && Next(j) < se_ && (R(Next(j)) & kPercent)) {
      double v = 0;
      if (!m->has_percent && ParseNumber(text_.norm(j), &v) > 0) {
        Direction sign = Direction::kUnspecified;
        int a = Next(Next(j));
        if (a < se_ && (R(a) & kMove)) sign = T(a)->move;
        if (sign != Direction::kUp && sign != Direction::kDown) sign = last_dir;
        if (sign != Direction::kUp && sign != Direction::kDown) sign = hit.dir;
        m->has_percent = true;
        m->percent = sign == Direction::kDown ? -v : v;
      }
      continue;
    }
    if (num < 0) continue;
    int before = Prev(cur < num ? cur : num);
    while (before >= sb_ && (R(before) & kApprox))
      before = Prev(before);  // "down over $20"
    bool change =
        before >= sb_ && (((R(before) & kMove) && !(R(before) & kMoveLevel)) ||
                          (R(before) & kChange));
    double v = 0;
    std::string_view ns = text_.norm(num);
    size_t used = ParseNumber(ns, &v);
    if (used == 0 || change || m->has_price) {
      j = std::max(j, num);
      continue;
    }
    // Unit: glued ("1,087.90/oz", "26600/10" + "gm") or after a per word.
    std::string_view unit;
    double qty = 0;
    std::string_view rest = ns.substr(used);
    if (!rest.empty() && rest[0] == '-') {  // A range: "1,107-08/ounce".
      size_t k = 1;
      while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
      rest = rest.substr(k);
    }
    if (!rest.empty() && rest[0] == '/') {
      rest = rest.substr(1);
      // "/oz", "/10" + "gm"; a bare second price is a bid/ask pair
      // ("405.50/406.00 dlrs"), not a quantity.
      double q = 0;
      size_t qn = ParseNumber(rest, &q);
      rest = rest.substr(qn);
      if (!rest.empty()) {
        int u = d_.Find(rest);
        if (u >= 0 && (d_.terms_[u].roles & kUnit)) {
          unit = d_.terms_[u].unit;
          qty = q;
        }
      } else if (after >= 0 && after < se_ && (R(after) & kUnit)) {
        unit = T(after)->unit;
        qty = q;
      }
    }
    if (unit.empty() && after >= 0 && after < se_) {
      int k = after;
      if (R(k) & kPer) {
        k = Next(k);
        double q = 0;
        if (k < se_ && IsNumber(k) && ParseNumber(text_.norm(k), &q) > 0) {
          qty = q;
          k = Next(k);
        }
      }
      if (k < se_ && (R(k) & kUnit)) unit = T(k)->unit;
    }
    const Term& ct = *T(cur);
    m->has_price = true;
    m->price = v;
    if (unit.empty()) {
      m->unit = absl::StrCat(ct.currency, "/", ct.default_unit);
    } else if (qty > 0 && qty != 1) {
      m->unit =
          absl::StrCat(ct.currency, "/", FormatQuantity(qty), AsAbsl(unit));
    } else {
      m->unit = absl::StrCat(ct.currency, "/", AsAbsl(unit));
    }
    j = std::max(j, num);
  }
}

std::optional<Event> GoldDetector::Matcher::Run(uint32_t body_begin) {
  const auto& sentences = text_.sentences;
  // Pass 1: label every token (phrases, compounds).
  bool any_alias = false;
  for (const Sentence& s : sentences) {
    LabelTokens(s);
    for (int i = sb_; i < se_ && !any_alias; i = Next(i))
      any_alias = R(i) & kAliasStrong;
  }
  if (!any_alias) return std::nullopt;  // "goldman", "golden"
  // Pass 2: classify gold names; topic aliases need a strong gold price name.
  bool strong = false;
  for (const Sentence& s : sentences) {
    SetSentence(s);
    for (int i = sb_; i < se_; i = Next(i)) {
      if (!(R(i) & kAlias)) continue;
      slots_[i].mention = Classify(i);
      if ((R(i) & kAliasStrong) && slots_[i].mention == kPriceMention)
        strong = true;
    }
  }
  if (!strong) return std::nullopt;
  // Pass 3: per sentence, the first attached move.
  struct Found {
    uint32_t sentence;
    Hit hit;
    double weight;        // Position weight of the sentence.
    double contribution;  // hit.conf x weight.
  };
  std::vector<Found> found;
  for (uint32_t si = 0; si < sentences.size(); ++si) {
    SetSentence(sentences[si]);
    std::optional<Hit> hit = AnalyzeSentence();
    if (!hit) continue;
    double w = PositionWeight(text_, body_begin, si);
    found.push_back(Found{si, *hit, w, hit->conf * w});
  }
  if (found.empty()) return std::nullopt;
  size_t best = 0;
  for (size_t k = 1; k < found.size(); ++k) {
    if (found[k].contribution > found[best].contribution) best = k;
  }
  // The event is the leading sentence's move; the sentences that agree with
  // it are its evidence and make up its relevance ("gold rose ... earlier
  // it had dipped" is an UP event whose evidence is the rise).
  Direction dir = found[best].hit.dir;
  found.erase(
      std::remove_if(found.begin(), found.end(),
                     [dir](const Found& f) { return f.hit.dir != dir; }),
      found.end());
  best = 0;
  RelevanceAccumulator relevance;
  for (size_t k = 0; k < found.size(); ++k) {
    relevance.Add(found[k].hit.conf, found[k].weight);
    if (found[k].contribution > found[best].contribution) best = k;
  }
  Event event;
  event.type = EventType::kGoldPriceMove;
  event.relevance = relevance.relevance();
  event.direction = dir;
  SetSentence(sentences[found[best].sentence]);
  ParseMagnitude(found[best].hit, &event.magnitude);
  // Fill in what the leading sentence lacks from the others.
  for (size_t k = 0; k < found.size(); ++k) {
    if (k == best) continue;
    if (event.magnitude.has_percent && event.magnitude.has_price) break;
    Magnitude more;
    SetSentence(sentences[found[k].sentence]);
    ParseMagnitude(found[k].hit, &more);
    if (!event.magnitude.has_percent && more.has_percent) {
      event.magnitude.has_percent = true;
      event.magnitude.percent = more.percent;
    }
    if (!event.magnitude.has_price && more.has_price) {
      event.magnitude.has_price = true;
      event.magnitude.price = more.price;
      event.magnitude.unit = std::move(more.unit);
    }
  }
  for (size_t k = 0; k < found.size() && k < static_cast<size_t>(kMaxEvidence);
       ++k) {
    const Sentence& s = sentences[found[k].sentence];
    Evidence ev;
    ev.begin = s.begin;
    ev.end = s.end;
    SetSentence(s);
    AddTerm(found[k].hit.mention, &ev.terms);
    AddTerm(found[k].hit.trigger, &ev.terms);
    AddTerm(found[k].hit.extra, &ev.terms);
    event.evidence.push_back(std::move(ev));
  }
  return event;
}

bool GoldDetector::MayNameGold(const AnalyzedText& text) const {
  // A strong alias is labelled at a token that is its first word (the alias
  // itself, or the first token of the phrase), or is a part of a compound
  // ("mcx-gold"; such tokens are `joined`), whose text then holds a needle.
  for (size_t i = 0; i < text.tokens.size(); ++i) {
    const Token& t = text.tokens[i];
    if (t.id < strong_first_.size() && strong_first_[t.id]) return true;
    if (!t.joined) continue;
    const std::string_view norm = text.norm(i);
    for (const std::string& needle : needles_) {
      if (norm.find(needle) != std::string_view::npos) return true;
    }
  }
  return false;
}

std::optional<Event> GoldDetector::Detect(const AnalyzedText& text,
                                          uint32_t body_begin) const {
  assert(text.vocabulary_digest == vocabulary_digest_);
  // Most texts never name gold: one look at each token, no allocation.
  if (!MayNameGold(text)) return std::nullopt;
  Matcher matcher(*this, text);
  return matcher.Run(body_begin);
}

}  // namespace tidings::scoring::internal
