"""utils.env: 환경 감지, 시드 고정(같은 시드 → 같은 가중치), setup."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

import utils
from utils import env


def test_tf_startup_logs_quieted_before_tensorflow_import():
    import os

    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] in {"1", "2", "3"}


def test_is_colab_follows_google_colab_module(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert env.is_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert env.is_colab() is True


def test_describe_environment_reports_versions():
    info = env.describe_environment()
    assert info.python.count(".") == 2 and info.tensorflow and info.keras.startswith("3.")
    assert info.device == "CPU" or info.device.startswith("GPU (")
    text = info.summary()
    for key in ("Python", "TensorFlow", "Keras", "NumPy", "장치(device)"):
        assert key in text


def test_describe_without_tensorflow():
    info = env.describe_environment(import_tensorflow=False)
    assert info.tensorflow is None and info.keras is None and not info.tf_loaded
    text = info.summary()
    assert "불러오지 않음" in text and "설치되지 않음" not in text


def test_setup_without_tensorflow_never_imports_it_and_still_seeds():
    """새 프로세스에서 setup(tensorflow=False): TF·Keras 는 sys.modules 에 없고, Python·NumPy 시드는 고정됩니다."""
    code = (
        "import random, sys; import numpy as np; import utils\n"
        "info = utils.setup(seed=5, tensorflow=False)\n"
        "first = (random.random(), np.random.rand())\n"
        "utils.setup(seed=5, tensorflow=False, verbose=False)\n"
        "assert (random.random(), np.random.rand()) == first\n"
        "utils.seed_everything(5, tensorflow=False)\n"
        "assert info.tensorflow is None\n"
        "print('modules', 'tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "modules False False" in proc.stdout
    assert "TensorFlow : 불러오지 않음" in proc.stdout and "시드(seed)" in proc.stdout
    assert proc.stderr == ""


def _tiny_model_weights(seed):
    import keras

    env.seed_everything(seed)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)])
    x = np.random.rand(16, 4).astype("float32")
    y = np.random.rand(16, 1).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    return [w.copy() for w in model.get_weights()]


def test_two_seeded_runs_give_identical_weights():
    a, b = _tiny_model_weights(7), _tiny_model_weights(7)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = _tiny_model_weights(8)
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_seed_everything_seeds_python_and_numpy():
    env.seed_everything(3)
    first = (random.random(), np.random.rand())
    env.seed_everything(3)
    assert (random.random(), np.random.rand()) == first


@pytest.mark.parametrize("bad", [-1, 1.5, "42", True, None])
def test_seed_everything_rejects_bad_seed(bad):
    with pytest.raises(ValueError, match="seed"):
        env.seed_everything(bad)


def test_setup_prints_summary_and_is_rerunnable(capsys):
    info1 = utils.setup(seed=1)
    info2 = utils.setup(seed=1)
    out = capsys.readouterr().out
    assert out.count("TensorFlow") == 2 and "시드(seed)" in out
    assert info1.device == info2.device


def test_setup_leaves_no_tensorflow_startup_noise_on_stderr():
    """새 프로세스에서 utils.setup() 을 부르면 TF 의 C++ 시작 로그가 stderr 에 남지 않아야 합니다."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    code = "import utils; utils.setup(); import tensorflow as tf; print(tf.reduce_sum(tf.ones(3)).numpy())"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("3.0")
    for noise in ("cudart_stub", "cuInit", "absl::InitializeLog", "oneDNN custom operations", "cpu_feature_guard"):
        assert noise not in proc.stderr, proc.stderr


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("0", "0")])
def test_onednn_is_switched_on_unless_the_user_chose(given, expected):
    """import utils 는 oneDNN 을 켜되(TF 보다 먼저), 사용자가 정한 값은 그대로 둡니다."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    if given is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = given
    code = "import os, sys, utils; print(os.environ['TF_ENABLE_ONEDNN_OPTS'], 'tensorflow' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [expected, "False"]
