// Copyright 2026 The Tidings Authors.

#include "service/internal/wire.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/stubs/common.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpc/slice.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace tidings::service::internal {
namespace {

// The string fields of tidings.v1.Article, by field number.
const char* ArticleStringField(int number) {
  switch (number) {
    case v1::Article::kArticleIdFieldNumber:
      return "article_id";
    case v1::Article::kSourceFieldNumber:
      return "source";
    case v1::Article::kUrlFieldNumber:
      return "url";
    case v1::Article::kTitleFieldNumber:
      return "title";
    case v1::Article::kBodyFieldNumber:
      return "body";
    default:
      return nullptr;
  }
}

// Why `bytes`, which protobuf refused as an Article, do not parse.
absl::Status WhyUnparseable(std::string_view bytes, std::string* article_id) {
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the message (", bytes.size(),
        " bytes) is not a tidings.v1.Article: not protobuf wire format "
        "(truncated, or another message type); nothing of it was stored"));
  }
  std::string why;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    // (A field of the wrong wire type is an unknown field to protobuf, not
    // a parse error: only strings and nested messages can fail.)
    const char* name = ArticleStringField(f.number());
    if (name == nullptr ||
        f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    const std::string& value = f.length_delimited();
    const int valid = google::protobuf::internal::UTF8SpnStructurallyValid(
        google::protobuf::StringPiece(value));
    if (static_cast<size_t>(valid) == value.size()) {
      if (f.number() == v1::Article::kArticleIdFieldNumber) *article_id = value;
      continue;
    }
    if (f.number() == v1::Article::kArticleIdFieldNumber) article_id->clear();
    if (why.empty()) {
      why = absl::StrCat(name, " is not valid UTF-8 (first bad byte at offset ",
                         valid, " of ", value.size(),
                         "); send UTF-8, replacing invalid bytes with U+FFFD");
    }
  }
  if (why.empty()) {
    why = "published_at is not a google.protobuf.Timestamp";
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the article does not parse: ", why, "; nothing of it was stored"));
}

}  // namespace

absl::Status ParseArticle(std::string_view bytes, v1::Article* out,
                          std::string* article_id) {
  article_id->clear();
  if (out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    *article_id = out->article_id();
    return absl::OkStatus();
  }
  return WhyUnparseable(bytes, article_id);
}

absl::Status Flatten(const grpc::ByteBuffer& bytes, grpc::Slice* out) {
  if (bytes.TrySingleSlice(out).ok() || bytes.DumpToSingleSlice(out).ok()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "the message could not be read from the stream");
}

grpc::Slice SerializeToSlice(const google::protobuf::MessageLite& message) {
  const size_t size = message.ByteSizeLong();
  grpc_slice slice = grpc_slice_malloc(size);
  message.SerializeWithCachedSizesToArray(GRPC_SLICE_START_PTR(slice));
  return grpc::Slice(slice, grpc::Slice::STEAL_REF);
}

void SerializeTo(const google::protobuf::MessageLite& message,
                 grpc::ByteBuffer* out) {
  grpc::Slice slice = SerializeToSlice(message);
  *out = grpc::ByteBuffer(&slice, 1);
}

void SerializeBatch(const std::vector<v1::Signal>& signals,
                    grpc::ByteBuffer* out) {
  using google::protobuf::io::CodedOutputStream;
  // Field 1 (signals), wire type 2 (length-delimited): tag byte 0x0a.
  constexpr uint8_t kSignalsTag = (1 << 3) | 2;
  // Sized here: a moved message does not keep its cached size.
  std::vector<size_t> sizes;
  sizes.reserve(signals.size());
  size_t total = 0;
  for (const v1::Signal& signal : signals) {
    const size_t size = signal.ByteSizeLong();
    sizes.push_back(size);
    total +=
        1 + CodedOutputStream::VarintSize32(static_cast<uint32_t>(size)) + size;
  }
  grpc_slice slice = grpc_slice_malloc(total);
  uint8_t* p = GRPC_SLICE_START_PTR(slice);
  for (size_t i = 0; i < signals.size(); ++i) {
    *p++ = kSignalsTag;
    p = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(sizes[i]),
                                                p);
    p = signals[i].SerializeWithCachedSizesToArray(p);
  }
  grpc::Slice owned(slice, grpc::Slice::STEAL_REF);
  *out = grpc::ByteBuffer(&owned, 1);
}

bool ParseRequest(const grpc::ByteBuffer& bytes,
                  google::protobuf::MessageLite* out) {
  grpc::Slice flat;
  return Flatten(bytes, &flat).ok() &&
         out->ParseFromArray(flat.begin(), static_cast<int>(flat.size()));
}

grpc::Status UnparseableRequest(const std::string& method) {
  auto is = [&method](const char* name) {
    return method == name || absl::EndsWith(method, absl::StrCat("/", name));
  };
  std::string cause;
  if (is("Ingest") || is("Score")) {
    cause =
        "; most often a string field (an Article's body, title, source, "
        "url or article_id) holds bytes that are not UTF-8. Send UTF-8 "
        "(replace invalid bytes with U+FFFD)";
  } else if (is("Subscribe") || is("Query") || is("QueryBatches")) {
    cause =
        "; most often a filter's entities or sources hold bytes that are "
        "not UTF-8, or the bytes are another message type";
  } else {
    cause =
        "; the bytes are not a request of this method (another message "
        "type, or truncated)";
  }
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      absl::StrCat(method,
                                   ": the request does not parse as "
                                   "protobuf",
                                   cause, "; nothing was stored"));
}

}  // namespace tidings::service::internal
