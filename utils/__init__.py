"""딥러닝 강의 노트북이 함께 쓰는 도우미 패키지 (shared helpers for the course notebooks).

노트북은 맨 위 설정 셀에서 ``import utils`` 후 ``utils.setup()`` 한 번만 부르면 됩니다.

패키지는 두 층입니다 (관리자 도구는 저장소의 ``course_tools/`` 에 따로 있고, 여기서 import 하지 않습니다).

**공통 층** — 모든 노트북이 쓰는 배관(plumbing):

* :mod:`utils.env`      — 실행 환경(Colab / GPU / CPU) 확인, 버전 출력, 시드 고정, TF 로그 정리
* :mod:`utils.data`     — 데이터셋 등록부(registry)와 무결성 검사를 하는 ``fetch`` (캐시, 미러, 원자적 저장)
* :mod:`utils.thoracic` — 폐암 수술 환자 데이터(Thoracic Surgery) 로더, 코드북, 스키마
* :mod:`utils.plots`    — 한글 글꼴과 코스 공통 그림 (학습 곡선, 결정 경계)
* :mod:`utils.report`   — 노트북이 핵심 수치를 기록하는 ``record``
* :mod:`utils.course`   — 코스 지도(강의 목록 ``COURSE``)와 Colab 링크
* :mod:`utils.checks`   — 입력 검사 (모든 모듈이 같은 한국어 오류 문구를 씀)

**강의 층** — :mod:`utils.lessons`: 강의 주제별 도우미. 노트북이 본문에서 직접 보여 준 알고리즘의
라이브러리 판(d2l 의 ``#@save`` 방식)입니다. 새 강의의 도우미는 여기에 주제 이름으로 둡니다.

TensorFlow 는 이 패키지를 import 할 때 불러오지 않습니다(빠른 시작). 다만 TF 가 나중에
import 될 때 시작 로그가 조용하도록 환경 변수만 먼저 정해 둡니다.
"""

from __future__ import annotations

import os as _os

# TF 는 import 되는 순간 이 값을 읽으므로, TF 보다 먼저 정해야 합니다.
# 사용자가 이미 정한 값은 존중합니다(setdefault).
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # C++ INFO/WARNING/ERROR 로그 숨김 (파이썬 예외는 그대로)
# oneDNN 을 켭니다. TF 는 CPU 종류에 따라 스스로 켜기도 하고 끄기도 합니다. 이 코스를 재는 2코어 AVX2 CPU 에서는
# 값을 정하지 않으면 꺼진 것과 같은 속도였고, 1로 켜면 01 의 CNN 학습이 에폭당 약 5초에서 약 2초로 빨라졌습니다.
# 켜져 있다는 안내 문구는 위의 TF_CPP_MIN_LOG_LEVEL 이 가립니다.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

from ._release import COURSE_ID
from ._release import REF as _REF
from ._release import REPOSITORY as _REPOSITORY
from ._release import VERSION as __version__
from .data import REGISTRY, DatasetError, dataset_path, fetch
from .env import EnvInfo, describe_environment, is_colab, seed_everything, setup
from .report import record

#: 공통 설정 셀이 확인하는 "이 코스의 utils 인가"의 답: 표식과, 설치된 판의 저장소@ref.
#: 값은 ``python -m course_tools sync`` 가 pyproject.toml 에서 만든 :mod:`utils._release` 에서 옵니다.
COURSE_RELEASE = f"{_REPOSITORY}@{_REF}"

__all__ = [
    "COURSE_ID",
    "COURSE_RELEASE",
    "REGISTRY",
    "DatasetError",
    "EnvInfo",
    "__version__",
    "dataset_path",
    "describe_environment",
    "fetch",
    "is_colab",
    "record",
    "seed_everything",
    "setup",
]
