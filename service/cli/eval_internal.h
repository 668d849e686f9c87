// Copyright 2026 The Tidings Authors.
//
// eval_internal.h: the datasets of `tidings eval`, one function each; each
// adds its rows to the report (or a "skipped" line when its files are
// absent) and, with EvalOptions::show_errors, prints every miss to `out`.

#ifndef TIDINGS_SERVICE_CLI_EVAL_INTERNAL_H_
#define TIDINGS_SERVICE_CLI_EVAL_INTERNAL_H_

#include <ostream>
#include <string>

#include "scoring/scorer.h"
#include "service/cli/eval.h"
#include "service/cli/eval_util.h"

namespace tidings::cli::eval {

// Scraped pages in `dir`/pages/`name` (page-NNN.txt with page-NNN.json).
void EvalPages(const scoring::Scorer& scorer, const EvalOptions& opt,
               const fs::path& dir, const std::string& name, Report* report,
               std::ostream& out);

}  // namespace tidings::cli::eval

#endif  // TIDINGS_SERVICE_CLI_EVAL_INTERNAL_H_
