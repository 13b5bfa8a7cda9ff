"""코스 지도(노트북 목록), Colab 배지·링크, 모든 노트북이 같은 공통 설정 셀.

저장소 주소(slug)와 ref 는 ``pyproject.toml`` 의 ``[tool.dlcourse]`` 한 곳에만 적습니다.
포크(fork)로 다시 공개할 때는 그 두 값을 바꾸고 ``python -m utils sync`` (또는 ``make colab``) 를
실행하면 ``colab_links.md``, 각 노트북의 Colab 배지, 공통 설정 셀이 함께 바뀝니다.
``python -m utils sync --check`` 는 바꾸지 않고 어긋난 곳만 알려 줍니다(테스트가 사용).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
COLAB_LINKS = ROOT / "colab_links.md"
SETUP_TAG = "setup"
PARAMETERS_TAG = "parameters"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_RE = re.compile(r"\[!\[Colab에서 열기\]\([^)]*\)\]\([^)]*\)")


@dataclass(frozen=True)
class Lesson:
    """코스 지도의 한 줄: 노트북 파일 이름, 제목, 한 줄 설명, 시간 목표."""

    filename: str
    title: str
    summary: str
    budget_s: int = 60  # 2코어 CPU 에서의 실행 시간 목표(초). 보고서용이며 테스트를 실패시키지 않습니다.


COURSE: tuple[Lesson, ...] = (
    Lesson("00_getting_started.ipynb", "시작하기: 코스 지도와 실행 환경",
           "코스 지도, 환경 점검, 딥러닝 역사 연표, 6단계 작업 흐름, CPU vs GPU 행렬 곱 시간 재기", 60),
    Lesson("01_ml_vs_dl.ipynb", "머신러닝 vs 딥러닝: 개와 고양이 사진",
           "손으로 만든 특징 + SVM/KNN 과 스스로 특징을 배우는 CNN 을 같은 사진으로 비교", 180),
    Lesson("02_perceptron_xor.ipynb", "맥컬록-피츠 뉴런, 퍼셉트론, XOR 의 벽",
           "논리 게이트 뉴런, 로젠블랫의 학습 규칙, 선 하나로는 풀 수 없는 XOR", 30),
    Lesson("03_mlp_backprop.ipynb", "다층 퍼셉트론과 역전파",
           "NumPy 로 직접 쓰는 역전파(backpropagation), 기울기 검증, Keras 와 비교", 30),
    Lesson("04_cnn_lenet.ipynb", "CNN: 합성곱과 LeNet",
           "손으로 하는 합성곱·풀링, LeNet 스타일 CNN 과 MLP 비교, 이미지넷의 해", 60),
    Lesson("05_vanishing_gradient_relu.ipynb", "기울기 소실, ReLU, 가중치 초기화",
           "시그모이드의 기울기 소실을 층별로 재고 ReLU·He 초기화로 해결", 60),
    Lesson("06_dropout.ipynb", "드롭아웃과 과대적합",
           "과대적합을 눈으로 보고 드롭아웃·L2 규제를 여러 시드로 비교", 60),
    Lesson("07_lung_cancer_survival.ipynb", "폐암 수술 환자 생존 예측: 강의 재현과 정직한 평가",
           "강의 코드 그대로의 0.8511 이 뜻하는 것, 그리고 교차 검증·ROC AUC 로 다시 하기", 90),
    Lesson("08_activations_losses_optimizers.ipynb", "활성화 함수·손실 함수·옵티마이저 실험",
           "강의의 참고 표를 한 줄씩 실험으로: 도함수, 기울기 크기, 최적화 궤적", 60),
)


def _config() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    cfg = data.get("tool", {}).get("dlcourse", {})
    repo, ref = cfg.get("repository", ""), cfg.get("ref", "")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo) or not ref:
        raise ValueError("pyproject.toml 의 [tool.dlcourse] 에 repository='owner/name' 과 ref 가 필요합니다")
    return {"repository": repo, "ref": ref}


def repository() -> tuple[str, str]:
    """(저장소 slug, ref) — ``pyproject.toml`` 의 ``[tool.dlcourse]``."""
    cfg = _config()
    return cfg["repository"], cfg["ref"]


def colab_url(filename: str) -> str:
    repo, ref = repository()
    return f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{filename}"


def github_url(filename: str) -> str:
    repo, ref = repository()
    return f"https://github.com/{repo}/blob/{ref}/notebooks/{filename}"


def badge(filename: str) -> str:
    return f"[![Colab에서 열기]({BADGE_IMAGE})]({colab_url(filename)})"


def setup_cell_source() -> str:
    """모든 노트북의 공통 설정 셀 (태그 ``setup``). 다시 실행해도 안전합니다."""
    repo, ref = repository()
    return f'''# [공통 설정 셀] 모든 노트북에서 똑같습니다. 몇 번을 다시 실행해도 안전합니다.
# Colab 에서만: 이 코스의 utils 패키지와 한글 글꼴 패키지를 "없을 때만" 설치합니다.
# (TensorFlow·NumPy 등 Colab 에 이미 있는 것은 건드리지 않도록 --no-deps 로 설치합니다.)
import importlib
import importlib.util
import subprocess
import sys

COURSE_REPO, COURSE_REF = "{repo}", "{ref}"
if "google.colab" in sys.modules:
    wanted = {{"utils": f"git+https://github.com/{{COURSE_REPO}}@{{COURSE_REF}}",
              "koreanize_matplotlib": "koreanize-matplotlib"}}
    missing = [spec for module, spec in wanted.items() if importlib.util.find_spec(module) is None]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", *missing], check=True)
        importlib.invalidate_caches()

import utils  # 코스 공통 도우미: 시드, 한글 글꼴, 데이터, 환경 확인

ENV = utils.setup(seed=42)  # 한글 글꼴 + 시드 고정 + 결정적 연산 + 버전·장치 출력'''


def colab_links_markdown(existing: set[str] | None = None) -> str:
    """``colab_links.md`` 의 내용 (코스 지도의 순서대로)."""
    existing = existing if existing is not None else notebook_files()
    repo, ref = repository()
    lines = [
        "# Colab 링크",
        "",
        "<!-- 이 파일은 `python -m utils sync` 가 만듭니다. 손으로 고치지 마세요. -->",
        f"저장소 `{repo}`, ref `{ref}` 기준입니다. 포크에서 공개할 때는 README 의 'Colab 주소 바꾸기'를 보세요.",
        "",
        "| 노트북 | 주제 | Colab |",
        "|---|---|---|",
    ]
    for lesson in COURSE:
        if lesson.filename in existing:
            lines.append(f"| [`{lesson.filename}`](notebooks/{lesson.filename}) | {lesson.title} | {badge(lesson.filename)} |")
        else:
            lines.append(f"| `{lesson.filename}` | {lesson.title} | (준비 중) |")
    return "\n".join(lines) + "\n"


def notebook_files(directory: Path = NOTEBOOK_DIR) -> set[str]:
    return {p.name for p in directory.glob("[0-9][0-9]_*.ipynb")}


def course_map_markdown() -> str:
    """노트북 00 이 보여 주는 코스 지도 표 (Markdown)."""
    existing = notebook_files()
    rows = ["| # | 노트북 | 배울 것 | Colab |", "|---|---|---|---|"]
    for lesson in COURSE:
        num = lesson.filename[:2]
        link = badge(lesson.filename) if lesson.filename in existing else "준비 중"
        rows.append(f"| {num} | **{lesson.title}** | {lesson.summary} | {link} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------
# 동기화 (sync): 배지, 설정 셀, colab_links.md
# ---------------------------------------------------------------------------
def _sync_notebook(nb, filename: str) -> list[str]:
    problems: list[str] = []
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown":
        return [f"{filename}: 첫 셀은 제목과 배지가 있는 Markdown 셀이어야 합니다"]
    want_badge = badge(filename)
    first = cells[0].source
    if BADGE_RE.search(first) is None:
        problems.append(f"{filename}: 첫 셀에 Colab 배지가 없습니다")
    elif BADGE_RE.search(first).group(0) != want_badge:
        problems.append(f"{filename}: Colab 배지 주소가 설정과 다릅니다")
        cells[0].source = BADGE_RE.sub(lambda _m: want_badge, first)
    setup_cells = [c for c in cells if c.cell_type == "code" and SETUP_TAG in c.metadata.get("tags", [])]
    if len(setup_cells) != 1:
        problems.append(f"{filename}: 'setup' 태그가 붙은 공통 설정 셀이 정확히 하나 있어야 합니다 ({len(setup_cells)}개)")
    elif setup_cells[0].source != setup_cell_source():
        problems.append(f"{filename}: 공통 설정 셀이 표준과 다릅니다")
        setup_cells[0].source = setup_cell_source()
    return problems


def sync(check: bool = False, directory: Path = NOTEBOOK_DIR, links_file: Path = COLAB_LINKS) -> list[str]:
    """배지·설정 셀·``colab_links.md`` 를 설정에 맞춥니다. ``check=True`` 면 고치지 않고 문제만 돌려줍니다."""
    import nbformat

    problems: list[str] = []
    for path in sorted(directory.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        found = _sync_notebook(nb, path.name)
        problems += found
        if found and not check:
            nbformat.write(nb, path)
    known = {lesson.filename for lesson in COURSE}
    for name in sorted(notebook_files(directory) - known):
        problems.append(f"{name}: utils/course.py 의 COURSE 에 없는 노트북입니다")
    want = colab_links_markdown(notebook_files(directory))
    if not links_file.is_file() or links_file.read_text(encoding="utf-8") != want:
        problems.append(f"{links_file.name}: 노트북 목록·설정과 다릅니다")
        if not check:
            links_file.write_text(want, encoding="utf-8")
    return problems
