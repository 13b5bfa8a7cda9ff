"""정직한 모델 평가 도우미 (honest evaluation helpers) — 노트북 07 에서 씁니다.

작은 불균형 데이터(폐암 수술 환자 470명, 사망 70명)를 제대로 평가하는 데 필요한 부품입니다.

* :func:`mark_impossible` / :class:`ImpossibleToNaN` — 있을 수 없는 값(FEV1 > FVC, 10 L 넘는 폐활량)을 결측(NaN)으로
* :func:`thoracic_preprocessor` — id 삭제, 결측 대치(imputation), 진단 코드 원-핫, 표준화를 하나의 scikit-learn 파이프라인으로
* :func:`random_oversample`, :func:`smote`, :class:`OversampledClassifier` — 소수 클래스 오버샘플링 (학습 폴드 안에서만 쓰도록)
* :func:`choose_threshold`, :func:`binary_metrics`, :func:`roc_auc` — 임계값 고르기와 지표 계산
* :func:`bootstrap_auc_ci` — 부트스트랩(bootstrap)으로 ROC AUC 의 신뢰구간
* :func:`repeated_cv` / :class:`CVResult` — 반복 층화 k-겹 교차 검증(repeated stratified k-fold CV). 임계값은 학습 폴드 안에서 고릅니다.
* :class:`KerasBinaryClassifier` — Keras 모델을 scikit-learn 처럼(fit / predict_proba) 쓰게 하는 얇은 어댑터
  (클래스 가중치, 내부 검증 분할로 조기 종료)

원칙: 데이터를 보고 무언가를 "배우는" 모든 단계(대치 값, 평균·표준편차, 오버샘플링, 임계값, 조기 종료 시점)는
**학습 폴드 안에서만** 합니다. 그래야 시험 폴드의 점수가 처음 보는 환자에 대한 성능을 뜻합니다.
"""
from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import checks

FEV1_MAX_LITRES = 10.0  # 사람의 FEV1·FVC 는 10 리터를 넘을 수 없습니다 (성인 보통 2-6 L)

__all__ = [
    "FEV1_MAX_LITRES",
    "CVResult",
    "ImpossibleToNaN",
    "ThoracicPreprocessor",
    "KerasBinaryClassifier",
    "OversampledClassifier",
    "binary_metrics",
    "bootstrap_auc_ci",
    "choose_threshold",
    "impossible_mask",
    "mark_impossible",
    "random_oversample",
    "repeated_cv",
    "roc_auc",
    "smote",
    "thoracic_preprocessor",
]


# ---------------------------------------------------------------------------
# 입력 검사
# ---------------------------------------------------------------------------
# ---------------------------------------------------------------------------
# 있을 수 없는 값 → 결측
# ---------------------------------------------------------------------------
def impossible_mask(frame, fvc: str = "PRE4", fev1: str = "PRE5", max_litres: float = FEV1_MAX_LITRES):
    """FEV1 이 있을 수 없는 행이면 True 인 불리언 배열.

    FEV1(1초 동안 내쉰 양)은 FVC(끝까지 내쉰 전체 양)의 일부이므로 FEV1 > FVC 는 불가능하고,
    ``max_litres`` 를 넘는 값(예: 72.8)은 리터일 수 없습니다 (소수점이 빠진 입력 오류로 보임).
    """
    for col in (fvc, fev1):
        if col not in getattr(frame, "columns", ()):
            raise ValueError(f"열 {col!r} 이 없습니다 (열 이름이 있는 DataFrame 이 필요합니다)")
    fvc_v = frame[fvc].to_numpy(dtype=float)
    fev1_v = frame[fev1].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return (fev1_v > fvc_v) | (fev1_v > max_litres)


def mark_impossible(frame, fvc: str = "PRE4", fev1: str = "PRE5", max_litres: float = FEV1_MAX_LITRES):
    """있을 수 없는 FEV1 과 ``max_litres`` 를 넘는 FVC 를 NaN 으로 바꾼 **복사본**을 돌려줍니다 (원본은 그대로)."""
    bad_fev1 = impossible_mask(frame, fvc, fev1, max_litres)
    out = frame.copy()
    out[fev1] = out[fev1].astype(float)
    out[fvc] = out[fvc].astype(float)
    out.loc[bad_fev1, fev1] = np.nan
    out.loc[out[fvc] > max_litres, fvc] = np.nan
    return out


def _sk_base():
    from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

    return BaseEstimator, ClassifierMixin, TransformerMixin


_BaseEstimator, _ClassifierMixin, _TransformerMixin = _sk_base()


class ImpossibleToNaN(_TransformerMixin, _BaseEstimator):
    """:func:`mark_impossible` 을 파이프라인 단계로. 아무것도 배우지 않으므로(규칙만 적용) 누수가 없습니다."""

    def __init__(self, fvc: str = "PRE4", fev1: str = "PRE5", max_litres: float = FEV1_MAX_LITRES):
        self.fvc = fvc
        self.fev1 = fev1
        self.max_litres = max_litres

    def fit(self, X, y=None):
        impossible_mask(X, self.fvc, self.fev1, self.max_litres)  # 열 확인
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def transform(self, X):
        return mark_impossible(X, self.fvc, self.fev1, self.max_litres)

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_in_


_IDX = {name: i for i, name in enumerate(["id", "DGN", "PRE4", "PRE5", "PRE6", "PRE7", "PRE8", "PRE9", "PRE10", "PRE11",
                                            "PRE14", "PRE17", "PRE19", "PRE25", "PRE30", "PRE32", "AGE"])}
_CONTINUOUS = ["PRE4", "PRE5", "AGE"]          # 결측 대치 + 표준화
_ORDINAL = ["PRE6", "PRE14"]                   # 표준화 (순서가 있는 범주)
_BINARY = ["PRE7", "PRE8", "PRE9", "PRE10", "PRE11", "PRE17", "PRE19", "PRE25", "PRE30", "PRE32"]  # 0/1 그대로


class ThoracicPreprocessor(_TransformerMixin, _BaseEstimator):
    """폐암 수술 데이터를 모델 입력으로 바꾸는 전처리기 (scikit-learn 변환기, NumPy 로 빠르게).

    입력: 열 이름이 붙은 DataFrame (``load_thoracic().frame``, 레이블 열은 있어도 무시) 또는 강의 순서의
    17열 배열 (``Data_set[:, 0:17]``: id, DGN, PRE4 … AGE).

    ``fit`` 이 **받은 데이터(= 학습 폴드)에서만** 배우는 것: 폐 기능·나이의 중앙값(결측 대치용), 평균·표준편차
    (표준화용), 진단 코드 범주 목록. ``transform`` 은 배운 값을 그대로 적용할 뿐입니다.

    1. (``impossible_as_missing``) 있을 수 없는 FEV1(> FVC 또는 > 10 L)과 10 L 넘는 FVC → 결측(NaN) → 중앙값으로 대치
    2. PRE4(FVC), PRE5(FEV1), AGE, PRE6(활동 상태), PRE14(종양 크기): (``scale``) 표준화
    3. 예/아니오 특징 10개: 0/1 그대로
    4. (``one_hot_dgn``) 진단 코드 DGN: 원-핫. 학습 데이터에 ``min_frequency`` 명보다 적은 코드(DGN1, 6, 8 등)와
       처음 보는 코드는 'DGN_rare' 한 칸으로 묶습니다. ``one_hot_dgn=False`` 면 숫자 하나로(강의처럼) 둡니다.
    5. (``drop_id``) 환자 번호 id 는 버립니다. ``drop_id=False`` 면 id 도 특징으로 넣습니다(강의처럼).
    """

    def __init__(self, drop_id: bool = True, impossible_as_missing: bool = True, one_hot_dgn: bool = True,
                 scale: bool = True, min_frequency: int = 5):
        self.drop_id = drop_id
        self.impossible_as_missing = impossible_as_missing
        self.one_hot_dgn = one_hot_dgn
        self.scale = scale
        self.min_frequency = min_frequency

    @staticmethod
    def _to_array(X) -> np.ndarray:
        names = list(_IDX)
        if hasattr(X, "columns"):
            missing = [c for c in names if c not in X.columns]
            if missing:
                raise ValueError(f"DataFrame 에 열 {missing} 이 없습니다 (load_thoracic().frame 을 쓰세요)")
            return X[names].to_numpy(dtype=float)
        A = np.asarray(X, dtype=float)
        if A.ndim != 2 or A.shape[1] != len(names):
            raise ValueError(f"배열은 강의 순서의 17열(id, DGN, PRE4 … AGE)이어야 합니다 (모양: {A.shape})")
        return A

    def _clean(self, X) -> np.ndarray:
        A = self._to_array(X).copy()
        if self.impossible_as_missing:
            fvc, fev1 = A[:, _IDX["PRE4"]], A[:, _IDX["PRE5"]]
            bad = (fev1 > fvc) | (fev1 > FEV1_MAX_LITRES)
            A[bad, _IDX["PRE5"]] = np.nan
            A[fvc > FEV1_MAX_LITRES, _IDX["PRE4"]] = np.nan
        return A

    def _scaled_names(self) -> list[str]:
        names = _CONTINUOUS + _ORDINAL
        if not self.one_hot_dgn:
            names = names + ["DGN"]
        if not self.drop_id:
            names = names + ["id"]
        return names

    def fit(self, X, y=None):
        if not isinstance(self.min_frequency, int) or isinstance(self.min_frequency, bool) or self.min_frequency < 1:
            raise ValueError(f"min_frequency 는 1 이상의 정수여야 합니다 (받은 값: {self.min_frequency!r})")
        A = self._clean(X)
        if len(A) < 2:
            raise ValueError("전처리기를 학습하려면 행이 2개 이상 필요합니다")
        cont = [_IDX[c] for c in _CONTINUOUS]
        with np.errstate(all="ignore"):
            med = np.nanmedian(A[:, cont], axis=0)
        if np.isnan(med).any():
            raise ValueError("어떤 연속형 열이 모두 결측입니다 (중앙값을 구할 수 없습니다)")
        self.medians_ = dict(zip(_CONTINUOUS, med))
        A = self._impute(A)
        cols = [_IDX[c] for c in self._scaled_names()]
        self.mean_ = A[:, cols].mean(axis=0)
        std = A[:, cols].std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        if self.one_hot_dgn:
            codes, counts = np.unique(A[:, _IDX["DGN"]], return_counts=True)
            self.categories_ = [int(c) for c, n in zip(codes, counts) if n >= self.min_frequency]
        self.n_features_in_ = len(_IDX)
        self.feature_names_out_ = self._names_out()
        return self

    def _impute(self, A: np.ndarray) -> np.ndarray:
        for c, m in self.medians_.items():
            col = A[:, _IDX[c]]
            col[np.isnan(col)] = m
        return A

    def _names_out(self) -> list[str]:
        names = list(self._scaled_names()) + _BINARY
        if self.one_hot_dgn:
            names += [f"DGN_{c}" for c in self.categories_] + ["DGN_rare"]
        return names

    def transform(self, X):
        if not hasattr(self, "medians_"):
            raise ValueError("먼저 fit 을 불러야 합니다 (학습 폴드로)")
        A = self._impute(self._clean(X))
        scaled = A[:, [_IDX[c] for c in self._scaled_names()]]
        if self.scale:
            scaled = (scaled - self.mean_) / self.scale_
        parts = [scaled, A[:, [_IDX[c] for c in _BINARY]]]
        if self.one_hot_dgn:
            dgn = A[:, _IDX["DGN"]]
            onehot = np.column_stack([dgn == c for c in self.categories_] + [~np.isin(dgn, self.categories_)])
            parts.append(onehot.astype(float))
        return np.hstack(parts)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_out_, dtype=object)


def thoracic_preprocessor(drop_id: bool = True, impossible_as_missing: bool = True, one_hot_dgn: bool = True,
                          scale: bool = True, min_frequency: int = 5) -> ThoracicPreprocessor:
    """:class:`ThoracicPreprocessor` 를 만듭니다. ``make_pipeline(thoracic_preprocessor(), 모델)`` 처럼 씁니다."""
    return ThoracicPreprocessor(drop_id=drop_id, impossible_as_missing=impossible_as_missing,
                                one_hot_dgn=one_hot_dgn, scale=scale, min_frequency=min_frequency)


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
    if not isinstance(k_neighbors, int) or isinstance(k_neighbors, bool) or k_neighbors < 1:
        raise ValueError(f"k_neighbors 는 1 이상의 정수여야 합니다 (받은 값: {k_neighbors!r})")
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


class OversampledClassifier(_ClassifierMixin, _BaseEstimator):
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
        "tp": tp, "fn": fn, "tn": tn, "fp": fp,
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
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or n_boot < 100:
        raise ValueError(f"n_boot 는 100 이상의 정수여야 합니다 (받은 값: {n_boot!r})")
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
    folds: "pandas.DataFrame"  # noqa: F821
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def mean_oof(self) -> np.ndarray:
        """반복마다의 out-of-fold 점수를 환자별로 평균한 값 (어느 점수도 그 환자를 학습하지 않은 모델의 것)."""
        return self.oof.mean(axis=0)

    def summary(self) -> "pandas.Series":  # noqa: F821
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


def repeated_cv(make_model: Callable, X, y, n_splits: int = 5, n_repeats: int = 10, random_state: int = 0,
                threshold="youden", inner_splits: int = 3, name: str | None = None,
                blas_threads: int | None = 1) -> CVResult:
    """반복 층화 k-겹 교차 검증. 모델은 폴드마다 ``make_model()`` (또는 ``make_model(seed)``) 로 새로 만듭니다.

    make_model: ``fit(X, y)`` 와 ``predict_proba`` (또는 ``decision_function``) 가 있는 새 모델을 돌려주는 함수.
        전처리까지 담은 파이프라인을 돌려주면 전처리도 학습 폴드로만 학습됩니다.
    threshold: "youden" 이면 학습 폴드 안에서 임계값을 고릅니다. 숫자면 그 임계값을 그대로 씁니다.
    inner_splits: threshold="youden" 일 때, 2 이상이면 학습 폴드를 다시 ``inner_splits`` 겹으로 나눈 내부 교차
        검증의 점수로 임계값을 고릅니다 (모델이 외운 학습 점수보다 정직). 0 이면 학습 폴드 자신의 점수를 씁니다
        (학습이 비싼 모델용).
    blas_threads: NumPy/SciPy 의 BLAS 스레드 수 (threadpoolctl). 이렇게 작은 데이터에서는 스레드 여럿이 서로
        기다리느라 오히려 몇 배 느려지므로 기본값은 1 입니다. None 이면 건드리지 않습니다 (TensorFlow 는 영향 없음).
    """
    import pandas as pd
    from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold

    y = checks.binary_labels(y)
    if len(X) != len(y):
        raise ValueError(f"X 의 행 수 {len(X)} 와 y 의 길이 {len(y)} 가 다릅니다")
    checks.both_classes(y, "교차 검증")
    for label, v, lo in (("n_splits", n_splits, 2), ("n_repeats", n_repeats, 1)):
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            raise ValueError(f"{label} 는 {lo} 이상의 정수여야 합니다 (받은 값: {v!r})")
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
            return repeated_cv(make_model, X, y, n_splits=n_splits, n_repeats=n_repeats, random_state=random_state,
                               threshold=threshold, inner_splits=inner_splits, name=name, blas_threads=None)

    name = name or getattr(make_model, "__name__", "model")
    cv = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=random_state)
    oof = np.full((n_repeats, len(y)), np.nan)
    rows = []
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
    folds = pd.DataFrame(rows)
    return CVResult(name=name, y=y, oof=oof, folds=folds, seconds=time.perf_counter() - start)


# ---------------------------------------------------------------------------
# Keras 어댑터
# ---------------------------------------------------------------------------
class KerasBinaryClassifier(_ClassifierMixin, _BaseEstimator):
    """Keras 이진 분류 모델을 scikit-learn 처럼(fit / predict_proba) 쓰게 하는 어댑터 (파이프라인·교차 검증 안에 넣기 위해).

    build_fn(n_features) 는 **컴파일된** Keras 모델(출력 1개, sigmoid, loss="binary_crossentropy")을 돌려줘야 합니다.
    ``fit`` 은

    1. 학습 데이터에서 층화(stratified)로 ``validation_fraction`` 만큼을 **내부 검증(inner validation)** 용으로 떼고,
    2. class_weight="balanced" 면 남은 학습 데이터의 클래스 비율로 가중치를 정해 (사망 환자 한 명의 손실을 더 크게),
    3. 에폭마다 미니배치를 섞어 학습하고, 내부 검증 손실(학습과 **같은 클래스 가중치**를 준 binary cross-entropy)이
       ``patience`` 에폭 동안 좋아지지 않으면 멈춘 뒤 가장 좋았던 에폭의 가중치로 되돌립니다.

    3 은 ``keras.callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True)`` 와 같은 일입니다. 단 하나
    다른 점: ``model.fit(class_weight=...)`` 의 val_loss 는 가중치 **없이** 계산되므로, 가중치로 학습하는 모델이 사망 확률을
    높여 갈수록 val_loss 가 커져 조기 종료가 첫 몇 에폭에서 멈춰 버립니다 (학습이 거의 안 된 모델). 여기서는 검증
    손실에도 같은 가중치를 줍니다. 그리고
    ``model.fit`` 은 에폭마다 준비 작업이 있어 이렇게 작은 데이터(수백 행)에서는 대부분의 시간을 그 준비에 쓰므로,
    ``train_on_batch`` 로 같은 반복을 직접 돌려 몇 배 빠르게 합니다. 학습 곡선은 ``history_`` ({"loss", "val_loss"}),
    멈춘 에폭은 ``best_epoch_`` 에 남습니다. 시드는 ``random_state`` 로 고정합니다 (``keras.utils.set_random_seed`` 를
    부르므로 전역 시드도 바뀝니다).
    """

    def __init__(self, build_fn, epochs: int = 300, batch_size: int | None = 64, class_weight="balanced",
                 validation_fraction: float = 0.2, patience: int = 20, random_state: int = 0):
        self.build_fn = build_fn
        self.epochs = epochs
        self.batch_size = batch_size
        self.class_weight = class_weight
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state

    def _check_params(self):
        for label, v in (("epochs", self.epochs), ("patience", self.patience)):
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{label} 는 1 이상의 정수여야 합니다 (받은 값: {v!r})")
        if self.batch_size is not None and (not isinstance(self.batch_size, int) or self.batch_size < 1):
            raise ValueError(f"batch_size 는 1 이상의 정수나 None(전체 배치)이어야 합니다 (받은 값: {self.batch_size!r})")
        if not 0 < self.validation_fraction < 0.5:
            raise ValueError(f"validation_fraction 은 0 과 0.5 사이여야 합니다 (받은 값: {self.validation_fraction!r})")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight 는 None 또는 'balanced' 여야 합니다 (받은 값: {self.class_weight!r})")

    def fit(self, X, y):
        import keras
        from sklearn.model_selection import train_test_split

        self._check_params()
        X = np.asarray(X, dtype="float32")
        y = checks.binary_labels(y)
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError(f"X 모양 {X.shape} 과 y 길이 {len(y)} 가 맞지 않습니다")
        checks.both_classes(y, "Keras 학습")
        seed = int(self.random_state)
        keras.utils.set_random_seed(seed)
        X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=self.validation_fraction, stratify=y,
                                                    random_state=seed)
        counts = np.bincount(y_tr, minlength=2)
        class_w = np.array([len(y_tr) / (2 * counts[0]), len(y_tr) / (2 * counts[1])]) \
            if self.class_weight == "balanced" else np.ones(2)
        self.class_weight_ = {0: float(class_w[0]), 1: float(class_w[1])}
        model = self.build_fn(X.shape[1])
        rng = np.random.default_rng(seed)
        bs = self.batch_size or len(y_tr)
        y_tr_f = y_tr.astype("float32")
        w_tr = class_w[y_tr].astype("float32")
        history = {"loss": [], "val_loss": []}
        best, best_epoch, best_weights = np.inf, 0, model.get_weights()
        for epoch in range(self.epochs):
            order = rng.permutation(len(y_tr))
            losses, sizes = [], []
            for i in range(0, len(order), bs):
                b = order[i:i + bs]
                loss = model.train_on_batch(X_tr[b], y_tr_f[b], sample_weight=w_tr[b])
                losses.append(float(np.ravel(loss)[0]))
                sizes.append(len(b))
            history["loss"].append(float(np.average(losses, weights=sizes)))
            p = np.clip(np.asarray(model(X_val, training=False)).reshape(-1), 1e-7, 1 - 1e-7)
            val_loss = float(np.average(-(y_val * np.log(p) + (1 - y_val) * np.log(1 - p)), weights=class_w[y_val]))
            history["val_loss"].append(val_loss)
            if val_loss < best:
                best, best_epoch, best_weights = val_loss, epoch, model.get_weights()
            elif epoch - best_epoch >= self.patience:
                break
        model.set_weights(best_weights)
        self.model_ = model
        self.history_ = history
        self.best_epoch_ = best_epoch + 1
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        if not hasattr(self, "model_"):
            raise ValueError("먼저 fit 을 불러야 합니다")
        X = np.asarray(X, dtype="float32")
        p = np.asarray(self.model_(X, training=False)).reshape(-1).astype(float)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)
