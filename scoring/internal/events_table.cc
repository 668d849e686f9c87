// Copyright 2026 The Tidings Authors.
//
// events_table.cc: EventDetector::Create(), which reads "events.tsv" (its
// header comment describes the row kinds) with one parser per row kind.

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/events.h"

namespace tidings::scoring::internal {
namespace {

constexpr std::string_view kFile = "events.tsv";

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

}  // namespace

// Create()'s state: the detector being built, the groups' default scopes and
// the phrase entries by text. Each row kind has its own parser.
class EventDetector::Builder {
 public:
  Builder(EventDetector* d, const TextAnalyzer& analyzer)
      : d_(*d), analyzer_(analyzer) {
    d_.group_names_ = {"@actor", "@actors2", "@commodity", "@person"};
    default_scope_.assign(d_.group_names_.size(), Scope::kSentence);
  }

  // Pass 1: group names and scopes, so that any row may name any group.
  absl::Status DefineGroup(const LexiconRow& row);
  // Pass 2: every row by its kind.
  absl::Status AddRow(const LexiconRow& row);
  // Puts the entries into the phrase indexes.
  absl::Status Index();

 private:
  absl::Status AddGroupTerms(const LexiconRow& row);
  absl::Status AddBlock(const LexiconRow& row);
  absl::Status SetParam(const LexiconRow& row);
  absl::Status AddYearGuard(const LexiconRow& row);
  absl::Status SetDefault(const LexiconRow& row);
  absl::Status AddAction(const LexiconRow& row);
  absl::Status AddTrigger(const LexiconRow& row);
  absl::Status ParseRefs(const LexiconRow& row, std::string_view field,
                         bool boost, std::vector<GroupRef>* refs) const;
  bool ParseRef(std::string_view s, bool boost, GroupRef* ref) const;
  int FindGroup(std::string_view name) const;
  // Calls f(entry index) for each "|"-separated phrase of `terms`.
  template <typename F>
  absl::Status ForEachEntry(const LexiconRow& row, std::string_view terms, F f);

  EventDetector& d_;
  const TextAnalyzer& analyzer_;
  std::vector<Scope> default_scope_;                     // By group.
  absl::flat_hash_map<std::string, uint32_t> entry_of_;  // phrase -> entry
  std::vector<std::string_view> phrase_of_;  // entry -> phrase (in a row)
};

absl::Status EventDetector::Builder::DefineGroup(const LexiconRow& row) {
  if (row.fields.size() != 4) {
    return RowError(kFile, row,
                    "GROUP rows have 4 fields: GROUP, name, scope, terms");
  }
  Scope scope;
  if (!ParseScope(row.fields[2], &scope))
    return RowError(kFile, row, "unknown scope");
  const int g = FindGroup(row.fields[1]);
  if (g < 0) {
    if (d_.group_names_.size() >= 64) {
      return RowError(kFile, row, "more than 64 groups");
    }
    d_.group_names_.emplace_back(row.fields[1]);
    default_scope_.push_back(scope);
  } else if (default_scope_[g] != scope) {
    return RowError(kFile, row, "group redefined with another scope");
  }
  return absl::OkStatus();
}

absl::Status EventDetector::Builder::AddRow(const LexiconRow& row) {
  const std::string_view kind = row.fields[0];
  if (kind == "GROUP") return AddGroupTerms(row);
  if (kind == "BLOCK") return AddBlock(row);
  if (kind == "PARAM") return SetParam(row);
  if (kind == "YEARGUARD") return AddYearGuard(row);
  if (kind == "DEFAULT") return SetDefault(row);
  if (kind == "ACTION") return AddAction(row);
  if (kind == "TRIGGER") return AddTrigger(row);
  return RowError(
      kFile, row,
      absl::StrCat(
          "unknown row kind \"", std::string(kind),
          "\" (GROUP, BLOCK, PARAM, YEARGUARD, DEFAULT, ACTION, TRIGGER)"));
}

int EventDetector::Builder::FindGroup(std::string_view name) const {
  for (size_t g = 0; g < d_.group_names_.size(); ++g) {
    if (d_.group_names_[g] == name) return static_cast<int>(g);
  }
  return -1;
}

// "name", "name@scope"; boosts are "[!]name[@scope]+weight".
bool EventDetector::Builder::ParseRef(std::string_view s, bool boost,
                                      GroupRef* ref) const {
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
  int g = FindGroup(at == std::string_view::npos ? s : s.substr(0, at));
  if (g < 0) return false;
  ref->group = static_cast<uint8_t>(g);
  ref->scope = default_scope_[g];
  return at == std::string_view::npos ||
         ParseScope(s.substr(at + 1), &ref->scope);
}

absl::Status EventDetector::Builder::ParseRefs(
    const LexiconRow& row, std::string_view field, bool boost,
    std::vector<GroupRef>* refs) const {
  if (field == "-") return absl::OkStatus();
  for (std::string_view s : Split(field, ' ')) {
    GroupRef ref;
    if (!ParseRef(s, boost, &ref)) {
      return RowError(
          kFile, row,
          absl::StrCat(
              boost ? "bad boost \"" : "bad reject \"", std::string(s),
              boost ? "\" ([!]group[@scope]+weight)" : "\" (group[@scope])"));
    }
    refs->push_back(ref);
  }
  return absl::OkStatus();
}

template <typename F>
absl::Status EventDetector::Builder::ForEachEntry(const LexiconRow& row,
                                                  std::string_view terms, F f) {
  for (std::string_view phrase : Split(terms, '|')) {
    auto [it, inserted] = entry_of_.emplace(
        std::string(phrase), static_cast<uint32_t>(d_.entries_.size()));
    if (inserted) {
      AnalyzedText at;
      analyzer_.Analyze(phrase, &at);
      if (at.tokens.empty()) {
        return RowError(
            kFile, row,
            absl::StrCat("phrase \"", std::string(phrase), "\" has no tokens"));
      }
      d_.entries_.emplace_back();
      phrase_of_.push_back(phrase);
    }
    absl::Status s = f(it->second);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status EventDetector::Builder::AddGroupTerms(const LexiconRow& row) {
  const uint64_t bit = uint64_t{1} << FindGroup(row.fields[1]);
  return ForEachEntry(row, row.fields[3], [&](uint32_t e) {
    d_.entries_[e].groups |= bit;
    return absl::OkStatus();
  });
}

absl::Status EventDetector::Builder::AddBlock(const LexiconRow& row) {
  if (row.fields.size() != 2) {
    return RowError(kFile, row, "BLOCK rows have 2 fields: BLOCK, phrases");
  }
  return ForEachEntry(row, row.fields[1], [&](uint32_t e) {
    d_.entries_[e].block = true;
    return absl::OkStatus();
  });
}

absl::Status EventDetector::Builder::SetParam(const LexiconRow& row) {
  if (row.fields.size() != 3) {
    return RowError(kFile, row, "PARAM rows have 3 fields: PARAM, name, value");
  }
  double v;
  if (!ParseDouble(row.fields[2], &v)) {
    return RowError(kFile, row, "value must be a number");
  }
  const std::string_view name = row.fields[1];
  Params& p = d_.params_;
  if (name == "window") {
    p.window = static_cast<int>(v);
  } else if (name == "history_factor") {
    p.history_factor = v;
  } else if (name == "history_before") {
    p.history_before = static_cast<int>(v);
  } else if (name == "history_after_geopolitical") {
    p.history_after_geo = static_cast<int>(v);
  } else if (name == "min_confidence") {
    p.min_confidence = v;
  } else if (name == "max_evidence") {
    p.max_evidence = static_cast<int>(v);
  } else {
    return RowError(kFile, row, "unknown PARAM");
  }
  return absl::OkStatus();
}

absl::Status EventDetector::Builder::AddYearGuard(const LexiconRow& row) {
  if (row.fields.size() != 3 ||
      (row.fields[1] != "before" && row.fields[1] != "after")) {
    return RowError(
        kFile, row,
        "YEARGUARD rows have 3 fields: YEARGUARD, before|after, words");
  }
  auto& set = row.fields[1] == "before" ? d_.not_year_prev_ : d_.not_year_next_;
  for (std::string_view w : Split(row.fields[2], '|'))
    set.insert(std::string(w));
  return absl::OkStatus();
}

absl::Status EventDetector::Builder::SetDefault(const LexiconRow& row) {
  if (row.fields.size() != 3) {
    return RowError(kFile, row,
                    "DEFAULT rows have 3 fields: DEFAULT, type, direction");
  }
  uint8_t type;
  if (!ParseType(row.fields[1], &type)) {
    return RowError(kFile, row, "unknown event type");
  }
  if (!ParseDirection(row.fields[2], &d_.default_direction_[type])) {
    return RowError(kFile, row, "unknown direction");
  }
  return absl::OkStatus();
}

absl::Status EventDetector::Builder::AddAction(const LexiconRow& row) {
  if (row.fields.size() != 6) {
    return RowError(kFile, row,
                    "ACTION rows have 6 fields: ACTION, direction, types, "
                    "max distance, priority, terms");
  }
  Action a;
  if (!ParseDirection(row.fields[1], &a.direction)) {
    return RowError(kFile, row, "unknown direction");
  }
  for (std::string_view t : Split(row.fields[2], ',')) {
    uint8_t type;
    if (!ParseType(t, &type)) return RowError(kFile, row, "unknown event type");
    a.types |= 1 << type;
  }
  double dist, prio;
  if (!ParseDouble(row.fields[3], &dist) ||
      !ParseDouble(row.fields[4], &prio)) {
    return RowError(kFile, row, "max distance and priority must be numbers");
  }
  a.max_distance = static_cast<uint8_t>(dist);
  a.priority = static_cast<uint8_t>(prio);
  d_.actions_.push_back(a);
  const auto index = static_cast<uint16_t>(d_.actions_.size() - 1);
  return ForEachEntry(row, row.fields[5], [&](uint32_t e) {
    for (uint16_t other : d_.entries_[e].actions) {
      if (d_.actions_[other].types & a.types) {
        return RowError(kFile, row,
                        absl::StrCat("\"", std::string(phrase_of_[e]),
                                     "\" already has an action for that "
                                     "type"));
      }
    }
    d_.entries_[e].actions.push_back(index);
    return absl::OkStatus();
  });
}

absl::Status EventDetector::Builder::AddTrigger(const LexiconRow& row) {
  if (row.fields.size() != 7) {
    return RowError(kFile, row,
                    "TRIGGER rows have 7 fields: TRIGGER, type, terms, base, "
                    "boosts, rejects, direction");
  }
  Rule r;
  if (!ParseType(row.fields[1], &r.type)) {
    return RowError(kFile, row, "unknown event type");
  }
  double base;
  if (!ParseDouble(row.fields[3], &base)) {
    return RowError(kFile, row, "base must be a number");
  }
  r.base = static_cast<float>(base);
  absl::Status s = ParseRefs(row, row.fields[4], true, &r.boosts);
  if (s.ok()) s = ParseRefs(row, row.fields[5], false, &r.rejects);
  if (!s.ok()) return s;
  if (row.fields[6] != "-" && !ParseDirection(row.fields[6], &r.direction)) {
    return RowError(kFile, row, "unknown direction");
  }
  d_.rules_.push_back(std::move(r));
  const auto index = static_cast<uint16_t>(d_.rules_.size() - 1);
  return ForEachEntry(row, row.fields[2], [&](uint32_t e) {
    d_.entries_[e].rules.push_back(index);
    return absl::OkStatus();
  });
}

// Blocks go into both indexes: they suppress the triggers and the cues they
// contain.
absl::Status EventDetector::Builder::Index() {
  for (uint32_t e = 0; e < d_.entries_.size(); ++e) {
    const Entry& entry = d_.entries_[e];
    if (entry.block || !entry.rules.empty()) {
      absl::Status s = d_.triggers_.Add(analyzer_, phrase_of_[e], e);
      if (!s.ok()) return s;
    }
    if (entry.block || entry.groups != 0 || !entry.actions.empty()) {
      absl::Status s = d_.cues_.Add(analyzer_, phrase_of_[e], e);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

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
  Builder builder(&d, analyzer);
  for (const LexiconRow& row : *rows) {
    if (row.fields[0] != "GROUP") continue;
    absl::Status s = builder.DefineGroup(row);
    if (!s.ok()) return s;
  }
  for (const LexiconRow& row : *rows) {
    absl::Status s = builder.AddRow(row);
    if (!s.ok()) return s;
  }
  absl::Status s = builder.Index();
  if (!s.ok()) return s;
  return d;
}

}  // namespace tidings::scoring::internal
