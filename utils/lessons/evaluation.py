"""누수 없는 모델 평가 도우미 (leak-free evaluation helpers) — 노트북 07에서 씁니다.

작은 불균형 데이터(폐암 수술 환자 470명, 사망 70명)를 제대로 평가하는 데 필요한 부품입니다.
데이터의 스키마·있을 수 없는 값의 규칙·전처리는 :mod:`utils.thoracic`, Keras 분류기는 :mod:`utils.lessons.models` 에 있습니다.

* :func:`random_oversample`, :func:`smote`, :class:`OversampledClassifier` — 소수 클래스 오버샘플링 (학습 폴드 안에서만 쓰도록)
* :func:`choose_threshold`, :func:`binary_metrics`, :func:`roc_auc` — 임계값 고르기와 지표 계산
* :func:`bootstrap_auc_ci` — 부트스트랩(bootstrap)으로 ROC AUC의 신뢰구간
* :func:`repeated_cv` / :class:`CVResult` — 반복 층화 k-겹 교차 검증(repeated stratified k-fold CV). 임계값은 학습 폴드 안에서 고릅니다.

원칙: 데이터를 보고 무언가를 "배우는" 모든 단계(대치 값, 평균·표준편차, 오버샘플링, 임계값, 조기 종료 시점)는
**학습 폴드 안에서만** 합니다. 그래야 시험 폴드의 점수가 처음 보는 환자에 대한 성능을 뜻합니다.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .. import checks

__all__ = [
    "CVResult",
    "OversampledClassifier",
    "binary_metrics",
    "bootstrap_auc_ci",
    "choose_threshold",
    "random_oversample",
    "repeated_cv",
    "roc_auc",
    "smote",
]


# ---------------------------------------------------------------------------
# 오버샘플링 (imbalanced-learn 없이)
# ---------------------------------------------------------------------------
def _oversampling_xy(X, y):
    X = checks.matrix(X, "X")
    y = checks.binary_labels(y, "y")
    checks.same_length(X, y)
    checks.both_classes(y, "오버샘플링")
    return X, y


def _minority(y):
    counts = np.bincount(y, minlength=2)
    minority = int(np.argmin(counts))
    return minority, counts


def random_oversample(X, y, random_state=None):
    """소수 클래스 행을 복원 추출로 **복제**해 두 클래스 수를 같게 만든 (X, y). 원래 행이 앞에 옵니다."""
    X, y = _oversampling_xy(X, y)
    rng = np.random.default_rng(random_state)
    minority, counts = _minority(y)
    need = counts.max() - counts.min()
    idx = rng.choice(np.flatnonzero(y == minority), size=need, replace=True)
    return np.vstack([X, X[idx]]), np.concatenate([y, y[idx]])


def smote(X, y, k_neighbors: int = 5, random_state=None):
    """작은 SMOTE (Chawla et al. 2002): 소수 클래스 점과 그 k 최근접 이웃 사이의 선분 위에 새 점을 만듭니다.

    원래 행이 앞에, 합성한 행이 뒤에 붙은 (X, y) 를 돌려줍니다. 거리는 유클리드 거리이므로 표준화한 숫자
    특징에 쓰세요 (원-핫 열은 0 과 1 사이 값이 됩니다 — 범주형까지 제대로 하려면 SMOTE-NC).
    """
    X, y = _oversampling_xy(X, y)
    checks.count(k_neighbors, "k_neighbors")
    minority, counts = _minority(y)
    Xm = X[y == minority]
    if len(Xm) <= k_neighbors:
        raise ValueError(f"소수 클래스가 {len(Xm)}개뿐이라 k_neighbors={k_neighbors} 개의 이웃을 찾을 수 없습니다")
    rng = np.random.default_rng(random_state)
    d2 = ((Xm[:, None, :] - Xm[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    neighbours = np.argsort(d2, axis=1, kind="stable")[:, :k_neighbors]
    need = counts.max() - counts.min()
    base = rng.integers(0, len(Xm), size=need)
    other = neighbours[base, rng.integers(0, k_neighbors, size=need)]
    gap = rng.random((need, 1))
    synthetic = Xm[base] + gap * (Xm[other] - Xm[base])
    return np.vstack([X, synthetic]), np.concatenate([y, np.full(need, minority)])


class OversampledClassifier(ClassifierMixin, BaseEstimator):
    """``fit`` 할 때만 학습 데이터를 오버샘플링한 뒤 ``estimator`` 를 학습하는 분류기.

    교차 검증이 이 분류기를 학습 폴드로만 ``fit`` 하므로, 오버샘플링이 자연히 **폴드 안에서만** 일어납니다.
    예측(``predict_proba``)은 시험 데이터를 건드리지 않습니다. method: "random" 또는 "smote".
    """

    def __init__(self, estimator, method: str = "smote", k_neighbors: int = 5, random_state=None):
        self.estimator = estimator
        self.method = method
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def fit(self, X, y):
        from sklearn.base import clone

        if self.method == "random":
            Xr, yr = random_oversample(X, y, random_state=self.random_state)
        elif self.method == "smote":
            Xr, yr = smote(X, y, k_neighbors=self.k_neighbors, random_state=self.random_state)
        else:
            raise ValueError(f"method 는 'random' 또는 'smote' 여야 합니다 (받은 값: {self.method!r})")
        self.estimator_ = clone(self.estimator).fit(Xr, yr)
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(np.asarray(X, dtype=float))

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


# ---------------------------------------------------------------------------
# 지표
# ---------------------------------------------------------------------------
def roc_auc(y_true, scores) -> float:
    """ROC AUC = 무작위로 고른 사망 환자의 점수가 생존 환자보다 높을 확률 (동점은 1/2). 순위로 계산합니다."""
    from scipy.stats import rankdata

    y = checks.binary_labels(y_true, "y_true")
    s = checks.scores_for(y, scores)
    checks.both_classes(y, "ROC AUC")
    ranks = rankdata(s)
    n1 = y.sum()
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def choose_threshold(y_true, scores, method: str = "youden") -> float:
    """학습 데이터의 점수로 분류 임계값을 고릅니다 (점수 ≥ 임계값 → 1).

    method="youden": 민감도 + 특이도 − 1 (Youden 의 J) 이 가장 큰 임계값. 같은 J 가 여럿이면 가운데 것.
    임계값은 반드시 **학습 폴드의 점수**로 고르고, 시험 폴드에는 고른 값을 그대로 적용해야 합니다.
    """
    from sklearn.metrics import roc_curve

    y = checks.binary_labels(y_true, "y_true")
    s = checks.scores_for(y, scores)
    checks.both_classes(y, "임계값 고르기")
    if method != "youden":
        raise ValueError(f"method 는 'youden' 만 지원합니다 (받은 값: {method!r})")
    fpr, tpr, thresholds = roc_curve(y, s)
    j = tpr - fpr
    best = np.flatnonzero(np.isclose(j, j.max()))
    t = thresholds[best[len(best) // 2]]
    return float(min(t, s.max()))  # roc_curve 의 첫 임계값은 inf 입니다


def binary_metrics(y_true, scores, threshold: float) -> dict:
    """ROC AUC, PR AUC(평균 정밀도), 브라이어 점수(Brier), 그리고 ``threshold`` 에서의 혼동 행렬 지표."""
    from sklearn.metrics import average_precision_score

    y = checks.binary_labels(y_true, "y_true")
    s = checks.scores_for(y, scores)
    checks.both_classes(y, "지표 계산")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold 는 유한한 수여야 합니다 (받은 값: {threshold!r})")
    pred = (s >= threshold).astype(int)
    tp = int(((pred == 1) & (y == 1)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    tn = int(((pred == 0) & (y == 0)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    sens = tp / (tp + fn)
    spec = tn / (tn + fp)
    out = {
        "roc_auc": roc_auc(y, s),
        "pr_auc": float(average_precision_score(y, s)),
        "balanced_accuracy": (sens + spec) / 2,
        "sensitivity": sens,
        "specificity": spec,
        "accuracy": (tp + tn) / len(y),
        "brier": float(np.mean((s - y) ** 2)) if (s.min() >= 0 and s.max() <= 1) else float("nan"),
        "threshold": float(threshold),
        "tp": tp,
        "fn": fn,
        "tn": tn,
        "fp": fp,
    }
    return out


def bootstrap_auc_ci(y_true, scores, n_boot: int = 2000, level: float = 0.95, random_state=0):
    """환자를 복원 추출(bootstrap)해 ROC AUC 의 백분위수(percentile) 신뢰구간을 구합니다.

    돌려주는 값: (AUC, 하한, 상한). 한 클래스만 뽑힌 재표본은 건너뜁니다. ``n_boot`` 번을 행렬 연산으로
    한꺼번에 계산하므로 2000 번도 1초 안에 끝납니다.
    """
    from scipy.stats import rankdata

    y = checks.binary_labels(y_true, "y_true")
    s = checks.scores_for(y, scores)
    checks.both_classes(y, "부트스트랩 AUC")
    checks.count(n_boot, "n_boot", minimum=100)
    if not 0 < level < 1:
        raise ValueError(f"level 은 0 과 1 사이여야 합니다 (받은 값: {level!r})")
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, len(y), size=(n_boot, len(y)))
    yb = y[idx]
    n1 = yb.sum(axis=1)
    n0 = len(y) - n1
    ok = (n1 > 0) & (n0 > 0)
    ranks = rankdata(s[idx], axis=1)
    aucs = ((ranks * yb).sum(axis=1)[ok] - n1[ok] * (n1[ok] + 1) / 2) / (n1[ok] * n0[ok])
    alpha = (1 - level) / 2
    low, high = np.quantile(aucs, [alpha, 1 - alpha])
    return roc_auc(y, s), float(low), float(high)


# ---------------------------------------------------------------------------
# 반복 층화 k-겹 교차 검증
# ---------------------------------------------------------------------------
@dataclass
class CVResult:
    """:func:`repeated_cv` 의 결과.

    folds: 폴드마다 한 행 (repeat, fold, roc_auc, pr_auc, balanced_accuracy, sensitivity, specificity, brier,
    threshold, fit_seconds …). oof: (n_repeats, n) 배열 — 각 환자를 **보지 않은** 모델이 낸 점수(out-of-fold).
    """

    name: str
    y: np.ndarray
    oof: np.ndarray
    folds: pandas.DataFrame  # noqa: F821
    seconds: float = 0.0
    models: list | None = None  # keep_models=True 일 때만: 폴드마다 학습한 (바깥) 모델, folds 의 행 순서대로

    @property
    def mean_oof(self) -> np.ndarray:
        """반복마다의 out-of-fold 점수를 환자별로 평균한 값 (어느 점수도 그 환자를 학습하지 않은 모델의 것)."""
        return self.oof.mean(axis=0)

    def summary(self) -> pandas.Series:  # noqa: F821
        """폴드 평균 지표와 ROC AUC 의 폴드 표준편차."""
        import pandas as pd

        cols = ["roc_auc", "pr_auc", "balanced_accuracy", "sensitivity", "specificity", "brier"]
        s = self.folds[cols].mean()
        s["roc_auc_sd"] = self.folds["roc_auc"].std(ddof=1) if len(self.folds) > 1 else 0.0
        return pd.Series(s, name=self.name)

    def confusion(self) -> np.ndarray:
        """모든 폴드·반복의 시험 폴드 혼동 행렬을 더한 뒤 반복 수로 나눈 2x2 배열 [[TN, FP], [FN, TP]] (환자 수 단위)."""
        f = self.folds
        r = f["repeat"].nunique()
        return np.array([[f["tn"].sum(), f["fp"].sum()], [f["fn"].sum(), f["tp"].sum()]]) / r


def _positive_scores(model, X) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        p = np.asarray(model.predict_proba(X))
        return p[:, 1] if p.ndim == 2 else p.ravel()
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=float).ravel()
    raise ValueError("모델에 predict_proba 나 decision_function 이 없습니다")


def _call_factory(make_model: Callable, seed: int):
    try:
        n_params = len(inspect.signature(make_model).parameters)
    except (TypeError, ValueError):
        n_params = 0
    return make_model(seed) if n_params >= 1 else make_model()


def _take(X, idx):
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]


def repeated_cv(
    make_model: Callable,
    X,
    y,
    n_splits: int = 5,
    n_repeats: int = 10,
    random_state: int = 0,
    threshold="youden",
    inner_splits: int = 3,
    name: str | None = None,
    blas_threads: int | None = 1,
    keep_models: bool = False,
) -> CVResult:
    """반복 층화 k-겹 교차 검증. 모델은 폴드마다 ``make_model()`` (또는 ``make_model(seed)``) 로 새로 만듭니다.

    make_model: ``fit(X, y)`` 와 ``predict_proba`` (또는 ``decision_function``) 가 있는 새 모델을 돌려주는 함수.
        전처리까지 담은 파이프라인을 돌려주면 전처리도 학습 폴드로만 학습됩니다.
    threshold: "youden" 이면 학습 폴드 안에서 임계값을 고릅니다. 숫자면 그 임계값을 그대로 씁니다.
    inner_splits: threshold="youden" 일 때, 2 이상이면 학습 폴드를 다시 ``inner_splits`` 겹으로 나눈 내부 교차
        검증의 점수로 임계값을 고릅니다 (모델이 외운 학습 점수보다 덜 낙관적). 0 이면 학습 폴드 자신의 점수를 씁니다
        (학습이 비싼 모델용).
    keep_models: True 면 폴드마다 학습한 모델을 ``CVResult.models`` 에 남깁니다 (학습 곡선 같은 속성을 보려고).
    blas_threads: NumPy/SciPy 의 BLAS 스레드 수 (threadpoolctl). 이렇게 작은 데이터에서는 스레드 여럿이 서로
        기다리느라 오히려 몇 배 느려지므로 기본값은 1 입니다. None 이면 건드리지 않습니다 (TensorFlow 는 영향 없음).
    """
    import pandas as pd
    from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold

    y = checks.binary_labels(y)
    checks.same_length(X, y)
    checks.both_classes(y, "교차 검증")
    checks.count(n_splits, "n_splits", minimum=2)
    checks.count(n_repeats, "n_repeats")
    if np.bincount(y).min() < n_splits:
        raise ValueError(f"소수 클래스가 {np.bincount(y).min()}개라 {n_splits}겹으로 층화해 나눌 수 없습니다")
    if not (threshold == "youden" or (isinstance(threshold, (int, float)) and np.isfinite(threshold))):
        raise ValueError(f"threshold 는 'youden' 또는 숫자여야 합니다 (받은 값: {threshold!r})")
    if not isinstance(inner_splits, int) or inner_splits < 0 or inner_splits == 1:
        raise ValueError(f"inner_splits 는 0 또는 2 이상의 정수여야 합니다 (받은 값: {inner_splits!r})")

    if blas_threads is not None and (not isinstance(blas_threads, int) or blas_threads < 1):
        raise ValueError(f"blas_threads 는 1 이상의 정수나 None 이어야 합니다 (받은 값: {blas_threads!r})")
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=blas_threads):
            return repeated_cv(
                make_model,
                X,
                y,
                n_splits=n_splits,
                n_repeats=n_repeats,
                random_state=random_state,
                threshold=threshold,
                inner_splits=inner_splits,
                name=name,
                blas_threads=None,
                keep_models=keep_models,
            )

    name = name or getattr(make_model, "__name__", "model")
    cv = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    oof = np.full((n_repeats, len(y)), np.nan)
    rows, kept = [], []
    start = time.perf_counter()
    for k, (train, test) in enumerate(cv.split(np.zeros(len(y)), y)):
        rep, fold = divmod(k, n_splits)
        seed = random_state * 1000 + k
        t0 = time.perf_counter()
        model = _call_factory(make_model, seed)
        model.fit(_take(X, train), y[train])
        fit_s = time.perf_counter() - t0
        test_scores = _positive_scores(model, _take(X, test))
        if threshold != "youden":
            thr = float(threshold)
        elif inner_splits >= 2:
            inner = np.empty(len(train))
            skf = StratifiedKFold(n_splits=inner_splits, shuffle=True, random_state=seed)
            for i_tr, i_te in skf.split(np.zeros(len(train)), y[train]):
                m = _call_factory(make_model, seed)
                m.fit(_take(X, train[i_tr]), y[train][i_tr])
                inner[i_te] = _positive_scores(m, _take(X, train[i_te]))
            thr = choose_threshold(y[train], inner)
        else:
            thr = choose_threshold(y[train], _positive_scores(model, _take(X, train)))
        oof[rep, test] = test_scores
        m = binary_metrics(y[test], test_scores, thr)
        row = {"repeat": rep, "fold": fold, **m, "fit_seconds": fit_s}
        last = model.steps[-1][1] if hasattr(model, "steps") else model
        if hasattr(last, "best_epoch_"):
            row["best_epoch"] = last.best_epoch_
        rows.append(row)
        if keep_models:
            kept.append(model)
    folds = pd.DataFrame(rows)
    seconds = time.perf_counter() - start
    return CVResult(name=name, y=y, oof=oof, folds=folds, seconds=seconds, models=kept if keep_models else None)
