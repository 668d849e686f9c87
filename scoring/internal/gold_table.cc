// Copyright 2026 The Tidings Authors.
//
// gold_table.cc: GoldDetector::Create(), which reads "gold.tsv" (its header
// comment describes the kinds of term) with one parser per kind of row, then
// indexes the terms by vocabulary id.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/gold.h"

namespace tidings::scoring::internal {

namespace {

constexpr char kFile[] = "gold.tsv";

}  // namespace

// Create()'s state: the detector being built and its keys while building.
// Each parser returns the role the row gives its term.
class GoldDetector::Builder {
 public:
  explicit Builder(GoldDetector* d) : d_(*d) {}

  absl::Status AddRow(const LexiconRow& row);
  // Needles and the index by vocabulary id, once every row is read.
  absl::Status Finish(const TextAnalyzer& analyzer);

 private:
  // The role the row gives term `t`, setting its arguments.
  absl::StatusOr<uint64_t> ParseKind(const LexiconRow& row, Term* t) const;
  absl::StatusOr<uint64_t> ParseAlias(const LexiconRow& row, Term* t) const;
  absl::StatusOr<uint64_t> ParseMove(const LexiconRow& row, uint64_t roles,
                                     Term* t) const;
  absl::StatusOr<uint64_t> ParseCauseOrRevise(const LexiconRow& row,
                                              Term* t) const;
  absl::StatusOr<uint64_t> ParseBoundary(const LexiconRow& row) const;
  absl::StatusOr<uint64_t> ParseCurrencyOrUnit(const LexiconRow& row,
                                               Term* t) const;
  absl::Status Error(const LexiconRow& row, std::string_view what) const;
  absl::StatusOr<float> Confidence(const LexiconRow& row) const;
  absl::StatusOr<Direction> ParseDirection(const LexiconRow& row) const;
  static std::string_view Field(const LexiconRow& row, size_t i) {
    return i < row.fields.size() ? row.fields[i] : "-";
  }
  Term& TermFor(std::string_view key);
  std::vector<std::string> StrongFirstWords() const;

  GoldDetector& d_;
  absl::flat_hash_map<std::string, uint32_t> index_;  // Key -> terms_ index.
};

absl::Status GoldDetector::Builder::Error(const LexiconRow& row,
                                          std::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat(kFile, ":", row.line, ": ",
                                                 AsAbsl(what), " for kind '",
                                                 AsAbsl(row.fields[0]), "'"));
}

absl::StatusOr<float> GoldDetector::Builder::Confidence(
    const LexiconRow& row) const {
  absl::StatusOr<double> c = ParseWeight(kFile, row, 3);
  if (!c.ok()) return c.status();
  if (*c <= 0 || *c > 1) return Error(row, "confidence must be in (0, 1]");
  return static_cast<float>(*c);
}

absl::StatusOr<Direction> GoldDetector::Builder::ParseDirection(
    const LexiconRow& row) const {
  std::string_view d = Field(row, 2);
  if (d == "up") return Direction::kUp;
  if (d == "down") return Direction::kDown;
  if (d == "flat") return Direction::kFlat;
  return absl::InvalidArgumentError(absl::StrCat(
      kFile, ":", row.line, ": direction must be up, down or flat, not '",
      AsAbsl(d), "'"));
}

GoldDetector::Term& GoldDetector::Builder::TermFor(std::string_view key) {
  auto [it, inserted] = index_.try_emplace(
      std::string(key), static_cast<uint32_t>(d_.terms_.size()));
  if (inserted) d_.terms_.emplace_back();
  return d_.terms_[it->second];
}

absl::StatusOr<uint64_t> GoldDetector::Builder::ParseAlias(
    const LexiconRow& row, Term* t) const {
  uint64_t role;
  if (Field(row, 2) == "strong") {
    role = kAliasStrong;
  } else if (Field(row, 2) == "topic") {
    role = kAliasTopic;
  } else {
    return Error(row, "strength must be strong or topic");
  }
  absl::StatusOr<float> c = Confidence(row);
  if (!c.ok()) return c.status();
  t->alias_conf = *c;
  return role;
}

// A term may be listed under several move kinds ("rise" is a verb and a
// noun) but with one direction.
absl::StatusOr<uint64_t> GoldDetector::Builder::ParseMove(const LexiconRow& row,
                                                          uint64_t roles,
                                                          Term* t) const {
  absl::StatusOr<Direction> dir = ParseDirection(row);
  if (!dir.ok()) return dir.status();
  if (t->move != Direction::kUnspecified && t->move != *dir) {
    return Error(row, "term already has another direction");
  }
  absl::StatusOr<float> c = Confidence(row);
  if (!c.ok()) return c.status();
  t->move = *dir;
  t->move_conf = std::max(t->move_conf, *c);
  return kMove | roles;
}

absl::StatusOr<uint64_t> GoldDetector::Builder::ParseCauseOrRevise(
    const LexiconRow& row, Term* t) const {
  absl::StatusOr<Direction> dir = ParseDirection(row);
  if (!dir.ok()) return dir.status();
  if (*dir == Direction::kFlat)
    return Error(row, "direction must be up or down");
  absl::StatusOr<float> c = Confidence(row);
  if (!c.ok()) return c.status();
  if (row.fields[0] == "cause") {
    t->cause = *dir;
    t->cause_conf = *c;
    return kCause;
  }
  t->revise = *dir;
  t->revise_conf = *c;
  return kRevise;
}

absl::StatusOr<uint64_t> GoldDetector::Builder::ParseBoundary(
    const LexiconRow& row) const {
  if (Field(row, 2) == "hard") return kBoundaryHard;
  if (Field(row, 2) == "soft") return kBoundarySoft;
  return Error(row, "strength must be hard or soft");
}

absl::StatusOr<uint64_t> GoldDetector::Builder::ParseCurrencyOrUnit(
    const LexiconRow& row, Term* t) const {
  if (row.fields[0] == "unit") {
    if (Field(row, 2) == "-") return Error(row, "unit symbol required");
    t->unit = std::string(Field(row, 2));
    return kUnit;
  }
  if (Field(row, 2) == "-" || Field(row, 3) == "-") {
    return Error(row, "currency and unit required");
  }
  t->currency = std::string(Field(row, 2));
  t->default_unit = std::string(Field(row, 3));
  return row.fields[0] == "currency" ? kCurrency : kCurrencyAfter;
}

absl::StatusOr<uint64_t> GoldDetector::Builder::ParseKind(const LexiconRow& row,
                                                          Term* t) const {
  // Kinds whose rows only give their term a role.
  static constexpr std::pair<std::string_view, uint64_t> kFlagKinds[] = {
      {"price", kPriceWord},
      {"sense", kSense},
      {"other", kOther},
      {"name", kName},
      {"reverse", kReverse},
      {"forecast", kForecast},
      {"coord", kCoord},
      {"link", kLink},
      {"det", kDet},
      {"negator", kNegator},
      {"advice", kAdvice},
      {"particle", kParticle},
      {"conditional", kConditional},
      {"approx", kApprox},
      {"reference", kReference},
      {"about", kAbout},
      {"span", kSpan},
      {"relative", kRelative},
      {"change", kChange},
      {"place", kPlace},
      {"question", kQuestion},
      {"per", kPer},
      {"percent", kPercent},
  };
  // Direction-term kinds and the roles they add to kMove.
  static constexpr std::pair<std::string_view, uint64_t> kMoveKinds[] = {
      {"move", 0},
      {"noun", kMoveNoun},
      {"adj", kMoveAdj},
      {"level", kMoveLevel},
      {"adverb", kMoveAdverb},
      {"mark", kMoveLevel | kPlace},
  };
  const std::string_view kind = row.fields[0];
  for (const auto& [name, role] : kFlagKinds) {
    if (kind == name) return role;
  }
  for (const auto& [name, roles] : kMoveKinds) {
    if (kind == name) return ParseMove(row, roles, t);
  }
  if (kind == "alias") return ParseAlias(row, t);
  if (kind == "hold") {
    absl::StatusOr<float> c = Confidence(row);
    if (!c.ok()) return c.status();
    t->hold_conf = *c;
    return kHold;
  }
  if (kind == "cause" || kind == "revise") return ParseCauseOrRevise(row, t);
  if (kind == "boundary") return ParseBoundary(row);
  if (kind == "currency" || kind == "currency_after" || kind == "unit") {
    return ParseCurrencyOrUnit(row, t);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      kFile, ":", row.line, ": unknown kind '", AsAbsl(kind), "'"));
}

absl::Status GoldDetector::Builder::AddRow(const LexiconRow& row) {
  const std::string_view key = row.fields[1];
  if (std::count(key.begin(), key.end(), ' ') + 1 > kMaxPhrase) {
    return Error(row, "phrase longer than 4 tokens");
  }
  Term& t = TermFor(key);
  absl::StatusOr<uint64_t> role = ParseKind(row, &t);
  if (!role.ok()) return role.status();
  t.roles |= *role;
  // Every proper prefix of a phrase ("the", "the precious") is marked, so
  // that matching can stop early.
  for (size_t sp = key.find(' '); sp != std::string_view::npos;
       sp = key.find(' ', sp + 1)) {
    Term& prefix = TermFor(key.substr(0, sp));
    prefix.roles |= kPhraseStart;
    if (sp == key.find(' ') && (*role & kAliasStrong)) {
      prefix.roles |= kStrongStart;
    }
  }
  return absl::OkStatus();
}

// The first words of the strong aliases.
std::vector<std::string> GoldDetector::Builder::StrongFirstWords() const {
  std::vector<std::string> firsts;
  for (const auto& [key, i] : index_) {
    if (!(d_.terms_[i].roles & kAliasStrong)) continue;
    std::string first = key.substr(0, key.find(' '));
    if (std::find(firsts.begin(), firsts.end(), first) == firsts.end()) {
      firsts.push_back(std::move(first));
    }
  }
  return firsts;
}

absl::Status GoldDetector::Builder::Finish(const TextAnalyzer& analyzer) {
  // Pre-check needles: the first words of the strong aliases, leaving out
  // any that contains another ("goldm" contains "gold").
  const std::vector<std::string> firsts = StrongFirstWords();
  for (const std::string& f : firsts) {
    bool redundant = false;
    for (const std::string& g : firsts) {
      if (g != f && f.find(g) != std::string::npos) redundant = true;
    }
    if (!redundant) d_.needles_.push_back(f);
  }
  std::sort(d_.needles_.begin(), d_.needles_.end());

  // The keys by vocabulary id: a one-word key by its id, a phrase as the
  // extension of its prefix (also a key) by its last word.
  d_.vocabulary_ = analyzer.vocabulary();
  d_.vocabulary_digest_ = d_.vocabulary_->digest();
  d_.term_of_id_.assign(d_.vocabulary_->size() + 1, -1);
  d_.strong_first_.assign(d_.vocabulary_->size() + 1, 0);
  auto id_of = [this](std::string_view word) -> absl::StatusOr<uint32_t> {
    const uint32_t id = d_.vocabulary_->Find(word);
    if (id == Vocabulary::kNone) {
      return absl::InternalError(absl::StrCat(kFile, ": word \"", AsAbsl(word),
                                              "\" is not in the vocabulary"));
    }
    return id;
  };
  for (const std::string& f : firsts) {
    absl::StatusOr<uint32_t> id = id_of(f);
    if (!id.ok()) return id.status();
    d_.strong_first_[*id] = 1;
  }
  for (const auto& [key, i] : index_) {
    const size_t sp = key.rfind(' ');
    absl::StatusOr<uint32_t> id = id_of(
        std::string_view(key).substr(sp == std::string::npos ? 0 : sp + 1));
    if (!id.ok()) return id.status();
    if (d_.terms_[i].roles & kAlias) d_.alias_words_.push_back(*id);
    if (sp == std::string::npos) {
      d_.term_of_id_[*id] = static_cast<int32_t>(i);
    } else {
      const uint32_t prefix = index_.at(key.substr(0, sp));
      d_.extend_[uint64_t{prefix} << 32 | *id] = i;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<GoldDetector> GoldDetector::Create(const LexiconSet& lexicons) {
  absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(lexicons);
  if (!analyzer.ok()) return analyzer.status();
  return Create(lexicons, *analyzer);
}

absl::StatusOr<GoldDetector> GoldDetector::Create(
    const LexiconSet& lexicons, const TextAnalyzer& analyzer) {
  absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(kFile, 2, 4);
  if (!rows.ok()) return rows.status();
  GoldDetector d;
  Builder builder(&d);
  for (const LexiconRow& row : *rows) {
    absl::Status s = builder.AddRow(row);
    if (!s.ok()) return s;
  }
  absl::Status s = builder.Finish(analyzer);
  if (!s.ok()) return s;
  return d;
}

}  // namespace tidings::scoring::internal
