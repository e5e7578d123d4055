"""The Train view's data sources: the user's files (dialog, drop, preview, parse errors) and the
catalogue download (progress, cancel, offline failure) against a local HTTP server."""

from __future__ import annotations

import http.server
import io
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest
from PySide6 import QtCore, QtGui

from app.train.data_panel import DataPanel
from app.train.download_tab import DownloadTab
from app.train.files_tab import PREVIEW_ROWS
from core_models.data.download import Dataset, RemoteFile

WAIT_MS = 20_000
PAIRS = "".join(f"word{i} more\tmot{i} plus\n" for i in range(30))


@pytest.fixture
def panel(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("ATTENTION_WORKBENCH_CACHE", str(tmp_path / "cache"))
    data_panel = DataPanel()
    qtbot.addWidget(data_panel)
    yield data_panel
    data_panel.shutdown()


def read_files(qtbot, panel: DataPanel) -> None:
    qtbot.waitUntil(lambda: not panel.files_tab.reading, timeout=WAIT_MS)


def drop(widget, paths: list[Path]) -> None:
    """Drop local files on ``widget`` the way a file manager does."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
    position = QtCore.QPointF(10, 10)
    actions = QtCore.Qt.DropAction.CopyAction
    buttons, modifiers = QtCore.Qt.MouseButton.NoButton, QtCore.Qt.KeyboardModifier.NoModifier
    enter = QtGui.QDragEnterEvent(position.toPoint(), actions, mime, buttons, modifiers)
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    widget.dropEvent(QtGui.QDropEvent(position, actions, mime, buttons, modifiers))


def test_malformed_pairs_file_shows_its_parse_error_and_the_rows_before_it(qtbot, panel, tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("one\tun\ntwo\tdeux\nthree without a tab\nfour\tquatre\n", encoding="utf-8")
    panel.tabs.setCurrentWidget(panel.files_tab)
    panel.files_tab.use_path(path)
    read_files(qtbot, panel)
    assert panel.files_tab.data_format == "tatoeba"
    assert panel.files_tab.error_texts() == [
        f"{path}:3: expected 2 or 3 tab-separated columns (source, target, attribution), found 1"
    ]
    assert not panel.files_tab.errors.isHidden()
    assert panel.files_tab.table.cell_texts() == [["one", "un"], ["two", "deux"]]
    assert panel.files_tab.summary.text() == "2 rows read before the error · 1 problem"
    assert panel.problems() == panel.files_tab.error_texts()


def test_malformed_jsonl_and_a_missing_validation_file_are_both_reported(qtbot, panel, tmp_path):
    good = '{"sentence1": "a dog runs", "sentence2": "an animal moves", "gold_label": "entailment"}'
    path = tmp_path / "train.jsonl"
    path.write_text(f"{good}\n{{not json\n", encoding="utf-8")
    panel.tabs.setCurrentWidget(panel.files_tab)
    panel.files_tab.set_files("snli", str(path), valid=str(tmp_path / "dev.jsonl"))
    read_files(qtbot, panel)
    errors = panel.files_tab.error_texts()
    assert len(errors) == 2
    assert errors[0].startswith(f"{path}:2: not valid JSON")
    assert errors[1] == f"{tmp_path / 'dev.jsonl'}: no such file"
    assert panel.task_kind() == "nli"
    assert panel.files_tab.table.cell_texts() == [["a dog runs", "an animal moves", "entailment"]]


def test_dropped_parallel_file_finds_its_sibling_and_previews_the_first_rows(
    qtbot, panel, tmp_path
):
    (tmp_path / "train.en").write_text("".join(f"hello {i}\n" for i in range(30)), "utf-8")
    (tmp_path / "train.de").write_text("".join(f"hallo {i}\n" for i in range(30)), "utf-8")
    panel.tabs.setCurrentWidget(panel.files_tab)
    drop(panel.files_tab, [tmp_path / "train.en"])
    read_files(qtbot, panel)
    files = panel.files_tab
    assert files.data_format == "parallel"
    assert (files.source_lang.text(), files.target_lang.text()) == ("en", "de")
    assert files.error_texts() == []
    assert len(files.table.cell_texts()) == PREVIEW_ROWS
    assert files.table.cell_texts()[0] == ["hello 0", "hallo 0"]
    config = panel.data_config()
    assert (config.format, config.train) == ("parallel", str(tmp_path / "train"))
    assert "30 pairs read" in files.summary.text()
    assert panel.problems() == []


class SlowFileHandler(http.server.BaseHTTPRequestHandler):
    """Serves ``/<name>``: a small zip of Tatoeba pairs, or (any other name) an endless-looking
    2 MB body sent slowly, so that a download can be cancelled midway (it starts as a zip does:
    the downloader refuses anything else on its first chunk)."""

    def do_GET(self) -> None:
        if self.path.endswith(".zip") and "small" in self.server.mode:
            body = self.server.zip_bytes
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(2_000_000))
        self.end_headers()
        try:
            for block in range(200):
                self.wfile.write(b"PK\x03\x04" + b"x" * 9_996 if block == 0 else b"x" * 10_000)
                time.sleep(0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def server():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("fra.txt", PAIRS)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowFileHandler)
    httpd.zip_bytes, httpd.mode = archive.getvalue(), "slow"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def url_of(httpd) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def test_download_shows_progress_and_can_be_cancelled(qtbot, tmp_path, server):
    tab = DownloadTab(cache_dir=tmp_path / "cache")
    qtbot.addWidget(tab)
    tab.dataset_box.setCurrentText("fra-eng")
    tab.base_url_override = url_of(server)
    tab.start()
    assert tab.running and not tab.download_button.isEnabled()
    qtbot.waitUntil(lambda: tab.progress.value() > 0, timeout=WAIT_MS)
    assert "of 2.0 MB" in tab.status.text()
    tab.cancel_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    assert tab.status.text().startswith("download cancelled:")
    part = tmp_path / "cache" / "fra-eng" / "fra-eng.zip.part"
    assert 0 < part.stat().st_size < 2_000_000  # kept, so the next download resumes
    assert tab.download_button.isEnabled()


def test_download_without_a_network_fails_with_a_clear_message(qtbot, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    tab = DownloadTab(cache_dir=tmp_path / "cache")
    qtbot.addWidget(tab)
    tab.base_url_override = f"http://127.0.0.1:{closed_port}"
    tab.start()
    qtbot.waitUntil(lambda: not tab.running, timeout=WAIT_MS)
    assert tab.status.text().startswith("download failed: ")
    assert "cannot connect" in tab.status.text()
    assert tab.progress.value() == 0


def test_downloaded_pairs_land_in_the_files_tab_ready_to_train(qtbot, tmp_path, server):
    server.mode = "small"
    catalogue = {
        "fra-eng": Dataset(
            "fra-eng", "test pairs", "test", (RemoteFile(f"{url_of(server)}/fra-eng.zip"),)
        )
    }
    data_panel = DataPanel(catalogue)
    qtbot.addWidget(data_panel)
    data_panel.download_tab.cache_dir = tmp_path / "cache"
    data_panel.download_tab.start()
    qtbot.waitUntil(lambda: not data_panel.download_tab.running, timeout=WAIT_MS)
    read_files(qtbot, data_panel)
    assert data_panel.source == "files"
    config = data_panel.data_config()
    assert (config.format, config.train) == (
        "tatoeba",
        str(tmp_path / "cache" / "fra-eng" / "fra-eng.zip"),
    )
    assert data_panel.files_tab.table.cell_texts()[0] == ["word0 more", "mot0 plus"]
    assert data_panel.problems() == []
    data_panel.shutdown()
