#!/usr/bin/env python3
"""The table of a side-by-side run (tools/loadgen/measure_lib.sh, measure_report): one row per
loadgen run read from the JSON lines file given, each subject beside the baseline measured
before it (RPC/s and server CPU per call as ratios). The load generator's own CPU per call is
shown beside the server's: on a machine the two share, it is CPU the server could not use."""
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| clients | what | RPC/s | p50 ms | p99 ms | server CPU µs/call | load generator CPU µs/call | RPC/s ÷ baseline | CPU ÷ baseline |")
print("|---|---|---|---|---|---|---|---|---|")
baseline = None
def num(x, fmt):
    return format(x, fmt) if isinstance(x, (int, float)) else "–"
for r in rows:
    lat = r.get("latency_ms", {})
    cpu = r.get("server_cpu_us_per_call")
    client_cpu = r.get("client_cpu_us_per_call")
    rps = r.get("rps")
    bad = "" if r.get("ok") == r.get("count") and r.get("count") else f' (not OK: {r.get("codes", "no result")})'
    if r["kind"] == "baseline":
        baseline = r
        ratio = cpu_ratio = "baseline"
        what = f'*{r["label"]}*'
    else:
        b_rps, b_cpu = baseline.get("rps"), baseline.get("server_cpu_us_per_call")
        ratio = f'{rps / b_rps:.0%}' if rps and b_rps else "–"
        cpu_ratio = f'{cpu / b_cpu:.1f}×' if cpu and b_cpu else "–"
        what = r["label"]
    print(f'| {r["c"]} | {what}{bad} | {num(rps, ",.0f")} | {num(lat.get("p50"), ".2f")} | '
          f'{num(lat.get("p99"), ".2f")} | {num(cpu, ",.0f")} | {num(client_cpu, ",.0f")} | {ratio} | {cpu_ratio} |')
