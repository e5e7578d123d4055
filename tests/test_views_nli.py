"""NLI label probabilities: one bar per label, the predicted one emphasised, the gold one marked."""

import pytest
from view_checks import show_view

from app.views.nli import NLI_LABELS, NLIView
from app.views.style import DARK, LIGHT


@pytest.fixture
def view(qtbot):
    view = show_view(qtbot, NLIView())
    view.set_prediction(
        [0.12, 0.08, 0.80], "a man is playing a guitar", "nobody plays", gold="contradiction"
    )
    return view


def test_predicted_label_is_the_most_probable(view):
    assert view.predicted == "contradiction"


def test_label_bars_stack_in_label_order(view):
    tops = [view.bar_rect(label).top() for label in NLI_LABELS]
    assert tops == sorted(tops)


def test_predicted_bar_is_drawn_in_the_highlight_colour_to_its_length(view):
    image = view.grab().toImage()
    slot = view.bar_rect("contradiction")
    y = int(slot.center().y())
    assert image.pixelColor(int(slot.left() + 0.75 * slot.width()), y).name() == LIGHT.highlight
    assert image.pixelColor(int(slot.left() + 0.85 * slot.width()), y).name() == LIGHT.panel


def test_probabilities_by_label_name_are_accepted(view):
    view.set_prediction({"entailment": 0.7, "neutral": 0.2, "contradiction": 0.1})
    assert view.predicted == "entailment"


def test_wrong_number_of_probabilities_is_refused(view):
    with pytest.raises(ValueError, match="expected 3 probabilities"):
        view.set_prediction([0.5, 0.5])
    with pytest.raises(ValueError, match="unknown gold label 'maybe'"):
        view.set_prediction([0.2, 0.3, 0.5], gold="maybe")


def test_dark_theme_recolours_the_bars(view):
    view.set_theme("dark")
    slot = view.bar_rect("contradiction")
    pixel = view.grab().toImage().pixelColor(int(slot.left() + 10), int(slot.center().y()))
    assert pixel.name() == DARK.highlight
