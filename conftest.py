"""pytest 설정: nbval 이 노트북의 stderr 출력은 비교하지 않게 하고, 계층별 시간을 요약에 씁니다.

TensorFlow 는 기계마다 다른 안내 문구를 stderr 로 내므로, 출력 비교는 stdout 과 결과에만 합니다.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent
_NBVAL_DATA: list[Path] = []


def pytest_sessionstart(session):
    """노트북 계층(nbval)의 데이터 폴더를 이 체크아웃의 ``dataset/`` 이 아닌 임시 폴더로 정합니다.

    ``make test`` 는 계층들을 병렬로 실행하므로(pytest-xdist), 노트북 01 이 사진을 푸는 동안 Colab 계층은
    '저장소의 dataset/ 이 그대로인지'를 봅니다. 임시 폴더에는 저장소가 싣는 파일(git 이 추적하는 ``dataset/``
    의 파일: 21 KB CSV 와 설명)을 복사해 두므로 새 클론의 ``dataset/`` 과 같습니다. 사진 압축 파일은 여느 때처럼
    미러나 인터넷에서 받고(개발 기계의 ``dataset/`` 에 이미 있으면 그 파일을 링크: 받은 원본이지 계산 결과가
    아니며, 쓰기 전에 sha256 으로 검증됨), 풀기·사진 읽기·특징 캐시는 매번 처음부터 합니다.
    ``DLCOURSE_DATA_DIR`` 를 이미 정했으면 그대로 씁니다. 병렬 실행의 작업자들은 주 프로세스의 폴더를 물려받습니다.
    """
    if os.environ.get("DLCOURSE_DATA_DIR"):
        return
    folder = shipped_data_folder(prefix="dlcourse-nbval-data-")
    photos = _ROOT / "dataset" / "cats_and_dogs_filtered.zip"
    if photos.is_file():
        try:
            os.link(photos, folder / photos.name)
        except OSError:
            shutil.copy2(photos, folder / photos.name)
    os.environ["DLCOURSE_DATA_DIR"] = str(folder)


def pytest_sessionfinish(session):
    for folder in _NBVAL_DATA:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- 인터넷도 미러도 없는 기계 (nbval 계층에서)
# 내려받을 데이터가 필요 없는 노트북(저장소가 싣는 21 KB CSV 만 쓰거나 데이터가 없는 것: 01 을 뺀 모두)은 nbval 의
# 커널을 **네트워크가 없는 이름 공간**(``unshare -n``, 루프백만 켬)에서, ``DLCOURSE_MIRROR`` 없이, 저장소가 싣는 파일만
# 든 새 데이터 폴더로 시작합니다. 그래서 nbval 이 전체 모드로 실행하는 그 노트북들이 '인터넷도 미러도 없는 새 클론'
# 에서도 끝까지 도는지를 함께 확인합니다 (예전에는 tests/colab/test_offline.py 가 00, 07, 08 을 빠른 모드로 한 번 더
# 실행해 확인했습니다: 2코어에서 약 140 s). 커널과 pytest 는 TCP(127.0.0.1) 대신 유닉스 소켓(ipc)으로 통신하므로
# 이름 공간이 달라도 됩니다. 사진이 필요한 01 이 분명한 안내로 멈추는 것과 ``make run`` 자체의 오프라인 실행은
# tests/colab/test_offline.py 가 그대로 확인합니다.
_OFFLINE_CMD = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
# README 가 약속하는 것: 이 노트북들은 저장소의 CSV 만으로 오프라인에서 돕니다 (데이터 이름을 보지 않고 언제나 오프라인).
RUN_OFFLINE = ("00", "07", "08")
_STARTING: list = [None]  # 지금 커널을 시작하는 노트북 (nbval 은 노트북의 첫 셀을 준비할 때 커널을 시작함)
OFFLINE_KERNELS: dict[str, bool] = {}  # 노트북 파일 이름 → 커널이 네트워크 없이 시작했는지 (요약 줄에 씀)


def can_go_offline() -> bool:
    """네트워크를 실제로 끊을 수 있는지: root 의 ``unshare -n`` 과 ``ip`` (리눅스)."""
    return shutil.which("unshare") is not None and shutil.which("ip") is not None and os.geteuid() == 0


def needs_download(notebook: Path) -> bool:
    """노트북이 저장소에 없는 데이터(예: 01 의 사진 압축 파일)를 내려받는지: 코드 셀이 그 데이터 이름을 쓰는지로 봅니다."""
    import json

    from utils.data import REGISTRY

    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    shipped = {"thoracic"}  # dataset/ThoraricSurgery.csv 는 저장소에 들어 있음 (tests/repo/test_project.py)
    return any(ds.name in source for ds in REGISTRY.values() if ds.name not in shipped)


def shipped_data_folder(prefix: str = "dlcourse-offline-data-") -> Path:
    """저장소가 싣는 ``dataset/`` 파일(git 이 추적하는 것)만 든 새 폴더: 새로 받은 클론의 ``dataset/`` 과 같습니다.

    세션이 끝나면 지웁니다(``pytest_sessionfinish``)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _NBVAL_DATA.append(folder)
    listed = subprocess.run(["git", "-C", str(_ROOT), "ls-files", "-z", "dataset"], capture_output=True)
    shipped = [n for n in listed.stdout.decode("utf-8").split("\0") if n] if listed.returncode == 0 else []
    for name in shipped or ["dataset/README.md", "dataset/ThoraricSurgery.csv"]:
        shutil.copy2(_ROOT / name, folder / Path(name).name)
    return folder


def start_offline_kernel(kernel_name: str, startup_timeout: float = 60, **kwargs):
    """네트워크 없는 이름 공간의 커널을 시작해 (manager, client) 를 돌려줍니다 (nbval 의 ``start_new_kernel`` 과 같은 꼴).

    환경: ``DLCOURSE_MIRROR`` 없음, ``DLCOURSE_DATA_DIR`` = 저장소가 싣는 파일만 든 새 폴더. 시작한 뒤 커널 프로세스가
    정말 다른 네트워크 이름 공간에 있고 미러 설정이 없는지 ``/proc`` 에서 확인합니다.
    """
    from jupyter_client.manager import KernelManager
    from nbval.kernel import NbvalKernelspecManager

    class OfflineKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return [*_OFFLINE_CMD, *super().format_kernel_cmd(extra_arguments)]

    sockets = Path(tempfile.mkdtemp(prefix="nbk-"))  # 짧은 경로: 유닉스 소켓 이름은 107바이트까지
    _NBVAL_DATA.append(sockets)
    env = {k: v for k, v in os.environ.items() if k != "DLCOURSE_MIRROR"}
    env["DLCOURSE_DATA_DIR"] = str(shipped_data_folder())
    km = OfflineKernelManager(
        kernel_name=kernel_name, kernel_spec_manager=NbvalKernelspecManager(), transport="ipc", ip=str(sockets / "k")
    )
    km.start_kernel(env=env, **kwargs)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=startup_timeout)
        pid = km.provisioner.process.pid
        kernel_env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net"), "커널이 같은 네트워크에 있습니다"
        assert not any(v.startswith(b"DLCOURSE_MIRROR=") for v in kernel_env), "커널에 미러 설정이 남아 있습니다"
    except BaseException:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    return km, kc


def _start_nbval_kernel(startup_timeout=60, kernel_name="python", **kwargs):
    """nbval 의 커널 시작: 내려받을 데이터가 필요 없는 노트북이면 네트워크 없이 (위 설명)."""
    notebook = _STARTING[0]
    offline = (
        notebook is not None and can_go_offline() and (notebook.name[:2] in RUN_OFFLINE or not needs_download(notebook))
    )
    if notebook is not None:
        OFFLINE_KERNELS[notebook.name] = offline
    if offline:
        return start_offline_kernel(kernel_name, startup_timeout, **kwargs)
    return _NBVAL_START[0](startup_timeout=startup_timeout, kernel_name=kernel_name, **kwargs)


_NBVAL_START: list = []


# 병렬 실행에서 프로세스마다 계산 스레드 1개: 작업자 둘이 2코어에서 각각 커널·하위 프로세스를 띄우는데, TensorFlow
# (Eigen·oneDNN)와 NumPy(OpenBLAS)는 기본으로 코어 수만큼 스레드를 써서 네 스레드가 두 코어를 다툽니다. 노트북 04·05·07·08
# 의 nbval 을 두 작업자로 나란히 실행한 시간(잠금 안, 같은 실행에서 번갈아): 기본 84.8·86.7 s, 1스레드 79.7·78.8 s.
# TensorFlow 2.21 은 TF_NUM_*_THREADS 를 따릅니다 (tf.config.threading 의 getter 는 API 로 정한 값만 보여 0 이지만, 한
# 프로세스의 스레드 수가 8 → 4 로 줄고 혼자 돌 때 행렬곱이 느려짐을 확인). 이미 정한 값은 그대로 둡니다.
ONE_THREAD = {
    name: "1"
    for name in (
        "TF_NUM_INTRAOP_THREADS",
        "TF_NUM_INTEROP_THREADS",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    )
}


def pytest_configure(config):
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers >= 2 and workers >= (os.cpu_count() or 1):
        for name, value in ONE_THREAD.items():
            os.environ.setdefault(name, value)
    try:
        import nbval.kernel
    except ImportError:
        return
    if not _NBVAL_START:
        _NBVAL_START.append(nbval.kernel.start_new_kernel)
        nbval.kernel.start_new_kernel = _start_nbval_kernel


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    if str(item.path).endswith(".ipynb"):
        _STARTING[0] = Path(item.path)
    yield
    name = Path(str(item.path)).name
    if name in OFFLINE_KERNELS and not any(k == "offline_kernel" for k, _ in item.user_properties):
        item.user_properties.append(("offline_kernel", (name, OFFLINE_KERNELS[name])))  # 병렬: 요약용


@pytest.fixture
def offline_kernel():
    """``start_offline_kernel`` 로 커널을 시작하는 함수 (끝나면 커널을 끔): tests/colab/test_offline.py 가 씀."""
    started = []

    def start(kernel_name="python3", **kwargs):
        started.append(start_offline_kernel(kernel_name, **kwargs))
        return started[-1]

    yield start
    for km, kc in started:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


# ---------------------------------------------------------------- 병렬 실행 (pytest-xdist)
# ``make test`` 는 ``-n 2 --dist loadgroup`` 으로 두 작업자가 나눠 실행합니다. 작업 단위는 한 작업자가 수집 순서대로
# 실행하는 테스트 묶음입니다: 노트북 하나의 nbval 셀들(한 커널을 차례로 씀), 테스트 파일 하나(모듈 fixture 를 한 번만),
# Colab 계층의 노트북 실행은 노트북마다 하나. 단위는 오래 걸리는 것부터 나눠 주어(LPT: longest processing time
# first) 두 코어가 끝까지 함께 일하게 합니다. 아래는 2코어 CI 의 병렬 실행에서 잰 대략의 초(작업자 초)이며 순서만
# 정합니다(틀려도 결과는 같고 조금 느려질 뿐). 없는 단위는 5초로 봅니다. 실행이 끝나면 요약의 '작업 단위별 시간'
# 줄에 잰 값이 나옵니다. 예외 하나: ``colab-run-env`` (Colab 판 확인과 새 런타임의 공통 설정 셀 시험) 를 맨 먼저
# 줍니다. 새 런타임 시험은 그 환경의 설치를 지웠다 되돌리는 동안 환경을 배타적으로 잠그므로, 다른 작업자가 Colab
# 노트북을 실행하는 중이면 그 끝을 기다리고, 그동안 다른 작업자의 Colab 노트북은 이 시험을 기다립니다(노는 코어).
# 맨 처음(다른 작업자는 nbval 01)이면 겹칠 Colab 실행이 없습니다.
# (pytest 9.2 에서는 xdist 의 xdist_group 표시가 테스트 id 를 바꾸지 못해 묶음이 풀리므로, 단위를 테스트 id 로
# 정하는 스케줄러를 직접 씁니다.)
_FIRST = ("colab-run-env",)
_COST_S = {  # 새 클론의 make test (2코어, 1스레드, 18:09 UTC, 테스트 623 s) 에서 잰 작업자 초
    "nbval-01": 282,
    "colab-run-01": 140,
    "colab-run-07": 72,
    "tests/browser/test_browser.py": 70,
    "colab-run-08": 47,
    "nbval-07": 44,
    "nbval-04": 39,
    "nbval-00": 39,
    "tests/unit/test_runner.py": 38,
    "colab-run-04": 37,
    "colab-run-05": 34,
    "colab-offline": 32,
    "colab-run-00": 31,
    "nbval-08": 29,
    "colab-run-06": 28,
    "colab-run-03": 27,
    "nbval-05": 24,
    "tests/unit/test_faults.py": 19,
    "tests/unit/test_env.py": 18,
    "tests/unit/test_models.py": 18,
    "nbval-06": 16,
    "nbval-03": 15,
    "colab-run-02": 12,
    "tests/colab/test_wheel.py": 12,
    "nbval-02": 8,
    "tests/unit/test_cnn.py": 7,
}
_COLAB_RUN = "tests/colab/test_colab_run.py::test_notebook_runs_twice_like_colab["


def work_unit(nodeid: str) -> str:
    """테스트 id → 병렬 실행의 작업 단위 이름 (같은 단위의 테스트는 한 작업자가 수집 순서대로 실행)."""
    path = nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        return f"nbval-{Path(path).name[:2]}"
    if path == "tests/colab/test_offline.py":
        return "colab-offline"
    if path == "tests/colab/test_colab_run.py":
        return f"colab-run-{nodeid[len(_COLAB_RUN) :][:2]}" if nodeid.startswith(_COLAB_RUN) else "colab-run-env"
    return path


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """병렬 실행의 작업자에서: 작업 단위를 오래 걸리는 것부터 놓습니다 (단위 안의 순서는 그대로).

    주 프로세스는 이 순서대로 단위를 나눠 줍니다(아래 스케줄러). 병렬이 아니면 순서를 바꾸지 않습니다.
    """
    if not hasattr(config, "workerinput"):
        return
    first_seen: dict[str, int] = {}
    for i, item in enumerate(items):
        first_seen.setdefault(work_unit(item.nodeid), i)

    def key(item):
        unit = work_unit(item.nodeid)
        return (unit not in _FIRST, -_COST_S.get(unit, 5), first_seen[unit])

    items.sort(key=key)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: ``work_unit`` 으로 묶고, 작업자가 보낸 (오래 걸리는 것부터의) 순서대로 나눠 줍니다."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

        def _reschedule(self, node) -> None:
            # 작업자는 다음 테스트를 받아야 지금 것을 실행하므로(teardown 판단), 남은 테스트가 1개 이하일 때만 다음 단위를
            # 줍니다. xdist 의 기본(2개 이하)은 테스트 하나짜리 단위(Colab 노트북 실행)를 두 개씩 미리 맡겨, 한 작업자가
            # 노는 동안 다른 작업자 앞에 일이 쌓일 수 있습니다.
            if self.workqueue and not node.shutting_down and self._pending_of(self.assigned_work[node]) >= 2:
                return
            super()._reschedule(node)

    config.option.loadscopereorder = False  # 테스트 개수로 다시 정렬하지 않음
    return WorkUnitScheduling(config, log)


def pytest_collectstart(collector):
    path = str(getattr(collector, "path", getattr(collector, "fspath", "")))
    if path.endswith(".ipynb") and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


# 계층(tier)별 걸린 시간: CI 로그 끝에 한 줄로 (계층 표시는 tests/conftest.py 가 붙임)
_TIERS = ("unit", "repo", "notebooks", "browser", "colab")
_TIER_TIME: dict[str, list] = {}


_OFFLINE_SEEN: dict[str, bool] = {}  # nbval: 노트북 → 커널이 네트워크 없이 시작했는지
_COLAB_TIMES: dict[str, tuple] = {}  # 노트북 번호 → (두 번 합계, 첫 번째, 두 번째) 초 (tests/colab/test_colab_run.py)


_UNIT_TIME: dict[str, float] = {}  # 작업 단위 → 초 (``_COST_S`` 를 고칠 때 보는 값)
_WORKER_TIME: dict[str, list] = {}  # 작업자 → [바쁜 초, 마지막 보고 시각(시작부터 초)]
_START = time.monotonic()


def pytest_runtest_logreport(report):
    """테스트마다 (병렬이면 작업자가 보낸 보고서로, 주 프로세스에서) 시간을 모읍니다."""
    tier = next((t for t in _TIERS if t in report.keywords), "기타")
    seconds_count = _TIER_TIME.setdefault(tier, [0.0, set()])
    seconds_count[0] += report.duration
    seconds_count[1].add(report.nodeid)
    unit = work_unit(report.nodeid)
    _UNIT_TIME[unit] = _UNIT_TIME.get(unit, 0.0) + report.duration
    node = getattr(report, "node", None)
    if node is not None:
        worker = _WORKER_TIME.setdefault(node.gateway.id, [0.0, 0.0])
        worker[0] += report.duration
        worker[1] = time.monotonic() - _START
    for name, value in report.user_properties:
        if name == "colab_times":
            _COLAB_TIMES[value[0]] = tuple(value[1:])
        if name == "offline_kernel":
            _OFFLINE_SEEN[value[0]] = value[1]


def pytest_terminal_summary(terminalreporter):
    if not _TIER_TIME:
        return
    parts = [
        f"{tier} {_TIER_TIME[tier][0]:.1f} s ({len(_TIER_TIME[tier][1])}개)"
        for tier in (*_TIERS, "기타")
        if tier in _TIER_TIME
    ]
    total = sum(v[0] for v in _TIER_TIME.values())
    terminalreporter.write_line(f"계층별 시간: {' · '.join(parts)} · 합계 {total:.1f} s")
    units = [(u, t) for u, t in sorted(_UNIT_TIME.items(), key=lambda kv: -kv[1]) if t >= 3]
    terminalreporter.write_line("작업 단위별 시간(긴 것부터): " + " · ".join(f"{u} {t:.0f}" for u, t in units))
    if _WORKER_TIME:
        terminalreporter.write_line(
            "작업자별 (바쁜 초 / 마지막 보고 시각): "
            + " · ".join(f"{w} {busy:.0f} s / {end:.0f} s" for w, (busy, end) in sorted(_WORKER_TIME.items()))
        )
    if _OFFLINE_SEEN:
        offline = sorted(n[:2] for n, ok in _OFFLINE_SEEN.items() if ok)
        online = sorted(n[:2] for n, ok in _OFFLINE_SEEN.items() if not ok)
        terminalreporter.write_line(
            f"nbval: 네트워크·미러 없이(unshare -n) 실행한 노트북 {', '.join(offline) or '없음'}"
            f" · 미러를 쓴 노트북 {', '.join(online) or '없음'}"
        )
    if _COLAB_TIMES:  # Colab 계층의 시간은 거의 다 여기서 나옵니다 (강의 목표와 나란히)
        from utils.course import lesson

        colab = [
            f"{number} {total:.0f} s ({second:.0f} s/회, 목표 {lesson(number).budget_s} s)"
            for number, (total, _, second) in sorted(_COLAB_TIMES.items())
        ]
        terminalreporter.write_line("Colab 계층, 빠른 모드로 두 번 실행: " + " · ".join(colab))
