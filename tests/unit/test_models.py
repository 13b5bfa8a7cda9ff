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
