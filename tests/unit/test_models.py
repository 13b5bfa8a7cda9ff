"""utils.lessons.models: Keras 이진 분류기 (scikit-learn 어댑터, 클래스 가중치, 조기 종료)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from utils.lessons import models


# --- Keras 어댑터 --------------------------------------------------------------------
def test_keras_adapter_bad_params():
    X, y = np.zeros((20, 2)), np.array([0, 1] * 10)
    with pytest.raises(ValueError, match="validation_fraction"):
        models.KerasBinaryClassifier(lambda n: None, validation_fraction=0.7).fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):
        models.KerasBinaryClassifier(lambda n: None, class_weight={0: 1}).fit(X, y)
    with pytest.raises(ValueError, match="patience"):
        models.KerasBinaryClassifier(lambda n: None, patience=0).fit(X, y)
    with pytest.raises(ValueError, match="fit"):
        models.KerasBinaryClassifier(lambda n: None).predict_proba(X)


def _tiny_model(n):
    """두 테스트가 함께 쓰는 작은 이진 분류 Keras 모델 (입력 n개 → 은닉 4 → 시그모이드)."""
    import keras

    m = keras.Sequential(
        [
            keras.Input(shape=(n,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    m.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    return m


def test_keras_adapter_learns_and_stops_early():
    pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype("float32")
    y = (X[:, 0] + 0.3 * rng.normal(size=200) > 0.8).astype(int)

    clf = models.KerasBinaryClassifier(_tiny_model, epochs=60, batch_size=None, patience=5, random_state=0).fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    assert roc_auc_score(y, p) > 0.9
    assert 1 <= clf.best_epoch_ <= len(clf.history_["val_loss"]) <= 60
    # 조기 종료는 가중 검증 손실을 보고, 비교용 가중치 없는 검증 손실도 같은 길이로 남는다
    assert clf.best_epoch_ == int(np.argmin(clf.history_["val_loss"])) + 1
    assert len(clf.history_["val_loss_unweighted"]) == len(clf.history_["val_loss"])
    assert clf.history_["val_loss_unweighted"] != clf.history_["val_loss"]  # 클래스 가중치가 있으면 다름
    assert clf.class_weight_[1] > clf.class_weight_[0]  # 소수 클래스에 더 큰 가중치


def test_keras_adapter_reuses_compiled_model_with_identical_results():
    pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 3)).astype("float32")
    y = (X[:, 0] > 0.5).astype(int)

    def fit(seed, X=X, y=y):
        return models.KerasBinaryClassifier(_tiny_model, epochs=15, batch_size=32, patience=3, random_state=seed).fit(
            X, y
        )

    models._COMPILED.clear()
    fresh = fit(1).predict_proba(X)  # 새 모델 (캐시 비어 있음)
    first = fit(0)  # 캐시에 모델이 생김
    p_first = first.predict_proba(X)
    reused = fit(1)  # 같은 모델을 재사용: 가중치·옵티마이저 상태를 처음 값으로
    assert reused.model_ is first.model_
    np.testing.assert_allclose(reused.predict_proba(X), fresh, rtol=1e-6, atol=1e-7)
    # 먼저 학습한 분류기는 모델을 나눠 써도 자기 가중치로 예측한다
    np.testing.assert_allclose(first.predict_proba(X), p_first, rtol=1e-6, atol=1e-7)


# --- 컴파일한 모델 재사용 ----------------------------------------------------------------
def _adam_model(n):
    """reusable_model 테스트용: 학습률이 기본값(0.001)이 아닌 Adam 으로 컴파일한 작은 회귀 모델."""
    import keras

    m = keras.Sequential([keras.Input(shape=(n,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)])
    m.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return m


def _train(model, X, y):
    model.fit(X, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    return model.get_weights()


def test_reusable_model_after_reset_trains_like_a_fresh_model():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2)).astype("float32")
    y = (X @ np.array([1.0, -2.0]) + 0.5).astype("float32")[:, None]
    models._COMPILED.clear()

    keras.utils.set_random_seed(3)
    expected = _train(_adam_model(2), X, y)  # 새로 만든 모델 (캐시를 거치지 않음)

    keras.utils.set_random_seed(7)
    first = models.reusable_model(_adam_model, 2)  # 처음: 만든 모델을 기억
    _train(first, X, y)  # 학습해서 가중치·걸음 수·모멘트를 바꿔 놓음
    assert int(first.optimizer.iterations.numpy()) > 0

    keras.utils.set_random_seed(3)
    again = models.reusable_model(_adam_model, 2)  # 다시: 같은 모델, 처음 상태로
    assert again is first
    assert int(again.optimizer.iterations.numpy()) == 0
    # 학습률은 0이 되지 않고 처음 값(0.01) 그대로 (모든 변수를 0으로 만들면 학습이 멈춤)
    assert float(keras.ops.convert_to_numpy(again.optimizer.learning_rate)) == pytest.approx(0.01)
    got = _train(again, X, y)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)

    other = models.reusable_model(_adam_model, 3)  # 인자가 다르면 다른 모델
    assert other is not first


def test_reusable_model_needs_a_compiled_model():
    keras = pytest.importorskip("keras")

    def uncompiled():
        return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])

    with pytest.raises(ValueError, match="컴파일"):
        models.reusable_model(uncompiled)


def test_reusable_model_can_take_over_an_existing_trained_model():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 2)).astype("float32")
    y = (X[:, :1] - X[:, 1:]).astype("float32")
    models._COMPILED.clear()

    keras.utils.set_random_seed(5)
    expected = _train(_adam_model(2), X, y)

    trained = _adam_model(2)  # 캐시 밖에서 만들고 학습한 모델 (걸음 수·모멘트가 0이 아님)
    _train(trained, X, y)
    keras.utils.set_random_seed(5)
    again = models.reusable_model(_adam_model, 2, model=trained)
    assert again is trained and int(again.optimizer.iterations.numpy()) == 0
    assert float(keras.ops.convert_to_numpy(again.optimizer.learning_rate)) == pytest.approx(0.01)
    for a, b in zip(_train(again, X, y), expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert models.reusable_model(_adam_model, 2) is trained  # 다음부터는 model 없이도 이 모델


# --- side_by_side: 시드 여러 개를 한 모델로 -----------------------------------------------
def _tiny_cnn():
    """side_by_side 테스트용: 합성곱 + 배치 정규화 + 드롭아웃 (탑마다 따로여야 하는 상태를 모두 가진 작은 모델)."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(8, 8, 3)),
            keras.layers.Conv2D(4, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(momentum=0.9),
            keras.layers.ReLU(),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def _compile(model, n_outputs):
    import keras

    loss = keras.losses.BinaryCrossentropy(label_smoothing=0.1)
    model.compile(optimizer=keras.optimizers.AdamW(0.01, weight_decay=5e-4), loss=[loss] * n_outputs)
    return model


def _stream(seed, n=40, batch=8):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 8, 8, 3), dtype=np.float32)
    y = (X[:, :, :4].mean(axis=(1, 2, 3)) > X[:, :, 4:].mean(axis=(1, 2, 3))).astype("float32")
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch):
            yield X[order[i : i + batch]], y[order[i : i + batch]]


def test_side_by_side_towers_train_like_separate_runs():
    from utils import env

    seeds = [3, 7]
    joint = _compile(models.side_by_side(_tiny_cnn, seeds), len(seeds))
    assert [t.name for t in joint.layers if t.name.startswith("seed_")] == ["seed_3", "seed_7"]
    joint.fit(models.zip_batches(*(_stream(s) for s in seeds)), steps_per_epoch=5, epochs=3, shuffle=False, verbose=0)
    for seed in seeds:
        env.seed_everything(seed)
        alone = _compile(_tiny_cnn(), 1)
        start = joint.get_layer(f"seed_{seed}")
        alone.fit(_stream(seed), steps_per_epoch=5, epochs=3, shuffle=False, verbose=0)
        # 같은 초기 가중치 + 같은 배치 + 같은 드롭아웃 난수 → 같은 가중치 (배치 정규화의 이동 평균까지)
        for a, b in zip(alone.get_weights(), start.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="seeds"):
        models.side_by_side(_tiny_cnn, [1, 1])


def test_side_by_side_shared_input_trains_like_one_input_per_tower():
    """shared_input=True: 입력 하나를 모든 탑에 주면, 같은 배열을 탑마다 따로 준 모델과 같은 가중치가 됩니다."""
    rng = np.random.default_rng(0)
    X = rng.random((40, 8, 8, 3), dtype=np.float32)
    y = (X[:, :, :4].mean(axis=(1, 2, 3)) > X[:, :, 4:].mean(axis=(1, 2, 3))).astype("float32")
    seeds = [3, 7]
    shared = _compile(models.side_by_side(_tiny_cnn, seeds, shared_input=True), len(seeds))
    separate = _compile(models.side_by_side(_tiny_cnn, seeds), len(seeds))
    assert len(shared.inputs) == 1 and len(separate.inputs) == 2 and len(shared.outputs) == 2
    for a, b in zip(shared.get_weights(), separate.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # 같은 시드 → 같은 초기 가중치
    shared.fit(X, [y] * 2, batch_size=8, epochs=2, shuffle=False, verbose=0)
    separate.fit([X] * 2, [y] * 2, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(shared.get_weights(), separate.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _two_output_model(seed):
    """build_training_state 테스트용: 출력 2개, 손실 2개, 정확도 지표 2개로 컴파일한 작은 모델."""
    import keras

    keras.utils.set_random_seed(seed)
    a, b = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    outputs = [keras.layers.Dense(1, activation="sigmoid", name=n)(i) for n, i in (("out_a", a), ("out_b", b))]
    m = keras.Model([a, b], outputs)
    m.compile(optimizer=keras.optimizers.AdamW(0.01), loss=["binary_crossentropy"] * 2, metrics=["accuracy"] * 2)
    return m


def test_build_training_state_traces_the_train_step_once_and_trains_the_same():
    pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 4)).astype("float32")
    y = (X[:, 0] > 0).astype("float32")
    results = []
    for prebuild in (False, True):
        m = _two_output_model(5)
        if prebuild:
            models.build_training_state(m, [X[:2], X[:2]], [y[:2], y[:2]])
        traces = []
        original = m.train_step
        m.train_step = lambda data, original=original, traces=traces: traces.append(1) or original(data)
        logs = [m.train_on_batch([X, X], [y, y], return_dict=True) for _ in range(3)]
        results.append((len(traces), logs, m.get_weights()))
    (_, logs_plain, w_plain), (traces_pre, logs_pre, w_pre) = results
    assert traces_pre == 1  # 학습 함수를 한 번만 trace (미리 만들지 않으면 Keras 3 + TF 에서는 2번)
    assert logs_pre == logs_plain  # 지표는 0에서 시작: 미리 만든 순전파가 지표에 남지 않음
    for a, b in zip(w_pre, w_plain, strict=True):
        np.testing.assert_array_equal(a, b)  # 가중치도 완전히 같음
