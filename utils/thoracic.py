"""폐암 수술 환자 데이터(Thoracic Surgery Data): 로더, 코드북(codebook), 스키마, 있을 수 없는 값의 규칙, 전처리.

강의는 ``numpy.loadtxt`` 로 18개 숫자 열을 읽어 ``X = Data_set[:, 0:17]``, ``Y = Data_set[:, 17]``
로 씁니다. :func:`load_thoracic` 은 그 원래 배열과 함께, 열 이름과 뜻이 붙은 DataFrame 과
코드북을 돌려줍니다.

주의 (강의의 오류): 강의 슬라이드는 "생존:1, 사망:0" 이라고 적었지만, UCI 설명에서 Risk1Yr
가 1(True)이면 **수술 후 1년 안에 사망** 입니다. 470명 중 70명이 1 입니다. 또 0번 열은 의학적
특징이 아니라 원본 파일의 환자 행 번호(id)입니다.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from . import checks
from .data import DatasetError, fetch

__all__ = [
    "BINARY",
    "CATEGORICAL",
    "COLUMNS",
    "CONTINUOUS",
    "FEATURES",
    "FEV1_MAX_LITRES",
    "LABEL",
    "LECTURE_FEATURES",
    "ORDINAL",
    "ThoracicData",
    "ThoracicPreprocessor",
    "codebook",
    "impossible_lung_values",
    "impossible_mask",
    "load_thoracic",
    "parse_thoracic",
    "thoracic_preprocessor",
]

N_ROWS = 470
N_COLS = 18

# (열 이름, 한국어 이름, 영어 설명, 값의 뜻)
CODEBOOK_ROWS: list[tuple[str, str, str, str]] = [
    (
        "id",
        "환자 행 번호",
        "row id of the patient in the original UCI file (not a medical feature)",
        "1-470 사이 정수; 의학적 의미 없음",
    ),
    (
        "DGN",
        "진단 코드",
        "diagnosis: combination of ICD-10 codes for primary/secondary tumours",
        "1-8 = DGN1-DGN8 (범주형, 크기 순서 아님)",
    ),
    ("PRE4", "노력성 폐활량(FVC)", "forced vital capacity (FVC), litres", "숫자 (리터)"),
    (
        "PRE5",
        "1초 노력성 호기량(FEV1)",
        "forced expiratory volume in one second (FEV1), litres",
        "숫자 (리터); 10 넘는 값은 단위 오류로 의심",
    ),
    (
        "PRE6",
        "활동 상태(Zubrod)",
        "performance status on the Zubrod scale",
        "0=PRZ0(정상 활동), 1=PRZ1, 2=PRZ2(활동 제한 큼)",
    ),
    ("PRE7", "수술 전 통증", "pain before surgery", "1=예, 0=아니오"),
    ("PRE8", "수술 전 객혈", "haemoptysis before surgery", "1=예, 0=아니오"),
    ("PRE9", "수술 전 호흡곤란", "dyspnoea before surgery", "1=예, 0=아니오"),
    ("PRE10", "수술 전 기침", "cough before surgery", "1=예, 0=아니오"),
    ("PRE11", "수술 전 쇠약감", "weakness before surgery", "1=예, 0=아니오"),
    (
        "PRE14",
        "종양 크기(T 병기)",
        "T in clinical TNM: size of the original tumour",
        "11=OC11(가장 작음) … 14=OC14(가장 큼)",
    ),
    ("PRE17", "제2형 당뇨", "type 2 diabetes mellitus", "1=예, 0=아니오"),
    ("PRE19", "6개월 내 심근경색", "myocardial infarction up to 6 months before", "1=예, 0=아니오"),
    ("PRE25", "말초동맥질환", "peripheral arterial disease (PAD)", "1=예, 0=아니오"),
    ("PRE30", "흡연", "smoking", "1=예, 0=아니오"),
    ("PRE32", "천식", "asthma", "1=예, 0=아니오"),
    ("AGE", "수술 시 나이", "age at surgery, years", "숫자 (세)"),
    (
        "Risk1Yr",
        "1년 내 사망 (레이블)",
        "label: 1 = the patient DIED within one year after surgery",
        "1=사망(70명), 0=생존(400명)",
    ),
]
COLUMNS = [row[0] for row in CODEBOOK_ROWS]
FEATURES = COLUMNS[1:-1]  # id 와 레이블을 뺀 16개 의학적 특징
LABEL = "Risk1Yr"
LECTURE_FEATURES = COLUMNS[:17]  # 강의의 X = Data_set[:, 0:17] (id 포함)

# 전처리에서 열을 다루는 방식 (스키마). 모든 모듈과 노트북이 이 이름들을 씁니다.
CONTINUOUS = ["PRE4", "PRE5", "AGE"]  # 결측 대치 + 표준화
ORDINAL = ["PRE6", "PRE14"]  # 표준화 (순서가 있는 범주)
BINARY = ["PRE7", "PRE8", "PRE9", "PRE10", "PRE11", "PRE17", "PRE19", "PRE25", "PRE30", "PRE32"]  # 0/1 그대로
CATEGORICAL = "DGN"  # 원-핫 (진단 코드는 크기 순서가 없음)
FEV1_MAX_LITRES = 10.0  # 사람의 FEV1·FVC 는 10 리터를 넘을 수 없습니다 (성인 보통 2-6 L)


@dataclass
class ThoracicData:
    """:func:`load_thoracic` 의 결과.

    array: 강의 그대로의 (470, 18) float 배열. frame: 열 이름이 붙은 DataFrame.
    codebook: 열마다 한국어·영어 이름과 값의 뜻. path: 검증된 CSV 경로.
    """

    array: np.ndarray
    frame: pandas.DataFrame  # noqa: F821
    codebook: pandas.DataFrame  # noqa: F821
    path: Path

    @property
    def y(self) -> np.ndarray:
        """레이블: 1 = 1년 안에 사망."""
        return self.array[:, 17]


def codebook():
    """코드북 DataFrame (index=열 번호)."""
    import pandas as pd

    return pd.DataFrame(CODEBOOK_ROWS, columns=["column", "name_ko", "description_en", "values"]).rename_axis("index")


def parse_thoracic(path: str | Path) -> np.ndarray:
    """CSV 를 읽어 (470, 18) 배열로 돌려주고 모양·값을 확인합니다."""
    try:
        array = np.loadtxt(path, delimiter=",")
    except ValueError as exc:
        raise DatasetError(f"{path}: 숫자 CSV 로 읽을 수 없습니다 ({exc}). 파일을 지우고 다시 받으세요.") from exc
    if array.shape != (N_ROWS, N_COLS):
        raise DatasetError(f"{path}: 모양이 {array.shape} 입니다. 기대한 모양은 ({N_ROWS}, {N_COLS}).")
    if not set(np.unique(array[:, 17])) <= {0.0, 1.0}:
        raise DatasetError(f"{path}: 레이블 열(17)에 0/1 이 아닌 값이 있습니다.")
    return array


def load_thoracic(data_dir: str | Path | None = None, verbose: bool = False) -> ThoracicData:
    """데이터를 받아(캐시·미러·URL) 원래 배열, 이름 붙은 DataFrame, 코드북을 돌려줍니다."""
    import pandas as pd

    path = fetch("thoracic", data_dir=data_dir, verbose=verbose)
    array = parse_thoracic(path)
    frame = pd.DataFrame(array, columns=COLUMNS)
    int_cols = [c for c in COLUMNS if c not in ("PRE4", "PRE5")]
    frame[int_cols] = frame[int_cols].astype(int)
    frame = frame.copy()  # 열마다 흩어진 블록을 하나로 모읍니다 (폴드마다 행을 고르는 iloc 이 몇 배 빨라짐)
    return ThoracicData(array=array, frame=frame, codebook=codebook(), path=path)


# ---------------------------------------------------------------------------
# 있을 수 없는 값 (이 규칙은 여기 한 곳에만 있습니다)
# ---------------------------------------------------------------------------
def impossible_lung_values(fvc, fev1, max_litres: float = FEV1_MAX_LITRES) -> tuple[np.ndarray, np.ndarray]:
    """있을 수 없는 폐 기능 값의 위치 ``(bad_fvc, bad_fev1)`` (불리언 배열 두 개).

    FEV1(첫 1초 동안 내쉰 양)은 FVC(끝까지 내쉰 전체 양)의 일부이므로 FEV1 > FVC 는 불가능하고,
    ``max_litres`` 를 넘는 값(예: 72.8)은 리터일 수 없습니다 (소수점이 빠진 입력 오류로 보임).
    FVC 는 ``max_litres`` 를 넘을 때만 있을 수 없는 값으로 봅니다.
    """
    fvc = np.asarray(fvc, dtype=float)
    fev1 = np.asarray(fev1, dtype=float)
    with np.errstate(invalid="ignore"):
        return fvc > max_litres, (fev1 > fvc) | (fev1 > max_litres)


def impossible_mask(frame) -> np.ndarray:
    """FEV1 이 있을 수 없는 행이면 True (``load_thoracic().frame`` 처럼 열 이름이 있는 DataFrame)."""
    for col in ("PRE4", "PRE5"):
        if col not in getattr(frame, "columns", ()):
            raise ValueError(f"열 {col!r}이 없습니다 (열 이름이 있는 DataFrame이 필요합니다)")
    return impossible_lung_values(frame["PRE4"], frame["PRE5"])[1]


# ---------------------------------------------------------------------------
# 누수 없는 전처리 (학습 폴드로만 fit)
# ---------------------------------------------------------------------------
_IDX = {name: i for i, name in enumerate(LECTURE_FEATURES)}


class ThoracicPreprocessor(TransformerMixin, BaseEstimator):
    """폐암 수술 데이터를 모델 입력으로 바꾸는 전처리기 (scikit-learn 변환기, NumPy 로 빠르게).

    입력: 열 이름이 붙은 DataFrame (``load_thoracic().frame``, 레이블 열은 있어도 무시) 또는 강의 순서의
    17열 배열 (``Data_set[:, 0:17]``: id, DGN, PRE4 … AGE).

    ``fit`` 이 **받은 데이터(= 학습 폴드)에서만** 배우는 것: 폐 기능·나이의 중앙값(결측 대치용), 평균·표준편차
    (표준화용), 진단 코드 범주 목록. ``transform`` 은 배운 값을 그대로 적용할 뿐입니다.

    1. (``impossible_as_missing``) :func:`impossible_lung_values` 의 값 → 결측(NaN) → 학습 폴드 중앙값으로 대치
    2. :data:`CONTINUOUS` 와 :data:`ORDINAL` 열: (``scale``) 표준화
    3. :data:`BINARY` 의 예/아니오 특징 10개: 0/1 그대로
    4. (``one_hot_dgn``) 진단 코드 DGN: 원-핫. 학습 데이터에 ``min_frequency`` 명보다 적은 코드(DGN1, 6, 8 등)와
       처음 보는 코드는 'DGN_rare' 한 칸으로 묶습니다. ``one_hot_dgn=False`` 면 숫자 하나로(강의처럼) 둡니다.
    5. (``drop_id``) 환자 번호 id 는 버립니다. ``drop_id=False`` 면 id 도 특징으로 넣습니다(강의처럼).
    """

    def __init__(
        self,
        drop_id: bool = True,
        impossible_as_missing: bool = True,
        one_hot_dgn: bool = True,
        scale: bool = True,
        min_frequency: int = 5,
    ):
        self.drop_id = drop_id
        self.impossible_as_missing = impossible_as_missing
        self.one_hot_dgn = one_hot_dgn
        self.scale = scale
        self.min_frequency = min_frequency

    @staticmethod
    def _to_array(X) -> np.ndarray:
        if hasattr(X, "columns"):
            missing = [c for c in LECTURE_FEATURES if c not in X.columns]
            if missing:
                raise ValueError(f"DataFrame에 열 {missing}이 없습니다 (load_thoracic().frame을 쓰세요)")
            if list(X.columns[: len(LECTURE_FEATURES)]) == LECTURE_FEATURES:  # 흔한 경우: 열 순서가 이미 같음 (빠름)
                return X.iloc[:, : len(LECTURE_FEATURES)].to_numpy(dtype=float)
            return X[LECTURE_FEATURES].to_numpy(dtype=float)
        A = np.asarray(X, dtype=float)
        if A.ndim != 2 or A.shape[1] != len(LECTURE_FEATURES):
            raise ValueError(f"배열은 강의 순서의 17열(id, DGN, PRE4 … AGE)이어야 합니다 (모양: {A.shape})")
        return A

    def _clean(self, X) -> np.ndarray:
        A = self._to_array(X).copy()
        if self.impossible_as_missing:
            bad_fvc, bad_fev1 = impossible_lung_values(A[:, _IDX["PRE4"]], A[:, _IDX["PRE5"]])
            A[bad_fev1, _IDX["PRE5"]] = np.nan
            A[bad_fvc, _IDX["PRE4"]] = np.nan
        return A

    def _scaled_names(self) -> list[str]:
        names = CONTINUOUS + ORDINAL
        if not self.one_hot_dgn:
            names = names + [CATEGORICAL]
        if not self.drop_id:
            names = names + ["id"]
        return names

    def fit(self, X, y=None):
        checks.count(self.min_frequency, "min_frequency")
        A = self._clean(X)
        if len(A) < 2:
            raise ValueError("전처리기를 학습하려면 행이 2개 이상 필요합니다")
        cont = [_IDX[c] for c in CONTINUOUS]
        with np.errstate(all="ignore"):
            med = np.nanmedian(A[:, cont], axis=0)
        if np.isnan(med).any():
            raise ValueError("어떤 연속형 열이 모두 결측입니다 (중앙값을 구할 수 없습니다)")
        self.medians_ = dict(zip(CONTINUOUS, med))
        A = self._impute(A)
        cols = [_IDX[c] for c in self._scaled_names()]
        self.mean_ = A[:, cols].mean(axis=0)
        std = A[:, cols].std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        if self.one_hot_dgn:
            codes, counts = np.unique(A[:, _IDX[CATEGORICAL]], return_counts=True)
            self.categories_ = [int(c) for c, n in zip(codes, counts) if n >= self.min_frequency]
        self.n_features_in_ = len(LECTURE_FEATURES)
        self.feature_names_out_ = self._names_out()
        return self

    def _impute(self, A: np.ndarray) -> np.ndarray:
        for c, m in self.medians_.items():
            col = A[:, _IDX[c]]
            col[np.isnan(col)] = m
        return A

    def _names_out(self) -> list[str]:
        names = list(self._scaled_names()) + BINARY
        if self.one_hot_dgn:
            names += [f"DGN_{c}" for c in self.categories_] + ["DGN_rare"]
        return names

    def transform(self, X):
        if not hasattr(self, "medians_"):
            raise ValueError("먼저 fit을 불러야 합니다 (학습 폴드로)")
        A = self._impute(self._clean(X))
        scaled = A[:, [_IDX[c] for c in self._scaled_names()]]
        if self.scale:
            scaled = (scaled - self.mean_) / self.scale_
        parts = [scaled, A[:, [_IDX[c] for c in BINARY]]]
        if self.one_hot_dgn:
            dgn = A[:, _IDX[CATEGORICAL]]
            onehot = np.column_stack([dgn == c for c in self.categories_] + [~np.isin(dgn, self.categories_)])
            parts.append(onehot.astype(float))
        return np.hstack(parts)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_out_, dtype=object)


def thoracic_preprocessor(
    drop_id: bool = True,
    impossible_as_missing: bool = True,
    one_hot_dgn: bool = True,
    scale: bool = True,
    min_frequency: int = 5,
) -> ThoracicPreprocessor:
    """:class:`ThoracicPreprocessor` 를 만듭니다. ``make_pipeline(thoracic_preprocessor(), 모델)`` 처럼 씁니다."""
    return ThoracicPreprocessor(
        drop_id=drop_id,
        impossible_as_missing=impossible_as_missing,
        one_hot_dgn=one_hot_dgn,
        scale=scale,
        min_frequency=min_frequency,
    )
