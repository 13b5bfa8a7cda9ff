"""코스 지도(노트북 목록)와 Colab 링크 — 설치된 패키지만으로 동작합니다.

강의 목록 ``COURSE`` 는 이 코스의 **유일한 원본**입니다. 메인 작업(``course_tools.runner``),
``course_tools.sync``, 테스트가 모두 이 목록을 씁니다. 저장소 주소와 ref 는 ``pyproject.toml`` 의
``[tool.dlcourse]`` 에서 ``python -m course_tools sync`` 가 만들어 두는 :mod:`utils._release` 에서 읽으므로,
Colab 처럼 저장소 파일이 없는 곳(휠로 설치된 패키지)에서도 코스 지도와 링크가 온전합니다.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._release import REF, REPOSITORY

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


@dataclass(frozen=True)
class Lesson:
    """코스 지도의 한 줄: 노트북 파일 이름, 제목, 한 줄 설명, 시간 목표, TensorFlow 사용 여부."""

    filename: str
    title: str
    summary: str
    budget_s: int = 60  # 2코어 CPU 에서의 실행 시간 목표(초). 보고서용이며 테스트를 실패시키지 않습니다.
    # 노트북이 TensorFlow/Keras 를 쓰는가. False 면 공통 설정 셀이 TF 를 불러오지 않습니다
    # (``utils.setup(..., tensorflow=False)``; TF import 만 이 기계에서 5~8 초). 저장소 테스트가 노트북과 맞는지 확인합니다.
    tensorflow: bool = True

    @property
    def number(self) -> str:
        """두 자리 번호 (예: ``"07"``)."""
        return self.filename[:2]

    @property
    def stem(self) -> str:
        return self.filename.removesuffix(".ipynb")


COURSE: tuple[Lesson, ...] = (
    Lesson(
        "00_getting_started.ipynb",
        "시작하기: 코스 지도와 실행 환경",
        "코스 지도, 환경 점검, 딥러닝 역사 연표, 6단계 작업 흐름, CPU vs GPU 행렬 곱 시간 재기",
        18,
    ),
    Lesson(
        "01_ml_vs_dl.ipynb",
        "머신러닝 vs 딥러닝: 개와 고양이 사진",
        "손으로 만든 특징 + SVM/KNN과 스스로 특징을 배우는 CNN을 같은 사진으로 비교",
        110,
    ),
    Lesson(
        "02_perceptron_xor.ipynb",
        "맥컬록-피츠 뉴런, 퍼셉트론, XOR의 벽",
        "논리 게이트 뉴런, 로젠블랫의 학습 규칙, 선 하나로는 풀 수 없는 XOR",
        8,
        tensorflow=False,
    ),
    Lesson(
        "03_mlp_backprop.ipynb",
        "다층 퍼셉트론과 역전파",
        "NumPy로 직접 쓰는 역전파(backpropagation), 기울기 검증, Keras와 비교",
        10,
    ),
    Lesson(
        "04_cnn_lenet.ipynb",
        "CNN: 합성곱과 LeNet",
        "손으로 하는 합성곱·풀링, 진짜 손글씨 숫자(MNIST)로 LeNet 스타일 CNN과 MLP 비교, AlexNet의 재료",
        30,
    ),
    Lesson(
        "05_vanishing_gradient_relu.ipynb",
        "기울기 소실, ReLU, 가중치 초기화",
        "시그모이드의 기울기 소실을 층별로 재고 사전 학습·ReLU·He 초기화로 해결",
        20,
    ),
    Lesson("06_dropout.ipynb", "드롭아웃과 과대적합", "과대적합을 눈으로 보고 드롭아웃·L2 규제를 여러 시드로 비교", 14),
    Lesson(
        "07_lung_cancer_survival.ipynb",
        "폐암 수술 환자 생존 예측: 강의 재현과 누수 없는 평가",
        "강의 코드 그대로의 0.8511이 뜻하는 것, 그리고 교차 검증·ROC AUC로 다시 하기",
        14,
    ),
    Lesson(
        "08_activations_losses_optimizers.ipynb",
        "활성화 함수·손실 함수·옵티마이저 실험",
        "강의의 참고 표를 한 줄씩 실험으로: 도함수, 기울기 크기, 최적화 궤적",
        16,
    ),
)

#: 코스 전체 시간 목표(초) — 강의별 목표의 합입니다(2코어 CPU 기준).
COURSE_BUDGET_S: int = sum(lesson.budget_s for lesson in COURSE)


def lesson(key: str) -> Lesson:
    """번호(``"07"``), 파일 이름 또는 확장자 없는 이름으로 강의를 찾습니다."""
    key = key.removesuffix(".ipynb")
    for item in COURSE:
        if key in (item.number, item.stem):
            return item
    valid = ", ".join(item.number for item in COURSE)
    raise KeyError(f"없는 강의입니다: {key!r} (있는 번호: {valid})")


def repository() -> tuple[str, str]:
    """(저장소 slug, ref) — 패키지에 들어 있는 값 (원본: ``pyproject.toml [tool.dlcourse]``)."""
    return REPOSITORY, REF


def colab_url(filename: str, repository: str = REPOSITORY, ref: str = REF) -> str:
    """노트북을 Colab 에서 여는 주소 (기본값: 패키지에 들어 있는 저장소와 ref)."""
    return f"https://colab.research.google.com/github/{repository}/blob/{ref}/notebooks/{filename}"


def badge(filename: str, repository: str = REPOSITORY, ref: str = REF) -> str:
    """노트북 맨 위와 코스 지도에 붙는 "Colab에서 열기" 배지 (Markdown)."""
    return f"[![Colab에서 열기]({BADGE_IMAGE})]({colab_url(filename, repository, ref)})"


def course_map_markdown() -> str:
    """노트북 00이 보여 주는 코스 지도 표 (Markdown). 모든 강의에 Colab 링크가 붙습니다."""
    rows = ["| # | 노트북 | 배울 것 | Colab |", "|---|---|---|---|"]
    for item in COURSE:
        rows.append(f"| {item.number} | **{item.title}** | {item.summary} | {badge(item.filename)} |")
    return "\n".join(rows)
