"""utils.lessons.training: 층별 기울기·활성화 측정과 여러 시드 실험 도우미."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from utils.lessons import training

keras = pytest.importorskip("keras")


def _model(activation="relu", depth=3, width=8, dropout=None, initializer="glorot_uniform"):
    keras.utils.set_random_seed(0)
    layers = [keras.Input(shape=(4,))]
    for _ in range(depth):
        layers.append(keras.layers.Dense(width, activation=activation, kernel_initializer=initializer))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(3, activation="softmax"))
    return keras.Sequential(layers)


def _data(n=32):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, 4)).astype("float32"), rng.integers(0, 3, n)


# --- gradient_norms ---------------------------------------------------------
def test_gradient_norms_one_row_per_dense_layer_in_order():
    x, y = _data()
    model = _model(depth=3)
    before = [w.numpy().copy() for w in model.trainable_weights]
    table = training.gradient_norms(model, x, y)
    assert list(table["layer"]) == [1, 2, 3, 4]
    assert list(table["units"]) == [8, 8, 8, 3]
    assert (table["grad_norm"] > 0).all() and (table["weight_norm"] > 0).all()
    # 가중치는 바뀌지 않는다
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(before, model.trainable_weights))


def test_gradient_norms_match_manual_tape():
    import tensorflow as tf

    x, y = _data()
    model = _model(depth=2)
    loss = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        value = loss(y, model(x))
    grads = tape.gradient(value, [model.layers[0].kernel])
    table = training.gradient_norms(model, x, y, loss=loss)
    assert table["grad_norm"].iloc[0] == pytest.approx(float(tf.norm(grads[0])), rel=1e-5)


def test_gradient_norms_sigmoid_vanishes_relu_does_not():
    x, y = _data(64)
    sig = training.gradient_norms(_model("sigmoid", depth=8), x, y)["grad_norm"]
    relu = training.gradient_norms(_model("relu", depth=8, initializer="he_normal"), x, y)["grad_norm"]
    assert sig.iloc[-1] / sig.iloc[0] > 100
    assert relu.iloc[-1] / relu.iloc[0] < 20


def test_gradient_norms_uses_compiled_loss_string():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    table = training.gradient_norms(model, x, y)
    assert len(table) == 4
    # 문자열 손실(표본별 값을 돌려주는 함수)도 평균 손실의 기울기: 손실 객체를 직접 준 것과 같다
    explicit = training.gradient_norms(model, x, y, loss=keras.losses.SparseCategoricalCrossentropy())
    np.testing.assert_allclose(table["grad_norm"], explicit["grad_norm"], rtol=1e-5)


@pytest.mark.parametrize(
    "args, message",
    [
        (("not a model", np.zeros((2, 4)), np.zeros(2)), "keras 모델"),
        ((None, np.zeros((0, 4)), np.zeros(0)), "비어 있지 않은"),
        ((None, np.zeros(4), np.zeros(4)), "비어 있지 않은"),
        ((None, np.zeros((3, 4)), np.zeros(2)), "샘플 수가 같아야"),
        ((None, np.full((2, 4), np.nan), np.zeros(2)), "NaN"),
    ],
)
def test_gradient_norms_bad_input(args, message):
    model = _model()
    args = tuple(model if a is None else a for a in args)
    with pytest.raises(ValueError, match=message):
        training.gradient_norms(*args)


def test_gradient_norms_bad_loss_and_unbuilt_model():
    x, y = _data()
    with pytest.raises(ValueError, match="loss"):
        training.gradient_norms(_model(), x, y, loss=42)
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="build"):
        training.gradient_norms(unbuilt, x, y)


# --- layer_outputs / activation_stats ----------------------------------------
def test_layer_outputs_and_dropout_modes():
    x, _ = _data()
    model = _model(depth=1, dropout=0.5)
    outs = training.layer_outputs(model, x)
    assert [o.shape for o in outs] == [(32, 8), (32, 8), (32, 3)]
    np.testing.assert_array_equal(outs[0], outs[1])  # 추론 모드: 드롭아웃은 그대로 통과
    dense, drop = training.layer_outputs(model, x, layers=[model.layers[0], model.layers[1].name], training=True)
    kept = drop != 0
    assert 0.2 < kept.mean() < 0.8
    np.testing.assert_allclose(drop[kept], 2 * dense[kept], rtol=1e-5)  # 1/(1-0.5) 배


def test_layer_outputs_unknown_layer():
    x, _ = _data()
    with pytest.raises(ValueError, match="모델에 없는 층"):
        training.layer_outputs(_model(), x, layers=["nope"])
    with pytest.raises(ValueError, match="비어"):
        training.layer_outputs(_model(), x, layers=[])


def test_activation_stats_columns_and_collapse():
    x, _ = _data(128)
    naive = training.activation_stats(_model(depth=6, initializer=keras.initializers.RandomNormal(stddev=0.01)), x)
    he = training.activation_stats(_model(depth=6, width=64, initializer="he_normal"), x)
    assert list(naive.columns) == ["layer", "name", "mean", "std", "zero_frac", "min", "max"]
    assert len(naive) == 7
    assert naive["std"].iloc[5] < 1e-6 * naive["std"].iloc[0] + 1e-9
    hidden = he["std"].iloc[:6]
    assert hidden.max() / hidden.min() < 3
    assert ((he["zero_frac"] >= 0) & (he["zero_frac"] <= 1)).all()
    with pytest.raises(ValueError, match="zero_tol"):
        training.activation_stats(_model(), x, zero_tol=-1)


# --- run_seeds / summarize ----------------------------------------------------
def _toy(seed, scale=1.0):
    return {"value": scale * np.random.rand(), "seed_echo": float(seed)}


def test_run_seeds_tidy_table_and_reseeding():
    runs = training.run_seeds(_toy, seeds=[0, 1, 2], scale=[1.0, 10.0])
    assert list(runs.columns) == ["scale", "seed", "value", "seed_echo"]
    assert len(runs) == 6
    assert (runs["seed"] == runs["seed_echo"]).all()
    # 같은 시드는 같은 난수 → 설정만 다른 두 줄의 비율이 정확히 10
    wide = runs.pivot(index="seed", columns="scale", values="value")
    np.testing.assert_allclose(wide[10.0] / wide[1.0], 10.0)
    again = training.run_seeds(_toy, seeds=[0, 1, 2], scale=[1.0, 10.0])
    pd.testing.assert_frame_equal(runs, again)


def test_run_seeds_without_grid():
    runs = training.run_seeds(lambda seed: {"x": seed * 2}, seeds=[3, 4], reseed=False)
    assert runs.to_dict("list") == {"seed": [3, 4], "x": [6, 8]}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(seeds=[]), "비어"),
        (dict(seeds=[1, 1]), "같은 값"),
        (dict(seeds=[-1]), "0 이상의 정수"),
        (dict(seeds=[1.5]), "0 이상의 정수"),
        (dict(seeds="012"), "정수 목록"),
        (dict(seeds=[0], scale=3), "값의 목록"),
        (dict(seeds=[0], scale=[]), "비어"),
        (dict(seeds=[0], seed=[1]), "seed"),
    ],
)
def test_run_seeds_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.run_seeds(_toy, **kwargs)


def test_run_seeds_bad_experiment():
    with pytest.raises(ValueError, match="함수"):
        training.run_seeds("nope", seeds=[0])
    with pytest.raises(ValueError, match="dict"):
        training.run_seeds(lambda seed: 0.5, seeds=[0])
    with pytest.raises(ValueError, match="겹칩니다"):
        training.run_seeds(lambda seed: {"seed": 1}, seeds=[0])


def test_summarize_mean_std_and_order():
    runs = pd.DataFrame(
        {"config": ["b", "b", "a", "a"], "seed": [0, 1, 0, 1], "gap": [0.1, 0.3, 0.0, 0.2], "label": ["x"] * 4}
    )
    table = training.summarize(runs, by="config")
    assert list(table.index) == ["b", "a"]
    assert list(table.columns.get_level_values(0).unique()) == ["gap"]
    assert table.loc["b", ("gap", "mean")] == pytest.approx(0.2)
    assert table.loc["a", ("gap", "std")] == pytest.approx(np.std([0.0, 0.2], ddof=1))
    assert table.loc["a", ("gap", "count")] == 2


def test_summarize_bad_input():
    runs = pd.DataFrame({"config": ["a"], "seed": [0], "gap": [0.1], "label": ["x"]})
    with pytest.raises(ValueError, match="DataFrame"):
        training.summarize(pd.DataFrame(), by="config")
    with pytest.raises(ValueError, match="묶을 열"):
        training.summarize(runs, by="nope")
    with pytest.raises(ValueError, match="지표"):
        training.summarize(runs, by="config", metrics=["nope"])
    with pytest.raises(ValueError, match="숫자가 아닌"):
        training.summarize(runs, by="config", metrics="label")
