"""테스트 공용 설정: 계층(tier) 표시와 fixture.

테스트는 폴더로 계층이 나뉘고, 각 계층의 표시(marker)가 자동으로 붙습니다 (nbval 항목 포함):

==========  ======================  ==================================================
폴더         표시(marker)             내용
==========  ======================  ==================================================
unit/       ``unit``                utils·course_tools 단위 테스트 (빠름)
repo/       ``repo``                저장소 위생: 노트북 구조·출력, 프로젝트 파일, 린트
(nbval)     ``notebooks``           notebooks/*.ipynb 를 새로 실행해 커밋된 출력과 비교
browser/    ``browser``             헤드리스 Chromium 으로 JupyterLab·HTML 열기
colab/      ``colab``               Colab 과 같은 방식(휠 설치, Colab 판, 저장소 밖 작업 폴더, 두 번 실행)
==========  ======================  ==================================================

``make test-fast`` 는 ``unit`` 과 ``repo`` 만 실행합니다.
루프백(127.0.0.1) HTTP 서버가 인터넷 역할을 하는 fixture 도 여기 있습니다.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import struct
import threading
import time
import typing
from pathlib import Path

import pytest

from utils.data import Dataset, check_sha256

TIERS = ("unit", "repo", "notebooks", "browser", "colab")


# 병렬 실행(``make test``: pytest-xdist ``-n 2 --dist loadgroup --no-loadscope-reorder``)의 작업 단위와 순서.
# 작업 단위(xdist_group)는 한 작업자가 순서대로 실행합니다: 노트북 하나의 nbval 셀들(한 커널), 테스트 파일 하나
# (모듈 fixture 를 한 번만), Colab 계층의 노트북 실행은 노트북마다 하나. 단위는 오래 걸리는 것부터 나눠 주어
# (LPT: longest processing time first) 두 코어가 끝까지 함께 일하게 합니다. 아래는 2코어 CI 에서 잰 대략의 초이며
# 순서만 정합니다(틀려도 결과는 같고 조금 느려질 뿐). 없는 단위는 5초로 봅니다.
_COST_S = {
    "nbval-01": 200,
    "colab-offline": 100,
    "nbval-07": 40,
    "nbval-00": 32,
    "nbval-04": 30,
    "nbval-08": 28,
    "nbval-05": 22,
    "nbval-06": 16,
    "nbval-03": 15,
    "nbval-02": 8,
    "colab-run-00": 40,
    "colab-run-01": 60,
    "colab-run-02": 12,
    "colab-run-03": 20,
    "colab-run-04": 35,
    "colab-run-05": 30,
    "colab-run-06": 25,
    "colab-run-07": 55,
    "colab-run-08": 35,
    "colab-run-env": 20,
    "tests/browser/test_browser.py": 60,
    "tests/unit/test_runner.py": 30,
    "tests/unit/test_env.py": 16,
    "tests/colab/test_wheel.py": 12,
}


def _work_unit(item, path: Path, tests_dir: Path) -> str:
    """병렬 실행의 작업 단위 이름 (같은 이름의 테스트는 한 작업자가 수집 순서대로 실행)."""
    if path.suffix == ".ipynb":
        return f"nbval-{path.name[:2]}"
    rel = path.relative_to(tests_dir.parent).as_posix() if path.is_relative_to(tests_dir.parent) else str(path)
    if rel == "tests/colab/test_offline.py":
        return "colab-offline"
    if rel == "tests/colab/test_colab_run.py":
        callspec = getattr(item, "callspec", None)
        lesson = callspec.params.get("lesson") if callspec else None
        return f"colab-run-{lesson.number}" if lesson is not None else "colab-run-env"
    return rel


@pytest.hookimpl(tryfirst=True)  # xdist 가 작업 단위 이름을 테스트 id 에 붙이기 전에
def pytest_collection_modifyitems(config, items):
    """폴더 이름으로 계층 표시를 붙입니다. notebooks/*.ipynb 의 nbval 항목은 ``notebooks`` 입니다.

    병렬 실행의 작업자라면 작업 단위 표시(xdist_group)도 붙이고 단위를 오래 걸리는 것부터 놓습니다
    (단위 안의 순서는 그대로). 병렬이 아니면 순서를 바꾸지 않습니다.
    """
    tests_dir = Path(__file__).resolve().parent
    units = {}
    for item in items:
        path = Path(str(item.path)).resolve()
        units[item] = _work_unit(item, path, tests_dir)
        if path.suffix == ".ipynb":
            item.add_marker("notebooks")
            continue
        try:
            tier = path.relative_to(tests_dir).parts[0]
        except ValueError:
            continue
        if tier in TIERS:
            item.add_marker(tier)
    if hasattr(config, "workerinput"):  # pytest-xdist 의 작업자
        for item in items:
            item.add_marker(pytest.mark.xdist_group(units[item]))
        first_seen = {}
        for i, item in enumerate(items):
            first_seen.setdefault(units[item], i)
        items.sort(key=lambda it: (-_COST_S.get(units[it], 5), first_seen[units[it]]))


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: typing.ClassVar[dict] = {}
    hits: typing.ClassVar[dict] = {}

    def log_message(self, *args):  # 조용히
        pass

    def do_GET(self):
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        plan = self.routes.get(self.path)
        if plan is None:
            self.send_error(404, "Not Found")
            return
        step = plan[min(self.hits[self.path], len(plan)) - 1]
        kind = step[0]
        if kind == "status":
            self.send_error(step[1])
            return
        body = step[1]
        if kind == "slow":
            time.sleep(step[2])
        self.send_response(200)
        declared = len(body) * 2 if kind in ("truncated", "reset") else len(body)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if kind == "truncated":
            self.close_connection = True
        if kind == "reset":  # 절반을 보낸 뒤 연결을 강제로 끊음 (RST)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True


@pytest.fixture
def http_server():
    """``server.route(path, *steps)`` 로 응답 순서를 정합니다.

    step: ("ok", bytes) · ("status", 404) · ("truncated", bytes) · ("slow", bytes, seconds) · ("reset", bytes)
    같은 경로를 다시 부르면 다음 step 을 쓰고, 마지막 step 은 계속 반복됩니다.
    """
    handler = type("Handler", (_Handler,), {"routes": {}, "hits": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    # poll_interval: shutdown() 이 기다리는 시간 (기본 0.5초면 이 fixture 를 쓰는 테스트마다 0.5초를 버림)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()

    class Ctl:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        hits = handler.hits

        def route(self, path, *steps):
            handler.routes[path] = list(steps)
            return self.base + path

    yield Ctl()
    server.shutdown()
    server.server_close()


@pytest.fixture
def payload():
    return b"1,2,3\n4,5,6\n" * 50


@pytest.fixture
def make_dataset(payload):
    def make(url, name="toy", size=True, data=None):
        data = payload if data is None else data
        return Dataset(
            name=name,
            url=url,
            filename=f"{name}.csv",
            verify=check_sha256(hashlib.sha256(data).hexdigest()),
            size=len(data) if size else None,
        )

    return make


# _isolate_env 가 지우기 전의 실제 미러 설정 (.ci/run 이 ../shared/datasets 로 정함)
REAL_MIRROR = os.environ.get("DLCOURSE_MIRROR")


@pytest.fixture
def real_mirror(monkeypatch):
    """실제 데이터 미러 폴더. 설정되지 않은 기계에서는 건너뜁니다(CI 에서는 항상 설정됨)."""
    if not REAL_MIRROR:
        pytest.skip("DLCOURSE_MIRROR 가 설정되지 않아 실제 데이터 파일 검사를 건너뜁니다")
    monkeypatch.setenv("DLCOURSE_MIRROR", REAL_MIRROR)
    return Path(REAL_MIRROR)


@pytest.fixture
def notebook_env(monkeypatch):
    """노트북을 실행하는 테스트용: _isolate_env 가 지운 실제 미러 설정을 되살립니다 (없으면 인터넷 사용)."""
    if REAL_MIRROR:
        monkeypatch.setenv("DLCOURSE_MIRROR", REAL_MIRROR)


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch):
    """테스트가 실제 미러·데이터 폴더 설정에 영향받지 않게 합니다."""
    monkeypatch.delenv("DLCOURSE_MIRROR", raising=False)
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("DLCOURSE_METRICS", raising=False)
