"""린트(lint): ruff 규칙(pyproject.toml [tool.ruff])과 서식을 utils/, course_tools/, tests/, 노트북 코드 셀에 적용합니다."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["utils", "course_tools", "tests", "notebooks"]


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff 가 없습니다: requirements.txt 를 설치하세요 (make install)")
    return [exe]


def test_ruff_check_is_clean():
    done = subprocess.run(
        [*_ruff(), "check", "--output-format", "concise", *TARGETS], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, "ruff check 가 찾은 문제 (ruff check --fix 로 고칠 수 있는 것도 있음):\n" + done.stdout


def test_ruff_format_is_clean():
    done = subprocess.run([*_ruff(), "format", "--check", *TARGETS], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, "ruff format 을 실행하세요:\n" + done.stdout
