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

absl::Status RowError(std::string_view file, const LexiconRow& row,
                      std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s:%d: %s", std::string(file), row.line, std::string(what)));
}

bool IsPunct(const AnalyzedText& text, uint32_t t, std::string_view set) {
  if (text.tokens[t].kind != TokenKind::kSymbol) return false;
  return text.tokens[t].end - text.tokens[t].begin == 1 &&
         set.find(text.text[text.tokens[t].begin]) != std::string_view::npos;
}

// True for "'s", "'" and a lone "s" after "'" (pre-tokenised "company 's").
bool IsPossessive(const AnalyzedText& text, uint32_t t) {
  std::string_view w = text.norm(t);
  if (w == "'s" || w == "'" || w == "\xE2\x80\x99s") return true;
  return w == "s" && t > 0 && text.norm(t - 1) == "'";
}

// Parses the digits of `s` ("3,364.43", "0.6") into `out`; false if `s` is
// not a plain number.
bool ParseDigits(std::string_view s, double* out) {
  double v = 0, frac = 0;
  bool any = false, dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      any = true;
      if (dot) {
        frac /= 10;
        v += (c - '0') * frac;
      } else {
        v = v * 10 + (c - '0');
      }
    } else if (c == ',' && !dot) {
      continue;
    } else if (c == '.' && !dot) {
      dot = true;
      frac = 1;
    } else {
      return false;
    }
  }
  *out = v;
  return any;
}

bool EndsWithNegation(std::string_view w) {
  if (w.empty() || w.back() != 't') return false;  // Most words, cheaply.
  return (w.size() > 3 && w.substr(w.size() - 3) == "n't") ||
         (w.size() > 5 && w.substr(w.size() - 5) == "n\xE2\x80\x99t");
}

}  // namespace

absl::Status SentimentModel::AddRow(
    std::string_view file, const LexiconRow& row,
    absl::flat_hash_map<std::string, std::string>* seen, SentimentModel* model) {
  std::string_view kind = row.fields[0];
  auto number = [&](int field, double* out) -> absl::Status {
    absl::StatusOr<double> v = ParseWeight(file, row, field);
    if (!v.ok()) return v.status();
    *out = *v;
    return absl::OkStatus();
  };
  if (kind == "param") {
    if (row.fields.size() != 3) return RowError(file, row, "param NAME VALUE");
    double v = 0;
    if (absl::Status st = number(2, &v); !st.ok()) return st;
    std::string_view name = row.fields[1];
    Params& p = model->params_;
    struct IntParam { std::string_view name; int* field; };
    struct FloatParam { std::string_view name; float* field; };
    const IntParam ints[] = {
        {"window_back", &p.window_back},       {"window_near", &p.window_near},
        {"window_forward", &p.window_forward}, {"link_window", &p.link_window},
        {"dest_window", &p.dest_window},       {"neg_window", &p.neg_window},
        {"scale_window", &p.scale_window},     {"compare_window", &p.compare_window},
        {"compare_back", &p.compare_back},     {"figure_window", &p.figure_window}};
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

  // Every other kind: KIND <TAB> TERM[|TERM...] [<TAB> VALUE [<TAB> VALUE]].
  if (row.fields.size() < 2) return RowError(file, row, "missing term");
  double v1 = 0, v2 = 0;
  bool has_v1 = row.fields.size() > 2, has_v2 = row.fields.size() > 3;
  if (has_v1) {
    if (absl::Status st = number(2, &v1); !st.ok()) return st;
  }
  if (has_v2) {
    if (absl::Status st = number(3, &v2); !st.ok()) return st;
  }
  auto need = [&](int n) -> absl::Status {
    if (static_cast<int>(row.fields.size()) - 2 < n) {
      return RowError(file, row, absl::StrCat(AsAbsl(kind), " needs a value"));
    }
    return absl::OkStatus();
  };
  // Applies this row's role to `t`.
  auto apply = [&](Term& t) {
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
    } else if (kind == "negator") {
      t.flags |= kNegator;
    } else if (kind == "contrast") {
      t.flags |= kContrastAfter;
    } else if (kind == "concession") {
      t.flags |= kContrastClause;
    } else if (kind == "compare") {
      t.flags |= kCompare;
    } else if (kind == "link") {
      t.flags |= kLink;
    } else if (kind == "dest") {
      t.flags |= kDest;
    } else if (kind == "numsign") {
      t.flags |= kNumSign;
    } else if (kind == "block") {
      t.flags |= kBlock;
    } else if (kind == "figure") {
      t.flags |= kFigure;
    } else if (kind == "det") {
      t.flags |= kDeterminer;
    }
  };
  static constexpr std::string_view kValued[] = {"polar", "metric", "change",
                                                 "verb", "scale", "unit"};
  static constexpr std::string_view kBare[] = {
      "negator", "contrast", "concession", "compare", "link",
      "dest",    "numsign",  "block",      "figure",  "det"};
  bool valued = std::find(std::begin(kValued), std::end(kValued), kind) != std::end(kValued);
  bool bare = std::find(std::begin(kBare), std::end(kBare), kind) != std::end(kBare);
  if (!valued && !bare) {
    return RowError(file, row, absl::StrCat("unknown kind ", AsAbsl(kind)));
  }
  if (valued) {
    if (absl::Status st = need(1); !st.ok()) return st;
  } else if (has_v1) {
    return RowError(file, row, absl::StrCat(AsAbsl(kind), " takes no value"));
  }
  if (has_v2 && kind != "metric" && kind != "change" && kind != "verb") {
    return RowError(file, row, absl::StrCat(AsAbsl(kind), " takes one value"));
  }
  for (absl::string_view alt : absl::StrSplit(AsAbsl(row.fields[1]), '|')) {
    std::vector<std::string> words =
        absl::StrSplit(alt, ' ', absl::SkipWhitespace());
    if (words.empty()) return RowError(file, row, "empty term");
    // "change" and "verb" are one role; every other kind is its own.
    absl::string_view role = kind == "verb" ? "change" : AsAbsl(kind);
    std::string key = absl::StrCat(role, "\t", absl::StrJoin(words, " "));
    auto [prev, inserted] =
        seen->try_emplace(key, absl::StrFormat("%s:%d", std::string(file), row.line));
    if (!inserted) {
      return RowError(file, row,
                      absl::StrCat("\"", absl::StrJoin(words, " "), "\" is already a ",
                                   role, " at ", prev->second));
    }
    Entry& e = model->terms_[words[0]];
    if (words.size() == 1) {
      e.has_single = true;
      apply(e.single);
      continue;
    }
    std::vector<std::string> rest(words.begin() + 1, words.end());
    auto it = std::find_if(e.phrases.begin(), e.phrases.end(),
                           [&](const Phrase& p) { return p.rest == rest; });
    if (it == e.phrases.end()) {
      e.phrases.push_back(Phrase{std::move(rest), {}, Term()});
      it = e.phrases.end() - 1;
    }
    apply(it->term);
  }
  return absl::OkStatus();
}

absl::StatusOr<SentimentModel> SentimentModel::Create(const LexiconSet& lexicons) {
  absl::StatusOr<TextAnalyzer> analyzer = TextAnalyzer::Create(lexicons);
  if (!analyzer.ok()) return analyzer.status();
  return Create(lexicons, *analyzer);
}

absl::StatusOr<SentimentModel> SentimentModel::Create(const LexiconSet& lexicons,
                                                      const TextAnalyzer& analyzer) {
  SentimentModel model;
  model.suffix_negator_.flags = kNegator;
  absl::flat_hash_map<std::string, std::string> seen;
  for (std::string_view file : kFiles) {
    absl::StatusOr<std::vector<LexiconRow>> rows = lexicons.Rows(file, 2, 4);
    if (!rows.ok()) return rows.status();
    for (const LexiconRow& row : *rows) {
      if (absl::Status st = AddRow(file, row, &seen, &model); !st.ok()) return st;
    }
  }
  // Index the entries by the vocabulary ids of their words.
  model.vocabulary_ = analyzer.vocabulary();
  model.vocabulary_digest_ = model.vocabulary_->digest();
  model.entry_of_id_.assign(model.vocabulary_->size() + 1, -1);
  auto id_of = [&](const std::string& word) -> absl::StatusOr<uint32_t> {
    const uint32_t id = model.vocabulary_->Find(word);
    if (id == Vocabulary::kNone) {
      return absl::InternalError(absl::StrCat(
          "sentiment term word \"", word, "\" is not in the vocabulary"));
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
    }
    entry.may_score = entry.has_single && MayScore(entry.single);
    for (const Phrase& p : entry.phrases) entry.may_score |= MayScore(p.term);
    model.entry_of_id_[*id] = static_cast<int32_t>(model.entries_.size());
    model.entries_.push_back(std::move(entry));
  }
  model.terms_.clear();
  return model;
}

bool SentimentModel::MayScoreSentence(const AnalyzedText& text,
                                      const Sentence& s) const {
  const Token* tokens = text.tokens.data();
  for (uint32_t i = s.first_token; i < s.end_token; ++i) {
    const Entry* e = FindId(tokens[i].id);
    if (e != nullptr ? e->may_score
                     : tokens[i].joined && tokens[i].kind != TokenKind::kSymbol) {
      return true;
    }
  }
  return false;
}

void SentimentModel::MatchSentence(const AnalyzedText& text, const Sentence& s,
                                   std::vector<Match>* matches) const {
  // In a sentence-case sentence, a capitalised metric after a capitalised
  // word is part of a name ("Neste Oil", "Frozen Foods Business"). Title-case
  // headlines ("Gold Prices Rise") are exempt.
  int words = 0, caps = 0;
  for (uint32_t i = s.first_token; i < s.end_token; ++i) {
    if (text.tokens[i].kind != TokenKind::kWord) continue;
    ++words;
    caps += text.tokens[i].capitalized;
  }
  const bool title_case = caps * 2 > words;
  auto in_name = [&](uint32_t i) {
    return !title_case && text.tokens[i].capitalized && i > s.first_token &&
           text.tokens[i - 1].capitalized &&
           text.tokens[i - 1].kind == TokenKind::kWord &&
           i - 1 > s.first_token;
  };
  assert(text.vocabulary_digest == vocabulary_digest_);
  for (uint32_t i = s.first_token; i < s.end_token;) {
    const Entry* found = FindId(text.tokens[i].id);
    bool suffix_only = false;
    if (found == nullptr && text.tokens[i].joined &&
        text.tokens[i].kind != TokenKind::kSymbol) {
      // "6-month lows", "one-week high": an unknown hyphenated word may
      // start a phrase with its last part ("month lows").
      std::string_view w = text.norm(i);
      size_t dash = w.rfind('-');
      if (dash != std::string_view::npos && dash + 1 < w.size()) {
        found = Find(w.substr(dash + 1));
        suffix_only = true;
      }
    }
    if (found != nullptr) {
      const Entry& e = *found;
      const Phrase* best = nullptr;
      for (const Phrase& p : e.phrases) {
        if (i + p.rest.size() >= s.end_token) continue;
        bool ok = true;
        for (size_t k = 0; k < p.rest_ids.size() && ok; ++k) {
          ok = text.tokens[i + 1 + k].id == p.rest_ids[k];
        }
        if (ok) {
          best = &p;
          break;
        }
      }
      if (best != nullptr && best->term.metric != 0 && in_name(i)) best = nullptr;
      if (best != nullptr) {
        uint32_t n = static_cast<uint32_t>(best->rest.size()) + 1;
        matches->push_back(Match{i, i + n, &best->term});
        i += n;
        continue;
      }
      if (e.has_single && !suffix_only &&
          !(e.single.metric != 0 && in_name(i))) {
        matches->push_back(Match{i, i + 1, &e.single});
        ++i;
        continue;
      }
    } else if (text.tokens[i].kind == TokenKind::kWord &&
               EndsWithNegation(text.norm(i))) {
      matches->push_back(Match{i, i + 1, &suffix_negator_});
    }
    ++i;
  }
}

namespace {

// Sentiment-bearing: what a negator or an intensifier attaches to.
bool Bears(const SentimentModel::Term& t) {
  return t.polar != 0 || (t.is_change && t.change != 0);
}

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
    ++j;
  }
  *next = j;
  return s;
}

}  // namespace

double SentimentModel::ScoreMatches(const AnalyzedText& text, const Sentence& s,
                                    std::vector<Match>* matches,
                                    std::vector<int>* token_match) const {
  const Params& p = params_;
  std::vector<Match>& m = *matches;
  std::vector<int>& at = *token_match;
  const uint32_t base = s.first_token;
  const uint32_t n_tok = s.end_token - s.first_token;
  at.assign(n_tok, -1);
  for (size_t k = 0; k < m.size(); ++k) {
    for (uint32_t t = m[k].first; t < m[k].last; ++t) at[t - base] = static_cast<int>(k);
  }
  auto match_at = [&](uint32_t t) -> int { return at[t - base]; };
  auto is_metric = [&](uint32_t t) {
    int k = match_at(t);
    return k >= 0 && m[k].term->metric != 0 && m[k].first == t;
  };

  // Rule 2: negation and intensity, as multipliers of the terms they reach.
  for (size_t k = 0; k < m.size(); ++k) {
    const Term& t = *m[k].term;
    if (t.flags & kNegator) {
      for (size_t j = k + 1; j < m.size(); ++j) {
        if (static_cast<int>(m[j].first - m[k].last) >= p.neg_window) break;
        bool stop = false;
        for (uint32_t q = m[k].last; q < m[j].first && !stop; ++q) {
          stop = IsPunct(text, q, ",;:");
        }
        if (stop || (m[j].term->flags & (kContrastAfter | kContrastClause))) break;
        if (Bears(*m[j].term) && !m[j].negated) {
          m[j].negated = true;
          m[j].mult *= p.negation_factor;
          break;
        }
      }
    }
    if (t.scale != 0) {
      bool done = false;
      for (size_t j = k + 1; j < m.size() && !done; ++j) {
        if (static_cast<int>(m[j].first - m[k].last) >= p.scale_window) break;
        if (Bears(*m[j].term)) {
          if (!m[j].scaled) m[j].mult *= t.scale;
          m[j].scaled = done = true;
        }
      }
      for (size_t j = k; j-- > 0 && !done;) {
        if (static_cast<int>(m[k].first - m[j].last) >= p.scale_window) break;
        if (Bears(*m[j].term)) {
          if (!m[j].scaled) m[j].mult *= t.scale;
          m[j].scaled = done = true;
        }
      }
    }
  }

  // Rule 5: contrast and concession, as multipliers too.
  for (size_t k = 0; k < m.size(); ++k) {
    uint16_t f = m[k].term->flags;
    if (f & kContrastAfter) {
      for (size_t j = 0; j < k; ++j) m[j].mult *= p.contrast_before;
    } else if (f & kContrastClause) {
      for (size_t j = k + 1; j < m.size(); ++j) {
        bool comma = false;
        for (uint32_t q = m[k].last; q < m[j].first && !comma; ++q) {
          comma = IsPunct(text, q, ",;:");
        }
        if (comma) break;
        m[j].mult *= p.contrast_clause;
      }
    }
  }

  // Rule 3: change x metric.
  auto skippable = [&](uint32_t t) {
    // Tokens allowed between a change and its object: plain words and
    // possessives, not numbers, punctuation or rule words.
    if (IsPossessive(text, t)) return true;
    if (text.tokens[t].kind != TokenKind::kWord) return false;
    int k = match_at(t);
    if (k < 0) return true;
    const Term& term = *m[k].term;
    return (term.flags & ~kDeterminer) == 0 && !term.is_change && term.metric == 0;
  };
  for (size_t k = 0; k < m.size(); ++k) {
    const Term& ct = *m[k].term;
    if (!ct.is_change) continue;
    const uint32_t c0 = m[k].first, c1 = m[k].last;
    int metric = -1;
    bool destination = false;
    // a. Destination: "swung to a net loss".
    if (c1 < s.end_token) {
      int d = match_at(c1);
      if (d >= 0 && (m[d].term->flags & kDest)) {
        for (uint32_t q = m[d].last; q < s.end_token &&
                                     static_cast<int>(q - m[d].last) < p.dest_window;
             ++q) {
          if (is_metric(q)) {
            metric = match_at(q);
            destination = true;
            break;
          }
          if (!skippable(q)) break;
        }
      }
    }
    if (!ct.change && !destination) continue;  // A shift verb with no target.
    // b.-e. The metric that changed, by increasing distance: right before
    // ("net loss narrowed", "sales were up"), right after ("cut costs",
    // "higher sales"), a little before, a little after ("increase its
    // sales"), linked after ("increase of 5 % in sales"), far before.
    // "Net sales of the Vegetable Oil Business rose": the head of a noun
    // phrase "<metric> of/in ..." is what changed, not a metric inside it.
    auto head = [&](int j) {
      for (uint32_t q = m[j].first; q-- > base && m[j].first - q <= 4;) {
        int l = match_at(q);
        if (l >= 0 && (m[l].term->flags & kLink)) {
          if (q > base) {
            int h = match_at(q - 1);
            if (h >= 0 && m[h].term->metric != 0) return h;
          }
          return j;
        }
        if (!skippable(q)) return j;
      }
      return j;
    };
    auto back = [&](int window, bool far) {
      for (uint32_t q = c0; q-- > base && static_cast<int>(c0 - q) <= window;) {
        int j = match_at(q);
        if (j >= 0 && m[j].term->metric != 0) return head(j);
        if (far) {
          if (IsPunct(text, q, ";") ||
              (j >= 0 && (m[j].term->flags & (kContrastAfter | kBlock)))) {
            return -1;
          }
        } else if (IsPunct(text, q, ",;:()") || (j >= 0 && m[j].term->is_change)) {
          return -1;
        }
      }
      return -1;
    };
    auto forward = [&](int window) {
      for (uint32_t q = c1; q < s.end_token && static_cast<int>(q - c1) <= window; ++q) {
        if (is_metric(q)) return match_at(q);
        // The object may carry a figure: "cut 200 jobs", "won a EUR 28 mn order".
        bool figure = text.tokens[q].kind == TokenKind::kNumber ||
                      (match_at(q) >= 0 && m[match_at(q)].term->unit > 0);
        if (!figure && !skippable(q)) return -1;
      }
      return -1;
    };
    // "on increased tensions", "a rising number": after a determiner or a
    // preposition and before a plain noun, the change word modifies that
    // noun; what comes before it did not change.
    const bool attributive =
        c0 > base && c1 < s.end_token && match_at(c0 - 1) >= 0 &&
        (m[match_at(c0 - 1)].term->flags & kDeterminer) && match_at(c1) < 0 &&
        text.tokens[c1].kind == TokenKind::kWord && !IsPossessive(text, c1);
    const bool subject = !ct.object_only && !attributive;
    if (metric < 0 && subject) metric = back(1, false);
    if (metric < 0) metric = forward(1);
    if (metric < 0 && subject) metric = back(p.window_near, false);
    if (metric < 0) metric = forward(p.window_forward);
    if (metric < 0 && subject) {
      bool linked = false;
      for (uint32_t q = c1; q < s.end_token &&
                            static_cast<int>(q - c1) < p.link_window;
           ++q) {
        int j = match_at(q);
        if (j >= 0 && (m[j].term->flags & kLink)) linked = true;
        if (linked && is_metric(q)) {
          metric = j;
          break;
        }
        if (IsPunct(text, q, ",;:") ||
            (j >= 0 && (m[j].term->is_change ||
                        (m[j].term->flags & (kBlock | kDest | kCompare))))) {
          break;
        }
      }
    }
    if (metric < 0 && subject) metric = back(p.window_back, true);
    float value;
    if (destination) {
      value = m[metric].term->metric;
    } else if (metric >= 0) {
      value = ct.change * m[metric].term->metric;
    } else {
      // No metric: a figure after the change ("fell 5.5 %") still says a
      // quantity moved; a bare "expansion" or "grown" says little.
      bool figure = false;
      for (uint32_t q = c1; q < s.end_token && !figure &&
                            static_cast<int>(q - c1) < p.figure_window;
           ++q) {
        std::string_view w = text.norm(q);
        int j = match_at(q);
        figure = (text.tokens[q].kind == TokenKind::kNumber &&
                  !(w.size() == 4 && w >= "1950" && w <= "2050")) ||
                 (j >= 0 && (m[j].term->flags & kFigure));
      }
      value = ct.change * p.default_polarity *
              (ct.alone >= 0 ? ct.alone : figure ? p.default_weight : p.bare_weight);
    }
    if (metric >= 0) {
      m[metric].consumed = true;
      m[k].partner = metric;
    }
    m[k].contribution = value * m[k].mult;
  }

  // Rule 4: numeric comparison, "<metric> ... <v1> ... compared to ... <v2>".
  auto read_value = [&](uint32_t t, uint32_t end, double* v, uint32_t* next) {
    // A number at token t (possibly glued to a currency: "EUR193", "EUR25mn"),
    // with the FPB split decimal "EUR193 .3" and a unit word after it.
    const Token& tok = text.tokens[t];
    std::string_view w = text.norm(t);
    double x = 0;
    uint32_t q = t + 1;
    if (tok.kind == TokenKind::kNumber) {
      // Skip years and ranges: "2009", "2005-06".
      if (w.find_first_of("-/") != std::string_view::npos) return false;
      if (!ParseDigits(w, &x)) return false;
      bool year = w.size() == 4 && x >= 1950 && x <= 2050;
      if (year) return false;
    } else if (tok.kind == TokenKind::kWord) {
      size_t d = w.find_first_of("0123456789");
      if (d == 0 || d == std::string_view::npos) return false;
      std::string_view prefix = w.substr(0, d);
      const Entry* cur = Find(prefix);
      if (cur == nullptr || !cur->has_single || cur->single.unit != 1) {
        return false;  // Only currency prefixes: "EUR193", not "x20ac".
      }
      size_t e = d;
      while (e < w.size() && (std::isdigit(static_cast<unsigned char>(w[e])) ||
                              w[e] == '.' || w[e] == ',')) {
        ++e;
      }
      if (!ParseDigits(w.substr(d, e - d), &x)) return false;
      std::string_view suffix = w.substr(e);
      if (!suffix.empty()) {
        const Entry* u = Find(suffix);
        if (u != nullptr && u->has_single && u->single.unit > 0) x *= u->single.unit;
      }
    } else {
      return false;
    }
    // "193 .3": a split decimal.
    if (q + 1 < end && IsPunct(text, q, ".") &&
        text.tokens[q + 1].kind == TokenKind::kNumber &&
        text.tokens[q + 1].begin == text.tokens[q].end &&
        text.tokens[q].begin > tok.end) {
      double frac = 0;
      std::string_view fw = text.norm(q + 1);
      if (ParseDigits(fw, &frac)) {
        x += frac / std::pow(10.0, static_cast<double>(fw.size()));
        q += 2;
      }
    }
    if (q < end) {
      int j = match_at(q);
      if (j >= 0 && m[j].term->unit > 1) {
        x *= m[j].term->unit;
        q = m[j].last;
      }
    }
    // Sign: "-0.4", "a negative EUR 0.83 mn".
    for (uint32_t b = t; b-- > base && t - b <= 3;) {
      if (IsPunct(text, b, "-") && text.tokens[b].end == tok.begin) {
        x = -x;
        break;
      }
      int j = match_at(b);
      if (j >= 0 && (m[j].term->flags & kNumSign)) {
        x = -x;
        break;
      }
      if (text.tokens[b].kind == TokenKind::kNumber) break;
    }
    *v = x;
    *next = q;
    return true;
  };
  for (size_t k = 0; k < m.size(); ++k) {
    if (!(m[k].term->flags & kCompare)) continue;
    // The subject: the nearest metric before, with no change word between.
    int subject = -1;
    int changed = -1;  // The last change word between the subject and here.
    for (size_t j = k; j-- > 0;) {
      if (static_cast<int>(m[k].first - m[j].last) > p.compare_back) break;
      if (m[j].term->is_change && changed < 0) changed = static_cast<int>(j);
      if (m[j].term->metric != 0 && !(m[j].term->flags & kCompare)) {
        subject = static_cast<int>(j);
        break;
      }
    }
    if (subject < 0) continue;
    double v1 = 0, v2 = 0;
    bool has1 = false, has2 = false;
    // The value closest before the marker: "was EUR 1.6 mn in 2005 compared".
    for (uint32_t q = m[subject].last; q < m[k].first; ++q) {
      uint32_t next;
      double v;
      if (read_value(q, m[k].first, &v, &next)) {
        v1 = v;
        has1 = true;
        q = next - 1;
      }
    }
    if (!has1) continue;
    int other = -1;
    for (uint32_t q = m[k].last; q < s.end_token &&
                                 static_cast<int>(q - m[k].last) < p.compare_window;
         ++q) {
      if (other < 0 && is_metric(q)) other = match_at(q);
      uint32_t next;
      if (read_value(q, s.end_token, &v2, &next)) {
        has2 = true;
        break;
      }
      if (IsPunct(text, q, ";")) break;
    }
    float p1 = m[subject].term->metric;
    float p2 = other >= 0 ? m[other].term->metric : p1;
    // A change word already said which way it went, unless the comparison
    // crosses polarity ("a loss of 0.8, down from a profit of 2.5"): then
    // the comparison decides and the change words between are void.
    bool crosses = other >= 0 && (p1 > 0) != (p2 > 0);
    if (changed >= 0 && !crosses) continue;
    if (crosses) {
      for (size_t j = subject + 1; j < k; ++j) {
        if (m[j].term->is_change) m[j].contribution = 0;
      }
    }
    double e1 = v1 * (p1 > 0 ? 1 : -1);
    double e2 = has2 ? v2 * (p2 > 0 ? 1 : -1) : 0;
    if (!has2) {
      // "a loss ... compared to a profit": no second value, but a sign.
      if (other < 0 || (p1 > 0) == (p2 > 0)) continue;
      e1 = p1 > 0 ? 1 : -1;
      e2 = -e1;
    }
    double scale = std::max(std::fabs(e1), std::fabs(e2));
    if (scale == 0 || std::fabs(e1 - e2) / scale < p.compare_min_rel) continue;
    // Same sign but orders of magnitude apart: different units, not a change.
    if (e1 * e2 > 0 && scale / std::min(std::fabs(e1), std::fabs(e2)) > 50) continue;
    float dir = e1 > e2 ? 1.0f : -1.0f;
    // A negative-polarity metric's magnitude matters: its polarity is in e1/e2.
    m[k].contribution = dir * std::fabs(p1) * p.compare_weight * m[k].mult;
    m[k].partner = subject;
    m[subject].consumed = true;
    if (other >= 0) m[other].consumed = true;
  }

  // Sum: polar terms, and the intrinsic polarity of metrics not consumed.
  double raw = 0;
  for (Match& x : m) {
    const Term& t = *x.term;
    if (t.polar != 0 && !x.consumed) x.contribution += t.polar * x.mult;
    raw += x.contribution;
  }
  return raw;
}

void SentimentModel::AppendTerms(const AnalyzedText& text, const Match* m,
                                 size_t n, std::vector<std::string>* terms) {
  for (size_t k = 0; k < n; ++k) {
    const Match& x = m[k];
    if (x.contribution == 0) continue;
    uint32_t b = text.tokens[x.first].begin, e = text.tokens[x.last - 1].end;
    terms->emplace_back(text.text.substr(b, e - b));
    if (x.partner >= 0) {
      const Match& y = m[x.partner];
      terms->emplace_back(text.text.substr(
          text.tokens[y.first].begin,
          text.tokens[y.last - 1].end - text.tokens[y.first].begin));
    }
  }
}

double SentimentModel::ScoreSentence(const AnalyzedText& text, uint32_t sentence,
                                     std::vector<std::string>* terms) const {
  std::vector<Match> m;
  std::vector<int> at;
  uint32_t next;
  const Sentence s = Span(text, sentence, &next);
  MatchSentence(text, s, &m);
  if (m.empty()) return 0;
  double raw = ScoreMatches(text, s, &m, &at);
  if (terms != nullptr) AppendTerms(text, m.data(), m.size(), terms);
  return raw / std::sqrt(raw * raw + params_.squash);
}

Sentiment SentimentModel::Score(const AnalyzedText& text, uint32_t body_begin) const {
  Scratch scratch;
  return Score(text, body_begin, &scratch);
}

Sentiment SentimentModel::Score(const AnalyzedText& text, uint32_t body_begin,
                                Scratch* scratch) const {
  Sentiment out;
  const size_t n = text.sentences.size();
  if (n == 0) return out;
  std::vector<Match>& m = scratch->matches;
  std::vector<int>& at = scratch->token_match;
  std::vector<Scored>& scored = scratch->scored;
  std::vector<Match>& kept = scratch->kept;
  scored.clear();
  kept.clear();
  // Capacity once, not growth step by step (a no-op for a reused scratch).
  m.reserve(32);
  scored.reserve(n);
  kept.reserve(text.tokens.size() / 4 + 16);
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
      MatchSentence(text, s, &m);
    }
    double score = 0;
    if (!m.empty()) {
      double raw = ScoreMatches(text, s, &m, &at);
      score = raw / std::sqrt(raw * raw + params_.squash);
    }
    double w = s.begin < body_begin ? params_.title_weight : 1.0;
    if (score == 0) w *= params_.neutral_sentence_weight;
    sum += w * score;
    weights += w;
    if (score > params_.neutral_band) ++pos;
    if (score < -params_.neutral_band) ++neg;
    if (score != 0) {
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
  // Evidence: the sentences that pushed the score its way, strongest first
  // (for a neutral document: the strongest either way).
  const bool neutral = out.label == SentimentLabel::kNeutral;
  const double sign = out.score >= 0 ? 1 : -1;
  auto strength = [&](const Scored& x) {
    return (neutral ? std::fabs(x.score) : sign * x.score) * x.weight;
  };
  std::sort(scored.begin(), scored.end(), [&](const Scored& a, const Scored& b) {
    return strength(a) > strength(b);
  });
  constexpr size_t kMaxEvidence = 3;
  for (const Scored& sc : scored) {
    if (out.evidence.size() >= kMaxEvidence || strength(sc) <= 0) break;
    Evidence ev;
    uint32_t next;
    const Sentence span = Span(text, sc.sentence, &next);
    ev.begin = span.begin;
    ev.end = span.end;
    AppendTerms(text, kept.data() + sc.first_match,
                sc.end_match - sc.first_match, &ev.terms);
    out.evidence.push_back(std::move(ev));
  }
  return out;
}

size_t SentimentModel::ScoredTerms(const AnalyzedText& text,
                                   uint32_t sentence, bool rematch_zero,
                                   Scratch* scratch, ScoredTerm* out,
                                   size_t capacity) const {
  const Match* m = nullptr;
  size_t n = 0;
  for (const Scored& sc : scratch->scored) {
    if (sc.sentence == sentence) {
      m = scratch->kept.data() + sc.first_match;
      n = sc.end_match - sc.first_match;
      break;
    }
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
    ScoreMatches(text, s, &matches, &scratch->token_match);
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
