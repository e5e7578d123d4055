"""Screenshots of every view on a long input from a tiny local Hugging Face model (issue 17): a
Marian with random weights, 12 layers × 12 heads (the heads grid shows 144 maps) and 512
positions, reading a ~500-piece source. Run under a real X server and look at the PNGs:

    Xvfb :76 -screen 0 1280x800x24 &
    DISPLAY=:76 python3 -m bench.bench_hf_shots OUT_DIR

Each page is shot with ``import -window root`` (ImageMagick) once the window has painted it.
Nothing is downloaded; the model is built in a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from PySide6 import QtCore, QtWidgets  # noqa: E402

from tests.hf_fixtures import SENTENCES, marian_dir  # noqa: E402

PAGES = ("heatmap", "heads", "lines", "steps", "beam")


def long_marian(root: Path) -> Path:
    """The test suite's tiny Marian, rebuilt with 12 + 12 layers of 12 heads and 512 positions."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    small = marian_dir(root / "small")
    config = MarianConfig.from_pretrained(small)
    config.update(
        {
            "d_model": 24,
            "encoder_layers": 12,
            "decoder_layers": 12,
            "encoder_attention_heads": 12,
            "decoder_attention_heads": 12,
            "max_position_embeddings": 512,
        }
    )
    model = MarianMTModel(config)
    model.save_pretrained(root / "marian-12x12")
    MarianTokenizer.from_pretrained(small).save_pretrained(root / "marian-12x12")
    return root / "marian-12x12"


def settle(app: QtWidgets.QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    from app.window import MainWindow

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    app.setStyle("Fusion")
    with tempfile.TemporaryDirectory() as folder:
        settings = QtCore.QSettings(f"{folder}/s.ini", QtCore.QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(1280, 800)
        window.show()
        session = window.session
        session.open_model(str(long_marian(Path(folder))))
        while session.model is None:
            app.processEvents()
        session.set_source(" ".join(SENTENCES[:6] * 6))  # about 500 pieces
        while session.result is None:
            app.processEvents()
        print(len(session.result.source_pieces), "source pieces,", end=" ")
        print(len(session.result.output_pieces), "target pieces")
        for name in PAGES:
            window.views.show_page(name)
            settle(app, 3.0)
            subprocess.run(["import", "-window", "root", str(out / f"{name}.png")], check=True)
        session.select_kind("encoder_self")
        window.views.show_page("heatmap")
        settle(app, 3.0)
        subprocess.run(["import", "-window", "root", str(out / "encoder_self.png")], check=True)
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
