"""Human-written dates to ISO 8601, the date-normalisation task of the attention tutorials.

A source is a date in one of :data:`DATE_FORMATS`, lowercased, one word per space ("the 3rd of
march 2021", "wed , mar 3 , 21", "03 . 03 . 2021"); the target is its ISO 8601 form with one word
per character ("2 0 2 1 - 0 3 - 0 3"). The gold alignment links each target digit to the source
word it is read from: year digits to the year word, month digits to the month word (name or
number), day digits to the day word. Weekday names and literal words ("the", "of", ",", "/")
align to nothing, and neither do the two "-" of the target.

Conventions:
- Every date is a real calendar date; the year is the calendar year (``date.year``), never the
  ISO week-based year (the ``YYYY`` pattern bug that mislabels 29 Dec - 3 Jan), and a weekday
  name is always the true weekday of the date.
- Slashes are month / day / year (US order), dots are day . month . year (European order).
- Two-digit years follow POSIX ``strptime %y``: 69-99 mean 1969-1999 and 00-68 mean 2000-2068,
  and every date is drawn between 1969-01-01 and 2068-12-31 so that no source is ambiguous.
- Names are English and fixed here (not taken from the ``calendar`` module, which follows the
  locale).
"""

from __future__ import annotations

import datetime as dt
import random

from core_models.data.pairs import TranslationPair
from core_models.data.tasks.splits import draw_split

FIRST_DATE = dt.date(1969, 1, 1)
LAST_DATE = dt.date(2068, 12, 31)
DEFAULT_SIZES = {"train": 20_000, "valid": 1_000, "test": 1_000}

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = tuple(name[:3] for name in WEEKDAY_NAMES)
_ORDINAL_UNITS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
)  # fmt: skip
ORDINAL_WORDS = (
    *_ORDINAL_UNITS,
    "twentieth",
    *(f"twenty-{unit}" for unit in _ORDINAL_UNITS[:9]),
    "thirtieth",
    "thirty-first",
)  # ORDINAL_WORDS[d - 1] spells day d

# Each format is a template of space-separated words; {field} words are filled from the date.
DATE_FORMATS = (
    "the {day_ordinal} of {month_name} {year}",
    "{month_abbr} {day} , {year2}",
    "{month} / {day} / {year}",
    "{weekday} {day} {month_name} {year}",
    "{month_name} {day_ordinal} {year}",
    "{day2} . {month2} . {year}",
    "{day} {month_abbr} {year}",
    "{year} {month_name} {day}",
    "{month_name} {day} , {year}",
    "{weekday_abbr} , {month_abbr} {day} , {year}",
    "{day} {month_name} {year2}",
    "the {day_word} of {month_name} , {year}",
    "{month2} / {day2} / {year2}",
    "{year} - {month2} - {day2}",
    "{weekday} , the {day_ordinal} of {month_name} {year}",
    "{day_ordinal} {month_abbr} {year2}",
)

# Which part of the ISO date each field carries (weekdays carry none: they are redundant).
_FIELD_PART = {
    "year": "year", "year2": "year",
    "month": "month", "month2": "month", "month_name": "month", "month_abbr": "month",
    "day": "day", "day2": "day", "day_ordinal": "day", "day_word": "day",
    "weekday": None, "weekday_abbr": None,
}  # fmt: skip
# Target character positions of each part in "Y Y Y Y - M M - D D".
_PART_POSITIONS = {"year": (0, 1, 2, 3), "month": (5, 6), "day": (8, 9)}


def ordinal_suffix(day: int) -> str:
    """'st', 'nd', 'rd' or 'th' for a day of the month (11th, 12th, 13th, but 21st, 22nd, 23rd)."""
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _field_values(day: dt.date) -> dict[str, str]:
    return {
        "year": f"{day.year:04d}",
        "year2": f"{day.year % 100:02d}",
        "month": str(day.month),
        "month2": f"{day.month:02d}",
        "month_name": MONTH_NAMES[day.month - 1],
        "month_abbr": MONTH_ABBREVIATIONS[day.month - 1],
        "day": str(day.day),
        "day2": f"{day.day:02d}",
        "day_ordinal": f"{day.day}{ordinal_suffix(day.day)}",
        "day_word": ORDINAL_WORDS[day.day - 1],
        "weekday": WEEKDAY_NAMES[day.weekday()],
        "weekday_abbr": WEEKDAY_ABBREVIATIONS[day.weekday()],
    }


def date_pair(day: dt.date, template: str) -> TranslationPair:
    """The example for ``day`` written in ``template`` (one of :data:`DATE_FORMATS`).

    >>> date_pair(dt.date(2021, 3, 3), "the {day_ordinal} of {month_name} {year}").target
    '2 0 2 1 - 0 3 - 0 3'
    """
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"date {day} outside the supported range {FIRST_DATE} .. {LAST_DATE}")
    values = _field_values(day)
    words: list[str] = []
    alignment: list[tuple[int, int]] = []
    for source_index, template_word in enumerate(template.split()):
        if template_word.startswith("{") and template_word.endswith("}"):
            field = template_word[1:-1]
            if field not in _FIELD_PART:
                raise ValueError(
                    f"unknown field '{field}' in date format '{template}'; "
                    f"choose from {', '.join(_FIELD_PART)}"
                )
            words.append(values[field])
            part = _FIELD_PART[field]
            if part is not None:
                alignment.extend((source_index, j) for j in _PART_POSITIONS[part])
        else:
            words.append(template_word)
    target = " ".join(day.isoformat())
    return TranslationPair(" ".join(words), target, tuple(sorted(alignment, key=lambda a: a[1])))


def _draw_pair(rng: random.Random) -> TranslationPair:
    offset = rng.randint(0, (LAST_DATE - FIRST_DATE).days)
    return date_pair(FIRST_DATE + dt.timedelta(days=offset), rng.choice(DATE_FORMATS))


def generate(split: str, seed: int = 0, size: int | None = None) -> list[TranslationPair]:
    """``size`` date examples of ``split`` (default 20k train, 1k valid, 1k test)."""
    if size is None:
        size = DEFAULT_SIZES.get(split, 0)
    return draw_split("dates", split, seed, size, draw=_draw_pair, key=lambda pair: pair.source)
