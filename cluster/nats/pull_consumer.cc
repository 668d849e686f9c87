// Copyright 2026 The Tidings Authors.

#include "cluster/nats/pull_consumer.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"

namespace tidings::cluster::nats {

absl::StatusOr<std::unique_ptr<PullConsumer>> PullConsumer::Create(
    NatsClient& client, const PullConsumerOptions& options) {
  absl::BitGen random;
  const std::string name = absl::StrCat(
      "tidings-", absl::Hex(absl::Uniform<uint64_t>(random), absl::kZeroPad16));
  jsSubOptions sub_opts;
  jsSubOptions_Init(&sub_opts);
  sub_opts.Stream = options.stream.c_str();
  sub_opts.Config.Name = name.c_str();
  sub_opts.Config.DeliverPolicy = js_DeliverByStartSequence;
  sub_opts.Config.OptStartSeq = std::max<uint64_t>(1, options.start_seq);
  // Pull consumers need an ack policy on 2.9; AckAll needs one ack a batch.
  sub_opts.Config.AckPolicy = js_AckAll;
  sub_opts.Config.MaxAckPending = options.max_ack_pending;
  sub_opts.Config.InactiveThreshold =
      absl::ToInt64Nanoseconds(options.inactive_threshold);
  jsOptions js_opts = client.RequestOptions();
  natsSubscription* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_PullSubscribe(&raw, client.js(), options.subject.c_str(),
                       /*durable=*/nullptr, &js_opts, &sub_opts, &code);
  if (s != NATS_OK) {
    return NatsError(
        s, code,
        absl::StrCat("create a pull consumer on stream ", options.stream,
                     " from seq ", options.start_seq));
  }
  return std::unique_ptr<PullConsumer>(
      new PullConsumer(client, SubscriptionPtr(raw), name));
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

absl::Status PullConsumer::Fetch(int batch, absl::Duration wait, MsgList& out) {
  // nats-server 2.9 reads "no_wait" with "expires" as a one-shot request:
  // it answers at once with the messages there are (up to the batch), or
  // waits up to `expires` for the first ones and then answers with what it
  // has (ending with a 408 status when that is nothing).
  jsFetchRequest req;
  jsFetchRequest_Init(&req);
  req.Batch = batch;
  req.NoWait = true;
  req.Expires = absl::ToInt64Nanoseconds(std::max(wait, absl::Milliseconds(1)));
  natsStatus s = natsSubscription_FetchRequest(out.get(), sub_.get(), &req);
  if (s == NATS_OK || s == NATS_TIMEOUT || s == NATS_NOT_FOUND) {
    return absl::OkStatus();  // Messages, or none within the wait.
  }
  return NatsError(s, 0, "fetch from JetStream");
}

absl::StatusOr<PullConsumer::Status> PullConsumer::Check(
    absl::Duration timeout) {
  jsOptions js_opts = client_.RequestOptions();
  js_opts.Wait = Millis(timeout);
  jsConsumerInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      natsSubscription_GetConsumerInfo(&raw, sub_.get(), &js_opts, &code);
  ConsumerInfoPtr info(raw);
  if (s != NATS_OK) return NatsError(s, code, "check the pull consumer");
  Status out;
  out.pending = info->NumPending;
  if (info->Cluster != nullptr && info->Cluster->Leader != nullptr) {
    out.server = info->Cluster->Leader;
  }
  return out;
}

void PullConsumer::AckThrough(natsMsg* msg) {
  // Best effort: a lost ack only means a redelivery, which readers skip.
  (void)natsMsg_Ack(msg, nullptr);
}

uint64_t StreamSeqOf(natsMsg* msg) {
  jsMsgMetaData* raw = nullptr;
  if (natsMsg_GetMetaData(&raw, msg) != NATS_OK) return 0;
  MetaDataPtr meta(raw);
  return meta->Sequence.Stream;
}

}  // namespace tidings::cluster::nats
