"""pytest 설정: nbval 이 노트북의 stderr 출력은 비교하지 않게 하고, 계층별 시간을 요약에 씁니다.

TensorFlow 는 기계마다 다른 안내 문구를 stderr 로 내므로, 출력 비교는 stdout 과 결과에만 합니다.
"""

import os
import shutil
import subprocess
import tempfile
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
    folder = Path(tempfile.mkdtemp(prefix="dlcourse-nbval-data-"))
    _NBVAL_DATA.append(folder)
    listed = subprocess.run(["git", "-C", str(_ROOT), "ls-files", "-z", "dataset"], capture_output=True)
    shipped = [n for n in listed.stdout.decode("utf-8").split("\0") if n] if listed.returncode == 0 else []
    for name in shipped or ["dataset/README.md", "dataset/ThoraricSurgery.csv"]:
        shutil.copy2(_ROOT / name, folder / Path(name).name)
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


# ---------------------------------------------------------------- 병렬 실행 (pytest-xdist)
# ``make test`` 는 ``-n 2 --dist loadgroup`` 으로 두 작업자가 나눠 실행합니다. 작업 단위는 한 작업자가 수집 순서대로
# 실행하는 테스트 묶음입니다: 노트북 하나의 nbval 셀들(한 커널을 차례로 씀), 테스트 파일 하나(모듈 fixture 를 한 번만),
# Colab 계층의 노트북 실행은 노트북마다 하나. 단위는 오래 걸리는 것부터 나눠 주어(LPT: longest processing time
# first) 두 코어가 끝까지 함께 일하게 합니다. 아래는 2코어 CI 에서 잰 대략의 초이며 순서만 정합니다(틀려도 결과는
# 같고 조금 느려질 뿐). 없는 단위는 5초로 봅니다. 이 순서로 전체 761개가 712 s(2코어). 잰 시간대로 01 의 두 단위
# (nbval 전체 모드, Colab 빠른 모드 두 번)를 맨 앞에 나란히 두면 둘 다 CNN 을 2스레드로 학습해 서로 느려져 759 s 였습니다.
# (pytest 9.2 에서는 xdist 의 xdist_group 표시가 테스트 id 를 바꾸지 못해 묶음이 풀리므로, 단위를 테스트 id 로
# 정하는 스케줄러를 직접 씁니다.)
_COST_S = {
    "nbval-01": 200,
    "colab-offline": 100,
    "tests/browser/test_browser.py": 60,
    "colab-run-07": 55,
    "colab-run-01": 50,
    "nbval-07": 40,
    "colab-run-00": 40,
    "colab-run-04": 35,
    "colab-run-08": 35,
    "colab-run-env": 30,
    "nbval-00": 32,
    "nbval-04": 30,
    "tests/unit/test_runner.py": 30,
    "colab-run-05": 30,
    "nbval-08": 28,
    "colab-run-06": 25,
    "colab-run-03": 25,
    "colab-run-02": 25,
    "nbval-05": 22,
    "nbval-06": 16,
    "tests/unit/test_env.py": 16,
    "nbval-03": 15,
    "tests/unit/test_faults.py": 15,
    "tests/colab/test_wheel.py": 12,
    "nbval-02": 8,
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
        return (-_COST_S.get(unit, 5), first_seen[unit])

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

    config.option.loadscopereorder = False  # 테스트 개수로 다시 정렬하지 않음
    return WorkUnitScheduling(config, log)


def pytest_collectstart(collector):
    path = str(getattr(collector, "path", getattr(collector, "fspath", "")))
    if path.endswith(".ipynb") and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


# 계층(tier)별 걸린 시간: CI 로그 끝에 한 줄로 (계층 표시는 tests/conftest.py 가 붙임)
_TIERS = ("unit", "repo", "notebooks", "browser", "colab")
_TIER_TIME: dict[str, list] = {}


_COLAB_TIMES: dict[str, tuple] = {}  # 노트북 번호 → (두 번 합계, 첫 번째, 두 번째) 초 (tests/colab/test_colab_run.py)


def pytest_runtest_logreport(report):
    """테스트마다 (병렬이면 작업자가 보낸 보고서로, 주 프로세스에서) 시간을 모읍니다."""
    tier = next((t for t in _TIERS if t in report.keywords), "기타")
    seconds_count = _TIER_TIME.setdefault(tier, [0.0, set()])
    seconds_count[0] += report.duration
    seconds_count[1].add(report.nodeid)
    for name, value in report.user_properties:
        if name == "colab_times":
            _COLAB_TIMES[value[0]] = tuple(value[1:])


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
    if _COLAB_TIMES:  # Colab 계층의 시간은 거의 다 여기서 나옵니다 (강의 목표와 나란히)
        from utils.course import lesson

        colab = [
            f"{number} {total:.0f} s ({second:.0f} s/회, 목표 {lesson(number).budget_s} s)"
            for number, (total, _, second) in sorted(_COLAB_TIMES.items())
        ]
        terminalreporter.write_line("Colab 계층, 빠른 모드로 두 번 실행: " + " · ".join(colab))
