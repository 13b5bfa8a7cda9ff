"""Colab 과 같은 실행 계층의 fixture. 준비물(휠, 환경, 대역)의 설명은 ``colab_env.py``."""

from __future__ import annotations

import json
import os

import pytest
from colab_env import (
    KERNEL_NAME,
    ColabEnv,
    build_wheel,
    colab_python,
    ensure_environment,
    env_lock,
    file_lock,
    run_checked,
    run_root,
)


@pytest.fixture(scope="session")
def course_wheel(tmp_path_factory):
    """이 저장소의 휠 — 실행마다 한 번만 만들어 이 계층의 모든 테스트(병렬이면 모든 작업자)가 씁니다.

    ``pip wheel`` 은 빌드 환경을 새로 만들어 몇 초 걸립니다. 작업자들은 잠금 안에서 먼저 온 하나가 만든 휠을 씁니다.
    """
    root = run_root(tmp_path_factory)
    with file_lock(root / "colab-build.lock"):
        wheels = sorted((root / "wheelhouse").glob("dlcourse_ko-*.whl"))
        return wheels[0] if wheels else build_wheel(root / "wheelhouse")


@pytest.fixture(scope="session")
def colab_env(tmp_path_factory, course_wheel) -> ColabEnv:
    if colab_python() is None:
        message = "Python 3.13 이 없어 Colab 과 같은 실행 계층을 건너뜁니다 (DLCOURSE_COLAB_PYTHON 으로 지정)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = run_root(tmp_path_factory)
    wheel = course_wheel
    # 환경 설치와 휠 설치는 실행마다 한 번 (병렬이면 먼저 온 작업자가; 다른 작업자는 기다렸다가 그 결과를 씀)
    with file_lock(root / "colab-build.lock"):
        python, seconds = ensure_environment()  # 이미 있으면 읽기만
        installed = root / "colab-wheel-installed"
        if not installed.is_file():
            with env_lock(root, shared=False):
                run_checked(
                    [
                        str(python),
                        "-m",
                        "pip",
                        "install",
                        "-q",
                        "--no-deps",
                        "--force-reinstall",
                        "--no-index",
                        str(wheel),
                    ]
                )
            installed.write_text(str(wheel), encoding="utf-8")
    env = ColabEnv(python=python, wheel=wheel, install_seconds=seconds, lock_root=root)
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
