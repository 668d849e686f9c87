// Copyright 2026 The Tidings Authors.
//
// connection.h: how the client subcommands (ingest, tail, query, get) reach
// the server: the --token and --tls-* flags they share, the channel and stub,
// and per-call bearer token and deadline. One command per process: the flags
// are bound to process-wide state.

#ifndef TIDINGS_SERVICE_CLI_CONNECTION_H_
#define TIDINGS_SERVICE_CLI_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "service/cli/args.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::cli {

// Binds --token, --tls-ca, --tls-cert and --tls-key.
void BindConnectionFlags(FlagSet& flags);

// Fills the token from $TIDINGS_TOKEN and reads the TLS files. A message for
// the user, or "" when all is well.
std::string FinishConnectionFlags();

// A stub on a new channel to `server`, plaintext or TLS per the flags.
std::unique_ptr<v1::Tidings::Stub> MakeStub(const std::string& server);

// Adds the bearer token, if any, to a call.
void Authorize(grpc::ClientContext* context);

// Sets the call's deadline `timeout` from now.
void SetTimeout(grpc::ClientContext* context, absl::Duration timeout);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_CONNECTION_H_
