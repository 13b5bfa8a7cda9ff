"""utils.lessons.neurons: 문턱 뉴런, 퍼셉트론, NumPy MLP 와 잘못된 입력 처리."""

from __future__ import annotations

import numpy as np
import pytest

from utils.lessons.neurons import (
    GATES,
    MLP,
    Perceptron,
    binary_inputs,
    check_Xy,
    fit_many,
    relative_error,
    sigmoid,
    step,
    threshold_neuron,
)

X2 = binary_inputs(2)


# -- 진리표와 문턱 뉴런 ---------------------------------------------------------
def test_binary_inputs_order_and_shape():
    assert binary_inputs(2).tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert binary_inputs(3).shape == (8, 3)
    with pytest.raises(ValueError, match="n"):
        binary_inputs(0)


def test_step_is_one_at_zero():
    assert step([-0.5, 0.0, 2.0]).tolist() == [0, 1, 1]


@pytest.mark.parametrize("gate, w, theta", [("AND", [1, 1], 2), ("OR", [1, 1], 1), ("NAND", [-1, -1], -1)])
def test_threshold_neuron_gates(gate, w, theta):
    assert threshold_neuron(X2, w, theta).tolist() == GATES[gate].tolist()


def test_threshold_neuron_not():
    assert threshold_neuron([[0], [1]], [-1], 0).tolist() == [1, 0]


def test_threshold_neuron_bad_input():
    with pytest.raises(ValueError, match="특징 수"):
        threshold_neuron(X2, [1, 1, 1], 1)
    with pytest.raises(ValueError, match="NaN"):
        threshold_neuron([[np.nan, 1]], [1, 1], 1)
    with pytest.raises(ValueError, match="NaN"):
        threshold_neuron(X2, [1, np.nan], 1)
    with pytest.raises(ValueError, match="1차원"):
        threshold_neuron(X2, [[1, 1]], 1)


# -- 입력 검사 -----------------------------------------------------------------
@pytest.mark.parametrize(
    "X, y, message",
    [
        ([0, 1, 1, 0], [0, 1, 1, 0], "2차원"),
        (X2, [0, 1, 1], "샘플 수"),
        (X2, [0, 1, 2, 0], "0과 1"),
        (X2, [0, 0.5, 1, 0], "0과 1"),
        (X2, [0, 1, np.nan, 0], "NaN"),
        ([[0, np.nan], [1, 1]], [0, 1], "NaN"),
        ([[0, np.inf], [1, 1]], [0, 1], "NaN"),
        (X2, [[0, 1], [1, 0], [0, 1], [1, 0]], r"\(n,\)"),
        (np.zeros((0, 2)), [], "샘플이 하나도"),
        ([["a", "b"]], [0], "숫자 배열"),
    ],
)
def test_check_xy_rejects_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        check_Xy(X, y)


def test_check_xy_accepts_column_vector_and_bools():
    X, y = check_Xy(X2, np.array([[0], [1], [1], [0]]))
    assert y.shape == (4,) and X.dtype == np.float64
    _, y = check_Xy(X2, np.array([False, True, True, False]))
    assert y.tolist() == [0, 1, 1, 0]


# -- 퍼셉트론 ------------------------------------------------------------------
@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_perceptron_learns_linearly_separable_gates(gate):
    p = Perceptron()
    hist = p.fit(X2, GATES[gate], max_epochs=50)
    assert hist.converged_epoch is not None and hist.converged_epoch <= 10
    assert p.score(X2, GATES[gate]) == 1.0
    assert hist.accuracy[-1] == 1.0 and hist.errors[-1] == 0
    assert len(hist.weights) == len(hist.accuracy) == hist.epochs + 1
    assert len(hist.steps) == 1 + 4 * hist.epochs


def test_perceptron_update_rule_by_hand():
    # w=0, b=0: 첫 샘플 (0,0) 은 z=0 → 1 로 예측, 목표 0 → b 만 −1
    p = Perceptron()
    p.train_epoch(X2[:1], [0])
    assert p.w.tolist() == [0, 0] and p.b == -1
    # (1,1) 은 z=−1 → 0, 목표 1 → w += x, b += 1
    p.train_epoch(X2[3:], [1])
    assert p.w.tolist() == [1, 1] and p.b == 0


def test_perceptron_never_learns_xor_and_cycles():
    for init in ["zeros", 0, 1, 2]:
        p = Perceptron(init=init)
        hist = p.fit(X2, GATES["XOR"], max_epochs=200)
        assert hist.converged_epoch is None
        assert max(hist.accuracy) <= 0.75
    # 0 에서 시작하면 정수 계산이라 같은 상태가 정확히 반복됩니다
    hist = Perceptron().fit(X2, GATES["XOR"], max_epochs=20)
    states = hist.steps
    assert any(states[i] == states[j] for i in range(len(states)) for j in range(i + 1, len(states)))


def test_perceptron_bad_arguments():
    with pytest.raises(ValueError, match="learning_rate"):
        Perceptron(learning_rate=0)
    with pytest.raises(ValueError, match="learning_rate"):
        Perceptron(learning_rate=float("nan"))
    with pytest.raises(ValueError, match="init"):
        Perceptron(init="random")
    with pytest.raises(ValueError, match="n_inputs"):
        Perceptron(n_inputs=0)
    p = Perceptron()
    with pytest.raises(ValueError, match="max_epochs"):
        p.fit(X2, GATES["AND"], max_epochs=0)
    with pytest.raises(ValueError, match="0과 1"):
        p.fit(X2, [0, 0, 0, 2])
    with pytest.raises(ValueError, match="특징 수"):
        p.predict(binary_inputs(3))
    with pytest.raises(ValueError, match="NaN"):
        p.fit([[0, 0], [np.nan, 1]], [0, 1])


# -- MLP -----------------------------------------------------------------------
def test_sigmoid_stable_and_correct():
    z = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(z)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert np.isclose(s[3], 1 / (1 + np.exp(-1)))


def test_mlp_shapes_and_forward():
    m = MLP(n_inputs=2, n_hidden=3, seed=0)
    c = m.forward(X2)
    assert c["a1"].shape == (4, 3) and c["p"].shape == (4,)
    assert np.all((c["p"] > 0) & (c["p"] < 1))
    assert m.hidden(X2).shape == (4, 3)
    assert m.predict(X2).dtype == np.int64


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("hidden", [1, 2, 5])
def test_backprop_matches_finite_differences(activation, hidden):
    m = MLP(2, hidden, activation=activation, seed=3)
    y = GATES["XOR"]
    err = relative_error(m.gradients(X2, y), m.numerical_gradients(X2, y))
    assert err < 1e-6, err


def test_loss_matches_plain_formula():
    m = MLP(2, 2, seed=1)
    p = m.predict_proba(X2)
    y = GATES["XOR"]
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert np.isclose(m.loss(X2, y), expected, rtol=1e-12)


def test_mlp_learns_xor_for_a_good_seed():
    m = MLP(2, 2, seed=4)
    losses = m.fit(X2, GATES["XOR"], epochs=2000, learning_rate=1.0)
    assert m.score(X2, GATES["XOR"]) == 1.0
    assert losses[-1] < 0.05 < losses[0]


def test_fit_many_matches_individual_fits():
    seeds = [0, 4, 6]
    r = fit_many(X2, GATES["XOR"], n_hidden=2, seeds=seeds, epochs=300, learning_rate=1.0)
    for i, s in enumerate(seeds):
        m = MLP(2, 2, seed=s)
        losses = m.fit(X2, GATES["XOR"], epochs=300, learning_rate=1.0)
        assert np.allclose(r["losses"][:, i], losses, rtol=1e-10, atol=1e-12)
        for k in m.params:
            assert np.allclose(r["params"][i][k], m.params[k], rtol=1e-10, atol=1e-12)
        assert np.isclose(r["final_loss"][i], m.loss(X2, GATES["XOR"]), rtol=1e-10)
        assert r["accuracy"][i] == m.score(X2, GATES["XOR"])


def test_fit_many_start_continues_training():
    seeds = [0, 6]
    first = fit_many(X2, GATES["XOR"], n_hidden=2, seeds=seeds, epochs=200)
    more = fit_many(X2, GATES["XOR"], n_hidden=2, seeds=seeds, epochs=100, start=first["params"])
    whole = fit_many(X2, GATES["XOR"], n_hidden=2, seeds=seeds, epochs=300)
    assert np.allclose(np.vstack([first["losses"], more["losses"]]), whole["losses"], rtol=1e-10, atol=1e-12)
    for i in range(len(seeds)):
        for k in whole["params"][i]:
            assert np.allclose(more["params"][i][k], whole["params"][i][k], rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="start"):
        fit_many(X2, GATES["XOR"], n_hidden=2, seeds=seeds, epochs=10, start=first["params"][:1])


def test_get_set_params_roundtrip_and_validation():
    m = MLP(2, 2, seed=0)
    p = m.get_params()
    p["W1"][0, 0] = 123.0
    assert m.params["W1"][0, 0] != 123.0  # 복사본
    m.set_params(p)
    assert m.params["W1"][0, 0] == 123.0
    with pytest.raises(ValueError, match="모양"):
        m.set_params({**p, "W2": np.zeros((3, 1))})
    with pytest.raises(ValueError, match="NaN"):
        m.set_params({**p, "b1": np.array([np.nan, 0.0])})
    with pytest.raises(ValueError, match="키"):
        m.set_params({"W1": p["W1"]})


def test_mlp_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        MLP(activation="relu6")
    with pytest.raises(ValueError, match="n_hidden"):
        MLP(n_hidden=0)
    with pytest.raises(ValueError, match="seed"):
        MLP(seed=-1)
    m = MLP()
    with pytest.raises(ValueError, match="특징 수"):
        m.forward(binary_inputs(3))
    with pytest.raises(ValueError, match="0과 1"):
        m.fit(X2, [0, 1, 1, 3])
    with pytest.raises(ValueError, match="NaN"):
        m.gradients(X2, [0, 1, np.nan, 0])
    with pytest.raises(ValueError, match="NaN"):
        m.loss([[0, 0], [np.inf, 1]], [0, 1])
    with pytest.raises(ValueError, match="learning_rate"):
        m.fit(X2, GATES["XOR"], learning_rate=-1)
    with pytest.raises(ValueError, match="seeds"):
        fit_many(X2, GATES["XOR"], 2, seeds=[])


def test_relative_error():
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error({"a": np.zeros(2)}, {"a": np.zeros(2)}) == 0.0
    with pytest.raises(ValueError, match="모양"):
        relative_error(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="키"):
        relative_error({"a": 1}, {"b": 1})


# -- 그림 ----------------------------------------------------------------------
def test_plot_linear_classifier_draws_regions_line_and_points():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from utils.plots import plot_linear_classifier

    fig, axes = plt.subplots(1, 2)
    ax = plot_linear_classifier([1, 1], -1.5, X2, GATES["AND"], ax=axes[0], title="AND")
    assert ax.get_title() == "AND"
    assert len(ax.collections) >= 4  # 영역, 경계선, 점 두 묶음
    # w = 0: 모든 곳이 1 — 경계선 없이도 경고 없이 그린다
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_linear_classifier([0, 0], 0, X2, GATES["AND"], ax=axes[1], legend=False)
    assert axes[1].get_legend() is None
    plt.close(fig)


def test_plot_linear_classifier_bad_input():
    from utils.plots import plot_linear_classifier

    with pytest.raises(ValueError, match="원소 2개"):
        plot_linear_classifier([1, 1, 1], 0, X2, GATES["AND"])
    with pytest.raises(ValueError, match="NaN"):
        plot_linear_classifier([1, np.nan], 0, X2, GATES["AND"])
    with pytest.raises(ValueError, match="0과 1"):
        plot_linear_classifier([1, 1], 0, X2, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="특징 수"):
        plot_linear_classifier([1, 1], 0, binary_inputs(3), np.zeros(8))


def test_backprop_lives_once_fit_many_uses_the_mlp_backward(monkeypatch):
    # fit_many 는 자기 역전파를 따로 갖지 않고 MLP 와 같은 _backward 를 부른다
    from utils.lessons import neurons

    calls = []
    original = neurons._backward

    def spy(params, cache, y, activation):
        calls.append(params["W1"].shape)
        return original(params, cache, y, activation)

    monkeypatch.setattr(neurons, "_backward", spy)
    fit_many(X2, GATES["XOR"], n_hidden=3, seeds=[0, 1], epochs=5)
    assert calls == [(2, 2, 3)] * 5  # 시드 2개를 쌓은 (R, d, h) 로 5 스텝
    calls.clear()
    MLP(2, 3, seed=0).fit(X2, GATES["XOR"], epochs=4)
    assert calls == [(2, 3)] * 4


def test_batched_gradients_equal_per_model_gradients():
    from utils.lessons import neurons

    models = [MLP(2, 3, activation="tanh", seed=s) for s in (1, 2, 3)]
    stacked = {
        "W1": np.stack([m.params["W1"] for m in models]),
        "b1": np.stack([m.params["b1"] for m in models])[:, None, :],
        "W2": np.stack([m.params["W2"] for m in models]),
        "b2": np.stack([m.params["b2"] for m in models])[:, None, :],
    }
    y = GATES["XOR"].astype(float)
    g = neurons._backward(stacked, neurons._forward(stacked, X2.astype(float), "tanh"), y, "tanh")
    for i, m in enumerate(models):
        single = m.gradients(X2, y)
        for k in single:
            np.testing.assert_allclose(g[k][i].reshape(single[k].shape), single[k], rtol=1e-12, atol=1e-15)
