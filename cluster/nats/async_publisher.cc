// Copyright 2026 The Tidings Authors.

#include "cluster/nats/async_publisher.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace tidings::cluster::nats {
namespace {

// The longest the thread waits for a reply before it looks at the clock
// (and at closing) again.
constexpr absl::Duration kPoll = absl::Milliseconds(100);

const google::protobuf::Value* Field(const google::protobuf::Struct& s,
                                     const char* name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

}  // namespace

absl::StatusOr<PubAck> ParsePubAck(absl::string_view body,
                                   absl::string_view what) {
  // nats-server's JSPubAckResponse: {"stream":..,"seq":..,"duplicate":..}
  // or {"error":{"code":..,"err_code":..,"description":..}}. Parsed with
  // protobuf's JSON parser into a Struct: numbers come as doubles, exact
  // for seqs below 2^53 (285 years at a million records a second).
  google::protobuf::Struct json;  // Takes any field: nothing is unknown.
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(std::string(body), &json);
  const auto bad = [&](absl::string_view why) {
    return absl::InternalError(absl::StrCat(what, ": ", why, " in the answer '",
                                            body.substr(0, 200), "'"));
  };
  if (!parsed.ok()) return bad("not JSON");
  if (const google::protobuf::Value* error = Field(json, "error")) {
    if (!error->has_struct_value()) return bad("an error that is no object");
    const google::protobuf::Struct& e = error->struct_value();
    const google::protobuf::Value* code = Field(e, "err_code");
    const google::protobuf::Value* text = Field(e, "description");
    return NatsError(
        NATS_ERR, code == nullptr ? 0 : static_cast<int>(code->number_value()),
        text == nullptr ? "" : text->string_value().c_str(), what);
  }
  const google::protobuf::Value* seq = Field(json, "seq");
  if (seq == nullptr || !seq->has_number_value() || seq->number_value() < 1) {
    return bad("no seq");
  }
  PubAck ack;
  ack.seq = static_cast<uint64_t>(seq->number_value());
  if (const google::protobuf::Value* dup = Field(json, "duplicate")) {
    ack.duplicate = dup->bool_value();
  }
  return ack;
}

absl::StatusOr<std::unique_ptr<AsyncPublisher>> AsyncPublisher::Create(
    NatsClient& client, absl::Duration ack_wait) {
  natsInbox* raw_inbox = nullptr;
  natsStatus s = natsInbox_Create(&raw_inbox);
  if (s != NATS_OK) return NatsError(s, 0, "create the publish inbox");
  const std::string inbox(raw_inbox);
  natsInbox_Destroy(raw_inbox);
  natsSubscription* raw_sub = nullptr;
  s = natsConnection_SubscribeSync(&raw_sub, client.connection(),
                                   absl::StrCat(inbox, ".*").c_str());
  if (s != NATS_OK) return NatsError(s, 0, "subscribe to the publish inbox");
  SubscriptionPtr sub(raw_sub);
  // The answers are bounded by the publishes in flight: no client limit
  // (cnats' default drops messages past 65,536 as a slow consumer).
  s = natsSubscription_SetPendingLimits(sub.get(), -1, -1);
  if (s != NATS_OK) return NatsError(s, 0, "set the publish inbox's limits");
  std::unique_ptr<AsyncPublisher> publisher(new AsyncPublisher(
      client.connection(), ack_wait, std::move(sub), inbox + "."));
  AsyncPublisher* self = publisher.get();
  publisher->thread_ = std::thread([self] { self->Loop(); });
  return publisher;
}

AsyncPublisher::AsyncPublisher(natsConnection* connection,
                               absl::Duration ack_wait, SubscriptionPtr sub,
                               std::string reply_prefix)
    : connection_(connection),
      ack_wait_(ack_wait),
      sub_(std::move(sub)),
      reply_prefix_(std::move(reply_prefix)) {}

AsyncPublisher::~AsyncPublisher() { Close(); }

void AsyncPublisher::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closing_) return;
    closing_ = true;
  }
  thread_.join();
  absl::flat_hash_map<uint64_t, Entry> left;
  {
    absl::MutexLock lock(&mu_);
    left.swap(pending_);
  }
  for (auto& [token, entry] : left) {
    std::move(entry.done)(absl::UnavailableError(
        "publish to JetStream: closed before the answer came; outcome "
        "unknown, publish again with the same dedup id"));
  }
}

absl::StatusOr<MsgPtr> AsyncPublisher::Build(const Publication& p,
                                             uint64_t token) const {
  const std::string reply = absl::StrCat(reply_prefix_, token);
  natsMsg* raw = nullptr;
  natsStatus s =
      natsMsg_Create(&raw, std::string(p.subject).c_str(), reply.c_str(),
                     p.data.data(), static_cast<int>(p.data.size()));
  MsgPtr msg(raw);
  if (s == NATS_OK) {
    s = natsMsgHeader_Set(msg.get(), "Nats-Msg-Id",
                          std::string(p.msg_id).c_str());
  }
  if (s == NATS_OK && !p.expect_stream.empty()) {
    s = natsMsgHeader_Set(msg.get(), "Nats-Expected-Stream",
                          std::string(p.expect_stream).c_str());
  }
  if (s == NATS_OK && p.expected_last_seq.has_value()) {
    // A header of our own rather than cnats' jsPubOptions.ExpectLastSeq,
    // where 0 means "unset" and an empty stream could not be asked for.
    s = natsMsgHeader_Set(msg.get(), "Nats-Expected-Last-Sequence",
                          absl::StrCat(*p.expected_last_seq).c_str());
  }
  if (s != NATS_OK) return NatsError(s, 0, "publish: build the message");
  return msg;
}

void AsyncPublisher::Publish(const Publication& p, Done done) {
  const uint64_t token = next_token_.fetch_add(1, std::memory_order_relaxed);
  // Everything of `p` is copied into the message before the entry exists:
  // once it does, its answer (a timeout while the send below waits on
  // cnats' lock) may free what `p` points into.
  absl::StatusOr<MsgPtr> msg = Build(p, token);
  {
    absl::ReleasableMutexLock lock(&mu_);
    if (closing_) {
      lock.Release();
      std::move(done)(absl::UnavailableError(
          "publish to JetStream: the publisher is closed; nothing was sent"));
      return;
    }
    auto [it, added] =
        pending_.emplace(token, Entry{.done = std::move(done), .failed = {}});
    if (!msg.ok()) {
      it->second.failed = msg.status();
      failed_.push_back(token);
      return;
    }
    deadlines_.emplace_back(absl::Now() + ack_wait_, token);
  }
  // cnats copies the message into its buffer (or, while reconnecting, its
  // reconnect buffer) under the connection's lock, and is done with it when
  // this returns: the message is ours throughout. The answer may come
  // before it returns.
  const natsStatus s = natsConnection_PublishMsg(connection_, msg->get());
  if (s == NATS_OK) return;
  absl::Status st = NatsError(s, 0, "publish to JetStream");
  absl::MutexLock lock(&mu_);
  auto it = pending_.find(token);
  if (it == pending_.end()) return;  // Answered meanwhile (it was sent).
  it->second.failed = std::move(st);
  failed_.push_back(token);
}

absl::Status AsyncPublisher::WaitIdle(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return pending_.empty();
  };
  if (mu_.AwaitWithTimeout(absl::Condition(&idle), timeout)) {
    return absl::OkStatus();
  }
  return absl::DeadlineExceededError(absl::StrCat(
      pending_.size(), " JetStream publishes still unanswered after ",
      absl::FormatDuration(timeout)));
}

size_t AsyncPublisher::pending() const {
  absl::MutexLock lock(&mu_);
  return pending_.size();
}

std::optional<AsyncPublisher::Entry> AsyncPublisher::TakeReplied(
    absl::string_view subject) {
  uint64_t token = 0;
  if (!absl::ConsumePrefix(&subject, reply_prefix_) ||
      !absl::SimpleAtoi(subject, &token)) {
    return std::nullopt;
  }
  absl::MutexLock lock(&mu_);
  auto it = pending_.find(token);
  if (it == pending_.end()) return std::nullopt;  // Late: expired already.
  Entry entry = std::move(it->second);
  pending_.erase(it);
  return entry;
}

void AsyncPublisher::Collect(absl::Time now, std::vector<Entry>& expired,
                             std::vector<Entry>& failed) {
  for (uint64_t token : failed_) {
    auto it = pending_.find(token);
    if (it == pending_.end()) continue;
    failed.push_back(std::move(it->second));
    pending_.erase(it);
  }
  failed_.clear();
  while (!deadlines_.empty() && deadlines_.front().first <= now) {
    auto it = pending_.find(deadlines_.front().second);
    deadlines_.pop_front();
    if (it == pending_.end()) continue;  // Answered.
    expired.push_back(std::move(it->second));
    pending_.erase(it);
  }
  // Answered ones at the front need not wait for their deadline to go.
  while (!deadlines_.empty() && !pending_.contains(deadlines_.front().second)) {
    deadlines_.pop_front();
  }
}

void AsyncPublisher::Loop() {
  std::vector<Entry> expired;
  std::vector<Entry> failed;
  for (;;) {
    absl::Duration wait = kPoll;
    {
      absl::MutexLock lock(&mu_);
      if (closing_) return;
      if (!deadlines_.empty()) {
        wait = std::min(wait, deadlines_.front().first - absl::Now());
      }
      if (!failed_.empty()) wait = absl::ZeroDuration();
    }
    if (wait > absl::ZeroDuration()) {
      natsMsg* raw = nullptr;
      const natsStatus s =
          natsSubscription_NextMsg(&raw, sub_.get(), Millis(wait));
      MsgPtr reply(raw);
      if (s == NATS_OK) {
        std::optional<Entry> entry = TakeReplied(natsMsg_GetSubject(raw));
        if (entry.has_value()) {
          std::move(entry->done)(
              ParsePubAck(absl::string_view(natsMsg_GetData(raw),
                                            natsMsg_GetDataLength(raw)),
                          "publish to JetStream"));
        }
      } else if (s != NATS_TIMEOUT && s != NATS_NO_RESPONDERS) {
        // The connection is closed (or the subscription gone): nothing can
        // come, but the deadlines still run out. Sleep, not spin.
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&closing_), wait);
      }
    }
    {
      absl::MutexLock lock(&mu_);
      Collect(absl::Now(), expired, failed);
    }
    for (Entry& e : failed) std::move(e.done)(*std::move(e.failed));
    for (Entry& e : expired) {
      std::move(e.done)(absl::DeadlineExceededError(
          absl::StrCat("publish to JetStream: no answer within ",
                       absl::FormatDuration(ack_wait_))));
    }
    failed.clear();
    expired.clear();
  }
}

}  // namespace tidings::cluster::nats
