// Copyright 2026 The Tidings Authors.

#include "service/internal/service_core.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "service/convert.h"
#include "service/internal/request_log.h"

namespace tidings::service::internal {
namespace {

// The "authorization" metadata of a call, if sent.
std::optional<std::string_view> AuthorizationOf(
    const grpc::CallbackServerContext* context) {
  const auto& md = context->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

}  // namespace

absl::Status StreamRegistry::Add(Member* m) {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the server is shutting down");
  members_.insert(m);
  return absl::OkStatus();
}

void StreamRegistry::Remove(Member* m) {
  absl::MutexLock lock(&mu_);
  members_.erase(m);
}

void StreamRegistry::CloseAll() {
  absl::MutexLock lock(&mu_);
  if (closed_) return;
  closed_ = true;
  for (Member* m : members_) m->Close();
}

bool ByteBudget::TryAcquire(uint64_t n, uint64_t* in_flight) {
  if (cap_ == 0) return true;
  uint64_t cur = used_.load(std::memory_order_relaxed);
  do {
    if (cur != 0 && (n > cap_ || cur > cap_ - n)) {
      *in_flight = cur;
      return false;
    }
  } while (
      !used_.compare_exchange_weak(cur, cur + n, std::memory_order_acq_rel));
  return true;
}

void ByteBudget::Release(uint64_t n) {
  if (cap_ != 0 && n != 0) used_.fetch_sub(n, std::memory_order_acq_rel);
}

grpc::Status Unavailable(std::string message) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::move(message));
}

grpc::Status InvalidArgument(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

grpc::Status StorageError(const absl::Status& s, const char* what) {
  return ToGrpc(absl::Status(s.code(), absl::StrCat(what, ": ", s.message())));
}

std::string RetentionNote(const ServiceCore* core) {
  if (core->options.retention <= absl::ZeroDuration()) return "";
  return absl::StrCat(" (retention ",
                      absl::FormatDuration(core->options.retention), ")");
}

grpc::Status BelowRetained(const ServiceCore* core, uint64_t first,
                           const std::string& resume) {
  return grpc::Status(
      grpc::StatusCode::OUT_OF_RANGE,
      absl::StrCat("signals before seq ", first, " are no longer retained",
                   RetentionNote(core), "; first available seq is ", first,
                   "; ", resume));
}

std::string SubscribeResume(uint64_t first) {
  return absl::StrCat("resume with from_seq >= ", first - 1,
                      " or a from_time inside the retained range");
}

std::string QueryResume(uint64_t first) {
  return absl::StrCat("query again with after_seq >= ", first - 1,
                      " (or a later since)");
}

grpc::Status CheckCursor(const ServiceCore* core,
                         const std::string& expect_store_id,
                         std::optional<uint64_t> seq, const char* field,
                         const std::string& restart) {
  const std::string& id = core->deps.store->store_id();
  if (!expect_store_id.empty() && !id.empty() && expect_store_id != id) {
    return grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        absl::StrCat(
            "this cursor belongs to store ", expect_store_id,
            "; this server serves store ", id,
            " (wiped, or restored from another store's backup?), where its "
            "seqs name other signals; ",
            restart));
  }
  if (!seq.has_value()) return grpc::Status::OK;
  if (const uint64_t head = core->deps.store->head_seq(); *seq > head) {
    return grpc::Status(
        grpc::StatusCode::OUT_OF_RANGE,
        absl::StrCat(field, " ", *seq, " is beyond the head ", head,
                     id.empty() ? "" : absl::StrCat(" of store ", id),
                     ": no seq above it was ever stored here (a cursor from "
                     "another store, or the store was restored from an older "
                     "backup?); resume with ",
                     field, " <= ", head,
                     " (the last seq received from this "
                     "store), or ",
                     restart));
  }
  return grpc::Status::OK;
}

std::string SubscribeRestart(const std::string& store_id) {
  return absl::StrCat("subscribe again with from_seq 0 or a from_time",
                      store_id.empty()
                          ? std::string()
                          : absl::StrCat(" and expect_store_id ", store_id));
}

std::string QueryRestart(const std::string& store_id) {
  return absl::StrCat(
      "query again without after_seq",
      store_id.empty() ? std::string()
                       : absl::StrCat(" and with expect_store_id ", store_id));
}

absl::Status OverInflightCap(uint64_t bytes, uint64_t in_flight, uint64_t cap) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "the server is busy: ", in_flight, " bytes of ingest are in flight and ",
      bytes, " more would exceed the limit of ", cap,
      " bytes (max_inflight_bytes); nothing was stored, retry in about ",
      kRetryAfterMs, " ms with backoff"));
}

uint64_t ArticleBytes(const v1::Article& a) {
  return a.body().size() + a.title().size();
}

grpc::Status CheckAccess(const ServiceCore* core,
                         const grpc::CallbackServerContext* context, Role role,
                         const char* method) {
  if (core->deps.tokens == nullptr) return grpc::Status::OK;
  absl::Status s = Authorize(*core->deps.tokens->current(),
                             AuthorizationOf(context), role, method);
  if (s.ok()) return grpc::Status::OK;
  if (core->deps.request_log != nullptr) {
    core->deps.request_log->AuthFailed(method, context->peer(), role, s);
  }
  return ToGrpc(s);
}

grpc::Status Admit(const ServiceCore* core,
                   const grpc::CallbackServerContext* context, Role role,
                   const char* method) {
  if (core->shutting_down.load(std::memory_order_acquire)) {
    return Unavailable(kShuttingDown);
  }
  return CheckAccess(core, context, role, method);
}

grpc::Status AdmitBatch(const ServiceCore* core,
                        const grpc::CallbackServerContext* context,
                        const char* method, int articles) {
  if (grpc::Status admit = Admit(core, context, kRolePublish, method);
      !admit.ok()) {
    return admit;
  }
  if (static_cast<uint32_t>(articles) > core->options.max_batch) {
    return InvalidArgument(
        absl::StrCat("the request has ", articles,
                     " articles, over the limit of ", core->options.max_batch,
                     " (max_batch); split it into smaller requests"));
  }
  return grpc::Status::OK;
}

}  // namespace tidings::service::internal
