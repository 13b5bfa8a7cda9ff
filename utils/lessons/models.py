"""모델 (models) — Keras 이진 분류기(노트북 07)와 컴파일한 모델의 재사용.

* :class:`KerasBinaryClassifier` — Keras 모델을 scikit-learn 처럼(fit / predict_proba) 쓰게 하는 어댑터.
  클래스 가중치, 학습 데이터에서 떼어 낸 내부 검증 분할로 조기 종료(early stopping)를 합니다. 그래서
  scikit-learn 파이프라인과 :func:`utils.lessons.evaluation.repeated_cv` 안에 그대로 넣을 수 있습니다.
* :func:`reusable_model` — 컴파일한 Keras 모델을 다시 쓰면서 가중치와 옵티마이저 상태를 새 모델과 같게 되돌림
  (같은 구조를 시드·폴드마다 다시 학습할 때 학습 함수를 매번 trace 하지 않으려고; 노트북 00, 01, 04, 07).
* :func:`build_training_state` — 첫 학습 스텝 전에 손실·지표 상태를 만들어, Keras 가 학습 함수를 두 번 trace 하지
  않게 함 (결과는 같음; 노트북 00, 01, 04, 07).
* :func:`side_by_side` — 같은 구조를 시드마다 하나씩 만들어, 서로 아무것도 나누지 않는 탑(tower)으로 나란히 놓은
  모델 하나 (시드 여러 개를 한 번의 ``fit`` 으로 학습; 노트북 00, 01). :func:`zip_batches` 가 탑마다 제 배치를 줍니다.
  ``shared_input=True`` 면 모든 탑이 입력 하나를 나눠 받습니다 (노트북 00).

TensorFlow/Keras 는 ``fit`` 을 부를 때 처음 import 합니다 (이 모듈을 import 하는 것만으로는 불러오지 않음).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .. import checks

__all__ = ["KerasBinaryClassifier", "build_training_state", "reusable_model", "side_by_side", "zip_batches"]

#: (build_fn, 인자들) → (컴파일된 모델, 옵티마이저 변수들의 처음 값). :func:`reusable_model` 이 씁니다.
_COMPILED: dict = {}


def build_training_state(model, x, y):
    """컴파일한 모델의 손실·지표 상태(``compile`` 의 ``metrics`` 가 만드는 변수)를 배치 하나 ``(x, y)`` 로 지금 만듭니다.

    TensorFlow 백엔드의 Keras 는 이 상태를 첫 학습 스텝의 학습 함수를 그래프로 바꾸는(tracing) **도중에** 만듭니다.
    ``tf.function`` 은 처음 부를 때 변수가 새로 생기면 변수를 만들지 않는 판으로 함수를 **한 번 더** trace 하므로,
    큰 모델(예: 노트북 01 의 탑 3개)은 첫 스텝에서 trace 비용을 두 번 냅니다. 학습 전에 이 함수를 부르면 trace 가
    한 번으로 줄어듭니다. 하는 일은 옵티마이저 build, 추론 모드 순전파 한 번과 ``compute_loss``·``compute_metrics`` 이고(가중치·
    배치 정규화 통계·난수 상태는 그대로), 끝에 지표를 0으로 되돌리므로 학습 결과는 부르지 않았을 때와 같습니다.
    """
    if not model.optimizer.built:  # 옵티마이저의 상태 변수(모멘트 등)도 trace 전에
        model.optimizer.build(model.trainable_variables)
    y_pred = model(x, training=False)
    model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
    model.compute_metrics(x, y, y_pred, sample_weight=None)
    model.reset_metrics()
    return model


def reusable_model(build_fn, *args, model=None, example=None):
    """``build_fn(*args)`` 로 새로 만든 것과 같은 **컴파일된** 모델을, 학습 함수를 다시 trace 하지 않고 돌려줍니다.

    Keras 는 모델을 처음 ``fit`` (또는 ``train_on_batch``) 할 때 학습 함수를 그래프로 바꾸느라(tracing) 몇 초를 씁니다.
    같은 구조를 시드·폴드마다 여러 번 학습할 때 모델을 매번 새로 만들면 그 시간을 매번 냅니다. 이 함수는

    * 부를 때마다 ``build_fn(*args)`` 로 새 모델을 만들어 **현재 시드로** 초기 가중치를 얻고,
    * 처음 부르면 그 새 모델의 옵티마이저를 미리 build 해서 처음 상태(걸음 수 0, 모멘트 0, 학습률)를 저장하고, 그
      모델을 기억해 두었다가 그대로 돌려주며,
    * 같은 ``build_fn``·``args`` 로 다시 부르면 기억해 둔 모델에 새 초기 가중치를 넣고 옵티마이저 변수를 저장해 둔
      처음 값으로 되돌려 그 모델을 돌려줍니다.

    그래서 결과는 새 모델을 학습할 때와 같고(같은 초기 가중치, 같은 옵티마이저 상태), trace 는 한 번만 일어납니다
    (단, Dropout 처럼 난수 상태를 가진 층은 그 상태를 새로 만들지 않고 이어 씁니다 — ``get_weights`` 에 들어 있지 않음).
    옵티마이저 변수를 모두 0으로 만들면 안 됩니다: 학습률도 옵티마이저의 변수라 0이 되고(학습이 멈춤), Adagrad 처럼
    처음 값이 0이 아닌 상태도 있습니다. 학습률 스케줄 객체 안의 변수처럼 옵티마이저 변수가 아닌 상태는 되돌리지
    않으니 부른 쪽에서 정합니다.

    Args:
        build_fn: ``args`` 를 받아 **컴파일된** Keras 모델을 돌려주는 함수 (매번 같은 구조). 캐시 키는
            ``(build_fn, args)`` 이므로 args 는 해시할 수 있어야 합니다.
        model: 이미 ``build_fn`` 과 같은 구조·옵티마이저로 컴파일한(학습했어도 됨) 모델이 있으면 그 모델을 기억해
            다시 씁니다 (그 모델의 학습 함수를 그대로 쓰므로 trace 가 한 번도 더 일어나지 않음).
        example: 배치 하나 ``(x, y)``. 주면 처음 기억할 때 :func:`build_training_state` 로 손실·지표 상태를 미리
            만들어, 첫 학습 스텝의 trace 가 두 번이 아니라 한 번만 일어나게 합니다.

    돌려받은 모델은 다음 호출 때 다시 초기화되므로, 학습한 가중치가 필요하면 ``get_weights()`` 로 따로 보관하세요.
    """
    fresh = build_fn(*args)
    if getattr(fresh, "optimizer", None) is None or (model is not None and getattr(model, "optimizer", None) is None):
        raise ValueError(
            "reusable_model 의 build_fn 과 model 은 컴파일된 모델이어야 합니다 (model.compile 을 부르세요)"
        )
    key = (build_fn, args)
    if key not in _COMPILED:
        fresh.optimizer.build(fresh.trainable_variables)  # 상태 변수를 미리 만들고 처음 값을 기억해 둡니다
        if example is not None and model is None:
            build_training_state(fresh, *example)
        _COMPILED[key] = (fresh, [v.numpy() for v in fresh.optimizer.variables])
        if model is None:
            return fresh
    if model is not None:
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        if example is not None:
            build_training_state(model, *example)
        _COMPILED[key] = (model, _COMPILED[key][1])
    model, initial_state = _COMPILED[key]
    model.set_weights(fresh.get_weights())
    for variable, value in zip(model.optimizer.variables, initial_state, strict=True):
        variable.assign(value)
    return model


def side_by_side(build_fn, seeds, *args, shared_input=False):
    """``build_fn(*args)`` 를 시드마다 하나씩 그 시드로 초기화해 만들고, 나란히 놓은 **컴파일 전** 모델 하나를 돌려줍니다.

    입력 k → 탑(tower) k → 출력 k 이고 탑끼리는 가중치도 배치 정규화 통계도 나누지 않습니다. 이 모델을 손실
    ``[loss] * len(seeds)`` (출력마다 같은 손실, Keras 가 더함)로 컴파일하면, 탑 k 의 가중치에 대한 기울기는 탑 k 의
    손실에서만 오고 Adam(W) 의 갱신·가중치 감쇠는 변수마다 따로 계산되므로, 각 탑은 같은 시드로 **혼자 학습한 모델과
    같은 계산**을 합니다 (같은 초기 가중치, 같은 드롭아웃 난수 — 드롭아웃 층의 난수 시드도 그 시드로 만들 때 정해짐).
    작은 연산 여러 개보다 큰 연산 하나가 CPU 를 잘 쓰므로 시드 여러 개를 차례로 학습하는 것보다 빠를 수 있습니다.

    탑 k 의 이름은 ``f"seed_{seeds[k]}"`` (출력·손실·지표 이름도 그것)이고 ``model.get_layer(name)`` 으로 꺼내면
    ``build_fn`` 의 모델과 같은 층 구조입니다. 이 함수는 전역 시드를 바꿉니다 (끝나면 마지막 시드 상태).

    ``shared_input=True`` 면 입력이 하나뿐이고 모든 탑이 같은 입력을 받습니다 (탑마다 같은 데이터·같은 배치로
    학습할 때). 탑이 하는 계산은 그대로이고, ``fit`` 이 배치마다 입력 k 개를 나눠 담지 않아도 되어 작은 모델에서는
    눈에 띄게 빠릅니다.
    """
    import keras

    from ..env import seed_everything

    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds 는 서로 다른 시드 하나 이상이어야 합니다 (받은 값: {seeds!r})")
    towers = []
    for seed in seeds:
        seed_everything(seed)
        single = build_fn(*args)
        inputs, outputs = single.inputs, single.outputs
        towers.append(keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs[0], name=f"seed_{seed}"))
    if shared_input:
        shared = keras.Input(shape=towers[0].inputs[0].shape[1:], name="input")
        return keras.Model(shared, [t(shared) for t in towers], name="side_by_side")
    inputs = [keras.Input(shape=t.inputs[0].shape[1:], name=f"input_seed_{s}") for t, s in zip(towers, seeds)]
    return keras.Model(inputs, [t(x) for t, x in zip(towers, inputs)], name="side_by_side")


def zip_batches(*streams):
    """배치 흐름(``(X, y)`` 를 끝없이 내는 generator) 여러 개를 묶어 ``((X_1, ..., X_k), (y_1, ..., y_k))`` 를 냅니다.

    :func:`side_by_side` 모델의 ``fit`` 에 넣습니다. 흐름마다 자기 난수로 섞고 증강하면 탑마다 혼자 학습할 때와 같은
    배치를 받습니다.
    """
    for batches in zip(*streams):
        yield tuple(b[0] for b in batches), tuple(b[1] for b in batches)


class KerasBinaryClassifier(ClassifierMixin, BaseEstimator):
    """Keras 이진 분류 모델을 scikit-learn 처럼(fit / predict_proba) 쓰게 하는 어댑터 (파이프라인·교차 검증 안에 넣기 위해).

    build_fn(n_features) 는 **컴파일된** Keras 모델(출력 1개, sigmoid, loss="binary_crossentropy")을 돌려줘야 합니다.
    ``fit`` 은

    1. 학습 데이터에서 층화(stratified)로 ``validation_fraction`` 만큼을 **내부 검증(inner validation)** 용으로 떼고,
    2. class_weight="balanced" 면 남은 학습 데이터의 클래스 비율로 가중치를 정해 (사망 환자 한 명의 손실을 더 크게),
    3. 에폭마다 미니배치를 섞어 학습하고, 내부 검증 손실(학습과 **같은 클래스 가중치**를 준 binary cross-entropy)이
       ``patience`` 에폭 동안 좋아지지 않으면 멈춘 뒤 가장 좋았던 에폭의 가중치로 되돌립니다.

    3 은 ``keras.callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True)`` 와 같은 일입니다. 단 하나
    다른 점: ``model.fit(class_weight=...)`` 의 val_loss 는 가중치 **없이** 계산되므로(클래스 가중치는 학습 손실에만),
    조기 종료가 학습하는 손실과 다른 손실을 보게 됩니다. 여기서는 검증 손실에도 같은 가중치를 줍니다 (Keras 의
    ``validation_data=(x, y, 표본 가중치)`` 와 같음). 비교용으로 가중치 없는 검증 손실도 기록합니다 (노트북 07 에서
    폴드마다 그것으로 멈췄다면 같거나 더 늦은 에폭을 골랐음). 그리고
    ``model.fit`` 은 에폭마다 준비 작업이 있어 이렇게 작은 데이터(수백 행)에서는 대부분의 시간을 그 준비에 쓰므로,
    ``train_on_batch`` 로 같은 반복을 직접 돌려 몇 배 빠르게 합니다. 같은 ``build_fn`` 으로 여러 번 ``fit`` 하면
    (교차 검증의 폴드마다) 처음 컴파일한 모델을 다시 쓰고 가중치와 옵티마이저 상태만 처음 값으로 되돌립니다
    (결과는 새 모델과 같고, 학습 함수를 폴드마다 다시 trace 하지 않음). 학습 곡선은 ``history_`` ({"loss", "val_loss"}, 그리고 비교용으로
    가중치 없이 잰 ``"val_loss_unweighted"`` — 조기 종료에는 쓰지 않음),
    멈춘 에폭은 ``best_epoch_`` 에 남습니다. 시드는 ``random_state`` 로 고정합니다 (``keras.utils.set_random_seed`` 를
    부르므로 전역 시드도 바뀝니다).
    """

    def __init__(
        self,
        build_fn,
        epochs: int = 300,
        batch_size: int | None = 64,
        class_weight="balanced",
        validation_fraction: float = 0.2,
        patience: int = 20,
        random_state: int = 0,
    ):
        self.build_fn = build_fn
        self.epochs = epochs
        self.batch_size = batch_size
        self.class_weight = class_weight
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state

    def _check_params(self):
        checks.count(self.epochs, "epochs")
        checks.count(self.patience, "patience")
        if self.batch_size is not None:
            checks.count(self.batch_size, "batch_size")
        if not 0 < self.validation_fraction < 0.5:
            raise ValueError(f"validation_fraction 은 0 과 0.5 사이여야 합니다 (받은 값: {self.validation_fraction!r})")
        if self.class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight 는 None 또는 'balanced' 여야 합니다 (받은 값: {self.class_weight!r})")

    def fit(self, X, y):
        import keras
        from sklearn.model_selection import train_test_split

        self._check_params()
        X = checks.matrix(X, "X", dtype=np.float32)
        y = checks.binary_labels(y)
        checks.same_length(X, y)
        checks.both_classes(y, "Keras 학습")
        seed = int(self.random_state)
        keras.utils.set_random_seed(seed)
        X_tr, X_val, y_tr, y_val = train_test_split(
            X, y, test_size=self.validation_fraction, stratify=y, random_state=seed
        )
        counts = np.bincount(y_tr, minlength=2)
        class_w = (
            np.array([len(y_tr) / (2 * counts[0]), len(y_tr) / (2 * counts[1])])
            if self.class_weight == "balanced"
            else np.ones(2)
        )
        self.class_weight_ = {0: float(class_w[0]), 1: float(class_w[1])}
        rng = np.random.default_rng(seed)
        bs = self.batch_size or len(y_tr)
        y_tr_f = y_tr.astype("float32")
        # example: 첫 학습 스텝에서 학습 함수를 두 번 trace 하지 않도록 (build_training_state, 결과는 같음)
        model = reusable_model(self.build_fn, X.shape[1], example=(X_tr[:bs], y_tr_f[:bs]))
        w_tr = class_w[y_tr].astype("float32")
        history = {"loss": [], "val_loss": [], "val_loss_unweighted": []}
        best, best_epoch, best_weights = np.inf, 0, model.get_weights()
        for epoch in range(self.epochs):
            order = rng.permutation(len(y_tr))
            losses, sizes = [], []
            for i in range(0, len(order), bs):
                b = order[i : i + bs]
                loss = model.train_on_batch(X_tr[b], y_tr_f[b], sample_weight=w_tr[b])
                losses.append(float(np.ravel(loss)[0]))
                sizes.append(len(b))
            history["loss"].append(float(np.average(losses, weights=sizes)))
            # predict_on_batch: 컴파일된 예측 함수 (같은 계산, 에폭마다 부르는 즉시 실행 model(X) 보다 몇 배 빠름)
            p = np.clip(np.asarray(model.predict_on_batch(X_val)).reshape(-1), 1e-7, 1 - 1e-7)
            bce = -(y_val * np.log(p) + (1 - y_val) * np.log(1 - p))
            val_loss = float(np.average(bce, weights=class_w[y_val]))
            history["val_loss"].append(val_loss)
            history["val_loss_unweighted"].append(float(bce.mean()))  # model.fit(class_weight=...) 이 보고하는 val_loss
            if val_loss < best:
                best, best_epoch, best_weights = val_loss, epoch, model.get_weights()
            elif epoch - best_epoch >= self.patience:
                break
        model.set_weights(best_weights)
        self.model_ = model
        self.weights_ = best_weights  # 모델을 다음 fit 이 재사용하므로, 예측할 때 이 가중치를 다시 넣습니다
        self.history_ = history
        self.best_epoch_ = best_epoch + 1
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        if not hasattr(self, "model_"):
            raise ValueError("먼저 fit 을 불러야 합니다")
        X = np.asarray(X, dtype="float32")
        self.model_.set_weights(self.weights_)
        p = np.asarray(self.model_.predict_on_batch(X)).reshape(-1).astype(float)
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)
