// Copyright 2026 The Tidings Authors.
//
// eval.h: `tidings eval` — measures the scorer on the labelled evaluation
// data (Financial PhraseBank, finance posts (TFNS), market headlines with
// entity labels (SEntFiN), gold headlines, hand-labelled events, scraped
// pages in two sets of templates) and prints a table of metrics with the
// acceptance targets of their held-out halves. Reads only; writes nothing.

#ifndef TIDINGS_SERVICE_CLI_EVAL_H_
#define TIDINGS_SERVICE_CLI_EVAL_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "scoring/scorer.h"

namespace tidings::cli {

struct EvalOptions {
  // Root of the evaluation data (fpb/, tfns/, sentfin/, gold/, events/,
  // pages/). Required: the data lives outside the repository.
  std::string data_dir;
  // Print each misclassified item (for lexicon authors). Default: false.
  bool show_errors = false;
  // Only the datasets whose name contains this ("fpb", "tfns", "sentfin",
  // "sentfin/entities", "gold", "events", "pages/dev2", ...); "" = all.
  std::string only;
};

// Runs the evaluation and writes the table to `out`. NOT_FOUND when
// `data_dir` holds none of the datasets (the message names what was looked
// for). Datasets that are absent are reported as skipped.
absl::Status Evaluate(const scoring::Scorer& scorer, const EvalOptions& options,
                      std::ostream& out);

}  // namespace tidings::cli

#endif  // TIDINGS_SERVICE_CLI_EVAL_H_
