// Copyright 2026 The Tidings Authors.

#include "service/cli/signal_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "service/cli/json_text.h"

namespace tidings::cli::score_json {
namespace {

// A Timestamp in RFC 3339, quoted, as the protobuf printer writes it; false
// outside the printer's own limits: 0001-01-01 to 9999-12-31, nanos in
// [0, 1e9).
bool AppendTimestamp(const google::protobuf::Timestamp& t, std::string* out) {
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799 ||
      t.nanos() < 0 || t.nanos() >= 1000000000) {
    return false;
  }
  out->push_back('"');
  out->append(google::protobuf::util::TimeUtil::ToString(t));
  out->push_back('"');
  return true;
}

// One JSON object: the braces, the commas and the quoted keys.
class Object {
 public:
  Object(std::string* out, DoubleTextCache* doubles)
      : out_(out), doubles_(doubles) {
    out_->push_back('{');
  }
  ~Object() { out_->push_back('}'); }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  // Writes `,"name":` (no comma before the first key) in one append.
  ABSL_ATTRIBUTE_ALWAYS_INLINE std::string* Key(std::string_view name) {
    char buf[32];
    if (name.size() + 4 > sizeof(buf)) {  // Not one of ours (<= 19).
      if (!first_) out_->push_back(',');
      first_ = false;
      out_->push_back('"');
      out_->append(name);
      out_->append("\":");
      return out_;
    }
    buf[0] = ',';
    buf[1] = '"';
    std::memcpy(buf + 2, name.data(), name.size());
    buf[2 + name.size()] = '"';
    buf[3 + name.size()] = ':';
    out_->append(buf + (first_ ? 1 : 0), name.size() + (first_ ? 3 : 4));
    first_ = false;
    return out_;
  }

  // The scalar fields, left out at their proto3 default. String and Double
  // always inline, as Key: GCC left them out of line once the escaper and
  // the doubles moved to json_text.cc (AppendSignalJson 547 M instructions
  // on the news corpus instead of 523 M, callgrind).
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool String(std::string_view name,
                                           const std::string& v) {
    return v.empty() || AppendEscaped(v, Key(name));
  }
  void UInt32(std::string_view name, uint32_t v) {
    if (v != 0) Number(Key(name), v);
  }
  // 64-bit integers are quoted.
  void UInt64(std::string_view name, uint64_t v) {
    if (v == 0) return;
    std::string* out = Key(name);
    out->push_back('"');
    Number(out, v);
    out->push_back('"');
  }
  // Set when its bits are not zero (-0.0 is printed), as protobuf's HasBit.
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool Double(std::string_view name, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    if (bits == 0) return true;
    if (!std::isfinite(v)) return false;
    doubles_->Append(v, Key(name));
    return true;
  }
  void Bool(std::string_view name, bool v) {
    if (v) Key(name)->append("true", 4);
  }
  // `label` is the generated *_Name() of the value: empty when it has none.
  bool Enum(std::string_view name, int v, const std::string& label) {
    if (v == 0) return true;
    if (label.empty()) return false;
    std::string* out = Key(name);
    out->push_back('"');
    out->append(label);
    out->push_back('"');
    return true;
  }
  bool Timestamp(std::string_view name, bool has,
                 const google::protobuf::Timestamp& t) {
    return !has || AppendTimestamp(t, Key(name));
  }
  bool Strings(std::string_view name,
               const google::protobuf::RepeatedPtrField<std::string>& v) {
    if (v.empty()) return true;
    std::string* out = Key(name);
    out->push_back('[');
    for (int i = 0; i < v.size(); ++i) {
      if (i > 0) out->push_back(',');
      if (!AppendEscaped(v.Get(i), out)) return false;
    }
    out->push_back(']');
    return true;
  }
  // A repeated message field, each element by `write(element, out,
  // doubles)`.
  template <typename M, typename Write>
  bool Messages(std::string_view name,
                const google::protobuf::RepeatedPtrField<M>& v, Write write) {
    if (v.empty()) return true;
    std::string* out = Key(name);
    out->push_back('[');
    for (int i = 0; i < v.size(); ++i) {
      if (i > 0) out->push_back(',');
      if (!write(v.Get(i), out, doubles_)) return false;
    }
    out->push_back(']');
    return true;
  }

 private:
  template <typename T>
  static void Number(std::string* out, T v) {
    char buf[24];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, r.ptr);
  }

  std::string* out_;
  DoubleTextCache* doubles_;
  bool first_ = true;
};

bool WriteNovelty(const v1::Novelty& n, std::string* out,
                  DoubleTextCache* doubles) {
  Object o(out, doubles);
  o.UInt32("last_12h", n.last_12h());
  o.UInt32("last_24h", n.last_24h());
  o.UInt32("last_3d", n.last_3d());
  o.UInt32("last_7d", n.last_7d());
  return true;
}

bool WriteEvidence(const v1::Evidence& e, std::string* out,
                   DoubleTextCache* doubles) {
  Object o(out, doubles);
  if (!o.String("text", e.text())) return false;
  o.UInt32("begin", e.begin());
  o.UInt32("end", e.end());
  return o.Strings("terms", e.terms());
}

bool WriteMagnitude(const v1::Magnitude& m, std::string* out,
                    DoubleTextCache* doubles) {
  Object o(out, doubles);
  if (!o.Double("percent", m.percent()) || !o.Double("price", m.price()) ||
      !o.String("unit", m.unit())) {
    return false;
  }
  o.Bool("has_percent", m.has_percent());
  o.Bool("has_price", m.has_price());
  return true;
}

bool WriteSentiment(const v1::Sentiment& s, std::string* out,
                    DoubleTextCache* doubles) {
  Object o(out, doubles);
  return o.Double("score", s.score()) && o.Double("positive", s.positive()) &&
         o.Double("negative", s.negative()) &&
         o.Double("neutral", s.neutral()) &&
         o.Enum("label", s.label(), v1::SentimentLabel_Name(s.label())) &&
         o.Messages("evidence", s.evidence(), WriteEvidence);
}

bool WriteEvent(const v1::Event& e, std::string* out,
                DoubleTextCache* doubles) {
  Object o(out, doubles);
  if (!o.Enum("type", e.type(), v1::EventType_Name(e.type())) ||
      !o.Double("relevance", e.relevance()) ||
      !o.Enum("direction", e.direction(), v1::Direction_Name(e.direction()))) {
    return false;
  }
  if (e.has_magnitude() &&
      !WriteMagnitude(e.magnitude(), o.Key("magnitude"), doubles)) {
    return false;
  }
  if (!o.Strings("actors", e.actors()) ||
      !o.Messages("evidence", e.evidence(), WriteEvidence)) {
    return false;
  }
  return !e.has_novelty() ||
         WriteNovelty(e.novelty(), o.Key("novelty"), doubles);
}

bool WriteEntity(const v1::Entity& e, std::string* out,
                 DoubleTextCache* doubles) {
  Object o(out, doubles);
  if (!o.String("id", e.id()) || !o.String("name", e.name()) ||
      !o.Enum("kind", e.kind(), v1::EntityKind_Name(e.kind()))) {
    return false;
  }
  o.UInt32("mentions", e.mentions());
  if (!o.String("country", e.country())) return false;
  if (e.has_sentiment() &&
      !WriteSentiment(e.sentiment(), o.Key("sentiment"), doubles)) {
    return false;
  }
  return !e.has_novelty() ||
         WriteNovelty(e.novelty(), o.Key("novelty"), doubles);
}

// The fields of each message as the writer above knows them, one entry a
// field in number order: "number name type [repeated] [presence] [type
// name]" (see Signature).
struct KnownMessage {
  const google::protobuf::Descriptor* descriptor;
  const char* fields;
};

std::string Signature(const google::protobuf::FieldDescriptor& f) {
  std::string s = absl::StrCat(f.number(), " ", f.name(), " ", f.type_name());
  if (f.is_repeated()) s += " repeated";
  if (f.has_presence() && f.message_type() == nullptr) s += " presence";
  if (f.containing_oneof() != nullptr) s += " oneof";
  if (f.message_type() != nullptr) s += " " + f.message_type()->full_name();
  if (f.enum_type() != nullptr) s += " " + f.enum_type()->full_name();
  return s;
}

bool MatchesSchemaNow() {
  const KnownMessage known[] = {
      {v1::Signal::descriptor(),
       "1 seq uint64;2 article_id string;3 doc_index uint32;4 title string;"
       "5 source string;6 url string;"
       "7 published_at message google.protobuf.Timestamp;"
       "8 ingested_at message google.protobuf.Timestamp;"
       "9 scorer_version string;10 sentiment message tidings.v1.Sentiment;"
       "11 events message repeated tidings.v1.Event;"
       "12 entities message repeated tidings.v1.Entity;"
       "13 fingerprint fixed64;14 duplicate_of_seq uint64;"
       "15 exact_fingerprint fixed64;16 body string;17 author string;"
       "18 published_origin enum tidings.v1.TimeOrigin;"
       "19 published_date_only bool;"
       "20 received_at message google.protobuf.Timestamp;"
       "21 rescore_of_seq uint64;24 near_duplicates message "
       "tidings.v1.Novelty"},
      {v1::Sentiment::descriptor(),
       "1 score double;2 positive double;3 negative double;4 neutral double;"
       "5 label enum tidings.v1.SentimentLabel;"
       "6 evidence message repeated tidings.v1.Evidence"},
      {v1::Evidence::descriptor(),
       "1 text string;2 begin uint32;3 end uint32;4 terms string repeated"},
      {v1::Event::descriptor(),
       "1 type enum tidings.v1.EventType;2 relevance double;"
       "3 direction enum tidings.v1.Direction;"
       "4 magnitude message tidings.v1.Magnitude;5 actors string repeated;"
       "6 evidence message repeated tidings.v1.Evidence;"
       "7 novelty message tidings.v1.Novelty"},
      {v1::Magnitude::descriptor(),
       "1 percent double;2 price double;3 unit string;4 has_percent bool;"
       "5 has_price bool"},
      {v1::Novelty::descriptor(),
       "1 last_12h uint32;2 last_24h uint32;3 last_3d uint32;4 last_7d uint32"},
      {v1::Entity::descriptor(),
       "1 id string;2 name string;3 kind enum tidings.v1.EntityKind;"
       "4 mentions uint32;5 country string;"
       "6 sentiment message tidings.v1.Sentiment;"
       "7 novelty message tidings.v1.Novelty"},
  };
  for (const KnownMessage& m : known) {
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    for (int i = 0; i < m.descriptor->field_count(); ++i) {
      fields.push_back(m.descriptor->field(i));
    }
    std::sort(fields.begin(), fields.end(),
              [](auto* a, auto* b) { return a->number() < b->number(); });
    std::vector<std::string> signatures;
    for (const auto* f : fields) signatures.push_back(Signature(*f));
    if (absl::StrJoin(signatures, ";") != m.fields) return false;
  }
  return true;
}

}  // namespace

bool SignalWriterMatchesSchema() {
  static const bool matches = MatchesSchemaNow();
  return matches;
}

bool AppendSignalJson(const v1::Signal& s, DoubleTextCache* doubles,
                      std::string* out) {
  Object o(out, doubles);
  o.UInt64("seq", s.seq());
  if (!o.String("article_id", s.article_id())) return false;
  o.UInt32("doc_index", s.doc_index());
  if (!o.String("title", s.title()) || !o.String("source", s.source()) ||
      !o.String("url", s.url()) ||
      !o.Timestamp("published_at", s.has_published_at(), s.published_at()) ||
      !o.Timestamp("ingested_at", s.has_ingested_at(), s.ingested_at()) ||
      !o.String("scorer_version", s.scorer_version())) {
    return false;
  }
  if (s.has_sentiment() &&
      !WriteSentiment(s.sentiment(), o.Key("sentiment"), doubles)) {
    return false;
  }
  if (!o.Messages("events", s.events(), WriteEvent) ||
      !o.Messages("entities", s.entities(), WriteEntity)) {
    return false;
  }
  o.UInt64("fingerprint", s.fingerprint());
  o.UInt64("duplicate_of_seq", s.duplicate_of_seq());
  o.UInt64("exact_fingerprint", s.exact_fingerprint());
  if (!o.String("body", s.body()) || !o.String("author", s.author()) ||
      !o.Enum("published_origin", s.published_origin(),
              v1::TimeOrigin_Name(s.published_origin()))) {
    return false;
  }
  o.Bool("published_date_only", s.published_date_only());
  if (!o.Timestamp("received_at", s.has_received_at(), s.received_at())) {
    return false;
  }
  o.UInt64("rescore_of_seq", s.rescore_of_seq());
  return !s.has_near_duplicates() ||
         WriteNovelty(s.near_duplicates(), o.Key("near_duplicates"), doubles);
}

}  // namespace tidings::cli::score_json
