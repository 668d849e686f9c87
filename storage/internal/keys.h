// Copyright 2026 The Tidings Authors.
//
// keys.h: the byte layout of every key and index value of the signal store.
//
// All integers are big-endian so that RocksDB's bytewise comparator orders
// keys numerically and range scans run in seq (or time) order. Parse functions
// return false for malformed input instead of crashing: the bytes come from
// disk. Everything here is a pure function; thread-compatible.

#ifndef TIDINGS_STORAGE_INTERNAL_KEYS_H_
#define TIDINGS_STORAGE_INTERNAL_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tidings::storage::internal {

// ---------------------------------------------------------------------------
// Fixed-width integers.

// Appends `v` as 8 big-endian bytes.
void PutBigEndian64(std::string* dst, uint64_t v);
// Reads 8 big-endian bytes at `p`. REQUIRES: 8 readable bytes.
uint64_t GetBigEndian64(const char* p);

// Signed micros mapped to an unsigned value with the same order (sign bit
// flipped), so that times before 1970 still sort first.
inline uint64_t OrderedMicros(int64_t micros) {
  return static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63);
}
inline int64_t MicrosFromOrdered(uint64_t v) {
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}

// ---------------------------------------------------------------------------
// Signals CF: key = seq (8 bytes), value = serialized tidings.v1.Signal.

std::string SeqKey(uint64_t seq);
bool ParseSeqKey(std::string_view key, uint64_t* seq);

// ---------------------------------------------------------------------------
// Time index CF: key = ordered ingested_at micros (8) | seq (8), value empty.

std::string TimeKey(int64_t micros, uint64_t seq);
bool ParseTimeKey(std::string_view key, int64_t* micros, uint64_t* seq);

// ---------------------------------------------------------------------------
// Event-type index CF: key = event type (1 byte) | seq (8), value empty.
// Event types are small proto enum values; those outside [0, 255] cannot be
// indexed (Append() rejects them).

inline constexpr int kMaxIndexedEventType = 255;
std::string EventKey(uint8_t type, uint64_t seq);
bool ParseEventKey(std::string_view key, uint8_t* type, uint64_t* seq);

// ---------------------------------------------------------------------------
// Entity index CF: key = id length (2, big-endian) | entity id | seq (8),
// value empty. A signal is listed under each id among its entities and the
// actors of its events. The length prefix keeps one id's keys contiguous and
// in seq order even when another id extends it ("country:U" vs "country:US").

// REQUIRES: id.size() <= storage::kMaxIndexedEntityId (signal_store.h).
std::string EntityPrefix(std::string_view id);
std::string EntityKey(std::string_view id, uint64_t seq);
bool ParseEntityKey(std::string_view key, std::string_view* id, uint64_t* seq);

// ---------------------------------------------------------------------------
// Published-time and received-time index CFs: key = ordered published_at
// (or received_at) micros (8) | seq (8), value empty; only signals with that
// time are listed. Same layout as the time index (TimeKey/ParseTimeKey).

// ---------------------------------------------------------------------------
// Near-duplicate index CF: the 64-bit SimHash split into 4 bands of 16 bits,
// one entry per band: key = band index (1) | band value (2) | seq (8);
// value = full fingerprint (8) | ordered ingested_at micros (8), so that a
// candidate is checked without reading its signal. By the pigeonhole
// principle two fingerprints within Hamming distance 3 agree exactly on at
// least one of the 4 bands, so looking up the 4 buckets of a fingerprint
// finds every near-duplicate.

inline constexpr int kFingerprintBands = 4;
// Band 0 is the most significant 16 bits. REQUIRES: 0 <= band < 4.
uint16_t FingerprintBand(uint64_t fingerprint, int band);
// The length of a bucket's prefix (the CF's seek prefix, db.cc).
inline constexpr size_t kFingerprintBucketBytes = 3;
// The 3-byte prefix of every key of one bucket.
std::string FingerprintBucket(int band, uint16_t value);
// The largest key of the bucket's prefix: >= every key of the bucket, and
// of the same prefix (a prefix seek must stay in its prefix).
std::string FingerprintBucketLast(int band, uint16_t value);
std::string FingerprintKey(int band, uint16_t value, uint64_t seq);
bool ParseFingerprintKey(std::string_view key, int* band, uint16_t* value,
                         uint64_t* seq);
std::string FingerprintValue(uint64_t fingerprint, int64_t ingested_micros);
bool ParseFingerprintValue(std::string_view value, uint64_t* fingerprint,
                           int64_t* ingested_micros);

// ---------------------------------------------------------------------------
// Idempotency index CF: key = the article's idempotency key (raw bytes),
// value = its seqs, 8 bytes each, in order (empty when it had no signals).

std::string EncodeSeqList(const std::vector<uint64_t>& seqs);
bool DecodeSeqList(std::string_view value, std::vector<uint64_t>* seqs);

}  // namespace tidings::storage::internal

#endif  // TIDINGS_STORAGE_INTERNAL_KEYS_H_
