#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) of the storage benchmarks into the Markdown tables of
docs/BENCHMARKS.md: MB/s from the `bytes` counter and the ratio to the baseline of the same run."""
import json
import sys
from collections import defaultdict


def paired(results):
    """PairedAppendBenchmark: both sides timed in the same window; ratio = baselineNs / logNs per iteration."""
    rows = [r for r in results if r["benchmark"].endswith("PairedAppendBenchmark.appendBoth")]
    if not rows:
        return
    print("\n**PairedAppendBenchmark** (log and baseline interleaved in one run; throughput ratio log/baseline)\n")
    print("| mode | batch bytes | fsync | baseline MB/s | log MB/s | ratio median | ratio min–max per iteration |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        p = r["params"]
        base = r["secondaryMetrics"]["baselineNs"]["rawData"][0]
        log = r["secondaryMetrics"]["logNs"]["rawData"][0]
        ops = r["primaryMetric"]["rawData"][0]
        batch = int(p["batchBytes"])
        ratios = sorted(b / l for b, l in zip(base, log))
        med = ratios[len(ratios) // 2]
        # ops/s of pairs; each side's own rate = ops / (its ns per second / 1e9)
        base_mbs = sorted(o * batch / (b / 1e9) / 1e6 for o, b in zip(ops, base))
        log_mbs = sorted(o * batch / (l / 1e9) / 1e6 for o, l in zip(ops, log))
        print(f"| {p['mode']} | {batch} | {p['fsync']} | {base_mbs[len(base_mbs)//2]:,.0f} | {log_mbs[len(log_mbs)//2]:,.0f} "
              f"| {med:.2f} | {ratios[0]:.2f}–{ratios[-1]:.2f} |")


def main(path):
    results = json.load(open(path))
    paired(results)
    rows = defaultdict(dict)
    for r in results:
        if "Paired" in r["benchmark"]:
            continue
        bench = r["benchmark"].rsplit(".", 2)[-2]
        p = dict(r.get("params", {}))
        target = p.pop("target")
        key = (bench,) + tuple(sorted(p.items()))
        sec = r["secondaryMetrics"].get("bytes")
        raw = sec["rawData"][0] if sec else []
        mbs = [x / 1e6 for x in raw]
        score = sec["score"] / 1e6 if sec else float("nan")
        err = sec["scoreError"] / 1e6 if sec else float("nan")
        rows[key][target] = (score, err, min(mbs) if mbs else 0, max(mbs) if mbs else 0, r["primaryMetric"]["score"])
    for key, targets in rows.items():
        bench, params = key[0], ", ".join(f"{k}={v}" for k, v in key[1:])
        base = targets.get("baseline")
        print(f"\n**{bench}** ({params})\n")
        print("| target | MB/s (mean ± 99.9% CI) | min–max per iteration | ops/s | ratio to baseline |")
        print("|---|---|---|---|---|")
        for t in ["baseline"] + sorted(x for x in targets if x != "baseline"):
            if t not in targets:
                continue
            s, e, lo, hi, ops = targets[t]
            ratio = f"{s / base[0]:.2f}" if base and t != "baseline" else "1.00" if t == "baseline" else "-"
            print(f"| {t} | {s:,.0f} ± {e:,.0f} | {lo:,.0f}–{hi:,.0f} | {ops:,.0f} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "jmh-result.json")
