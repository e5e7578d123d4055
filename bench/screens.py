"""Screen captures of every view under a real X server (issue 15), to open and look at: each Inspect
tab on transformer-en-fr (heatmap, heads grid, token lines, decoding steps, beam tree before and
after a beam search, head importance after "Compute", the agreement table of the sentence on show,
compare with bahdanau-en-fr), the NLI views
on decomposable-nli, and the Train tab's data and model/run pages. Usage:

    python3 -m bench.screens OUT_DIR [--display 81] [--sizes 1280x800,1920x1080]
        [--themes light,dark] [--lang zh_CN] [--only heatmap,train-data]
        [--model transformer-zh-en --beam 4 --sentence 我昨天在公园看见了一只猫。]

``--model``, ``--beam`` and ``--sentence`` do what a user does before the first shot: pick the
model in the Model panel, set the beam box and type the sentence (the views that follow stay on
them; the beam-tree shots set their own beam). With ``--only``, the app closes once those shots
are taken. The README's Chinese screenshot is::

    python3 -m bench.screens OUT --sizes 1280x800 --themes light --lang zh_CN --only heatmap \
        --model transformer-zh-en --beam 4 --sentence 我昨天在公园看见了一只猫。

For each size it starts ``Xvfb :DISPLAY`` at that size, and for each theme the app as ``app.main``
starts it (a fresh config and user folder per run: the window remembers its geometry), steps it
through the views and captures the whole screen with ``import -window root`` (ImageMagick), never
``widget.grab()`` (which repaints from scratch and hides stale regions). Files are
OUT_DIR/NAME-WxH-THEME[-LANG].png. Needs Xvfb and ImageMagick; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = ("1280x800", "1920x1080")
THEMES = ("light", "dark")
COMPARE_WITH = "bahdanau-en-fr"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--display", default="81")
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--themes", default=",".join(THEMES))
    parser.add_argument("--lang", default=None)
    parser.add_argument("--only", default="", help="names of the shots to take (default: all)")
    parser.add_argument("--model", default="", help="pick this model first (default: the app's)")
    parser.add_argument("--beam", type=int, default=1, help="beam width to set first")
    parser.add_argument("--sentence", default="", help="sentence to type first (translation)")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "THEME"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.child:
        only = [n for n in args.only.split(",") if n]
        first = (args.model, args.beam, args.sentence)
        return drive(args.out, *args.child, args.lang, only, first)
    for size in args.sizes.split(","):
        screen = subprocess.Popen(
            ["Xvfb", f":{args.display}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.5)
        try:
            for theme in args.themes.split(","):
                with tempfile.TemporaryDirectory() as config, tempfile.TemporaryDirectory() as home:
                    env = dict(os.environ, DISPLAY=f":{args.display}", XDG_CONFIG_HOME=config)
                    env["ATTENTION_WORKBENCH_HOME"] = home
                    child = [sys.executable, "-m", "bench.screens", str(args.out)]
                    child += ["--child", size, theme, "--only", args.only]
                    child += ["--lang", args.lang] if args.lang else []
                    child += ["--model", args.model, "--beam", str(args.beam)]
                    child += ["--sentence", args.sentence]
                    subprocess.run(child, env=env, timeout=600, check=False)
        finally:
            screen.terminate()
            screen.wait()
    return 0


def drive(out: Path, size: str, theme: str, lang: str | None, only: list[str], first: tuple) -> int:
    """The window as ``app.main.run_gui`` builds it, set up as ``first`` (model, beam, sentence:
    ``user_steps``) and stepped through the views (on the X server in $DISPLAY); each step waits
    until what it shows is ready."""
    from pyqtgraph.util.garbage_collector import GarbageCollector
    from PySide6 import QtWidgets

    from app.desktop import app_icon
    from app.i18n.language import install, resolve
    from app.main import start, tear_down
    from app.recent import app_settings
    from app.window import MainWindow

    width, height = (int(n) for n in size.split("x"))
    app = QtWidgets.QApplication(sys.argv[:1])
    install(app, resolve(lang, app_settings()))
    app.setApplicationName("Attention Workbench")
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    collector = GarbageCollector(interval=1.0)  # noqa: F841 (as run_gui: collect on this thread)
    window = MainWindow()
    window.setGeometry(0, 0, width, height)
    window.show()
    start(window)
    session, views = window.session, window.views
    suffix = f"-{lang}" if lang else ""
    taken: set[str] = set()

    def shot(name: str) -> None:
        if not only or name in only:
            path = out / f"{name}-{size}-{theme}{suffix}.png"
            subprocess.run(["import", "-window", "root", str(path)], check=True)
            print("shot", path, flush=True)
            taken.add(name)
            if only and taken.issuperset(only):
                window.close()

    def page(name: str) -> None:
        window.modes.setCurrentIndex(0)
        views.show_page(name)

    def compare() -> None:
        picker = views.compare.picker
        index = next(
            i for i in range(picker.count()) if picker.itemText(i).startswith(COMPARE_WITH)
        )
        picker.setCurrentIndex(index)
        picker.activated.emit(index)

    def train(index: int) -> None:
        window.modes.setCurrentIndex(1)
        window.train_view.setup_tabs.setCurrentIndex(index)

    def decoded() -> bool:
        return session.result is not None and session.result_is_current and not session.busy

    study = views.head_study
    steps = [(lambda: session.result is not None, lambda: session.choose_display("theme", theme))]
    steps += user_steps(window, *first) + [(decoded, lambda: shot("heatmap"))]
    for name in ("heads", "lines", "steps"):
        steps += [(None, lambda n=name: page(n)), (None, lambda n=name: shot(n))]
    steps += [
        (None, lambda: session.set_beam(1)),
        (decoded, lambda: page("beam")),
        (None, lambda: shot("beam-empty")),
        (None, lambda: session.set_beam(4)),
        (decoded, lambda: shot("beam")),
        (None, lambda: session.set_beam(first[1])),
        (decoded, lambda: page("importance")),
        (None, lambda: shot("importance-empty")),
        (None, lambda: views.importance.run_button.click()),
        (lambda: study.result is not None, lambda: shot("importance")),
        (None, lambda: page("agreement")),
        (None, lambda: views.agreement.sentence_button.click()),
        (lambda: views.agreement_study.result is not None, lambda: shot("agreement")),
        (None, lambda: page("compare")),
        (None, compare),
        (lambda: views.compare.other.result is not None, lambda: shot("compare")),
        (None, lambda: page("heatmap")),
        (None, lambda: session.open_model("decomposable-nli")),
        (lambda: session.task_kind == "nli" and session.result is not None, lambda: shot("nli")),
        (None, lambda: page("heads")),
        (None, lambda: shot("nli-heads")),
        (None, lambda: page("lines")),
        (None, lambda: shot("nli-lines")),
        (None, lambda: train(0)),
        (None, lambda: shot("train-data")),
        (None, lambda: train(1)),
        (None, lambda: shot("train-model")),
        (None, window.close),
    ]
    run_steps(steps)
    code = app.exec()
    tear_down(window)
    return code


def user_steps(window, model: str, beam: int, sentence: str) -> list:
    """What a user does first, through the same widgets: pick ``model`` in the Model panel
    ("": keep the app's first model), set the beam box, type ``sentence`` ("": keep the text on
    show) into the source box."""
    from PySide6 import QtWidgets

    session, picker = window.session, window.model_panel.picker
    translate = window.translate_panel

    def fail(text: str) -> None:
        print(f"error: {text}", file=sys.stderr, flush=True)
        QtWidgets.QApplication.exit(2)

    def pick() -> None:
        names = [Path(picker.itemData(i) or "").name for i in range(picker.count())]
        if model not in names:
            return fail(f"--model {model}: not among the app's models ({', '.join(names)})")
        picker.setCurrentIndex(names.index(model))
        picker.activated.emit(names.index(model))

    def type_sentence() -> None:
        if session.task_kind != "translation":
            return fail(f"--sentence: {session.model_name} is not a translation model")
        translate.source_box.setPlainText(sentence)

    steps = []
    if model:
        opened = lambda: session.model_name == model and session.result is not None  # noqa: E731
        steps += [(None, pick), (opened, lambda: None)]
    steps += [(None, lambda: translate.beam_box.setValue(beam))]
    if sentence:
        steps += [(None, type_sentence)]
    return steps


def run_steps(steps: list, index: int = 0, waited: float = 0.0) -> None:
    """Run ``steps`` ((ready, action) pairs) one by one: each action once its ``ready`` (None:
    always) holds, then 1.5 s for the window to paint (60 s at most per wait)."""
    from PySide6 import QtCore

    if index >= len(steps):
        return
    ready, action = steps[index]
    if ready is not None and not ready() and waited < 60:
        QtCore.QTimer.singleShot(250, lambda: run_steps(steps, index, waited + 0.25))
        return
    action()
    QtCore.QTimer.singleShot(1500, lambda: run_steps(steps, index + 1))


if __name__ == "__main__":
    sys.exit(main())
