"""The package's metadata is in pyproject.toml; this file only adds a build step: ``build_py``
also compiles the interface translations (app/i18n/workbench_*.ts) into ``.qm`` files with
PySide6's ``lrelease``, inside the built package (the source tree keeps only the ``.ts``)."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install compiles the .ts on first use instead
            return
        sys.path.insert(0, str(Path(__file__).resolve().parent))  # app.i18n.tools, from this tree
        from app.i18n.tools import compile_folder

        compile_folder(Path(self.build_lib) / "app" / "i18n")


setup(cmdclass={"build_py": BuildPyWithTranslations})
