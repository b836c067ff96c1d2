"""Heat content of the upper ocean from temperature profiles."""

import numpy as np
import pandas as pd

RHO = 1025.0  # sea-water density, kg m-3
CP = 3985.0  # specific heat capacity, J kg-1 K-1


def load_profiles(path="/home/chidi/data/argo_north_atlantic.csv"):
    """Read depth (m) and temperature (degC) profiles, one row per measurement."""
    return pd.read_csv(path, parse_dates=["time"])


def heat_content(depth, temperature, max_depth=700.0):
    """Integrate rho * cp * T over depth down to `max_depth` (J m-2)."""
    depth = np.asarray(depth, dtype=float)
    temperature = np.asarray(temperature, dtype=float)
    keep = depth <= max_depth
    return RHO * CP * np.trapezoid(temperature[keep], depth[keep])


def annual_means(frame):
    frame = frame.assign(year=frame["time"].dt.year)
    return frame.groupby("year")["ohc"].mean()
