"""인터넷도 미러도 없는 기계: 저장소에 들어 있는 21 KB CSV 만으로 ``make run`` 이 00, 07, 08 을 실행하고,
사진 압축 파일이 필요한 노트북(01)은 기존의 분명한 안내(인터넷 확인 / 직접 받기 / DLCOURSE_MIRROR)로 멈춥니다.
두 확인은 ``make run`` 한 번(``--only 00 01 07 08``)의 결과를 함께 봅니다.

네트워크는 ``unshare -n`` (빈 네트워크 이름 공간, root 필요)으로 실제로 끊습니다. ``make run`` 과 같은 명령
(``python -m course_tools run``)을 빠른 모드로 씁니다. 실행은 이 체크아웃의 **새 사본**(git 이 추적하는 파일과
무시되지 않은 새 파일: 새로 받은 클론과 같음)에서 합니다. 그래서 이 체크아웃의 ``dataset/`` 에 사진이 있어도
(개발 기계, 또는 같은 ``make test`` 의 다른 테스트가 방금 풀었어도) '사진이 없을 때'를 언제나 확인합니다.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from colab_env import ROOT


def _fresh_copy(dest: Path) -> Path:
    """이 체크아웃의 작업 트리를 ``dest`` 에 복사합니다: 추적하는 파일 + 무시되지 않은 새 파일 (내려받은 데이터 제외)."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
    )
    if listed.returncode != 0:  # git 저장소가 아닌 사본: 코스 실행에 필요한 것만 (데이터는 저장소가 싣는 것만)
        names = [
            str(p.relative_to(ROOT)) for d in ("utils", "course_tools", "notebooks") for p in (ROOT / d).rglob("*")
        ]
        names += ["pyproject.toml", "dataset/README.md", "dataset/ThoraricSurgery.csv"]
    else:
        names = listed.stdout.decode("utf-8").split("\0")
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():  # 지운 채 커밋하지 않은 파일은 건너뜀
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _offline(args, out, checkout):
    if shutil.which("unshare") is None or shutil.which("ip") is None or os.geteuid() != 0:
        pytest.skip("네트워크를 끊으려면 root 의 unshare -n 과 ip 가 필요합니다")
    env = {k: v for k, v in os.environ.items() if k not in ("DLCOURSE_MIRROR", "DLCOURSE_DATA_DIR")}
    env["PYTHONPATH"] = str(checkout)  # 사본의 utils (편집 가능 설치와 같음)
    # 새 네트워크 이름 공간에는 바깥으로 나가는 길이 없습니다. 루프백만 켭니다(커널과 주피터가 127.0.0.1 로 통신).
    cmd = [
        "unshare",
        "-n",
        "sh",
        "-c",
        'ip link set lo up && exec "$@"',
        "sh",
        sys.executable,
        "-m",
        "course_tools",
        "run",
        "--quick",
        "--no-progress",
        "--out",
        str(out),
        *args,
    ]
    return subprocess.run(cmd, cwd=checkout, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    """한 번의 ``make run`` (빠른 모드, 네트워크·미러 없음, 새 사본에서): 00, 07, 08 과 사진이 필요한 01.

    두 테스트가 같은 실행을 봅니다(메인 작업 프로세스와 커널 시작을 한 번만 치름).
    """
    checkout = _fresh_copy(tmp_path_factory.mktemp("clone"))
    assert not any((checkout / "dataset").glob("cats_and_dogs_filtered*"))  # 새 클론처럼 사진 없음
    out = tmp_path_factory.mktemp("offline") / "runs"
    done = _offline(["--only", "00", "01", "07", "08"], out, checkout)
    return done, out


def _summary_rows(out):
    report = (out / "report.md").read_text(encoding="utf-8")
    summary = report.split("## 오래 걸린 셀")[0]  # 요약 표만 (아래의 셀별 시간 표 제외)
    return {
        row.split("|")[1].strip()[:2]: row.split("|")[2].strip()
        for row in summary.splitlines()
        if row.startswith("| 0")
    }


def test_no_network_no_mirror_runs_the_notebooks_that_need_only_the_shipped_csv(offline_run):
    done, out = offline_run
    status = _summary_rows(out)
    assert {nb: status.get(nb) for nb in ("00", "07", "08")} == {"00": "ok", "07": "ok", "08": "ok"}, (
        status,
        done.stdout[-4000:] + done.stderr[-2000:],
    )
    assert done.returncode == 1  # 01 만 실패


def test_no_network_no_mirror_photo_notebook_fails_with_the_clear_message(offline_run):
    done, out = offline_run
    assert _summary_rows(out).get("01") == "FAILED", done.stdout[-3000:]
    text = done.stdout + "".join(p.read_text(encoding="utf-8") for p in out.glob("01_*.ipynb"))
    text += (out / "report.md").read_text(encoding="utf-8")
    assert "DLCOURSE_MIRROR" in text and "cats_and_dogs_filtered.zip" in text, text[-3000:]
