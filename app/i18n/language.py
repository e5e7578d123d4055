"""The interface language: English (the source strings) or Simplified Chinese. It follows the
system locale unless the user chose one (View ▸ Language, kept in QSettings, applied at the next
launch); ``--lang`` or ``$ATTENTION_WORKBENCH_LANG`` overrides both (tests, screenshots).

``install`` loads the app's catalogue and Qt's own (``qtbase_zh_CN.qm``: the standard dialogs'
buttons) into the QApplication. The app's ``.qm`` is the one the package build compiled; a source
checkout has none, so the ``.ts`` is compiled on first use into the user cache directory."""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import os
from pathlib import Path

from PySide6 import QtCore

from app.i18n.tools import PREFIX, compile_catalogue
from core_models.errors import WorkbenchError
from core_models.paths import user_cache_dir

logger = logging.getLogger(__name__)

SYSTEM, ENGLISH, CHINESE = "system", "en", "zh_CN"
# The choices of View ▸ Language, each named in its own language (a user who cannot read the
# current one still finds theirs); SYSTEM's name is translated where it is shown.
LANGUAGE_NAMES = {ENGLISH: "English", CHINESE: "简体中文"}
SETTING = "interface/language"
LANG_ENV = "ATTENTION_WORKBENCH_LANG"
_installed: list[QtCore.QTranslator] = []  # kept alive while installed (Qt does not own them)


class LanguageError(WorkbenchError):
    """An interface language the app does not have (``--lang``, ``$ATTENTION_WORKBENCH_LANG``)."""


def saved_choice(settings: QtCore.QSettings) -> str:
    """The language chosen in View ▸ Language: SYSTEM, ENGLISH or CHINESE (SYSTEM if none)."""
    value = settings.value(SETTING, SYSTEM)
    return value if value in (SYSTEM, *LANGUAGE_NAMES) else SYSTEM


def save_choice(settings: QtCore.QSettings, choice: str) -> None:
    if choice not in (SYSTEM, *LANGUAGE_NAMES):
        raise LanguageError(
            f"unknown interface language {choice!r}; choose one of {SYSTEM}, "
            f"{', '.join(LANGUAGE_NAMES)}"
        )
    settings.setValue(SETTING, choice)


def system_language(locale: QtCore.QLocale | None = None) -> str:
    """CHINESE for a Chinese locale not written in traditional characters, else ENGLISH."""
    locale = locale or QtCore.QLocale.system()
    chinese = locale.language() == QtCore.QLocale.Language.Chinese
    traditional = locale.script() == QtCore.QLocale.Script.TraditionalChineseScript
    return CHINESE if chinese and not traditional else ENGLISH


def resolve(requested: str | None, settings: QtCore.QSettings) -> str:
    """The language to show: ``requested`` (``--lang``), else ``$ATTENTION_WORKBENCH_LANG``, else
    the saved choice, else the system's. ``zh``, ``zh_CN`` and ``zh-CN.UTF-8`` all mean CHINESE."""
    for choice in (requested, os.environ.get(LANG_ENV), saved_choice(settings)):
        if not choice or choice == SYSTEM:
            continue
        name = choice.split(".")[0].replace("-", "_")
        if name.lower() in ("zh", "zh_cn", "zh_hans", "zh_sg"):
            return CHINESE
        if name.lower().startswith("en") or name in ("C", "POSIX"):
            return ENGLISH
        source = "--lang" if choice == requested else f"${LANG_ENV}"
        raise LanguageError(
            f"{source}: unknown interface language {choice!r}; choose one of "
            f"{', '.join(LANGUAGE_NAMES)}"
        )
    return system_language()


def catalogue(language: str) -> Path:
    """The compiled catalogue of ``language``: the package's, else one compiled from the ``.ts``
    into the user cache (named by the ``.ts``'s digest, so an edited ``.ts`` is recompiled)."""
    folder = importlib.resources.files("app.i18n")
    shipped = folder / f"{PREFIX}{language}.qm"
    if isinstance(shipped, Path) and shipped.is_file():
        return shipped
    cache = user_cache_dir() / "i18n"
    if shipped.is_file():  # inside a zip: Qt reads files, so copy it out
        data = shipped.read_bytes()
        target = cache / f"{PREFIX}{language}-{hashlib.sha1(data).hexdigest()[:12]}.qm"
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return target
    source = (folder / f"{PREFIX}{language}.ts").read_bytes()
    target = cache / f"{PREFIX}{language}-{hashlib.sha1(source).hexdigest()[:12]}.qm"
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        ts = cache / f"{PREFIX}{language}.ts"
        ts.write_bytes(source)
        compile_catalogue(ts, target)
    return target


def install(app: QtCore.QCoreApplication, language: str) -> str:
    """Show ``app`` in ``language`` (ENGLISH or CHINESE) from now on: remove the translators an
    earlier call installed, load the app's and Qt's catalogues, and make ``language`` the default
    locale (English keeps the system's). Returns the language on show: ENGLISH when the catalogue
    cannot be loaded (logged)."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == ENGLISH:  # the source strings; numbers keep the system's locale
        return ENGLISH
    qt_folder = QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath)
    mine = QtCore.QTranslator(app)
    try:
        path = catalogue(language)
        if not mine.load(str(path)):
            raise OSError(f"{path} is not a Qt translation file")
    except (OSError, RuntimeError) as error:
        logger.warning("the %s interface is not available: %s", language, error)
        return ENGLISH
    QtCore.QLocale.setDefault(QtCore.QLocale(language))
    qt_own = QtCore.QTranslator(app)
    for translator in (mine, qt_own) if qt_own.load(f"qtbase_{language}", qt_folder) else (mine,):
        app.installTranslator(translator)
        _installed.append(translator)
    return language
