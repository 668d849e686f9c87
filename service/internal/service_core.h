// Copyright 2026 The Tidings Authors.
//
// service_core.h: what every handler and reactor of TidingsService shares:
// the options and dependencies (ServiceCore), the registry of ingest streams
// that shutdown must end, the global budget of ingest bytes in flight, the
// checks every call starts with (shutdown, access, batch size), and the
// status messages that more than one handler gives.

#ifndef TIDINGS_SERVICE_INTERNAL_SERVICE_CORE_H_
#define TIDINGS_SERVICE_INTERNAL_SERVICE_CORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "service/internal/auth.h"
#include "service/server_options.h"
#include "service/tidings_service.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// The streams that must be ended at shutdown and are not hub listeners
// (IngestStream). Close() is called with the registry's lock held: it must
// only record the request and hand work to the pool.
class StreamRegistry {
 public:
  class Member {
   public:
    virtual ~Member() = default;
    virtual void Close() = 0;
  };

  // UNAVAILABLE once CloseAll() has run.
  absl::Status Add(Member* m);
  void Remove(Member* m);
  void CloseAll();

 private:
  absl::Mutex mu_;
  absl::flat_hash_set<Member*> members_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// The global budget of ingest bytes in flight (ServerOptions::
// max_inflight_bytes). Lock-free; a request is admitted when it fits, or when
// nothing else is in flight (so one request larger than the cap still goes).
class ByteBudget {
 public:
  void set_cap(uint64_t cap) { cap_ = cap; }
  uint64_t cap() const { return cap_; }

  // Takes `n` bytes; false (nothing taken) when over the cap. On failure
  // `*in_flight` is what was in flight.
  bool TryAcquire(uint64_t n, uint64_t* in_flight);
  void Release(uint64_t n);

 private:
  uint64_t cap_ = 0;
  std::atomic<uint64_t> used_{0};
};

struct ServiceCore {
  ServerOptions options;
  TidingsService::Deps deps;
  StreamRegistry ingest_streams;
  ByteBudget inflight;
  std::atomic<bool> shutting_down{false};
  std::atomic<bool> rescoring{false};  // A Rescore call is running.
};

// Stored signals visited per storage read, so that a read task stays short
// and a cursor far behind shares the pool with everyone else.
inline constexpr size_t kMaxVisitPerRead = 4096;

inline constexpr char kShuttingDown[] =
    "the server is shutting down; reconnect (to another server) and resume";

// How long a publisher refused for the in-flight byte cap should wait, in
// the trailing metadata kRetryAfterKey: gRPC's standard pushback (gRFC A6),
// which gRPC clients with a retry policy honour on their own.
inline constexpr int kRetryAfterMs = 500;
inline constexpr char kRetryAfterKey[] = "grpc-retry-pushback-ms";

grpc::Status Unavailable(std::string message);
grpc::Status InvalidArgument(std::string message);

// A storage failure on the way out: UNAVAILABLE stays (retry), anything else
// keeps its code; the message says what failed.
grpc::Status StorageError(const absl::Status& s, const char* what);

// A cursor that would miss trimmed signals: OUT_OF_RANGE naming the first
// retained seq (and the retention, when the server has one). `resume` says
// how to start again: SubscribeResume() or QueryResume().
grpc::Status BelowRetained(const ServiceCore* core, uint64_t first,
                           const std::string& resume);
std::string SubscribeResume(uint64_t first);
std::string QueryResume(uint64_t first);
// " (retention 72h)", or "" when the server has no retention configured
// (an injected store may still have been trimmed).
std::string RetentionNote(const ServiceCore* core);

// The checks of a cursor a client resumes, made before anything is read:
//   FAILED_PRECONDITION naming both ids when `expect_store_id` is set and the
//     store's id differs (an id-less store, such as a test fake, matches
//     any);
//   OUT_OF_RANGE naming the head and the store when `seq` (the cursor, its
//     request field called `field`) is beyond the head: no store delivered
//     it. A seq equal to the head is a caught-up cursor, and valid.
// `restart` says how to start again without the cursor: SubscribeRestart()
// or QueryRestart().
grpc::Status CheckCursor(const ServiceCore* core,
                         const std::string& expect_store_id,
                         std::optional<uint64_t> seq, const char* field,
                         const std::string& restart);
std::string SubscribeRestart(const std::string& store_id);
std::string QueryRestart(const std::string& store_id);

// RESOURCE_EXHAUSTED for `bytes` more over the in-flight cap.
absl::Status OverInflightCap(uint64_t bytes, uint64_t in_flight, uint64_t cap);

// Article bytes an ingest holds in flight.
uint64_t ArticleBytes(const v1::Article& a);

// OK when access control is off or the call's token has `role`.
grpc::Status CheckAccess(const ServiceCore* core,
                         const grpc::CallbackServerContext* context, Role role,
                         const char* method);

// The checks every call starts with: the server is not shutting down, and
// the caller may call `method` (see CheckAccess).
grpc::Status Admit(const ServiceCore* core,
                   const grpc::CallbackServerContext* context, Role role,
                   const char* method);

// Admit() for a publishing call carrying `articles` articles: also checks
// the batch against max_batch.
grpc::Status AdmitBatch(const ServiceCore* core,
                        const grpc::CallbackServerContext* context,
                        const char* method, int articles);

// A server-streaming reactor that fails at once (bad request, shutdown).
template <typename Msg>
class FailedWriter final : public grpc::ServerWriteReactor<Msg> {
 public:
  explicit FailedWriter(grpc::Status status) {
    this->Finish(std::move(status));
  }
  void OnDone() override { delete this; }
};

// A bidi reactor that fails at once (access denied).
template <typename In, typename Out>
class FailedBidi final : public grpc::ServerBidiReactor<In, Out> {
 public:
  explicit FailedBidi(grpc::Status status) { this->Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_SERVICE_CORE_H_
