// Copyright 2026 The Tidings Authors.
//
// vocabulary.h: every word that the lexicons name, with a small dense id.
//
// TextAnalyzer::Analyze hashes each token's lower-cased form once and looks
// it up here (Token::id); the stages (sentiment, gold, entities, events) map
// ids to their own tables with plain vector indexing and compare ids where
// they used to compare strings. A word no lexicon names has id kNone. Two
// strings have the same id exactly when they are equal, so a rule that
// compares a token with a lexicon word compares ids instead, with the same
// result.
//
// Thread-safety: immutable once built; Find() may be called concurrently.

#ifndef TIDINGS_SCORING_INTERNAL_VOCABULARY_H_
#define TIDINGS_SCORING_INTERNAL_VOCABULARY_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace tidings::scoring::internal {

// FNV-1a 64: the offset basis and the prime (a byte b turns hash h into
// (h ^ b) * kFnvPrime).
inline constexpr uint64_t kFnvOffset = 1469598103934665603ull;
inline constexpr uint64_t kFnvPrime = 1099511628211ull;

// FNV-1a 64 of `s`: the token hash (stored in Token::hash, used by the
// fingerprints, whose stored values depend on it) and the vocabulary's.
inline uint64_t Fnv1a64(std::string_view s) {
  constexpr uint64_t kPrime = kFnvPrime;  // Short, for the lines below.
  uint64_t h = kFnvOffset;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  for (; n >= 4; n -= 4, p += 4) {  // Unrolled: the same byte-serial hash.
    h = (h ^ p[0]) * kPrime;
    h = (h ^ p[1]) * kPrime;
    h = (h ^ p[2]) * kPrime;
    h = (h ^ p[3]) * kPrime;
  }
  switch (n) {  // The last 0-3 bytes, without a loop.
    case 3:
      h = (h ^ *p++) * kPrime;
      [[fallthrough]];
    case 2:
      h = (h ^ *p++) * kPrime;
      [[fallthrough]];
    case 1:
      h = (h ^ *p) * kPrime;
  }
  return h;
}

class Vocabulary {
 public:
  static constexpr uint32_t kNone = 0;

  Vocabulary() : slots_(kMinSlots) {}

  // Adds `word` (its exact bytes) if new; returns its id (1, 2, ... in order
  // of first addition).
  uint32_t Add(std::string_view word);

  // The id of `word`, or kNone. `fnv` must be Fnv1a64(word).
  uint32_t Find(std::string_view word, uint64_t fnv) const {
    // Most words of a text are in no lexicon: the filter, small enough to
    // stay in the L1 cache, turns nearly all of them away before the table.
    const uint32_t bit = static_cast<uint32_t>(fnv >> 48);
    if (!((filter_[bit >> 6] >> (bit & 63)) & 1)) return kNone;
    const uint32_t tag = static_cast<uint32_t>(fnv >> 16);
    const size_t mask = slots_.size() - 1;
    for (size_t i = Home(fnv, mask);; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.id == kNone) return kNone;
      if (slot.tag == tag && Equal(slot, word)) return slot.id;
    }
  }
  uint32_t Find(std::string_view word) const {
    return Find(word, Fnv1a64(word));
  }
  // Find(), for a word with at least 8 readable bytes at word.data() (the
  // analyser's lower-cased text keeps that much room after its end): a
  // short word is packed from one 8-byte load, masked to its size.
  uint32_t FindPadded(std::string_view word, uint64_t fnv) const {
    return PaddedFinder(*this)(word.data(), word.size(), fnv);
  }
  // FindPadded() through the table's pointers, taken once (below).
  class PaddedFinder;

  // Ids are 1..size().
  size_t size() const { return words_.size(); }

  // A digest of the words and their ids: two vocabularies with the same
  // digest assign the same ids.
  uint64_t digest() const { return digest_; }

 private:
  // An open-addressing table (linear probing, at most half full) of
  // 16-byte slots, in front of it a one-bit-per-hash filter of 64K bits
  // (8 KB). A slot keeps 32 bits of the hash, so a probe compares bytes
  // only when those agree (practically only on a hit); a short word is in
  // the slot itself (Pack), a longer word in words_.
  static constexpr size_t kMinSlots = 1024;
  static constexpr size_t kInline = 7;
  static constexpr size_t kFilterWords = (1 << 16) / 64;
  static constexpr uint64_t kLongWord = uint64_t{0xFF} << 56;
  struct Slot {
    uint32_t tag = 0;
    uint32_t id = kNone;          // kNone: empty.
    uint64_t packed = kLongWord;  // Pack(word), or kLongWord.
  };
  static size_t Home(uint64_t fnv, size_t mask) {
    return (fnv * 0x9E3779B97F4A7C15ull) >> 32 & mask;
  }
  // A word of at most kInline bytes as one integer (its bytes in the low
  // seven bytes, its size in the top one), built from two overlapping loads:
  // a hit costs one compare, and no branch that depends on the word's length
  // (a byte loop's exit is mispredicted about once a word).
  static uint64_t Pack(std::string_view word) {
    static_assert(std::endian::native == std::endian::little);
    const char* p = word.data();
    const size_t n = word.size();
    const uint64_t size = uint64_t{n} << 56;
    if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);
      return size | head | uint64_t{tail} << (8 * (n - 4));
    }
    if (n >= 2) {
      uint16_t head, tail;
      std::memcpy(&head, p, 2);
      std::memcpy(&tail, p + n - 2, 2);
      return size | head | uint64_t{tail} << (8 * (n - 2));
    }
    return n == 1 ? size | static_cast<unsigned char>(p[0]) : size;
  }
  bool Equal(const Slot& slot, std::string_view word) const {
    if (word.size() > kInline) return words_[slot.id - 1] == word;
    return slot.packed == Pack(word);
  }
  void Place(uint32_t id);  // Puts words_[id - 1] into an empty slot.

  std::vector<Slot> slots_;
  std::vector<uint64_t> filter_ = std::vector<uint64_t>(kFilterWords);
  std::vector<std::string> words_;  // By id - 1.
  uint64_t digest_ = 1469598103934665603ull;

 public:
  // FindPadded() through the table's pointers, taken once: for a loop that
  // looks up every token (the compiler would load them again for each).
  // Valid while the vocabulary lives and is not changed.
  class PaddedFinder {
   public:
    explicit PaddedFinder(const Vocabulary& vocabulary)
        : filter_(vocabulary.filter_.data()),
          slots_(vocabulary.slots_.data()),
          mask_(vocabulary.slots_.size() - 1),
          words_(vocabulary.words_.data()) {}
    uint32_t operator()(const char* word, size_t n, uint64_t fnv) const {
      const uint32_t bit = static_cast<uint32_t>(fnv >> 48);
      if (!((filter_[bit >> 6] >> (bit & 63)) & 1)) return kNone;
      const uint32_t tag = static_cast<uint32_t>(fnv >> 16);
      uint64_t packed = kLongWord;
      if (n <= kInline) {
        std::memcpy(&packed, word, 8);
        packed = (packed & ((uint64_t{1} << (8 * n)) - 1)) | uint64_t{n} << 56;
      }
      for (size_t i = Home(fnv, mask_);; i = (i + 1) & mask_) {
        const Slot& slot = slots_[i];
        if (slot.id == kNone) return kNone;
        if (slot.tag == tag &&
            (n > kInline ? words_[slot.id - 1] == std::string_view(word, n)
                         : slot.packed == packed)) {
          return slot.id;
        }
      }
    }

   private:
    const uint64_t* filter_;
    const Slot* slots_;
    size_t mask_;
    const std::string* words_;
  };
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_VOCABULARY_H_
