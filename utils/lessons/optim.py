"""2차원 손실 곡면(loss surface) 위에서 Keras 옵티마이저를 직접 돌려 보는 도우미.

노트북 08 이 씁니다. 강의의 옵티마이저 표(SGD, 모멘텀, 네스테로프, Adagrad, RMSprop, Adam)를
"표"가 아니라 **눈으로 보는 궤적(trajectory)** 으로 바꾸는 데 필요한 것만 담았습니다.

* :class:`Surface` — 2변수 손실 함수와 그 최솟값, 시작점, 그림 범위를 한데 묶은 것
* :func:`ill_conditioned_bowl` — 한 방향은 가파르고 다른 방향은 완만한 그릇 ``½(a·x² + b·y²)``
* :func:`rosenbrock` — 좁고 휘어진 골짜기를 가진 로젠브록(Rosenbrock) 함수
* :func:`run_optimizers` — Keras 옵티마이저 여러 개를 같은 곡면에서 동시에 돌려 궤적을 돌려줌
* :class:`NumpyOptimizer` — Keras 옵티마이저 6종의 업데이트 규칙을 NumPy 로 (작은 신경망 학습에도 씀)
* :func:`run_numpy` — 같은 일을 NumPy 옵티마이저(``step(params, grads)``)와 곡면의 기울기 ``grad`` 로
* :func:`steps_to_reach` — 궤적이 최솟값 근처(허용 오차 안)에 처음 들어간 걸음 수
* :func:`plot_trajectories` — 등고선(contour) 위에 궤적들을 그림

``model.fit`` 없이 ``tf.function`` 으로 감싼 한 걸음(step)을 파이썬 반복문으로 부릅니다.
옵티마이저 여러 개는 **한 번의 trace** 로 함께 한 걸음씩 나아가므로, 수백 걸음도 1초 안팎입니다.

예::

    import keras
    from utils.lessons import optim

    bowl = optim.ill_conditioned_bowl()
    runs = optim.run_optimizers(
        {"SGD": keras.optimizers.SGD(learning_rate=0.1),
         "모멘텀": keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)},
        bowl, steps=200)
    optim.steps_to_reach(runs["모멘텀"], bowl, tol=1e-3)
    optim.plot_trajectories(bowl, runs)

TensorFlow 백엔드(이 코스의 기본)를 가정합니다. TensorFlow 와 Keras 는 함수 안에서 import 하므로
``import utils.lessons.optim`` 자체는 가볍습니다.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .. import checks

#: 이 값보다 멀리 튀어 나가면 발산(diverged)한 것으로 봅니다.
DIVERGENCE_LIMIT = 1e6


@dataclass(frozen=True)
class Surface:
    """2차원 손실 곡면.

    name: 그림 제목 등에 쓰는 이름. fn: ``fn(x, y)`` — NumPy 배열과 TensorFlow 텐서 모두에서 동작하는
    (``+ - * **`` 만 쓰는) 함수. minimum: 최솟값의 위치 ``(x*, y*)``. start: 기본 시작점.
    xlim, ylim: 그림 범위. log_levels: 등고선을 로그 간격으로 그릴지 (값의 범위가 넓은 곡면에 유용).
    """

    name: str
    fn: Callable
    minimum: tuple[float, float]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    log_levels: bool = True
    #: ``grad(x, y)`` → ``(∂f/∂x, ∂f/∂y)`` (NumPy 배열에서 동작). NumPy 옵티마이저로 걸을 때(:func:`run_numpy`) 씁니다.
    grad: Callable | None = None

    def __call__(self, x, y):
        return self.fn(x, y)

    @property
    def min_value(self) -> float:
        """최솟값에서의 손실 값."""
        return float(self.fn(np.float64(self.minimum[0]), np.float64(self.minimum[1])))


@dataclass
class Trajectory:
    """옵티마이저 하나의 궤적.

    points: (걸음 수 + 1, 2) 배열 — 0번 행이 시작점. losses: 각 점에서의 손실 값.
    diverged: 값이 무한대/NaN 이 되었거나 :data:`DIVERGENCE_LIMIT` 밖으로 나갔으면 True
    (그 뒤의 점은 잘라 냄). label: 그림 범례에 쓰는 이름.
    """

    points: np.ndarray
    losses: np.ndarray
    diverged: bool = False
    label: str = ""
    config: dict = field(default_factory=dict)

    @property
    def final(self) -> np.ndarray:
        """마지막 점 (x, y)."""
        return self.points[-1]

    def __len__(self) -> int:
        return len(self.points)


# ---------------------------------------------------------------------------
# 곡면
# ---------------------------------------------------------------------------
def ill_conditioned_bowl(a: float = 1.0, b: float = 100.0, start=(-4.5, 1.5), angle: float = 0.0) -> Surface:
    """나쁜 조건(ill-conditioned)의 그릇 ``f(x, y) = ½(a·u² + b·v²)``, ``(u, v)`` 는 (x, y) 를 ``angle`` 도 돌린 좌표.

    조건수(condition number) ``b/a`` 가 클수록 y 방향은 가파르고 x 방향은 완만합니다. 학습률을 가파른
    방향에 맞추면(``lr < 2/b``) 완만한 방향으로는 아주 느리게 움직이는 것이 경사 하강법의 약점이고,
    모멘텀이 이것을 덜어 줍니다. 최솟값은 (0, 0), 값 0.

    angle=0 이면 가파른 방향이 좌표축(y)과 나란합니다. 좌표마다 보폭을 따로 정하는 옵티마이저
    (Adagrad, RMSprop, Adam)는 축과 나란한 곡면에서 특히 유리하므로, ``angle=45`` 처럼 돌려 보면 공정한
    비교가 됩니다.
    """
    a = float(checks.positive(a, "a"))
    b = float(checks.positive(b, "b"))
    try:
        theta = math.radians(float(angle))
    except (TypeError, ValueError):
        raise ValueError(f"angle 은 각도(도 단위 숫자)여야 합니다 (받은 값: {angle!r})") from None
    if not math.isfinite(theta):
        raise ValueError(f"angle 은 유한한 수여야 합니다 (받은 값: {angle!r})")
    c, s = math.cos(theta), math.sin(theta)

    def fn(x, y):
        u = c * x + s * y
        v = -s * x + c * y
        return 0.5 * (a * u**2 + b * v**2)

    def grad(x, y):
        u = c * x + s * y
        v = -s * x + c * y
        return a * u * c - b * v * s, a * u * s + b * v * c

    sx, sy = checks.point2(start, "start")
    half_w = max(abs(sx), 1.0) * 1.15
    half_h = max(abs(sy), half_w / 3) * 1.3
    name = f"나쁜 조건의 그릇 (조건수 {b / a:g})" + (f", {float(angle):g}° 회전" if angle else "")
    return Surface(name, fn, (0.0, 0.0), (sx, sy), (-half_w, half_w), (-half_h, half_h), log_levels=True, grad=grad)


def rosenbrock(a: float = 1.0, b: float = 100.0, start=(-1.5, 2.0)) -> Surface:
    """로젠브록(Rosenbrock, 1960) 함수 ``f(x, y) = (a − x)² + b·(y − x²)²``.

    바닥이 평평하고 휘어진 바나나 모양 골짜기가 있어, 골짜기로 내려가기는 쉽지만 골짜기를 따라
    최솟값 (a, a²) 까지 가기는 어렵습니다. 최적화 알고리즘을 시험하는 고전적인 곡면입니다.
    """
    a = float(a)
    if not math.isfinite(a):
        raise ValueError(f"a 는 유한한 수여야 합니다 (받은 값: {a!r})")
    b = float(checks.positive(b, "b"))

    def fn(x, y):
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(x, y):
        return -2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)

    sx, sy = checks.point2(start, "start")
    return Surface(
        "로젠브록 함수",
        fn,
        (a, a * a),
        (sx, sy),
        (min(-2.0, sx - 0.3), max(2.0, a + 0.5)),
        (min(-1.0, sy - 0.5), max(3.0, a * a + 0.5, sy + 0.5)),
        log_levels=True,
        grad=grad,
    )


# ---------------------------------------------------------------------------
# 옵티마이저 실행
# ---------------------------------------------------------------------------
def _as_optimizer(label: str, opt):
    import keras

    if isinstance(opt, keras.optimizers.Optimizer):
        instance = opt
    elif callable(opt):
        instance = opt()
        if not isinstance(instance, keras.optimizers.Optimizer):
            raise ValueError(f"{label!r}: 함수가 Keras 옵티마이저가 아닌 {type(instance).__name__} 를 돌려줬습니다")
    else:
        raise ValueError(
            f"{label!r}: Keras 옵티마이저(예: keras.optimizers.Adam(learning_rate=0.01))나 "
            f"그것을 만드는 함수를 주세요 (받은 것: {type(opt).__name__})"
        )
    if getattr(instance, "built", False):
        raise ValueError(
            f"{label!r}: 이미 다른 변수에 쓰인(built) 옵티마이저입니다. 옵티마이저는 상태(모멘텀 등)를 "
            "가지므로 실행마다 새로 만들어 주세요 (또는 옵티마이저를 만드는 함수를 넘기세요)"
        )
    return instance


def run_optimizers(
    optimizers: Mapping[str, object], surface: Surface, steps: int = 200, start=None
) -> dict[str, Trajectory]:
    """Keras 옵티마이저들을 ``surface`` 위에서 ``steps`` 걸음씩 돌려 궤적을 돌려줍니다.

    optimizers: ``{"이름": 옵티마이저 또는 옵티마이저를 만드는 함수}``. 옵티마이저마다 자기 변수 (x, y)
    를 갖고, 모두 같은 시작점에서 출발합니다. 한 걸음은 Keras 가 학습 때 하는 일과 같습니다:
    ``GradientTape`` 로 기울기를 구하고 ``optimizer.apply_gradients`` 로 변수를 고칩니다.
    start: 시작점 (기본값: ``surface.start``).

    돌려주는 값: ``{"이름": Trajectory}`` (넘긴 순서 그대로). 발산한 궤적은 발산 직전에서 잘립니다.
    """
    if not isinstance(surface, Surface):
        raise ValueError(f"surface 는 utils.lessons.optim.Surface 여야 합니다 (받은 것: {type(surface).__name__})")
    if not isinstance(optimizers, Mapping) or not optimizers:
        raise ValueError("optimizers 는 {'이름': keras 옵티마이저} 꼴의 비어 있지 않은 dict 여야 합니다")
    steps = checks.count(steps, "steps", minimum=1)
    x0, y0 = checks.point2(surface.start if start is None else start, "start")

    import keras
    import tensorflow as tf

    labels = [str(k) for k in optimizers]
    opts = [_as_optimizer(label, opt) for label, opt in zip(labels, optimizers.values())]
    variables = [keras.Variable(np.array([x0, y0], dtype="float32"), name=f"xy{i}") for i in range(len(opts))]
    for opt, var in zip(opts, variables):
        opt.build([var])  # 상태 변수(모멘텀 등)를 그래프 밖에서 미리 만들어 trace 를 가볍게

    # autograph=False: 반복문이 파이썬 쪽에 있으므로 자동 변환이 필요 없고, trace 가 더 빠릅니다.
    @functools.partial(tf.function, autograph=False)
    def step():
        for opt, var in zip(opts, variables):
            with tf.GradientTape() as tape:
                value = surface.fn(var[0], var[1])
            grad = tape.gradient(value, var)
            # 발산해서 NaN/무한대가 된 변수는 더 움직이지 않게(0 기울기) 둡니다.
            grad = tf.where(tf.math.is_finite(grad), grad, tf.zeros_like(grad))
            opt.apply_gradients([(grad, var)])
        return tf.stack([tf.convert_to_tensor(v) for v in variables])

    points = np.empty((steps + 1, len(opts), 2), dtype=np.float64)
    points[0] = [x0, y0]
    for i in range(steps):
        points[i + 1] = step().numpy()

    result: dict[str, Trajectory] = {}
    for j, (label, opt) in enumerate(zip(labels, opts)):
        pts = points[:, j, :]
        bad = ~np.all(np.isfinite(pts), axis=1) | (np.abs(pts).max(axis=1) > DIVERGENCE_LIMIT)
        diverged = bool(bad.any())
        if diverged:
            pts = pts[: int(np.argmax(bad))]
        with np.errstate(over="ignore", invalid="ignore"):
            losses = np.asarray(surface.fn(pts[:, 0], pts[:, 1]), dtype=np.float64)
        config = {"optimizer": type(opt).__name__, "learning_rate": float(np.asarray(opt.learning_rate))}
        result[label] = Trajectory(points=pts, losses=losses, diverged=diverged, label=label, config=config)
    return result


class NumpyOptimizer:
    """Keras 옵티마이저의 업데이트 규칙을 NumPy(float64)로 옮긴 것. ``step(params, grads)`` 는 배열 목록 ``params`` 를
    제자리에서 고칩니다 (배열 모양은 자유: 곡면의 점 하나, 신경망의 가중치 여러 개, 가지를 쌓은 가중치 등).

    rule: ``"SGD"`` (momentum, nesterov), ``"Adagrad"``, ``"RMSprop"``, ``"Adam"``. 계수의 기본값은 Keras 3 과 같습니다
    (rho 0.9, beta_1 0.9, beta_2 0.999, epsilon 1e-7, Adagrad 누적값의 시작 0.1). 식도 Keras 3 의 ``update_step`` 과
    같습니다 (노트북 08 의 3.2 절이 Keras 와 같은 궤적인지 확인합니다).

    * SGD: ``w ← w − η·g``; 모멘텀: ``v ← μ·v − η·g, w ← w + v``; 네스테로프: ``w ← w + μ·v − η·g``
    * Adagrad: ``s ← s + g², w ← w − η·g/√(s + ε)``
    * RMSprop: ``s ← ρ·s + (1−ρ)·g², w ← w − η·g/√(s + ε)``
    * Adam: ``m ← m + (1−β₁)(g − m), s ← s + (1−β₂)(g² − s), w ← w − η·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√s + ε)``
    """

    RULES = ("SGD", "Adagrad", "RMSprop", "Adam")

    def __init__(
        self,
        rule: str,
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        rho: float = 0.9,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        eps: float = 1e-7,
        acc0: float = 0.1,
    ):
        if rule not in self.RULES:
            raise ValueError(f"rule 은 {', '.join(self.RULES)} 중 하나여야 합니다 (받은 값: {rule!r})")
        self.rule, self.lr = rule, float(checks.positive(lr, "lr"))
        self.momentum, self.nesterov, self.rho = float(momentum), bool(nesterov), float(rho)
        self.beta_1, self.beta_2, self.eps, self.acc0 = float(beta_1), float(beta_2), float(eps), float(acc0)
        self.t, self.state = 0, None

    def step(self, params, grads) -> None:
        if self.state is None:
            a0 = self.acc0 if self.rule == "Adagrad" else 0.0
            self.state = [(np.full_like(w, a0), np.zeros_like(w)) for w in params]
        self.t += 1
        lr, mu, t = self.lr, self.momentum, self.t
        adam_lr = float(lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t))
        for w, g, (a, s) in zip(params, grads, self.state):
            if self.rule == "SGD" and mu == 0:
                w -= lr * g
            elif self.rule == "SGD":
                a *= mu
                a -= lr * g
                w += (mu * a - lr * g) if self.nesterov else a
            elif self.rule == "Adagrad":
                a += g**2
                w -= lr * g / np.sqrt(a + self.eps)
            elif self.rule == "RMSprop":
                a *= self.rho
                a += (1 - self.rho) * g**2
                w -= lr * g / np.sqrt(a + self.eps)
            else:  # Adam (편향 보정은 학습률에 합침; 파이썬 float 이라 float32 가중치는 float32 로 계산됨)
                a += (1 - self.beta_1) * (g - a)
                s += (1 - self.beta_2) * (g**2 - s)
                w -= adam_lr * a / (np.sqrt(s) + self.eps)


def run_numpy(steppers: Mapping[str, object], surface: Surface, steps: int = 200, start=None) -> dict[str, Trajectory]:
    """NumPy 옵티마이저들을 ``surface`` 위에서 ``steps`` 걸음씩 돌려 궤적을 돌려줍니다 (:func:`run_optimizers` 의 NumPy 판).

    steppers: ``{"이름": 옵티마이저}``. 옵티마이저는 ``step(params, grads)`` 로 배열 목록 ``params`` 를 제자리에서
    고치는 객체입니다 (:class:`NumpyOptimizer`). 기울기는 ``surface.grad`` 로 구하고, 계산은 float64 입니다.
    발산 처리는 :func:`run_optimizers` 와 같습니다 (NaN/무한대 기울기는 0 으로, 발산한 궤적은 발산 직전에서 자름).
    """
    if not isinstance(surface, Surface) or surface.grad is None:
        raise ValueError("surface 는 기울기(grad)를 가진 utils.lessons.optim.Surface 여야 합니다")
    if not isinstance(steppers, Mapping) or not steppers:
        raise ValueError("steppers 는 {'이름': NumPy 옵티마이저} 꼴의 비어 있지 않은 dict 여야 합니다")
    for label, opt in steppers.items():
        if not callable(getattr(opt, "step", None)):
            raise ValueError(
                f"{label!r}: step(params, grads) 메서드가 있는 옵티마이저를 주세요 (받은 것: {type(opt).__name__})"
            )
    steps = checks.count(steps, "steps", minimum=1)
    x0, y0 = checks.point2(surface.start if start is None else start, "start")

    result: dict[str, Trajectory] = {}
    for label, opt in steppers.items():
        p = np.array([x0, y0], dtype=np.float64)
        pts = np.empty((steps + 1, 2))
        pts[0] = p
        with np.errstate(all="ignore"):
            for i in range(steps):
                g = np.array(surface.grad(p[0], p[1]), dtype=np.float64)
                opt.step([p], [np.where(np.isfinite(g), g, 0.0)])
                pts[i + 1] = p
            bad = ~np.all(np.isfinite(pts), axis=1) | (np.abs(pts).max(axis=1) > DIVERGENCE_LIMIT)
            diverged = bool(bad.any())
            if diverged:
                pts = pts[: int(np.argmax(bad))]
            losses = np.asarray(surface.fn(pts[:, 0], pts[:, 1]), dtype=np.float64)
        result[str(label)] = Trajectory(points=pts, losses=losses, diverged=diverged, label=str(label))
    return result


def steps_to_reach(trajectory: Trajectory, surface: Surface, tol: float = 1e-2, stay: bool = True) -> int | None:
    """궤적이 최솟값에서 거리 ``tol`` 안에 들어간 걸음 번호 (못 들어가면 None).

    stay=True (기본): 그 뒤로 **끝까지 tol 안에 머문** 첫 걸음 — 최솟값 근처를 지나쳤다가 다시 튀어
    나가는 궤적(진동)은 "도착"으로 치지 않습니다. stay=False: 처음으로 tol 안에 들어간 걸음.
    걸음 번호 0 은 시작점, 거리는 유클리드 거리 ``‖(x, y) − (x*, y*)‖``. 발산한 궤적은 None.
    """
    if not isinstance(trajectory, Trajectory):
        raise ValueError(
            f"trajectory 는 utils.lessons.optim.Trajectory 여야 합니다 (받은 것: {type(trajectory).__name__})"
        )
    if not isinstance(surface, Surface):
        raise ValueError(f"surface 는 utils.lessons.optim.Surface 여야 합니다 (받은 것: {type(surface).__name__})")
    tol = float(checks.positive(tol, "tol"))
    if trajectory.diverged or len(trajectory.points) == 0:
        return None
    inside = np.linalg.norm(trajectory.points - np.asarray(surface.minimum), axis=1) < tol
    if not stay:
        hits = np.flatnonzero(inside)
        return int(hits[0]) if hits.size else None
    if not inside[-1]:
        return None
    outside = np.flatnonzero(~inside)
    return int(outside[-1]) + 1 if outside.size else 0


# ---------------------------------------------------------------------------
# 그림
# ---------------------------------------------------------------------------
def plot_surface(surface: Surface, ax=None, resolution: int = 300, levels: int = 25):
    """곡면의 등고선(contour)과 최솟값(★)을 그리고 Axes 를 돌려줍니다."""
    import matplotlib.pyplot as plt

    if not isinstance(surface, Surface):
        raise ValueError(f"surface 는 utils.lessons.optim.Surface 여야 합니다 (받은 것: {type(surface).__name__})")
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 10:
        raise ValueError(f"resolution 은 10 이상의 정수여야 합니다 (받은 값: {resolution!r})")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.5))
    gx, gy = np.meshgrid(np.linspace(*surface.xlim, resolution), np.linspace(*surface.ylim, resolution))
    z = np.asarray(surface.fn(gx, gy), dtype=float)
    if surface.log_levels:
        rel = z - surface.min_value  # 최솟값 위로 얼마나 높은지 (≥ 0)
        top = max(float(rel.max()), 1e-12)
        floor = max(float(np.percentile(rel, 0.5)), top * 1e-6)
        lv = surface.min_value + np.geomspace(floor, top, levels)
    else:
        lv = np.linspace(float(z.min()), float(z.max()), levels)
    ax.contour(gx, gy, z, levels=lv, cmap="viridis", linewidths=0.7, alpha=0.8)
    ax.plot(*surface.minimum, marker="*", color="k", ms=14, ls="none", zorder=5, label="최솟값")
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax


def plot_trajectories(
    surface: Surface,
    trajectories,
    ax=None,
    title: str | None = None,
    markers: bool = True,
    legend: bool = True,
    colors=None,
):
    """곡면의 등고선 위에 궤적들을 그립니다.

    trajectories: ``{"이름": Trajectory}`` (:func:`run_optimizers` 의 결과) 또는 Trajectory 목록.
    markers: 걸음마다 작은 점을 찍을지 (걸음이 많으면 False 가 깔끔). 발산한 궤적은 범례에 "(발산)" 표시.
    그린 Axes 를 돌려줍니다.
    """
    from ..plots import PALETTE

    if isinstance(trajectories, Trajectory):
        trajectories = [trajectories]
    items = list(trajectories.items()) if isinstance(trajectories, Mapping) else [(t.label, t) for t in trajectories]
    if not items:
        raise ValueError("그릴 궤적이 없습니다")
    for label, t in items:
        if not isinstance(t, Trajectory):
            raise ValueError(f"{label!r}: utils.lessons.optim.Trajectory 가 아닙니다 (받은 것: {type(t).__name__})")
    ax = plot_surface(surface, ax=ax)
    colors = list(colors) if colors is not None else list(PALETTE)
    for i, (label, t) in enumerate(items):
        color = colors[i % len(colors)]
        pts = t.points
        name = f"{label} (발산)" if t.diverged else str(label)
        ax.plot(
            pts[:, 0],
            pts[:, 1],
            "-",
            color=color,
            lw=1.6,
            label=name,
            zorder=3,
            marker="o" if markers else None,
            ms=2.5,
        )
        ax.plot(pts[0, 0], pts[0, 1], "o", color="k", ms=6, zorder=4)
        if len(pts):
            ax.plot(pts[-1, 0], pts[-1, 1], "X", color=color, ms=9, mec="k", zorder=6)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8)
    return ax


__all__ = [
    "DIVERGENCE_LIMIT",
    "NumpyOptimizer",
    "Surface",
    "Trajectory",
    "ill_conditioned_bowl",
    "plot_surface",
    "plot_trajectories",
    "rosenbrock",
    "run_numpy",
    "run_optimizers",
    "steps_to_reach",
]
