"""The Download tab recovers from what breaks a download: a response cut short (it once stayed on
"cancelling…" with its button disabled until a restart), a cancel while the server stalls (it
once took the 30 s socket timeout), a bug inside the downloader."""

import hashlib
import re
import time
import zipfile
from pathlib import Path

import pytest
from corpus_samples import write_fra_eng_zip
from download_server import Server

import app.train.download_tab as download_tab_module
from app.train.download_tab import DownloadTab
from core_models.data.download import CHUNK_BYTES, Dataset, RemoteFile

WAIT_MS = 30_000


@pytest.fixture
def server():
    served = Server()
    yield served
    served.close()


@pytest.fixture
def tab(qtbot, tmp_path, server):
    """A tab whose catalogue holds one zip of several chunks, served by ``server``."""
    path = write_fra_eng_zip(tmp_path / "built.zip")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("noise.bin", hashlib.shake_256(b"seed").digest(4 * CHUNK_BYTES))
    data = path.read_bytes()
    server.files["fra-eng.zip"] = data
    remote = RemoteFile(
        "https://www.manythings.org/anki/fra-eng.zip",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    widget = DownloadTab({"fra-eng": Dataset("fra-eng", "test", "test", (remote,))}, tmp_path)
    widget.base_url_override = server.url
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def assert_ready_again(tab: DownloadTab) -> None:
    assert not tab.running
    assert tab.download_button.isEnabled() and not tab.cancel_button.isEnabled()
    assert tab.dataset_box.isEnabled()


def test_a_response_cut_short_fails_with_a_message_and_the_tab_recovers(qtbot, tab, server):
    server.cut_chunked["fra-eng.zip"] = CHUNK_BYTES + 77
    tab.start()
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    assert tab.status.text().startswith("download failed: ")
    assert "the server ended the response early" in tab.status.text()
    assert "run again to resume" in tab.status.text()
    assert_ready_again(tab)

    del server.cut_chunked["fra-eng.zip"]  # the network is back: the same button finishes it
    with qtbot.waitSignal(tab.sigReady, timeout=WAIT_MS):
        tab.download_button.click()
    assert server.ranges[-1].startswith("bytes=")  # resumed from the kept part
    assert tab.status.text().startswith("downloaded to ")
    assert_ready_again(tab)


def test_cancel_on_a_stalled_server_ends_the_download_promptly(qtbot, tab, server):
    server.stall["fra-eng.zip"] = CHUNK_BYTES + 5
    tab.start()
    assert server.stalled.wait(WAIT_MS / 1000)
    time.sleep(0.2)  # the download thread is now blocked in a read
    thread = tab.thread
    with qtbot.waitSignal(thread.sigFinished, timeout=WAIT_MS):
        cancelled_at = time.monotonic()
        tab.cancel_button.click()
    took = time.monotonic() - cancelled_at
    print(f"the Download tab's thread ended {took:.3f} s after Cancel on a stalled server")
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    assert tab.status.text().startswith("download cancelled: ")
    assert_ready_again(tab)


def test_a_bug_in_the_downloader_is_shown_and_the_tab_recovers(qtbot, tab, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise AttributeError("injected fault")

    monkeypatch.setattr(download_tab_module, "download", broken)
    monkeypatch.setenv("ATTENTION_WORKBENCH_LOG_DIR", str(tmp_path / "logs"))
    tab.start()
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    text = tab.status.text()
    assert text.startswith("download failed: unexpected AttributeError: injected fault")
    log = re.search(r"the details are in (\S+)", text).group(1)
    assert "Traceback" in Path(log).read_text()
    assert_ready_again(tab)
