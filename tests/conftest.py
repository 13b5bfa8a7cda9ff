"""단위 테스트 공용 fixture: 루프백(127.0.0.1) HTTP 서버가 인터넷 역할을 합니다."""
from __future__ import annotations

import hashlib
import http.server
import os
import socket
import struct
from pathlib import Path
import threading
import time

import pytest

from utils.data import Dataset, check_sha256


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}
    hits: dict = {}

    def log_message(self, *args):  # 조용히
        pass

    def do_GET(self):  # noqa: N802
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
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
