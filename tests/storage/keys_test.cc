// Copyright 2026 The Tidings Authors.
//
// Tests of storage/internal/keys.h: round trips, ordering, and the banding
// property the near-duplicate index relies on.

#include "storage/internal/keys.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "scoring/fingerprint.h"

namespace tidings::storage::internal {
namespace {

TEST(KeysTest, SeqKeyRoundTripsAndSortsNumerically) {
  const std::vector<uint64_t> seqs = {0,
                                      1,
                                      255,
                                      256,
                                      65536,
                                      uint64_t{1} << 40,
                                      std::numeric_limits<uint64_t>::max()};
  for (size_t i = 0; i < seqs.size(); ++i) {
    uint64_t parsed = 0;
    ASSERT_TRUE(ParseSeqKey(SeqKey(seqs[i]), &parsed));
    EXPECT_EQ(parsed, seqs[i]);
    if (i > 0) {
      EXPECT_LT(SeqKey(seqs[i - 1]), SeqKey(seqs[i]));
    }
  }
  uint64_t ignored;
  EXPECT_FALSE(ParseSeqKey("short", &ignored));
}

TEST(KeysTest, TimeKeySortsByTimeThenSeqIncludingNegativeTimes) {
  EXPECT_LT(TimeKey(-5, 9), TimeKey(-4, 1));
  EXPECT_LT(TimeKey(-1, 9), TimeKey(0, 1));
  EXPECT_LT(TimeKey(0, 9), TimeKey(1, 1));
  EXPECT_LT(TimeKey(7, 1), TimeKey(7, 2));
  EXPECT_LT(TimeKey(std::numeric_limits<int64_t>::min(), 0),
            TimeKey(std::numeric_limits<int64_t>::max(), 0));
  int64_t micros = 0;
  uint64_t seq = 0;
  ASSERT_TRUE(ParseTimeKey(TimeKey(-1234567, 42), &micros, &seq));
  EXPECT_EQ(micros, -1234567);
  EXPECT_EQ(seq, 42u);
}

TEST(KeysTest, EventKeyGroupsByTypeThenSeq) {
  EXPECT_LT(EventKey(1, 1000), EventKey(2, 1));
  EXPECT_LT(EventKey(2, 1), EventKey(2, 2));
  uint8_t type = 0;
  uint64_t seq = 0;
  ASSERT_TRUE(ParseEventKey(EventKey(4, 77), &type, &seq));
  EXPECT_EQ(type, 4);
  EXPECT_EQ(seq, 77u);
}

TEST(KeysTest, EntityKeyKeepsOneIdContiguousInSeqOrder) {
  // "country:U" is a prefix of "country:US": without the length prefix its
  // keys would interleave with the longer id's.
  const std::string u = EntityKey("country:U", 5);
  EXPECT_LT(EntityKey("country:U", 1), u);
  EXPECT_LT(u, EntityKey("country:U", 6));
  EXPECT_FALSE(EntityKey("country:US", 3) > EntityPrefix("country:U") &&
               EntityKey("country:US", 3) < EntityKey("country:U", 6));
  EXPECT_EQ(u.substr(0, EntityPrefix("country:U").size()),
            EntityPrefix("country:U"));
  std::string_view id;
  uint64_t seq = 0;
  ASSERT_TRUE(ParseEntityKey(u, &id, &seq));
  EXPECT_EQ(id, "country:U");
  EXPECT_EQ(seq, 5u);
  EXPECT_FALSE(ParseEntityKey(u.substr(0, u.size() - 1), &id, &seq));
  EXPECT_FALSE(ParseEntityKey("", &id, &seq));
}

TEST(KeysTest, FingerprintBandsCoverTheWholeValue) {
  const uint64_t fp = 0x0123456789abcdefULL;
  EXPECT_EQ(FingerprintBand(fp, 0), 0x0123);
  EXPECT_EQ(FingerprintBand(fp, 1), 0x4567);
  EXPECT_EQ(FingerprintBand(fp, 2), 0x89ab);
  EXPECT_EQ(FingerprintBand(fp, 3), 0xcdef);
}

TEST(KeysTest, FingerprintKeysStayInsideTheirBucket) {
  for (int band = 0; band < kFingerprintBands; ++band) {
    for (uint16_t value : {uint16_t{0}, uint16_t{0x1234}, uint16_t{0xffff}}) {
      const std::string lower = FingerprintBucket(band, value);
      const std::string upper = FingerprintBucketLast(band, value);
      EXPECT_EQ(lower.size(), kFingerprintBucketBytes);
      EXPECT_EQ(upper.substr(0, lower.size()), lower);
      for (uint64_t seq :
           {uint64_t{0}, uint64_t{1}, std::numeric_limits<uint64_t>::max()}) {
        const std::string key = FingerprintKey(band, value, seq);
        EXPECT_LE(lower, key);
        EXPECT_LT(key, upper);
        int b;
        uint16_t v;
        uint64_t s;
        ASSERT_TRUE(ParseFingerprintKey(key, &b, &v, &s));
        EXPECT_EQ(b, band);
        EXPECT_EQ(v, value);
        EXPECT_EQ(s, seq);
      }
    }
  }
  uint64_t fp;
  int64_t micros;
  ASSERT_TRUE(
      ParseFingerprintValue(FingerprintValue(0xfeedULL, -3), &fp, &micros));
  EXPECT_EQ(fp, 0xfeedULL);
  EXPECT_EQ(micros, -3);
}

// The near-duplicate index is complete only if every pair within
// kNearDuplicateBits shares a band: check it on random pairs.
TEST(KeysTest, NearDuplicatesShareABand) {
  static_assert(scoring::kNearDuplicateBits < kFingerprintBands,
                "banding needs more bands than tolerated differing bits");
  std::mt19937_64 rng(20260101);
  for (int trial = 0; trial < 20000; ++trial) {
    const uint64_t a = rng();
    uint64_t b = a;
    const int flips =
        static_cast<int>(rng() % (scoring::kNearDuplicateBits + 1));
    for (int f = 0; f < flips; ++f) b ^= uint64_t{1} << (rng() % 64);
    ASSERT_LE(scoring::HammingDistance(a, b), scoring::kNearDuplicateBits);
    bool shared = false;
    for (int band = 0; band < kFingerprintBands; ++band) {
      shared |= FingerprintBand(a, band) == FingerprintBand(b, band);
    }
    ASSERT_TRUE(shared) << std::hex << a << " " << b;
  }
}

TEST(KeysTest, SeqListRoundTrips) {
  std::vector<uint64_t> seqs;
  ASSERT_TRUE(DecodeSeqList(EncodeSeqList({}), &seqs));
  EXPECT_TRUE(seqs.empty());
  ASSERT_TRUE(DecodeSeqList(EncodeSeqList({3, 4, 1ULL << 50}), &seqs));
  EXPECT_EQ(seqs, (std::vector<uint64_t>{3, 4, 1ULL << 50}));
  EXPECT_FALSE(DecodeSeqList("1234567", &seqs));
}

}  // namespace
}  // namespace tidings::storage::internal
