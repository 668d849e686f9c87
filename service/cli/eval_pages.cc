// Copyright 2026 The Tidings Authors.
//
// eval_pages.cc: `tidings eval` on scraped pages (pages/dev, pages/dev2):
// articles found by title, bodies, events on things that are no article,
// teasers kept, and, where the ground truth has them, the published time
// and the author read from the page's byline.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "service/cli/eval_internal.h"
#include "service/cli/eval_util.h"

namespace tidings::cli::eval {
namespace {

using scoring::EventType;
using scoring::ScoredDocument;

// Whether the document's published time equals the ground truth: to the
// minute for "2004-12-08T12:45:00-05:00", to the (UTC) day for "2004-12-08".
bool PublishedMatches(const ScoredDocument& doc, const std::string& truth) {
  if (doc.published_origin == scoring::TimeOrigin::kNone) return false;
  std::string err;
  if (truth.size() == 10) {
    return absl::FormatTime("%Y-%m-%d", doc.published_at,
                            absl::UTCTimeZone()) == truth;
  }
  absl::Time want;
  if (!absl::ParseTime(absl::RFC3339_full, truth, &want, &err)) return false;
  return absl::ToUnixSeconds(doc.published_at) / 60 ==
         absl::ToUnixSeconds(want) / 60;
}

std::string FormatPublished(const ScoredDocument& doc) {
  if (doc.published_origin == scoring::TimeOrigin::kNone) return "(none)";
  return absl::FormatTime(
      doc.published_date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M%Ez",
      doc.published_at, absl::UTCTimeZone());
}

// The body as the ground truth has it, or (a cleaner keeps a "Key points"
// box with its article, before the body) with the key points first.
bool BodyMatches(const ScoredDocument& doc,
                 const google::protobuf::Struct& art) {
  const std::string body =
      CollapseSpace(std::string_view(doc.text).substr(doc.body_begin));
  const std::string truth = StringField(art, "body");
  if (body == CollapseSpace(truth)) return true;
  const google::protobuf::Value* kp = Field(art, "key_points");
  if (kp == nullptr || kp->list_value().values().empty()) return false;
  std::vector<std::string> points;
  for (const auto& v : kp->list_value().values()) {
    points.push_back(v.string_value());
  }
  return body ==
         CollapseSpace(absl::StrCat(absl::StrJoin(points, "\n"), "\n", truth));
}

struct PageCounts {
  int truth_articles = 0, found_articles = 0, matched = 0, bodies_exact = 0;
  int stray_events = 0, teaser_leaks = 0;
  int published_truth = 0, published_right = 0, published_wrong = 0;
  int published_invented = 0;  // Set where the page shows no absolute date.
  int author_truth = 0, author_right = 0, author_wrong = 0;
  bool has_bylines = false;  // The ground truth knows published_at/author.
  BinaryCounts events;
};

void ScorePage(const scoring::Scorer& scorer, const EvalOptions& opt,
               const fs::path& txt, const google::protobuf::Struct& truth,
               const std::string& dataset, PageCounts* c, std::ostream& out) {
  const std::string page = txt.filename().string();
  std::vector<ScoredDocument> docs =
      scorer.Score({.title = "",
                    .body = ReadFile(txt),
                    .kind = scoring::ContentKind::kAuto});
  c->found_articles += docs.size();
  std::vector<bool> doc_matched(docs.size(), false);
  const google::protobuf::Value* articles = Field(truth, "articles");
  if (articles == nullptr) return;
  for (const auto& a : articles->list_value().values()) {
    const auto& art = a.struct_value();
    ++c->truth_articles;
    const std::string title = NormTitle(StringField(art, "title"));
    const ScoredDocument* doc = nullptr;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (!doc_matched[i] && NormTitle(docs[i].title) == title) {
        doc_matched[i] = true;
        doc = &docs[i];
        break;
      }
    }
    const auto& ev = Field(art, "events")->struct_value();
    const bool t[4] = {Field(ev, "tariff")->number_value() == 1,
                       Field(ev, "sanction")->number_value() == 1,
                       Field(ev, "geopolitical")->number_value() == 1,
                       StringField(ev, "gold_move") != "none"};
    const bool knows_bylines = Field(art, "published_at") != nullptr;
    c->has_bylines |= knows_bylines;
    const std::string published = StringField(art, "published_at");
    const std::string author = StringField(art, "author");
    if (!published.empty()) ++c->published_truth;
    if (!author.empty()) ++c->author_truth;
    if (doc == nullptr) {
      if (opt.show_errors) {
        out << dataset << "\t" << page
            << "\tmissed article: " << StringField(art, "title") << "\n";
      }
      for (bool truth_event : t) c->events.Add(truth_event, false);
      continue;
    }
    ++c->matched;
    if (BodyMatches(*doc, art)) {
      ++c->bodies_exact;
    } else if (opt.show_errors) {
      out << dataset << "\t" << page << "\tbody differs: " << doc->title
          << "\n";
    }
    const bool p[4] = {
        FindEvent(*doc, EventType::kTariff) != nullptr,
        FindEvent(*doc, EventType::kSanctions) != nullptr,
        FindEvent(*doc, EventType::kGeopoliticalTension) != nullptr,
        FindEvent(*doc, EventType::kGoldPriceMove) != nullptr};
    static const char* const kNames[4] = {"tariff", "sanctions", "geopolitical",
                                          "gold"};
    for (int k = 0; k < 4; ++k) {
      c->events.Add(t[k], p[k]);
      if (p[k] != t[k] && opt.show_errors) {
        out << dataset << "\t" << page << (p[k] ? "\tfalse " : "\tmissed ")
            << kNames[k] << " event in: " << doc->title << "\n";
      }
    }
    if (!knows_bylines) continue;
    if (!published.empty()) {
      const bool right = PublishedMatches(*doc, published);
      c->published_right += right;
      if (!right && doc->published_origin != scoring::TimeOrigin::kNone) {
        ++c->published_wrong;
      }
      if (!right && opt.show_errors) {
        out << dataset << "\t" << page << "\tpublished_at " << published
            << " (\"" << StringField(art, "published_text") << "\") got "
            << FormatPublished(*doc) << ": " << doc->title << "\n";
      }
    } else if (doc->published_origin == scoring::TimeOrigin::kPage) {
      ++c->published_invented;
      if (opt.show_errors) {
        out << dataset << "\t" << page << "\tpublished_at invented "
            << FormatPublished(*doc) << ": " << doc->title << "\n";
      }
    }
    const bool author_right =
        !author.empty() &&
        absl::AsciiStrToLower(doc->author) == absl::AsciiStrToLower(author);
    c->author_right += author_right;
    if (!author_right && !doc->author.empty()) ++c->author_wrong;
    if (!author_right && (!author.empty() || !doc->author.empty()) &&
        opt.show_errors) {
      out << dataset << "\t" << page << "\tauthor \"" << author << "\" got \""
          << doc->author << "\": " << doc->title << "\n";
    }
  }
  // Events in documents that match no article come from teasers or
  // boilerplate; so does teaser text found inside any body.
  for (size_t i = 0; i < docs.size(); ++i) {
    if (doc_matched[i]) continue;
    for (const scoring::Event& e : docs[i].events) {
      if (e.relevance >= scoring::kDefaultMinRelevance) ++c->stray_events;
    }
    if (opt.show_errors) {
      out << dataset << "\t" << page << "\textra article: " << docs[i].title
          << "\n";
    }
  }
  if (const google::protobuf::Value* teasers = Field(truth, "teasers")) {
    for (const auto& tv : teasers->list_value().values()) {
      const std::string& teaser = tv.string_value();
      for (const ScoredDocument& d : docs) {
        if (teaser.size() > 12 && d.text.find(teaser) != std::string::npos) {
          ++c->teaser_leaks;
          if (opt.show_errors) {
            out << dataset << "\t" << page << "\tteaser kept: " << teaser
                << "\n";
          }
        }
      }
    }
  }
}

double Share(int num, int den) { return den == 0 ? 0 : double(num) / den; }

}  // namespace

void EvalPages(const scoring::Scorer& scorer, const EvalOptions& opt,
               const fs::path& dir, const std::string& name, Report* report,
               std::ostream& out) {
  const std::string dataset = absl::StrCat("pages/", name);
  const fs::path pages = dir / "pages" / name;
  std::error_code ec;
  if (!fs::is_directory(pages, ec)) {
    report->Skip(dataset, absl::StrCat("no directory ", pages.string()));
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(pages, ec)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  PageCounts c;
  for (const fs::path& txt : files) {
    fs::path json = txt;
    json.replace_extension(".json");
    absl::StatusOr<google::protobuf::Struct> truth = ReadJson(json);
    if (!truth.ok()) {
      report->Skip(dataset, std::string(truth.status().message()));
      continue;
    }
    ScorePage(scorer, opt, txt, *truth, dataset, &c, out);
  }
  report->Add(dataset, "article title recall",
              Share(c.matched, c.truth_articles), 0.95);
  report->Add(dataset, "article title precision",
              Share(c.matched, c.found_articles), 0.95);
  report->Add(dataset, "events on things that are no article", c.stray_events,
              0, true);
  report->Add(dataset, "teaser headlines left in bodies", c.teaser_leaks, 0,
              true);
  report->Add(dataset, "bodies exactly right (of matched)",
              Share(c.bodies_exact, c.matched));
  report->Add(dataset, "articles (ground truth)", c.truth_articles);
  report->Add(dataset, "event F1 over articles", c.events.F1());
  if (!c.has_bylines) return;
  report->Add(dataset, "published_at right (page shows a date)",
              Share(c.published_right, c.published_truth), 0.90);
  report->Add(dataset, "published_at wrong", c.published_wrong);
  report->Add(dataset, "published_at where the page shows none",
              c.published_invented, 0, true);
  report->Add(dataset, "author right (page shows one)",
              Share(c.author_right, c.author_truth));
  report->Add(dataset, "author wrong", c.author_wrong);
}

}  // namespace tidings::cli::eval
