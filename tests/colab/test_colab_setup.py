"""Colab 준비 상태: 공통 설정 셀을 가짜 google.colab 모듈과 가짜 설치기로 실행해 봅니다.

확인하는 것: Colab 에서는 이 저장소의 utils(설정된 ref 로 고정)와 한글 글꼴 패키지만, 없을 때만,
--no-deps 로 설치한다. 두 번째 실행은 아무것도 설치하지 않는다. Colab 이 아니면 설치를 시도하지 않는다.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import types

import pytest

from course_tools.sync import standard_setup_cell
from utils import course


@pytest.fixture
def fake_colab(monkeypatch):
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    return colab


@pytest.fixture
def installer(monkeypatch):
    """subprocess.run 을 가로채 설치 명령을 기록하고, 설치된 것으로 표시합니다."""
    calls: list[list[str]] = []
    installed: set[str] = set()
    real_find_spec = importlib.util.find_spec
    real_run = subprocess.run
    missing_at_start = {"utils", "koreanize_matplotlib"}

    def fake_run(cmd, *args, **kwargs):
        if "pip" not in list(cmd):
            return real_run(cmd, *args, **kwargs)  # platform 모듈의 uname 같은 다른 호출은 그대로
        calls.append(list(cmd))
        installed.update(missing_at_start)
        return subprocess.CompletedProcess(cmd, 0)

    def fake_find_spec(name, *args, **kwargs):
        if name in missing_at_start and name not in installed:
            return None
        return real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(importlib.util, "find_spec", fake_find_spec)
    return calls


def _run_setup_cell():
    namespace: dict = {}
    exec(compile(standard_setup_cell(), "<setup-cell>", "exec"), namespace)  # noqa: S102
    return namespace


def test_setup_cell_on_colab_installs_only_what_is_missing(fake_colab, installer, capsys):
    ns = _run_setup_cell()
    repo, ref = course.repository()
    assert installer == [[sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                          f"git+https://github.com/{repo}@{ref}", "koreanize-matplotlib"]]
    assert ns["ENV"].colab is True
    assert "Google Colab" in capsys.readouterr().out
    # 두 번째 실행: 이미 있으므로 설치하지 않고, 오류도 없다
    ns = _run_setup_cell()
    assert len(installer) == 1 and ns["ENV"].colab is True


def test_setup_cell_outside_colab_installs_nothing(installer, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    ns = _run_setup_cell()
    assert installer == [] and ns["ENV"].colab is False


def test_colab_install_failure_is_loud(fake_colab, monkeypatch):
    real_run = subprocess.run

    def failing_run(cmd, *args, **kwargs):
        if "pip" not in list(cmd):
            return real_run(cmd, *args, **kwargs)
        raise subprocess.CalledProcessError(1, cmd)

    monkeypatch.setattr(subprocess, "run", failing_run)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a, **k: None if n == "utils" else real(n, *a, **k))
    with pytest.raises(subprocess.CalledProcessError):
        _run_setup_cell()
