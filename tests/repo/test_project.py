"""저장소 약속: 배치(layout), 의존성 한 곳, 데이터 파일 미추적, README 의 두 명령, CI 스크립트."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_top_level_layout():
    for name in (
        "README.md",
        "environment.yml",
        "notebooks",
        "dataset",
        "utils",
        "tests",
        "colab_links.md",
        "pyproject.toml",
        "requirements.txt",
        ".ci/run",
        "Makefile",
    ):
        assert (ROOT / name).exists(), name


def test_environment_yml_uses_requirements_txt_as_single_source():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.txt" in pip_section
    # conda 쪽에는 python 과 pip 말고 다른 패키지를 적지 않는다 (어긋남 방지)
    conda_pkgs = [d for d in env["dependencies"] if isinstance(d, str)]
    assert all(re.match(r"(python|pip)\b", d) for d in conda_pkgs), conda_pkgs
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dependencies = { file = ["requirements.txt"] }' in pyproject


def test_requirements_cover_colab_and_newest():
    reqs = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    from packaging.requirements import Requirement

    parsed = {}
    for line in reqs.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            r = Requirement(line)
            parsed[r.name.lower()] = r.specifier
    for name, versions in {
        "tensorflow": ["2.20.0", "2.21.0"],
        "keras": ["3.13.2", "3.15.1"],
        "numpy": ["2.1.3", "2.4.6"],
    }.items():
        for v in versions:
            assert parsed[name].contains(v), (name, v)
    for needed in (
        "matplotlib",
        "scikit-learn",
        "pandas",
        "jupyterlab",
        "ipykernel",
        "nbval",
        "papermill",
        "pytest",
        "koreanize-matplotlib",
    ):
        assert needed in parsed, needed


def test_only_the_small_csv_is_tracked_in_dataset():
    """21 KB 폐암 수술 CSV 만 저장소에 들어 있고(오프라인 기본값), 내려받는 데이터는 git 에서 제외됩니다."""
    from utils.data import THORACIC, sha256_of

    tracked = subprocess.run(["git", "ls-files", "dataset"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert sorted(tracked) == ["dataset/README.md", "dataset/ThoraricSurgery.csv"]
    THORACIC.verify(ROOT / "dataset" / THORACIC.filename, True)  # 등록부의 sha256 과 같음
    assert sha256_of(ROOT / "dataset" / THORACIC.filename) in (ROOT / "dataset" / "README.md").read_text(
        encoding="utf-8"
    )
    ignored = subprocess.run(
        ["git", "check-ignore", "dataset/cats_and_dogs_filtered.zip", "dataset/x.zip", ".venv-colab/abc/bin/python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert len(ignored) == 3


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test( |$)", ci, re.M)  # README 의 명령 그대로 (종료 코드는 시간 기록 뒤에 돌려줌)
    assert "DLCOURSE_MIRROR" in ci and "shared/datasets" in ci


def test_notebook_names_are_ascii_and_ordered():
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert names, "노트북이 없습니다"
    for n in names:
        assert n.isascii() and re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n), n


def test_readme_lists_every_lesson_as_in_the_course():
    from utils.course import COURSE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for lesson in COURSE:
        row = (
            f"| {lesson.number} | [`{lesson.stem}`](notebooks/{lesson.filename}) — {lesson.title} | {lesson.summary} |"
        )
        assert row in readme, f"README 의 강의 표가 utils/course.py 의 COURSE 와 다릅니다: {lesson.filename}"
