"""Fixtures: a real `tidings serve` ($TIDINGS_BINARY, set by CTest) on a free
loopback port with its data in a temp dir, and a small corpus of our own."""

import pytest

import tidings
import tidings.testing

# Plain-text articles (one signal each), written for these tests. Published
# on 1-6 March 2024; received (by the "archive") a day after publication,
# except "geo-2", received a week later.
ARTICLES = [
    dict(article_id="gold-1", source="wire", published_at="2024-03-01T09:00Z",
         received_at="2024-03-02T09:00Z",
         title="Gold rises 1.2% as Trump threatens new tariffs on China",
         body="Gold prices rose 1.2% to $2,400 an ounce on Tuesday after "
              "President Trump threatened new tariffs on Chinese imports, "
              "lifting demand for havens."),
    dict(article_id="geo-1", source="wire", published_at="2024-03-02T10:00Z",
         received_at="2024-03-03T10:00Z",
         title="Russia launches missile strikes on Ukraine as tensions "
               "escalate",
         body="Russia launched a wave of missile strikes on Ukraine "
              "overnight, escalating the conflict, officials said."),
    dict(article_id="sanctions-1", source="daily",
         published_at="2024-03-03T11:00Z", received_at="2024-03-04T11:00Z",
         title="EU imposes new sanctions on Iran",
         body="The European Union imposed new sanctions on Iran on Monday, "
              "freezing the assets of officials."),
    dict(article_id="company-1", source="daily",
         published_at="2024-03-04T12:00Z", received_at="2024-03-05T12:00Z",
         title="Acme Corp posts record quarterly profit",
         body="Acme Corp shares jumped after the company posted a record "
              "quarterly profit and raised its outlook."),
    dict(article_id="tariff-1", source="blog", published_at="2024-03-05T13:00Z",
         received_at="2024-03-06T13:00Z",
         title="Canada imposes tariffs on steel from China",
         body="Canada imposed tariffs of 25% on steel imports from China on "
              "Thursday to protect domestic producers from cheap supply."),
    dict(article_id="geo-2", source="blog", published_at="2024-03-06T14:00Z",
         received_at="2024-03-13T14:00Z",
         title="Iran seizes tanker in the Strait of Hormuz",
         body="Iran seized an oil tanker in the Strait of Hormuz on Friday, "
              "raising tensions with the United States, the navy said."),
]
for a in ARTICLES:
    a["content_type"] = "plain_text"


@pytest.fixture(scope="session")
def server():
    with tidings.testing.Server("--max-batch", "50") as s:
        yield s


@pytest.fixture(scope="session")
def loaded(server):
    """The session server with ARTICLES stored: (client, ingest results)."""
    client = tidings.Client(server.addr)
    results = client.ingest(ARTICLES, batch_size=4)
    assert (results["error"] == "").all(), results
    yield client, results
    client.close()


@pytest.fixture
def fresh():
    """A server of its own (empty store) and a client of it."""
    with tidings.testing.Server() as s:
        with tidings.Client(s.addr) as client:
            yield s, client
