// Copyright 2026 The Tidings Authors.
//
// config.h: `tidings serve` settings from a TOML file and from TIDINGS_*
// environment variables, on top of the command line's FlagSet.
//
// Every serve flag is also a setting, under the flag's own name; values are
// the text the flag takes ("1MiB", "72h") or a TOML number or boolean:
//
//   # /etc/tidings/tidings.toml
//   listen = "0.0.0.0:50051"
//   data = "/var/lib/tidings"
//   retention = "720h"
//   max-article-bytes = "1MiB"
//   metrics-listen = "127.0.0.1:9464"
//
// Keys may be spelled with '_' for '-'. The environment variable of a setting
// is TIDINGS_ and its name in upper case with '_' for '-'
// (TIDINGS_MAX_ARTICLE_BYTES=1MiB). Precedence, lowest first: the built-in
// default, the file, the environment, the command line. Every value goes
// through the flag's own parser, so a bad one gets the flag's message,
// prefixed with where it came from ("tidings.toml:4: bad value for
// retention: ...").

#ifndef TIDINGS_SERVICE_CLI_CONFIG_H_
#define TIDINGS_SERVICE_CLI_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "service/cli/args.h"

namespace tidings::cli {

// Where each setting that is not at its default came from: "command line",
// "TIDINGS_RETENTION" or "/etc/tidings.toml:4", by setting name.
using ConfigSources = absl::flat_hash_map<std::string, std::string>;

// Settings a file or the environment may not hold (e.g. "config" itself).
inline constexpr std::string_view kCommandLineOnly[] = {"config",
                                                        "print-config"};

// Sets every key of the TOML file at `path` that the command line did not
// set (FlagSet::was_set). NOT_FOUND when the file cannot be read;
// INVALID_ARGUMENT "PATH:LINE: ..." for a TOML syntax error, a [table], an
// unknown key (with a suggestion) or a bad value.
absl::Status ApplyConfigFile(const std::string& path, FlagSet& flags,
                             ConfigSources& sources);

// Sets every TIDINGS_* variable of `environ` (a null-terminated array of
// "NAME=value", as ::environ) that names a setting the command line did not
// set. Other TIDINGS_* variables are left alone (clients and scripts have
// their own, e.g. TIDINGS_TOKEN), but one that is close to a setting's
// variable is reported in `warnings` ("TIDINGS_RETENTON is not a setting
// (did you mean TIDINGS_RETENTION?); ignored"), so a typo does not go
// unseen. INVALID_ARGUMENT for a bad value, naming the variable.
absl::Status ApplyEnvironment(const char* const* environ, FlagSet& flags,
                              ConfigSources& sources,
                              std::vector<std::string>& warnings);

// The effective settings as a TOML file that ApplyConfigFile() reads back,
// each line commented with where its value came from.
std::string FormatConfig(const FlagSet& flags, const ConfigSources& sources);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_CONFIG_H_
