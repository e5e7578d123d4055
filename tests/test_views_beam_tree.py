"""The beam tree: hypotheses per step, the returned path, clicks on nodes, export of the whole tree."""

import pytest
from PySide6 import QtCore
from record_factory import make_beam_history
from view_checks import show_view

from app.state.beam_tree import BeamTreeNode, beam_tree_from_history, mark_best_path
from app.state.display import Display
from app.state.selection import Selection
from app.views.beam_tree import BeamTreeView
from app.views.style import LIGHT


@pytest.fixture
def tree():
    return beam_tree_from_history(make_beam_history())


@pytest.fixture
def view(qtbot, tree):
    view = show_view(qtbot, BeamTreeView())
    view.set_tree(tree)
    view.set_state(None, Selection("cross"), Display())
    return view


def node_border(view: BeamTreeView, step: int, index: int) -> str:
    """The colour of the border drawn around node (step, index)."""
    box = next(item for item in view.scene.items() if item.data(0) == (step, index))
    return box.pen().color().name()


def shaded_columns(view: BeamTreeView) -> list[int]:
    """The steps whose column is shaded (the band behind the selected step)."""
    bands = [item for item in view.scene.items() if item.zValue() == -2]
    return [
        step
        for step in sorted({step for step, _ in view.node_rects})
        if any(band.rect().contains(view.node_rects[(step, 0)]) for band in bands)
    ]


def test_history_becomes_a_tree_with_the_best_finished_path_marked(tree):
    assert [len(nodes) for nodes in tree] == [3, 3, 3, 3]
    assert tree[0][0] == BeamTreeNode(0, None, "▁le", -0.22, finished=False, on_best_path=True)
    best = [
        (step, index)
        for step, nodes in enumerate(tree)
        for index, n in enumerate(nodes)
        if n.on_best_path
    ]
    assert best == [(0, 0), (1, 0), (2, 0), (3, 0)]
    assert tree[2][1].finished and tree[2][1].token == "</s>"


def test_an_explicit_best_hypothesis_is_traced_back_to_the_root(tree):
    for marked in (
        beam_tree_from_history(make_beam_history(), best=(3, 1)),
        mark_best_path(tree, (3, 1)),
    ):
        best = [
            (step, index)
            for step, nodes in enumerate(marked)
            for index, n in enumerate(nodes)
            if n.on_best_path
        ]
        assert best == [(0, 0), (1, 1), (2, 2), (3, 1)]


def test_every_hypothesis_gets_a_box(view, tree):
    assert set(view.node_rects) == {
        (s, i) for s, nodes in enumerate(tree) for i in range(len(nodes))
    }


def test_click_on_a_node_reports_its_step_and_index(qtbot, view):
    with qtbot.waitSignal(view.sigNodeClicked, timeout=1000) as clicked:
        qtbot.mouseClick(
            view.canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=view.node_center(2, 1)
        )
    assert clicked.args == [2, 1]


def test_click_between_nodes_reports_nothing(qtbot, view):
    between = view.canvas.mapFromScene(
        view.node_rects[(1, 0)].bottomRight() + QtCore.QPointF(20, 4)
    )
    with qtbot.assertNotEmitted(view.sigNodeClicked):
        qtbot.mouseClick(view.canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=between)


def test_a_clicked_node_is_outlined_and_its_step_shaded_once_the_owner_answers(qtbot, view, tree):
    def answer(step: int, index: int) -> None:  # as the Session and the binding do
        view.set_tree(tree, selected_node=(step, index))
        view.set_state(None, Selection("cross", step=step), Display())

    view.sigNodeClicked.connect(answer)
    assert node_border(view, 2, 1) != LIGHT.highlight and shaded_columns(view) == []
    qtbot.mouseClick(
        view.canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=view.node_center(2, 1)
    )
    assert node_border(view, 2, 1) == LIGHT.highlight and shaded_columns(view) == [2]
    assert node_border(view, 1, 0) != LIGHT.highlight  # only the clicked node


def test_empty_beam_says_there_is_nothing_to_show(qtbot):
    view = show_view(qtbot, BeamTreeView())
    view.set_tree([])
    view.set_state(None, None, Display())
    assert "no beam search" in view.title.text()
