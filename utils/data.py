"""데이터셋 등록부(registry)와 내려받기(fetch).

d2l.ai 처럼 데이터셋을 *한 곳에서 한 번* 이름 붙이고(URL, 무결성 검사, 크기, 출처·라이선스),
노트북은 ``utils.fetch("thoracic")`` 처럼 이름으로만 부릅니다.

``fetch`` 가 지키는 약속
-----------------------
* **캐시**: ``dataset/`` 폴더(git 에는 올라가지 않음)에 이미 검증된 파일이 있으면 그대로 씁니다.
* **로컬 미러(mirror)**: 환경 변수 ``DLCOURSE_MIRROR`` 가 가리키는 폴더(여러 개면 ``os.pathsep``
  으로 구분)에 같은 이름의 파일이 있으면 인터넷보다 먼저 그것을 복사해 씁니다.
  인터넷이 없는 CI·개발 기계를 위한 것입니다.
* **무결성(integrity)**: sha256 또는 압축 파일의 구성원(member) 목록으로 확인합니다.
  검사를 통과하지 못한 파일은 절대 돌려주지 않습니다.
* **원자적 저장(atomic)**: 임시 파일(``.이름.part-…``)에 받은 뒤 검사를 통과했을 때만
  ``os.replace`` 로 제 이름을 붙입니다. 실패하면 임시 파일을 지우므로 반쯤 쓴 파일이 남지 않습니다.
* **재시도와 시간 제한**: 연결 오류·5xx·끊긴 전송은 ``retries`` 번까지 다시 시도하고,
  404 같은 4xx 는 곧바로 분명한 오류(:class:`DatasetError`)를 냅니다.
* **여러 프로세스**: 받거나 풀어야 할 때만 잠금 파일(``.이름.lock``)을 쥡니다. 동시에 부른 프로세스는
  기다렸다가 먼저 끝낸 쪽의 검증된 결과를 씁니다. 잠근 프로세스가 죽으면 운영체제가 잠금을 풀어 주고,
  그 프로세스가 남긴 임시 파일은 다음 실행이 지웁니다.
* **쓸 수 없는 폴더·디스크 부족**: 검증된 데이터만 읽을 때는 아무것도 쓰지 않습니다(읽기 전용 폴더 가능).
  써야 하는데 못 쓰면 폴더, 까닭, ``DLCOURSE_DATA_DIR`` 로 옮기는 방법을 담은 오류
  (:class:`DataDirError`, :class:`DiskFullError`) 를 냅니다.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import http.client
import os
import re
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

MIRROR_ENV = "DLCOURSE_MIRROR"
DATA_DIR_ENV = "DLCOURSE_DATA_DIR"
LOCK_TIMEOUT_ENV = "DLCOURSE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT_S = 900.0
USER_AGENT = "dlcourse-ko/0.1 (+https://pypi.org/project/pip/)"
_CHUNK = 1 << 16


class DatasetError(RuntimeError):
    """데이터셋을 얻지 못했을 때의 오류. 메시지에 데이터셋 이름, URL, 할 일을 담습니다."""


class IntegrityError(DatasetError):
    """파일은 있지만 무결성 검사를 통과하지 못함 (잘못된 바이트, 잘린 파일, 다른 압축 내용)."""


# ---------------------------------------------------------------------------
# 무결성 검사기 (verifiers)
# ---------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    """파일의 sha256 16진 문자열."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(expected: str) -> Callable[[Path, bool], None]:
    """sha256 가 ``expected`` 와 같은지 확인하는 검사기를 만듭니다."""
    expected = expected.lower()

    def verify(path: Path, thorough: bool = True) -> None:
        actual = sha256_of(path)
        if actual != expected:
            raise IntegrityError(f"sha256 불일치: 기대 {expected}, 실제 {actual}")

    return verify


def check_zip_members(expected: Iterable[str], suffix: str = "") -> Callable[[Path, bool], None]:
    """압축 파일이 ``expected`` 구성원(``suffix`` 로 끝나는 것만 비교)을 정확히 갖는지 확인합니다.

    같은 사진을 다시 묶은 압축 파일은 바이트가 달라도 내용은 같으므로, 바이트 대신
    구성원 이름과 개수로 확인합니다. ``thorough=True`` (새로 받은 파일) 이면 각 구성원의
    CRC 까지 읽어 손상 여부를 확인합니다.
    """
    want = frozenset(expected)

    def verify(path: Path, thorough: bool = True) -> None:
        try:
            with zipfile.ZipFile(path) as zf:
                names = {n for n in zf.namelist() if n.endswith(suffix) and not n.endswith("/")}
                if names != want:
                    missing, extra = sorted(want - names), sorted(names - want)
                    raise IntegrityError(
                        f"압축 파일 구성원이 다릅니다: 기대 {len(want)}개, 실제 {len(names)}개"
                        f" (빠짐 {len(missing)}개 예: {missing[:3]}, 남음 {len(extra)}개 예: {extra[:3]})"
                    )
                if thorough:
                    bad = zf.testzip()
                    if bad is not None:
                        raise IntegrityError(f"압축 파일의 구성원이 손상되었습니다(CRC 오류): {bad}")
        except zipfile.BadZipFile as exc:
            raise IntegrityError(f"올바른 zip 파일이 아닙니다: {exc}") from exc

    return verify


# ---------------------------------------------------------------------------
# 등록부 (registry)
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """등록된 데이터셋 하나.

    name: 노트북에서 부르는 짧은 이름. url: 공개 원본 주소. filename: ``dataset/`` 안의 파일 이름
    (미러에서도 이 이름을 찾습니다). size: 기대 바이트 수(재포장된 압축처럼 정해지지 않으면 None).
    verify: 무결성 검사기. description/source/licence: 문서용 설명.
    """

    name: str
    url: str
    filename: str
    verify: Callable[[Path, bool], None]
    size: int | None = None
    description: str = ""
    source: str = ""
    licence: str = ""
    extract_to: str | None = None  # 압축을 풀 폴더 이름 (``dataset/`` 기준)
    extras: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"{self.name}: url 은 http(s) 주소여야 합니다: {self.url!r}")
        if not self.filename or "/" in self.filename or "\\" in self.filename or self.filename.startswith("."):
            raise ValueError(f"{self.name}: filename 은 폴더 없는 파일 이름이어야 합니다: {self.filename!r}")


def _cats_dogs_members() -> list[str]:
    root = "cats_and_dogs_filtered"
    names = []
    for split, start, count in (("train", 0, 1000), ("validation", 2000, 500)):
        for animal in ("cat", "dog"):
            names += [f"{root}/{split}/{animal}s/{animal}.{i}.jpg" for i in range(start, start + count)]
    return names


THORACIC = Dataset(
    name="thoracic",
    url="https://raw.githubusercontent.com/gilbutITbook/006958/master/deeplearning/dataset/ThoraricSurgery.csv",
    filename="ThoraricSurgery.csv",
    verify=check_sha256("b51f69e60765c0b724c356fc3b9c5777b213c920b75ebb75b37b1f4b3702c379"),
    size=21_257,
    description="폐암 수술 환자 470명, 18개 숫자 열(0열=환자 행 번호, 17열=Risk1Yr: 1이면 1년 안에 사망).",
    source=(
        "강의가 쓴 파일: 『모두의 딥러닝』(길벗) 공식 예제 저장소 gilbutITbook/006958. 원 데이터: UCI Machine "
        "Learning Repository, Thoracic Surgery Data (id 277), Zięba et al., Applied Soft Computing 14 (2014) "
        "99-108; doi:10.24432/C5Z60N"
    ),
    licence="UCI 데이터: CC BY 4.0 (출처 표시). 예제 저장소 파일은 교육용 재배포본.",
)

CATS_AND_DOGS = Dataset(
    name="cats_and_dogs",
    url="https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",
    filename="cats_and_dogs_filtered.zip",
    verify=check_zip_members(_cats_dogs_members(), suffix=".jpg"),
    size=None,  # 재포장본은 바이트가 달라 크기 대신 구성원으로 확인합니다
    description="개·고양이 사진: train 1000+1000장, validation 500+500장 (JPEG).",
    source=(
        "Kaggle Dogs vs. Cats (Microsoft Asirra) 사진 중 TensorFlow 튜토리얼용으로 Google 이 공개한 'filtered' 부분집합"
    ),
    licence="Asirra/Kaggle Dogs vs. Cats 사진: 연구·교육용 (원 이용 약관을 따름)",
    extract_to="cats_and_dogs_filtered",
    extras={
        "counts": {"train": {"cats": 1000, "dogs": 1000}, "validation": {"cats": 500, "dogs": 500}},
        "approx_bytes": 68_600_000,  # 안내 문구(필요한 디스크 공간)용 대략의 크기: 약 69 MB
    },
)

REGISTRY: dict[str, Dataset] = {d.name: d for d in (THORACIC, CATS_AND_DOGS)}


# ---------------------------------------------------------------------------
# 경로
# ---------------------------------------------------------------------------
PROJECT_NAME = "dlcourse-ko"
_PROJECT_NAME_RE = re.compile(r"""^\s*name\s*=\s*["']dlcourse-ko["']\s*(#.*)?$""", re.MULTILINE)


def checkout_root(package_dir: str | Path | None = None) -> Path | None:
    """``utils`` 가 저장소(checkout)에서 import 되었으면 저장소 루트, 아니면(휠 설치 등) None.

    패키지 폴더의 부모에 ``pyproject.toml`` 이 있고 그 ``[project]`` 이름이 ``dlcourse-ko`` 일 때만
    저장소로 봅니다. 파일을 읽을 수 없으면 저장소가 아닌 것으로 봅니다.
    """
    package_dir = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent
    pyproject = package_dir.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    project = text.split("[project]", 1)[1] if "[project]" in text else ""
    project = re.split(r"^\s*\[", project, maxsplit=1, flags=re.MULTILINE)[0]  # 다음 절 앞까지
    return package_dir.parent if _PROJECT_NAME_RE.search(project) else None


def default_data_dir() -> Path:
    """데이터를 둘 폴더.

    1. 환경 변수 ``DLCOURSE_DATA_DIR`` (있으면 항상 이것)
    2. ``utils`` 를 이 코스의 저장소에서 import 했다면(편집 가능 설치, PYTHONPATH) 저장소의 ``dataset/``
    3. 그 밖(Colab·휠 설치: 패키지가 site-packages 안에 있음): **현재 작업 폴더**의 ``dataset/``
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "dataset"
    return Path.cwd() / "dataset"


def mirror_dirs() -> list[Path]:
    """``DLCOURSE_MIRROR`` 에 적힌 미러 폴더 목록 (없으면 빈 목록)."""
    raw = os.environ.get(MIRROR_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def _resolve(dataset: str | Dataset) -> Dataset:
    if isinstance(dataset, Dataset):
        return dataset
    try:
        return REGISTRY[dataset]
    except KeyError:
        raise DatasetError(
            f"등록되지 않은 데이터셋 이름입니다: {dataset!r}. 사용할 수 있는 이름: {', '.join(sorted(REGISTRY))}"
        ) from None


def dataset_path(dataset: str | Dataset, data_dir: str | Path | None = None) -> Path:
    """데이터셋 파일이 놓일 경로 (있는지는 확인하지 않음)."""
    ds = _resolve(dataset)
    return Path(data_dir or default_data_dir()) / ds.filename


# ---------------------------------------------------------------------------
# 쓰기 오류: 쓸 수 없는 폴더, 디스크 부족 (utils.lessons.images 의 캐시도 씁니다)
# ---------------------------------------------------------------------------
_NO_SPACE = {errno.ENOSPC, errno.EFBIG} | ({errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())
_NO_WRITE = {errno.EACCES, errno.EPERM, errno.EROFS}
_REASONS = {
    errno.EACCES: "쓰기 권한이 없습니다",
    errno.EPERM: "쓰기가 허용되지 않습니다",
    errno.EROFS: "읽기 전용 파일 시스템입니다",
    errno.ENOSPC: "디스크에 남은 공간이 없습니다",
    errno.EFBIG: "파일 크기 제한(ulimit -f)을 넘었습니다",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "디스크 할당량(quota)을 넘었습니다"


class WriteError(DatasetError, OSError):
    """데이터·캐시 폴더에 쓰지 못함. ``OSError`` 이기도 하므로 예전처럼 ``except OSError`` 로도 잡힙니다.

    ``errno`` 는 원래 오류의 번호입니다.
    """


class DataDirError(WriteError):
    """데이터(또는 캐시) 폴더에 써야 하는데 쓸 수 없음 (권한, 읽기 전용 파일 시스템)."""


class DiskFullError(WriteError):
    """쓰는 중에 공간이 모자람 (디스크 가득 참, 할당량, 파일 크기 제한). 임시 파일은 지운 뒤에 냅니다."""


class LockTimeoutError(DatasetError):
    """같은 데이터를 준비하는 다른 프로세스를 정해진 시간 동안 기다렸지만 끝나지 않음."""


def _human(n: int | None) -> str:
    if n is None:
        return "알 수 없음"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} 바이트"


def _free_bytes(folder: Path) -> int | None:
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def write_error(
    folder: str | Path, exc: OSError, what: str, *, needed: int | None = None, name: str | None = None
) -> WriteError:
    """쓰기에 실패한 ``OSError`` 를 한국어 :class:`WriteError` 로 바꿉니다 (폴더, 까닭, 해결 방법).

    권한·읽기 전용이면 :class:`DataDirError`, 공간 부족이면 :class:`DiskFullError`, 그 밖은 WriteError.
    ``needed`` 는 필요한 바이트 수(알면), ``what`` 은 무엇을 쓰려 했는지("내려받은 파일" 등)입니다.
    """
    folder = Path(folder)
    head = f"[{name}] " if name else ""
    why = _REASONS.get(exc.errno, exc.strerror or str(exc))
    elsewhere = (
        f"쓸 수 있고 공간이 넉넉한 다른 폴더를 환경 변수 {DATA_DIR_ENV}로 지정하세요 "
        f"(터미널: export {DATA_DIR_ENV}=$HOME/dlcourse-data, 노트북: utils를 쓰기 전에 "
        f"os.environ['{DATA_DIR_ENV}'] = '/content/dataset')"
    )
    if exc.errno in _NO_SPACE:
        err: WriteError = DiskFullError(
            f"{head}{folder}에 {what}을(를) 쓰다가 멈췄습니다: {why} (errno {exc.errno}). "
            f"필요한 크기: 약 {_human(needed)}, 지금 남은 공간: {_human(_free_bytes(folder))}. "
            f"쓰다 만 임시 파일은 지웠습니다.\n해결 방법: 공간을 비우고 다시 실행하거나, {elsewhere}."
        )
    elif exc.errno in _NO_WRITE:
        err = DataDirError(
            f"{head}데이터 폴더 {folder}에 쓸 수 없습니다: {why} (errno {exc.errno}). "
            f"{what}을(를) 만들려면 이 폴더에 써야 합니다 (이미 검증된 데이터만 읽을 때는 쓰지 않습니다).\n"
            f"해결 방법: 폴더의 쓰기 권한을 고치거나, {elsewhere}."
        )
    else:
        err = WriteError(f"{head}{folder}에 {what}을(를) 쓰지 못했습니다: {exc}\n해결 방법: {elsewhere}.")
    err.errno = exc.errno
    return err


def _pid_alive(pid: int) -> bool:
    """이 기계에서 ``pid`` 프로세스가 살아 있는지 (모르면 살아 있다고 봄)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":  # Windows 의 os.kill 은 프로세스를 끝내므로 쓰지 않음
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: 다른 사용자의 살아 있는 프로세스
        return True
    return True


_PART_PID = re.compile(r"\.part-(\d+)-")
_STALE_AGE_S = 24 * 3600  # pid 가 적히지 않은 옛 임시 파일은 하루가 지나면 버려진 것으로 봄
_STALE_LOCK_AGE_S = 3600  # 잠금 파일 방식: pid 를 확인할 수 없는 잠금은 한 시간이 지나면 버려진 것으로 봄


def part_prefix(name: str) -> str:
    """``name`` 을 만들 때 쓰는 임시 파일·폴더 이름의 앞부분: ``.<name>.part-<pid>-``."""
    return f".{name}.part-{os.getpid()}-"


def remove_stale_parts(folder: Path, name: str, *, only_dead: bool = True) -> list[Path]:
    """``folder`` 에서 ``name`` 의 쓰다 만 임시 파일·폴더(``.<name>.part-…``)를 지우고 그 목록을 돌려줍니다.

    ``only_dead=True`` 면 이름에 적힌 pid 의 프로세스가 이미 끝난 것만 지웁니다(살아 있는 프로세스가
    쓰는 중인 것은 건드리지 않음). 잠금을 쥔 쪽은 ``only_dead=False`` 로 모두 지웁니다.
    지울 수 없으면(읽기 전용 폴더 등) 조용히 넘어갑니다.
    """
    removed = []
    try:
        candidates = list(Path(folder).glob(f".{glob.escape(name)}.part-*"))
    except OSError:
        return removed
    for part in candidates:
        if only_dead:
            m = _PART_PID.search(part.name[len(name) + 1 :])
            if m is not None:
                if _pid_alive(int(m.group(1))):
                    continue
            else:
                try:
                    if time.time() - part.lstat().st_mtime < _STALE_AGE_S:
                        continue
                except OSError:
                    continue
        try:
            if part.is_dir() and not part.is_symlink():
                shutil.rmtree(part)
            else:
                part.unlink()
            removed.append(part)
        except OSError:
            pass
    return removed


# ---------------------------------------------------------------------------
# 잠금 (여러 프로세스가 같은 데이터를 동시에 준비할 때)
# ---------------------------------------------------------------------------
class _NoOsLock(Exception):
    """이 파일 시스템은 운영체제 잠금(flock)을 지원하지 않음 → 잠금 파일 방식으로 대신함."""


def _try_os_lock(fd: int) -> bool:
    """잠그면 True, 다른 프로세스가 쥐고 있으면 False. 지원하지 않으면 :class:`_NoOsLock`."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise _NoOsLock(str(exc)) from exc
    try:
        import msvcrt
    except ImportError:
        raise _NoOsLock("fcntl 도 msvcrt 도 없음") from None
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


def _os_unlock(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass


def lock_timeout() -> float:
    """잠금을 기다리는 최대 시간(초): 환경 변수 ``DLCOURSE_LOCK_TIMEOUT`` (기본 900초)."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT_S
    return value if value > 0 else DEFAULT_LOCK_TIMEOUT_S


class FileLock:
    """프로세스 사이의 배타적 잠금: ``with FileLock(folder / ".이름.lock", "이름"):``.

    * 운영체제 잠금(POSIX ``flock``, Windows ``msvcrt.locking``)을 씁니다. 잠근 프로세스가 죽으면
      (SIGKILL 포함) 운영체제가 잠금을 풀어 주므로, 남은 잠금 파일이 다음 실행을 막지 않습니다.
    * 운영체제 잠금이 안 되는 파일 시스템에서는 ``O_EXCL`` 로 만든 잠금 파일(pid·기계 이름·시각)을 쓰고,
      그 pid 가 이 기계에서 이미 끝났으면(다른 기계의 잠금이면 한 시간이 지나면) 버려진 것으로 보고 치웁니다.
    * ``timeout`` 초 안에 얻지 못하면 누가 쥐고 있는지와 할 일을 담은 :class:`LockTimeoutError`.
    * 잠금 파일을 만들 수 없는 폴더(읽기 전용)면 :class:`DataDirError`.
    """

    def __init__(
        self,
        path: str | Path,
        label: str,
        *,
        timeout: float | None = None,
        say: Callable[[str], None] | None = None,
        poll: float = 0.1,
        what: str = "잠금 파일",
    ) -> None:
        self.path = Path(path)
        self.what = what  # 쓸 수 없을 때 오류에 적을 "무엇을 만들려 했는지"
        self.label = label
        self.timeout = lock_timeout() if timeout is None else timeout
        self.say = say or (lambda *_: None)
        self.poll = poll
        self._fd: int | None = None
        self._fallback = False

    # -- 잠금 파일 내용: "pid 기계이름 시각"
    def _stamp(self) -> bytes:
        return f"{os.getpid()} {socket.gethostname()} {time.time():.0f}\n".encode()

    def _holder(self) -> str:
        try:
            parts = self.path.read_text(encoding="utf-8", errors="replace").split()
        except OSError:
            return "알 수 없음"
        return f"pid {parts[0]}, {parts[1]}" if len(parts) >= 2 else "알 수 없음"

    def _wait(self, deadline: float, announced: bool) -> bool:
        if not announced:
            self.say(
                f"[{self.label}] 다른 프로세스({self._holder()})가 같은 데이터를 준비하고 있어 "
                f"끝나기를 기다립니다 (최대 {self.timeout:g}초)…"
            )
        if time.monotonic() >= deadline:
            raise LockTimeoutError(
                f"[{self.label}] 다른 프로세스({self._holder()})가 같은 데이터를 준비하고 있어 "
                f"{self.timeout:g}초를 기다렸지만 끝나지 않았습니다. 잠금 파일: {self.path}\n"
                f"해결 방법: 같은 데이터를 받는 다른 노트북·터미널이 끝나기를 기다렸다가 다시 실행하세요. "
                f"그런 프로세스가 없는데도 계속되면 잠금 파일을 지우고 다시 실행하세요. 기다리는 시간은 "
                f"환경 변수 {LOCK_TIMEOUT_ENV}(초)로 바꿀 수 있습니다."
            )
        time.sleep(self.poll)
        return True

    def acquire(self) -> FileLock:
        deadline = time.monotonic() + self.timeout
        announced = False
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise write_error(self.path.parent, exc, self.what, name=self.label) from exc
            try:
                got = _try_os_lock(fd)
            except _NoOsLock:
                try:  # 방금 만든 빈 파일이면 지움 (잠금 파일 방식은 O_EXCL 로 새로 만들어야 하므로)
                    if os.fstat(fd).st_size == 0:
                        self.path.unlink()
                except OSError:
                    pass
                os.close(fd)
                return self._acquire_fallback(deadline)
            if got:
                try:  # 앞 주인이 풀면서 지운 파일을 잠갔다면 다시 (새로 만든 파일을 다른 프로세스가 잠갔을 수 있음)
                    same = os.path.samestat(os.fstat(fd), os.stat(self.path))
                except OSError:
                    same = False
                if same:
                    os.ftruncate(fd, 0)
                    os.write(fd, self._stamp())
                    self._fd = fd
                    return self
                _os_unlock(fd)
            os.close(fd)
            if not got:
                announced = self._wait(deadline, announced)

    def _stale(self) -> bool:
        try:
            parts = self.path.read_text(encoding="utf-8", errors="replace").split()
            age = time.time() - self.path.stat().st_mtime
        except OSError:
            return False
        if len(parts) >= 2 and parts[0].isdigit() and parts[1] == socket.gethostname():
            return not _pid_alive(int(parts[0]))  # 이 기계의 프로세스: 살아 있는지로 판단
        return age > _STALE_LOCK_AGE_S  # 다른 기계(공유 폴더)나 읽을 수 없는 내용: 오래되었으면 버려진 것

    def _acquire_fallback(self, deadline: float) -> FileLock:
        announced = False
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._stale():
                    self.say(f"[{self.label}] 끝난 프로세스가 남긴 잠금 파일을 치웁니다: {self.path.name}")
                    with contextlib.suppress(FileNotFoundError):
                        self.path.unlink()
                    continue
                announced = self._wait(deadline, announced)
                continue
            except OSError as exc:
                raise write_error(self.path.parent, exc, self.what, name=self.label) from exc
            os.write(fd, self._stamp())
            self._fd, self._fallback = fd, True
            return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        if os.name != "nt":  # 잠근 채로 지워야 다음 주인이 지워진 파일을 잠그는 일이 없음 (acquire 의 samestat)
            with contextlib.suppress(OSError):
                self.path.unlink()
        if not self._fallback:
            _os_unlock(fd)
        os.close(fd)
        if os.name == "nt":
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _lock_for(folder: Path, name: str, label: str, say: Callable, what: str) -> FileLock:
    return FileLock(folder / f".{name}.lock", label, say=say, what=what)


# ---------------------------------------------------------------------------
# 내려받기
# ---------------------------------------------------------------------------
class _RetryableError(Exception):
    pass


def _tmp_path(target: Path, ds: Dataset, needed: int | None) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=part_prefix(target.name), dir=target.parent)
    except OSError as exc:
        raise write_error(target.parent, exc, "임시 파일", needed=needed, name=ds.name) from exc
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp 은 0600 으로 만듦: 완성된 데이터 파일은 다른 사용자도 읽을 수 있게
    return Path(name)


def _open_for_write(path: Path):
    """임시 파일을 쓰기용으로 엽니다 (테스트가 디스크 부족을 흉내 낼 때 바꿔 끼우는 곳)."""
    return open(path, "wb")


class _WriteFailed(Exception):
    def __init__(self, exc: OSError) -> None:
        super().__init__(str(exc))
        self.exc = exc


def _copy_stream(read: Callable[[int], bytes], dest: Path, on_chunk: Callable[[int], None] | None = None) -> int:
    """``read`` 로 읽은 바이트를 ``dest`` 에 씁니다. 쓰기 쪽 OSError 는 :class:`_WriteFailed` 로 구분합니다."""
    received = 0
    try:
        fh = _open_for_write(dest)
    except OSError as exc:
        raise _WriteFailed(exc) from exc
    try:
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                break
            try:
                fh.write(chunk)
            except OSError as exc:
                raise _WriteFailed(exc) from exc
            received += len(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
        try:
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as exc:
            raise _WriteFailed(exc) from exc
    finally:
        with contextlib.suppress(OSError):
            fh.close()
    return received


def _check_file_size(ds: Dataset, path: Path) -> None:
    if ds.size is not None and path.stat().st_size != ds.size:
        raise IntegrityError(f"크기 불일치: 기대 {ds.size:,} 바이트, 실제 {path.stat().st_size:,} 바이트")


def _verify(ds: Dataset, path: Path, thorough: bool) -> None:
    _check_file_size(ds, path)
    ds.verify(path, thorough)


def _expected_bytes(ds: Dataset) -> int | None:
    return ds.size if ds.size is not None else ds.extras.get("approx_bytes")


def _download_once(url: str, dest: Path, timeout: float, progress: bool, label: str) -> int | None:
    """``url`` 을 ``dest`` 에 받습니다. 돌려주는 값: 서버가 알려 준 크기(Content-Length, 없으면 None)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise _RetryableError(f"HTTP {exc.code} {exc.reason}") from exc
        raise DatasetError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise _RetryableError(f"연결 실패: {getattr(exc, 'reason', exc)}") from exc

    with response:
        total = response.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() else None

        def read(n: int) -> bytes:
            try:
                return response.read(n)
            except TimeoutError as exc:
                raise _RetryableError(f"{timeout:g}초 동안 응답이 없어 시간 초과") from exc
            except (http.client.IncompleteRead, ConnectionError, OSError) as exc:
                raise _RetryableError(f"전송이 중간에 끊겼습니다: {exc!r}") from exc

        bar = None
        if progress:
            try:
                from tqdm.auto import tqdm

                bar = tqdm(total=total, unit="B", unit_scale=True, desc=label, leave=False)
            except ImportError:  # pragma: no cover - tqdm 은 의존성이지만 없으면 진행 표시 생략
                bar = None
        try:
            try:
                received = _copy_stream(read, dest, bar.update if bar is not None else None)
            except _WriteFailed as wf:
                wf.total = total
                raise
        finally:
            if bar is not None:
                bar.close()
    if total is not None and received != total:
        raise _RetryableError(f"전송이 잘렸습니다: {total:,} 바이트 중 {received:,} 바이트만 받음")
    return total


def _how_to_fix(ds: Dataset, target: Path) -> str:
    return (
        "해결 방법: (1) 인터넷 연결을 확인하고 다시 실행하거나, "
        f"(2) 브라우저로 {ds.url}을(를) 받아 {target}에 두거나, "
        f"(3) 같은 파일이 있는 로컬 미러 폴더를 환경 변수 {MIRROR_ENV}로 지정하세요 "
        f"(예: export {MIRROR_ENV}=/path/to/datasets)."
    )


def _make_dir(folder: Path, ds: Dataset, what: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(folder, exc, what, name=ds.name) from exc


def _cached_ok(ds: Dataset, target: Path, say: Callable) -> bool:
    if not target.exists():
        return False
    try:
        _verify(ds, target, thorough=False)
        return True
    except IntegrityError as exc:
        say(f"[{ds.name}] 캐시 파일이 손상되어 지우고 다시 받습니다 ({exc}).")
        return False


def fetch(
    dataset: str | Dataset,
    *,
    data_dir: str | Path | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    progress: bool = True,
    verbose: bool = True,
) -> Path:
    """데이터셋 파일을 (필요하면 내려받아) 검증된 로컬 경로로 돌려줍니다.

    순서: 검증된 캐시 → 로컬 미러(``DLCOURSE_MIRROR``) → 공개 URL. 캐시 파일이 손상되었으면
    지우고 다시 받습니다. 끝내 얻지 못하면 :class:`DatasetError` (URL 과 해결 방법 포함).

    검증된 파일이 이미 있으면 아무것도 쓰지 않으므로 읽기 전용 폴더에서도 됩니다. 새로 받아야 하면
    잠금(``.<파일>.lock``)을 쥐고 받으므로, 여러 프로세스가 동시에 불러도 한 번만 받고 모두 같은
    검증된 파일을 얻습니다. 쓸 수 없는 폴더면 :class:`DataDirError`, 공간이 모자라면 :class:`DiskFullError`.
    """
    ds = _resolve(dataset)
    if retries < 1:
        raise ValueError("retries 는 1 이상이어야 합니다")
    target = dataset_path(ds, data_dir)
    say = print if verbose else (lambda *a, **k: None)

    if _cached_ok(ds, target, say):  # 빠른 길: 잠금도 쓰기도 없음
        return target
    _make_dir(target.parent, ds, "데이터 폴더")
    with _lock_for(target.parent, target.name, ds.name, say, f"데이터 파일 {ds.filename}"):
        if target.exists():
            # 기다리는 동안 다른 프로세스가 받아 두었으면 그것을 씁니다 (승자의 검증된 결과)
            try:
                _verify(ds, target, thorough=False)
                return target
            except IntegrityError:
                try:
                    target.unlink()
                except OSError as exc:
                    raise write_error(target.parent, exc, f"데이터 파일 {ds.filename}", name=ds.name) from exc
        remove_stale_parts(target.parent, target.name, only_dead=False)  # 죽은 프로세스가 남긴 임시 파일
        return _fetch_locked(ds, target, timeout, retries, backoff, progress, say)


def _fetch_locked(ds, target, timeout, retries, backoff, progress, say) -> Path:
    problems: list[str] = []
    # 1) 로컬 미러
    for mirror in mirror_dirs():
        candidate = mirror / ds.filename
        if not candidate.is_file():
            problems.append(f"미러 {mirror}에 {ds.filename} 없음")
            continue
        try:
            needed = candidate.stat().st_size
        except OSError:
            needed = _expected_bytes(ds)
        tmp = _tmp_path(target, ds, needed)
        try:
            with open(candidate, "rb") as src:
                _copy_stream(src.read, tmp)
            _verify(ds, tmp, thorough=True)
            os.replace(tmp, target)
            say(f"[{ds.name}] 로컬 미러에서 복사했습니다: {ds.filename}")
            return target
        except _WriteFailed as wf:
            tmp.unlink(missing_ok=True)
            raise write_error(target.parent, wf.exc, "미러에서 복사한 파일", needed=needed, name=ds.name) from wf.exc
        except (IntegrityError, OSError) as exc:
            problems.append(f"미러 파일 {candidate} 을(를) 쓸 수 없음: {exc}")
        finally:
            tmp.unlink(missing_ok=True)

    # 2) 공개 URL
    for attempt in range(1, retries + 1):
        tmp = _tmp_path(target, ds, _expected_bytes(ds))
        try:
            _download_once(ds.url, tmp, timeout, progress, ds.filename)
            _verify(ds, tmp, thorough=True)
            os.replace(tmp, target)
            say(f"[{ds.name}] 내려받아 검증했습니다: {ds.filename}")
            return target
        except _WriteFailed as wf:
            tmp.unlink(missing_ok=True)
            needed = getattr(wf, "total", None) or _expected_bytes(ds)
            raise write_error(target.parent, wf.exc, "내려받은 파일", needed=needed, name=ds.name) from wf.exc
        except _RetryableError as exc:
            problems.append(f"시도 {attempt}/{retries}: {exc}")
            if attempt < retries:
                time.sleep(backoff * 2 ** (attempt - 1))
        except IntegrityError as exc:
            # 서버가 잘못된 내용을 주었다: 다시 받아도 같을 가능성이 크지만 한 번 더 시도한다.
            problems.append(f"시도 {attempt}/{retries}: 받은 파일이 무결성 검사에 실패 ({exc})")
            if attempt < retries:
                time.sleep(backoff * 2 ** (attempt - 1))
        except DatasetError as exc:
            problems.append(f"시도 {attempt}/{retries}: {exc}")
            break
        finally:
            tmp.unlink(missing_ok=True)

    raise DatasetError(
        f"데이터셋 '{ds.name}' 을(를) 얻지 못했습니다. URL: {ds.url}\n"
        + "\n".join(f"  - {p}" for p in problems)
        + "\n"
        + _how_to_fix(ds, target)
    )


# ---------------------------------------------------------------------------
# 압축 풀기
# ---------------------------------------------------------------------------
def _expected_files(ds: Dataset, zf: zipfile.ZipFile) -> dict[str, int]:
    """압축을 푼 폴더 안의 상대 경로 → 크기 (폴더·``__MACOSX`` 제외). 압축 안의 최상위 폴더는 벗깁니다."""
    prefix = f"{ds.extract_to}/"
    infos = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
    if any(i.filename.startswith(prefix) for i in infos):
        return {i.filename[len(prefix) :]: i.file_size for i in infos if i.filename.startswith(prefix)}
    return {i.filename: i.file_size for i in infos}


def _extracted_ok(ds: Dataset, folder: Path, archive: Path | None = None) -> bool:
    """풀린 폴더가 온전한지: 사진 개수(``extras['counts']``), 그리고 압축 파일이 있으면 모든 파일의 크기."""
    counts = ds.extras.get("counts", {})
    for split, classes in counts.items():
        for cls, n in classes.items():
            sub = folder / split / cls
            if not sub.is_dir() or sum(1 for _ in sub.glob("*.jpg")) != n:
                return False
    if archive is not None:
        try:
            with zipfile.ZipFile(archive) as zf:
                expected = _expected_files(ds, zf)
        except (OSError, zipfile.BadZipFile):
            return False
        for rel, size in expected.items():
            try:
                if (folder / rel).stat().st_size != size:
                    return False
            except OSError:
                return False
    return True


def extract(dataset: str | Dataset, *, data_dir: str | Path | None = None, verbose: bool = True) -> Path:
    """압축 데이터셋을 받아(:func:`fetch`) ``dataset/<extract_to>`` 에 풀고 그 폴더를 돌려줍니다.

    * 이미 풀린 폴더는 사진 개수와 압축 파일 속 모든 파일의 크기로 확인하고, 맞으면 아무것도 쓰지 않습니다
      (읽기 전용 폴더에서도 됨). 맞지 않으면 다시 풉니다.
    * 임시 폴더(``.<폴더>.part-<pid>-…``)에 푼 뒤 **검증을 통과했을 때만** 제 이름으로 바꾸므로, 중간에
      멈추거나(KeyboardInterrupt, 강제 종료) 실패해도 반쯤 풀린 폴더가 제 이름으로 남지 않습니다.
      강제 종료로 남은 임시 폴더는 다음 실행이 지웁니다.
    * 여러 프로세스가 동시에 부르면 잠금(``.<폴더>.lock``)을 쥔 하나만 풀고, 나머지는 기다렸다가 그 결과를 씁니다.
    """
    ds = _resolve(dataset)
    if not ds.extract_to:
        raise DatasetError(f"'{ds.name}' 은(는) 압축 데이터셋이 아닙니다")
    archive = fetch(ds, data_dir=data_dir, verbose=verbose)
    folder = archive.parent
    dest = folder / ds.extract_to
    if dest.is_dir() and _extracted_ok(ds, dest, archive):
        return dest
    say = print if verbose else (lambda *a, **k: None)
    with _lock_for(folder, ds.extract_to, ds.name, say, f"압축을 푼 폴더 {ds.extract_to}/"):
        if dest.is_dir() and _extracted_ok(ds, dest, archive):
            return dest  # 기다리는 동안 다른 프로세스가 풀어 두었음
        remove_stale_parts(folder, ds.extract_to, only_dead=False)
        _extract_locked(ds, archive, dest)
    if verbose:
        print(f"[{ds.name}] 압축을 풀었습니다: {ds.extract_to}/")
    return dest


def _extract_locked(ds: Dataset, archive: Path, dest: Path) -> None:
    folder = archive.parent
    with zipfile.ZipFile(archive) as zf:
        needed = sum(_expected_files(ds, zf).values())
    try:
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        elif dest.exists() or dest.is_symlink():
            dest.unlink()
        tmp = Path(tempfile.mkdtemp(prefix=part_prefix(ds.extract_to), dir=folder))
        os.chmod(tmp, 0o755)  # mkdtemp 은 0700: 풀린 폴더는 다른 사용자도 읽을 수 있게
    except OSError as exc:
        raise write_error(folder, exc, "압축을 풀 폴더", needed=needed, name=ds.name) from exc
    try:
        with zipfile.ZipFile(archive) as zf:
            root = tmp.resolve()
            for member in zf.namelist():
                if not (tmp / member).resolve().is_relative_to(root):
                    raise IntegrityError(f"압축 파일에 폴더 밖을 가리키는 경로가 있습니다: {member}")
            for info in zf.infolist():
                try:
                    zf.extract(info, tmp)
                except OSError as exc:
                    if exc.errno in _NO_SPACE or exc.errno in _NO_WRITE:
                        shutil.rmtree(tmp, ignore_errors=True)
                        raise write_error(folder, exc, "압축을 푼 사진", needed=needed, name=ds.name) from exc
                    raise
        inner = tmp / ds.extract_to
        src = inner if inner.is_dir() else tmp
        if not _extracted_ok(ds, src, archive):
            raise IntegrityError(f"[{ds.name}] 압축을 푼 결과가 기대와 다릅니다 (사진 개수나 파일 크기): {archive}")
        try:
            os.replace(src, dest)
        except OSError:
            # 잠금 없이 도는 옛 판 프로세스가 먼저 풀었다면 그 검증된 결과를 받아들입니다.
            if not (dest.is_dir() and _extracted_ok(ds, dest, archive)):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
