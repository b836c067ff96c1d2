"""Reproduce Table 2: heat-content trend per decade."""

from analysis.heat import annual_means, heat_content, load_profiles
from analysis.trend import bootstrap_ci, linear_trend


def main():
    profiles = load_profiles()
    profiles["ohc"] = [
        heat_content(group["depth"], group["temperature"])
        for _, group in profiles.groupby("profile_id")
    ]
    yearly = annual_means(profiles)
    slope = linear_trend(yearly.index, yearly.values)
    low, high = bootstrap_ci(yearly.index, yearly.values)
    print(f"trend: {slope * 10:.3e} J m-2 per decade (95% CI {low * 10:.3e} .. {high * 10:.3e})")


if __name__ == "__main__":
    main()
