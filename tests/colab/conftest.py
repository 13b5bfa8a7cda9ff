"""Colab 과 같은 실행 계층의 fixture. 준비물(휠, 환경, 대역)의 설명은 ``colab_env.py``."""

from __future__ import annotations

import json
import os

import pytest
from colab_env import KERNEL_NAME, ColabEnv, build_wheel, colab_python, ensure_environment, run_checked


@pytest.fixture(scope="session")
def course_wheel(tmp_path_factory):
    """이 저장소의 휠 — 한 번만 만들어 이 계층의 모든 테스트가 씁니다 (``pip wheel`` 은 빌드 환경을 새로 만들어 몇 초)."""
    return build_wheel(tmp_path_factory.mktemp("wheelhouse"))


@pytest.fixture(scope="session")
def colab_env(tmp_path_factory, course_wheel) -> ColabEnv:
    if colab_python() is None:
        message = "Python 3.13 이 없어 Colab 과 같은 실행 계층을 건너뜁니다 (DLCOURSE_COLAB_PYTHON 으로 지정)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    python, seconds = ensure_environment()
    wheel = course_wheel
    run_checked([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", "--no-index", str(wheel)])
    env = ColabEnv(python=python, wheel=wheel, install_seconds=seconds)
    env.pip_log = tmp_path_factory.mktemp("pip") / "calls.jsonl"
    return env


@pytest.fixture(scope="session")
def colab_kernel(colab_env, tmp_path_factory):
    """``KERNEL_NAME`` 커널 사양(kernelspec)을 임시 JUPYTER_PATH 에 만들고 그 폴더를 돌려줍니다."""
    jupyter = tmp_path_factory.mktemp("jupyter")
    spec = jupyter / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(colab_env.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (Colab 대역)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return jupyter


def pytest_terminal_summary(terminalreporter):
    """노트북마다 빠른 모드(QUICK) 실행 시간: 이 계층의 시간은 거의 다 여기서 나옵니다 (강의 목표와 나란히)."""
    import sys

    from utils.course import lesson

    module = sys.modules.get("test_colab_run")  # 이 계층을 실행했을 때만
    TIMES = getattr(module, "TIMES", None)
    if TIMES:
        parts = [
            f"{number} {total:.0f} s ({second:.0f} s/회, 목표 {lesson(number).budget_s} s)"
            for number, (total, _, second) in sorted(TIMES.items())
        ]
        terminalreporter.write_line("Colab 계층, 빠른 모드로 두 번 실행: " + " · ".join(parts))
