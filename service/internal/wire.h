// Copyright 2026 The Tidings Authors.
//
// wire.h: request messages that the service parses itself (IngestStream
// reads raw bytes so that one message that does not parse is answered and
// the stream goes on), with an error that says what is wrong with them.

#ifndef TIDINGS_SERVICE_INTERNAL_WIRE_H_
#define TIDINGS_SERVICE_INTERNAL_WIRE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// Parses one tidings.v1.Article from its wire bytes. On failure returns
// INVALID_ARGUMENT saying why: which string field holds bytes that are not
// UTF-8 and at which byte, a field of the wrong wire type, or bytes that are
// not protobuf at all; and sets `*article_id` to the article_id found in the
// bytes when it is readable UTF-8 (else ""). Nothing of `*out` is to be used
// then.
absl::Status ParseArticle(std::string_view bytes, v1::Article* out,
                          std::string* article_id);

// The bytes of a message received from gRPC, as one slice (a view of it
// when it came in one, else a copy): view them with SliceView().
absl::Status Flatten(const grpc::ByteBuffer& bytes, grpc::Slice* out);
inline std::string_view SliceView(const grpc::Slice& slice) {
  return std::string_view(reinterpret_cast<const char*>(slice.begin()),
                          slice.size());
}

// Parses a request received as raw bytes; false when it does not parse.
bool ParseRequest(const grpc::ByteBuffer& bytes,
                  google::protobuf::MessageLite* out);

// INVALID_ARGUMENT for a request of `method` (its full path, or its name)
// that does not parse, saying what most often causes it.
grpc::Status UnparseableRequest(const std::string& method);

// Serialises `message` into a slice of its own (no intermediate copy).
grpc::Slice SerializeToSlice(const google::protobuf::MessageLite& message);

// Serialises `message` into `out` for a raw gRPC write.
void SerializeTo(const google::protobuf::MessageLite& message,
                 grpc::ByteBuffer* out);

// Serialises `signals` as one v1::SignalBatch into `out`, each signal
// straight into the one slice.
void SerializeBatch(const std::vector<v1::Signal>& signals,
                    grpc::ByteBuffer* out);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_WIRE_H_
