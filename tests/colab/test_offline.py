"""인터넷도 미러도 없는 기계: 사진 압축 파일이 필요한 노트북(01)은 ``make run`` 에서 기존의 분명한 안내(인터넷
확인 / 직접 받기 / DLCOURSE_MIRROR)로 멈추고, ``make run`` 자체는 오프라인에서도 돌아 요약을 씁니다.

네트워크는 ``unshare -n`` (빈 네트워크 이름 공간, root 필요)으로 실제로 끊습니다. ``make run`` 과 같은 명령
(``python -m course_tools run``)을 빠른 모드로 ``--only 01 02`` 로 씁니다 (02 는 데이터가 필요 없는 가장 짧은
노트북: 오프라인에서 'ok' 로 끝나는 줄). 실행은 이 체크아웃의 **새 사본**(git 이 추적하는 파일과 무시되지 않은
새 파일: 새로 받은 클론과 같음)에서 합니다. 그래서 이 체크아웃의 ``dataset/`` 에 사진이 있어도 '사진이 없을 때'를
언제나 확인합니다.

'저장소에 들어 있는 21 KB CSV 만으로 00, 07, 08 이 돈다'(예전에는 여기서 빠른 모드로 한 번 더 실행)는 이제
nbval 계층이 확인합니다: 저장소 루트의 ``conftest.py`` 가 그 노트북들(과 내려받을 데이터가 필요 없는 다른 노트북)의
nbval 커널을 네트워크 없는 이름 공간에서, 미러 없이, 저장소가 싣는 파일만 든 새 데이터 폴더로 시작하므로 nbval 의
전체 모드 실행이 곧 오프라인 실행입니다. 아래 ``test_offline_kernel_*`` 가 그 커널이 정말 네트워크도 미러도 없는지
확인합니다.
"""

from __future__ import annotations

import json
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
    """한 번의 ``make run`` (빠른 모드, 네트워크·미러 없음, 새 사본에서): 사진이 필요한 01 과 데이터가 필요 없는 02.

    두 테스트가 같은 실행을 봅니다(메인 작업 프로세스를 한 번만 치름).
    """
    checkout = _fresh_copy(tmp_path_factory.mktemp("clone"))
    assert not any((checkout / "dataset").glob("cats_and_dogs_filtered*"))  # 새 클론처럼 사진 없음
    out = tmp_path_factory.mktemp("offline") / "runs"
    done = _offline(["--only", "01", "02"], out, checkout)
    return done, out


def _summary_rows(out):
    report = (out / "report.md").read_text(encoding="utf-8")
    summary = report.split("## 오래 걸린 셀")[0]  # 요약 표만 (아래의 셀별 시간 표 제외)
    return {
        row.split("|")[1].strip()[:2]: row.split("|")[2].strip()
        for row in summary.splitlines()
        if row.startswith("| 0")
    }


def test_no_network_no_mirror_make_run_runs_and_reports(offline_run):
    done, out = offline_run
    status = _summary_rows(out)
    assert status.get("02") == "ok", (status, done.stdout[-4000:] + done.stderr[-2000:])
    assert done.returncode == 1  # 01 만 실패


def test_no_network_no_mirror_photo_notebook_fails_with_the_clear_message(offline_run):
    done, out = offline_run
    assert _summary_rows(out).get("01") == "FAILED", done.stdout[-3000:]
    text = done.stdout + "".join(p.read_text(encoding="utf-8") for p in out.glob("01_*.ipynb"))
    text += (out / "report.md").read_text(encoding="utf-8")
    assert "DLCOURSE_MIRROR" in text and "cats_and_dogs_filtered.zip" in text, text[-3000:]


_PROBE = """
import errno, json, os, socket
result = {"mirror": os.environ.get("DLCOURSE_MIRROR"), "data": sorted(os.listdir(os.environ["DLCOURSE_DATA_DIR"]))}
try:
    socket.create_connection(("1.1.1.1", 443), timeout=5).close()
    result["connect"] = "connected"
except OSError as exc:
    result["connect"] = errno.errorcode.get(exc.errno, repr(exc))  # 경로가 아예 없음 (시간 초과가 아님)
try:
    socket.getaddrinfo("raw.githubusercontent.com", 443)
    result["dns"] = "resolved"
except OSError as exc:
    result["dns"] = type(exc).__name__
with socket.create_server(("127.0.0.1", 0)) as server:  # 루프백은 켜져 있음 (인터넷이 없는 보통 기계처럼)
    result["loopback"] = server.getsockname()[0]
print(json.dumps(result))
"""


def test_offline_kernel_has_no_network_no_mirror_and_only_the_shipped_files(offline_kernel):
    """nbval 이 내려받을 데이터가 필요 없는 노트북(00, 07, 08 포함)에 쓰는 커널: 바깥 연결·이름 풀이가 실패하고,
    미러 설정이 없고, 데이터 폴더에는 저장소가 싣는 파일만 있습니다."""
    if shutil.which("unshare") is None or shutil.which("ip") is None or os.geteuid() != 0:
        pytest.skip("네트워크를 끊으려면 root 의 unshare -n 과 ip 가 필요합니다")
    _, kc = offline_kernel()
    outputs = []
    reply = kc.execute_interactive(_PROBE, timeout=60, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", reply["content"]
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    result = json.loads(text.strip().splitlines()[-1])
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "dataset"], capture_output=True, text=True)
    shipped = sorted(Path(n).name for n in listed.stdout.split()) or ["README.md", "ThoraricSurgery.csv"]
    assert result == {
        "mirror": None,
        "data": shipped,
        "connect": "ENETUNREACH",
        "dns": "gaierror",
        "loopback": "127.0.0.1",
    }, result
