// Copyright 2026 The Tidings Authors.

#include "cluster/jetstream_reader.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cluster/jetstream_log.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster {
namespace {

constexpr absl::Duration kReconnectPause = absl::Milliseconds(100);
constexpr absl::Duration kCheckEvery = absl::Seconds(1);
// A live consumer answers a check in milliseconds; waiting longer only
// delays replacing a dead one (a false alarm costs one new consumer).
constexpr absl::Duration kCheckTimeout = absl::Seconds(1);
// Next() gives up its wait after this many rounds whatever the clock says
// (every round waits on the network or sleeps, so this is a safety net).
constexpr int kMaxRounds = 1000;

std::string DedupIdOf(natsMsg* msg) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &value) != NATS_OK ||
      value == nullptr) {
    return "";
  }
  return value;
}

}  // namespace

absl::Status TruncatedError(uint64_t from_seq, uint64_t first_seq) {
  return absl::OutOfRangeError(
      absl::StrCat("the log no longer holds seq ", from_seq,
                   ": it starts at seq ", first_seq,
                   " (retention dropped older records); rebuild this replica "
                   "from a node's backup or restart it from seq ",
                   first_seq, " knowingly"));
}

absl::Status JetStreamReader::NoteFailure(const absl::Status& error) {
  const absl::Time now = absl::Now();
  if (!failing_since_.has_value()) failing_since_ = now;
  if (now - *failing_since_ < log_.options().reader_unavailable_after) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(
      absl::StrCat("JetStream log unreachable for ",
                   absl::FormatDuration(now - *failing_since_),
                   " while reading from seq ", next_, ": ", error.message()));
}

absl::Status JetStreamReader::Take(nats::MsgList& msgs,
                                   std::vector<LogRecord>& out) {
  natsMsg* ack_through = nullptr;
  absl::Status result;
  for (int i = 0; i < msgs.size(); ++i) {
    natsMsg* m = msgs[i];
    const uint64_t seq = nats::StreamSeqOf(m);
    if (seq != 0 && seq < next_) {  // A redelivery: already taken.
      ack_through = m;
      continue;
    }
    if (seq != next_) {
      // A hole (or unreadable metadata): this consumer is no use any more.
      // Either retention dropped what we need, or the consumer went wrong;
      // a new one at next_ tells them apart.
      replace_consumer_ = true;
      absl::StatusOr<LogState> state = log_.State();
      if (state.ok() && state->first_seq > next_ && out.empty()) {
        result = TruncatedError(next_, state->first_seq);
      }
      break;
    }
    const char* data = natsMsg_GetData(m);
    const int size = natsMsg_GetDataLength(m);
    out.push_back(LogRecord{.seq = seq,
                            .data = std::string(data, data + size),
                            .dedup_id = DedupIdOf(m)});
    ++next_;
    ack_through = m;
  }
  if (ack_through != nullptr) consumer_->AckThrough(ack_through);
  return result;
}

absl::StatusOr<std::string> JetStreamReader::ConsumerServer() {
  if (consumer_ == nullptr) return std::string();
  absl::StatusOr<nats::PullConsumer::Status> check =
      consumer_->Check(kCheckTimeout);
  if (!check.ok()) return check.status();
  return check->server;
}

absl::StatusOr<std::vector<LogRecord>> JetStreamReader::Next(
    size_t max_records, absl::Duration wait) {
  if (max_records == 0) {
    return absl::InvalidArgumentError("LogReader::Next: max_records is 0");
  }
  const JetStreamLogOptions& opt = log_.options();
  const int batch = static_cast<int>(
      std::min<size_t>(max_records, static_cast<size_t>(opt.max_fetch_batch)));
  const absl::Time deadline = absl::Now() + wait;
  std::vector<LogRecord> out;
  for (int round = 0; round < kMaxRounds; ++round) {
    if (replace_consumer_) {
      consumer_.reset();
      replace_consumer_ = false;
    }
    if (consumer_ == nullptr) {
      absl::StatusOr<std::unique_ptr<nats::PullConsumer>> c =
          nats::PullConsumer::Create(
              log_.client(),
              {.stream = opt.stream.name,
               .subject = opt.stream.subject,
               .start_seq = next_,
               .inactive_threshold = opt.reader_inactive_threshold,
               .max_ack_pending = std::max(20000, 2 * opt.max_fetch_batch)});
      if (!c.ok()) {
        if (!nats::IsTransient(c.status())) return c.status();
        if (absl::Status st = NoteFailure(c.status()); !st.ok()) return st;
        if (absl::Now() + kReconnectPause >= deadline) return out;
        absl::SleepFor(kReconnectPause);
        continue;
      }
      consumer_ = *std::move(c);
      ++consumers_created_;
      undelivered_checks_ = 0;
    }
    absl::Status result;
    bool empty = false;
    {
      nats::MsgList msgs;
      const absl::Duration left =
          std::max(deadline - absl::Now(), absl::Milliseconds(1));
      if (absl::Status st = consumer_->Fetch(batch, left, msgs); !st.ok()) {
        replace_consumer_ = true;
        if (absl::Status u = NoteFailure(st); !u.ok()) return u;
        if (absl::Now() + kReconnectPause >= deadline) return out;
        absl::SleepFor(kReconnectPause);
        continue;
      }
      empty = msgs.size() == 0;
      if (!empty) {
        failing_since_.reset();
        undelivered_checks_ = 0;
        result = Take(msgs, out);
      }
    }  // The messages are released before their consumer may be.
    if (!result.ok()) return result;
    if (empty && absl::Now() - last_check_ >= kCheckEvery) {
      // Nothing within the wait: the log is idle, or the consumer no longer
      // delivers (its server died, or it was dropped). Ask it (at most once
      // per kCheckEvery, however short the caller's waits).
      last_check_ = absl::Now();
      absl::StatusOr<nats::PullConsumer::Status> check =
          consumer_->Check(kCheckTimeout);
      if (!check.ok()) {
        replace_consumer_ = true;
        if (absl::Status u = NoteFailure(check.status()); !u.ok()) return u;
      } else if (check->pending > 0 && ++undelivered_checks_ >= 2) {
        replace_consumer_ = true;  // It has records but does not send them.
      } else if (check->pending == 0) {
        failing_since_.reset();
        undelivered_checks_ = 0;
      }
    }
    if (!out.empty() || absl::Now() >= deadline) return out;
  }
  return out;
}

}  // namespace tidings::cluster
