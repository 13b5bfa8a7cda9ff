"""학습자 기계의 고장(fault)에 대한 utils.data 와 이미지 캐시의 약속 — 진짜 프로세스로 시험합니다.

* 동시 사용: 여러 **프로세스**(스레드 아님)가 빈 폴더에서 같은 데이터셋·캐시를 동시에 요청 → 모두 성공, 한 번만 받음.
* 중단: 내려받기·압축 풀기·캐시 쓰기 도중 SIGKILL / SIGINT(KeyboardInterrupt) → 제 이름으로 남는 반쪽 결과 없음,
  다음 실행이 다시 해서 성공, 남은 임시 파일·잠금 파일은 다음 실행이 치움.
* 쓸 수 없는 폴더: root 가 아닌 사용자(nobody)로 실행 (root 는 쓰기 권한을 무시하므로).
* 디스크 부족: 쓰기 호출에 OSError(ENOSPC) 주입, 그리고 진짜 커널 오류(파일 크기 제한 RLIMIT_FSIZE → EFBIG).
* 기본 데이터 폴더: 저장소에서 import → 저장소의 dataset/, 휠처럼 설치 → 현재 폴더의 dataset/.
"""

from __future__ import annotations

import errno
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from utils import data as D
from utils.lessons import images as I

ROOT = Path(D.__file__).resolve().parent.parent
PY = sys.executable


# ---------------------------------------------------------------------------
# 도구: 루프백 HTTP 서버 (천천히 보내기), 자식 프로세스, 장난감 데이터셋
# ---------------------------------------------------------------------------
class _Server:
    """127.0.0.1 의 작은 HTTP 서버. ``route(path, body, trickle=초)``: trickle 이면 절반을 보낸 뒤 그만큼 멈춤."""

    def __init__(self) -> None:
        routes, hits, lock = {}, {}, threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with lock:
                    hits[self.path] = hits.get(self.path, 0) + 1
                if self.path not in routes:
                    self.send_error(404)
                    return
                body, trickle = routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if trickle:
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        time.sleep(trickle)
                        self.wfile.write(body[len(body) // 2 :])
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.routes, self.hits = routes, hits
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # poll_interval: close() 의 shutdown() 이 기다리는 시간 (기본 0.5초)
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, path: str, body: bytes, trickle: float = 0.0) -> str:
        self.routes[path] = (body, trickle)
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


CSV = b"".join(f"{i},{i * i},{i % 7}\n".encode() for i in range(40_000))  # 약 500 KB: 64 KB 조각 여러 개


def csv_spec(url: str, body: bytes = CSV) -> dict:
    return {"kind": "csv", "url": url, "sha": hashlib.sha256(body).hexdigest(), "size": len(body)}


def zip_spec(url: str, names: list[str], counts: dict) -> dict:
    return {"kind": "zip", "url": url, "names": names, "counts": counts}


def make_ds(spec: dict) -> D.Dataset:
    if spec["kind"] == "csv":
        return D.Dataset(
            name="toy", url=spec["url"], filename="toy.csv", verify=D.check_sha256(spec["sha"]), size=spec["size"]
        )
    return D.Dataset(
        name="toyzip",
        url=spec["url"],
        filename="toyzip.zip",
        verify=D.check_zip_members(spec["names"], ".jpg"),
        extract_to="toyzip",
        extras={"counts": spec["counts"]},
    )


def toy_zip(n_per_class: int = 150) -> tuple[bytes, list[str], dict]:
    """사진 이름을 가진 장난감 압축 파일 (내용은 가짜 JPEG 바이트, 크기는 제각각)."""
    names = [f"toyzip/train/{c}s/{c}.{i}.jpg" for c in ("cat", "dog") for i in range(n_per_class)]
    path = Path(tempfile.mkstemp(suffix=".zip")[1])
    with zipfile.ZipFile(path, "w") as zf:
        for i, name in enumerate(names):
            zf.writestr(name, b"\xff\xd8" + name.encode() * (1 + i % 13))
    body = path.read_bytes()
    path.unlink()
    return body, names, {"train": {"cats": n_per_class, "dogs": n_per_class}}


_CHILD = r"""
import json, os, pathlib, signal, sys, time, warnings
# 부모가 SIGINT 를 무시하는 채로 시작했어도(백그라운드 작업, nohup) KeyboardInterrupt 가 나게
signal.signal(signal.SIGINT, signal.default_int_handler)
cfg = json.loads(sys.argv[1])
sys.path.insert(0, cfg["root"])
from tests.unit.test_faults import make_ds  # 같은 장난감 데이터셋 정의
from utils import data as D
from utils.lessons import images as I
for name in cfg.get("ready", []):
    pathlib.Path(name).touch()
exec(cfg.get("pre", ""))
if cfg.get("go"):
    while not os.path.exists(cfg["go"]):
        time.sleep(0.005)
try:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = eval(cfg["call"])
    print(json.dumps({"ok": True, "value": str(value), "warnings": [str(w.message) for w in caught]}))
except Exception as exc:
    print(json.dumps({"ok": False, "type": type(exc).__name__, "msg": str(exc),
                      "is_oserror": isinstance(exc, OSError)}))
"""


def spawn(
    call: str,
    *,
    spec: dict | None = None,
    pre: str = "",
    go: Path | None = None,
    ready: Path | None = None,
    prefix: list[str] | None = None,
    env: dict | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen:
    cfg = {
        "root": str(ROOT),
        "call": call,
        "pre": pre,
        "go": str(go) if go else None,
        "ready": [str(ready)] if ready else [],
    }
    # os.environ 에는 미러·데이터 폴더 설정이 없음 (conftest 의 _isolate_env): 필요한 것만 env 로 넘김
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    if spec is not None:
        cfg["pre"] = f"ds = make_ds({spec!r})\n" + pre
    return subprocess.Popen(
        [*(prefix or []), PY, "-c", _CHILD, json.dumps(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
        cwd=cwd,
    )


def outcome(proc: subprocess.Popen, timeout: float = 120) -> dict:
    out, err = proc.communicate(timeout=timeout)
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    assert lines, f"자식 프로세스가 결과를 내지 않았습니다 (종료 코드 {proc.returncode}):\n{out}\n{err}"
    return json.loads(lines[-1])


def wait_for(predicate, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{timeout}초 안에 일어나지 않음: {what}")
        time.sleep(0.02)


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part-" in p.name or p.name.endswith(".lock"))


def extracted_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_images(folder: Path, per_class: int = 6) -> Path:
    from PIL import Image

    rng = np.random.default_rng(0)
    for cls in ("cats", "dogs"):
        (folder / cls).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            Image.fromarray(rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)).save(folder / cls / f"{i}.png")
    return folder


# ---------------------------------------------------------------------------
# 1. 동시 사용: 여러 프로세스, 빈 폴더
# ---------------------------------------------------------------------------
def _race(tmp_path: Path, n: int, call: str, spec: dict | None = None, pre: str = "") -> list[dict]:
    go = tmp_path / "go"
    procs, readies = [], []
    for i in range(n):
        ready = tmp_path / f"ready-{i}"
        readies.append(ready)
        procs.append(spawn(call, spec=spec, pre=pre, go=go, ready=ready))
    wait_for(lambda: all(r.exists() for r in readies), 60, "자식 프로세스 준비")
    go.touch()  # 모두 같은 순간에 출발
    return [outcome(p) for p in procs]


def test_processes_extracting_the_same_dataset_at_once_all_succeed(server, tmp_path):
    body, names, counts = toy_zip()
    spec = zip_spec(server.route("/toyzip.zip", body), names, counts)
    data = tmp_path / "data"  # 아직 없는 빈 폴더
    results = _race(tmp_path, 4, f"D.extract(ds, data_dir={str(data)!r}, verbose=False)", spec)
    assert [r["ok"] for r in results] == [True] * 4, results
    assert {r["value"] for r in results} == {str(data / "toyzip")}
    assert server.hits["/toyzip.zip"] == 1  # 한 프로세스만 받았고 나머지는 그 결과를 씀
    with zipfile.ZipFile(data / "toyzip.zip") as zf:  # 풀린 내용 = 압축 내용 (바이트까지)
        expected = {n[len("toyzip/") :]: zf.read(n) for n in zf.namelist()}
    assert extracted_files(data / "toyzip") == expected
    assert parts(data) == []  # 임시 파일·잠금 파일이 남지 않음


def test_processes_fetching_over_a_corrupt_file_at_once_all_get_verified_bytes(server, tmp_path):
    spec = csv_spec(server.route("/toy.csv", CSV))
    data = tmp_path / "data"
    data.mkdir()
    (data / "toy.csv").write_bytes(CSV[:-10] + b"corrupted!")  # 같은 크기, 다른 바이트
    results = _race(tmp_path, 4, f"D.fetch(ds, data_dir={str(data)!r}, progress=False, verbose=False)", spec)
    assert all(r["ok"] for r in results), results
    assert (data / "toy.csv").read_bytes() == CSV and server.hits["/toy.csv"] == 1 and parts(data) == []


def test_processes_writing_the_same_image_and_feature_caches_at_once(tmp_path):
    root = write_images(tmp_path / "imgs" / "train")
    call = (
        f"(lambda s: (s.from_cache, int(s.X.sum()), "
        f"float(I.cached_features(lambda A: A.reshape(len(A), -1)[:, :5].astype('float32'), s.X, "
        f"cache={str(tmp_path / 'f.npz')!r}, key='k').sum())))"
        f"(I.load_image_folder({str(root)!r}, size=(16, 16)))"
    )
    results = _race(tmp_path, 4, call)
    assert all(r["ok"] and r["warnings"] == [] for r in results), results
    assert len({r["value"].split(", ", 1)[1] for r in results}) == 1  # 모두 같은 배열
    again = I.load_image_folder(root, size=(16, 16))
    assert again.from_cache and int(again.X.sum()) == int(results[0]["value"].split(", ")[1])
    assert I._read_npz(tmp_path / "f.npz") is not None
    assert not [p for p in tmp_path.rglob("*") if ".part-" in p.name]


# ---------------------------------------------------------------------------
# 2. 중단: SIGKILL / SIGINT 도중
# ---------------------------------------------------------------------------
def _part_with_bytes(folder: Path, name: str) -> bool:
    return any(p.stat().st_size > 0 for p in folder.glob(f".{name}.part-*")) if folder.is_dir() else False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_download_interrupted_midway_leaves_nothing_taken_for_data(server, tmp_path, sig):
    url = server.route("/toy.csv", CSV, trickle=30)
    data = tmp_path / "data"
    proc = spawn(f"D.fetch(ds, data_dir={str(data)!r}, progress=False, verbose=False)", spec=csv_spec(url))
    wait_for(lambda: _part_with_bytes(data, "toy.csv"), 30, "내려받기 시작(임시 파일에 바이트)")
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert not (data / "toy.csv").exists()  # 제 이름의 파일은 없음 — 반쪽을 데이터로 착각할 수 없음
    if sig == signal.SIGINT:  # KeyboardInterrupt: 스스로 정리
        assert parts(data) == []
    # 다음 실행: 다시 받아 성공하고, 죽은 프로세스가 남긴 임시 파일·잠금 파일도 치움
    server.route("/toy.csv", CSV)
    path = D.fetch(make_ds(csv_spec(url)), data_dir=data, progress=False, verbose=False, timeout=10)
    assert path.read_bytes() == CSV and parts(data) == []


_PAUSE_EXTRACT = """
import zipfile
_orig, _n = zipfile.ZipFile.extract, [0]
def _slow(self, member, path=None, pwd=None):
    out = _orig(self, member, path, pwd)
    _n[0] += 1
    if _n[0] == 20:
        pathlib.Path(cfg["flag"]).touch()
        time.sleep(60)
    return out
zipfile.ZipFile.extract = _slow
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_extraction_interrupted_midway_leaves_no_half_folder(server, tmp_path, sig):
    body, names, counts = toy_zip()
    spec = zip_spec(server.route("/toyzip.zip", body), names, counts)
    data, flag = tmp_path / "data", tmp_path / "paused"
    pre = f"cfg['flag'] = {str(flag)!r}\n" + _PAUSE_EXTRACT
    proc = spawn(f"D.extract(ds, data_dir={str(data)!r}, verbose=False)", spec=spec, pre=pre)
    wait_for(flag.exists, 30, "압축 풀기 중간(사진 20장)")
    half = list(data.glob(".toyzip.part-*"))
    assert half and any(half[0].rglob("*.jpg"))  # 정말 중간: 임시 폴더에 일부만 있음
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert not (data / "toyzip").exists()  # 제 이름의 폴더는 없음
    if sig == signal.SIGINT:
        assert parts(data) == []
    folder = D.extract(make_ds(spec), data_dir=data, verbose=False)
    assert len(list((folder / "train" / "cats").glob("*.jpg"))) == 150 and parts(data) == []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_cache_write_interrupted_midway_is_redone(tmp_path, sig):
    root = write_images(tmp_path / "imgs" / "train")
    cache = I.cache_path_for(root, "16x16")
    flag = tmp_path / "paused"
    pre = (
        f"import numpy\ndef _slow(fh, **arrays):\n    fh.write(b'PK\\x03\\x04' + b'x' * 5000); fh.flush()\n"
        f"    pathlib.Path({str(flag)!r}).touch(); time.sleep(60)\nnumpy.savez = _slow\n"
    )
    proc = spawn(f"I.load_image_folder({str(root)!r}, size=(16, 16))", pre=pre)
    wait_for(flag.exists, 30, "캐시 쓰기 중간")
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert proc.returncode != 0 and not cache.exists()
    left = list(cache.parent.glob(f".{cache.name}.part-*"))
    assert left if sig == signal.SIGKILL else not left  # 강제 종료면 반쪽은 임시 이름으로만, Ctrl+C 면 스스로 지움
    first = I.load_image_folder(root, size=(16, 16))
    assert not first.from_cache and cache.exists()
    assert I.load_image_folder(root, size=(16, 16)).from_cache
    assert not list(cache.parent.glob(f".{cache.name}.part-*"))  # 죽은 프로세스의 임시 파일은 치움


def test_live_writers_temp_files_are_not_touched(tmp_path):
    live = tmp_path / f".x.npz.part-{os.getpid()}-abc"
    dead_proc = subprocess.run([PY, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = tmp_path / f".x.npz.part-{dead_proc.stdout.strip()}-abc"
    live.write_bytes(b"1")
    dead.write_bytes(b"2")
    assert D.remove_stale_parts(tmp_path, "x.npz") == [dead]
    assert live.exists() and not dead.exists()


# ---------------------------------------------------------------------------
# 잠금: 죽은 주인의 잠금은 막지 않고, 살아 있는 주인은 한국어 안내와 함께 시간 제한
# ---------------------------------------------------------------------------
_HOLD = "lock = D.FileLock({path!r}, 'toy').acquire(); pathlib.Path({flag!r}).touch(); time.sleep(60)"


def test_lock_of_a_killed_process_does_not_block(tmp_path):
    lock, flag = tmp_path / ".toy.csv.lock", tmp_path / "held"
    proc = spawn("None", pre=_HOLD.format(path=str(lock), flag=str(flag)))
    wait_for(flag.exists, 30, "잠금을 쥠")
    with pytest.raises(D.LockTimeoutError, match="pid"):
        D.FileLock(lock, "toy", timeout=0.3).acquire()  # 살아 있는 동안은 정말 막힘
    proc.kill()
    proc.communicate(timeout=30)
    assert lock.exists()  # 죽은 프로세스가 남긴 잠금 파일
    start = time.monotonic()
    with D.FileLock(lock, "toy", timeout=5):
        pass
    assert time.monotonic() - start < 2 and not lock.exists()


def test_fallback_lock_file_of_a_dead_pid_is_cleared(tmp_path, monkeypatch):
    """운영체제 잠금이 안 되는 파일 시스템: pid 로 버려진 잠금을 알아봄."""

    def no_os_lock(fd):
        raise D._NoOsLock("테스트")

    monkeypatch.setattr(D, "_try_os_lock", no_os_lock)
    gone = subprocess.run([PY, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    lock = tmp_path / ".toy.csv.lock"
    import socket

    lock.write_text(f"{gone.stdout.strip()} {socket.gethostname()} {time.time():.0f}\n")
    messages = []
    with D.FileLock(lock, "toy", timeout=5, say=messages.append):
        assert lock.read_text().split()[0] == str(os.getpid())
    assert not lock.exists() and "남긴 잠금 파일을 치웁니다" in messages[0]
    # 살아 있는 pid 의 잠금은 존중하고, 시간이 지나면 무엇을 할지 알려 줌
    lock.write_text(f"{os.getppid()} {socket.gethostname()} {time.time():.0f}\n")
    with pytest.raises(D.LockTimeoutError) as info:
        D.FileLock(lock, "toy", timeout=0.3).acquire()
    msg = str(info.value)
    assert f"pid {os.getppid()}" in msg and D.LOCK_TIMEOUT_ENV in msg and str(lock) in msg


def test_waiting_process_is_told_what_happens(server, tmp_path, capsys):
    spec = csv_spec(server.route("/toy.csv", CSV, trickle=1.0))
    data = tmp_path / "data"
    proc = spawn(f"D.fetch(ds, data_dir={str(data)!r}, progress=False, verbose=False)", spec=spec)
    wait_for(lambda: _part_with_bytes(data, "toy.csv"), 30, "내려받기 시작")
    path = D.fetch(make_ds(spec), data_dir=data, progress=False, verbose=True)
    assert outcome(proc)["ok"] and path.read_bytes() == CSV and server.hits["/toy.csv"] == 1
    assert "다른 프로세스(pid" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# 3. 쓸 수 없는 데이터 폴더 (root 가 아닌 사용자로)
# ---------------------------------------------------------------------------
def _drop_privileges() -> list[str]:
    if os.name != "posix":
        pytest.skip("권한 낮추기는 POSIX 에서만 시험합니다")
    if os.geteuid() != 0:
        return []  # 이미 root 가 아님: 쓰기 권한이 그대로 적용됨
    for cmd in (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], ["runuser", "-u", "nobody", "--"]):
        if shutil.which(cmd[0]):
            probe = subprocess.run(
                [*cmd, PY, "-c", "import os, utils.data; print(os.geteuid())"],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                check=False,
            )
            if probe.returncode == 0 and probe.stdout.strip() not in ("", "0"):
                return cmd
    pytest.skip("root 인데 권한을 낮출 방법(setpriv, runuser)이 없거나 nobody 가 저장소·파이썬을 읽을 수 없습니다")


@pytest.fixture
def public_tmp():
    """nobody 도 들어갈 수 있는 임시 폴더 (pytest 의 tmp_path 는 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="rel-faults-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def _read_only(folder: Path) -> None:
    for p in sorted(folder.rglob("*"), reverse=True):
        p.chmod(0o555 if p.is_dir() else 0o444)
    folder.chmod(0o555)


def _snapshot(folder: Path) -> dict:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in [folder, *folder.rglob("*")]}


def test_read_only_folder_with_verified_data_works_without_writing(public_tmp):
    prefix = _drop_privileges()
    body, names, counts = toy_zip(20)
    mirror = public_tmp / "mirror"
    mirror.mkdir()
    (mirror / "toyzip.zip").write_bytes(body)
    (mirror / "toy.csv").write_bytes(CSV)
    spec_zip = zip_spec("http://127.0.0.1:9/never.zip", names, counts)
    spec_csv = csv_spec("http://127.0.0.1:9/never.csv")
    data = public_tmp / "data"
    env = {"DLCOURSE_MIRROR": str(mirror)}
    os.environ["DLCOURSE_MIRROR"] = str(mirror)
    try:
        D.extract(make_ds(spec_zip), data_dir=data, verbose=False)
        D.fetch(make_ds(spec_csv), data_dir=data, verbose=False)
    finally:
        del os.environ["DLCOURSE_MIRROR"]
    imgs = write_images(data / "imgs" / "train")
    I.load_image_folder(imgs, size=(16, 16))  # 캐시를 만들어 둠
    _read_only(data)
    before = _snapshot(data)
    call = (
        f"(D.extract(make_ds({spec_zip!r}), verbose=False), D.fetch(make_ds({spec_csv!r}), verbose=False),"
        f" I.load_image_folder({str(imgs)!r}, size=(16, 16)).from_cache)"
    )
    result = outcome(spawn(call, prefix=prefix, env={**env, "DLCOURSE_DATA_DIR": str(data)}))
    assert result["ok"], result
    assert result["value"].endswith("True)") and result["warnings"] == []
    assert _snapshot(data) == before  # 아무것도 쓰지 않음


def test_read_only_folder_without_cache_still_loads_photos(public_tmp):
    prefix = _drop_privileges()
    imgs = write_images(public_tmp / "data" / "imgs" / "train")
    _read_only(public_tmp / "data")
    result = outcome(spawn(f"int(I.load_image_folder({str(imgs)!r}, size=(16, 16)).X.sum())", prefix=prefix))
    assert result["ok"] and int(result["value"]) == int(I.load_image_folder(imgs, size=(16, 16), cache=False).X.sum())
    assert len(result["warnings"]) == 1 and "캐시 없이 계속합니다" in result["warnings"][0]
    assert "쓰기 권한이 없습니다" in result["warnings"][0]


@pytest.mark.parametrize("where", ["folder", "parent"])
def test_unwritable_folder_that_must_be_written_names_folder_reason_and_fix(public_tmp, where):
    prefix = _drop_privileges()
    locked = public_tmp / "locked"
    locked.mkdir()
    data = locked if where == "folder" else locked / "dataset"
    _read_only(locked)
    spec = csv_spec("http://127.0.0.1:9/toy.csv")
    result = outcome(
        spawn(
            f"D.fetch(make_ds({spec!r}), progress=False, verbose=False)",
            prefix=prefix,
            env={"DLCOURSE_DATA_DIR": str(data)},
        )
    )
    assert not result["ok"] and result["type"] == "DataDirError", result
    msg = result["msg"]
    assert str(locked) in msg and "쓰기 권한이 없습니다" in msg and "DLCOURSE_DATA_DIR" in msg and "해결 방법" in msg
    assert list(locked.iterdir()) == []


def test_read_only_folder_with_archive_but_not_extracted(public_tmp):
    prefix = _drop_privileges()
    body, names, counts = toy_zip(20)
    data = public_tmp / "data"
    data.mkdir()
    (data / "toyzip.zip").write_bytes(body)  # 검증되는 압축 파일은 있지만 풀린 폴더가 없음
    _read_only(data)
    spec = zip_spec("http://127.0.0.1:9/never.zip", names, counts)
    result = outcome(
        spawn(f"D.extract(make_ds({spec!r}), verbose=False)", prefix=prefix, env={"DLCOURSE_DATA_DIR": str(data)})
    )
    assert result["type"] == "DataDirError", result
    assert f"{data}에 쓸 수 없습니다" in result["msg"] and "압축을 푼 폴더 toyzip/" in result["msg"]
    assert "DLCOURSE_DATA_DIR" in result["msg"] and sorted(p.name for p in data.iterdir()) == ["toyzip.zip"]


# ---------------------------------------------------------------------------
# 4. 디스크 부족
# ---------------------------------------------------------------------------
class _FullDisk:
    """``limit`` 바이트를 쓴 뒤 ENOSPC 를 내는 파일 (utils.data._open_for_write 를 바꿔 끼움)."""

    def __init__(self, path, limit: int) -> None:
        self.f = open(path, "wb")  # noqa: SIM115
        self.left = limit

    def write(self, chunk):
        if len(chunk) > self.left:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.left -= len(chunk)
        return self.f.write(chunk)

    def flush(self):
        self.f.flush()

    def fileno(self):
        return self.f.fileno()

    def close(self):
        self.f.close()


@pytest.mark.parametrize("source", ["network", "mirror"])
def test_disk_full_during_download_removes_temp_and_says_how_much(server, tmp_path, monkeypatch, source):
    url = server.route("/toy.csv", CSV)
    if source == "mirror":
        mirror = tmp_path / "mirror"
        mirror.mkdir()
        (mirror / "toy.csv").write_bytes(CSV)
        monkeypatch.setenv(D.MIRROR_ENV, str(mirror))
    monkeypatch.setattr(D, "_open_for_write", lambda path: _FullDisk(path, 200_000))
    data = tmp_path / "data"
    with pytest.raises(D.DiskFullError) as info:
        D.fetch(make_ds(csv_spec(url)), data_dir=data, retries=3, backoff=0, progress=False, verbose=False)
    msg = str(info.value)
    assert str(data) in msg and "디스크에 남은 공간이 없습니다" in msg and "임시 파일은 지웠습니다" in msg
    assert f"필요한 크기: 약 {D._human(len(CSV))}" in msg and "남은 공간" in msg and D.DATA_DIR_ENV in msg
    assert isinstance(info.value, OSError) and info.value.errno == errno.ENOSPC
    assert list(data.iterdir()) == []  # 임시 파일도 잠금 파일도 없음
    assert server.hits.get("/toy.csv", 0) == (1 if source == "network" else 0)  # 공간이 없으면 다시 시도하지 않음


def test_disk_full_during_extraction(server, tmp_path, monkeypatch):
    body, names, counts = toy_zip()
    spec = zip_spec(server.route("/toyzip.zip", body), names, counts)
    ds = make_ds(spec)
    data = tmp_path / "data"
    D.fetch(ds, data_dir=data, progress=False, verbose=False)
    original, calls = zipfile.ZipFile.extract, []

    def full(self, member, path=None, pwd=None):
        calls.append(member)
        if len(calls) > 30:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return original(self, member, path, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "extract", full)
    with pytest.raises(D.DiskFullError) as info:
        D.extract(ds, data_dir=data, verbose=False)
    with zipfile.ZipFile(data / "toyzip.zip") as zf:
        needed = sum(i.file_size for i in zf.infolist())
    msg = str(info.value)
    assert str(data) in msg and f"필요한 크기: 약 {D._human(needed)}" in msg and "[toyzip]" in msg
    assert sorted(p.name for p in data.iterdir()) == ["toyzip.zip"]  # 반쯤 푼 폴더 없음
    monkeypatch.setattr(zipfile.ZipFile, "extract", original)
    assert D.extract(ds, data_dir=data, verbose=False).is_dir()


def test_disk_full_while_writing_a_cache(tmp_path, monkeypatch):
    root = write_images(tmp_path / "imgs" / "train")
    cache = I.cache_path_for(root, "16x16")

    def full(fh, **arrays):
        fh.write(b"PK" + b"x" * 100)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(np, "savez", full)
    with pytest.raises(D.DiskFullError) as info:
        I.save_npz_atomic(cache, X=np.zeros((10, 16, 16, 3), np.uint8))
    assert str(cache.parent) in str(info.value) and f"약 {D._human(10 * 16 * 16 * 3)}" in str(info.value)
    with pytest.warns(I.CacheWarning, match="디스크에 남은 공간이 없습니다"):
        loaded = I.load_image_folder(root, size=(16, 16))
    assert loaded.X.shape == (12, 16, 16, 3) and not cache.exists()
    assert not [p for p in cache.parent.iterdir() if ".part-" in p.name]


def test_real_file_size_limit_in_a_child_process(tmp_path):
    """진짜 커널 오류: RLIMIT_FSIZE 를 넘으면 write 가 EFBIG (디스크 가득 참과 같은 처리)."""
    if os.name != "posix":
        pytest.skip("RLIMIT_FSIZE 는 POSIX 에만 있습니다")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "toy.csv").write_bytes(CSV)
    data = tmp_path / "data"
    pre = (
        "import resource, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))\n"
    )
    result = outcome(
        spawn(
            f"D.fetch(ds, data_dir={str(data)!r}, verbose=False)",
            spec=csv_spec("http://127.0.0.1:9/x"),
            pre=pre,
            env={"DLCOURSE_MIRROR": str(mirror)},
        )
    )
    assert result["type"] == "DiskFullError" and result["is_oserror"], result
    assert (
        "파일 크기 제한" in result["msg"] and str(data) in result["msg"] and "임시 파일은 지웠습니다" in result["msg"]
    )
    assert list(data.iterdir()) == []


# ---------------------------------------------------------------------------
# 5. 기본 데이터 폴더
# ---------------------------------------------------------------------------
def _copy_package(dest: Path) -> Path:
    shutil.copytree(ROOT / "utils", dest / "utils", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.mark.parametrize(
    "layout,expected",
    [
        ("checkout", "{base}/dataset"),  # 저장소에서 import: 저장소의 dataset/
        ("wheel", "{cwd}/dataset"),  # 휠 설치(site-packages 안): 현재 폴더의 dataset/
        ("other-project", "{cwd}/dataset"),  # 다른 프로젝트의 pyproject.toml 옆: 저장소로 보지 않음
        ("env", "{cwd}/elsewhere"),  # DLCOURSE_DATA_DIR 가 언제나 이김
    ],
)
def test_default_data_dir_checkout_vs_installed(tmp_path, layout, expected):
    base = _copy_package(tmp_path / ("site-packages" if layout == "wheel" else "proj"))
    if layout in ("checkout", "env"):
        (base / "pyproject.toml").write_text(
            '[build-system]\nrequires = []\n\n[project]\nname = "dlcourse-ko"\nversion = "0.1.0"\n', encoding="utf-8"
        )
    elif layout == "other-project":
        (base / "pyproject.toml").write_text(
            '[project]\nname = "someone-else"\n\n[tool.x]\nname = "dlcourse-ko"\n', encoding="utf-8"
        )
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = {**os.environ, "PYTHONPATH": str(base)}
    env.pop("DLCOURSE_DATA_DIR", None)
    if layout == "env":
        env["DLCOURSE_DATA_DIR"] = str(cwd / "elsewhere")
    out = subprocess.run(
        [PY, "-c", "import utils.data as d; print(d.__file__); print(d.default_data_dir())"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=True,
    ).stdout.split("\n")
    assert out[0].startswith(str(base))  # 정말 복사본을 import 함
    assert out[1] == expected.format(base=base, cwd=cwd)


def test_checkout_root_reads_only_the_project_table(tmp_path):
    pkg = tmp_path / "utils"
    pkg.mkdir()
    assert D.checkout_root(pkg) is None  # pyproject.toml 없음
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'dlcourse-ko'  # 코스\n", encoding="utf-8")
    assert D.checkout_root(pkg) == tmp_path
    assert D.checkout_root(ROOT / "utils") == ROOT  # 이 저장소


# ---------------------------------------------------------------------------
# 쓰기 오류 문구
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code,cls,reason",
    [
        (errno.EACCES, D.DataDirError, "쓰기 권한이 없습니다"),
        (errno.EROFS, D.DataDirError, "읽기 전용 파일 시스템"),
        (errno.ENOSPC, D.DiskFullError, "디스크에 남은 공간이 없습니다"),
        (errno.EFBIG, D.DiskFullError, "파일 크기 제한"),
        (errno.EIO, D.WriteError, "Input/output"),
    ],
)
def test_write_error_messages(tmp_path, code, cls, reason):
    err = D.write_error(tmp_path, OSError(code, os.strerror(code)), "내려받은 파일", needed=5 * 2**20, name="toy")
    assert type(err) is cls and isinstance(err, D.DatasetError) and isinstance(err, OSError) and err.errno == code
    msg = str(err)
    assert msg.startswith("[toy] ") and str(tmp_path) in msg and reason in msg and D.DATA_DIR_ENV in msg
    if cls is D.DiskFullError:
        assert "필요한 크기: 약 5.0 MB" in msg


def test_warnings_module_is_quiet_for_a_normal_cache(tmp_path):
    root = write_images(tmp_path / "imgs" / "train")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not I.load_image_folder(root, size=(16, 16)).from_cache
        assert I.load_image_folder(root, size=(16, 16)).from_cache
