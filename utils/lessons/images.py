"""사진 폴더를 작은 NumPy 배열로 읽고, 손으로 만든 특징(hand-crafted features)을 뽑는 도우미.

노트북 01(머신러닝 vs 딥러닝)이 개·고양이 사진 3,000장을 여러 번 쓰므로, 한 번 읽은 결과를
캐시 파일(``.npz``)로 저장해 두고 다음부터는 그것을 씁니다.

폴더 구조는 Keras 의 ``keras.utils.image_dataset_from_directory`` 와 같습니다::

    root/
      cats/  cat.0.jpg  cat.1.jpg ...
      dogs/  dog.0.jpg ...

* 클래스 이름 = 하위 폴더 이름을 **알파벳 순서로** 정렬한 것, 레이블 = 그 순서의 번호 (Keras 와 같음).
* 사진은 RGB 로 바꾼 뒤 ``size`` (가로, 세로) 로 줄입니다 (쌍선형 보간, bilinear).
  JPEG 은 PIL 의 ``draft`` 로 작은 크기로 바로 디코딩해 빠르게 읽습니다.
* 깨진 파일이나 없는 파일은 TensorFlow 안쪽에서 알 수 없는 오류로 멈추는 대신,
  **파일 이름을 알려 주는** :class:`ImageLoadError` (``ValueError`` 의 하위 클래스) 를 냅니다.

예::

    from utils import data
    from utils.lessons import images
    root = data.extract("cats_and_dogs")
    train = images.load_image_folder(root / "train", size=(64, 64))
    train.X.shape, train.y[:5], train.class_names   # (2000, 64, 64, 3), ..., ['cats', 'dogs']
    F = images.hand_features(train.X, cache=images.cache_path_for(root / "train", "hand64"))
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import checks

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")
CACHE_VERSION = 1


class CacheWarning(UserWarning):
    """캐시 파일을 저장하지 못했음 (결과에는 영향 없음): 읽기 전용 폴더, 디스크 부족 등."""


class ImageLoadError(ValueError):
    """사진 파일을 읽을 수 없을 때 (없음, 깨짐, 사진이 아님). 메시지에 파일 경로가 들어갑니다."""


@dataclass
class ImageSet:
    """:func:`load_image_folder` 의 결과.

    X: ``(N, H, W, 3)`` uint8 배열 (0~255). y: ``(N,)`` int 레이블. class_names: 레이블 번호 순서의
    클래스 이름. files: 각 사진의 파일 이름(root 기준 상대 경로). from_cache: 캐시에서 읽었으면 True.
    """

    X: np.ndarray
    y: np.ndarray
    class_names: list[str]
    files: list[str]
    from_cache: bool = False

    def __len__(self) -> int:
        return len(self.y)


# ---------------------------------------------------------------------------
# 한 장 읽기
# ---------------------------------------------------------------------------
def load_image(path: str | Path, size=(64, 64)) -> np.ndarray:
    """사진 한 장을 RGB ``(H, W, 3)`` uint8 배열로 읽습니다.

    없는 파일·깨진 파일·사진이 아닌 파일이면 경로를 담은 :class:`ImageLoadError` 를 냅니다.
    """
    from PIL import Image, UnidentifiedImageError

    w, h = checks.image_size(size)
    path = Path(path)
    if not path.is_file():
        raise ImageLoadError(f"사진 파일이 없습니다: {path}")
    try:
        with Image.open(path) as img:
            if img.format == "JPEG":
                img.draft("RGB", (w, h))  # JPEG 을 원하는 크기에 가까운 1/2, 1/4, 1/8 크기로 바로 디코딩
            img = img.convert("RGB").resize((w, h), Image.Resampling.BILINEAR)
            return np.asarray(img, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageLoadError(
            f"사진 파일을 읽을 수 없습니다(깨졌거나 사진이 아님): {path} ({type(exc).__name__}: {exc})"
        ) from exc


# ---------------------------------------------------------------------------
# 폴더 읽기 + 캐시
# ---------------------------------------------------------------------------
def list_image_folder(root: str | Path) -> tuple[list[str], list[str], np.ndarray]:
    """``root/<클래스>/*.jpg`` 구조를 훑어 (클래스 이름, 상대 파일 경로, 레이블) 을 돌려줍니다.

    순서는 클래스 이름순, 그 안에서 파일 이름순입니다 (실행할 때마다 같음).
    """
    root = Path(root)
    if not root.is_dir():
        raise ImageLoadError(f"사진 폴더가 없습니다: {root}")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise ImageLoadError(f"{root} 에 클래스 하위 폴더가 없습니다 (root/<클래스>/사진 구조여야 합니다)")
    files, labels = [], []
    for label, cls in enumerate(classes):
        found = sorted(
            p.name for p in (root / cls).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")
        )
        if not found:
            raise ImageLoadError(f"클래스 폴더 {root / cls} 에 사진 파일이 없습니다")
        files += [f"{cls}/{name}" for name in found]
        labels += [label] * len(found)
    return classes, files, np.asarray(labels, dtype=np.int64)


def _fingerprint(root: Path, files: Sequence[str], size: tuple[int, int]) -> str:
    """파일 목록·크기·수정 시각·사진 크기로 만든 지문. 하나라도 바뀌면 캐시를 다시 만듭니다."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}|{size[0]}x{size[1]}".encode())
    for rel in files:
        st = (root / rel).stat()
        digest.update(f"|{rel}:{st.st_size}:{int(st.st_mtime)}".encode())
    return digest.hexdigest()


def cache_path_for(root: str | Path, tag: str) -> Path:
    """``root`` 폴더에 딸린 캐시 파일 경로: 폴더 *옆* 의 ``.<폴더이름>_<tag>.npz``.

    예: ``dataset/cats_and_dogs_filtered/train`` → ``dataset/cats_and_dogs_filtered/.train_64x64.npz``.
    사진 폴더 안(클래스 폴더 사이)에 두지 않으므로 Keras 가 클래스로 착각하지 않습니다.
    """
    if not tag or any(c in tag for c in "/\\"):
        raise ValueError(f"tag 는 '/' 없는 짧은 이름이어야 합니다 (받은 값: {tag!r})")
    root = Path(root)
    return root.parent / f".{root.name}_{tag}.npz"


def save_npz_atomic(path: str | Path, **arrays) -> Path:
    """``np.savez`` 를 임시 파일(``.<이름>.part-<pid>-…``)에 쓴 뒤 ``os.replace`` 로 이름을 붙입니다.

    * 반쯤 쓴 캐시가 제 이름으로 남지 않습니다 (KeyboardInterrupt·오류면 임시 파일을 지우고, 강제 종료로
      남은 임시 파일은 그 pid 가 끝났으면 다음 저장이 지웁니다).
    * 여러 프로세스가 같은 캐시를 동시에 써도 됩니다: 각자 제 임시 파일에 쓰고, 이름 바꾸기는 원자적이라
      마지막에 남는 파일은 언제나 온전한 것 하나입니다.
    * 쓸 수 없는 폴더면 :class:`utils.data.DataDirError`, 공간이 모자라면 :class:`utils.data.DiskFullError`
      (폴더, 필요한 크기, ``DLCOURSE_DATA_DIR`` 안내; 임시 파일은 지운 뒤).
    """
    from ..data import part_prefix, remove_stale_parts, write_error

    path = Path(path)
    needed = sum(np.asarray(a).nbytes for a in arrays.values())
    what = f"캐시 파일 {path.name} "
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=part_prefix(path.name), dir=path.parent)
    except OSError as exc:
        raise write_error(path.parent, exc, what, needed=needed) from exc
    try:
        os.chmod(tmp, 0o644)  # utils.data 의 데이터 파일과 같은 권한 (mkstemp 기본값 0600 대신)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(path.parent, exc, what, needed=needed) from exc
        raise
    remove_stale_parts(path.parent, path.name)  # 강제 종료된 프로세스가 남긴 임시 파일
    return path


def _save_cache(path: Path, **arrays) -> bool:
    """캐시 저장. 캐시는 덤이므로 쓸 수 없으면(읽기 전용 폴더, 디스크 부족) 경고만 하고 False."""
    from ..data import DatasetError

    try:
        save_npz_atomic(path, **arrays)
        return True
    except DatasetError as exc:
        warnings.warn(
            f"캐시를 저장하지 못해 캐시 없이 계속합니다 (결과는 같고 다음 실행이 다시 계산합니다). {exc}",
            CacheWarning,
            stacklevel=3,
        )
        return False


def _read_npz(path: Path) -> dict | None:
    """캐시를 읽습니다. 깨졌으면 None (호출한 쪽이 다시 만듭니다)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception:
        return None


def load_image_folder(
    root: str | Path,
    size=(64, 64),
    *,
    cache: bool | str | Path = True,
    verbose: bool = False,
) -> ImageSet:
    """``root/<클래스>/사진`` 폴더 전체를 ``(N, H, W, 3)`` uint8 배열로 읽습니다.

    cache: True 면 :func:`cache_path_for` 의 기본 경로, 경로를 주면 그 파일, False 면 캐시 없이 읽습니다.
    캐시는 파일 목록·크기·수정 시각의 지문(fingerprint)이 같을 때만 씁니다.
    깨진 사진이 하나라도 있으면 그 파일 이름을 담은 :class:`ImageLoadError` 를 냅니다.
    """
    size = checks.image_size(size)
    root = Path(root)
    classes, files, labels = list_image_folder(root)
    fp = _fingerprint(root, files, size)
    path = None
    if cache is True:
        path = cache_path_for(root, f"{size[0]}x{size[1]}")
    elif cache:
        path = Path(cache)
    if path is not None and path.is_file():
        z = _read_npz(path)
        if z is not None and str(z.get("fingerprint", "")) == fp:
            if verbose:
                print(f"캐시에서 읽음: {path.name} ({len(files)}장)")
            return ImageSet(z["X"], z["y"], [str(c) for c in z["class_names"]], [str(f) for f in z["files"]], True)
    X = np.empty((len(files), size[1], size[0], 3), dtype=np.uint8)
    for i, rel in enumerate(files):
        X[i] = load_image(root / rel, size)
    if path is not None:
        _save_cache(
            path, X=X, y=labels, class_names=np.asarray(classes), files=np.asarray(files), fingerprint=np.asarray(fp)
        )
    if verbose:
        print(f"사진 {len(files)}장을 읽었습니다 ({size[0]}x{size[1]})")
    return ImageSet(X, labels, classes, files, False)


# ---------------------------------------------------------------------------
# 손으로 만든 특징 (hand-crafted features)
# ---------------------------------------------------------------------------
def hog_features(X, orientations: int = 9, pixels_per_cell=(8, 8), cells_per_block=(2, 2)) -> np.ndarray:
    """HOG(Histogram of Oriented Gradients, Dalal & Triggs 2005) 특징. 흑백으로 바꿔 계산합니다.

    사진을 작은 칸(cell)으로 나누고, 칸마다 **밝기가 변하는 방향(edge 방향)의 히스토그램** 을 만든 뒤
    이웃 칸끼리 묶어(block) 정규화합니다. 64x64 사진, 8x8 칸, 2x2 블록, 9방향이면 7*7*2*2*9 = 1764 차원.
    """
    from skimage.color import rgb2gray
    from skimage.feature import hog

    X = checks.images_uint8(X)
    return np.stack(
        [
            hog(
                rgb2gray(img),
                orientations=orientations,
                pixels_per_cell=pixels_per_cell,
                cells_per_block=cells_per_block,
                block_norm="L2-Hys",
                feature_vector=True,
            )
            for img in X
        ]
    ).astype(np.float32)


def _rgb_to_hsv(X: np.ndarray) -> np.ndarray:
    """uint8 RGB → HSV (각 0~1). ``skimage.color.rgb2hsv`` 와 같은 공식을 정수 연산으로 빠르게."""
    X = X.astype(np.int16)
    r, g, b = X[..., 0], X[..., 1], X[..., 2]
    mx, mn = X.max(axis=-1), X.min(axis=-1)
    d = (mx - mn).astype(np.float32)
    safe = np.where(d == 0, 1.0, d)
    h = np.where(mx == r, ((g - b) / safe) % 6, np.where(mx == g, (b - r) / safe + 2, (r - g) / safe + 4))
    h = np.where(d == 0, 0.0, h) / 6.0
    s = np.where(mx == 0, 0.0, d / np.where(mx == 0, 1, mx))
    return np.stack([h, s, mx / 255.0], axis=-1).astype(np.float32)


def color_histograms(X, bins: int = 16) -> np.ndarray:
    """HSV 색 공간의 채널별 히스토그램 (각 채널 ``bins`` 칸, 합이 1 이 되게 정규화) → ``3*bins`` 차원.

    색조(hue)·채도(saturation)·명도(value) 분포만 보고 모양은 보지 않는 특징입니다.
    """
    X = checks.images_uint8(X)
    if not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins 는 2 이상의 정수여야 합니다 (받은 값: {bins!r})")
    n, n_pix = len(X), X.shape[1] * X.shape[2]
    hsv = _rgb_to_hsv(X)
    idx = np.minimum((hsv * bins).astype(np.int64), bins - 1).reshape(n, n_pix, 3)
    out = np.empty((n, 3 * bins), dtype=np.float32)
    rows = np.arange(n)[:, None] * bins
    for c in range(3):  # 사진마다 칸 번호를 겹치지 않게 밀어 bincount 한 번으로 히스토그램
        counts = np.bincount((idx[..., c] + rows).ravel(), minlength=n * bins).reshape(n, bins)
        out[:, c * bins : (c + 1) * bins] = counts / n_pix
    return out


def hand_features(X, *, bins: int = 16, cache: str | Path | None = None, verbose: bool = False) -> np.ndarray:
    """HOG + HSV 색 히스토그램을 이어 붙인 손으로 만든 특징. ``cache`` 경로를 주면 결과를 저장·재사용합니다."""
    return cached_features(
        lambda A: np.hstack([hog_features(A), color_histograms(A, bins=bins)]),
        X,
        cache=cache,
        key=f"hog9-8-2+hsv{bins}",
        verbose=verbose,
    )


def _array_digest(X: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(X).view(np.uint8).tobytes()).hexdigest()


def cached_features(
    fn: Callable[[np.ndarray], np.ndarray],
    X,
    *,
    cache: str | Path | None = None,
    key: str = "",
    verbose: bool = False,
) -> np.ndarray:
    """``fn(X)`` 를 계산하되, ``cache`` 파일에 같은 입력(배열의 sha256)·같은 ``key`` 의 결과가 있으면 그것을 씁니다."""
    X = checks.images_uint8(X)
    if cache is None:
        return np.asarray(fn(X))
    path = Path(cache)
    tag = f"{key}|{X.shape}|{_array_digest(X)}"
    if path.is_file():
        z = _read_npz(path)
        if z is not None and str(z.get("tag", "")) == tag:
            if verbose:
                print(f"특징 캐시에서 읽음: {path.name}")
            return z["F"]
    F = np.asarray(fn(X))
    if len(F) != len(X):
        raise ValueError(f"특징 함수가 사진 {len(X)}장에 대해 {len(F)}개 행을 돌려주었습니다")
    _save_cache(path, F=F, tag=np.asarray(tag))
    return F


__all__ = [
    "CacheWarning",
    "ImageLoadError",
    "ImageSet",
    "cache_path_for",
    "cached_features",
    "color_histograms",
    "hand_features",
    "hog_features",
    "list_image_folder",
    "load_image",
    "load_image_folder",
    "save_npz_atomic",
]
