// Copyright 2026 The Tidings Authors.
//
// `tidings backup DIR`: asks a running server for a consistent backup of
// its store (the Backup RPC), written on the server's machine.

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "service/cli/commands.h"
#include "service/cli/connection.h"
#include "service/cli/format.h"
#include "tidings/v1/tidings.grpc.pb.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::cli {
namespace {

// "12345 bytes", "3.4 MiB".
std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " bytes");
  const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

}  // namespace

int RunBackup(const std::vector<std::string>& args) {
  std::string server = DefaultServer();
  absl::Duration timeout = absl::Minutes(30);
  FlagSet flags(
      "tidings backup", "[flags] DIR",
      "Asks the server for a consistent backup of its store, taken while it\n"
      "serves, written to DIR: an absolute path ON THE SERVER'S MACHINE, of\n"
      "a directory that does not exist yet. The backup is a data directory:\n"
      "to restore, stop the server and start it with --data on (a copy of)\n"
      "DIR. Needs the admin role when the server has --tokens. Prints the\n"
      "directory, the backup's head seq, the store id and the size.");
  flags.String("server", &server, "ADDR",
               "server address; $TIDINGS_SERVER overrides the default");
  BindConnectionFlags(flags);
  flags.Duration("timeout", &timeout, "deadline of the call");
  if (auto exit = ParseFlags(flags, args)) return *exit;
  if (std::string error = FinishConnectionFlags(); !error.empty()) {
    return Fail(error);
  }
  if (flags.positional().size() != 1) {
    return UsageError(flags, "name exactly one DIR");
  }
  v1::BackupRequest request;
  request.set_dir(flags.positional()[0]);

  std::unique_ptr<v1::Tidings::Stub> stub = MakeStub(server);
  grpc::ClientContext context;
  Authorize(&context);
  SetTimeout(&context, timeout);
  v1::BackupResponse response;
  grpc::Status status = stub->Backup(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      absl::StartsWith(status.error_message(), "the backup failed")) {
    // The server answered: its storage failed, not the connection.
    return Fail(absl::StrCat("backup: ", status.error_message(),
                             " (UNAVAILABLE; nothing was left at ",
                             request.dir(), "; retry later)"));
  }
  if (!status.ok()) return Fail(DescribeRpcError(status, server, "backup"));
  WriteLine(absl::StrCat("backup of store ", response.store_id(),
                         " at head seq ", response.head_seq(), " written to ",
                         response.dir(), " (", FormatBytes(response.bytes()),
                         ")"));
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace tidings::cli
