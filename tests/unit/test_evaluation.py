"""utils.lessons.evaluation 단위 테스트 (TensorFlow 없이 도는 것이 대부분; Keras 어댑터 테스트 하나만 Keras 사용)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from utils.lessons import evaluation as ev
from utils.thoracic import COLUMNS


def _frame(n=60, seed=0):
    """load_thoracic().frame 과 같은 열을 가진 작은 가짜 데이터."""
    rng = np.random.default_rng(seed)
    f = pd.DataFrame({
        "id": np.arange(1, n + 1),
        "DGN": rng.choice([2, 3, 3, 3, 4], size=n),
        "PRE4": rng.uniform(2, 5, n).round(2),
        "PRE5": rng.uniform(1, 2, n).round(2),
        "PRE6": rng.integers(0, 3, n),
        **{c: rng.integers(0, 2, n) for c in ["PRE7", "PRE8", "PRE9", "PRE10", "PRE11",
                                               "PRE17", "PRE19", "PRE25", "PRE30", "PRE32"]},
        "PRE14": rng.integers(11, 15, n),
        "AGE": rng.integers(40, 80, n),
    })
    f["Risk1Yr"] = (rng.random(n) < 0.3).astype(int)
    f.loc[:3, "Risk1Yr"] = [0, 1, 0, 1]
    return f[COLUMNS]


# --- 있을 수 없는 값 -----------------------------------------------------------
def test_mark_impossible_sets_nan_and_keeps_original():
    f = _frame()
    f.loc[0, "PRE5"] = 72.8           # 리터일 수 없음
    f.loc[1, ["PRE4", "PRE5"]] = [3.0, 3.5]  # FEV1 > FVC
    out = ev.mark_impossible(f)
    assert np.isnan(out.loc[0, "PRE5"]) and np.isnan(out.loc[1, "PRE5"])
    assert out["PRE5"].isna().sum() == 2
    assert f.loc[0, "PRE5"] == 72.8  # 원본은 그대로
    assert ev.impossible_mask(f).sum() == 2


def test_impossible_requires_named_columns():
    with pytest.raises(ValueError, match="PRE4"):
        ev.impossible_mask(pd.DataFrame({"a": [1.0]}))
    with pytest.raises(ValueError, match="열"):
        ev.ImpossibleToNaN().fit(pd.DataFrame({"PRE4": [1.0]}))


def test_impossible_to_nan_transformer():
    f = _frame()
    f.loc[5, "PRE5"] = 80.0
    out = ev.ImpossibleToNaN().fit(f).transform(f)
    assert np.isnan(out.loc[5, "PRE5"])


# --- 전처리기 ----------------------------------------------------------------------
def test_preprocessor_learns_only_from_fit_data():
    f = _frame(80)
    train, test = f.iloc[:60], f.iloc[60:].copy()
    pre = ev.thoracic_preprocessor().fit(train)
    Z = pre.transform(train)
    names = list(pre.get_feature_names_out())
    assert "id" not in names and "PRE4" in names and "DGN_rare" in names
    assert Z.shape == (60, len(names))
    # 학습 데이터에서 표준화된 열은 평균 0, 표준편차 1
    assert np.allclose(Z[:, names.index("AGE")].mean(), 0, atol=1e-9)
    assert np.allclose(Z[:, names.index("AGE")].std(), 1, atol=1e-9)
    # 시험 데이터를 바꿔도 배운 값(평균)은 변하지 않는다
    before = pre.mean_.copy()
    test["AGE"] = 1000
    pre.transform(test)
    assert np.array_equal(pre.mean_, before)


def test_preprocessor_imputes_impossible_with_train_median():
    f = _frame(40)
    f.loc[0, "PRE5"] = 70.0
    pre = ev.thoracic_preprocessor(scale=False).fit(f)
    Z = pre.transform(f)
    col = list(pre.get_feature_names_out()).index("PRE5")
    assert Z[0, col] == pytest.approx(np.median(f["PRE5"].iloc[1:]))


def test_preprocessor_rare_and_unseen_dgn_go_to_rare_column():
    f = _frame(60)
    f.loc[0, "DGN"] = 8   # 한 명뿐 → 드묾
    pre = ev.thoracic_preprocessor(min_frequency=3).fit(f)
    names = list(pre.get_feature_names_out())
    assert "DGN_8" not in names
    new = f.iloc[:2].copy()
    new["DGN"] = [6, 3]   # 6 은 처음 보는 코드
    Z = pre.transform(new)
    assert Z[0, names.index("DGN_rare")] == 1 and Z[1, names.index("DGN_3")] == 1
    assert np.allclose(Z[:, [i for i, n in enumerate(names) if n.startswith("DGN_")]].sum(axis=1), 1)


def test_preprocessor_lecture_array_and_keep_id():
    f = _frame(30)
    arr = f.to_numpy(dtype=float)[:, :17]
    pre = ev.thoracic_preprocessor(drop_id=False, one_hot_dgn=False).fit(arr)
    names = list(pre.get_feature_names_out())
    assert "id" in names and "DGN" in names
    assert pre.transform(arr).shape == (30, len(names))


def test_preprocessor_bad_input():
    with pytest.raises(ValueError, match="17열"):
        ev.thoracic_preprocessor().fit(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="열"):
        ev.thoracic_preprocessor().fit(pd.DataFrame({"id": [1, 2]}))
    with pytest.raises(ValueError, match="min_frequency"):
        ev.thoracic_preprocessor(min_frequency=0).fit(_frame())
    with pytest.raises(ValueError, match="fit"):
        ev.thoracic_preprocessor().transform(_frame())


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


def test_oversampled_classifier_only_resamples_in_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] > 0.8).astype(int)
    clf = ev.OversampledClassifier(LogisticRegression(), method="random", random_state=0).fit(X, y)
    p = clf.predict_proba(X)
    assert p.shape == (50, 2) and clf.predict(X).shape == (50,)


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
def test_repeated_cv_with_pipeline_on_frame():
    f = _frame(120, seed=3)
    y = f["Risk1Yr"].to_numpy()
    f["AGE"] = f["AGE"] + 40 * y  # 신호를 심어 둠
    X = f.drop(columns="Risk1Yr")
    res = ev.repeated_cv(lambda: make_pipeline(ev.thoracic_preprocessor(), LogisticRegression()), X, y,
                         n_splits=3, n_repeats=2, random_state=0, name="lr")
    assert len(res.folds) == 6 and res.oof.shape == (2, 120) and not np.isnan(res.oof).any()
    assert res.summary()["roc_auc"] > 0.8
    cm = res.confusion()
    assert cm.sum() == pytest.approx(120)
    # 같은 시드면 같은 결과 (재현성)
    again = ev.repeated_cv(lambda: make_pipeline(ev.thoracic_preprocessor(), LogisticRegression()), X, y,
                           n_splits=3, n_repeats=2, random_state=0)
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
    with pytest.raises(ValueError, match="행 수"):
        ev.repeated_cv(LogisticRegression, X[:5], y, n_splits=2)
    with pytest.raises(ValueError, match="blas_threads"):
        ev.repeated_cv(LogisticRegression, X, y, n_splits=2, blas_threads=0)


# --- Keras 어댑터 --------------------------------------------------------------------
def test_keras_adapter_bad_params():
    X, y = np.zeros((20, 2)), np.array([0, 1] * 10)
    with pytest.raises(ValueError, match="validation_fraction"):
        ev.KerasBinaryClassifier(lambda n: None, validation_fraction=0.7).fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):
        ev.KerasBinaryClassifier(lambda n: None, class_weight={0: 1}).fit(X, y)
    with pytest.raises(ValueError, match="patience"):
        ev.KerasBinaryClassifier(lambda n: None, patience=0).fit(X, y)
    with pytest.raises(ValueError, match="fit"):
        ev.KerasBinaryClassifier(lambda n: None).predict_proba(X)


def test_keras_adapter_learns_and_stops_early():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)).astype("float32")
    y = (X[:, 0] + 0.3 * rng.normal(size=200) > 0.8).astype(int)

    def build(n):
        m = keras.Sequential([keras.Input(shape=(n,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
        m.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        return m

    clf = ev.KerasBinaryClassifier(build, epochs=60, batch_size=None, patience=5, random_state=0).fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    assert roc_auc_score(y, p) > 0.9
    assert 1 <= clf.best_epoch_ <= len(clf.history_["val_loss"]) <= 60
    assert clf.class_weight_[1] > clf.class_weight_[0]  # 소수 클래스에 더 큰 가중치
