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
