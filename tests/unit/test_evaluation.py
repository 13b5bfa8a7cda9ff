"""utils.lessons.evaluation 단위 테스트 (TensorFlow 없이 도는 것이 대부분; Keras 어댑터 테스트 하나만 Keras 사용)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest
from fakes import thoracic_frame
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from utils.lessons import evaluation as ev
from utils.thoracic import thoracic_preprocessor


# --- 오버샘플링 --------------------------------------------------------------------
def test_random_oversample_balances_by_copying():
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0] * 8 + [1] * 2)
    Xr, yr = ev.random_oversample(X, y, random_state=0)
    assert np.bincount(yr).tolist() == [8, 8]
    assert np.array_equal(Xr[:10], X)
    new = Xr[10:]
    assert all(any(np.array_equal(r, m) for m in X[8:]) for r in new)


def test_smote_makes_points_on_segments_between_minority_neighbours():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(5, 0.5, (6, 2))])
    y = np.array([0] * 30 + [1] * 6)
    Xr, yr = ev.smote(X, y, k_neighbors=3, random_state=0)
    assert np.bincount(yr).tolist() == [30, 30]
    synth = Xr[36:]
    lo, hi = X[30:].min(axis=0), X[30:].max(axis=0)
    assert np.all(synth >= lo - 1e-12) and np.all(synth <= hi + 1e-12)  # 소수 클래스의 볼록 껍질 안
    again, _ = ev.smote(X, y, k_neighbors=3, random_state=0)
    assert np.array_equal(again, Xr)  # 시드가 같으면 같은 결과


def test_oversampling_bad_input():
    X = np.zeros((6, 2))
    with pytest.raises(ValueError, match="한 클래스"):
        ev.random_oversample(X, np.zeros(6))
    with pytest.raises(ValueError, match="샘플 수"):
        ev.smote(X, np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="k_neighbors"):
        ev.smote(X, np.array([0, 0, 0, 0, 1, 1]), k_neighbors=5)
    with pytest.raises(ValueError, match="0과 1"):
        ev.smote(X, np.array([0, 2, 0, 0, 1, 1]))
    with pytest.raises(ValueError, match="method"):
        ev.OversampledClassifier(LogisticRegression(), method="adasyn").fit(X, np.array([0, 0, 0, 0, 1, 1]))


class _Recorder(ClassifierMixin, BaseEstimator):
    """fit 과 predict_proba 가 받은 행을 기록하는 가짜 분류기 (클래스 속성에 남겨 clone 을 건너 살아남게)."""

    seen: ClassVar[dict] = {}

    def fit(self, X, y):
        _Recorder.seen["fit"] = (np.array(X), np.array(y))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        _Recorder.seen.setdefault("predict", []).append(np.array(X))
        return np.column_stack([np.zeros(len(X)), np.ones(len(X))]) * 0.5 + 0.25


@pytest.mark.parametrize("method", ["random", "smote"])
def test_oversampled_classifier_only_resamples_in_fit(method):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] > 0.8).astype(int)
    n1 = int(y.sum())
    _Recorder.seen = {}
    clf = ev.OversampledClassifier(_Recorder(), method=method, random_state=0).fit(X, y)
    X_fit, y_fit = _Recorder.seen["fit"]
    # fit 은 오버샘플링된 데이터를 받는다: 원래 행 50개가 앞에, 새 소수 클래스 행이 뒤에, 두 클래스 수가 같게
    assert len(X_fit) == 2 * (50 - n1) and np.bincount(y_fit).tolist() == [50 - n1, 50 - n1]
    assert np.array_equal(X_fit[:50], X) and (y_fit[50:] == 1).all()
    # predict_proba / predict 는 받은 행을 그대로 넘긴다: 새 행도, 복제도 없다
    X_new = rng.normal(size=(7, 3))
    clf.predict_proba(X_new)
    clf.predict(X)
    first, second = _Recorder.seen["predict"]
    assert np.array_equal(first, X_new) and np.array_equal(second, X)


def test_oversampling_inside_cv_never_reaches_test_fold():
    """repeated_cv 안에서: 학습 폴드만 커지고, 시험 폴드에서 점수를 매기는 행은 원래 환자 그대로."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = np.array([0] * 48 + [1] * 12)
    _Recorder.seen = {}
    fit_sizes = []

    class Spy(_Recorder):
        def fit(self, X, y):
            fit_sizes.append(len(X))
            return super().fit(X, y)

    ev.repeated_cv(
        lambda: ev.OversampledClassifier(Spy(), method="smote", random_state=0),
        X,
        y,
        n_splits=3,
        n_repeats=1,
        threshold=0.5,
        inner_splits=0,
    )
    assert fit_sizes == [64, 64, 64]  # 학습 폴드 40명(32 대 8) → 32 대 32
    original = {tuple(r) for r in X}
    scored = _Recorder.seen["predict"]
    assert len(scored) == 3 and sum(len(p) for p in scored) == 60  # 시험 폴드 세 개 = 환자 60명, 한 번씩
    assert all(tuple(r) in original for p in scored for r in p)  # 합성한 점은 하나도 채점되지 않음


# --- 지표 -----------------------------------------------------------------------------
def test_roc_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = rng.integers(0, 5, 200).astype(float)
    assert ev.roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))


def test_choose_threshold_separates_perfectly_separable_scores():
    y = np.array([0, 0, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.8, 0.9])
    t = ev.choose_threshold(y, s)
    assert 0.3 < t <= 0.8
    m = ev.binary_metrics(y, s, t)
    assert m["sensitivity"] == 1 and m["specificity"] == 1 and m["balanced_accuracy"] == 1


def test_binary_metrics_counts():
    y = np.array([0, 0, 1, 1])
    s = np.array([0.2, 0.6, 0.4, 0.9])
    m = ev.binary_metrics(y, s, 0.5)
    assert (m["tp"], m["fn"], m["tn"], m["fp"]) == (1, 1, 1, 1)
    assert m["brier"] == pytest.approx(np.mean((s - y) ** 2))
    assert np.isnan(ev.binary_metrics(y, s * 10, 5)["brier"])  # 확률이 아니면 Brier 없음


def test_metric_bad_input():
    with pytest.raises(ValueError, match="모양"):
        ev.roc_auc([0, 1], [0.1])
    with pytest.raises(ValueError, match="NaN"):
        ev.roc_auc([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="한 클래스"):
        ev.choose_threshold([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="youden"):
        ev.choose_threshold([0, 1], [0.1, 0.2], method="f1")
    with pytest.raises(ValueError, match="threshold"):
        ev.binary_metrics([0, 1], [0.1, 0.2], float("nan"))


def test_bootstrap_ci_contains_auc_and_narrows_with_more_data():
    rng = np.random.default_rng(0)

    def sample(n):
        y = rng.integers(0, 2, n)
        return y, y + rng.normal(0, 1.5, n)

    y, s = sample(100)
    auc, lo, hi = ev.bootstrap_auc_ci(y, s, n_boot=500, random_state=0)
    assert lo < auc < hi
    y2, s2 = sample(2000)
    _, lo2, hi2 = ev.bootstrap_auc_ci(y2, s2, n_boot=500, random_state=0)
    assert hi2 - lo2 < hi - lo
    with pytest.raises(ValueError, match="n_boot"):
        ev.bootstrap_auc_ci(y, s, n_boot=10)
    with pytest.raises(ValueError, match="level"):
        ev.bootstrap_auc_ci(y, s, level=95)


# --- 교차 검증 ------------------------------------------------------------------------
def test_repeated_cv_with_pipeline_onthoracic_frame():
    f = thoracic_frame(120, seed=3)
    y = f["Risk1Yr"].to_numpy()
    f["AGE"] = f["AGE"] + 40 * y  # 신호를 심어 둠
    X = f.drop(columns="Risk1Yr")
    res = ev.repeated_cv(
        lambda: make_pipeline(thoracic_preprocessor(), LogisticRegression()),
        X,
        y,
        n_splits=3,
        n_repeats=2,
        random_state=0,
        name="lr",
    )
    assert len(res.folds) == 6 and res.oof.shape == (2, 120) and not np.isnan(res.oof).any()
    assert res.summary()["roc_auc"] > 0.8
    cm = res.confusion()
    assert cm.sum() == pytest.approx(120)
    # 같은 시드면 같은 결과 (재현성)
    again = ev.repeated_cv(
        lambda: make_pipeline(thoracic_preprocessor(), LogisticRegression()),
        X,
        y,
        n_splits=3,
        n_repeats=2,
        random_state=0,
    )
    assert np.array_equal(res.oof, again.oof)


def test_repeated_cv_passes_seed_and_fixed_threshold():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(0, 0.5, 60) > 0.5).astype(int)
    seeds = []

    def make(seed):
        seeds.append(seed)
        return LogisticRegression()

    res = ev.repeated_cv(make, X, y, n_splits=3, n_repeats=1, threshold=0.5, inner_splits=0)
    assert len(set(seeds)) == 3 and (res.folds["threshold"] == 0.5).all()
    assert res.models is None  # 기본값: 모델을 남기지 않음


def test_repeated_cv_keep_models_in_fold_order():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(0, 0.5, 60) > 0.5).astype(int)
    res = ev.repeated_cv(lambda: LogisticRegression(), X, y, n_splits=3, n_repeats=2, inner_splits=0, keep_models=True)
    assert len(res.models) == len(res.folds) == 6
    # 각 모델로 그 폴드의 시험 데이터를 다시 채점하면 oof 와 같다
    from sklearn.model_selection import RepeatedStratifiedKFold

    for k, (_, test) in enumerate(RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0).split(X, y)):
        np.testing.assert_allclose(res.models[k].predict_proba(X[test])[:, 1], res.oof[k // 3, test])


def test_repeated_cv_bad_input():
    X = np.zeros((10, 2))
    y = np.array([0] * 8 + [1] * 2)
    with pytest.raises(ValueError, match="층화"):
        ev.repeated_cv(LogisticRegression, X, y, n_splits=3)
    with pytest.raises(ValueError, match="n_repeats"):
        ev.repeated_cv(LogisticRegression, X, y, n_splits=2, n_repeats=0)
    with pytest.raises(ValueError, match="threshold"):
        ev.repeated_cv(LogisticRegression, X, y, n_splits=2, threshold="best")
    with pytest.raises(ValueError, match="inner_splits"):
        ev.repeated_cv(LogisticRegression, X, y, n_splits=2, inner_splits=1)
    with pytest.raises(ValueError, match="샘플 수"):
        ev.repeated_cv(LogisticRegression, X[:5], y, n_splits=2)
    with pytest.raises(ValueError, match="blas_threads"):
        ev.repeated_cv(LogisticRegression, X, y, n_splits=2, blas_threads=0)
