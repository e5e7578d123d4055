"""The downloader against a local HTTP server (127.0.0.1, with Range support): full download,
resume of a partial file, verification, cancellation, errors, then loading what came down."""

import hashlib
import threading
import zipfile

import pytest
from corpus_samples import write_fra_eng_zip, write_snli_zip
from download_server import Server

from core_models.data.download import (
    CHUNK_BYTES,
    DATASETS,
    ChecksumError,
    Dataset,
    DownloadCancelled,
    DownloadError,
    RemoteFile,
    default_cache_dir,
    download,
    is_downloaded,
)
from core_models.data.formats import read_nli, read_tatoeba


@pytest.fixture
def server():
    served = Server()
    yield served
    served.close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dataset_for(data: bytes, url: str, **checks) -> Dataset:
    checks = checks or {"sha256": sha256(data)}
    return Dataset("tiny", "test archive", "test", (RemoteFile(url, **checks),))


@pytest.fixture
def fra_eng(tmp_path, server):
    data = write_fra_eng_zip(tmp_path / "built.zip").read_bytes()
    server.files["fra-eng.zip"] = data
    return data, dataset_for(data, "https://www.manythings.org/anki/fra-eng.zip")


def big_archive(tmp_path) -> bytes:
    """A zip of several chunks (incompressible), so that a download takes several reads."""
    path = tmp_path / "big.zip"
    write_fra_eng_zip(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("noise.bin", hashlib.shake_256(b"seed").digest(3 * CHUNK_BYTES))
    return path.read_bytes()


def test_download_fetches_verifies_and_loads(fra_eng, server, tmp_path):
    data, dataset = fra_eng
    calls = []
    directory = download(
        dataset,
        cache_dir=tmp_path / "cache",
        progress=lambda done, total: calls.append((done, total)),
        base_url_override=server.url,
    )
    assert directory == tmp_path / "cache" / "tiny"
    assert (directory / "fra-eng.zip").read_bytes() == data
    assert not (directory / "fra-eng.zip.part").exists()
    assert calls[-1] == (len(data), len(data))
    assert [p.source for p in read_tatoeba(directory / "fra-eng.zip")][:2] == ["Go.", "Hi."]
    assert is_downloaded(dataset, tmp_path / "cache")


def test_downloaded_file_is_not_fetched_again(fra_eng, server, tmp_path):
    _, dataset = fra_eng
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert len(server.ranges) == 1


def test_truncated_part_file_is_resumed_with_a_range_request(fra_eng, server, tmp_path):
    data, dataset = fra_eng
    directory = tmp_path / "tiny"
    directory.mkdir()
    (directory / "fra-eng.zip.part").write_bytes(data[:100])
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert server.ranges == ["bytes=100-"]
    assert (directory / "fra-eng.zip").read_bytes() == data


def test_server_that_ignores_range_gets_a_fresh_download(fra_eng, server, tmp_path):
    data, dataset = fra_eng
    server.honour_range = False
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "fra-eng.zip.part").write_bytes(b"stale bytes")
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert (tmp_path / "tiny" / "fra-eng.zip").read_bytes() == data


def test_complete_part_file_is_verified_and_moved_into_place(fra_eng, server, tmp_path):
    data, dataset = fra_eng
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "fra-eng.zip.part").write_bytes(data)
    download(dataset, cache_dir=tmp_path, base_url_override=server.url)  # server answers 416
    assert (tmp_path / "tiny" / "fra-eng.zip").read_bytes() == data


def test_checksum_mismatch_names_expected_and_actual(tmp_path, server):
    data = write_snli_zip(tmp_path / "built.zip").read_bytes()
    server.files["snli_1.0.zip"] = data
    expected = DATASETS["snli"].files[0].sha256
    with pytest.raises(ChecksumError, match=f"expected {expected}, got {sha256(data)}"):
        download("snli", cache_dir=tmp_path, base_url_override=server.url)
    assert not any((tmp_path / "snli").iterdir())  # the corrupt file is deleted


def test_implausibly_small_file_is_rejected(fra_eng, server, tmp_path):
    with pytest.raises(ChecksumError, match="implausibly small"):
        download("fra-eng", cache_dir=tmp_path, base_url_override=server.url)


def test_cancel_keeps_the_part_and_a_later_call_resumes(tmp_path, server):
    data = big_archive(tmp_path)
    server.files["snli_1.0.zip"] = data
    dataset = dataset_for(data, "https://nlp.stanford.edu/projects/snli/snli_1.0.zip")
    stop = threading.Event()

    def progress(done, total):
        if done >= CHUNK_BYTES:
            stop.set()

    with pytest.raises(DownloadCancelled, match="kept"):
        download(
            dataset,
            cache_dir=tmp_path,
            progress=progress,
            cancel=stop,
            base_url_override=server.url,
        )
    kept = (tmp_path / "tiny" / "snli_1.0.zip.part").stat().st_size
    assert 0 < kept < len(data)
    assert not (tmp_path / "tiny" / "snli_1.0.zip").exists()

    download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert server.ranges == [None, f"bytes={kept}-"]
    assert (tmp_path / "tiny" / "snli_1.0.zip").read_bytes() == data


def test_cancel_may_be_a_callable(fra_eng, server, tmp_path):
    _, dataset = fra_eng
    with pytest.raises(DownloadCancelled):
        download(dataset, cache_dir=tmp_path, cancel=lambda: True, base_url_override=server.url)


def test_downloaded_snli_zip_loads_with_the_nli_loader(tmp_path, server):
    data = write_snli_zip(tmp_path / "built.zip").read_bytes()
    server.files["snli_1.0.zip"] = data
    dataset = dataset_for(data, DATASETS["snli"].files[0].url, size=len(data))
    directory = download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    train = read_nli(directory / "snli_1.0.zip", split="train")
    assert (len(train.pairs), train.skipped) == (2, 1)


def test_http_error_names_the_status_and_url(server, tmp_path):
    dataset = dataset_for(b"", "https://example.org/data/missing.zip", min_size=1)
    with pytest.raises(DownloadError, match=r"/mirror/missing.zip: HTTP 404") as caught:
        download(dataset, cache_dir=tmp_path, base_url_override=server.url)
    assert caught.value.status == 404


def test_unreachable_server_is_a_clear_error(tmp_path):
    dataset = dataset_for(b"", "https://example.org/data/x.zip", min_size=1)
    with pytest.raises(DownloadError, match="cannot connect"):
        download(dataset, cache_dir=tmp_path, base_url_override="http://127.0.0.1:9")


def test_unknown_dataset_names_the_catalogue(tmp_path):
    with pytest.raises(ValueError, match="fra-eng, cmn-eng, snli, multinli, multi30k, glove.6B"):
        download("wmt14", cache_dir=tmp_path)


def test_cache_dir_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ATTENTION_WORKBENCH_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("ATTENTION_WORKBENCH_CACHE")
    assert default_cache_dir().parts[-2:] == (".cache", "attention-workbench")


def test_catalogue_uses_official_https_urls_with_a_check_for_every_file():
    for dataset in DATASETS.values():
        for remote in dataset.files:
            assert remote.url.startswith("https://"), remote.url
            assert remote.magic is not None, remote.url  # every file's content is sniffed
            if remote.hash_known:
                assert len(remote.sha256) == 64 and int(remote.sha256, 16) >= 0, remote.url
                assert remote.size is not None and remote.size > 0, remote.url
            else:
                assert remote.min_size >= 100_000, remote.url
    assert len(DATASETS["multi30k"].files) == 12
    # The Tatoeba exports are replaced by their publisher: no hash can be pinned for them.
    unpinned = [n for n, d in DATASETS.items() if not all(r.hash_known for r in d.files)]
    assert unpinned == ["fra-eng", "cmn-eng"]
