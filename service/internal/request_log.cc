// Copyright 2026 The Tidings Authors.

#include "service/internal/request_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/server_context.h"
#include "service/log.h"

namespace tidings::service::internal {
namespace {

enum class Kind { kNone, kRejected, kAuth, kFailed };

Kind KindOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNIMPLEMENTED:
      return Kind::kRejected;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return Kind::kAuth;
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      return Kind::kFailed;
    default:
      return Kind::kNone;
  }
}

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// Writes the "suppressed" summary of `kind` when there is one.
void LogSuppressed(std::string_view kind, uint64_t count) {
  if (count == 0) return;
  Log(LogLevel::kInfo, "suppressed similar lines",
      {{"kind", kind},
       {"count", count},
       {"limit_per_second", kRequestLogLinesPerSecond}});
}

class RequestLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  RequestLogInterceptor(RequestLog* log, std::string method,
                        grpc::ServerContextBase* context)
      : log_(log), method_(std::move(method)), context_(context) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (KindOf(status.error_code()) != Kind::kNone) {
        log_->Finished(method_, context_->peer(), status);
      }
    }
    methods->Proceed();
  }

 private:
  RequestLog* const log_;
  const std::string method_;
  grpc::ServerContextBase* const context_;
};

class RequestLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RequestLogInterceptorFactory(RequestLog* log, const std::string& service)
      : log_(log), prefix_(absl::StrCat("/", service, "/")) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* method = info->method();
    if (method == nullptr || std::string_view(method).rfind(prefix_, 0) != 0) {
      return nullptr;  // Health, reflection: not ours.
    }
    return new RequestLogInterceptor(log_,
                                     std::string(method).substr(prefix_.size()),
                                     info->server_context());
  }

 private:
  RequestLog* const log_;
  const std::string prefix_;
};

}  // namespace

RequestLog::RequestLog(std::function<absl::Time()> clock)
    : rejected_(kRequestLogLinesPerSecond, absl::Seconds(1), clock),
      auth_(kRequestLogLinesPerSecond, absl::Seconds(1), clock),
      failed_(kRequestLogLinesPerSecond, absl::Seconds(1), clock) {}

void RequestLog::Finished(std::string_view method, std::string_view peer,
                          const grpc::Status& status) {
  LogLimiter* limiter = nullptr;
  LogLevel level = LogLevel::kInfo;
  std::string_view message, kind;
  switch (KindOf(status.error_code())) {
    case Kind::kRejected:
      limiter = &rejected_;
      message = kind = "request rejected";
      break;
    case Kind::kFailed:
      limiter = &failed_;
      level = LogLevel::kError;
      message = kind = "request failed";
      break;
    case Kind::kAuth:  // Logged by AuthFailed, which knows the role.
    case Kind::kNone:
      return;
  }
  if (!LogEnabled(level)) return;
  const LogLimiter::Verdict v = limiter->Admit();
  if (!v.log) return;
  LogSuppressed(kind, v.suppressed);
  Log(level, message,
      {{"method", method},
       {"peer", peer},
       {"code", CodeName(status.error_code())},
       {"reason", status.error_message()}});
}

void RequestLog::AuthFailed(std::string_view method, std::string_view peer,
                            Role needed, const absl::Status& status) {
  if (!LogEnabled(LogLevel::kWarn)) return;
  const LogLimiter::Verdict v = auth_.Admit();
  if (!v.log) return;
  LogSuppressed("auth failed", v.suppressed);
  Log(LogLevel::kWarn, "auth failed",
      {{"method", method},
       {"peer", peer},
       {"code", absl::StatusCodeToString(status.code())},
       {"role", RoleName(needed)},
       {"reason", status.message()}});
}

void RequestLog::Flush() {
  LogSuppressed("request rejected", rejected_.TakeSuppressed());
  LogSuppressed("auth failed", auth_.TakeSuppressed());
  LogSuppressed("request failed", failed_.TakeSuppressed());
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRequestLogInterceptorFactory(RequestLog* log, const std::string& service) {
  return std::make_unique<RequestLogInterceptorFactory>(log, service);
}

}  // namespace tidings::service::internal
