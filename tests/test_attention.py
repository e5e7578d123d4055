"""core_models.attention itself: the masked softmax's promises, every scorer against its formula
written out here, keys prepared once, local windows (Luong et al. 2015 §3.2), hard attention and
multi-head attention with padding."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core_models.attention import (
    SCORE_NAMES,
    LocalWindow,
    MultiHeadAttention,
    causal_mask,
    hard_attention,
    make_score,
    masked_softmax,
    sequence_mask,
)

NEG_INF = float("-inf")

# --- masked softmax ---------------------------------------------------------------------------


def test_masked_keys_get_exactly_zero_and_rows_sum_to_one():
    scores = torch.randn(2, 3, 5)
    weights = masked_softmax(scores, valid_lens=torch.tensor([5, 2]))
    assert torch.all(weights[1, :, 2:] == 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3))
    torch.testing.assert_close(weights[1, :, :2], torch.softmax(scores[1, :, :2], dim=-1))


def test_per_query_lengths_mask_each_row_and_a_keep_mask_adds_to_them():
    scores = torch.randn(1, 3, 4)
    keep = torch.tensor([True, False, True, True])
    weights = masked_softmax(scores, valid_lens=torch.tensor([[1, 3, 4]]), keep=keep)
    kept = torch.tensor([[1, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 1]], dtype=torch.bool)
    assert torch.all(weights[0][~kept] == 0)
    assert torch.all(weights[0][kept] > 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(1, 3))


def test_lengths_that_fit_no_score_shape_are_named():
    with pytest.raises(ValueError, match="2 per-query lengths but scores have 3 queries"):
        masked_softmax(torch.randn(1, 3, 4), valid_lens=torch.tensor([[1, 2]]))
    with pytest.raises(ValueError, match=r"must be \(batch,\) or \(batch, queries\)"):
        masked_softmax(torch.randn(1, 3, 4), valid_lens=torch.ones(1, 3, 1))


def test_a_row_with_no_valid_key_is_all_zeros():
    weights = masked_softmax(torch.randn(2, 2, 3), valid_lens=torch.tensor([0, 3]))
    assert torch.all(weights[0] == 0)
    torch.testing.assert_close(weights[1].sum(-1), torch.ones(2))


@pytest.mark.parametrize("masked", [False, True])
def test_keys_scored_minus_infinity_get_zero_and_an_all_minus_infinity_row_is_zeros(masked):
    scores = torch.tensor([[[0.5, NEG_INF, 1.0], [NEG_INF, NEG_INF, NEG_INF]]])
    weights = masked_softmax(scores, valid_lens=torch.tensor([3]) if masked else None)
    assert not torch.isnan(weights).any()
    assert weights[0, 0, 1] == 0 and torch.all(weights[0, 1] == 0)
    torch.testing.assert_close(weights[0, 0, [0, 2]], torch.softmax(torch.tensor([0.5, 1.0]), -1))


BIG = torch.finfo(torch.float32).max
score_values = st.one_of(
    st.floats(-BIG, BIG, width=32), st.just(NEG_INF), st.sampled_from([BIG, -BIG, 0.0])
)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    queries=st.integers(1, 4),
    keys=st.integers(1, 5),
    use_lengths=st.booleans(),
)
def test_masked_softmax_is_never_nan(data, queries, keys, use_lengths):
    """Large, tiny and -inf scores, any lengths (0 included): weights in [0, 1], 0 where masked,
    each row summing to 1 or, with no valid finite key, to 0."""
    values = data.draw(st.lists(score_values, min_size=queries * keys, max_size=queries * keys))
    scores = torch.tensor(values, dtype=torch.float32).view(1, queries, keys)
    lengths = torch.tensor([data.draw(st.integers(0, keys))]) if use_lengths else None
    weights = masked_softmax(scores, valid_lens=lengths)
    assert not torch.isnan(weights).any()
    assert torch.all((weights >= 0) & (weights <= 1))
    valid = scores > NEG_INF
    if lengths is not None:
        valid = valid & (torch.arange(keys) < lengths)
    assert torch.all(weights[~valid] == 0)
    sums = weights.sum(-1)
    has_key = valid.any(-1)
    torch.testing.assert_close(sums[has_key], torch.ones_like(sums[has_key]))
    assert torch.all(sums[~has_key] == 0)


def test_causal_mask_lets_each_query_see_itself_and_the_past():
    assert causal_mask(3, 3).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    assert causal_mask(1, 4).tolist() == [[1, 1, 1, 1]]  # the last query of an incremental step


# --- scorers ----------------------------------------------------------------------------------

QUERY, KEY, HIDDEN = 4, 3, 5


def direct_scores(name, score, queries, keys):
    """The formula of each scorer, one (query, key) pair at a time, from its own weights."""
    batch, q_len, _ = queries.shape
    out = torch.zeros(batch, q_len, keys.shape[1])
    for b in range(batch):
        for i in range(q_len):
            for j in range(keys.shape[1]):
                q, k = queries[b, i], keys[b, j]
                if name == "additive":  # v · tanh(W_q q + W_k k)
                    hidden = score.query_proj.weight @ q + score.key_proj.weight @ k
                    value = score.v.weight[0] @ torch.tanh(hidden)
                elif name == "concat":  # v · tanh(W [q; k])
                    value = score.v.weight[0] @ torch.tanh(score.proj.weight @ torch.cat([q, k]))
                elif name == "dot":
                    value = q @ k
                elif name == "scaled_dot":
                    value = q @ k / math.sqrt(q.shape[0])
                elif name == "general":  # q · W k
                    value = q @ (score.key_proj.weight @ k)
                else:  # location: (W_a q + b)_j, the key itself unused
                    value = score.proj.weight[j] @ q + score.proj.bias[j]
                out[b, i, j] = value
    return out


def build(name):
    key_size = QUERY if name in ("dot", "scaled_dot") else KEY
    return make_score(name, QUERY, key_size, HIDDEN, max_keys=6), key_size


@pytest.mark.parametrize("name", SCORE_NAMES)
def test_each_scorer_computes_its_formula(name):
    score, key_size = build(name)
    queries, keys = torch.randn(2, 3, QUERY), torch.randn(2, 4, key_size)
    with torch.no_grad():
        torch.testing.assert_close(score(queries, keys), direct_scores(name, score, queries, keys))


@pytest.mark.parametrize("name", SCORE_NAMES)
def test_keys_prepared_once_score_every_step_like_the_scorer(name):
    score, key_size = build(name)
    keys = torch.randn(2, 4, key_size)
    prepared = score.prepare_keys(keys)
    for _ in range(3):  # decoding steps: one query each
        query = torch.randn(2, 1, QUERY)
        torch.testing.assert_close(score.score_prepared(query, prepared), score(query, keys))


def test_scaled_dot_is_dot_over_the_square_root_of_the_size():
    queries, keys = torch.randn(2, 3, 16), torch.randn(2, 5, 16)
    torch.testing.assert_close(
        make_score("scaled_dot", 16, 16)(queries, keys),
        make_score("dot", 16, 16)(queries, keys) / 4,
    )


def test_location_refuses_more_keys_than_it_was_built_for():
    score = make_score("location", QUERY, KEY, max_keys=3)
    with pytest.raises(ValueError, match="at most 3 source positions, got 4"):
        score.prepare_keys(torch.randn(1, 4, KEY))


@pytest.mark.parametrize(
    ("name", "sizes", "message"),
    [
        ("dot", (4, 3), "'dot' attention needs equal query and key sizes, got 4 and 3"),
        ("scaled_dot", (4, 3), "'scaled_dot' attention needs equal query and key sizes"),
        ("location", (4, 3), "'location' attention needs max_keys > 0"),
        ("bilinear", (4, 4), "unknown attention score 'bilinear'; choose one of additive, dot"),
    ],
)
def test_a_scorer_that_cannot_be_built_says_why(name, sizes, message):
    with pytest.raises(ValueError, match=message):
        make_score(name, *sizes)


# --- local windows (Luong et al. 2015 §3.2) ----------------------------------------------------


def kept_positions(keep):
    """keep (Q, K) bool -> the kept positions of each query."""
    return [row.nonzero().flatten().tolist() for row in keep]


def test_local_m_windows_stop_at_the_sentence_edges():
    """S = 5, D = 1: p_t = t, held at S - 1 = 4 once the steps pass the source."""
    window = LocalWindow("local-m", 1, 4)
    steps = torch.arange(8)
    keep, prior, centres = window(torch.randn(1, 8, 4), steps, torch.tensor([5]), 7)
    assert prior is None
    assert centres[0].tolist() == [0, 1, 2, 3, 4, 4, 4, 4]
    assert kept_positions(keep[0]) == [
        [0, 1],  # the first step: nothing left of position 0
        [0, 1, 2],
        [1, 2, 3],
        [2, 3, 4],
        [3, 4],  # S - 1: nothing right of the last source token (5, 6 are padding)
        [3, 4],
        [3, 4],
        [3, 4],
    ]


def test_local_p_centres_span_zero_to_s_minus_one_and_windows_stop_at_the_edges():
    """p_t = (S - 1) · sigmoid(v_p · tanh(W_p h_t)): with the gate driven to 0 or 1 the window
    sits at the first or the last source token and is cut there."""
    window = LocalWindow("local-p", 2, 4)
    with torch.no_grad():
        window.position_proj.weight.copy_(torch.eye(4) * 50)
        window.position_v.weight.copy_(torch.tensor([[100.0, 0, 0, 0]]))
    queries = torch.zeros(1, 2, 4)
    queries[0, 0, 0], queries[0, 1, 0] = -1.0, 1.0  # gate 0, then gate 1
    keep, _, centres = window(queries, torch.arange(2), torch.tensor([6]), 8)
    torch.testing.assert_close(centres, torch.tensor([[0.0, 5.0]]))
    assert kept_positions(keep[0]) == [[0, 1, 2], [3, 4, 5]]


def test_local_p_prior_is_a_gaussian_of_sigma_d_over_two_around_the_centre():
    window = LocalWindow("local-p", 2, 4)
    queries = torch.randn(1, 3, 4)
    src_lens = torch.tensor([7])
    keep, prior, centres = window(queries, torch.arange(3), src_lens, 7)
    distance = torch.arange(7.0).view(1, 1, -1) - centres.unsqueeze(-1)
    torch.testing.assert_close(prior, -(distance**2) / (2 * 1.0**2))  # sigma = D / 2 = 1
    rounded = centres.round().unsqueeze(-1)
    assert torch.equal(keep, (torch.arange(7.0) - rounded).abs() <= 2)
    # Luong multiplies the aligned weights by the Gaussian: the same weights renormalised
    scores = torch.randn(1, 3, 7)
    gaussian = torch.exp(-(distance**2) / 2)
    aligned = torch.softmax(scores.masked_fill(~keep, NEG_INF), dim=-1) * gaussian
    torch.testing.assert_close(
        masked_softmax(scores + prior, keep=keep), aligned / aligned.sum(-1, keepdim=True)
    )


def test_local_p_with_no_width_keeps_one_position_and_a_finite_prior():
    """D = 0: sigma would be 0; it is held at 0.5, and the window is the rounded centre alone."""
    window = LocalWindow("local-p", 0, 4)
    keep, prior, centres = window(torch.randn(2, 3, 4), torch.arange(3), torch.tensor([5, 1]), 5)
    assert torch.all(keep.sum(-1) == 1)
    assert torch.all(torch.isfinite(prior))
    distance = torch.arange(5.0).view(1, 1, -1) - centres.unsqueeze(-1)
    torch.testing.assert_close(prior, -(distance**2) / (2 * 0.5**2))
    assert torch.all(centres[1] == 0)  # a one-token source: the only centre there is


def test_local_windows_never_reach_padding():
    for mode in ("local-m", "local-p"):
        window = LocalWindow(mode, 3, 4)
        keep, _, _ = window(torch.randn(2, 6, 4), torch.arange(6), torch.tensor([6, 2]), 6)
        assert not keep[1, :, 2:].any()
        assert keep.any(-1).all()  # every query keeps at least one source position


@pytest.mark.parametrize(
    ("mode", "window", "message"),
    [
        ("local", 2, "unknown local attention 'local'; choose one of local-m, local-p"),
        ("local-m", -1, "window D must be >= 0, got -1"),
    ],
)
def test_a_bad_window_says_why(mode, window, message):
    with pytest.raises(ValueError, match=message):
        LocalWindow(mode, window, 4)


# --- hard attention -----------------------------------------------------------------------------


def test_hard_attention_in_eval_is_one_hot_at_the_best_valid_key():
    scores = torch.tensor([[[0.1, 2.0, 0.3, 9.0], [5.0, 0.2, 0.1, 0.0]]])
    keep = sequence_mask(torch.tensor([3]), 4).unsqueeze(1)  # key 3 is padding
    weights = hard_attention(scores, keep, training=False)
    assert weights.tolist() == [[[0, 1, 0, 0], [1, 0, 0, 0]]]


def test_hard_attention_row_with_no_valid_key_is_all_zeros():
    keep = torch.zeros(1, 1, 3, dtype=torch.bool)
    for training in (False, True):
        assert torch.all(hard_attention(torch.randn(1, 1, 3), keep, training) == 0)


def test_hard_attention_in_training_is_one_hot_with_the_gumbel_softmax_gradient():
    """Straight-through: the forward pass is one-hot, the gradient that of the soft sample."""
    scores = torch.randn(2, 3, 5, requires_grad=True)
    keep = sequence_mask(torch.tensor([5, 3]), 5).unsqueeze(1)
    upstream = torch.randn(2, 3, 5)
    torch.manual_seed(7)
    weights = hard_attention(scores, keep, training=True, temperature=0.5)
    (weights * upstream).sum().backward()
    assert torch.all((weights == 0) | (weights == 1))
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3))
    assert torch.all(weights[1, :, 3:] == 0)

    torch.manual_seed(7)  # the same Gumbel noise, written out
    soft_scores = scores.detach().clone().requires_grad_()
    filled = soft_scores.masked_fill(~keep, torch.finfo(scores.dtype).min)
    uniform = torch.rand_like(filled).clamp(1e-10, 1 - 1e-10)
    soft = torch.softmax((filled - torch.log(-torch.log(uniform))) / 0.5, dim=-1)
    (soft * keep * upstream).sum().backward()
    torch.testing.assert_close(
        weights.detach(),
        torch.zeros_like(soft).scatter_(-1, soft.argmax(-1, keepdim=True), 1.0) * keep,
    )
    torch.testing.assert_close(scores.grad, soft_scores.grad)
    assert scores.grad.abs().sum() > 0


# --- multi-head attention -----------------------------------------------------------------------


def test_multi_head_weights_have_a_row_per_head_and_query_over_valid_keys_only():
    attention = MultiHeadAttention(d_model=8, heads=2).eval()
    query, memory = torch.randn(3, 4, 8), torch.randn(3, 6, 8)
    keep = sequence_mask(torch.tensor([6, 3, 1]), 6).view(3, 1, 1, 6)
    output, weights = attention(query, memory, memory, keep=keep, capture=True)
    assert output.shape == (3, 4, 8) and weights.shape == (3, 2, 4, 6)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, 2, 4))
    assert torch.all(weights[1, ..., 3:] == 0) and torch.all(weights[2, ..., 1:] == 0)
    fast, none = attention(query, memory, memory, keep=keep, capture=False)
    assert none is None
    torch.testing.assert_close(fast, output)


def test_multi_head_padding_keys_do_not_change_the_output():
    attention = MultiHeadAttention(d_model=8, heads=4).eval()
    query, memory = torch.randn(1, 2, 8), torch.randn(1, 3, 8)
    padded = torch.cat([memory, torch.randn(1, 2, 8)], dim=1)
    keep = sequence_mask(torch.tensor([3]), 5).view(1, 1, 1, 5)
    short, _ = attention(query, memory, memory, capture=True)
    long, _ = attention(query, padded, padded, keep=keep, capture=True)
    torch.testing.assert_close(long, short)


def test_each_head_attends_with_its_own_slice_of_the_projections():
    attention = MultiHeadAttention(d_model=6, heads=3).eval()
    query, memory = torch.randn(1, 2, 6), torch.randn(1, 4, 6)
    _, weights = attention(query, memory, memory, capture=True)
    q = attention.query_proj(query)[0].view(2, 3, 2)  # (Q, heads, head_size)
    k = attention.key_proj(memory)[0].view(4, 3, 2)
    for head in range(3):
        expected = torch.softmax(q[:, head] @ k[:, head].T / math.sqrt(2), dim=-1)
        torch.testing.assert_close(weights[0, head], expected)


def test_heads_must_divide_the_model_size():
    with pytest.raises(ValueError, match=r"d_model \(10\) must be divisible by heads \(4\)"):
        MultiHeadAttention(d_model=10, heads=4)
