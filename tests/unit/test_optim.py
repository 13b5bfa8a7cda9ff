"""utils.lessons.optim: 2차원 곡면 위의 Keras 옵티마이저 궤적."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.lessons import optim

keras = pytest.importorskip("keras")


# ---------------------------------------------------------------------------
# 곡면
# ---------------------------------------------------------------------------
def test_bowl_values_and_minimum():
    bowl = optim.ill_conditioned_bowl(a=1.0, b=10.0, start=(-3.0, 1.0))
    assert bowl.minimum == (0.0, 0.0)
    assert bowl.min_value == 0.0
    assert bowl(2.0, 1.0) == pytest.approx(0.5 * (4.0 + 10.0))
    assert bowl.start == (-3.0, 1.0)
    assert bowl.xlim[0] < -3.0 < bowl.xlim[1] and bowl.ylim[0] < 1.0 < bowl.ylim[1]
    assert "조건수 10" in bowl.name


def test_rotated_bowl_keeps_eigenvalues():
    flat = optim.ill_conditioned_bowl(a=1.0, b=50.0)
    rot = optim.ill_conditioned_bowl(a=1.0, b=50.0, angle=90)
    # 90° 돌리면 x 와 y 의 역할이 바뀝니다
    assert rot(0.0, 1.0) == pytest.approx(flat(1.0, 0.0))
    assert rot(1.0, 0.0) == pytest.approx(flat(0.0, 1.0))
    assert "회전" in optim.ill_conditioned_bowl(angle=45).name


def test_rosenbrock_minimum_and_numpy_grid():
    r = optim.rosenbrock()
    assert r.minimum == (1.0, 1.0)
    assert r.min_value == 0.0
    assert r(-1.0, 1.0) == pytest.approx(4.0)
    gx, gy = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 5))
    assert r(gx, gy).shape == (5, 5)
    assert optim.rosenbrock(a=2.0).minimum == (2.0, 4.0)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"a": 0}, "a"),
        ({"b": -1}, "b"),
        ({"b": float("nan")}, "b"),
        ({"start": (1.0,)}, "start"),
        ({"start": (np.inf, 0)}, "start"),
        ({"start": "xy"}, "start"),
        ({"angle": "x"}, "angle"),
    ],
)
def test_bowl_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=word):
        optim.ill_conditioned_bowl(**kwargs)


def test_rosenbrock_bad_arguments():
    with pytest.raises(ValueError, match="b"):
        optim.rosenbrock(b=0)
    with pytest.raises(ValueError, match="start"):
        optim.rosenbrock(start=(1, 2, 3))


# ---------------------------------------------------------------------------
# 옵티마이저 실행
# ---------------------------------------------------------------------------
def test_sgd_matches_hand_written_gradient_descent():
    bowl = optim.ill_conditioned_bowl(a=1.0, b=10.0, start=(-2.0, 1.0))
    lr, steps = 0.05, 20
    traj = optim.run_optimizers({"SGD": keras.optimizers.SGD(learning_rate=lr)}, bowl, steps=steps)["SGD"]
    p = np.array([-2.0, 1.0])
    expected = [p.copy()]
    for _ in range(steps):
        p = p - lr * np.array([1.0, 10.0]) * p  # ∇f = (a·x, b·y)
        expected.append(p.copy())
    assert traj.points.shape == (steps + 1, 2)
    np.testing.assert_allclose(traj.points, np.array(expected), rtol=1e-5, atol=1e-6)
    assert traj.losses[-1] < traj.losses[0]
    assert not traj.diverged
    assert traj.label == "SGD" and traj.config["optimizer"] == "SGD"
    assert traj.config["learning_rate"] == pytest.approx(lr)


def test_several_optimizers_are_independent_and_keep_order():
    bowl = optim.ill_conditioned_bowl(b=10.0)
    alone = optim.run_optimizers({"mom": keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)}, bowl, steps=30)["mom"]
    runs = optim.run_optimizers(
        {
            "adam": keras.optimizers.Adam(learning_rate=0.1),
            "mom": lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        },
        bowl,
        steps=30,
    )
    assert list(runs) == ["adam", "mom"]
    np.testing.assert_allclose(runs["mom"].points, alone.points, rtol=1e-6, atol=1e-7)
    assert not np.allclose(runs["adam"].points, runs["mom"].points)


def test_momentum_beats_sgd_on_ill_conditioned_bowl():
    bowl = optim.ill_conditioned_bowl(b=100.0)
    runs = optim.run_optimizers(
        {
            "sgd": keras.optimizers.SGD(learning_rate=0.01),
            "mom": keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        },
        bowl,
        steps=300,
    )
    mom = optim.steps_to_reach(runs["mom"], bowl, tol=1e-2)
    sgd = optim.steps_to_reach(runs["sgd"], bowl, tol=1e-2)
    assert mom is not None and mom < 200
    assert sgd is None or sgd > 2 * mom


def test_divergence_is_detected_and_truncated():
    bowl = optim.ill_conditioned_bowl(b=100.0)
    traj = optim.run_optimizers({"sgd": keras.optimizers.SGD(learning_rate=0.5)}, bowl, steps=200)["sgd"]  # lr > 2/b
    assert traj.diverged
    assert len(traj) < 201
    assert np.all(np.isfinite(traj.points)) and np.abs(traj.points).max() <= optim.DIVERGENCE_LIMIT
    assert optim.steps_to_reach(traj, bowl) is None


def test_custom_start():
    bowl = optim.ill_conditioned_bowl()
    traj = optim.run_optimizers({"sgd": keras.optimizers.SGD(learning_rate=0.001)}, bowl, steps=1, start=(1.0, -1.0))[
        "sgd"
    ]
    np.testing.assert_allclose(traj.points[0], [1.0, -1.0])


@pytest.mark.parametrize(
    "optimizers, steps, word",
    [
        ({}, 10, "optimizers"),
        ([1, 2], 10, "optimizers"),
        ({"x": "adam"}, 10, "옵티마이저"),
        ({"x": lambda: 3}, 10, "옵티마이저"),
        ({"x": keras.optimizers.SGD}, 0, "steps"),
        ({"x": keras.optimizers.SGD}, 2.5, "steps"),
        ({"x": keras.optimizers.SGD}, True, "steps"),
    ],
)
def test_run_bad_arguments(optimizers, steps, word):
    with pytest.raises(ValueError, match=word):
        optim.run_optimizers(optimizers, optim.rosenbrock(), steps=steps)


def test_run_rejects_bad_surface_start_and_reused_optimizer():
    with pytest.raises(ValueError, match="surface"):
        optim.run_optimizers({"x": keras.optimizers.SGD()}, lambda x, y: x, steps=3)
    with pytest.raises(ValueError, match="start"):
        optim.run_optimizers({"x": keras.optimizers.SGD()}, optim.rosenbrock(), steps=3, start=(0, np.nan))
    opt = keras.optimizers.SGD(learning_rate=0.01)
    optim.run_optimizers({"x": opt}, optim.rosenbrock(), steps=2)
    with pytest.raises(ValueError, match="새로 만들어"):
        optim.run_optimizers({"x": opt}, optim.rosenbrock(), steps=2)


# ---------------------------------------------------------------------------
# steps_to_reach
# ---------------------------------------------------------------------------
def _traj(points, diverged=False):
    pts = np.asarray(points, dtype=float)
    return optim.Trajectory(points=pts, losses=np.zeros(len(pts)), diverged=diverged)


def test_steps_to_reach_stay_vs_first_hit():
    bowl = optim.ill_conditioned_bowl()
    t = _traj([[1, 0], [0.001, 0], [0.5, 0], [0.002, 0], [0.001, 0]])
    assert optim.steps_to_reach(t, bowl, tol=0.01, stay=False) == 1
    assert optim.steps_to_reach(t, bowl, tol=0.01) == 3
    assert optim.steps_to_reach(_traj([[0, 0], [0, 0]]), bowl) == 0
    assert optim.steps_to_reach(_traj([[1, 0], [0, 0], [1, 0]]), bowl) is None
    assert optim.steps_to_reach(_traj([[1, 0], [0, 0]], diverged=True), bowl) is None


def test_steps_to_reach_bad_arguments():
    bowl = optim.ill_conditioned_bowl()
    with pytest.raises(ValueError, match="tol"):
        optim.steps_to_reach(_traj([[0, 0]]), bowl, tol=0)
    with pytest.raises(ValueError, match="trajectory"):
        optim.steps_to_reach(np.zeros((3, 2)), bowl)
    with pytest.raises(ValueError, match="surface"):
        optim.steps_to_reach(_traj([[0, 0]]), "bowl")


# ---------------------------------------------------------------------------
# 그림
# ---------------------------------------------------------------------------
def test_plot_trajectories_draws_lines_and_legend():
    bowl = optim.ill_conditioned_bowl(b=10.0)
    runs = optim.run_optimizers(
        {"SGD": keras.optimizers.SGD(learning_rate=0.05), "발산": keras.optimizers.SGD(learning_rate=1.0)},
        bowl,
        steps=40,
    )
    ax = optim.plot_trajectories(bowl, runs, title="궤적")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "SGD" in labels and "발산 (발산)" in labels and "최솟값" in labels
    assert ax.get_title() == "궤적"
    plt.close(ax.figure)
    fig, axes = plt.subplots(1, 2)
    assert optim.plot_trajectories(optim.rosenbrock(), [runs["SGD"]], ax=axes[1], markers=False) is axes[1]
    plt.close(fig)


def test_plot_bad_arguments():
    bowl = optim.ill_conditioned_bowl()
    with pytest.raises(ValueError, match="궤적"):
        optim.plot_trajectories(bowl, {})
    with pytest.raises(ValueError, match="Trajectory"):
        optim.plot_trajectories(bowl, {"x": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="surface"):
        optim.plot_surface("bowl")
    with pytest.raises(ValueError, match="resolution"):
        optim.plot_surface(bowl, resolution=3)
    plt.close("all")


# ---------------------------------------------------------------------------
# NumPy 판: 곡면의 기울기(grad)와 run_numpy
# ---------------------------------------------------------------------------
class _Sgd:
    """step(params, grads) 를 가진 가장 작은 NumPy 옵티마이저 (momentum 선택)."""

    def __init__(self, lr, momentum=0.0):
        self.lr, self.momentum, self.v = lr, momentum, None

    def step(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(w) for w in params]
        for w, g, v in zip(params, grads, self.v):
            v *= self.momentum
            v -= self.lr * g
            w += v


@pytest.mark.parametrize(
    "surface",
    [
        optim.ill_conditioned_bowl(),
        optim.ill_conditioned_bowl(a=2.0, b=30.0, angle=30),
        optim.rosenbrock(a=0.5, b=20.0),
    ],
)
def test_surface_grad_matches_autodiff(surface):
    tf = pytest.importorskip("tensorflow")
    for x, y in [(-1.3, 0.7), (0.4, -2.0), (1.0, 1.0)]:
        xy = tf.Variable([x, y], dtype=tf.float64)
        with tf.GradientTape() as tape:
            value = surface.fn(xy[0], xy[1])
        np.testing.assert_allclose(surface.grad(x, y), tape.gradient(value, xy).numpy(), rtol=1e-12, atol=1e-12)


def test_run_numpy_matches_keras_and_detects_divergence():
    bowl = optim.ill_conditioned_bowl(b=100.0, angle=20)
    keras_runs = optim.run_optimizers(
        {
            "sgd": keras.optimizers.SGD(learning_rate=0.01),
            "mom": keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        },
        bowl,
        steps=100,
    )
    runs = optim.run_numpy({"sgd": _Sgd(0.01), "mom": _Sgd(0.01, 0.9), "big": _Sgd(0.5)}, bowl, steps=100)
    assert list(runs) == ["sgd", "mom", "big"]
    for k in ("sgd", "mom"):
        np.testing.assert_allclose(runs[k].points, keras_runs[k].points, atol=1e-5)
        np.testing.assert_allclose(runs[k].losses, bowl.fn(*runs[k].points.T))
    assert runs["big"].diverged and np.all(np.isfinite(runs["big"].points))
    assert optim.steps_to_reach(runs["big"], bowl) is None
    start = optim.run_numpy({"s": _Sgd(0.01)}, bowl, steps=3, start=(1.0, 2.0))["s"]
    np.testing.assert_array_equal(start.points[0], [1.0, 2.0])


def test_run_numpy_bad_arguments():
    bowl = optim.ill_conditioned_bowl()
    with pytest.raises(ValueError, match="step"):
        optim.run_numpy({"x": object()}, bowl)
    with pytest.raises(ValueError, match="grad"):
        optim.run_numpy({"x": _Sgd(0.1)}, optim.Surface("f", lambda x, y: x, (0, 0), (1, 1), (-1, 1), (-1, 1)))
    with pytest.raises(ValueError, match="dict"):
        optim.run_numpy({}, bowl)


@pytest.mark.parametrize(
    ("kwargs", "make"),
    [
        ({"rule": "SGD", "lr": 0.01}, lambda: keras.optimizers.SGD(learning_rate=0.01)),
        ({"rule": "SGD", "lr": 0.01, "momentum": 0.9}, lambda: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)),
        (
            {"rule": "SGD", "lr": 0.01, "momentum": 0.9, "nesterov": True},
            lambda: keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
        ),
        ({"rule": "Adagrad", "lr": 0.5}, lambda: keras.optimizers.Adagrad(learning_rate=0.5)),
        ({"rule": "RMSprop", "lr": 0.03}, lambda: keras.optimizers.RMSprop(learning_rate=0.03)),
        ({"rule": "Adam", "lr": 0.1}, lambda: keras.optimizers.Adam(learning_rate=0.1)),
    ],
)
def test_numpy_optimizer_matches_keras(kwargs, make):
    bowl = optim.ill_conditioned_bowl(b=20.0, angle=30)
    mine = optim.run_numpy({"x": optim.NumpyOptimizer(**kwargs)}, bowl, steps=60)["x"]
    theirs = optim.run_optimizers({"x": make}, bowl, steps=60)["x"]
    np.testing.assert_allclose(mine.points, theirs.points, atol=1e-4)


def test_numpy_optimizer_bad_arguments_and_shapes():
    with pytest.raises(ValueError, match="rule"):
        optim.NumpyOptimizer("Nadam", 0.1)
    with pytest.raises(ValueError, match="lr"):
        optim.NumpyOptimizer("SGD", -1.0)
    w = [np.ones((2, 3)), np.zeros(4)]
    optim.NumpyOptimizer("Adam", 0.1).step(w, [np.ones((2, 3)), np.ones(4)])
    np.testing.assert_allclose(w[0], 0.9, rtol=1e-5)  # Adam의 첫 걸음은 학습률 크기 (부호 방향)
    np.testing.assert_allclose(w[1], -0.1, rtol=1e-5)
