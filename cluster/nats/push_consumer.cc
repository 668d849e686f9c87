// Copyright 2026 The Tidings Authors.

#include "cluster/nats/push_consumer.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"

namespace tidings::cluster::nats {

absl::StatusOr<std::unique_ptr<PushConsumer>> PushConsumer::Create(
    NatsClient& client, const PushConsumerOptions& options) {
  absl::BitGen random;
  const std::string name = absl::StrCat(
      "tidings-", absl::Hex(absl::Uniform<uint64_t>(random), absl::kZeroPad16));
  jsSubOptions sub_opts;
  jsSubOptions_Init(&sub_opts);
  sub_opts.Stream = options.stream.c_str();
  jsConsumerConfig& config = sub_opts.Config;
  config.Name = name.c_str();
  config.DeliverPolicy = js_DeliverByStartSequence;
  config.OptStartSeq = std::max<uint64_t>(1, options.start_seq);
  // The reader keeps its position: acks would only cost messages.
  config.AckPolicy = js_AckNone;
  config.FlowControl = true;
  config.Heartbeat = absl::ToInt64Nanoseconds(
      std::max(options.heartbeat, absl::Milliseconds(100)));
  config.InactiveThreshold =
      absl::ToInt64Nanoseconds(options.inactive_threshold);
  // Its state is worth nothing after a restart (the reader starts a new
  // one where it is): no replicas, no disk.
  config.Replicas = 1;
  config.MemoryStorage = true;
  jsOptions js_opts = client.RequestOptions();
  natsSubscription* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_SubscribeSync(&raw, client.js(), options.subject.c_str(),
                                  &js_opts, &sub_opts, &code);
  if (s != NATS_OK) {
    return NatsError(
        s, code,
        absl::StrCat("create a push consumer on stream ", options.stream,
                     " from seq ", options.start_seq));
  }
  SubscriptionPtr sub(raw);
  // No limit on the number (-1): small records would reach cnats' default
  // of 65,536 within the server's flow-control window.
  s = natsSubscription_SetPendingLimits(sub.get(), -1,
                                        options.max_pending_bytes);
  if (s != NATS_OK) return NatsError(s, 0, "set the push consumer's limits");
  return std::unique_ptr<PushConsumer>(
      new PushConsumer(client, std::move(sub), name));
}

absl::Status DeleteConsumer(NatsClient& client, const std::string& stream,
                            const std::string& name, absl::Duration timeout) {
  jsOptions js_opts = client.RequestOptions();
  js_opts.Wait = Millis(timeout);
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_DeleteConsumer(client.js(), stream.c_str(), name.c_str(),
                                   &js_opts, &code);
  if (s == NATS_OK) return absl::OkStatus();
  return NatsError(
      s, code, absl::StrCat("delete consumer ", name, " of stream ", stream));
}

absl::Status PushConsumer::Fetch(int batch, absl::Duration wait,
                                 std::vector<MsgPtr>& out) {
  // The first message may be waited for; the rest only taken if queued
  // (a timeout of 0 returns NATS_TIMEOUT at once when none is).
  int64_t timeout = Millis(wait);
  for (int i = 0; i < batch; ++i, timeout = 0) {
    natsMsg* raw = nullptr;
    const natsStatus s = natsSubscription_NextMsg(&raw, sub_.get(), timeout);
    if (s == NATS_TIMEOUT) return absl::OkStatus();
    if (s != NATS_OK) return NatsError(s, 0, "read the push consumer");
    out.emplace_back(raw);
  }
  return absl::OkStatus();
}

absl::StatusOr<PushConsumer::Status> PushConsumer::Check(
    absl::Duration timeout) {
  jsOptions js_opts = client_.RequestOptions();
  js_opts.Wait = Millis(timeout);
  jsConsumerInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      natsSubscription_GetConsumerInfo(&raw, sub_.get(), &js_opts, &code);
  ConsumerInfoPtr info(raw);
  if (s != NATS_OK) return NatsError(s, code, "check the push consumer");
  Status out;
  out.pending = info->NumPending;
  if (info->Cluster != nullptr && info->Cluster->Leader != nullptr) {
    out.server = info->Cluster->Leader;
  }
  return out;
}

uint64_t StreamSeqOf(natsMsg* msg) {
  jsMsgMetaData* raw = nullptr;
  if (natsMsg_GetMetaData(&raw, msg) != NATS_OK) return 0;
  MetaDataPtr meta(raw);
  return meta->Sequence.Stream;
}

}  // namespace tidings::cluster::nats
