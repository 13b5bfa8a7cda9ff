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
"""
from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

MIRROR_ENV = "DLCOURSE_MIRROR"
DATA_DIR_ENV = "DLCOURSE_DATA_DIR"
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

    def verify(path: Path, thorough: bool = True) -> None:  # noqa: ARG001 - 항상 전체 검사
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
        "Kaggle Dogs vs. Cats (Microsoft Asirra) 사진 중 TensorFlow 튜토리얼용으로 Google 이 공개한 "
        "'filtered' 부분집합"
    ),
    licence="Asirra/Kaggle Dogs vs. Cats 사진: 연구·교육용 (원 이용 약관을 따름)",
    extract_to="cats_and_dogs_filtered",
    extras={"counts": {"train": {"cats": 1000, "dogs": 1000}, "validation": {"cats": 500, "dogs": 500}}},
)

REGISTRY: dict[str, Dataset] = {d.name: d for d in (THORACIC, CATS_AND_DOGS)}


# ---------------------------------------------------------------------------
# 경로
# ---------------------------------------------------------------------------
def default_data_dir() -> Path:
    """데이터를 둘 폴더.

    1. 환경 변수 ``DLCOURSE_DATA_DIR``
    2. 이 패키지가 저장소에서 설치되었다면(편집 가능 설치) 저장소의 ``dataset/``
    3. 그 밖(Colab 등): 현재 폴더의 ``dataset/``
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    repo_dataset = Path(__file__).resolve().parent.parent / "dataset"
    if (repo_dataset / "README.md").is_file():
        return repo_dataset
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
# 내려받기
# ---------------------------------------------------------------------------
class _RetryableError(Exception):
    pass


def _tmp_path(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.part-", dir=target.parent)
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp 은 0600 으로 만듦: 완성된 데이터 파일은 다른 사용자도 읽을 수 있게
    return Path(name)


def _check_file_size(ds: Dataset, path: Path) -> None:
    if ds.size is not None and path.stat().st_size != ds.size:
        raise IntegrityError(f"크기 불일치: 기대 {ds.size:,} 바이트, 실제 {path.stat().st_size:,} 바이트")


def _verify(ds: Dataset, path: Path, thorough: bool) -> None:
    _check_file_size(ds, path)
    ds.verify(path, thorough)


def _download_once(url: str, dest: Path, timeout: float, progress: bool, label: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - 등록부의 주소만
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise _RetryableError(f"HTTP {exc.code} {exc.reason}") from exc
        raise DatasetError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        raise _RetryableError(f"연결 실패: {getattr(exc, 'reason', exc)}") from exc

    with response:
        total = response.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() else None
        bar = None
        if progress:
            try:
                from tqdm.auto import tqdm

                bar = tqdm(total=total, unit="B", unit_scale=True, desc=label, leave=False)
            except ImportError:  # pragma: no cover - tqdm 은 의존성이지만 없으면 진행 표시 생략
                bar = None
        received = 0
        try:
            with open(dest, "wb") as fh:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except (socket.timeout, TimeoutError) as exc:
                        raise _RetryableError(f"{timeout:g}초 동안 응답이 없어 시간 초과") from exc
                    except (http.client.IncompleteRead, ConnectionError, OSError) as exc:
                        raise _RetryableError(f"전송이 중간에 끊겼습니다: {exc!r}") from exc
                    if not chunk:
                        break
                    fh.write(chunk)
                    received += len(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    if total is not None and received != total:
        raise _RetryableError(f"전송이 잘렸습니다: {total:,} 바이트 중 {received:,} 바이트만 받음")


def _how_to_fix(ds: Dataset, target: Path) -> str:
    return (
        "해결 방법: (1) 인터넷 연결을 확인하고 다시 실행하거나, "
        f"(2) 브라우저로 {ds.url} 을(를) 받아 {target} 에 두거나, "
        f"(3) 같은 파일이 있는 로컬 미러 폴더를 환경 변수 {MIRROR_ENV} 로 지정하세요 "
        f"(예: export {MIRROR_ENV}=/path/to/datasets)."
    )


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
    """
    ds = _resolve(dataset)
    if retries < 1:
        raise ValueError("retries 는 1 이상이어야 합니다")
    target = dataset_path(ds, data_dir)
    say = print if verbose else (lambda *a, **k: None)

    if target.exists():
        try:
            _verify(ds, target, thorough=False)
            return target
        except IntegrityError as exc:
            say(f"[{ds.name}] 캐시 파일이 손상되어 지우고 다시 받습니다 ({exc}).")
            target.unlink()

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"[{ds.name}] 데이터 폴더 {target.parent} 를 만들 수 없습니다: {exc}") from exc

    problems: list[str] = []
    # 1) 로컬 미러
    for mirror in mirror_dirs():
        candidate = mirror / ds.filename
        if not candidate.is_file():
            problems.append(f"미러 {mirror} 에 {ds.filename} 없음")
            continue
        tmp = _tmp_path(target)
        try:
            shutil.copyfile(candidate, tmp)
            _verify(ds, tmp, thorough=True)
            os.replace(tmp, target)
            say(f"[{ds.name}] 로컬 미러에서 복사했습니다: {ds.filename}")
            return target
        except (IntegrityError, OSError) as exc:
            problems.append(f"미러 파일 {candidate} 을(를) 쓸 수 없음: {exc}")
        finally:
            tmp.unlink(missing_ok=True)

    # 2) 공개 URL
    for attempt in range(1, retries + 1):
        tmp = _tmp_path(target)
        try:
            _download_once(ds.url, tmp, timeout, progress, ds.filename)
            _verify(ds, tmp, thorough=True)
            os.replace(tmp, target)
            say(f"[{ds.name}] 내려받아 검증했습니다: {ds.filename}")
            return target
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


def extract(dataset: str | Dataset, *, data_dir: str | Path | None = None, verbose: bool = True) -> Path:
    """압축 데이터셋을 받아(:func:`fetch`) ``dataset/<extract_to>`` 에 풀고 그 폴더를 돌려줍니다.

    임시 폴더에 먼저 푼 뒤 이름을 바꾸므로, 중간에 실패해도 반쯤 풀린 폴더가 남지 않습니다.
    이미 풀린 폴더는 ``extras['counts']`` 의 사진 개수로 확인하고, 맞지 않으면 다시 풉니다.
    """
    ds = _resolve(dataset)
    if not ds.extract_to:
        raise DatasetError(f"'{ds.name}' 은(는) 압축 데이터셋이 아닙니다")
    archive = fetch(ds, data_dir=data_dir, verbose=verbose)
    dest = archive.parent / ds.extract_to
    if dest.is_dir() and _extracted_ok(ds, dest):
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    tmp = Path(tempfile.mkdtemp(prefix=f".{ds.extract_to}.part-", dir=archive.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                resolved = (tmp / member).resolve()
                if not str(resolved).startswith(str(tmp.resolve())):
                    raise IntegrityError(f"압축 파일에 폴더 밖을 가리키는 경로가 있습니다: {member}")
            zf.extractall(tmp)
        inner = tmp / ds.extract_to
        os.replace(inner if inner.is_dir() else tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not _extracted_ok(ds, dest):
        shutil.rmtree(dest, ignore_errors=True)
        raise IntegrityError(f"[{ds.name}] 압축을 푼 결과의 사진 개수가 기대와 다릅니다: {dest}")
    if verbose:
        print(f"[{ds.name}] 압축을 풀었습니다: {ds.extract_to}/")
    return dest


def _extracted_ok(ds: Dataset, folder: Path) -> bool:
    counts = ds.extras.get("counts", {})
    for split, classes in counts.items():
        for cls, n in classes.items():
            sub = folder / split / cls
            if not sub.is_dir() or sum(1 for _ in sub.glob("*.jpg")) != n:
                return False
    return True
