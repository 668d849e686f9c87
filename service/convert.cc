// Copyright 2026 The Tidings Authors.

#include "service/convert.h"

#include <algorithm>

namespace tidings::service {
namespace {

void ToEvidence(const scoring::Evidence& in, const std::string& text,
                v1::Evidence* out) {
  uint32_t end = std::min<uint32_t>(in.end, text.size());
  uint32_t begin = std::min(in.begin, end);
  out->set_begin(begin);
  out->set_end(end);
  // Into the message's own string (its capacity kept when the message is
  // reused), not through a temporary substr().
  out->mutable_text()->assign(text, begin, end - begin);
  for (const std::string& term : in.terms) out->add_terms(term);
}

void ToSentiment(const scoring::Sentiment& in, const std::string& text,
                 v1::Sentiment* out) {
  out->set_score(in.score);
  out->set_positive(in.positive);
  out->set_negative(in.negative);
  out->set_neutral(in.neutral);
  out->set_label(static_cast<v1::SentimentLabel>(in.label));
  for (const scoring::Evidence& e : in.evidence) {
    ToEvidence(e, text, out->add_evidence());
  }
}

}  // namespace

void ToSignal(const scoring::ScoredDocument& doc, const v1::Article& article,
              const std::string& scorer_version, v1::Signal* signal) {
  signal->set_article_id(article.article_id());
  signal->set_doc_index(doc.doc_index);
  signal->set_title(doc.title);
  // The publisher's source names the feed; a marker found in the text
  // ("(Reuters) -") names the wire behind a related article.
  signal->set_source(doc.source.empty() || doc.doc_index == 0 ? article.source()
                                                              : doc.source);
  if (signal->source().empty()) signal->set_source(doc.source);
  signal->set_url(article.url());
  if (article.has_published_at()) {
    *signal->mutable_published_at() = article.published_at();
    signal->set_published_origin(v1::PUBLISHER);
  } else if (doc.published_origin != scoring::TimeOrigin::kNone) {
    ToProto(doc.published_at, signal->mutable_published_at());
    signal->set_published_origin(
        static_cast<v1::TimeOrigin>(doc.published_origin));
    signal->set_published_date_only(doc.published_date_only);
  }
  if (article.has_received_at()) {
    *signal->mutable_received_at() = article.received_at();
  }
  signal->set_author(doc.author);
  signal->set_scorer_version(scorer_version);

  ToSentiment(doc.sentiment, doc.text, signal->mutable_sentiment());

  for (const scoring::Event& e : doc.events) {
    v1::Event* out = signal->add_events();
    out->set_type(static_cast<v1::EventType>(e.type));
    out->set_relevance(e.relevance);
    out->set_direction(static_cast<v1::Direction>(e.direction));
    if (e.magnitude.has_percent || e.magnitude.has_price) {
      v1::Magnitude* m = out->mutable_magnitude();
      m->set_has_percent(e.magnitude.has_percent);
      m->set_percent(e.magnitude.percent);
      m->set_has_price(e.magnitude.has_price);
      m->set_price(e.magnitude.price);
      m->set_unit(e.magnitude.unit);
    }
    for (const std::string& a : e.actors) out->add_actors(a);
    for (const scoring::Evidence& ev : e.evidence) {
      ToEvidence(ev, doc.text, out->add_evidence());
    }
  }
  for (const scoring::Entity& e : doc.entities) {
    v1::Entity* out = signal->add_entities();
    out->set_id(e.id);
    out->set_name(e.name);
    out->set_kind(static_cast<v1::EntityKind>(e.kind));
    out->set_mentions(e.mentions);
    out->set_country(e.country);
    ToSentiment(e.sentiment, doc.text, out->mutable_sentiment());
  }
  signal->set_fingerprint(doc.fingerprint);
  signal->set_exact_fingerprint(doc.exact_fingerprint);
  signal->mutable_body()->assign(doc.text, doc.body_begin);
}

void DropWeakEvents(double min_relevance, v1::Signal* signal) {
  auto* events = signal->mutable_events();
  events->erase(std::remove_if(events->begin(), events->end(),
                               [min_relevance](const v1::Event& e) {
                                 return e.relevance() < min_relevance;
                               }),
                events->end());
}

void ApplyView(v1::SignalView view, v1::Signal* signal) {
  if (view != v1::SIGNAL_VIEW_COMPACT) return;
  signal->clear_body();
  for (v1::Event& e : *signal->mutable_events()) e.clear_evidence();
  if (signal->has_sentiment()) signal->mutable_sentiment()->clear_evidence();
  for (v1::Entity& e : *signal->mutable_entities()) {
    if (e.has_sentiment()) e.mutable_sentiment()->clear_evidence();
  }
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void ToProto(absl::Time t, google::protobuf::Timestamp* ts) {
  int64_t ns = absl::ToUnixNanos(t);
  int64_t s = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    --s;
  }
  ts->set_seconds(s);
  ts->set_nanos(static_cast<int32_t>(rem));
}

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace tidings::service
