"""실행 환경 도우미: Colab/GPU/CPU 감지, 버전 출력, 시드 고정(seeding), TF 로그 정리.

예::

    import utils
    info = utils.setup(seed=42)   # 한글 글꼴 + 시드 + 결정적 연산 + 환경 출력
"""

from __future__ import annotations

import contextlib
import os
import platform
import random
import sys
from dataclasses import dataclass, field

DEFAULT_SEED = 42


def is_colab() -> bool:
    """Google Colab 에서 실행 중이면 True (handson-ml3 와 같은 방식: ``google.colab`` 모듈 확인)."""
    return "google.colab" in sys.modules


@dataclass
class EnvInfo:
    """``describe_environment`` 의 결과. 노트북에서 ``info.device`` 처럼 씁니다."""

    python: str
    platform: str
    colab: bool
    tensorflow: str | None = None
    keras: str | None = None
    numpy: str | None = None
    gpus: list[str] = field(default_factory=list)
    tf_loaded: bool = True  # False: TF 를 일부러 불러오지 않음 (``describe_environment(import_tensorflow=False)``)

    @property
    def device(self) -> str:
        """사람이 읽는 장치 이름: 'GPU (이름)' 또는 'CPU'."""
        return f"GPU ({', '.join(self.gpus)})" if self.gpus else "CPU"

    @property
    def has_gpu(self) -> bool:
        return bool(self.gpus)

    def summary(self, extra: list[tuple[str, str]] | None = None) -> str:
        where = "Google Colab" if self.colab else "로컬(local)"
        missing = "설치되지 않음" if self.tf_loaded else "불러오지 않음 (이 노트북은 쓰지 않음)"
        rows = [
            ("실행 위치", where),
            ("Python", self.python),
            ("TensorFlow", self.tensorflow or missing),
            ("Keras", self.keras or missing),
            ("NumPy", self.numpy or "설치되지 않음"),
            ("장치(device)", self.device if self.tf_loaded else "CPU (NumPy만 씀)"),
        ] + list(extra or [])
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}} : {v}" for k, v in rows)


@contextlib.contextmanager
def silence_native_stderr():
    """C++ 코드가 파일 기술자 2(stderr)에 직접 쓰는 로그를 잠시 /dev/null 로 보냅니다.

    GPU 용 TensorFlow 는 GPU 가 없는 기계에서 import 할 때 ``cudart_stub``·``cuInit`` 같은 줄을
    ``TF_CPP_MIN_LOG_LEVEL`` 과 상관없이 stderr 에 씁니다. 주피터는 그 줄을 노트북 출력에 붙이므로,
    TF 를 처음 불러오고 장치를 찾는 동안만 가립니다. 파이썬 예외는 그대로 올라옵니다.
    """
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # fd 2 가 없는 환경
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def load_tensorflow():
    """TensorFlow 를 조용히 import 하고 장치 목록까지 한 번 초기화한 뒤 모듈을 돌려줍니다."""
    with silence_native_stderr():
        import tensorflow as tf

        tf.config.list_physical_devices()
    return tf


def _gpu_names(tf) -> list[str]:
    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        except Exception:
            names.append(gpu.name)
    return names


def describe_environment(import_tensorflow: bool = True) -> EnvInfo:
    """Python/TF/Keras/NumPy 버전과 GPU 목록을 모읍니다. TF 가 없으면 그 칸만 비웁니다."""
    info = EnvInfo(
        python=platform.python_version(),
        platform=f"{platform.system()} {platform.machine()}",
        colab=is_colab(),
        tf_loaded=import_tensorflow,
    )
    try:
        import numpy as np

        info.numpy = np.__version__
    except ImportError:
        pass
    if import_tensorflow:
        try:
            tf = load_tensorflow()
            import keras

            info.tensorflow = tf.__version__
            info.keras = keras.__version__
            info.gpus = _gpu_names(tf)
        except ImportError:
            pass
    return info


def seed_everything(seed: int = DEFAULT_SEED, deterministic: bool = True, tensorflow: bool = True) -> int:
    """Python, NumPy, (있으면) Keras/TensorFlow 의 난수 시드를 한 번에 고정합니다.

    ``deterministic=True`` 이면 TF 의 결정적 연산(op determinism)도 켭니다. 같은 시드, 같은
    스레드 수, 같은 기계에서는 실행할 때마다 같은 가중치가 나옵니다. 다른 기계나 GPU 에서는
    마지막 자리가 달라질 수 있으므로 노트북의 assert 는 항상 여유(margin)를 둡니다.

    ``tensorflow=False`` 면 TensorFlow 를 불러오지 않고 Python 과 NumPy 만 고정합니다(TF 를 쓰지 않는
    노트북의 빠른 시작용). 다만 TF 가 이미 불러와져 있으면 Keras/TF 시드도 함께 고정합니다(불러오는 비용이 없으므로).
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed 는 0 이상의 정수여야 합니다 (받은 값: {seed!r})")
    os.environ["PYTHONHASHSEED"] = str(seed)  # 자식 프로세스용 (현재 프로세스에는 영향 없음)
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:
        pass
    if not tensorflow and "tensorflow" not in sys.modules:
        return seed
    try:
        tf = load_tensorflow()
        import keras
    except ImportError:
        return seed
    keras.utils.set_random_seed(seed)  # Python, NumPy, TF/backend 시드를 함께 설정
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return seed


def setup(
    seed: int = DEFAULT_SEED, deterministic: bool = True, verbose: bool = True, tensorflow: bool = True
) -> EnvInfo:
    """모든 노트북의 설정 셀이 부르는 한 번의 호출. 여러 번 불러도 안전합니다.

    1. 한글 글꼴과 코스 공통 그림 스타일 적용 (:func:`utils.plots.use_course_style`)
    2. 시드 고정과 결정적 연산 (:func:`seed_everything`)
    3. 실행 환경 출력 (Python, TensorFlow, Keras, NumPy, 장치)

    ``tensorflow=False`` 는 TensorFlow·Keras 를 쓰지 않는 노트북용입니다. TF 를 불러오지 않으므로
    (이 기계에서 import 만 5~8 초) 시작이 빠르고, Python·NumPy 시드만 고정하며, TF 를 불러오지 않았다고 출력합니다.
    """
    from .plots import use_course_style

    use_course_style()
    info = describe_environment(import_tensorflow=tensorflow)
    seed_everything(seed, deterministic=deterministic, tensorflow=tensorflow)
    if verbose:
        if tensorflow:
            seeded = f"{seed} (결정적 연산: {'켜짐' if deterministic else '꺼짐'})"
        else:
            seeded = f"{seed} (Python·NumPy)"
        print(info.summary([("시드(seed)", seeded)]))
    return info
