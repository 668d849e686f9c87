// Copyright 2026 The Tidings Authors.

#include "cluster/nats/direct_get.h"

#include "absl/strings/str_cat.h"

namespace tidings::cluster::nats {

absl::StatusOr<MsgPtr> DirectGetFrom(NatsClient& client,
                                     const std::string& stream,
                                     const std::string& subject, uint64_t seq,
                                     absl::Duration timeout) {
  jsOptions js_opts = client.RequestOptions();
  js_opts.Wait = Millis(timeout);
  jsDirectGetMsgOptions get;
  jsDirectGetMsgOptions_Init(&get);
  get.Sequence = seq;
  // "The next on the subject from seq": a seq that retention dropped then
  // comes back as a later one (the caller sees the hole) instead of as
  // NOT_FOUND, which would look like a record not written yet.
  get.NextBySubject = subject.c_str();
  natsMsg* raw = nullptr;
  natsStatus s =
      js_DirectGetMsg(&raw, client.js(), stream.c_str(), &js_opts, &get);
  MsgPtr msg(raw);
  if (s == NATS_OK) return msg;
  const std::string what =
      absl::StrCat("direct get of seq ", seq, " from stream ", stream);
  if (s == NATS_NO_RESPONDERS) {
    return absl::FailedPreconditionError(absl::StrCat(
        what,
        ": no server answers (the stream lacks allow_direct, or none of its "
        "replicas is up)"));
  }
  return NatsError(s, 0, what);
}

absl::StatusOr<MsgPtr> LeaderGet(NatsClient& client, const std::string& stream,
                                 uint64_t seq, absl::Duration timeout) {
  jsOptions js_opts = client.RequestOptions();
  js_opts.Wait = Millis(timeout);
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_GetMsg(&raw, client.js(), stream.c_str(), seq, &js_opts, &code);
  MsgPtr msg(raw);
  if (s == NATS_OK) return msg;
  return NatsError(
      s, code,
      absl::StrCat("get of seq ", seq, " from the leader of stream ", stream));
}

}  // namespace tidings::cluster::nats
