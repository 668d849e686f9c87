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
// Cost: one pass over the tokens gathers the capitalised ones (without a
// branch per token); cues are looked for next to those, by the vocabulary
// ids of the neighbours, and a name is built only next to a cue. Find()
// allocates nothing beyond its output.
//
// Thread-safety: immutable after Create(); const methods may be called
// concurrently.

#ifndef TIDINGS_SCORING_INTERNAL_COMPANIES_H_
#define TIDINGS_SCORING_INTERNAL_COMPANIES_H_

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/recycle.h"
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

// A document's mentions; most documents have few, kept without a heap
// allocation (the scorer's working memory lives for one call).
using CompanyMentions = absl::InlinedVector<CompanyMention, 8>;
using DocumentMentions = absl::InlinedVector<DocumentMention, 32>;

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
            CompanyMentions* out) const;

 private:
  // What a word does here; a word may do several things.
  enum Role : uint16_t {
    kSuffix = 1 << 0,
    kIndustry = 1 << 1,  // "name" rows.
    kNoun = 1 << 2,
    kMove = 1 << 3,
    kAction = 1 << 4,
    kSpeech = 1 << 5,
    kBefore = 1 << 6,  // A one-word "before" row.
    kStop = 1 << 7,
    kAlone = 1 << 8,
    kPlural = 1 << 9,  // "plural" rows: base-form moves.
    kDeal = 1 << 10,
    kBeforeEnd = 1 << 11,  // The last word of a two-word "before" phrase.
    kCashtag = 1 << 12,    // "$" before a ticker.
    kTicker = 1 << 13,     // "<" of "<ACM>" after a name.
    kAfterRoles = kSuffix | kNoun | kMove | kPlural | kAction | kDeal |
                  kSpeech | kTicker,  // Cues after a name.
    kCueRoles = kAfterRoles | kIndustry | kBefore | kBeforeEnd | kCashtag,
    // A word with one of these is in no name (MayBeName).
    kNotName = kStop | kAfterRoles | kBefore | kCashtag,
  };

  // The roles of the word with vocabulary id `id`.
  uint16_t RolesOf(uint32_t id) const {
    assert(id < roles_.size());  // A vocabulary id, or kNone.
    return roles_[id];
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
  // Whether the word after name word `t` (with roles `after`) is a cue
  // that may mark a company there; "says" only after an acronym or a name
  // with an industry noun (SentenceScan::Judge() decides).
  bool AfterCue(const AnalyzedText& text, const Sentence& s, uint32_t t,
                uint16_t after) const;
  struct Run;
  class SentenceScan;
  // How sentence `s` is written: in title case no word is in lower case
  // but the stop words ("Acme Shares Rise on Strong Demand"); in capitals
  // none is ("ACME SHARES RISE").
  enum class Case : uint8_t { kSentence, kTitle, kCapitals };
  Case CaseOf(const AnalyzedText& text, const Sentence& s) const;

  std::shared_ptr<const Vocabulary> vocabulary_;
  std::vector<uint16_t> roles_;  // By vocabulary id (kNone included).
  // The two-word "before" phrases, as (first word id, second word id).
  std::vector<std::pair<uint32_t, uint32_t>> before_pairs_;
  uint32_t of_id_ = 0;   // "of"
  uint32_t and_id_ = 0;  // "and"
};

// ListEntities()'s working memory, reused across documents.
struct ListScratch {
  struct Found {                // A distinct company.
    uint32_t id_begin, id_end;  // Its id: ids[id_begin, id_end).
    std::string_view name;      // As written (a view into the text).
    uint32_t mentions;
  };
  // The ids of `found`, end to end (inline: a new scratch allocates
  // nothing for them either).
  absl::InlinedVector<char, 256> ids;
  std::string_view id(const Found& f) const {
    return std::string_view(ids.data() + f.id_begin, f.id_end - f.id_begin);
  }
  absl::InlinedVector<EntityMention, 32> own;
  absl::InlinedVector<uint32_t, 32> position;
  absl::InlinedVector<Found, 8> found;
  absl::InlinedVector<uint32_t, 16> company_of, order, rank;
  EntityModel::RankedList listed;  // The known entities (EntityModel::Rank).
  // Where the entities come from (null: new ones).
  Recycler* recycler = nullptr;
};

// The entities of a document: those of `model` (as EntityModel::Summarize
// lists them) and the companies, one Entity per distinct id, most
// mentioned first (ties: the known entities in Summarize's order, then the
// companies in order of first mention). A known mention inside a company's
// name ("Steel" in "Tata Steel") belongs to the company. Fills `mentions`
// with every mention, in token order, tagged with the index of its entity
// in `entities`. What `entities` held before (an earlier result's, from
// ReuseDocument) is replaced: its entities are reused in place
// (RefillEntities, with `scratch->recycler`).
void ListEntities(const AnalyzedText& text, const EntityModel& model,
                  const std::vector<EntityMention>& known,
                  const CompanyMentions& companies,
                  std::vector<Entity>* entities, DocumentMentions* mentions,
                  ListScratch* scratch);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_COMPANIES_H_
