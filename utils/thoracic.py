"""폐암 수술 환자 데이터(Thoracic Surgery Data) 로더와 코드북(codebook).

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

from .data import DatasetError, fetch

N_ROWS = 470
N_COLS = 18

# (열 이름, 한국어 이름, 영어 설명, 값의 뜻)
CODEBOOK_ROWS: list[tuple[str, str, str, str]] = [
    ("id", "환자 행 번호", "row id of the patient in the original UCI file (not a medical feature)", "1-470 사이 정수; 의학적 의미 없음"),
    ("DGN", "진단 코드", "diagnosis: combination of ICD-10 codes for primary/secondary tumours", "1-8 = DGN1-DGN8 (범주형, 크기 순서 아님)"),
    ("PRE4", "노력성 폐활량(FVC)", "forced vital capacity (FVC), litres", "숫자 (리터)"),
    ("PRE5", "1초 노력성 호기량(FEV1)", "forced expiratory volume in one second (FEV1), litres", "숫자 (리터); 10 넘는 값은 단위 오류로 의심"),
    ("PRE6", "활동 상태(Zubrod)", "performance status on the Zubrod scale", "0=PRZ0(정상 활동), 1=PRZ1, 2=PRZ2(활동 제한 큼)"),
    ("PRE7", "수술 전 통증", "pain before surgery", "1=예, 0=아니오"),
    ("PRE8", "수술 전 객혈", "haemoptysis before surgery", "1=예, 0=아니오"),
    ("PRE9", "수술 전 호흡곤란", "dyspnoea before surgery", "1=예, 0=아니오"),
    ("PRE10", "수술 전 기침", "cough before surgery", "1=예, 0=아니오"),
    ("PRE11", "수술 전 쇠약감", "weakness before surgery", "1=예, 0=아니오"),
    ("PRE14", "종양 크기(T 병기)", "T in clinical TNM: size of the original tumour", "11=OC11(가장 작음) … 14=OC14(가장 큼)"),
    ("PRE17", "제2형 당뇨", "type 2 diabetes mellitus", "1=예, 0=아니오"),
    ("PRE19", "6개월 내 심근경색", "myocardial infarction up to 6 months before", "1=예, 0=아니오"),
    ("PRE25", "말초동맥질환", "peripheral arterial disease (PAD)", "1=예, 0=아니오"),
    ("PRE30", "흡연", "smoking", "1=예, 0=아니오"),
    ("PRE32", "천식", "asthma", "1=예, 0=아니오"),
    ("AGE", "수술 시 나이", "age at surgery, years", "숫자 (세)"),
    ("Risk1Yr", "1년 내 사망 (레이블)", "label: 1 = the patient DIED within one year after surgery", "1=사망(70명), 0=생존(400명)"),
]
COLUMNS = [row[0] for row in CODEBOOK_ROWS]
FEATURES = COLUMNS[1:-1]  # id 와 레이블을 뺀 16개 의학적 특징
LABEL = "Risk1Yr"


@dataclass
class ThoracicData:
    """:func:`load_thoracic` 의 결과.

    array: 강의 그대로의 (470, 18) float 배열. frame: 열 이름이 붙은 DataFrame.
    codebook: 열마다 한국어·영어 이름과 값의 뜻. path: 검증된 CSV 경로.
    """

    array: np.ndarray
    frame: "pandas.DataFrame"  # noqa: F821
    codebook: "pandas.DataFrame"  # noqa: F821
    path: Path

    @property
    def X_lecture(self) -> np.ndarray:
        """강의의 ``Data_set[:, 0:17]`` (환자 번호 id 가 섞인 17열)."""
        return self.array[:, 0:17]

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
    return ThoracicData(array=array, frame=frame, codebook=codebook(), path=path)
