// Copyright 2026 The Tidings Authors.
//
// lexicon_set.h: the lexicon files a scorer is built from, and the parser
// for their common format.
//
// Format of every lexicon file: UTF-8 text, one entry per line, fields
// separated by TAB; '#' starts a comment (to the end of the line); blank
// lines are ignored. Each file's header comment says what its columns mean.

#ifndef TIDINGS_SCORING_INTERNAL_LEXICON_SET_H_
#define TIDINGS_SCORING_INTERNAL_LEXICON_SET_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tidings::scoring::internal {

struct LexiconRow {
  int line = 0;                          // 1-based line number in the file.
  std::vector<std::string_view> fields;  // Trimmed; views into the file text.
};

class LexiconSet {
 public:
  // Loads every known lexicon file (the names compiled into the binary) from
  // `dir`, or the compiled-in copies when `dir` is empty. NOT_FOUND names a
  // missing file.
  static absl::StatusOr<LexiconSet> Load(std::string_view dir);

  // The content of file `name` (e.g. "sentiment.tsv"); NOT_FOUND if unknown.
  absl::StatusOr<std::string_view> Get(std::string_view name) const;

  // Parses file `name` into rows. INVALID_ARGUMENT ("sentiment.tsv:12: ...")
  // for a row with fewer than `min_fields` or more than `max_fields` fields.
  absl::StatusOr<std::vector<LexiconRow>> Rows(std::string_view name,
                                               int min_fields,
                                               int max_fields) const;

  // The names of all files, in a fixed (sorted) order.
  std::vector<std::string_view> Names() const;

  // A short hex digest of all files' contents, for the scorer version.
  std::string Digest() const;

 private:
  std::map<std::string, std::string, std::less<>> files_;
};

// Parses `content` (see the format above); `name` is used in errors.
absl::StatusOr<std::vector<LexiconRow>> ParseLexicon(std::string_view name,
                                                     std::string_view content,
                                                     int min_fields,
                                                     int max_fields);

// INVALID_ARGUMENT "file:line: what", the form of every lexicon error.
absl::Status RowError(std::string_view file, const LexiconRow& row,
                      std::string_view what);

// Parses a number field; INVALID_ARGUMENT with file:line on failure.
absl::StatusOr<double> ParseWeight(std::string_view name, const LexiconRow& row,
                                   int field);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_LEXICON_SET_H_
