// Copyright 2026 The Tidings Authors.

#include "storage/signal_summary.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace tidings::storage {
namespace {

// Version 2 adds the revision (rescore_of_seq) and the scorer version;
// version 1 (written before rescoring) is still read: an original signal,
// version unknown ("").
constexpr uint8_t kVersion = 2;
constexpr uint8_t kVersion1 = 1;
constexpr uint8_t kHasPublished = 1;
constexpr uint8_t kHasReceived = 2;

int64_t MicrosOf(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutZigzag(std::string* out, int64_t v) {
  PutVarint(out,
            (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutDouble(std::string* out, double v) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);  // Little endian on every supported target.
  out->append(bytes, 8);
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s.data(), s.size());
}

// A cursor over encoded bytes; every Get returns false past the end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  bool Byte(uint8_t* v) {
    if (rest_.empty()) return false;
    *v = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return true;
  }
  bool Varint(uint64_t* v) {
    uint64_t out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b;
      if (!Byte(&b)) return false;
      out |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = out;
        return true;
      }
    }
    return false;
  }
  bool Zigzag(int64_t* v) {
    uint64_t u;
    if (!Varint(&u)) return false;
    *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
    return true;
  }
  bool Double(double* v) {
    if (rest_.size() < 8) return false;
    std::memcpy(v, rest_.data(), 8);
    rest_.remove_prefix(8);
    return true;
  }
  bool String(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > rest_.size()) return false;
    s->assign(rest_.data(), n);
    rest_.remove_prefix(n);
    return true;
  }
  // A count of items of at least `min_bytes` each: no more than fit.
  bool Count(uint64_t* n, size_t min_bytes) {
    return Varint(n) && *n <= rest_.size() / min_bytes;
  }
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace

bool SignalSummary::operator==(const SignalSummary& o) const {
  return seq == o.seq && ingested_micros == o.ingested_micros &&
         published_micros == o.published_micros &&
         received_micros == o.received_micros && source == o.source &&
         entities == o.entities && events == o.events &&
         sentiment == o.sentiment && duplicate_of_seq == o.duplicate_of_seq &&
         rescore_of_seq == o.rescore_of_seq &&
         scorer_version == o.scorer_version && doc_index == o.doc_index &&
         article_id == o.article_id;
}

SignalSummary SummarizeSignal(const tidings::v1::Signal& signal) {
  SignalSummary s;
  s.seq = signal.seq();
  s.ingested_micros = MicrosOf(signal.ingested_at());
  if (signal.has_published_at()) {
    s.published_micros = MicrosOf(signal.published_at());
  }
  if (signal.has_received_at()) {
    s.received_micros = MicrosOf(signal.received_at());
  }
  s.source = signal.source();
  for (const tidings::v1::Entity& e : signal.entities()) {
    s.entities.push_back(e.id());
  }
  for (const tidings::v1::Event& e : signal.events()) {
    for (const std::string& actor : e.actors()) s.entities.push_back(actor);
    s.events.push_back({static_cast<uint8_t>(e.type()),
                        static_cast<int32_t>(e.direction()), e.relevance()});
  }
  std::sort(s.entities.begin(), s.entities.end());
  s.entities.erase(std::unique(s.entities.begin(), s.entities.end()),
                   s.entities.end());
  s.sentiment = signal.sentiment().score();
  s.duplicate_of_seq = signal.duplicate_of_seq();
  s.rescore_of_seq = signal.rescore_of_seq();
  s.scorer_version = signal.scorer_version();
  s.doc_index = signal.doc_index();
  s.article_id = signal.article_id();
  return s;
}

std::string EncodeSummary(const SignalSummary& s) {
  std::string out;
  out.reserve(48 + s.source.size() + 16 * s.entities.size() +
              10 * s.events.size());
  out.push_back(static_cast<char>(kVersion));
  uint8_t flags = 0;
  if (s.published_micros != kNoTime) flags |= kHasPublished;
  if (s.received_micros != kNoTime) flags |= kHasReceived;
  out.push_back(static_cast<char>(flags));
  PutZigzag(&out, s.ingested_micros);
  if (flags & kHasPublished) PutZigzag(&out, s.published_micros);
  if (flags & kHasReceived) PutZigzag(&out, s.received_micros);
  PutDouble(&out, s.sentiment);
  PutVarint(&out, s.duplicate_of_seq);
  PutString(&out, s.source);
  PutVarint(&out, s.entities.size());
  for (const std::string& id : s.entities) PutString(&out, id);
  PutVarint(&out, s.events.size());
  for (const SummaryEvent& e : s.events) {
    out.push_back(static_cast<char>(e.type));
    PutZigzag(&out, e.direction);
    PutDouble(&out, e.relevance);
  }
  PutVarint(&out, s.rescore_of_seq);
  PutString(&out, s.scorer_version);
  PutVarint(&out, s.doc_index);
  PutString(&out, s.article_id);
  return out;
}

bool DecodeSummary(std::string_view bytes, uint64_t seq, SignalSummary* s) {
  Reader r(bytes);
  uint8_t version, flags;
  if (!r.Byte(&version) || (version != kVersion && version != kVersion1) ||
      !r.Byte(&flags)) {
    return false;
  }
  s->seq = seq;
  s->published_micros = kNoTime;
  s->received_micros = kNoTime;
  if (!r.Zigzag(&s->ingested_micros)) return false;
  if ((flags & kHasPublished) && !r.Zigzag(&s->published_micros)) return false;
  if ((flags & kHasReceived) && !r.Zigzag(&s->received_micros)) return false;
  if (!r.Double(&s->sentiment) || !r.Varint(&s->duplicate_of_seq) ||
      !r.String(&s->source)) {
    return false;
  }
  uint64_t n;
  if (!r.Count(&n, 1)) return false;
  s->entities.resize(n);
  for (std::string& id : s->entities) {
    if (!r.String(&id)) return false;
  }
  if (!r.Count(&n, 10)) return false;
  s->events.resize(n);
  for (SummaryEvent& e : s->events) {
    int64_t direction;
    if (!r.Byte(&e.type) || !r.Zigzag(&direction) || !r.Double(&e.relevance)) {
      return false;
    }
    e.direction = static_cast<int32_t>(direction);
  }
  s->rescore_of_seq = 0;
  s->scorer_version.clear();
  s->doc_index = 0;
  s->article_id.clear();
  uint64_t doc_index = 0;
  if (version == kVersion &&
      (!r.Varint(&s->rescore_of_seq) || !r.String(&s->scorer_version) ||
       !r.Varint(&doc_index) || doc_index > UINT32_MAX ||
       !r.String(&s->article_id))) {
    return false;
  }
  s->doc_index = static_cast<uint32_t>(doc_index);
  return r.done();
}

}  // namespace tidings::storage
