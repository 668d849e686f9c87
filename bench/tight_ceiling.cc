// Copyright 2026 The Tidings Authors.

#include "bench/tight_ceiling.h"

namespace tidings::bench {
namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

// ceiling.cc's two tables: which bytes belong to a token, and A-Z lowered.
struct ByteTables {
  bool word[256];
  unsigned char lower[256];
  constexpr ByteTables() : word(), lower() {
    for (int c = 0; c < 256; ++c) {
      word[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c >= 0x80;
      lower[c] =
          static_cast<unsigned char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
  }
};
constexpr ByteTables kBytes;

uint64_t Fnv(std::string_view t) {
  uint64_t h = kFnvOffset;
  for (unsigned char c : t) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

TightTable::TightTable(const std::vector<std::string>& terms) {
  // ceiling.cc uses 1 << 14 slots; grow only if the lexicons ever need it.
  size_t cap = size_t{1} << 14;
  while (cap < 2 * terms.size()) cap <<= 1;
  table_.assign(cap, 0);
  mask_ = cap - 1;
  for (const std::string& t : terms) {
    const uint64_t h = Fnv(t) | 1;
    size_t i = h & mask_;
    while (table_[i] != 0 && table_[i] != h) i = (i + 1) & mask_;
    if (table_[i] == 0) ++entries_;
    table_[i] = h;
  }
}

size_t TightTable::Pass(std::string_view text) const {
  const unsigned char* q = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const end = q + text.size();
  const uint64_t* const table = table_.data();
  size_t hits = 0;
  while (q < end) {
    while (q < end && !kBytes.word[*q]) ++q;
    if (q == end) break;
    uint64_t h = kFnvOffset;
    while (q < end && kBytes.word[*q]) {
      h ^= kBytes.lower[*q++];
      h *= kFnvPrime;
    }
    h |= 1;
    size_t i = h & mask_;
    while (table[i] != 0) {
      if (table[i] == h) {
        ++hits;
        break;
      }
      i = (i + 1) & mask_;
    }
  }
  return hits;
}

}  // namespace tidings::bench
