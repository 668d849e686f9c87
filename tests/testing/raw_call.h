// Copyright 2026 The Tidings Authors.
//
// raw_call.h: calls a gRPC method with raw message bytes through the generic
// stub, to send what a well-behaved protobuf library would not produce
// (invalid UTF-8 in a string field, bytes that are no protobuf at all). Works
// for every kind of method: unary and server-streaming methods are called as
// a stream of one message followed by the client's half-close, which is what
// they look like on the wire.

#ifndef TIDINGS_TESTS_TESTING_RAW_CALL_H_
#define TIDINGS_TESTS_TESTING_RAW_CALL_H_

#include <chrono>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace tidings::testing {

struct RawResult {
  grpc::Status status;
  std::vector<std::string> responses;  // Each message's bytes, in order.
};

// Sends `messages` on `method` ("/tidings.v1.Tidings/IngestStream"), one
// write at a time, then half-closes; collects every response until the
// server ends the call, or until `max_responses` have arrived (then the call
// is cancelled: for Subscribe, which never ends by itself). Bounded by
// `deadline`.
inline RawResult RawCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::vector<std::string>& messages,
    size_t max_responses = std::numeric_limits<size_t>::max(),
    absl::Duration deadline = absl::Seconds(20)) {
  class Reactor final
      : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    Reactor(const std::vector<std::string>& messages, size_t max_responses)
        : max_responses_(max_responses) {
      for (const std::string& m : messages) {
        grpc::Slice slice(m);
        out_.emplace_back(&slice, 1);
      }
    }
    void Start() {
      StartRead(&in_);
      WriteNext();
      StartCall();
    }
    void OnWriteDone(bool ok) override {
      if (ok) WriteNext();
    }
    void OnReadDone(bool ok) override {
      if (!ok) return;
      grpc::Slice slice;
      if (in_.DumpToSingleSlice(&slice).ok()) {
        result_.responses.emplace_back(
            reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
      if (result_.responses.size() >= max_responses_) {
        context.TryCancel();
        return;
      }
      StartRead(&in_);
    }
    void OnDone(const grpc::Status& s) override {
      result_.status = s;
      done_.Notify();
    }
    RawResult Wait() {
      done_.WaitForNotification();
      return std::move(result_);
    }
    grpc::ClientContext context;

   private:
    void WriteNext() {
      if (next_ < out_.size()) {
        StartWrite(&out_[next_++]);
      } else {
        StartWritesDone();
      }
    }
    const size_t max_responses_;
    std::vector<grpc::ByteBuffer> out_;
    size_t next_ = 0;
    grpc::ByteBuffer in_;
    RawResult result_;
    absl::Notification done_;
  };
  Reactor reactor(messages, max_responses);
  reactor.context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  grpc::GenericStub stub(channel);
  stub.PrepareBidiStreamingCall(&reactor.context, method, grpc::StubOptions(),
                                &reactor);
  reactor.Start();
  return reactor.Wait();
}

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_TESTING_RAW_CALL_H_
