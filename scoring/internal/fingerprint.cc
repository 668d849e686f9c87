// Copyright 2026 The Tidings Authors.

#include "scoring/internal/fingerprint.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace tidings::scoring::internal {
namespace {

// kSpread[m]: bit j of m moved to bit 8j.
struct SpreadTable {
  uint64_t v[256] = {};
  constexpr SpreadTable() {
    for (int m = 0; m < 256; ++m) {
      for (int j = 0; j < 8; ++j) {
        if (m >> j & 1) v[m] |= uint64_t{1} << (8 * j);
      }
    }
  }
};
constexpr SpreadTable kSpread;

// splitmix64 finaliser: spreads a combined hash over all 64 bits.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// The SimHash vote: bit b of the result is set when more than half of the
// added hashes have bit b set (a vote of +1 per set bit and -1 per clear
// bit, positive in total).
//
// Counting one bit at a time costs 64 steps per hash. Instead the counts
// are kept 8 bits wide, eight to a word: lane k holds, in its byte j, the
// count of bit 8j+k, so one hash is added with eight shift-mask-adds. The
// lanes go in pairs (k, k+1) into 128-bit vectors, so that those are four
// (one SSE2 instruction each where the target has it; the compiler splits
// them elsewhere). A byte overflows after 255 additions, so the lanes are
// flushed into 32-bit totals every 255 hashes.
class BitVotes {
 public:
  void Add(uint64_t h) {
    const U64x2 pair = {h, h >> 1};  // Lanes k and k + 1 shift by k.
    for (int k = 0; k < 4; ++k) {
      lanes_[k] += (pair >> (2 * k)) & kLowBitOfEachByte;
    }
    ++added_;
    if (++pending_ == 255) Flush();
  }

  uint64_t Majority() {
#ifdef __SSE2__
    // Fewer than 255 hashes (a headline, a short article): the byte counts
    // are the totals, compared 16 at a time instead of 64 one by one.
    if (added_ == pending_) return MajorityOfLanes();
#endif
    Flush();
    uint64_t out = 0;
    for (int b = 0; b < 64; ++b) {
      if (2 * uint64_t{ones_[b]} > added_) out |= uint64_t{1} << b;
    }
    return out;
  }

 private:
  using U64x2 = uint64_t __attribute__((vector_size(16)));
  static constexpr uint64_t kLowBitOfEachByte = 0x0101010101010101ull;

#ifdef __SSE2__
  // Majority() while no count was flushed: bit 8j + k is set when byte j
  // of lane k is above added_ / 2 (2c > n is c > n / 2 rounded down).
  uint64_t MajorityOfLanes() const {
    // c >= t is max(c, t) == c, unsigned; t = n / 2 + 1 <= 128.
    const __m128i t = _mm_set1_epi8(static_cast<char>(added_ / 2 + 1));
    uint64_t out = 0;
    for (int k = 0; k < 4; ++k) {
      __m128i v;
      static_assert(sizeof(v) == sizeof(lanes_[k]));
      std::memcpy(&v, &lanes_[k], sizeof(v));
      const int above =
          _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, t), v));
      out |= kSpread.v[above & 0xFF] << (2 * k);    // Lane 2k.
      out |= kSpread.v[above >> 8] << (2 * k + 1);  // Lane 2k + 1.
    }
    return out;
  }
#endif

  void Flush() {
    for (int k = 0; k < 8; ++k) {
      const uint64_t lane = lanes_[k / 2][k % 2];
      for (int j = 0; j < 8; ++j) ones_[8 * j + k] += (lane >> (8 * j)) & 0xff;
    }
    for (U64x2& pair : lanes_) pair = U64x2{0, 0};
    pending_ = 0;
  }

  U64x2 lanes_[4] = {};
  uint32_t ones_[64] = {};
  uint32_t pending_ = 0;
  uint64_t added_ = 0;
};

}  // namespace

Fingerprints ComputeFingerprints(const AnalyzedText& text) {
  constexpr int kShingle = 3;
  Fingerprints out;
  uint64_t exact = kFnvOffset;
  BitVotes votes;
  uint64_t window[kShingle] = {0, 0, 0};
  int seen = 0;
  for (size_t i = 0; i < text.tokens.size(); ++i) {
    if (text.tokens[i].kind == TokenKind::kSymbol) continue;
    const uint64_t h = text.tokens[i].hash;  // Fnv1a64 of its norm().
    exact = Mix(exact ^ h);
    window[0] = window[1];
    window[1] = window[2];
    window[2] = h;
    if (++seen >= kShingle) {
      votes.Add(Mix(window[0] ^ Mix(window[1] ^ Mix(window[2]))));
    }
  }
  if (seen > 0 && seen < kShingle) {
    // Fewer tokens than a shingle: the tokens themselves.
    for (int k = kShingle - seen; k < kShingle; ++k) votes.Add(Mix(window[k]));
  }
  out.exact = exact;
  out.near = votes.Majority();
  return out;
}

}  // namespace tidings::scoring::internal
