import codecs

import pytest

from khabar.errors import KhabarError
from khabar.ingest import decode_text, read_text
from tests.conftest import DATA


def test_utf8_roundtrip():
    assert decode_text("Kŭlob – “quoted”".encode()) == "Kŭlob – “quoted”"


def test_utf8_bom_and_utf16():
    assert decode_text(codecs.BOM_UTF8 + b"abc") == "abc"
    assert decode_text("Kabul attack".encode("utf-16")) == "Kabul attack"
    assert decode_text("Kabul attack".encode("utf-16-le")) == "Kabul attack"


def test_latin1_fallback():
    assert decode_text("Bogotá".encode("latin-1")) == "Bogotá"


def test_crlf_normalised():
    assert decode_text(b"a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize("name,code", [("binary.bin", "E102"), ("blank.txt", "E101"), ("missing.txt", "E104")])
def test_bad_files_give_one_coded_error(name, code):
    with pytest.raises(KhabarError) as err:
        read_text(DATA / name)
    assert err.value.code == code
    assert "\n" not in err.value.line()


def test_directory_refused():
    with pytest.raises(KhabarError) as err:
        read_text(DATA)
    assert err.value.code == "E105"


def test_windows_1252_before_latin1():
    assert decode_text("“Bogotá” – 5 €".encode("cp1252")) == "“Bogotá” – 5 €"


def test_non_regular_and_oversized_files_are_refused_unopened(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it would block until a writer came
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(25_000_000)
    for path, code, words in ((fifo, "E114", "named pipe"), (big, "E106", "25000000 bytes")):
        with pytest.raises(KhabarError) as err:
            read_text(path)
        assert err.value.code == code and words in err.value.line()
