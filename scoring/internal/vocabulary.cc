// Copyright 2026 The Tidings Authors.

#include "scoring/internal/vocabulary.h"

namespace tidings::scoring::internal {

uint32_t Vocabulary::Add(std::string_view word) {
  if (uint32_t id = Find(word); id != kNone) return id;
  words_.emplace_back(word);
  const uint32_t id = static_cast<uint32_t>(words_.size());
  // The digest follows the words in id order.
  digest_ = (digest_ ^ Fnv1a64(word)) * 1099511628211ull;
  if (2 * words_.size() > slots_.size()) {
    // Keep the table at most half full: rebuild it twice as large.
    slots_.assign(2 * slots_.size(), Slot());
    for (uint32_t k = 1; k < id; ++k) Place(k);
  }
  Place(id);
  return id;
}

void Vocabulary::Place(uint32_t id) {
  const std::string& word = words_[id - 1];
  const uint64_t fnv = Fnv1a64(word);
  const size_t mask = slots_.size() - 1;
  size_t i = Home(fnv, mask);
  while (slots_[i].id != kNone) i = (i + 1) & mask;
  Slot& slot = slots_[i];
  slot.tag = static_cast<uint32_t>(fnv >> 16);
  slot.id = id;
  const uint32_t bit = static_cast<uint32_t>(fnv >> 48);
  filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
  slot.packed = word.size() <= kInline ? Pack(word) : kLongWord;
}

}  // namespace tidings::scoring::internal
