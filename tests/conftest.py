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


def pytest_collection_modifyitems(config, items):
    """폴더 이름으로 계층 표시를 붙입니다. notebooks/*.ipynb 의 nbval 항목은 ``notebooks`` 입니다.

    (병렬 실행의 작업 단위와 순서는 저장소 루트의 ``conftest.py`` 가 정합니다.)
    """
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.suffix == ".ipynb":
            item.add_marker("notebooks")
            continue
        try:
            tier = path.relative_to(tests_dir).parts[0]
        except ValueError:
            continue
        if tier in TIERS:
            item.add_marker(tier)


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
