// Copyright 2026 The Tidings Authors.
//
// request_log.h: a log line for each rejected request and each auth
// failure, rate-limited per kind (LogLimiter), with the method, the peer,
// the status code and message (which never hold a token).
//
//   request rejected  INFO   a client error: INVALID_ARGUMENT, NOT_FOUND,
//                            RESOURCE_EXHAUSTED, FAILED_PRECONDITION,
//                            OUT_OF_RANGE, ALREADY_EXISTS, ABORTED,
//                            UNIMPLEMENTED
//   auth failed       WARN   UNAUTHENTICATED / PERMISSION_DENIED, with the
//                            role the method needs
//   request failed    ERROR  INTERNAL, UNKNOWN, DATA_LOSS
//
// Not logged: OK, CANCELLED and DEADLINE_EXCEEDED (the client's doing) and
// UNAVAILABLE (shutdown, or a storage fault, which the committer logs once).
// The final status of every call of the Tidings service is seen by a gRPC
// interceptor; auth failures are reported by the access check, which knows
// the role.

#ifndef TIDINGS_SERVICE_INTERNAL_REQUEST_LOG_H_
#define TIDINGS_SERVICE_INTERNAL_REQUEST_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"
#include "service/internal/auth.h"
#include "service/internal/log_limiter.h"

namespace tidings::service::internal {

// Lines of each kind per second before the rest are suppressed.
inline constexpr uint32_t kRequestLogLinesPerSecond = 10;

// Thread-safe.
class RequestLog {
 public:
  // `clock` defaults to absl::Now.
  explicit RequestLog(std::function<absl::Time()> clock = nullptr);

  // A call to `method` ("Ingest") from `peer` finished with `status`: logs it
  // when it is a rejection or a failure (see above).
  void Finished(std::string_view method, std::string_view peer,
                const grpc::Status& status);

  // The access check refused a call that needs `needed`.
  void AuthFailed(std::string_view method, std::string_view peer, Role needed,
                  const absl::Status& status);

  // Reports the lines still suppressed (at shutdown).
  void Flush();

 private:
  LogLimiter rejected_;
  LogLimiter auth_;
  LogLimiter failed_;
};

// Calls log->Finished for every call of `service`'s own methods. Install it
// after interceptors that rewrite the status.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRequestLogInterceptorFactory(RequestLog* log, const std::string& service);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_REQUEST_LOG_H_
