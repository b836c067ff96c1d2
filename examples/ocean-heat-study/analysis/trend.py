"""Linear trend with a bootstrap confidence interval."""

import numpy as np
from sklearn.linear_model import LinearRegression


def linear_trend(years, values):
    model = LinearRegression().fit(np.asarray(years).reshape(-1, 1), values)
    return float(model.coef_[0])


def bootstrap_ci(years, values, n=1000, seed=0):
    rng = np.random.default_rng(seed)
    years, values = np.asarray(years), np.asarray(values)
    slopes = []
    for _ in range(n):
        pick = rng.integers(0, len(years), len(years))
        slopes.append(linear_trend(years[pick], values[pick]))
    return np.percentile(slopes, [2.5, 97.5])
