// Copyright 2026 The Tidings Authors.
//
// The client side of a connection (see connection.h).

#include "service/cli/connection.h"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "service/cli/commands.h"

namespace tidings::cli {
namespace {

// Largest message the client accepts (a Signal carries its cleaned text).
constexpr int kMaxReceiveBytes = 64 << 20;

// How the client commands reach the server: bearer token and TLS files
// (flags shared by ingest, tail, query and get). One command per process.
struct Connection {
  std::string token;     // --token, else $TIDINGS_TOKEN.
  std::string tls_ca;    // --tls-ca: PEM of the CA that signed the server.
  std::string tls_cert;  // --tls-cert/--tls-key: client certificate (mTLS).
  std::string tls_key;
  // PEM contents, read by FinishConnectionFlags().
  std::string ca_pem, cert_pem, key_pem;
};

Connection& Conn() {
  static Connection* c = new Connection();
  return *c;
}

}  // namespace

void BindConnectionFlags(FlagSet& flags) {
  Connection& c = Conn();
  flags.String("token", &c.token, "TOKEN",
               "bearer token for a server with --tokens (default: "
               "$TIDINGS_TOKEN)");
  flags.String("tls-ca", &c.tls_ca, "FILE",
               "connect with TLS, trusting the CA certificate(s) in FILE "
               "(PEM)");
  flags.String("tls-cert", &c.tls_cert, "FILE",
               "client certificate (PEM) for mutual TLS; with --tls-key");
  flags.String("tls-key", &c.tls_key, "FILE",
               "private key (PEM) of --tls-cert");
}

std::string FinishConnectionFlags() {
  Connection& c = Conn();
  if (c.token.empty()) {
    const char* env = std::getenv("TIDINGS_TOKEN");
    if (env != nullptr) c.token = env;
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return "--tls-cert and --tls-key go together";
  }
  if (!c.tls_cert.empty() && c.tls_ca.empty()) {
    return "--tls-cert needs --tls-ca (the CA that signed the server)";
  }
  const std::pair<const std::string*, std::string*> files[] = {
      {&c.tls_ca, &c.ca_pem},
      {&c.tls_cert, &c.cert_pem},
      {&c.tls_key, &c.key_pem}};
  for (const auto& [path, pem] : files) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> content = ReadWholeFile(*path);
    if (!content.ok()) return std::string(content.status().message());
    *pem = *std::move(content);
  }
  return "";
}

std::unique_ptr<v1::Tidings::Stub> MakeStub(const std::string& server) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  const Connection& c = Conn();
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (c.tls_ca.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = c.ca_pem;
    ssl.pem_private_key = c.key_pem;
    ssl.pem_cert_chain = c.cert_pem;
    creds = grpc::SslCredentials(ssl);
  }
  return v1::Tidings::NewStub(grpc::CreateCustomChannel(server, creds, args));
}

void Authorize(grpc::ClientContext* context) {
  if (!Conn().token.empty()) {
    context->AddMetadata("authorization", "Bearer " + Conn().token);
  }
}

void SetTimeout(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoNanoseconds(timeout));
}

}  // namespace tidings::cli
