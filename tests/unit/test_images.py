"""utils.lessons.images: 사진 폴더 읽기, 캐시(원자적 저장·무효화), 깨진/없는 파일, 손으로 만든 특징."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from utils.lessons import images as I


def _jpeg(path, color, size=(40, 30)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "JPEG", quality=90)


@pytest.fixture()
def folder(tmp_path):
    root = tmp_path / "photos" / "train"
    for i in range(3):
        _jpeg(root / "dogs" / f"dog.{i}.jpg", (20, 200, 20))
        _jpeg(root / "cats" / f"cat.{i}.jpg", (200, 20, 20))
    (root / "cats" / "notes.txt").write_text("사진이 아님", encoding="utf-8")  # 무시되어야 함
    return root


# ------------------------------------------------------------------ 한 장
def test_load_image_shape_dtype_and_colour(folder):
    img = I.load_image(folder / "cats" / "cat.0.jpg", size=(16, 8))
    assert img.shape == (8, 16, 3) and img.dtype == np.uint8
    assert img[..., 0].mean() > 150 and img[..., 1].mean() < 60  # 빨간 고양이 사진


def test_missing_file_gives_clear_error(tmp_path):
    with pytest.raises(I.ImageLoadError, match="없습니다.*nope.jpg"):
        I.load_image(tmp_path / "nope.jpg")


def test_corrupt_file_gives_clear_error_naming_the_file(folder):
    bad = folder / "dogs" / "dog.1.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    with pytest.raises(I.ImageLoadError, match="dog.1.jpg"):
        I.load_image(bad)
    # 폴더 전체를 읽을 때도 같은 오류 (TensorFlow 안쪽의 알 수 없는 오류가 아니라)
    with pytest.raises(ValueError, match="깨졌거나"):
        I.load_image_folder(folder, size=8, cache=False)


def test_truncated_jpeg_gives_clear_error(folder):
    good = folder / "cats" / "cat.2.jpg"
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 3])
    with pytest.raises(I.ImageLoadError, match="cat.2.jpg"):
        I.load_image(good)


@pytest.mark.parametrize("bad", [0, -3, (4,), "big", (8, 0)])
def test_bad_size_is_value_error(folder, bad):
    with pytest.raises(ValueError, match="size"):
        I.load_image(folder / "cats" / "cat.0.jpg", size=bad)


# ------------------------------------------------------------------ 폴더
def test_folder_labels_follow_sorted_class_names_like_keras(folder):
    ds = I.load_image_folder(folder, size=8, cache=False)
    assert ds.class_names == ["cats", "dogs"]
    assert ds.X.shape == (6, 8, 8, 3) and len(ds) == 6
    assert ds.y.tolist() == [0, 0, 0, 1, 1, 1]
    assert ds.files[0] == "cats/cat.0.jpg" and not ds.from_cache


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(I.ImageLoadError, match="폴더가 없습니다"):
        I.load_image_folder(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(I.ImageLoadError, match="하위 폴더가 없습니다"):
        I.load_image_folder(tmp_path / "empty")
    (tmp_path / "empty" / "cats").mkdir()
    with pytest.raises(I.ImageLoadError, match="사진 파일이 없습니다"):
        I.load_image_folder(tmp_path / "empty")


def test_cache_is_written_next_to_folder_and_reused(folder):
    first = I.load_image_folder(folder, size=8)
    cache = I.cache_path_for(folder, "8x8")
    assert cache.is_file() and cache.parent == folder.parent
    assert not any(".part-" in p.name for p in folder.parent.iterdir())  # 임시 파일이 남지 않음
    second = I.load_image_folder(folder, size=8)
    assert second.from_cache and np.array_equal(first.X, second.X) and second.class_names == first.class_names
    # 다른 크기는 다른 캐시
    assert not I.load_image_folder(folder, size=4).from_cache


def test_cache_invalidated_when_a_photo_changes(folder):
    I.load_image_folder(folder, size=8)
    _jpeg(folder / "dogs" / "dog.3.jpg", (0, 0, 255))
    again = I.load_image_folder(folder, size=8)
    assert not again.from_cache and len(again) == 7


def test_corrupt_cache_is_rebuilt(folder):
    cache = I.cache_path_for(folder, "8x8")
    cache.write_bytes(b"garbage")
    ds = I.load_image_folder(folder, size=8)
    assert not ds.from_cache and len(ds) == 6
    assert I.load_image_folder(folder, size=8).from_cache


def test_cache_path_rejects_bad_tag(folder):
    with pytest.raises(ValueError, match="tag"):
        I.cache_path_for(folder, "a/b")


def test_save_npz_atomic_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "x.npz"
    I.save_npz_atomic(target, a=np.arange(3))
    assert np.load(target)["a"].tolist() == [0, 1, 2]

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError):
        I.save_npz_atomic(target, a=np.arange(5))
    assert np.load(target)["a"].tolist() == [0, 1, 2]  # 예전 캐시는 그대로
    assert [p.name for p in tmp_path.iterdir()] == ["x.npz"]


# ------------------------------------------------------------------ 특징
def _random_images(n=4, size=32, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, size, size, 3), dtype=np.uint8)


def test_hog_dimension_and_edges():
    X = _random_images(2, 64)
    H = I.hog_features(X)
    assert H.shape == (2, 7 * 7 * 2 * 2 * 9) and H.dtype == np.float32
    # 세로 줄무늬(가로 방향으로 밝기 변화)와 가로 줄무늬는 서로 다른 방향 칸에 몰린다
    v = np.zeros((1, 64, 64, 3), np.uint8)
    v[:, :, ::8] = 255
    h = np.transpose(v, (0, 2, 1, 3)).copy()
    Hv = I.hog_features(v, cells_per_block=(1, 1)).reshape(-1, 9).sum(0)
    Hh = I.hog_features(h, cells_per_block=(1, 1)).reshape(-1, 9).sum(0)
    assert Hv.argmax() != Hh.argmax()


def _hog_reference(img, n_bins=9, cell=8, block=2, eps=1e-5):
    """Dalal & Triggs 의 HOG 를 NumPy 로 직접 (노트북 01 의 읽기 쉬운 버전과 같은 계산)."""
    gray = img.astype(np.float64) / 255 @ np.array([0.2125, 0.7154, 0.0721])
    gy, gx = np.zeros_like(gray), np.zeros_like(gray)
    gy[1:-1], gx[:, 1:-1] = gray[2:] - gray[:-2], gray[:, 2:] - gray[:, :-2]
    mag, ang = np.hypot(gx, gy), np.rad2deg(np.arctan2(gy, gx)) % 180
    b = np.minimum((ang // (180 / n_bins)).astype(int), n_bins - 1)
    ny, nx = gray.shape[0] // cell, gray.shape[1] // cell
    votes = (b[..., None] == np.arange(n_bins)) * mag[..., None]
    hist = votes[: ny * cell, : nx * cell].reshape(ny, cell, nx, cell, n_bins).sum(axis=(1, 3)) / cell**2
    out = []
    for r in range(ny - block + 1):
        for c in range(nx - block + 1):
            v = hist[r : r + block, c : c + block].ravel()
            v = np.minimum(v / np.sqrt(np.sum(v**2) + eps**2), 0.2)
            out.append(v / np.sqrt(np.sum(v**2) + eps**2))
    return np.concatenate(out)


def test_hog_matches_numpy_reference():
    # 무작위 사진과 줄무늬(방향 칸 경계에 걸리는 0도·90도 기울기) 사진 모두에서 float32 반올림까지 같아야 한다
    X = _random_images(3, 64, seed=2)
    X[2] = 0
    X[2, :, ::8] = 255
    np.testing.assert_allclose(I.hog_features(X), np.stack([_hog_reference(x) for x in X]), rtol=0, atol=1e-6)


def _colour_reference(img, bins):
    r, g, b = img.reshape(-1, 3).astype(np.float64).T
    v = np.maximum(np.maximum(r, g), b)
    d = v - np.minimum(np.minimum(r, g), b)
    safe = np.where(d == 0, 1, d)
    h = np.select([d == 0, v == r, v == g], [0, ((g - b) / safe) % 6, (b - r) / safe + 2], (r - g) / safe + 4) / 6
    s = np.where(v == 0, 0, d / np.where(v == 0, 1, v))
    idx = np.minimum((np.stack([h, s, v / 255], axis=1) * bins).astype(int), bins - 1)
    return np.concatenate([np.bincount(idx[:, c], minlength=bins) for c in range(3)]) / len(idx)


def test_colour_histograms_match_integer_exact_reference():
    # 칸 경계(예: 색조 1/8)에 정확히 놓이는 픽셀도 같은 칸에 들어가야 한다: 0~255 정수로 계산하는 참조와 완전히 같음
    X = _random_images(4, 16, seed=3)
    X[3, :8] = (254, 233, 170)  # 색조가 정확히 0.125
    for bins in (8, 16):
        ref = np.stack([_colour_reference(x, bins) for x in X]).astype(np.float32)
        np.testing.assert_array_equal(I.color_histograms(X, bins=bins), ref)


def test_colour_histograms_sum_to_one_and_match_skimage_hsv():
    from skimage.color import rgb2hsv

    X = _random_images(3, 16)
    C = I.color_histograms(X, bins=8)
    assert C.shape == (3, 24)
    np.testing.assert_allclose(C.reshape(3, 3, 8).sum(-1), 1.0, atol=1e-6)
    np.testing.assert_allclose(I._rgb_to_hsv(X), rgb2hsv(X.reshape(-1, 16, 3)).reshape(X.shape), atol=1e-5)
    red = np.zeros((1, 4, 4, 3), np.uint8)
    red[..., 0] = 255
    hist = I.color_histograms(red, bins=4)[0]
    assert hist[0] == 1.0 and hist[4 + 3] == 1.0 and hist[8 + 3] == 1.0  # 색조 0, 채도 1, 명도 1


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((2, 8, 8), np.uint8), "모양"),
        (np.zeros((0, 8, 8, 3), np.uint8), "비어"),
        (np.zeros((2, 8, 8, 3), np.float32), "uint8"),
    ],
)
def test_feature_helpers_reject_bad_arrays(bad, match):
    with pytest.raises(ValueError, match=match):
        I.hand_features(bad)


def test_bad_bins():
    with pytest.raises(ValueError, match="bins"):
        I.color_histograms(_random_images(1, 8), bins=1)


def test_hand_features_cache_roundtrip_and_invalidation(tmp_path):
    X = _random_images(3, 32)
    cache = tmp_path / "feat.npz"
    F1 = I.hand_features(X, cache=cache)
    assert F1.shape == (3, 3 * 3 * 4 * 9 + 48) and cache.is_file()
    calls = []

    def never(A):
        calls.append(1)
        return np.zeros((len(A), 1))

    # 같은 입력·같은 key 면 함수를 부르지 않고 캐시를 씀
    key = "hog9-8-2+hsv16"
    np.testing.assert_array_equal(I.cached_features(never, X, cache=cache, key=key), F1)
    assert calls == []
    # 입력이 바뀌면 다시 계산
    I.cached_features(never, _random_images(3, 32, seed=1), cache=cache, key=key)
    assert calls == [1]


def test_cached_features_checks_row_count(tmp_path):
    with pytest.raises(ValueError, match="행"):
        I.cached_features(lambda A: np.zeros((1, 2)), _random_images(3, 8), cache=tmp_path / "f.npz")
