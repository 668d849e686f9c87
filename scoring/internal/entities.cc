// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the entity model is being written.

#include "scoring/internal/entities.h"

namespace tidings::scoring::internal {

absl::StatusOr<EntityModel> EntityModel::Create(const LexiconSet& lexicons) {
  return EntityModel();
}

void EntityModel::Find(const AnalyzedText& text,
                       std::vector<EntityMention>* mentions) const {}

std::vector<Entity> EntityModel::Summarize(
    const std::vector<EntityMention>& mentions) const {
  return {};
}

}  // namespace tidings::scoring::internal
