import json
import subprocess
import sys

from tests.conftest import DATA


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "khabar.cli", *args], input=stdin, capture_output=True)


def test_extract_json_follows_the_contract():
    out = run("extract", str(DATA / "short-attack.txt"), "--published", "2024-04-10")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["document"]["published"] == "2024-04-10"
    assert any(v["type"] == "bombing" for v in d["events"])


def test_extract_from_stdin_as_table():
    out = run("extract", "-", "--format", "table", stdin=(DATA / "short-attack.txt").read_bytes())
    assert out.returncode == 0
    assert b"bombing" in out.stdout


def test_bad_input_is_one_line_and_nonzero():
    for name in ("binary.bin", "blank.txt", "does-not-exist.txt"):
        out = run("extract", str(DATA / name))
        assert out.returncode == 2
        lines = out.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("khabar: error E1"), lines


def test_bad_published_date():
    out = run("extract", str(DATA / "short-attack.txt"), "--published", "10/04/2024")
    assert out.returncode == 2 and b"E201" in out.stderr
