// Copyright 2026 The Tidings Authors.

#include "cluster/nats/client.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tidings::cluster::nats {
namespace {

std::vector<std::string> SplitServers(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& entry : in) {
    for (absl::string_view url : absl::StrSplit(entry, ',')) {
      url = absl::StripAsciiWhitespace(url);
      if (!url.empty()) out.emplace_back(url);
    }
  }
  return out;
}

absl::Status Check(natsStatus s, absl::string_view what) {
  return s == NATS_OK ? absl::OkStatus() : NatsError(s, 0, what);
}

int64_t Nanos(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }

}  // namespace

int64_t Millis(absl::Duration d) {
  return std::max<int64_t>(1, absl::ToInt64Milliseconds(d));
}

NatsClient::NatsClient(ClientOptions options) : options_(std::move(options)) {}

NatsClient::~NatsClient() {
  Close();
  js_.reset();
}

void NatsClient::Close() {
  if (connection_ != nullptr) natsConnection_Close(connection_.get());
}

absl::StatusOr<std::unique_ptr<NatsClient>> NatsClient::Connect(
    const ClientOptions& options) {
  std::vector<std::string> servers = SplitServers(options.servers);
  if (servers.empty()) {
    return absl::InvalidArgumentError(
        "NATS client: no server URLs given (expected nats://host:port,...)");
  }
  if (options.max_pings_out < 1) {
    return absl::InvalidArgumentError(
        "NATS client: max_pings_out must be at least 1");
  }
  std::unique_ptr<NatsClient> client(new NatsClient(options));
  client->options_.servers = servers;

  natsOptions* raw_opts = nullptr;
  if (natsStatus s = natsOptions_Create(&raw_opts); s != NATS_OK) {
    return NatsError(s, 0, "NATS client: create options");
  }
  OptionsPtr opts(raw_opts);
  std::vector<const char*> urls;
  for (const std::string& url : servers) urls.push_back(url.c_str());
  const std::string what =
      absl::StrCat("NATS client: options for ", absl::StrJoin(servers, ","));
  absl::Status st = Check(natsOptions_SetServers(opts.get(), urls.data(),
                                                 static_cast<int>(urls.size())),
                          what);
  if (st.ok())
    st = Check(natsOptions_SetName(opts.get(), options.name.c_str()), what);
  if (st.ok())
    st = Check(
        natsOptions_SetTimeout(opts.get(), Millis(options.connect_timeout)),
        what);
  if (st.ok()) st = Check(natsOptions_SetMaxReconnect(opts.get(), -1), what);
  if (st.ok())
    st = Check(natsOptions_SetReconnectWait(opts.get(),
                                            Millis(options.reconnect_wait)),
               what);
  if (st.ok())
    st = Check(
        natsOptions_SetPingInterval(opts.get(), Millis(options.ping_interval)),
        what);
  if (st.ok())
    st = Check(natsOptions_SetMaxPingsOut(opts.get(), options.max_pings_out),
               what);
  // While disconnected, fail requests at once rather than after their
  // timeout: the callers retry on UNAVAILABLE anyway.
  if (st.ok())
    st = Check(natsOptions_SetFailRequestsOnDisconnect(opts.get(), true), what);
  if (!st.ok()) return st;

  natsConnection* raw_conn = nullptr;
  if (natsStatus s = natsConnection_Connect(&raw_conn, opts.get());
      s != NATS_OK) {
    absl::Status err = NatsError(
        s, 0,
        absl::StrCat("NATS client: connect to ", absl::StrJoin(servers, ",")));
    return absl::UnavailableError(absl::StrCat(
        err.message(), "; check that the NATS servers run and listen there"));
  }
  client->connection_.reset(raw_conn);

  jsOptions js_opts;
  jsOptions_Init(&js_opts);
  js_opts.Wait = Millis(options.request_timeout);
  jsCtx* raw_js = nullptr;
  if (natsStatus s = natsConnection_JetStream(&raw_js, raw_conn, &js_opts);
      s != NATS_OK) {
    return NatsError(s, 0, "NATS client: create JetStream context");
  }
  client->js_.reset(raw_js);
  return client;
}

std::string NatsClient::ConnectedUrl() const {
  char url[256] = {0};
  if (natsConnection_GetConnectedUrl(connection_.get(), url, sizeof(url)) !=
      NATS_OK) {
    return "";
  }
  return url;
}

jsOptions NatsClient::RequestOptions() const {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = Millis(options_.request_timeout);
  return o;
}

absl::Status NatsClient::EnsureStream(const StreamSpec& spec,
                                      std::string* notice) {
  if (spec.name.empty() || spec.subject.empty() || spec.replicas < 1 ||
      spec.replicas > 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stream spec: need a name, a subject and 1..5 replicas (got name '",
        spec.name, "', subject '", spec.subject, "', ", spec.replicas,
        " replicas)"));
  }
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const char* subjects[] = {spec.subject.c_str()};
  cfg.Name = spec.name.c_str();
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Retention = js_LimitsPolicy;
  cfg.Discard = js_DiscardOld;
  cfg.Storage = spec.memory_storage ? js_MemoryStorage : js_FileStorage;
  cfg.Replicas = spec.replicas;
  cfg.Duplicates = Nanos(spec.duplicate_window);
  cfg.MaxAge = Nanos(spec.max_age);
  cfg.AllowDirect = spec.allow_direct;
  jsOptions o = RequestOptions();
  jsStreamInfo* raw_si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&raw_si, js_.get(), &cfg, &o, &code);
  StreamInfoPtr si(raw_si);
  if (s == NATS_OK) return absl::OkStatus();
  if (code != JSStreamNameExistErr) {
    return NatsError(s, code, absl::StrCat("create stream ", spec.name));
  }
  // It exists with a different configuration: acceptable if it holds our
  // subject with our replica count (the rest, e.g. retention, is the
  // operator's to change).
  s = js_GetStreamInfo(&raw_si, js_.get(), spec.name.c_str(), &o, &code);
  si.reset(raw_si);
  if (s != NATS_OK) {
    return NatsError(s, code, absl::StrCat("read stream ", spec.name));
  }
  const jsStreamConfig* have = si->Config;
  bool has_subject = false;
  for (int i = 0; i < have->SubjectsLen; ++i) {
    has_subject |= spec.subject == have->Subjects[i];
  }
  if (!has_subject || have->Replicas != spec.replicas) {
    return absl::FailedPreconditionError(
        absl::StrCat("stream ", spec.name, " exists with ", have->Replicas,
                     " replicas and subjects other than or besides '",
                     spec.subject, "' (wanted ", spec.replicas,
                     " replicas); fix or delete it with the nats CLI"));
  }
  if (spec.allow_direct && !have->AllowDirect) {
    // Created before readers used direct gets: turn them on (a config
    // change that keeps every record; the meta leader applies it).
    jsStreamConfig update = *have;
    update.AllowDirect = true;
    jsStreamInfo* raw_updated = nullptr;
    s = js_UpdateStream(&raw_updated, js_.get(), &update, &o, &code);
    StreamInfoPtr updated(raw_updated);
    // nats-server 2.9.10 takes the update but answers direct gets only
    // after a change of the stream's leader (tested: timeouts before, the
    // record after a step-down): hand the leadership over once (a pause of
    // writes of about a second).
    absl::Status stepped =
        s == NATS_OK ? StepDownStreamLeader(spec.name) : absl::OkStatus();
    if (notice != nullptr) {
      *notice =
          s == NATS_OK
              ? absl::StrCat(
                    "stream ", spec.name,
                    " had no allow_direct; turned it on so that replicas "
                    "read on while no consumer can be created, and stepped "
                    "its leader down for the servers to take it (",
                    stepped.ok() ? std::string("done")
                                 : std::string(stepped.message()),
                    ")")
              : absl::StrCat(
                    "stream ", spec.name,
                    " has no allow_direct and turning it on failed (",
                    NatsError(s, code, "update").message(),
                    "); replicas wait for a new consumer when theirs is "
                    "lost (set allow_direct with the nats CLI to fix)");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> NatsClient::StreamAllowsDirect(const std::string& stream) {
  absl::StatusOr<StreamInfoPtr> si = StreamInfo(stream, "config");
  if (!si.ok()) return si.status();
  return (*si)->Config != nullptr && (*si)->Config->AllowDirect;
}

absl::StatusOr<StreamInfoPtr> NatsClient::StreamInfo(const std::string& stream,
                                                     const char* what) {
  jsOptions o = RequestOptions();
  jsStreamInfo* raw_si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_GetStreamInfo(&raw_si, js_.get(), stream.c_str(), &o, &code);
  StreamInfoPtr si(raw_si);
  if (s != NATS_OK) {
    return NatsError(s, code, absl::StrCat("read stream ", stream, " ", what));
  }
  return si;
}

absl::StatusOr<jsStreamState> NatsClient::StreamState(
    const std::string& stream) {
  absl::StatusOr<StreamInfoPtr> si = StreamInfo(stream, "state");
  if (!si.ok()) return si.status();
  jsStreamState state = (*si)->State;
  // The pointers inside belong to `si`; callers get the numbers only.
  state.Subjects = nullptr;
  state.Deleted = nullptr;
  state.DeletedLen = 0;
  state.Lost = nullptr;
  return state;
}

absl::StatusOr<int64_t> NatsClient::StreamCreated(const std::string& stream) {
  absl::StatusOr<StreamInfoPtr> si = StreamInfo(stream, "creation time");
  if (!si.ok()) return si.status();
  return (*si)->Created;
}

absl::StatusOr<std::string> NatsClient::StreamLeader(
    const std::string& stream) {
  absl::StatusOr<StreamInfoPtr> si = StreamInfo(stream, "leader");
  if (!si.ok()) return si.status();
  if ((*si)->Cluster == nullptr || (*si)->Cluster->Leader == nullptr) {
    return "";
  }
  return std::string((*si)->Cluster->Leader);
}

absl::StatusOr<std::string> NatsClient::MetaLeader() {
  const char* const what = "find the JetStream meta leader";
  natsSubscription* raw_sub = nullptr;
  natsStatus s = natsConnection_SubscribeSync(&raw_sub, connection_.get(),
                                              "$JS.EVENT.ADVISORY.API");
  SubscriptionPtr sub(raw_sub);
  if (s == NATS_OK) {
    s = natsConnection_FlushTimeout(connection_.get(),
                                    Millis(options_.request_timeout));
  }
  if (s != NATS_OK) return NatsError(s, 0, what);
  // A filter of our own: it tells our request's advisory from others'.
  static std::atomic<uint64_t> counter{0};
  const std::string filter =
      absl::StrCat("tidings.meta-leader-probe.", ::getpid(), ".",
                   counter.fetch_add(1, std::memory_order_relaxed));
  const std::string request = absl::StrCat("{\"subject\":\"", filter, "\"}");
  natsMsg* raw_reply = nullptr;
  s = natsConnection_Request(
      &raw_reply, connection_.get(), "$JS.API.STREAM.NAMES", request.data(),
      static_cast<int>(request.size()), Millis(options_.request_timeout));
  MsgPtr reply(raw_reply);
  if (s != NATS_OK) return NatsError(s, 0, what);
  // The advisory follows the answer; other clients' ones may come between.
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  for (int i = 0; i < 1000 && absl::Now() < deadline; ++i) {
    natsMsg* raw = nullptr;
    s = natsSubscription_NextMsg(&raw, sub.get(),
                                 Millis(deadline - absl::Now()));
    MsgPtr msg(raw);
    if (s != NATS_OK) break;
    const absl::string_view body(natsMsg_GetData(msg.get()),
                                 natsMsg_GetDataLength(msg.get()));
    if (!absl::StrContains(body, filter)) continue;
    // {"type":...,"server":"n2","client":{...,"server":"n1",...},...}: the
    // first "server" is the answering one (the request inside is escaped).
    constexpr absl::string_view kKey = "\"server\":\"";
    const size_t at = body.find(kKey);
    const size_t client = body.find("\"client\":");
    if (at == absl::string_view::npos ||
        (client != absl::string_view::npos && client < at)) {
      break;
    }
    const size_t start = at + kKey.size();
    const size_t end = body.find('"', start);
    if (end == absl::string_view::npos || end == start) break;
    return std::string(body.substr(start, end - start));
  }
  return absl::UnavailableError(
      absl::StrCat(what,
                   ": no audit advisory named the server that answered "
                   "$JS.API.STREAM.NAMES within ",
                   absl::FormatDuration(options_.request_timeout)));
}

absl::Status NatsClient::StepDownStreamLeader(const std::string& stream) {
  const std::string subject =
      absl::StrCat("$JS.API.STREAM.LEADER.STEPDOWN.", stream);
  natsMsg* raw = nullptr;
  natsStatus s =
      natsConnection_Request(&raw, connection_.get(), subject.c_str(), "", 0,
                             Millis(options_.request_timeout));
  MsgPtr reply(raw);
  const std::string what = absl::StrCat("step down the leader of ", stream);
  if (s != NATS_OK) return NatsError(s, 0, what);
  const std::string body(natsMsg_GetData(reply.get()),
                         natsMsg_GetDataLength(reply.get()));
  if (body.find("\"success\":true") != std::string::npos) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(what, ": ", body));
}

}  // namespace tidings::cluster::nats
