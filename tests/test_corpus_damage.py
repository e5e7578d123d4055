"""Damaged corpus files, written here byte by byte: truncated or corrupt zip archives and members,
corrupt gzip streams, NUL bytes. Each is a DataFormatError naming the archive and member (and the
line where it applies), never a zlib traceback nor a misleading "not UTF-8" or column count."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from core_models.data.formats import DataFormatError, read_nli, read_parallel, read_tatoeba
from core_models.data.glove import read_glove

ROWS = "".join(f"Hello number {i}.\tBonjour numéro {i}.\tCC-BY 2.0\n" for i in range(3000))


def fra_zip(path: Path, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("_about.txt", "about")
        archive.writestr("fra.txt", ROWS)
    return path


def flip(path: Path, offset: int, count: int = 1, value: int | None = None) -> Path:
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + count):
        data[i] = value if value is not None else data[i] ^ 0x5A
    path.write_bytes(bytes(data))
    return path


def offset_of(path: Path, text: str) -> int:
    return path.read_bytes().index(text.encode())


def member_offsets(path: Path, name: str) -> tuple[int, int]:
    """Where member ``name``'s local header starts, and where its (compressed) data starts."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    header = path.read_bytes()[info.header_offset : info.header_offset + 30]
    name_length, extra_length = (int.from_bytes(header[i : i + 2], "little") for i in (26, 28))
    return info.header_offset, info.header_offset + 30 + name_length + extra_length


def test_a_truncated_zip_is_named_as_one_not_read_as_text(tmp_path):
    path = fra_zip(tmp_path / "fra-eng.zip")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(DataFormatError) as caught:
        read_tatoeba(path)
    assert str(caught.value) == (
        f"{path}: not a readable zip archive: truncated or damaged (no table of contents)"
    )


def test_a_corrupt_deflated_member_names_archive_and_member(tmp_path):
    path = fra_zip(tmp_path / "fra-eng.zip")
    flip(path, member_offsets(path, "fra.txt")[1] + 200, count=60)
    with pytest.raises(DataFormatError) as caught:
        read_tatoeba(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:fra.txt: damaged or truncated from line ")
    assert "cannot be read to the end" in message and "zlib" not in message.lower()


@pytest.mark.parametrize(
    ("garble", "misleading"),
    [
        (bytes([0xFF]), "not UTF-8"),  # a byte that cannot be UTF-8
        (b"\t\t", "columns"),  # two extra tab columns
        (b"\x00", "NUL"),
    ],
    ids=["byte-not-utf8", "extra-columns", "nul-byte"],
)
def test_a_member_failing_its_checksum_is_damage_not_a_bad_row(tmp_path, garble, misleading):
    """A stored (uncompressed) member decompresses whatever its bytes are; the CRC, checked at
    the end, tells a damaged file from a badly formatted one."""
    path = fra_zip(tmp_path / "fra-eng.zip", zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    where = offset_of(path, "Hello number 1500.") + 5
    data[where : where + len(garble)] = garble
    path.write_bytes(bytes(data))
    with pytest.raises(DataFormatError) as caught:
        read_tatoeba(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:fra.txt: damaged or truncated from line 1501 on")
    assert "Bad CRC-32 for file 'fra.txt'" in message and misleading not in message


def test_an_intact_member_with_a_bad_row_still_names_the_row(tmp_path):
    """The checksum check runs the rest of the member; intact, the row's own error stands."""
    path = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("fra.txt", "Go.\tVa !\nbroken row\n" + ROWS)
    with pytest.raises(DataFormatError, match=r"fra-eng\.zip:fra\.txt, line 2: expected 2 or 3"):
        read_tatoeba(path)


def test_a_damaged_member_header_names_archive_and_member(tmp_path):
    path = fra_zip(tmp_path / "fra-eng.zip")
    flip(path, member_offsets(path, "fra.txt")[0], count=4)
    with pytest.raises(DataFormatError) as caught:
        read_tatoeba(path)
    assert str(caught.value).startswith(f"{path}:fra.txt: cannot be read: Bad magic number")


def test_a_corrupt_gzip_stream_is_named_with_its_file(tmp_path):
    path = tmp_path / "train.en.gz"
    path.write_bytes(gzip.compress(ROWS.encode()))
    flip(path, 300, count=20)
    (tmp_path / "train.fr").write_text("x\n")
    with pytest.raises(DataFormatError) as caught:
        read_parallel(path, tmp_path / "train.fr")
    assert str(caught.value).startswith(f"{path}: damaged or truncated from line ")


@pytest.mark.parametrize("packed", ["plain", "zip", "gzip"])
def test_a_nul_byte_in_text_is_refused_with_line_and_column(tmp_path, packed):
    text = b"Go.\tVa !\nHi\x00.\tSalut !\n"
    if packed == "zip":
        path = tmp_path / "fra-eng.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("fra.txt", text)
        name = f"{path}:fra.txt"
    elif packed == "gzip":
        path = tmp_path / "fra.txt.gz"
        path.write_bytes(gzip.compress(text))
        name = str(path)
    else:
        path = tmp_path / "fra.txt"
        path.write_bytes(text)
        name = str(path)
    with pytest.raises(DataFormatError) as caught:
        read_tatoeba(path)
    assert str(caught.value).startswith(f"{name}, line 2: a NUL byte at column 3: not a text file")
    assert caught.value.line == 2


def test_utf16_jsonl_is_refused_by_its_nul_bytes(tmp_path):
    path = tmp_path / "snli_1.0_dev.jsonl"
    path.write_bytes('{"sentence1": "a"}\n'.encode("utf-16-le"))
    with pytest.raises(DataFormatError, match=r"line 1: a NUL byte at column 2.*UTF-16"):
        read_nli(path)


def test_a_corrupt_glove_zip_names_archive_and_member(tmp_path):
    path = tmp_path / "glove.6B.zip"
    rows = "".join(f"word{i} " + " ".join(["0.125"] * 50) + "\n" for i in range(2000))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("glove.6B.50d.txt", rows)
    flip(path, member_offsets(path, "glove.6B.50d.txt")[1] + 300, count=40)
    with pytest.raises(DataFormatError) as caught:
        read_glove(path, member="glove.6B.50d.txt")
    assert str(caught.value).startswith(f"{path}:glove.6B.50d.txt: damaged or truncated from line")
