"""인공 뉴런의 역사를 실험하는 작은 도구: 맥컬록-피츠 뉴런, 로젠블랫 퍼셉트론, NumPy 2층 MLP.

노트북 02(퍼셉트론과 XOR)와 03(다층 퍼셉트론과 역전파)이 씁니다. 모두 NumPy 만 씁니다.

* :func:`binary_inputs`     — n 개의 0/1 입력이 만드는 모든 조합 (진리표의 왼쪽 칸)
* :func:`threshold_neuron`  — 맥컬록-피츠식 문턱 뉴런: 가중합이 문턱 이상이면 1
* :class:`Perceptron`       — 로젠블랫의 학습 규칙 ``w ← w + η (t − ŷ) x``
* :class:`MLP`              — 입력 → 은닉층 → 출력(시그모이드) 2층 신경망, 순전파·역전파·수치 미분
* :func:`fit_many`          — 같은 MLP 를 여러 시드로 한꺼번에 학습 (MLP 와 같은 순전파·역전파 함수를 씀) — "얼마나 자주 갇히나" 표용

잘못된 입력(모양이 틀림, 0/1 이 아닌 목표값, NaN·무한대)은 무엇이 문제인지 말하는 ``ValueError`` 로 답합니다.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from .. import checks

__all__ = [
    "GATES",
    "MLP",
    "Perceptron",
    "PerceptronHistory",
    "binary_inputs",
    "check_X",
    "check_Xy",
    "fit_many",
    "sigmoid",
    "step",
    "threshold_neuron",
]


# ---------------------------------------------------------------------------
# 입력 검사
# ---------------------------------------------------------------------------
def check_X(X, n_features: int | None = None, name: str = "X") -> np.ndarray:
    """X 를 (n, d) float64 배열로 바꾸고 모양·유한성을 검사합니다."""
    return checks.matrix(X, name, n_features)


def check_Xy(X, y, n_features: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """X 는 (n, d), y 는 0/1 로 된 (n,) 또는 (n, 1) 인지 검사하고 (X float64, y float64 (n,)) 를 돌려줍니다."""
    X = checks.matrix(X, "X", n_features)
    y = checks.binary_labels(y, "y")
    checks.same_length(X, y)
    return X, y.astype(np.float64)


# ---------------------------------------------------------------------------
# 맥컬록-피츠 뉴런과 진리표
# ---------------------------------------------------------------------------
def binary_inputs(n: int = 2) -> np.ndarray:
    """n 개의 0/1 입력이 만드는 2ⁿ 개 조합을 진리표 순서로 돌려줍니다. 예: n=2 → [[0,0],[0,1],[1,0],[1,1]]."""
    n = checks.count(n, "n")
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int64)


def step(z) -> np.ndarray:
    """계단 함수(step function, 헤비사이드): z ≥ 0 이면 1, 아니면 0 (정수 배열)."""
    return (np.asarray(z) >= 0).astype(np.int64)


def threshold_neuron(X, weights, threshold) -> np.ndarray:
    """맥컬록-피츠식 문턱 뉴런: 가중합 ``X @ weights`` 가 ``threshold`` 이상이면 1 (발화), 아니면 0.

    X: (n, d) 입력, weights: (d,) 가중치(손으로 정함), threshold: 문턱값(숫자).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError(f"weights 는 1차원 (d,) 배열이어야 합니다 (받은 모양: {w.shape})")
    if not np.all(np.isfinite(w)) or not np.isfinite(threshold):
        raise ValueError("weights 와 threshold 에 NaN 이나 무한대가 있으면 안 됩니다")
    X = check_X(X, len(w))
    return step(X @ w - threshold)


#: 논리 게이트의 진리표 목표값 (입력 순서는 ``binary_inputs(2)``: 00, 01, 10, 11)
GATES: dict[str, np.ndarray] = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "XOR": np.array([0, 1, 1, 0]),
}


# ---------------------------------------------------------------------------
# 로젠블랫 퍼셉트론
# ---------------------------------------------------------------------------
@dataclass
class PerceptronHistory:
    """:meth:`Perceptron.fit` 의 기록. 목록의 0번은 학습 전, k번은 k 에폭 뒤입니다."""

    weights: list = field(default_factory=list)  # 에폭 끝의 w (복사본)
    biases: list = field(default_factory=list)  # 에폭 끝의 b
    accuracy: list = field(default_factory=list)  # 에폭 끝의 정확도 (전체 데이터)
    errors: list = field(default_factory=list)  # 그 에폭 동안 틀려서 가중치를 고친 횟수 (0번은 None)
    converged_epoch: int | None = None  # 한 에폭 동안 한 번도 틀리지 않은 첫 에폭 (없으면 None)
    steps: list = field(default_factory=list)  # 샘플 하나를 볼 때마다의 (w1, …, wd, b) — 0번은 학습 전

    @property
    def epochs(self) -> int:
        return len(self.weights) - 1


class Perceptron:
    """로젠블랫(1958)의 퍼셉트론: ``ŷ = step(w·x + b)``, 틀린 샘플마다 ``w ← w + η (t − ŷ) x``.

    learning_rate: η (기본 1 — 입력이 0/1 정수면 모든 계산이 정수라 어느 기계에서나 똑같습니다).
    init: "zeros" (기본) 또는 정수 시드(작은 정규분포 난수로 시작).
    """

    def __init__(self, n_inputs: int = 2, learning_rate: float = 1.0, init="zeros"):
        self.n_inputs = checks.count(n_inputs, "n_inputs")
        self.learning_rate = checks.positive(learning_rate, "learning_rate")
        if isinstance(init, str) and init == "zeros":
            self.w = np.zeros(self.n_inputs)
            self.b = 0.0
        elif isinstance(init, (int, np.integer)) and not isinstance(init, bool):
            rng = np.random.default_rng(int(init))
            self.w = rng.normal(0.0, 0.1, self.n_inputs)
            self.b = float(rng.normal(0.0, 0.1))
        else:
            raise ValueError(f"init 은 'zeros' 또는 정수 시드여야 합니다 (받은 값: {init!r})")

    def net_input(self, X) -> np.ndarray:
        """가중합 z = X·w + b."""
        X = check_X(X, self.n_inputs)
        return X @ self.w + self.b

    def predict(self, X) -> np.ndarray:
        """0/1 예측 (계단 함수)."""
        return step(self.net_input(X))

    def score(self, X, y) -> float:
        """정확도 (맞힌 비율)."""
        X, y = check_Xy(X, y, self.n_inputs)
        return float(np.mean(self.predict(X) == y))

    def train_epoch(self, X, y, trace: list | None = None) -> int:
        """샘플을 순서대로 한 번씩 보며 틀릴 때마다 가중치를 고칩니다. 고친 횟수를 돌려줍니다.

        trace 에 목록을 주면 샘플마다의 (w1, …, wd, b) 를 덧붙입니다.
        """
        X, y = check_Xy(X, y, self.n_inputs)
        updates = 0
        for x_i, t_i in zip(X, y):
            y_hat = 1.0 if x_i @ self.w + self.b >= 0 else 0.0
            error = t_i - y_hat  # +1, 0, −1
            if error != 0:
                self.w = self.w + self.learning_rate * error * x_i  # 로젠블랫의 규칙
                self.b = self.b + self.learning_rate * error
                updates += 1
            if trace is not None:
                trace.append((*self.w.tolist(), float(self.b)))
        return updates

    def fit(self, X, y, max_epochs: int = 100, stop_when_converged: bool = True) -> PerceptronHistory:
        """최대 ``max_epochs`` 에폭 학습하고 에폭마다의 가중치·정확도를 기록해 돌려줍니다."""
        X, y = check_Xy(X, y, self.n_inputs)
        max_epochs = checks.count(max_epochs, "max_epochs")
        hist = PerceptronHistory()

        def snapshot(errors):
            hist.weights.append(self.w.copy())
            hist.biases.append(float(self.b))
            hist.accuracy.append(float(np.mean(self.predict(X) == y)))
            hist.errors.append(errors)

        snapshot(None)
        hist.steps.append((*self.w.tolist(), float(self.b)))
        for epoch in range(1, max_epochs + 1):
            updates = self.train_epoch(X, y, trace=hist.steps)
            snapshot(updates)
            if updates == 0 and hist.converged_epoch is None:
                hist.converged_epoch = epoch
                if stop_when_converged:
                    break
        return hist


# ---------------------------------------------------------------------------
# 2층 MLP (NumPy)
# ---------------------------------------------------------------------------
def sigmoid(z):
    """시그모이드 σ(z) = 1 / (1 + e^(−z)) — 큰 |z| 에서도 넘침(overflow) 경고 없이 계산."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


_ACTIVATIONS = {
    # 이름: (함수, 출력 a 로 쓴 도함수 da/dz)
    "sigmoid": (sigmoid, lambda a: a * (1.0 - a)),
    "tanh": (np.tanh, lambda a: 1.0 - a * a),
}


# -- 순전파·역전파: 한 곳에만 있습니다 ----------------------------------------------
# params 의 W1 이 (d, h) 면 모델 하나, (R, d, h) 처럼 맨 앞에 축이 하나 더 있으면 모델 R 개를 한꺼번에 계산합니다
# (b1 은 (h,) 또는 (R, 1, h), W2 는 (h, 1) 또는 (R, h, 1), b2 는 (1,) 또는 (R, 1, 1)). MLP 와 fit_many 가 함께 씁니다.
def _T(a):
    return np.swapaxes(a, -1, -2)


def _forward(params: dict, X, activation: str) -> dict:
    act, _ = _ACTIVATIONS[activation]
    z1 = X @ params["W1"] + params["b1"]
    a1 = act(z1)
    z2 = (a1 @ params["W2"] + params["b2"])[..., 0]
    return {"X": X, "z1": z1, "a1": a1, "z2": z2, "p": sigmoid(z2)}


def _bce_from_logits(z2, y):
    # 평균 이진 교차 엔트로피 −[y log p + (1−y) log(1−p)], p = σ(z2) — 로짓으로 안정하게 계산 (모델마다 하나)
    return np.mean(np.logaddexp(0.0, z2) - y * z2, axis=-1)


def _backward(params: dict, c: dict, y, activation: str) -> dict:
    _, dact = _ACTIVATIONS[activation]
    n = y.shape[-1]
    dz2 = ((c["p"] - y) / n)[..., None]  # dL/dz2: 시그모이드 + 교차 엔트로피 = (p − y)/n
    dW2 = _T(c["a1"]) @ dz2  # dL/dW2 = a1ᵀ · dz2
    da1 = dz2 @ _T(params["W2"])  # 오차를 은닉층으로 거꾸로 전달
    dz1 = da1 * dact(c["a1"])  # 활성화 함수의 도함수를 곱함 (연쇄 법칙)
    dW1 = _T(c["X"]) @ dz1
    return {
        "W1": dW1,
        "b1": dz1.sum(axis=-2, keepdims=True).reshape(params["b1"].shape),
        "W2": dW2,
        "b2": dz2.sum(axis=-2, keepdims=True).reshape(params["b2"].shape),
    }


def _gradient_descent(params: dict, X, y, activation: str, epochs: int, learning_rate: float):
    """전체 배치 경사 하강 ``epochs`` 스텝. (새 params, 스텝마다의 업데이트 전 손실 배열) 을 돌려줍니다."""
    losses = []
    for _ in range(epochs):
        cache = _forward(params, X, activation)
        losses.append(_bce_from_logits(cache["z2"], y))
        grads = _backward(params, cache, y, activation)
        params = {k: params[k] - learning_rate * grads[k] for k in params}
    return params, np.array(losses)


class MLP:
    """입력 d → 은닉 h (sigmoid 또는 tanh) → 출력 1 (sigmoid) 의 2층 신경망, 손실은 이진 교차 엔트로피.

    모든 계산은 float64 입니다. 매개변수는 ``params`` dict: W1 (d, h), b1 (h,), W2 (h, 1), b2 (1,).
    초기화: 시드 ``seed`` 의 정규분포 N(0, init_scale²) (편향은 0).
    """

    def __init__(
        self, n_inputs: int = 2, n_hidden: int = 2, activation: str = "sigmoid", seed: int = 0, init_scale: float = 1.0
    ):
        self.n_inputs = checks.count(n_inputs, "n_inputs")
        self.n_hidden = checks.count(n_hidden, "n_hidden")
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation은 {sorted(_ACTIVATIONS)} 중 하나여야 합니다 (받은 값: {activation!r})")
        self.activation = activation
        checks.count(seed, "seed", minimum=0)
        checks.positive(init_scale, "init_scale")
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": rng.normal(0.0, init_scale, (self.n_inputs, self.n_hidden)),
            "b1": np.zeros(self.n_hidden),
            "W2": rng.normal(0.0, init_scale, (self.n_hidden, 1)),
            "b2": np.zeros(1),
        }

    # -- 매개변수 -----------------------------------------------------------
    def get_params(self) -> dict:
        """매개변수의 복사본."""
        return {k: v.copy() for k, v in self.params.items()}

    def set_params(self, params: dict) -> None:
        """매개변수를 통째로 바꿉니다 (모양·유한성 검사)."""
        shapes = {"W1": (self.n_inputs, self.n_hidden), "b1": (self.n_hidden,), "W2": (self.n_hidden, 1), "b2": (1,)}
        if set(params) != set(shapes):
            raise ValueError(f"params 의 키는 {sorted(shapes)} 여야 합니다 (받은 키: {sorted(params)})")
        new = {}
        for k, shape in shapes.items():
            v = np.array(params[k], dtype=np.float64)
            if v.shape != shape:
                raise ValueError(f"{k} 의 모양은 {shape} 이어야 합니다 (받은 모양: {v.shape})")
            checks.finite_array(v, k)
            new[k] = v
        self.params = new

    # -- 순전파 ---------------------------------------------------------------
    def forward(self, X) -> dict:
        """순전파(forward pass). 역전파에 필요한 중간값을 dict 로 돌려줍니다: z1, a1(은닉), z2, p(출력 확률)."""
        return _forward(self.params, check_X(X, self.n_inputs), self.activation)

    def hidden(self, X) -> np.ndarray:
        """은닉층이 본 입력: (n, h) 활성값."""
        return self.forward(X)["a1"]

    def predict_proba(self, X) -> np.ndarray:
        """클래스 1 의 확률 (n,)."""
        return self.forward(X)["p"]

    def predict(self, X) -> np.ndarray:
        """0/1 예측 (확률 ≥ 0.5 → 1)."""
        return (self.predict_proba(X) >= 0.5).astype(np.int64)

    def score(self, X, y) -> float:
        X, y = check_Xy(X, y, self.n_inputs)
        return float(np.mean(self.predict(X) == y))

    def loss(self, X, y) -> float:
        """평균 이진 교차 엔트로피(binary cross-entropy)."""
        X, y = check_Xy(X, y, self.n_inputs)
        return float(_bce_from_logits(_forward(self.params, X, self.activation)["z2"], y))

    # -- 역전파 ---------------------------------------------------------------
    def gradients(self, X, y) -> dict:
        """역전파(backpropagation)로 구한 평균 손실의 기울기 dL/dθ (params 와 같은 키·모양)."""
        X, y = check_Xy(X, y, self.n_inputs)
        return _backward(self.params, _forward(self.params, X, self.activation), y, self.activation)

    def numerical_gradients(self, X, y, eps: float = 1e-6) -> dict:
        """중앙 차분(central difference) (L(θ+ε) − L(θ−ε)) / 2ε 으로 구한 기울기 — 역전파 검증용."""
        X, y = check_Xy(X, y, self.n_inputs)
        checks.positive(eps, "eps")
        grads = {}
        for k, v in self.params.items():
            g = np.zeros_like(v)
            for idx in np.ndindex(v.shape):
                old = v[idx]
                v[idx] = old + eps
                plus = self.loss(X, y)
                v[idx] = old - eps
                minus = self.loss(X, y)
                v[idx] = old
                g[idx] = (plus - minus) / (2 * eps)
            grads[k] = g
        return grads

    def fit(self, X, y, epochs: int = 1000, learning_rate: float = 1.0) -> list[float]:
        """전체 배치 경사 하강법(plain full-batch gradient descent): 에폭마다 θ ← θ − η·dL/dθ.

        에폭마다의 손실(그 에폭의 업데이트 전)을 목록으로 돌려줍니다.
        """
        X, y = check_Xy(X, y, self.n_inputs)
        epochs = checks.count(epochs, "epochs")
        checks.positive(learning_rate, "learning_rate")
        self.params, losses = _gradient_descent(self.params, X, y, self.activation, epochs, learning_rate)
        return [float(v) for v in losses]


def relative_error(a, b) -> float:
    """두 기울기 묶음(dict 또는 배열)의 상대 오차 ‖a − b‖ / max(‖a‖ + ‖b‖, 1e-300)."""
    if isinstance(a, dict):
        if set(a) != set(b):
            raise ValueError("두 dict 의 키가 다릅니다")
        a = np.concatenate([np.ravel(a[k]) for k in sorted(a)])
        b = np.concatenate([np.ravel(b[k]) for k in sorted(b)])
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"모양이 다릅니다: {a.shape} vs {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def fit_many(
    X,
    y,
    n_hidden: int,
    seeds,
    epochs: int = 2000,
    learning_rate: float = 1.0,
    activation: str = "sigmoid",
    init_scale: float = 1.0,
    start: list | None = None,
) -> dict:
    """``MLP(n_hidden=…, seed=s).fit(…)`` 을 시드마다 한 것과 같은 결과를 한꺼번에 계산합니다.

    시드마다의 시작 가중치를 맨 앞 축으로 쌓아, :class:`MLP` 와 **같은** 순전파·역전파 함수로 함께 학습합니다.
    ``start`` 에 시드마다의 매개변수 dict 목록(예: 앞선 ``fit_many`` 의 ``params``)을 주면, 시드로 만든 시작 가중치
    대신 그 가중치에서 이어서 학습합니다(``MLP.set_params`` 뒤 ``fit`` 과 같음).
    돌려주는 dict: ``final_loss`` (시드별 마지막 손실), ``accuracy`` (시드별 정확도),
    ``losses`` (에폭 × 시드 손실 배열), ``seeds``, ``params`` (시드별 학습된 매개변수).
    """
    X, y = check_Xy(X, y)
    seeds = checks.seeds(seeds)
    epochs = checks.count(epochs, "epochs")
    checks.positive(learning_rate, "learning_rate")
    models = [MLP(X.shape[1], n_hidden, activation, seed=s, init_scale=init_scale) for s in seeds]
    if start is not None:
        if len(start) != len(seeds):
            raise ValueError(f"start 는 시드마다 하나씩 {len(seeds)}개여야 합니다 (받은 수: {len(start)})")
        for m, params in zip(models, start):
            m.set_params(params)
    stacked = {
        "W1": np.stack([m.params["W1"] for m in models]),  # (R, d, h)
        "b1": np.stack([m.params["b1"] for m in models])[:, None, :],  # (R, 1, h)
        "W2": np.stack([m.params["W2"] for m in models]),  # (R, h, 1)
        "b2": np.stack([m.params["b2"] for m in models])[:, None, :],
    }  # (R, 1, 1)
    stacked, losses = _gradient_descent(stacked, X, y, activation, epochs, learning_rate)
    z2 = _forward(stacked, X, activation)["z2"]  # (R, n)
    return {
        "seeds": np.array(seeds),
        "losses": losses,
        "final_loss": _bce_from_logits(z2, y),
        "accuracy": np.mean((z2 >= 0) == (y == 1), axis=-1),
        "params": [
            {"W1": stacked["W1"][i], "b1": stacked["b1"][i, 0], "W2": stacked["W2"][i], "b2": stacked["b2"][i, 0]}
            for i in range(len(seeds))
        ],
    }
