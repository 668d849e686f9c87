// Copyright 2026 The Tidings Authors.
//
// server_options.h: what a Tidings server is configured with (the flags of
// `tidings serve`), each with its default.

#ifndef TIDINGS_SERVICE_SERVER_OPTIONS_H_
#define TIDINGS_SERVICE_SERVER_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace tidings::service {

struct ServerOptions {
  // Address to listen on, host:port. Port 0 picks a free port (see port()).
  // Default: 127.0.0.1:50051.
  std::string listen = "127.0.0.1:50051";
  // Directory of the RocksDB store; created when missing. Default:
  // ./var/tidings.
  std::string data_dir = "./var/tidings";
  // Lexicon directory for the scorer; "" = the built-in lexicons.
  std::string lexicon_dir;
  // Largest accepted article body, in bytes. Default: 1 MiB.
  uint64_t max_article_bytes = 1 << 20;
  // Most articles in one Ingest/Score request. Default: 1000.
  uint32_t max_batch = 1000;
  // Most concurrent Subscribe streams. Default: 1024.
  uint32_t max_subscribers = 1024;
  // Signals a subscriber may have queued before it falls back to reading
  // storage. A subscription is a cursor over the log: it reads at most this
  // many matching signals ahead of what its client has taken, and a slow
  // client simply leaves the rest in storage until it catches up (ingest
  // never waits for it). Also the read-ahead of a Query stream.
  // Default: 1024.
  uint32_t subscriber_buffer = 1024;
  // The same bound in bytes (serialized signals), whichever is reached
  // first; at least one signal is always queued. Default: 8 MiB.
  uint64_t subscriber_buffer_bytes = uint64_t{8} << 20;
  // The newest signals kept in memory (at most 64 MiB of them) for
  // subscribers that are caught up: each is serialised once and written to
  // all of them, instead of being read back from storage and serialised
  // once per subscriber. 0 = off (every subscriber reads storage).
  // Default: 8192.
  uint32_t recent_signals = 8192;
  // Heartbeat interval on Subscribe streams. Default: 5 s.
  absl::Duration heartbeat_interval = absl::Seconds(5);
  // Near-duplicate window (see storage::StoreOptions). Default: 72 h.
  absl::Duration duplicate_window = absl::Hours(72);
  // How long signals are kept, by ingested_at. The server trims the log at
  // startup and every retention_check_interval on its work pool (never in a
  // gRPC reaction; ingest interleaves with a trim), deleting the signals
  // ingested before clock() - retention. Seqs stay dense above the first
  // retained seq. A Subscribe whose cursor starts (or, while it reads
  // storage, falls) below the retained range ends with OUT_OF_RANGE naming
  // the first retained seq; so does a Query with after_seq (or an
  // INGESTED_AT `since`) below it, while a Query with neither starts at the
  // first retained seq. Idempotency keys are kept forever: a retry of a
  // trimmed article is still a duplicate. Default: 0 = keep everything.
  absl::Duration retention = absl::ZeroDuration();
  // How often the retention trim runs (when retention > 0). Default: 1 min.
  absl::Duration retention_check_interval = absl::Minutes(1);
  // Threads that score articles and run storage reads and writes (gRPC
  // reactions never block; they hand such work to this pool). 0 = the number
  // of cores, at least 2. Default: 0.
  uint32_t worker_threads = 0;
  // Largest accepted request message, in bytes (gRPC's receive limit); must
  // be at least max_article_bytes. Also the most article bytes an
  // IngestStream holds unstored before it stops reading (besides at most
  // max_batch articles). Default: 64 MiB.
  uint64_t max_request_bytes = uint64_t{64} << 20;
  // Most bytes of article text (body + title) of all Ingest and
  // IngestStream calls together, across all connections, that the server
  // holds between reading them and answering them (scoring and storing).
  // Over it, an Ingest call fails with RESOURCE_EXHAUSTED and an IngestStream
  // article gets error_code RESOURCE_EXHAUSTED (not stored); both say to
  // retry, and gRPC's standard trailing metadata "grpc-retry-pushback-ms"
  // (Ingest) says when. A request alone larger than the cap is admitted when
  // nothing else is in flight. 0 = no cap. Default: 256 MiB.
  uint64_t max_inflight_bytes = uint64_t{256} << 20;
  // Access control: a tokens file (one `token<TAB>role[,role]` a line, '#'
  // comments; roles publish, subscribe, admin; admin implies the others).
  // When set, every Tidings RPC needs "authorization: Bearer <token>" with
  // the right role (Ingest, IngestStream, Score: publish; Subscribe, Query,
  // GetSignal: subscribe; Backup: admin): UNAUTHENTICATED without a known
  // token, PERMISSION_DENIED without the role. Health and reflection stay open.
  // Default: "" = no access control.
  std::string tokens_file;
  // TLS: PEM files of the server's certificate chain and private key. Both
  // or neither. Default: "" = plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Mutual TLS: PEM file of the CA(s) that client certificates must chain
  // to; clients without a valid certificate are refused at the handshake.
  // Requires tls_cert_file. Default: "" = no client certificates.
  std::string tls_client_ca_file;
  // How long Shutdown() lets streams and in-flight calls end on their own
  // before gRPC cancels them. In-flight ingest batches are stored either way;
  // in cluster mode, a batch still waiting for the log or the replica shortly
  // before the end (0.5 s, or a quarter of a shorter grace) is answered
  // UNAVAILABLE, outcome unknown. Default: 5 s.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // Prometheus metrics over HTTP (GET /metrics) on this host:port (port
  // 1-65535; port 0 is not supported). The server fails to start when it is
  // malformed (INVALID_ARGUMENT) or cannot be bound (UNAVAILABLE). See
  // service/internal/metrics.h for the metrics. Default: "" = off.
  std::string metrics_listen;
  // The process log (service/log.h) on stderr: "text" or "json" lines, and
  // the least level written, "debug", "info", "warn" or "error". Start()
  // applies them to the process logger. Default: "text", "info".
  std::string log_format = "text";
  std::string log_level = "info";
  // Cluster mode (cluster/README.md): the NATS servers of the cluster log,
  // "nats://h1:p1,nats://h2:p2,...". The front end (`tidings serve`) opens
  // the log and hands it to Server::Start in ServerDeps::log. Default: "" =
  // a single node.
  std::string cluster;
  // Cluster mode: the cluster log's retention (the JetStream stream's
  // MaxAge and MaxBytes, oldest records discarded first; 0 = no limit). The
  // front end sets a limit that is given on the stream when it opens the
  // log: when it creates it, or when the stream's limit differs (the last
  // node started with it decides: give every node the same). A limit not
  // given stays as the stream has it. These bound the log; `retention`
  // bounds each replica (cluster/README.md, "Retention"). cluster_max_age is
  // 0 or at least the log's 2-minute dedup window. Default: unset.
  std::optional<absl::Duration> cluster_max_age;
  std::optional<uint64_t> cluster_max_bytes;
  // Cluster mode: records a second this node's replica audit checks at most
  // against the stream leader's copy (one request each; replica_audit.h);
  // 0 = no audit. Records applied faster are checked in part.
  uint64_t cluster_audit_rate = 100;
};

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_SERVER_OPTIONS_H_
