"""``python -m pip …`` 대역. 자세한 설명은 ``__init__.py``."""

import json
import os
import subprocess
import sys

args = sys.argv[1:]
with open(os.environ["DLCOURSE_PIP_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\n")

wheel = os.environ["DLCOURSE_STANDIN_WHEEL"]
mapped = [wheel if a.startswith("git+https://github.com/") else a for a in args]
if mapped and mapped[0] == "install":
    mapped += ["--no-index", "--find-links", os.environ["DLCOURSE_STANDIN_WHEELHOUSE"]]
env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # 진짜 pip 은 대역 없이
sys.exit(subprocess.run([sys.executable, "-m", "pip", *mapped], env=env).returncode)
