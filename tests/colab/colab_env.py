"""Colab 과 같은 실행 계층(표시 ``colab``)의 준비물 (fixture 는 ``conftest.py``): 휠, Colab 판으로 고정한 환경, 대역(stand-in), 커널.

* **휠**: ``pip wheel --no-deps`` 로 이 저장소를 만든 그대로 (Colab 의 ``pip install git+…`` 와 같은 결과).
* **환경**: ``ci/colab-constraints.txt`` (Colab 이 지금 싣는 판) 로 Python 3.13 가상환경을 한 번 만들고
  ``.venv-colab/<제약 파일과 Python 의 해시>/`` 에 둡니다(git 제외). 해시가 같으면 다시 설치하지 않습니다.
  다른 곳에 두려면 ``DLCOURSE_COLAB_ENV_DIR`` (그 아래에 해시 폴더를 만듦), Python 은 ``DLCOURSE_COLAB_PYTHON``.
  휠은 매번 ``--no-deps --force-reinstall`` 로 (편집 가능 설치가 아니라) 설치합니다.
* **대역**: ``tests/colab/standin/`` 이 커널의 PYTHONPATH 에 들어가 ``google.colab`` 을 미리 불러 두고,
  ``python -m pip`` 을 받아 기록한 뒤 인터넷 대신 방금 만든 휠로 설치합니다.
* **커널**: 저장소 밖의 작업 폴더(Colab 의 ``/content`` 역할)에서 시작하고, ``DLCOURSE_DATA_DIR`` 없이
  ``DLCOURSE_MIRROR`` 만 물려받습니다(.ci/run 이 ``../shared/datasets`` 로 정함). 그래서 데이터는 작업 폴더의
  ``./dataset`` 에 내려받아집니다.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "ci" / "colab-constraints.txt"
STANDIN = Path(__file__).resolve().parent / "standin"
KERNEL_NAME = "dlcourse-colab"


def colab_python() -> str | None:
    """Colab 과 같은 minor 판의 Python (3.13). 실제로 실행되는 첫 후보, 없으면 None."""
    candidates = [os.environ.get("DLCOURSE_COLAB_PYTHON", "")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")), reverse=True)
    candidates += [shutil.which("python3.13") or ""]  # pyenv 의 shim 은 판이 선택되지 않으면 실패하므로 뒤에
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == "True":
            return candidate
    return None


def pinned(name: str) -> str:
    """제약 파일에 고정된 판 (예: ``pinned("tensorflow") == "2.20.0"``)."""
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.lower().startswith(name.lower() + "=="):
            return line.split("==", 1)[1]
    raise KeyError(name)


def run_checked(cmd, **kwargs):
    """명령을 실행하고 실패하면 출력과 함께 알립니다. PYTHONPATH 는 물려주지 않습니다(저장소가 끼어들지 않게)."""
    kwargs.setdefault("env", {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(
            f"명령 실패 ({done.returncode}): {' '.join(map(str, cmd))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def build_wheel(dest: Path) -> Path:
    """이 저장소의 휠 (의존성 없이). Colab 의 ``pip install git+https://github.com/…`` 이 만드는 것과 같습니다."""
    dest.mkdir(parents=True, exist_ok=True)
    run_checked([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest), str(ROOT)])
    wheels = sorted(dest.glob("dlcourse_ko-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@dataclass
class ColabEnv:
    python: Path
    wheel: Path
    install_seconds: float | None  # 이번에 새로 만들었을 때만 (재사용이면 None)
    standin: Path = STANDIN
    pip_log: Path = field(default=Path())
    lock_root: Path | None = None  # 작업자들이 함께 보는 폴더 (``env_lock``); None 이면 잠그지 않음

    def using(self):
        """이 환경에서 코드를 실행하는 동안 (공유 잠금): 환경을 바꾸는 테스트와 겹치지 않게."""
        return env_lock(self.lock_root, shared=True) if self.lock_root else contextlib.nullcontext()

    def changing(self):
        """이 환경을 바꾸는 동안 (배타 잠금): 설치를 지웠다가 되돌리는 테스트."""
        return env_lock(self.lock_root, shared=False) if self.lock_root else contextlib.nullcontext()

    def pip_calls(self) -> list[list[str]]:
        if not self.pip_log.is_file():
            return []
        return [json.loads(line) for line in self.pip_log.read_text(encoding="utf-8").splitlines() if line]

    def run(self, code: str, cwd: Path, **env) -> subprocess.CompletedProcess:
        """이 환경의 Python 으로 (커널과 같은 환경 변수로) 코드를 실행합니다."""
        return subprocess.run(
            [str(self.python), "-c", code],
            cwd=cwd,
            env=self.environ(**env),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def environ(self, **extra) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "DLCOURSE_DATA_DIR"))
        }
        env.update(
            PYTHONPATH=str(self.standin),
            DLCOURSE_PIP_LOG=str(self.pip_log),
            DLCOURSE_STANDIN_WHEEL=str(self.wheel),
            DLCOURSE_STANDIN_WHEELHOUSE=str(self.wheel.parent),
        )
        env.update(extra)
        return env


def _env_dir() -> Path:
    base = Path(os.environ.get("DLCOURSE_COLAB_ENV_DIR", ROOT / ".venv-colab"))
    python = colab_python()
    version = run_checked([python, "-c", "import sys; print(sys.version)"]).stdout
    key = hashlib.sha256(CONSTRAINTS.read_bytes() + version.encode()).hexdigest()[:12]
    return base / key


def ensure_environment() -> tuple[Path, float | None]:
    """제약 파일대로의 환경을 (없을 때만) 만들고 그 Python 경로와 설치 시간(초)을 돌려줍니다."""
    target = _env_dir()
    python = target / "bin" / "python"
    marker = target / ".complete"
    if marker.is_file():
        return python, None
    for stale in target.parent.glob("*"):
        if stale.is_dir() and stale != target:
            shutil.rmtree(stale, ignore_errors=True)  # 예전 제약 파일의 환경 (수 GB)
    start = time.perf_counter()
    if not python.exists():
        run_checked([colab_python(), "-m", "venv", str(target)])
    run_checked([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(CONSTRAINTS)])
    seconds = time.perf_counter() - start
    marker.write_text(f"{seconds:.0f}\n", encoding="utf-8")
    print(f"\n[colab] 환경 설치: {seconds:.0f} s ({target.name})")
    return python, seconds


# ---------------------------------------------------------------- 병렬 실행 (pytest-xdist, ``make test``)
# 작업자(worker) 프로세스들은 휠·환경을 하나씩 함께 씁니다. 만들기(휠 빌드, 환경 설치, 휠 설치)는 한 작업자만,
# 배타적 잠금 안에서 한 번 합니다. 환경을 바꾸는 테스트(새 런타임: 패키지를 지웠다가 다시 설치)는 ``env_lock``
# 을 배타적으로, 그 환경에서 코드를 실행하는 테스트(노트북 실행, 판 확인)는 공유로 쥡니다. 그래서 설치가 빠진
# 순간의 환경을 다른 테스트가 보는 일이 없습니다. 병렬이 아니면 잠금은 곧바로 잡힙니다.
@contextlib.contextmanager
def file_lock(path: Path, shared: bool = False):
    """운영체제 잠금(flock): 같은 실행의 다른 작업자와 순서를 맞춥니다 (프로세스가 죽으면 풀림)."""
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_root(tmp_path_factory) -> Path:
    """이번 pytest 실행의 모든 작업자가 함께 보는 임시 폴더 (xdist 면 작업자별 basetemp 의 부모)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def env_lock(root: Path, shared: bool):
    """Colab 판 환경의 읽기(공유)·쓰기(배타) 잠금."""
    return file_lock(root / "colab-env.rwlock", shared=shared)
