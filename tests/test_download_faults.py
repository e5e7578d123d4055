"""The downloader when the network or the cache lies: a truncated file, a captive portal's web
page, a corrupt file already in the cache, a chunked response cut short, a server that stalls
while the user cancels. Each test makes the fault itself, with a local server on 127.0.0.1 that
serves files the test writes (the catalogue entries point at it with the files' real sha256)."""

import hashlib
import json
import logging
import os
import threading
import time
import zipfile

import pytest
from corpus_samples import write_fra_eng_zip
from download_server import Server

import core_models.data.download as download_module
from core_models.data.download import (
    CHUNK_BYTES,
    ChecksumError,
    Dataset,
    DownloadCancelled,
    DownloadError,
    RemoteFile,
    WebPageError,
    download,
    is_downloaded,
)
from core_models.data.formats import read_tatoeba

PORTAL = b"<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi</title></head><body>Log in</body></html>"


@pytest.fixture
def server():
    served = Server()
    yield served
    served.close()


def zip_of_chunks(tmp_path, chunks: int = 4) -> bytes:
    """A Tatoeba zip several chunks long (incompressible padding), so a download takes reads."""
    path = write_fra_eng_zip(tmp_path / "built.zip")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("noise.bin", hashlib.shake_256(b"seed").digest(chunks * CHUNK_BYTES))
    return path.read_bytes()


def pinned(name: str, data: bytes) -> Dataset:
    """A catalogue entry for ``name`` pinned to ``data``'s real sha256 and size."""
    remote = RemoteFile(
        f"https://example.org/{name}", size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    return Dataset("pinned", "test", "test", (remote,))


def unpinned(name: str, min_size: int) -> Dataset:
    """A catalogue entry with no published hash, as fra-eng and cmn-eng are."""
    return Dataset(
        "unpinned", "test", "test", (RemoteFile(f"https://x.org/{name}", min_size=min_size),)
    )


# --- what comes down is checked ------------------------------------------------------------------


def test_a_truncated_file_is_refused_and_deleted(tmp_path, server):
    data = zip_of_chunks(tmp_path)
    server.files["corpus.zip"] = data[: len(data) // 2]  # the server itself holds half
    with pytest.raises(ChecksumError, match="sha256 mismatch") as caught:
        download(pinned("corpus.zip", data), cache_dir=tmp_path, base_url_override=server.url)
    assert "the file was deleted" in str(caught.value)
    assert list((tmp_path / "pinned").iterdir()) == []


def test_a_truncated_zip_without_a_published_hash_is_refused(tmp_path, server):
    data = zip_of_chunks(tmp_path)
    server.files["fra-eng.zip"] = data[:-100]  # big enough, but its central directory is gone
    with pytest.raises(ChecksumError, match="not a complete zip archive"):
        download(unpinned("fra-eng.zip", 1000), cache_dir=tmp_path, base_url_override=server.url)
    assert list((tmp_path / "unpinned").iterdir()) == []


@pytest.mark.parametrize("name", ["fra-eng.zip", "train.en.gz"])
def test_a_captive_portal_page_is_named_for_what_it_is(tmp_path, server, name):
    server.files[name] = PORTAL
    dataset = unpinned(name, 10) if name.endswith(".zip") else pinned(name, b"\x1f\x8b" + bytes(99))
    with pytest.raises(WebPageError, match=f"the network returned a web page instead of {name}"):
        download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert list((tmp_path / dataset.name).iterdir()) == []  # nothing kept to resume from


def test_the_real_fra_eng_entry_refuses_a_portal_page(tmp_path, server):
    server.files["fra-eng.zip"] = PORTAL * 20_000  # over the entry's minimum size
    with pytest.raises(WebPageError, match="captive portal"):
        download("fra-eng", cache_dir=tmp_path, base_url_override=server.url)


def test_a_file_without_a_published_hash_logs_its_sha256(tmp_path, server, caplog):
    data = zip_of_chunks(tmp_path, chunks=1)
    server.files["fra-eng.zip"] = data
    with caplog.at_level(logging.WARNING, logger="core_models.data.download"):
        directory = download(
            unpinned("fra-eng.zip", 1000), cache_dir=tmp_path, base_url_override=server.url
        )
    assert f"this copy has sha256 {hashlib.sha256(data).hexdigest()}" in caplog.text
    assert [p.source for p in read_tatoeba(directory / "fra-eng.zip")][:1] == ["Go."]


# --- what is in the cache is checked before use ---------------------------------------------------


def downloaded(tmp_path, server) -> tuple[bytes, Dataset, os.PathLike]:
    data = zip_of_chunks(tmp_path, chunks=1)
    server.files["corpus.zip"] = data
    dataset = pinned("corpus.zip", data)
    directory = download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    return data, dataset, directory / "corpus.zip"


def test_the_first_download_records_its_verification_beside_the_file(tmp_path, server):
    data, dataset, path = downloaded(tmp_path, server)
    marker = json.loads((path.parent / "corpus.zip.verified").read_text())
    assert marker["sha256"] == hashlib.sha256(data).hexdigest()
    assert marker["size"] == len(data)
    assert is_downloaded(dataset, tmp_path)


def test_a_verified_file_is_not_hashed_again(tmp_path, server, monkeypatch):
    _, dataset, _ = downloaded(tmp_path, server)
    hashed = []
    monkeypatch.setattr(download_module, "_sha256_of", lambda path: hashed.append(path))
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert hashed == [] and len(server.ranges) == 1


def test_a_cached_file_corrupted_in_place_is_fetched_again(tmp_path, server):
    data, dataset, path = downloaded(tmp_path, server)
    corrupt = bytearray(data)
    corrupt[len(data) // 2] ^= 0xFF  # same size: only the hash can tell
    path.write_bytes(bytes(corrupt))
    assert not is_downloaded(dataset, tmp_path)  # it changed since it was verified
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert path.read_bytes() == data and len(server.ranges) == 2
    assert is_downloaded(dataset, tmp_path)


def test_a_cached_file_cut_short_is_caught_by_its_size_even_with_its_old_mtime(tmp_path, server):
    data, dataset, path = downloaded(tmp_path, server)
    stat = path.stat()
    with open(path, "r+b") as stream:
        stream.truncate(len(data) - 10)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not is_downloaded(dataset, tmp_path)
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert path.read_bytes() == data


def test_a_cached_file_from_before_the_markers_is_verified_once(tmp_path, server):
    data, dataset, path = downloaded(tmp_path, server)
    (path.parent / "corpus.zip.verified").unlink()
    assert not is_downloaded(dataset, tmp_path)
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert len(server.ranges) == 1  # it was good: hashed, recorded, not fetched
    assert is_downloaded(dataset, tmp_path)


# --- a broken connection and a cancel on a stalled server -------------------------------------------


def test_a_chunked_response_cut_short_is_a_download_error_and_resumes(tmp_path, server):
    data = zip_of_chunks(tmp_path)
    server.files["corpus.zip"] = data
    server.cut_chunked["corpus.zip"] = 2 * CHUNK_BYTES + 123
    dataset = pinned("corpus.zip", data)
    with pytest.raises(DownloadError, match="the server ended the response early") as caught:
        download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert "corpus.zip.part is kept: run again to resume" in str(caught.value)
    kept = (tmp_path / "pinned" / "corpus.zip.part").stat().st_size
    assert 0 < kept <= 2 * CHUNK_BYTES + 123

    del server.cut_chunked["corpus.zip"]
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert server.ranges[-1] == f"bytes={kept}-"
    assert (tmp_path / "pinned" / "corpus.zip").read_bytes() == data


@pytest.mark.parametrize(
    ("sent", "expected"),
    [(CHUNK_BYTES + 10, "cancelled after 65,536 bytes"), (-1, "cancelled before the download")],
    ids=["mid-body", "before-headers"],
)
def test_cancel_while_the_server_stalls_ends_the_download_promptly(
    tmp_path, server, sent, expected
):
    data = zip_of_chunks(tmp_path)
    server.files["corpus.zip"] = data
    server.stall["corpus.zip"] = sent  # then nothing, for up to 60 s
    stop, outcome = threading.Event(), []

    def run():
        try:
            download(
                pinned("corpus.zip", data), tmp_path, cancel=stop, base_url_override=server.url
            )
        except DownloadError as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    assert server.stalled.wait(30)
    time.sleep(0.2)  # the client is now blocked in a read
    cancelled_at = time.monotonic()
    stop.set()
    thread.join(30)
    took = time.monotonic() - cancelled_at
    print(f"download ended {took:.3f} s after the cancel on a server stalled {sent} bytes in")
    assert not thread.is_alive()
    assert isinstance(outcome[0], DownloadCancelled) and expected in str(outcome[0]), outcome
    kept = tmp_path / "pinned" / "corpus.zip.part"
    assert kept.stat().st_size == CHUNK_BYTES if sent > 0 else not kept.exists()
