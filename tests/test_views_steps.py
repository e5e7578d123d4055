"""Decoding steps: slider and player over steps, the step's attention row and top-k candidates."""

import numpy as np
import pytest
from record_factory import SOURCE, make_nli_record, make_translation_record
from view_checks import restate, show_view

from app.state.display import Display
from app.state.selection import Selection
from app.views.steps import StepsView
from app.views.style import LIGHT


@pytest.fixture
def record():
    return make_translation_record()


@pytest.fixture
def view(qtbot, record):
    view = show_view(qtbot, StepsView())
    view.set_state(record, Selection("cross", 1, "mean"), Display())
    # the slider only reports a step: answer as the Session does, with the selection at that step
    view.sigStepChanged.connect(lambda step: restate(view, view.selection.with_step(step)))
    return view


def test_moving_the_slider_shows_that_steps_attention_row_and_top_k(qtbot, view, record):
    with qtbot.waitSignal(view.sigStepChanged, timeout=1000) as changed:
        view.slider.setValue(3)
    assert changed.args == [3]
    assert view.step == 3 and view.selection.step == 3
    assert view.candidates == record.steps[3].top_k
    assert view.candidate_axis.tokens == [token for token, _ in record.steps[3].top_k]
    np.testing.assert_allclose(view.attention_row, record.get("cross", 1).weights.mean(0)[3])
    assert view.key_axis.tokens == SOURCE
    assert f"'{record.steps[3].token}'" in view.step_label.text()


def test_selection_step_moves_the_slider_without_echoing_a_change(qtbot, view, record):
    with qtbot.assertNotEmitted(view.sigStepChanged):
        restate(view, Selection("cross", 1, 2, step=5))
    assert view.slider.value() == 5
    np.testing.assert_allclose(view.attention_row, record.get("cross", 1).weights[2][5])


def test_chosen_token_and_selected_source_token_are_emphasised(view, record):
    restate(view, Selection("cross", 1, "mean", step=2).with_token("source", 1))
    assert view.row_bars.opts["brushes"][1] == LIGHT.highlight
    assert view.row_bars.opts["brushes"][0] == LIGHT.accent
    assert view.candidate_bars.opts["brushes"][0] == LIGHT.highlight  # the chosen token is top-1


def test_play_runs_to_the_last_step_and_stops(qtbot, view, record):
    view.timer.setInterval(5)
    view.play_button.setChecked(True)
    qtbot.waitUntil(lambda: not view.play_button.isChecked(), timeout=3000)
    assert view.step == len(record.steps) - 1


def test_record_without_decoder_attention_says_so(view):
    restate(view, record=make_nli_record())
    assert view.attention_row.size == 0
    assert not view.slider.isEnabled()
    assert "no decoder attention" in view.row_plot.titleLabel.text
