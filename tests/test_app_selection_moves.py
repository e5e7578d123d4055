"""Navigation over a record without Qt: the map shown first, the selection kept across a new
record, tokens tied to decoding steps, heads and layers cycling."""

from record_factory import make_nli_record, make_translation_record

from app.state.selection import MEAN, Selection, TokenRef, default_selection
from app.state.selection_moves import (
    fit_selection,
    next_head,
    next_layer,
    with_step,
    with_token,
)


def test_a_new_translation_opens_on_cross_attention_at_the_last_layer():
    selection = default_selection(make_translation_record(layers=3))
    assert (selection.kind, selection.layer, selection.head) == ("cross", 2, MEAN)
    assert default_selection(make_nli_record()).kind == "premise_to_hypothesis"


def test_the_selection_survives_a_shorter_record_as_far_as_it_can():
    long = make_translation_record(layers=2, heads=4)
    short = make_translation_record(source=["a", "b"], target=["x", "<eos>"], layers=1, heads=2)
    chosen = Selection("decoder_self", 1, 3, step=4, token=TokenRef("source", 5))
    kept = fit_selection(chosen, long)
    assert kept == chosen
    fitted = fit_selection(chosen, short)
    assert fitted == Selection("decoder_self", 0, MEAN, None, None)
    assert fit_selection(chosen, None) is None


def test_a_target_token_is_also_its_decoding_step():
    record = make_translation_record()
    selection = with_token(default_selection(record), record, "target", 2)
    assert selection.token == TokenRef("target", 2) and selection.step == 2
    source = with_token(default_selection(record), record, "source", 2)
    assert source.token == TokenRef("source", 2) and source.step is None
    stepped = with_step(selection, record, 99)
    last = len(record.steps) - 1
    assert stepped.step == last and stepped.token == TokenRef("target", last)


def test_heads_cycle_through_mean_first_and_layers_wrap():
    record = make_translation_record(layers=2, heads=2)
    selection = default_selection(record)
    heads = []
    for _ in range(3):
        selection = next_head(selection, record, 1)
        heads.append(selection.head)
    assert heads == [0, 1, MEAN]
    assert next_head(selection, record, -1).head == 1
    assert next_layer(selection, record, 1).layer == 0  # from the last layer (1) back to 0
