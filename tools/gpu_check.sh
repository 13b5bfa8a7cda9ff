#!/usr/bin/env bash
# GPU 점검: GPU 기계에서 코스 전체를 실행하고, 노트북별 시간·최대 메모리·장치를 출력합니다.
# 노트북의 assert 가 GPU 에서도 성립하는지 확인하는 것이 목적입니다.
#
#   bash tools/gpu_check.sh            # 전체 코스
#   bash tools/gpu_check.sh --quick    # 빠른 모드 (python -m course_tools run 의 옵션을 그대로 넘김)
#
# 이 저장소의 utils 와 의존성이 설치된 Python 이 필요합니다 (PYTHON 으로 지정, 기본 .venv/bin/python
# 또는 python3). GPU 용 TensorFlow 가 없으면 설치 방법을 알려 주고 끝냅니다.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
if ! "$PYTHON" -c "import utils" 2>/dev/null; then
  echo "utils 패키지가 없습니다. 먼저: $PYTHON -m pip install -e .  (GPU 는 추가로 'tensorflow[and-cuda]')" >&2
  exit 2
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
if ! "$PYTHON" - <<'PY'
import sys
from utils.env import describe_environment
info = describe_environment()
print(info.summary())
sys.exit(0 if info.has_gpu else 1)
PY
then
  echo "TensorFlow 가 GPU 를 찾지 못했습니다. Linux + NVIDIA 에서는: $PYTHON -m pip install 'tensorflow[and-cuda]'" >&2
  exit 3
fi
exec "$PYTHON" -m course_tools run --out runs/gpu "$@"
