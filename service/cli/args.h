// Copyright 2026 The Tidings Authors.
//
// args.h: the small command-line parser behind the `tidings` subcommands,
// and parsers for the flag value types (numbers, byte sizes, durations, times,
// comma lists).
//
// Each subcommand owns one `FlagSet`: it binds flags to local variables (the
// value a variable holds when bound is the default shown in the usage), then
// calls Parse(). Syntax accepted:
//
//   --name value   --name=value   --flag (booleans)   --flag=true|false
//   --             ends the flags; everything after it is positional
//   -              a positional argument (stdin, by convention)
//   -h, --help     sets help_requested(); nothing else is checked
//
// Flags and positional arguments may be interleaved. A repeated flag
// overrides the earlier value, except list flags, which append. A value that
// starts with "--" is taken as a missing value (so `--server --json` is an
// error, not a server named "--json"); a value that starts with a single
// dash is accepted (`--since -24h`).
//
// Example:
//   FlagSet flags("tidings get", "[flags] SEQ", "Prints one signal.");
//   std::string server = "127.0.0.1:50051";
//   flags.String("server", &server, "ADDR", "server address");
//   if (absl::Status s = flags.Parse(args); !s.ok()) { ...usage, exit 2... }
//
// Not thread-safe; a FlagSet is used once, on one thread.
//
// Why not a library (issue 11 weighed it): absl flags are process globals
// (one set for all subcommands, so every command's --help would list every
// flag) and say no "did you mean"; CLI11 (Debian libcli11-dev) reports by
// exceptions worded its own way. Either would still need the value parsers
// below (byte sizes with units, durations, relative times) to keep today's
// messages. What this parser lacked, config files and the environment, is
// config.h's, with toml++ for the file format.

#ifndef TIDINGS_SERVICE_CLI_ARGS_H_
#define TIDINGS_SERVICE_CLI_ARGS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tidings::cli {

// Exit codes of the `tidings` binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // The command ran and failed.
inline constexpr int kExitUsage = 2;    // Bad command line.

class FlagSet {
 public:
  // `command` is e.g. "tidings tail"; `synopsis` follows it in the usage line
  // ("[flags] FILE..."); `description` is a paragraph printed under it.
  FlagSet(std::string command, std::string synopsis, std::string description);

  FlagSet(const FlagSet&) = delete;
  FlagSet& operator=(const FlagSet&) = delete;

  // Binders. `name` is without dashes. The variable must outlive Parse(); its
  // value at binding time is shown as the default (empty strings, false and
  // unset optionals show no default). `value_name` names the value in the
  // usage ("ADDR", "N"); `help` is one line.
  void String(std::string_view name, std::string* value,
              std::string_view value_name, std::string_view help);
  void Bool(std::string_view name, bool* value, std::string_view help);
  // Non-negative integers; rejects values above `max`.
  void Uint64(std::string_view name, uint64_t* value,
              std::string_view value_name, std::string_view help,
              uint64_t max = UINT64_MAX);
  void Uint32(std::string_view name, uint32_t* value,
              std::string_view value_name, std::string_view help);
  // Byte counts with an optional binary suffix: 512, 64KiB, 1MiB (K, M, G,
  // KiB, MiB, GiB; 1K = 1024).
  void Bytes(std::string_view name, uint64_t* value, std::string_view help);
  void OptionalBytes(std::string_view name, std::optional<uint64_t>* value,
                     std::string_view help);
  // A double in [min, max].
  void Double(std::string_view name, double* value, std::string_view value_name,
              std::string_view help, double min, double max);
  // absl::ParseDuration syntax ("5s", "250ms", "1h30m"); must be > 0 unless
  // `allow_zero`.
  void Duration(std::string_view name, absl::Duration* value,
                std::string_view help, bool allow_zero = false);
  void OptionalDuration(std::string_view name,
                        std::optional<absl::Duration>* value,
                        std::string_view help, bool allow_zero = false);
  // See ParseTimeFlag(). Relative times are resolved against the clock at
  // Parse().
  void Time(std::string_view name, std::optional<absl::Time>* value,
            std::string_view help);
  void OptionalUint64(std::string_view name, std::optional<uint64_t>* value,
                      std::string_view value_name, std::string_view help);
  // Comma-separated, repeatable; empty items are dropped: `--events
  // gold,tariff --events sanctions` gives three items.
  void List(std::string_view name, std::vector<std::string>* value,
            std::string_view value_name, std::string_view help);

  // Parses `args` (without the program and subcommand names). Returns
  // INVALID_ARGUMENT with a one-line message for an unknown flag (with a
  // suggestion when one is close), a missing or malformed value, or a value
  // given to a boolean that is not true/false.
  absl::Status Parse(const std::vector<std::string>& args);

  bool help_requested() const { return help_requested_; }
  const std::vector<std::string>& positional() const { return positional_; }
  // Whether the flag appeared on the command line.
  bool was_set(std::string_view name) const;

  // Sets flag `name` (no dashes) from another source than the command line
  // (a config file, the environment), with the flag's own parser; was_set()
  // stays false. INVALID_ARGUMENT "unknown setting" (with a suggestion when
  // one is close) or "bad value for NAME: ...".
  absl::Status Set(std::string_view name, std::string_view value);
  // Whether there is a flag `name`; else the closest name, or "".
  bool has(std::string_view name) const;
  std::string Suggest(std::string_view name) const;

  // Every flag's current value, in binding order, as text its parser takes
  // back; nullopt for an optional flag without a value. `quoted` is false
  // for booleans and plain integers (how a TOML file writes them).
  struct Setting {
    std::string name;
    std::optional<std::string> value;
    bool quoted = true;
  };
  std::vector<Setting> Settings() const;

  // "usage: tidings tail [flags]" (no newline).
  std::string Synopsis() const;
  // The synopsis, the description and every flag with its default.
  std::string Usage() const;
  // "tidings tail".
  const std::string& command() const { return command_; }

 private:
  struct Flag {
    std::string name{};
    std::string value_name{};  // Empty for booleans.
    std::string help{};
    std::string default_text{};  // Empty = no default shown.
    bool is_bool = false;
    bool quoted = true;  // See Setting.
    bool set = false;
    std::function<std::optional<std::string>()> current{};
    std::function<absl::Status(std::string_view)> parse{};
  };

  void Add(Flag flag);
  Flag* Find(std::string_view name);

  std::string command_;
  std::string synopsis_;
  std::string description_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
  bool help_requested_ = false;
};

// Value parsers, shared by the binders above. Each returns INVALID_ARGUMENT
// with a message that names what was expected.

absl::StatusOr<uint64_t> ParseUint64(std::string_view text);
absl::StatusOr<double> ParseDouble(std::string_view text);
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text);
absl::StatusOr<bool> ParseBool(std::string_view text);
absl::StatusOr<absl::Duration> ParseDurationFlag(std::string_view text);

// A point in time: RFC 3339 ("2025-06-01T12:00:00Z", "...+02:00", fractional
// seconds allowed), a date ("2025-06-01" = midnight UTC), "now", or a
// negative duration meaning that long before `now` ("-24h", "-90m").
absl::StatusOr<absl::Time> ParseTimeFlag(std::string_view text, absl::Time now);

// Splits "a,b,,c" into {"a", "b", "c"}, trimming spaces.
std::vector<std::string> SplitList(std::string_view text);

// "2025-06-01T12:00:00Z": RFC 3339 in UTC, fractional seconds only when
// present.
std::string FormatRfc3339(absl::Time t);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_ARGS_H_
