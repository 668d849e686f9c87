"""Rescoring from Python: rescore() with a changed lexicon directory,
versions(), and the version selector of query(), series() and subscribe()
(the backtest round trip of issue 10)."""

import pathlib
import shutil

import pytest

from conftest import ARTICLES

REPO = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture
def changed_lexicons(tmp_path):
    """scoring/lexicons with tests/fixtures/rescore_lexicons laid over it
    (another sentiment squash): a scorer of another version."""
    lex = tmp_path / "lexicons"
    shutil.copytree(REPO / "scoring" / "lexicons", lex)
    for f in (REPO / "tests" / "fixtures" / "rescore_lexicons").iterdir():
        shutil.copy(f, lex / f.name)
    return str(lex)


def test_rescore_then_query_series_and_subscribe_each_version(
        fresh, changed_lexicons):
    _, client = fresh
    client.ingest(ARTICLES, batch_size=4)
    first = client.query()
    original = first["scorer_version"].iloc[0]

    seen = []
    last = client.rescore(lexicons=changed_lexicons, progress=seen.append)
    assert last.done and seen[-1] == last
    assert last.articles_rescored == len(ARTICLES)
    assert last.signals_stored == len(first)
    new = last.scorer_version
    assert new != original

    versions = client.versions()
    assert list(versions["scorer_version"]) == [original, new]
    assert list(versions["rescored_count"]) == [0, len(first)]
    assert versions.attrs["server_scorer_version"] == original

    # The default is unchanged; "latest" and the name give the revisions,
    # each pointing at its original.
    again = client.query()
    assert list(again["seq"]) == list(first["seq"])
    assert (again["rescore_of_seq"] == 0).all()
    for version in ("latest", new):
        revised = client.query(version=version)
        assert (revised["scorer_version"] == new).all()
        by_article = dict(zip(first["article_id"], first["seq"]))
        assert [by_article[a] for a in revised["article_id"]] == list(
            revised["rescore_of_seq"])
    assert (client.query(version="latest")["sentiment"].values
            != first["sentiment"].values).any()

    # A series per version counts the same articles.
    counts = [client.series("2024-03-01", "2024-03-08",
                            time_field="published",
                            version=v)["article_count"].sum()
              for v in ("first", new)]
    assert counts == [len(first), len(first)]

    # A replay of the named version holds only revisions.
    stream = client.subscribe(from_seq=0, version=new, max_retries=0)
    got = [next(stream) for _ in range(len(first))]
    stream.close()
    assert {s.scorer_version for s in got} == {new}

    # Rerunning (it continues from where the finished run stopped) stores
    # nothing twice.
    rerun = client.rescore(lexicons=changed_lexicons)
    assert rerun.done and rerun.articles_rescored == 0
    assert rerun.signals_stored == 0 and rerun.head_seq == last.head_seq
    assert list(client.versions()["signal_count"]) == list(
        versions["signal_count"])


def test_a_bad_version_name_is_a_value_error(fresh):
    _, client = fresh
    with pytest.raises(ValueError, match="version"):
        client.query(version="")
