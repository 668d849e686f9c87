// Copyright 2026 The Tidings Authors.

#include "storage/internal/keys.h"

namespace tidings::storage::internal {

void PutBigEndian64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, sizeof(buf));
}

uint64_t GetBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  return v;
}

std::string SeqKey(uint64_t seq) {
  std::string key;
  key.reserve(8);
  PutBigEndian64(&key, seq);
  return key;
}

bool ParseSeqKey(std::string_view key, uint64_t* seq) {
  if (key.size() != 8) return false;
  *seq = GetBigEndian64(key.data());
  return true;
}

std::string TimeKey(int64_t micros, uint64_t seq) {
  std::string key;
  key.reserve(16);
  PutBigEndian64(&key, OrderedMicros(micros));
  PutBigEndian64(&key, seq);
  return key;
}

bool ParseTimeKey(std::string_view key, int64_t* micros, uint64_t* seq) {
  if (key.size() != 16) return false;
  *micros = MicrosFromOrdered(GetBigEndian64(key.data()));
  *seq = GetBigEndian64(key.data() + 8);
  return true;
}

std::string EventKey(uint8_t type, uint64_t seq) {
  std::string key;
  key.reserve(9);
  key.push_back(static_cast<char>(type));
  PutBigEndian64(&key, seq);
  return key;
}

bool ParseEventKey(std::string_view key, uint8_t* type, uint64_t* seq) {
  if (key.size() != 9) return false;
  *type = static_cast<uint8_t>(key[0]);
  *seq = GetBigEndian64(key.data() + 1);
  return true;
}

std::string EntityPrefix(std::string_view id) {
  std::string key;
  key.reserve(2 + id.size() + 8);
  key.push_back(static_cast<char>((id.size() >> 8) & 0xff));
  key.push_back(static_cast<char>(id.size() & 0xff));
  key.append(id);
  return key;
}

std::string EntityKey(std::string_view id, uint64_t seq) {
  std::string key = EntityPrefix(id);
  PutBigEndian64(&key, seq);
  return key;
}

bool ParseEntityKey(std::string_view key, std::string_view* id, uint64_t* seq) {
  if (key.size() < 2 + 8) return false;
  const size_t length =
      (static_cast<size_t>(static_cast<uint8_t>(key[0])) << 8) |
      static_cast<uint8_t>(key[1]);
  if (key.size() != 2 + length + 8) return false;
  *id = key.substr(2, length);
  *seq = GetBigEndian64(key.data() + 2 + length);
  return true;
}

uint16_t FingerprintBand(uint64_t fingerprint, int band) {
  return static_cast<uint16_t>(fingerprint >> (48 - 16 * band));
}

namespace {

// Bucket number: band index and band value as one 24-bit big-endian integer.
void PutBucket(std::string* dst, uint32_t bucket) {
  dst->push_back(static_cast<char>((bucket >> 16) & 0xff));
  dst->push_back(static_cast<char>((bucket >> 8) & 0xff));
  dst->push_back(static_cast<char>(bucket & 0xff));
}

uint32_t BucketNumber(int band, uint16_t value) {
  return (static_cast<uint32_t>(band) << 16) | value;
}

}  // namespace

std::string FingerprintBucket(int band, uint16_t value) {
  std::string key;
  PutBucket(&key, BucketNumber(band, value));
  return key;
}

std::string FingerprintBucketLast(int band, uint16_t value) {
  std::string key = FingerprintBucket(band, value);
  // A key's seq is 8 bytes: one more byte sorts after all of them.
  key.append(9, '\xff');
  return key;
}

std::string FingerprintKey(int band, uint16_t value, uint64_t seq) {
  std::string key;
  key.reserve(11);
  PutBucket(&key, BucketNumber(band, value));
  PutBigEndian64(&key, seq);
  return key;
}

bool ParseFingerprintKey(std::string_view key, int* band, uint16_t* value,
                         uint64_t* seq) {
  if (key.size() != 11) return false;
  *band = static_cast<unsigned char>(key[0]);
  *value = static_cast<uint16_t>((static_cast<unsigned char>(key[1]) << 8) |
                                 static_cast<unsigned char>(key[2]));
  *seq = GetBigEndian64(key.data() + 3);
  return true;
}

std::string FingerprintValue(uint64_t fingerprint, int64_t ingested_micros) {
  std::string value;
  value.reserve(16);
  PutBigEndian64(&value, fingerprint);
  PutBigEndian64(&value, OrderedMicros(ingested_micros));
  return value;
}

bool ParseFingerprintValue(std::string_view value, uint64_t* fingerprint,
                           int64_t* ingested_micros) {
  if (value.size() != 16) return false;
  *fingerprint = GetBigEndian64(value.data());
  *ingested_micros = MicrosFromOrdered(GetBigEndian64(value.data() + 8));
  return true;
}

std::string EncodeSeqList(const std::vector<uint64_t>& seqs) {
  std::string value;
  value.reserve(8 * seqs.size());
  for (uint64_t seq : seqs) PutBigEndian64(&value, seq);
  return value;
}

bool DecodeSeqList(std::string_view value, std::vector<uint64_t>* seqs) {
  if (value.size() % 8 != 0) return false;
  seqs->clear();
  seqs->reserve(value.size() / 8);
  for (size_t i = 0; i < value.size(); i += 8) {
    seqs->push_back(GetBigEndian64(value.data() + i));
  }
  return true;
}

}  // namespace tidings::storage::internal
