"""Colab 준비 상태: 공통 설정 셀을 가짜 google.colab 모듈과 가짜 pip 로 이 프로세스 안에서 실행합니다.

확인하는 것 (노트북을 실제로 실행하는 확인은 ``test_colab_run.py``):

* 새 런타임: 이 저장소의 utils(설정된 ref 로 고정)와 한글 글꼴 패키지만 ``--no-deps`` 로 설치한다.
* 두 번째 실행: 아무것도 설치하지 않고 조용하다.
* 다른 ref 의 utils 가 설치되어 있으면 같은 명령으로 다시 설치하고, 새 판을 불러온다.
* 이름만 같은 utils(학습자의 ``utils.py``, 다른 패키지의 최상위 ``utils``)가 가리면 그 경로와 고치는 법을
  한국어로 말하고 ImportError 로 멈춘다 (AttributeError 가 아니라). 설치는 시도하지 않는다.
* Colab 이 아니면 설치를 시도하지 않는다. 설치가 실패하면 조용히 넘어가지 않는다.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types

import pytest

from course_tools.sync import standard_setup_cell
from utils import course

REPO, REF = course.repository()
COURSE_SPEC = f"git+https://github.com/{REPO}@{REF}"


def _utils_modules() -> dict:
    return {k: v for k, v in sys.modules.items() if k == "utils" or k.startswith("utils.")}


@pytest.fixture(autouse=True)
def _restore_utils_modules():
    """설정 셀은 재설치 뒤 ``utils`` 모듈을 sys.modules 에서 지웁니다. 다른 테스트를 위해 원래대로 돌립니다."""
    saved = _utils_modules()
    saved_path = list(sys.path)
    yield
    for name in list(_utils_modules()):
        del sys.modules[name]
    sys.modules.update(saved)
    sys.path[:] = saved_path
    importlib.invalidate_caches()


@pytest.fixture
def fake_colab(monkeypatch):
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    return colab


class FakePip:
    """subprocess.run 의 pip 호출을 가로채 기록하고, 요청한 패키지가 설치된 것으로 표시합니다."""

    def __init__(self, missing=(), fail=False):
        self.calls: list[list[str]] = []
        self.missing = set(missing)
        self.fail = fail

    def install(self, monkeypatch):
        real_run, real_find_spec = subprocess.run, importlib.util.find_spec

        def fake_run(cmd, *args, **kwargs):
            if "pip" not in list(cmd):
                return real_run(cmd, *args, **kwargs)  # platform.uname 같은 다른 호출은 그대로
            self.calls.append(list(cmd))
            if self.fail:
                raise subprocess.CalledProcessError(1, cmd)
            if COURSE_SPEC in cmd:
                self.missing.discard("utils")
            if "koreanize-matplotlib" in cmd:
                self.missing.discard("koreanize_matplotlib")
            return subprocess.CompletedProcess(cmd, 0)

        def fake_find_spec(name, *args, **kwargs):
            return None if name in self.missing else real_find_spec(name, *args, **kwargs)

        monkeypatch.setattr(subprocess, "run", fake_run)
        monkeypatch.setattr(importlib.util, "find_spec", fake_find_spec)
        return self


def pip_command(*specs):
    return [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", *specs]


def run_setup_cell():
    namespace: dict = {}
    exec(compile(standard_setup_cell(), "<setup-cell>", "exec"), namespace)
    return namespace


def test_fresh_colab_runtime_installs_the_course_package_and_the_font_package(fake_colab, monkeypatch, capsys):
    pip = FakePip(missing={"utils", "koreanize_matplotlib"}).install(monkeypatch)
    ns = run_setup_cell()
    assert pip.calls == [pip_command(COURSE_SPEC, "koreanize-matplotlib")]
    assert ns["ENV"].colab is True and f"{REPO}@{REF}" == ns["utils"].COURSE_RELEASE
    first = capsys.readouterr()
    assert "Google Colab" in first.out and first.err == ""


def test_second_run_installs_nothing_and_prints_only_the_environment(fake_colab, monkeypatch, capsys):
    pip = FakePip(missing={"utils", "koreanize_matplotlib"}).install(monkeypatch)
    run_setup_cell()
    first = capsys.readouterr()
    ns = run_setup_cell()
    second = capsys.readouterr()
    assert len(pip.calls) == 1, pip.calls
    assert second.out == first.out and second.err == ""
    assert ns["ENV"].colab is True


def test_wrong_ref_installed_is_reinstalled_and_reloaded(fake_colab, monkeypatch):
    import utils

    monkeypatch.setattr(utils, "COURSE_RELEASE", f"{REPO}@v0.0-old")
    pip = FakePip().install(monkeypatch)
    ns = run_setup_cell()
    assert pip.calls == [pip_command(COURSE_SPEC)]  # 글꼴 패키지는 이미 있으므로 utils 만
    assert ns["utils"] is not utils, "재설치 뒤에는 새로 불러온 utils 를 써야 합니다"
    assert f"{REPO}@{REF}" == ns["utils"].COURSE_RELEASE


def test_reinstall_that_does_not_take_effect_is_a_clear_error(fake_colab, monkeypatch, tmp_path):
    # pip 는 성공했다고 하지만 여전히 예전 판이 보이는 경우 (예: 다른 ref 를 가리키는 포크)
    old = tmp_path / "site" / "utils"
    old.mkdir(parents=True)
    (old / "__init__.py").write_text('COURSE_ID = "dlcourse-ko"\nCOURSE_RELEASE = "x/y@old"\n', encoding="utf-8")
    for name in list(_utils_modules()):
        del sys.modules[name]
    sys.path.insert(0, str(old.parent))
    pip = FakePip().install(monkeypatch)
    with pytest.raises(ImportError, match="찾지 못했습니다"):
        run_setup_cell()
    assert pip.calls == [pip_command(COURSE_SPEC)]


@pytest.mark.parametrize("colab", [True, False], ids=["colab", "local"])
def test_learners_own_utils_py_is_named_with_its_path_and_how_to_fix(colab, monkeypatch, tmp_path, request):
    if colab:
        request.getfixturevalue("fake_colab")
    content = tmp_path / "content"
    content.mkdir()
    own = content / "utils.py"
    own.write_text("def helper():\n    return 1\n", encoding="utf-8")
    for name in list(_utils_modules()):
        del sys.modules[name]
    sys.path.insert(0, str(content))  # Colab 커널의 작업 폴더(/content)는 sys.path 맨 앞에 있습니다
    pip = FakePip().install(monkeypatch)
    with pytest.raises(ImportError) as err:
        run_setup_cell()
    message = str(err.value)
    assert str(own) in message and "이름을 바꾸거나" in message and "다시 실행" in message
    assert pip.calls == []  # 가려진 채로 설치해도 소용없으므로 설치하지 않음


def test_another_packages_top_level_utils_is_named(fake_colab, monkeypatch, tmp_path):
    site = tmp_path / "site-packages"
    (site / "utils").mkdir(parents=True)
    (site / "utils" / "__init__.py").write_text("raise RuntimeError('다른 패키지')\n", encoding="utf-8")
    for name in list(_utils_modules()):
        del sys.modules[name]
    sys.path.insert(0, str(site))
    FakePip().install(monkeypatch)
    with pytest.raises(ImportError) as err:
        run_setup_cell()
    assert str(site / "utils" / "__init__.py") in str(err.value) and "pip uninstall" in str(err.value)


def test_outside_colab_nothing_is_installed(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    pip = FakePip(missing={"koreanize_matplotlib"}).install(monkeypatch)
    ns = run_setup_cell()
    assert pip.calls == [] and ns["ENV"].colab is False


def test_colab_install_failure_is_loud(fake_colab, monkeypatch):
    FakePip(missing={"utils"}, fail=True).install(monkeypatch)
    with pytest.raises(subprocess.CalledProcessError):
        run_setup_cell()
