"""딥러닝 강의 노트북이 함께 쓰는 도우미 패키지 (shared helpers for the course notebooks).

노트북은 맨 위 설정 셀에서 ``import utils`` 후 ``utils.setup()`` 한 번만 부르면 됩니다.

* :mod:`utils.env`     — 실행 환경(Colab / GPU / CPU) 확인, 버전 출력, 시드 고정, TF 로그 정리
* :mod:`utils.data`    — 데이터셋 등록부(registry)와 무결성 검사를 하는 ``fetch`` (캐시, 미러, 원자적 저장)
* :mod:`utils.thoracic`— 폐암 수술 환자 데이터(Thoracic Surgery) 로더와 코드북
* :mod:`utils.plots`   — 한글 글꼴과 코스 공통 그림 스타일
* :mod:`utils.course`  — 코스 지도(노트북 목록), Colab 배지·링크, 공통 설정 셀
* :mod:`utils.report`  — 노트북이 핵심 수치를 기록하는 ``record``
* :mod:`utils.runner`  — 모든 노트북을 papermill 로 실행하는 메인 작업(main job)
* :mod:`utils.neurons` — 맥컬록-피츠 뉴런, 퍼셉트론, NumPy MLP 와 역전파 (노트북 02, 03)
* :mod:`utils.images`  — 개·고양이 사진 읽기(캐시), HOG·색 히스토그램 특징 (노트북 01)
* :mod:`utils.training`— 층별 기울기·활성화 측정과 여러 시드 반복 실험 (노트북 05, 06)
* :mod:`utils.evaluation` — 반복 층화 교차 검증, 부트스트랩 AUC 신뢰구간, 누수 없는 전처리·오버샘플링 (노트북 07)
* :mod:`utils.optim`   — 2차원 손실 곡면과 Keras 옵티마이저 궤적 (노트북 08)

TensorFlow 는 이 패키지를 import 할 때 불러오지 않습니다(빠른 시작). 다만 TF 가 나중에
import 될 때 시작 로그가 조용하도록 환경 변수만 먼저 정해 둡니다.
"""
from __future__ import annotations

import os as _os

# TF 는 import 되는 순간 이 값을 읽으므로, TF 보다 먼저 정해야 합니다.
# 사용자가 이미 정한 값은 존중합니다(setdefault).
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")      # C++ INFO/WARNING/ERROR 로그 숨김 (파이썬 예외는 그대로)
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")     # oneDNN 안내 문구 제거 + 재현성

from .env import EnvInfo, describe_environment, is_colab, seed_everything, setup  # noqa: E402
from .data import REGISTRY, DatasetError, fetch, dataset_path  # noqa: E402
from .report import record  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "EnvInfo",
    "DatasetError",
    "REGISTRY",
    "dataset_path",
    "describe_environment",
    "fetch",
    "is_colab",
    "record",
    "seed_everything",
    "setup",
    "__version__",
]
