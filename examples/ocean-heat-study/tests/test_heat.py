import numpy as np

from analysis.heat import CP, RHO, heat_content


def test_uniform_temperature():
    depth = np.array([0.0, 350.0, 700.0])
    assert np.isclose(heat_content(depth, np.full(3, 10.0)), RHO * CP * 10.0 * 700.0)


def test_ignores_deeper_levels():
    depth = np.array([0.0, 700.0, 2000.0])
    temperature = np.array([10.0, 10.0, 2.0])
    assert np.isclose(heat_content(depth, temperature), RHO * CP * 10.0 * 700.0)


def test_zero_temperature_gives_zero():
    assert heat_content([0.0, 100.0], [0.0, 0.0]) == 0.0
