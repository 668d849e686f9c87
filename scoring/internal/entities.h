// Copyright 2026 The Tidings Authors.
//
// entities.h: countries (names, demonyms, capitals used for governments),
// leaders, central banks and institutions, blocs and commodities, found by
// alias from "entities.tsv".

#ifndef TIDINGS_SCORING_INTERNAL_ENTITIES_H_
#define TIDINGS_SCORING_INTERNAL_ENTITIES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

struct EntityMention {
  uint32_t entity = 0;       // Index into the model's table (see info()).
  uint32_t first_token = 0;  // Tokens [first_token, end_token) of the alias.
  uint32_t end_token = 0;
};

struct EntityInfo {
  std::string id;    // "country:US"
  std::string name;  // "United States"
  EntityKind kind = EntityKind::kCountry;
  std::string country;  // For people and institutions.
};

class EntityModel {
 public:
  static absl::StatusOr<EntityModel> Create(const LexiconSet& lexicons);

  // Appends the entity mentions in `text`, in token order, to `mentions`.
  void Find(const AnalyzedText& text, std::vector<EntityMention>* mentions) const;

  // One `Entity` per distinct entity mentioned, with mention counts, most
  // mentioned first.
  std::vector<Entity> Summarize(const std::vector<EntityMention>& mentions) const;

  const EntityInfo& info(uint32_t entity) const { return table_[entity]; }

 private:
  std::vector<EntityInfo> table_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_ENTITIES_H_
