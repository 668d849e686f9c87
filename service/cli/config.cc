// Copyright 2026 The Tidings Authors.
//
// The TOML file is read with toml++ (Debian libtomlplusplus-dev). Debian
// builds it as a shared library with exceptions, so its parse error is
// caught in Parse() below and goes no further than a Status.

#include "service/cli/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace tidings::cli {
namespace {

constexpr char kEnvPrefix[] = "TIDINGS_";
constexpr char kConfigVariable[] = "TIDINGS_CONFIG";

bool CommandLineOnly(std::string_view name) {
  return std::find(std::begin(kCommandLineOnly), std::end(kCommandLineOnly),
                   name) != std::end(kCommandLineOnly);
}

// "TIDINGS_MAX_BATCH" -> "max-batch", and back.
std::string NameOf(const std::string& variable) {
  return absl::AsciiStrToLower(absl::StrReplaceAll(
      variable.substr(sizeof(kEnvPrefix) - 1), {{"_", "-"}}));
}

std::string VariableOf(const std::string& name) {
  return absl::StrCat(kEnvPrefix, absl::AsciiStrToUpper(
                                      absl::StrReplaceAll(name, {{"-", "_"}})));
}

// A scalar TOML value as the text a flag parses; nullopt for tables, arrays
// of non-scalars and dates (which no setting takes in TOML form).
std::optional<std::string> ScalarText(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto i = node.as_integer()) return absl::StrCat(i->get());
  if (auto d = node.as_floating_point()) return absl::StrCat(d->get());
  return std::nullopt;
}

// An array of scalars as a comma list (what list flags take).
std::optional<std::string> ValueText(const toml::node& node) {
  if (const toml::array* array = node.as_array()) {
    std::vector<std::string> items;
    for (const toml::node& item : *array) {
      std::optional<std::string> text = ScalarText(item);
      if (!text) return std::nullopt;
      items.push_back(*std::move(text));
    }
    return absl::StrJoin(items, ",");
  }
  return ScalarText(node);
}

absl::StatusOr<toml::table> Parse(const std::string& text,
                                  const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", error.source().begin.line, ": ",
                     std::string(error.description()), " (TOML syntax)"));
  }
}

// Sets one setting from a file or the environment, unless the command line
// set it. `where` prefixes an error and is recorded as the source.
absl::Status SetFrom(std::string_view name, std::string_view value,
                     const std::string& where, FlagSet& flags,
                     ConfigSources& sources) {
  if (CommandLineOnly(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", std::string(name),
                     " can only be given on the command line"));
  }
  if (flags.was_set(name)) return absl::OkStatus();
  if (absl::Status s = flags.Set(name, value); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", s.message()));
  }
  sources[std::string(name)] = where;
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyConfigFile(const std::string& path, FlagSet& flags,
                             ConfigSources& sources) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read the config file ",
                                            path, ": ", std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<toml::table> table = Parse(text.str(), path);
  if (!table.ok()) return table.status();
  for (auto&& [key, node] : *table) {
    const std::string where = absl::StrCat(path, ":", key.source().begin.line);
    std::string name =
        absl::StrReplaceAll(std::string(key.str()), {{"_", "-"}});
    if (node.is_table()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": [", name,
          "] tables are not used; settings are top-level keys (name = value)"));
    }
    std::optional<std::string> value = ValueText(node);
    if (!value) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", name,
                       " must be a string, number, boolean or list of them"));
    }
    if (absl::Status s = SetFrom(name, *value, where, flags, sources);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyEnvironment(const char* const* environ, FlagSet& flags,
                              ConfigSources& sources,
                              std::vector<std::string>& warnings) {
  for (; environ != nullptr && *environ != nullptr; ++environ) {
    std::string_view entry(*environ);
    if (entry.rfind(kEnvPrefix, 0) != 0) continue;
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string variable(entry.substr(0, eq));
    if (variable == kConfigVariable) continue;
    const std::string name = NameOf(variable);
    if (!flags.has(name) || CommandLineOnly(name)) {
      if (std::string close = flags.Suggest(name); !close.empty()) {
        warnings.push_back(absl::StrCat(variable,
                                        " is not a setting (did you mean ",
                                        VariableOf(close), "?); ignored"));
      }
      continue;
    }
    if (absl::Status s =
            SetFrom(name, entry.substr(eq + 1), variable, flags, sources);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

std::string FormatConfig(const FlagSet& flags, const ConfigSources& sources) {
  std::string out = absl::StrCat(
      "# The effective settings of `", flags.command(),
      "`; a config file it reads back.\n"
      "# Precedence, lowest first: default, config file, TIDINGS_* "
      "environment, command line.\n");
  for (const FlagSet::Setting& setting : flags.Settings()) {
    if (CommandLineOnly(setting.name)) continue;
    std::string source = "default";
    if (flags.was_set(setting.name)) {
      source = "command line";
    } else if (auto it = sources.find(setting.name); it != sources.end()) {
      source = it->second;
    }
    if (!setting.value) {
      absl::StrAppend(&out, "# ", setting.name, " is not set  # ", source,
                      "\n");
      continue;
    }
    // toml++ writes a TOML string literal with every escape it needs.
    std::string value = *setting.value;
    if (setting.quoted) {
      std::ostringstream quoted;
      quoted << toml::value<std::string>(value);
      value = quoted.str();
    }
    absl::StrAppend(&out, setting.name, " = ", value, "  # ", source, "\n");
  }
  return out;
}

}  // namespace tidings::cli
