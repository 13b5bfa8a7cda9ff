"""단위 테스트가 함께 쓰는 가짜 데이터."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utils.thoracic import COLUMNS


def thoracic_frame(n=60, seed=0):
    """load_thoracic().frame 과 같은 열을 가진 작은 가짜 데이터."""
    rng = np.random.default_rng(seed)
    f = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "DGN": rng.choice([2, 3, 3, 3, 4], size=n),
            "PRE4": rng.uniform(2, 5, n).round(2),
            "PRE5": rng.uniform(1, 2, n).round(2),
            "PRE6": rng.integers(0, 3, n),
            **{
                c: rng.integers(0, 2, n)
                for c in ["PRE7", "PRE8", "PRE9", "PRE10", "PRE11", "PRE17", "PRE19", "PRE25", "PRE30", "PRE32"]
            },
            "PRE14": rng.integers(11, 15, n),
            "AGE": rng.integers(40, 80, n),
        }
    )
    f["Risk1Yr"] = (rng.random(n) < 0.3).astype(int)
    f.loc[:3, "Risk1Yr"] = [0, 1, 0, 1]
    return f[COLUMNS]
