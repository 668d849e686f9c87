// Copyright 2026 The Tidings Authors.
//
// counting_reader.h: a server-streaming call read to its end on gRPC's
// callback API, counting messages. The callback API, not the blocking one:
// a blocking Read() costs a completion-queue round trip per message, which
// on this machine caps one stream near 20k messages/s, and the tool must
// measure the server, not its own client.

#ifndef TIDINGS_BENCH_LOAD_COUNTING_READER_H_
#define TIDINGS_BENCH_LOAD_COUNTING_READER_H_

#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/load/stats.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/client_callback.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::load {

// What one message counts for: a SignalBatch its signals, others one.
inline uint64_t Weight(const google::protobuf::MessageLite&) { return 1; }
inline uint64_t Weight(const v1::SignalBatch& batch) {
  return static_cast<uint64_t>(batch.signals_size());
}

// The end of a call, set by its reactor and awaited by the tool's thread.
class CallEnd {
 public:
  void Set(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }
  // Waits for Set(); after `timeout` cancels `context` once and waits on.
  grpc::Status Await(grpc::ClientContext* context, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto done = [this] { return done_; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), timeout)) {
      context->TryCancel();
      mu_.Await(absl::Condition(&done));
    }
    return status_;
  }

 private:
  absl::Mutex mu_;
  bool done_ = false;
  grpc::Status status_;
};

template <typename Msg>
class CountingReader : public grpc::ClientReadReactor<Msg> {
 public:
  // Starts the call: `start(context, reactor)` must call the stub's
  // async()->Method(context, &request, reactor) (the request must outlive
  // the call).
  template <typename StartFn>
  explicit CountingReader(StartFn start) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::minutes(10));
    start(&context_, this);
    this->StartRead(&message_);
    this->StartCall();
  }

  // Blocks until the call ended (cancelling it after `timeout`); its status.
  grpc::Status Await(absl::Duration timeout = absl::Minutes(10)) {
    return end_.Await(&context_, timeout);
  }

  // After Await(): messages read (signals, for SignalBatch messages), and
  // when the last one arrived.
  uint64_t count() const { return count_; }
  int64_t last_ns() const { return last_ns_; }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    count_ += Weight(message_);
    last_ns_ = MonotonicNs();
    this->StartRead(&message_);
  }
  void OnDone(const grpc::Status& status) override { end_.Set(status); }

 private:
  grpc::ClientContext context_;
  Msg message_;
  uint64_t count_ = 0;
  int64_t last_ns_ = 0;
  CallEnd end_;
};

// A server-streaming call made through the generic stub: the request is
// sent as bytes and each answer is counted as bytes, never parsed, so what
// it measures is the server and the transport alone (the client's protobuf
// parsing is left out). A server-streaming method on the wire is a stream
// of one request message and the client's half-close.
class BytesReader
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  BytesReader(grpc::GenericStub* stub, const std::string& method,
              const std::string& request) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::minutes(10));
    grpc::Slice slice(request);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub->PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(),
                                   this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&message_);
    StartCall();
  }

  grpc::Status Await(absl::Duration timeout = absl::Minutes(10)) {
    return end_.Await(&context_, timeout);
  }
  uint64_t count() const { return count_; }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    ++count_;
    StartRead(&message_);
  }
  void OnDone(const grpc::Status& status) override { end_.Set(status); }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer message_;
  uint64_t count_ = 0;
  CallEnd end_;
};

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_COUNTING_READER_H_
