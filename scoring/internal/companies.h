// Copyright 2026 The Tidings Authors.
//
// companies.h: companies that no list names, recognised by the shape of
// their mention, and the list of a document's entities that includes them.
//
// A company is a capitalised name of one to four words (joined by "&", or
// "of" after an industry noun: "Bank of Baroda") with a cue around it that
// only companies go with: a corporate noun or verb right after it ("Acme
// Mining posts Q3 loss", "Infosys shares rise", "Acme's profit"), a legal
// suffix ("Acme Ltd"), an industry noun at its end ("Tata Motors"), a word
// before it that names a stock ("buy Acme"), or a cashtag ("$ACME"). Names
// in a list share a cue ("Infosys, TCS and Wipro gain"). Once found, every
// other mention of the same name in the document counts. The word lists,
// and the rules that keep months, titles, public bodies and headline nouns
// out, are in "companies.tsv" (its header comment explains them).
//
// The id is "company:" + the name in lower case with '-' for spaces, the
// legal suffix left out ("Acme Mining Ltd" -> "company:acme-mining"); the
// name is as written, without the suffix.
//
// Cost: one pass over the tokens that looks at each token's capitalisation
// flag and one vocabulary-id table entry; a name is examined only where a
// capitalised word is. Find() allocates nothing beyond its output.
//
// Thread-safety: immutable after Create(); const methods may be called
// concurrently.

#ifndef TIDINGS_SCORING_INTERNAL_COMPANIES_H_
#define TIDINGS_SCORING_INTERNAL_COMPANIES_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

// A company's name in the text: tokens [first_token, end_token), without
// the legal suffix.
struct CompanyMention {
  uint32_t first_token = 0;
  uint32_t end_token = 0;
};

// A mention of one of a document's entities (see ListEntities).
struct DocumentMention {
  uint32_t entity = 0;  // Index into the document's entity list.
  uint32_t first_token = 0;
  uint32_t end_token = 0;
};

class CompanyFinder {
 public:
  // Builds the finder from "companies.tsv" with the scorer's analyzer (its
  // vocabulary gives the words their ids). INVALID_ARGUMENT (file:line) for
  // a malformed row or an unknown kind.
  static absl::StatusOr<CompanyFinder> Create(const LexiconSet& lexicons,
                                              const TextAnalyzer& analyzer);

  // Appends the company mentions in `text` to `out`, in token order.
  // `known` are model.Find()'s mentions in the same text: a known entity is
  // no company, but a country, commodity, currency or market name inside a
  // longer name is part of that name ("Tata Steel").
  void Find(const AnalyzedText& text, const EntityModel& model,
            const std::vector<EntityMention>& known,
            std::vector<CompanyMention>* out) const;

  // What a word does here; a word may do several things. Public for the
  // implementation's helpers.
  enum Role : uint16_t {
    kSuffix = 1 << 0,
    kIndustry = 1 << 1,  // "name" rows.
    kNoun = 1 << 2,
    kMove = 1 << 3,
    kAction = 1 << 4,
    kSpeech = 1 << 5,
    kBefore = 1 << 6,   // A one-word "before" row, or the last word of one.
    kStop = 1 << 7,
    kAlone = 1 << 8,
    kPlural = 1 << 9,  // "plural" rows: base-form moves.
    kDeal = 1 << 10,
  };

 private:
  // The roles of the word with vocabulary id `id`.
  uint16_t RolesOf(uint32_t id) const {
    return id < roles_.size() ? roles_[id] : 0;
  }
  // Whether a "before" phrase ends right before token `t`.
  bool BeforeCue(const AnalyzedText& text, uint32_t first_in_sentence,
                 uint32_t t) const;
  // Whether token `t` may be a word of a name: capitalised, none of the
  // words of the lists but the industry nouns, no period code ("FY15"), and
  // for a hyphenated word ("Coca-Cola", not "October-December" or
  // "State-owned"), every part capitalised and the first no stop word. In a
  // title-case sentence also a word no lexicon knows (or an industry noun).
  bool MayBeName(const AnalyzedText& text, uint32_t t, bool title) const;
  // Whether the sentence is in title case (or capitals): no word is in
  // lower case but the stop words ("Acme Shares Rise on Strong Demand").
  bool TitleCase(const AnalyzedText& text, const Sentence& s) const;

  std::shared_ptr<const Vocabulary> vocabulary_;
  std::vector<uint16_t> roles_;  // By vocabulary id.
  // The two-word "before" phrases, as (first word id, second word id).
  std::vector<std::pair<uint32_t, uint32_t>> before_pairs_;
  uint32_t of_id_ = 0;   // "of"
  uint32_t and_id_ = 0;  // "and"
};

// The entities of a document: those of `model` (as EntityModel::Summarize
// lists them) and the companies, one Entity per distinct id, most
// mentioned first (ties: first mentioned first). A known mention inside a
// company's name ("Steel" in "Tata Steel") belongs to the company. Fills
// `mentions` with every mention, in token order, tagged with the index of
// its entity in `entities`.
void ListEntities(const AnalyzedText& text, const EntityModel& model,
                  const std::vector<EntityMention>& known,
                  const std::vector<CompanyMention>& companies,
                  std::vector<Entity>* entities,
                  std::vector<DocumentMention>* mentions);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_COMPANIES_H_
