#!/usr/bin/env python3
"""Forecasts from two public anchor methods on the engine's backtest origins.

The Rust backtest exports every data set's series, day flags and rolling
origins; this script forecasts the same windows with two well-known
reference methods so the Rust side can score them with exactly its own
metrics:

* ``auto-ets``: statsforecast's ``AutoETS(season_length=7)``, one model per
  series and origin, 80 % prediction interval as p10/p90.
* ``lightgbm``: one global LightGBM quantile model per set and origin
  (alpha 0.1, 0.5, 0.9), direct multi-horizon on mean-scaled series. Its
  ``mean`` column is the p50 model's prediction (no separate L2 model).

Usage, from the repository root::

    cargo run -p flux-forecast --release --example backtest_data -- --export EXPORT
    python3 bench/anchors/anchors.py EXPORT [--sets a,b] [--models auto-ets,lightgbm]
    cargo run -p flux-forecast --release --example backtest_data -- --score-external EXPORT

Input per set: ``EXPORT/<set>/meta.json`` (horizon, origins: the first
forecast day of each window) and ``EXPORT/<set>/series.csv`` (one row per
series and day). Output: ``EXPORT/<set>/forecasts/<model>.csv`` with
``restaurant,item,origin,date,p10,p50,p90,mean``; ``restaurant`` and
``item`` are copied verbatim from ``series.csv``.

A forecast from origin ``o`` only sees days before ``o``; the closed and
holiday flags of the forecast window are used as known in advance. Rows
are written for every series with at least 14 usable (not closed, not
missing) days before the origin and at least one row in the window, for
all ``horizon`` days; days the series is flagged closed get zeros.
Closed and missing days in the history are imputed from earlier days
only (same weekday over the previous four weeks, else the running mean).
LightGBM works on series divided by their mean of the last 28 usable days
before each (pseudo-)origin.

The script is run on demand when the comparison is refreshed, not in CI.
Requirements: ``bench/anchors/requirements.txt``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MODELS = ("auto-ets", "lightgbm")
MIN_USABLE = 14  # usable days before an origin for a series to be forecast
ETS_MAX_HISTORY = 730
LGB_LOOKBACK = 365  # days before the origin that pseudo-origins are drawn from
LGB_MAX_ROWS = 1_200_000
LGB_QUANTILES = (0.1, 0.5, 0.9)
LGB_ROUNDS = 300
LGB_MAX_CATEGORIES = 200
# Left padding of the day axis, so every look-back (56 days of means, four
# weeks of same-weekday lags) indexes inside the arrays and reads NaN.
PAD = 64


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass
class Panel:
    """All series of a set on one shared day axis (column = day)."""

    keys: pd.DataFrame  # restaurant, item per series (row = series)
    day0: pd.Timestamp  # date of column 0
    raw: np.ndarray  # quantity, NaN outside the series' rows
    usable: np.ndarray  # not closed and not missing
    closed: np.ndarray
    holiday: np.ndarray
    filled: np.ndarray  # raw with non-usable days imputed from earlier days only
    n_usable: np.ndarray  # [s, t]: usable days before column t
    usable_cumsum: np.ndarray  # [s, k]: sum of the series' first k usable values

    def col(self, date: str | pd.Timestamp) -> int:
        return int((pd.Timestamp(date) - self.day0).days)

    def date(self, col: np.ndarray) -> np.ndarray:
        return (self.day0 + pd.to_timedelta(col, unit="D")).strftime("%Y-%m-%d").to_numpy()

    def scale(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Mean of the last 28 usable days before column t (NaN if none)."""
        n = self.n_usable[s, t]
        k = np.minimum(n, 28)
        total = self.usable_cumsum[s, n] - self.usable_cumsum[s, n - k]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(k > 0, total / np.maximum(k, 1), np.nan)


def shift(a: np.ndarray, k: int, fill: float = np.nan) -> np.ndarray:
    """a[:, t - k] at column t."""
    out = np.full_like(a, fill)
    out[:, k:] = a[:, :-k]
    return out


def causal_fill(raw: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Imputes non-usable days so the weekly season stays aligned.

    Uses the mean of the same weekday over the previous 4 weeks' usable days,
    else the series' usable mean so far; only earlier days are read, so one
    fill serves every origin without leaking the future.
    """
    r = np.where(usable, raw, np.nan)
    lags = np.stack([shift(r, 7 * k) for k in range(1, 5)])
    cnt = np.isfinite(lags).sum(axis=0)
    week = np.where(cnt > 0, np.nansum(lags, axis=0) / np.maximum(cnt, 1), np.nan)
    run_sum = shift(np.cumsum(np.nan_to_num(r), axis=1), 1, 0.0)
    run_cnt = shift(np.cumsum(usable, axis=1).astype(float), 1, 0.0)
    running = np.where(run_cnt > 0, run_sum / np.maximum(run_cnt, 1), np.nan)
    return np.where(usable, raw, np.where(np.isfinite(week), week, running))


def load_panel(set_dir: Path, horizon: int) -> Panel:
    # keep_default_na=False: an item called "NA" or an empty holiday label
    # must stay the string it is, so keys round-trip exactly.
    df = pd.read_csv(set_dir / "series.csv", dtype=str, keep_default_na=False)
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d")
    quantity = pd.to_numeric(df["quantity"], errors="coerce").to_numpy(float)
    sid = df.groupby(["restaurant", "item"], sort=True).ngroup().to_numpy()
    keys = df[["restaurant", "item"]].iloc[np.unique(sid, return_index=True)[1]].reset_index(drop=True)

    day0 = dates.min() - pd.Timedelta(days=PAD)
    col = (dates - day0).dt.days.to_numpy()
    # Right padding: the window's last day plus the "day after" flags.
    shape = (len(keys), int(col.max()) + horizon + 2)
    raw = np.full(shape, np.nan)
    raw[sid, col] = quantity
    flags = {}
    for name in ("closed", "missing"):
        flags[name] = np.zeros(shape, bool)
        flags[name][sid, col] = df[name].to_numpy() == "1"
    holiday = np.zeros(shape, bool)
    holiday[sid, col] = df["holiday"].str.strip().to_numpy() != ""
    usable = np.isfinite(raw) & ~flags["closed"] & ~flags["missing"]

    n_usable = np.zeros((shape[0], shape[1] + 1), np.int64)
    n_usable[:, 1:] = np.cumsum(usable, axis=1)
    usable_cumsum = np.zeros((shape[0], shape[1] + 1))
    for s in range(shape[0]):
        c = np.cumsum(raw[s, usable[s]])
        usable_cumsum[s, 1 : len(c) + 1] = c
        usable_cumsum[s, len(c) + 1 :] = c[-1] if len(c) else 0.0
    return Panel(keys, day0, raw, usable, flags["closed"], holiday,
                 causal_fill(raw, usable), n_usable, usable_cumsum)


def active_series(p: Panel, o: int, horizon: int) -> np.ndarray:
    """Series with enough history and at least one row in the window."""
    enough = p.n_usable[:, o] >= MIN_USABLE
    in_window = np.isfinite(p.raw[:, o : o + horizon]).any(axis=1)
    return np.flatnonzero(enough & in_window)


# --- auto-ets ---------------------------------------------------------------


def seasonal_naive(p: Panel, s: int, o: int, horizon: int) -> np.ndarray:
    """Last usable same weekday, with quantiles of recent weekly-naive errors."""
    y, u = p.raw[s, :o], p.usable[s, :o]
    days = np.flatnonzero(u)
    point = np.empty(horizon)
    for h in range(horizon):
        same = days[(days - (o + h)) % 7 == 0]
        point[h] = y[same[-1]] if len(same) else y[days].mean()
    recent = np.arange(max(7, o - 56), o)
    recent = recent[u[recent] & u[recent - 7]]
    err = y[recent] - y[recent - 7]
    lo, hi = np.quantile(err, [0.1, 0.9]) if len(err) >= 3 else (0.0, 0.0)
    return np.stack([point + lo, point, point + hi], axis=1)


def auto_ets(p: Panel, o: int, horizon: int, series: np.ndarray) -> np.ndarray:
    """[series, day, (p10, p50, p90)] from AutoETS, seasonal naive on failure."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    out = np.full((len(series), horizon, 3), np.nan)
    frames, short = [], []
    for i, s in enumerate(series):
        first = max(int(np.argmax(p.usable[s])), o - ETS_MAX_HISTORY)
        if o - first < 14:
            short.append(i)
            continue
        # Integer time stamps: the season is positional, and the fill keeps
        # positions on the calendar.
        frames.append(pd.DataFrame({"unique_id": i, "ds": np.arange(first, o), "y": p.filled[s, first:o]}))

    def fit(frame: pd.DataFrame, n_jobs: int) -> pd.DataFrame:
        sf = StatsForecast(models=[AutoETS(season_length=7)], freq=1, n_jobs=n_jobs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = sf.forecast(df=frame, h=horizon, level=[80])
        return fc.reset_index() if "unique_id" not in fc.columns else fc

    if frames:
        df = pd.concat(frames, ignore_index=True)
        try:
            results = [fit(df, 2)]
        except Exception as e:  # one bad series must not sink the batch
            log(f"    batch AutoETS failed ({e}); fitting series one by one")
            results = []
            for _, g in df.groupby("unique_id"):
                try:
                    results.append(fit(g, 1))
                except Exception:
                    pass
        for fc in results:
            fc = fc.sort_values(["unique_id", "ds"])
            vals = fc[["AutoETS-lo-80", "AutoETS", "AutoETS-hi-80"]].to_numpy(float)
            ids = fc["unique_id"].to_numpy(int)
            steps = fc["ds"].to_numpy(int) - o
            out[ids, steps] = vals

    bad = [i for i in range(len(series)) if not np.isfinite(out[i]).all()]
    for i in sorted(set(bad) | set(short)):
        out[i] = seasonal_naive(p, series[i], o, horizon)
    return out


# --- lightgbm ---------------------------------------------------------------


def window_mean(cum: np.ndarray, cnt: np.ndarray, s: np.ndarray, t: np.ndarray, k: int) -> np.ndarray:
    """Mean of filled days t-k .. t-1, NaN unless all of them are known."""
    total = cum[s, t] - cum[s, t - k]
    return np.where(cnt[s, t] - cnt[s, t - k] == k, total / k, np.nan)


def features(p: Panel, cum: np.ndarray, cnt: np.ndarray, s: np.ndarray, o: np.ndarray,
             h: np.ndarray, with_id: bool) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and scale for examples (series s, origin column o, lead h)."""
    scale = p.scale(s, o)
    div = np.where(scale > 0, scale, np.nan)
    d = o + h - 1
    dates = p.day0 + pd.to_timedelta(d, unit="D")
    cols = [p.filled[s, o - k] / div for k in range(1, 8)]
    cols += [window_mean(cum, cnt, s, o, k) / div for k in (7, 28, 56)]
    # Latest same weekday as the target that lies before the origin, and
    # the three weeks before it.
    first = d - 7 * ((h + 6) // 7)
    same = np.stack([p.filled[s, first - 7 * j] for j in range(4)])
    n_same = np.isfinite(same).sum(axis=0)
    cols.append(np.where(n_same > 0, np.nansum(same, axis=0) / np.maximum(n_same, 1), np.nan) / div)
    cols += [h, dates.dayofweek, dates.day, dates.month]
    cols += [p.holiday[s, d], p.holiday[s, d - 1], p.holiday[s, d + 1]]
    cols += [p.closed[s, d - 1], p.closed[s, d + 1]]
    cols.append(np.log(div))
    if with_id:
        cols.append(s)
    return np.column_stack([np.asarray(c, np.float32) for c in cols]), scale


def lightgbm_forecast(p: Panel, o: int, horizon: int, series: np.ndarray, timing: dict) -> np.ndarray:
    import lightgbm as lgb

    t0 = time.perf_counter()
    n_series = p.raw.shape[0]
    known = np.isfinite(p.filled)
    cum = np.zeros((n_series, p.raw.shape[1] + 1))
    cum[:, 1:] = np.cumsum(np.where(known, p.filled, 0.0), axis=1)
    cnt = np.zeros_like(cum, dtype=np.int64)
    cnt[:, 1:] = np.cumsum(known, axis=1)
    with_id = n_series < LGB_MAX_CATEGORIES

    pseudo = np.arange(max(o - LGB_LOOKBACK, PAD), o - horizon + 1)
    stride = max(1, math.ceil(n_series * len(pseudo) * horizon / LGB_MAX_ROWS))
    pseudo = pseudo[::-1][::stride][::-1]  # keep the pseudo-origin nearest the origin
    s, po = (a.ravel() for a in np.meshgrid(np.arange(n_series), pseudo, indexing="ij"))
    ok = p.n_usable[s, po] >= MIN_USABLE
    s, po = s[ok], po[ok]
    ok = p.scale(s, po) > 0
    s, po = np.repeat(s[ok], horizon), np.repeat(po[ok], horizon)
    h = np.tile(np.arange(1, horizon + 1), len(s) // horizon)
    target = po + h - 1
    ok = p.usable[s, target]
    s, po, h, target = s[ok], po[ok], h[ok], target[ok]
    x, scale = features(p, cum, cnt, s, po, h, with_id)
    y = p.raw[s, target] / scale
    timing["rows"] = len(y)
    timing["features"] = time.perf_counter() - t0

    cat = [x.shape[1] - 1] if with_id else []
    data = lgb.Dataset(x, y, categorical_feature=cat, free_raw_data=False, params={"verbose": -1})
    ps = np.repeat(series, horizon)
    ph = np.tile(np.arange(1, horizon + 1), len(series))
    xp, scale_o = features(p, cum, cnt, ps, np.full_like(ps, o), ph, with_id)
    preds = []
    for alpha in LGB_QUANTILES:
        params = {
            "objective": "quantile", "alpha": alpha, "num_leaves": 31, "learning_rate": 0.05,
            "min_data_in_leaf": 50, "feature_fraction": 0.9, "verbose": -1, "num_threads": 2,
            "seed": 17, "deterministic": True, "force_row_wise": True,
        }
        model = lgb.train(params, data, num_boost_round=LGB_ROUNDS)
        preds.append(model.predict(xp))
    timing["train"] = time.perf_counter() - t0 - timing["features"]
    # A zero scale means 28 usable zeros in a row: forecast zero.
    out = np.stack(preds, axis=1) * np.nan_to_num(scale_o)[:, None]
    return out.reshape(len(series), horizon, 3)


# --- driver -----------------------------------------------------------------


def finish(p: Panel, o: int, horizon: int, series: np.ndarray, q: np.ndarray) -> pd.DataFrame:
    """Rows for one origin: clipped, ordered, zero on known closed days."""
    q = np.sort(np.clip(np.nan_to_num(q, nan=0.0, posinf=0.0), 0.0, None), axis=2)
    q[p.closed[series, o : o + horizon]] = 0.0
    day = np.tile(np.arange(o, o + horizon), len(series))
    keys = p.keys.iloc[np.repeat(series, horizon)].reset_index(drop=True)
    q = q.reshape(-1, 3)
    return keys.assign(origin=p.date(np.array([o]))[0], date=p.date(day),
                       p10=q[:, 0], p50=q[:, 1], p90=q[:, 2], mean=q[:, 1])


def run_set(set_dir: Path, models: list[str]) -> None:
    meta = json.loads((set_dir / "meta.json").read_text())
    horizon = int(meta["horizon"])
    t0 = time.perf_counter()
    p = load_panel(set_dir, horizon)
    log(f"{set_dir.name}: {p.raw.shape[0]} series, {len(meta['origins'])} origins, "
        f"horizon {horizon}, loaded in {time.perf_counter() - t0:.1f}s")
    (set_dir / "forecasts").mkdir(exist_ok=True)
    for model in models:
        parts, t_model = [], time.perf_counter()
        for origin in meta["origins"]:
            t1 = time.perf_counter()
            o = p.col(origin)
            series = active_series(p, o, horizon)
            if len(series) == 0:
                log(f"  {model} {origin}: no series to forecast")
                continue
            timing: dict = {}
            q = auto_ets(p, o, horizon, series) if model == "auto-ets" else \
                lightgbm_forecast(p, o, horizon, series, timing)
            parts.append(finish(p, o, horizon, series, q))
            extra = "".join(f", {k} {v:.1f}s" if isinstance(v, float) else f", {v} {k}"
                            for k, v in timing.items())
            log(f"  {model} {origin}: {len(series)} series{extra}, {time.perf_counter() - t1:.1f}s")
        out = set_dir / "forecasts" / f"{model}.csv"
        cols = ["restaurant", "item", "origin", "date", "p10", "p50", "p90", "mean"]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
        frame[cols].to_csv(out, index=False, float_format="%.4f")
        log(f"  {model}: {len(frame)} rows to {out} in {time.perf_counter() - t_model:.1f}s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export", type=Path, help="directory written by backtest_data --export")
    ap.add_argument("--sets", help="comma-separated set directory names (default: all)")
    ap.add_argument("--models", default=",".join(MODELS), help="comma-separated, of: " + ", ".join(MODELS))
    args = ap.parse_args()
    models = [m for m in args.models.split(",") if m]
    unknown = set(models) - set(MODELS)
    if unknown:
        ap.error(f"unknown models: {', '.join(sorted(unknown))}")
    sets = sorted(d for d in args.export.iterdir() if (d / "meta.json").exists())
    if args.sets:
        wanted = set(args.sets.split(","))
        missing = wanted - {d.name for d in sets}
        if missing:
            ap.error(f"no such sets in {args.export}: {', '.join(sorted(missing))}")
        sets = [d for d in sets if d.name in wanted]
    for d in sets:
        run_set(d, models)


if __name__ == "__main__":
    main()
