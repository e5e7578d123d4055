"""The dates task: every source is read back by an independent strptime parser and must give the
target's date; weekday names, New Year's week and two-digit years are checked explicitly."""

import datetime as dt
import re

import pytest

from core_models.data.tasks import get_task
from core_models.data.tasks.dates import DATE_FORMATS, FIRST_DATE, LAST_DATE, date_pair, generate

SPLITS = ("train", "valid", "test")
# Spelled ordinals, written out here independently of the generator.
ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third",
    "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh", "twenty-eighth",
    "twenty-ninth", "thirtieth", "thirty-first",
)  # fmt: skip
# strptime patterns for the sources once "the", "of" and ordinal endings are removed.
PATTERNS = (
    "%d %B %Y", "%b %d , %y", "%m / %d / %Y", "%A %d %B %Y", "%B %d %Y", "%d . %m . %Y",
    "%d %b %Y", "%Y %B %d", "%B %d , %Y", "%a , %b %d , %Y", "%d %B %y", "%d %B , %Y",
    "%m / %d / %y", "%Y - %m - %d", "%A , %d %B %Y", "%d %b %y",
)  # fmt: skip
NEW_YEAR = [
    dt.date(year, month, day)
    for year in range(1969, 2068)
    for month, day in ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))
]


def read_source(source: str) -> dt.date:
    """The one date that the strptime patterns read in ``source``."""
    words = []
    for word in source.split():
        if word in ("the", "of"):
            continue
        if word in ORDINAL_WORDS:
            word = str(ORDINAL_WORDS.index(word) + 1)
        words.append(re.sub(r"^(\d+)(st|nd|rd|th)$", r"\1", word))
    text = " ".join(words)
    readings = set()
    for pattern in PATTERNS:
        try:
            readings.add(dt.datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    assert len(readings) == 1, f"'{source}' reads as {readings or 'nothing'}"
    return readings.pop()


def read_target(target: str) -> dt.date:
    characters = target.split()
    assert len(characters) == 10 and all(len(c) == 1 for c in characters), target
    return dt.date.fromisoformat("".join(characters))


def check_weekday(source: str, day: dt.date) -> None:
    """A weekday name, if the source has one, is the date's true weekday."""
    full, short = day.strftime("%A").lower(), day.strftime("%a").lower()
    named = [w for w in source.split() if w in WEEKDAYS]
    assert named in ([], [full], [short]), f"'{source}' is a {full}"


WEEKDAYS = {dt.date(2024, 1, d).strftime(f).lower() for d in range(1, 8) for f in ("%A", "%a")}


def check_alignment(pair) -> None:
    """Year, month and day digits of the target come from the word that writes them."""
    source, target = pair.source.split(), pair.target.split()
    day = read_target(pair.target)
    aligned = {}
    for i, j in pair.alignment:
        assert 0 <= i < len(source) and 0 <= j < len(target)
        assert j not in aligned, f"target position {j} aligned twice in {pair}"
        aligned[j] = source[i]
    assert sorted(aligned) == [0, 1, 2, 3, 5, 6, 8, 9]  # every digit, neither dash
    assert all(aligned[j] in (f"{day.year}", f"{day.year % 100:02d}") for j in range(4))
    month_words = {
        str(day.month),
        f"{day.month:02d}",
        day.strftime("%B").lower(),
        day.strftime("%b").lower(),
    }
    assert {aligned[5], aligned[6]} <= month_words
    day_words = {str(day.day), f"{day.day:02d}", ORDINAL_WORDS[day.day - 1]}
    assert re.sub(r"(st|nd|rd|th)$", "", aligned[8]) in day_words or aligned[8] in day_words
    assert aligned[8] == aligned[9]


@pytest.mark.parametrize("template", DATE_FORMATS)
def test_every_format_reads_back_to_its_date(template):
    days = [FIRST_DATE, LAST_DATE, dt.date(2000, 2, 29), dt.date(2024, 2, 29), dt.date(2021, 3, 3)]
    days += [dt.date(2000 + k % 60, 1 + k % 12, 1 + k % 28) for k in range(0, 600, 7)]
    for day in days + NEW_YEAR:
        pair = date_pair(day, template)
        assert pair.source == pair.source.lower()
        assert read_source(pair.source) == day
        assert read_target(pair.target) == day
        check_weekday(pair.source, day)
        check_alignment(pair)


def test_there_are_at_least_twelve_formats_and_generated_data_uses_them_all():
    shapes = {re.sub(r"[a-z0-9-]+", "w", p.source) for p in generate("valid", size=1000)}
    assert len(DATE_FORMATS) >= 12
    assert len(shapes) >= 8  # distinct punctuation/length shapes seen in the data


def test_new_year_dates_keep_their_calendar_year():
    # these are the dates a week-based year (babel's YYYY) gets wrong ...
    assert any(day.isocalendar()[0] != day.year for day in NEW_YEAR)
    # ... and every format writes and targets the calendar year
    for day in NEW_YEAR:
        for template in DATE_FORMATS:
            pair = date_pair(day, template)
            assert pair.target.replace(" ", "")[:4] == f"{day.year:04d}"
            check_weekday(pair.source, day)


def test_two_digit_years_follow_the_posix_pivot():
    assert date_pair(dt.date(1969, 7, 20), "{day} {month_name} {year2}").source == "20 july 69"
    assert date_pair(dt.date(2068, 7, 20), "{day} {month_name} {year2}").source == "20 july 68"
    assert read_source("20 july 69") == dt.date(1969, 7, 20)
    assert read_source("20 july 68") == dt.date(2068, 7, 20)


def test_generated_pairs_read_back_with_true_weekdays():
    pairs = generate("test", seed=5, size=1000)
    assert any(w in WEEKDAYS for p in pairs for w in p.source.split())
    for pair in pairs:
        day = read_target(pair.target)
        assert read_source(pair.source) == day
        check_weekday(pair.source, day)
        check_alignment(pair)


def test_same_seed_same_pairs_other_seed_other_pairs():
    assert generate("valid", seed=2, size=300) == generate("valid", seed=2, size=300)
    assert generate("valid", seed=2, size=300) != generate("valid", seed=3, size=300)


def test_splits_never_share_a_source():
    sources = {s: {p.source for p in generate(s, seed=0, size=1000)} for s in SPLITS}
    assert all(len(found) == 1000 for found in sources.values())
    assert not sources["train"] & sources["valid"]
    assert not sources["train"] & sources["test"]
    assert not sources["valid"] & sources["test"]


def test_registry_default_sizes():
    assert len(get_task("dates").generate("valid")) == 1000


def test_dates_outside_the_two_digit_year_window_are_refused():
    with pytest.raises(ValueError, match="outside the supported range"):
        date_pair(dt.date(1968, 12, 31), DATE_FORMATS[0])


def test_unknown_field_in_a_format_names_the_fields():
    with pytest.raises(ValueError, match="unknown field 'century'"):
        date_pair(dt.date(2000, 1, 1), "{century} {year}")
