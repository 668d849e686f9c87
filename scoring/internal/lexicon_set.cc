// Copyright 2026 The Tidings Authors.

#include "scoring/internal/lexicon_set.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace tidings::scoring::internal {

// Defined in the generated embedded_lexicons.cc.
std::string_view EmbeddedLexicon(std::string_view name);
int EmbeddedLexiconCount();
std::string_view EmbeddedLexiconName(int i);

namespace {

std::string_view Trim(std::string_view s) {
  absl::string_view t =
      absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size()));
  return std::string_view(t.data(), t.size());
}

}  // namespace

absl::StatusOr<LexiconSet> LexiconSet::Load(std::string_view dir) {
  LexiconSet set;
  for (int i = 0; i < EmbeddedLexiconCount(); ++i) {
    std::string name(EmbeddedLexiconName(i));
    if (dir.empty()) {
      set.files_[name] = std::string(EmbeddedLexicon(name));
      continue;
    }
    std::string path = absl::StrCat(std::string(dir), "/", name);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(absl::StrCat(
          "lexicon file ", path,
          " not found; point --lexicons at a directory holding all of the "
          "scorer's lexicon files, or omit it to use the built-in ones"));
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    set.files_[name] = buf.str();
  }
  return set;
}

absl::StatusOr<std::string_view> LexiconSet::Get(std::string_view name) const {
  auto it = files_.find(name);
  if (it == files_.end()) {
    return absl::NotFoundError(
        absl::StrCat("unknown lexicon file ", std::string(name)));
  }
  return std::string_view(it->second);
}

absl::StatusOr<std::vector<LexiconRow>> LexiconSet::Rows(std::string_view name,
                                                         int min_fields,
                                                         int max_fields) const {
  absl::StatusOr<std::string_view> content = Get(name);
  if (!content.ok()) return content.status();
  return ParseLexicon(name, *content, min_fields, max_fields);
}

std::vector<std::string_view> LexiconSet::Names() const {
  std::vector<std::string_view> names;
  for (const auto& [name, content] : files_) names.push_back(name);
  return names;
}

std::string LexiconSet::Digest() const {
  // FNV-1a 64 over names and contents: stable across runs and platforms.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  for (const auto& [name, content] : files_) {
    mix(name);
    mix(content);
  }
  return absl::StrFormat("%016x", h).substr(0, 12);
}

absl::StatusOr<std::vector<LexiconRow>> ParseLexicon(std::string_view name,
                                                     std::string_view content,
                                                     int min_fields,
                                                     int max_fields) {
  std::vector<LexiconRow> rows;
  int line_no = 0;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    if (Trim(line).empty()) continue;
    LexiconRow row;
    row.line = line_no;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      std::string_view field = line.substr(start, tab == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : tab - start);
      row.fields.push_back(Trim(field));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    while (!row.fields.empty() && row.fields.back().empty())
      row.fields.pop_back();
    int n = static_cast<int>(row.fields.size());
    if (n < min_fields || n > max_fields) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s:%d: expected %d to %d TAB-separated fields, found %d",
          std::string(name), line_no, min_fields, max_fields, n));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::Status RowError(std::string_view file, const LexiconRow& row,
                      std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s:%d: %s", std::string(file), row.line, std::string(what)));
}

absl::StatusOr<double> ParseWeight(std::string_view name, const LexiconRow& row,
                                   int field) {
  double v = 0;
  if (field >= static_cast<int>(row.fields.size()) ||
      !absl::SimpleAtod(
          absl::string_view(row.fields[field].data(), row.fields[field].size()),
          &v)) {
    return RowError(name, row,
                    absl::StrFormat("field %d must be a number", field + 1));
  }
  return v;
}

}  // namespace tidings::scoring::internal
