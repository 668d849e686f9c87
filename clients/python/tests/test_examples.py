"""The examples run as documented against the test server."""

import os
import subprocess
import sys

import pandas as pd

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")


def run(name, *args):
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name),
                           *args], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def test_backfill_a_year_to_csv(loaded, tmp_path):
    client, _ = loaded
    out = tmp_path / "signals.csv"
    log = run("backfill_csv.py", "--server", client.addr, "--year", "2024",
              "--out", str(out))
    assert "6 signals written" in log
    df = pd.read_csv(out)
    assert list(df["article_id"])[:2] == ["gold-1", "geo-1"]


def test_live_subscriber_resumes_from_its_cursor(loaded, tmp_path):
    client, _ = loaded
    cursor = str(tmp_path / "cursor")
    first = run("live_subscriber.py", "--server", client.addr, "--cursor",
                cursor, "--from-seq", "0", "--max", "2")
    assert first.splitlines()[0].startswith("#1 wire ")
    second = run("live_subscriber.py", "--server", client.addr, "--cursor",
                 cursor, "--max", "1")
    assert second.startswith("#3 daily 'EU imposes new sanctions on Iran'")
    assert "sanctions=imposed@" in second


def test_plot_index_writes_a_png(loaded, tmp_path):
    client, _ = loaded
    out = tmp_path / "index.png"
    log = run("plot_index.py", "--server", client.addr, "--since",
              "2024-03-01", "--until", "2024-03-08", "--out", str(out))
    assert "tariff: 2 event articles of 6" in log
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
