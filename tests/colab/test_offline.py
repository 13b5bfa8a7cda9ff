"""인터넷도 미러도 없는 기계: 저장소에 들어 있는 21 KB CSV 만으로 ``make run`` 이 00, 07, 08 을 실행하고,
사진 압축 파일이 필요한 노트북(01)은 기존의 분명한 안내(인터넷 확인 / 직접 받기 / DLCOURSE_MIRROR)로 멈춥니다.

네트워크는 ``unshare -n`` (빈 네트워크 이름 공간, root 필요)으로 실제로 끊습니다. ``make run`` 과 같은 명령
(``python -m course_tools run``)을 빠른 모드로 씁니다.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from colab_env import ROOT


def _offline(args, out):
    if shutil.which("unshare") is None or shutil.which("ip") is None or os.geteuid() != 0:
        pytest.skip("네트워크를 끊으려면 root 의 unshare -n 과 ip 가 필요합니다")
    env = {k: v for k, v in os.environ.items() if k not in ("DLCOURSE_MIRROR", "DLCOURSE_DATA_DIR")}
    env["PYTHONPATH"] = str(ROOT)  # 이 체크아웃의 utils (편집 가능 설치와 같음)
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
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def test_no_network_no_mirror_runs_the_notebooks_that_need_only_the_shipped_csv(tmp_path):
    done = _offline(["--only", "00", "07", "08"], tmp_path / "runs")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    report = (tmp_path / "runs" / "report.md").read_text(encoding="utf-8")
    summary = report.split("## 오래 걸린 셀")[0]  # 요약 표만 (아래의 셀별 시간 표 제외)
    rows = [line for line in summary.splitlines() if line.startswith("| 0")]
    assert len(rows) == 3 and all(row.split("|")[2].strip() == "ok" for row in rows), rows
    assert "3/3" in report


def test_no_network_no_mirror_photo_notebook_fails_with_the_clear_message(tmp_path, monkeypatch):
    # 사진이 캐시에 없는 상태: 이 체크아웃의 dataset/ 에 압축 파일이 있으면 (개발 기계) 그 노트북은 건너뜀
    if any((ROOT / "dataset").glob("cats_and_dogs_filtered*")):
        pytest.skip("이 체크아웃의 dataset/ 에 사진이 이미 있어 '없을 때'를 재현할 수 없습니다")
    done = _offline(["--only", "01"], tmp_path / "runs")
    assert done.returncode != 0
    report = (tmp_path / "runs").glob("01_*.ipynb")
    text = done.stdout + "".join(p.read_text(encoding="utf-8") for p in report)
    assert "DLCOURSE_MIRROR" in text and "cats_and_dogs_filtered.zip" in text, text[-3000:]
