"""Which DataFusion settings make the engine fastest on TPC-H (bench/tpch/queries/) on this
machine: the Python bindings (datafusion 55, the engine lakeops uses) under named
configurations, with DuckDB in the same session for reference.

    python bench/tpch_settings.py --data DIR [--runs 3] [--configs default,pushdown,...]
                                  [--queries 1,3] [--json OUT]
    python bench/tpch_settings.py --list      # the configurations and their settings

Every DataFusion run is what a `lakeops query` process does, less the process: a fresh
SessionContext (no metadata or statistics caches carried over), the 8 tables registered, the
query planned, run and collected. DuckDB keeps one connection (its views over read_parquet).
Runs are interleaved: for each query, one warm-up per configuration, then RUNS rounds, each
round running every configuration once in a shuffled order, so that other load on the
machine (a build) falls on all configurations alike. A configuration's total is the sum of
its per-query medians. Answers are checked against DuckDB's (the rows sorted, numbers within
relative 1e-6 or absolute 1e-2); a differing answer is reported.
"""
import argparse, json, math, os, random, statistics, sys, time

import datafusion
import duckdb
from datafusion import SessionConfig, SessionContext

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = ["nation", "region", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
P = "datafusion.execution.parquet."
E = "datafusion.execution."
O = "datafusion.optimizer."

# name -> (registration, settings). lakeops itself registers ListingTables ("listing" below is
# the same thing through the bindings) and sets enable_ident_normalization=false, which every
# configuration here also sets.
CONFIGS = {
    "default": ("parquet", {}),
    "listing": ("listing", {}),
    "external": ("external", {}),
    "pushdown": ("parquet", {P + "pushdown_filters": "true"}),
    "pushdown+reorder": ("parquet", {P + "pushdown_filters": "true", P + "reorder_filters": "true"}),
    "reorder": ("parquet", {P + "reorder_filters": "true"}),
    "partitions=1": ("parquet", {E + "target_partitions": "1"}),
    "partitions=4": ("parquet", {E + "target_partitions": "4"}),
    "partitions=8": ("parquet", {E + "target_partitions": "8"}),
    "batch=16384": ("parquet", {E + "batch_size": "16384"}),
    "batch=32768": ("parquet", {E + "batch_size": "32768"}),
    "no-statistics": ("parquet", {E + "collect_statistics": "false"}),
    "no-view-types": ("parquet", {P + "schema_force_view_types": "false",
                                  "datafusion.sql_parser.map_string_types_to_utf8view": "false"}),
    "sort-merge-join": ("parquet", {O + "prefer_hash_join": "false"}),
    "no-repartition-joins": ("parquet", {O + "repartition_joins": "false"}),
    "binary-as-string": ("parquet", {P + "binary_as_string": "true"}),
    "no-dynamic-filters": ("parquet", {O + "enable_dynamic_filter_pushdown": "false"}),
    "no-page-index": ("parquet", {P + "enable_page_index": "false"}),
    "no-repartition-scans": ("parquet", {O + "repartition_file_scans": "false"}),
    "no-repartition-aggs": ("parquet", {O + "repartition_aggregations": "false"}),
    "collect-left-16M": ("parquet", {O + "hash_join_single_partition_threshold": str(16 << 20),
                                     O + "hash_join_single_partition_threshold_rows": str(1 << 20)}),
    "no-coalesce": ("parquet", {E + "coalesce_batches": "false"}),
    "no-partial-agg-skip": ("parquet", {E + "skip_partial_aggregation_probe_rows_threshold": str(1 << 62)}),
    "pushdown+force-selections": ("parquet", {P + "pushdown_filters": "true", P + "force_filter_selections": "true"}),
    "planning-concurrency=1": ("parquet", {E + "planning_concurrency": "1"}),
}

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--data", help="DIR/<table>.parquet, as tpchgen-cli writes them")
p.add_argument("--runs", type=int, default=3)
p.add_argument("--configs", default=",".join(CONFIGS),
               help="comma-separated names (see --list); NAME+NAME combines their settings")
p.add_argument("--queries", default="all")
p.add_argument("--queries-dir", default=os.path.join(HERE, "tpch", "queries"))
p.add_argument("--no-duckdb", action="store_true")
p.add_argument("--json")
p.add_argument("--list", action="store_true")
a = p.parse_args()
if a.list:
    for name, (reg, settings) in CONFIGS.items():
        print(f"{name:28} {reg:9} {' '.join(f'{k}={v}' for k, v in settings.items())}")
    sys.exit(0)
if not a.data:
    p.error("--data is required")


def resolve(name):
    """A configuration by name, or several joined with '+' (settings merged left to right)."""
    if name in CONFIGS:
        return CONFIGS[name]
    reg, settings = "parquet", {}
    for part in name.split("+"):
        r, s = CONFIGS[part]
        reg = r if r != "parquet" else reg
        settings = {**settings, **s}
    return reg, settings


configs = {n: resolve(n) for n in a.configs.split(",")}
queries = list(range(1, 23)) if a.queries == "all" else [int(q) for q in a.queries.split(",")]
sqls = {q: open(os.path.join(a.queries_dir, f"q{q:02d}.sql")).read() for q in queries}
paths = {t: os.path.abspath(os.path.join(a.data, f"{t}.parquet")) for t in TABLES}


def run_datafusion(config, sql):
    reg, settings = config
    t = time.perf_counter()
    cfg = SessionConfig().set("datafusion.sql_parser.enable_ident_normalization", "false")
    for k, v in settings.items():
        cfg = cfg.set(k, v)
    ctx = SessionContext(cfg)
    for name, path in paths.items():
        if reg == "parquet":
            ctx.register_parquet(name, path)
        elif reg == "listing":
            ctx.register_listing_table(name, path)
        else:
            ctx.sql(f"CREATE EXTERNAL TABLE {name} STORED AS PARQUET LOCATION '{path}'").collect()
    table = ctx.sql(sql).to_arrow_table()
    return time.perf_counter() - t, table


con = duckdb.connect()
for name, path in paths.items():
    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")


def run_duckdb(_, sql):
    t = time.perf_counter()
    table = con.sql(sql).to_arrow_table()
    return time.perf_counter() - t, table


def canon(table):
    """Rows sorted, numbers as floats (DuckDB's doubles against DataFusion's decimals)."""
    def v(x):
        if x is None:
            return None
        if isinstance(x, (int, float)) or type(x).__name__ == "Decimal":
            return float(x)
        return str(x).rstrip(" ")
    key = lambda row: tuple((1, round(x, 2)) if isinstance(x, float) else (2, x) if x is not None else (0, "")
                            for x in row)
    return sorted((tuple(v(x) for x in row) for row in zip(*(c.to_pylist() for c in table.columns))), key=key)


def same(xs, ys):
    close = lambda x, y: math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-2) if isinstance(x, float) else x == y
    return len(xs) == len(ys) and all(len(r) == len(s) and all(close(x, y) for x, y in zip(r, s))
                                      for r, s in zip(xs, ys))


runners = {n: (run_datafusion, c) for n, c in configs.items()}
if not a.no_duckdb:
    runners["duckdb"] = (run_duckdb, None)
times = {n: {} for n in runners}
mismatches = {n: [] for n in runners}
rng = random.Random(0)
for q in queries:
    answers = {}
    for n, (fn, c) in runners.items():
        _, answers[n] = fn(c, sqls[q])  # warm-up, and the answer
    ref = canon(answers.get("duckdb", answers[next(iter(runners))]))
    for n, table in answers.items():
        if not same(canon(table), ref):
            mismatches[n].append(q)
    order = list(runners)
    for _ in range(a.runs):
        rng.shuffle(order)
        for n in order:
            fn, c = runners[n]
            times[n].setdefault(q, []).append(round(fn(c, sqls[q])[0], 4))
    print(f"q{q:02d} " + " ".join(f"{n}={statistics.median(times[n][q]):.3f}" for n in runners),
          file=sys.stderr, flush=True)

totals = {n: round(sum(statistics.median(v) for v in times[n].values()), 3) for n in runners}
base = totals.get("default")
print(f"datafusion {datafusion.__version__}, duckdb {duckdb.__version__}, {os.cpu_count()} cores; "
      f"sum of per-query medians of {a.runs} runs, {len(queries)} queries\n")
print("| configuration | settings | total s | vs default | answers |")
print("|---|---|---:|---:|---|")
for n in sorted(runners, key=lambda n: totals[n]):
    reg, settings = configs.get(n, ("", {}))
    desc = "DuckDB (reference)" if n == "duckdb" else (
        ([f"{reg} registration"] if reg != "parquet" else []) + [f"`{k}={v}`" for k, v in settings.items()])
    desc = desc if isinstance(desc, str) else (", ".join(desc) or "defaults")
    vs = f"{totals[n] / base:.3f}" if base else ""
    ans = "equal" if not mismatches[n] else "differ: " + ",".join(f"q{q}" for q in mismatches[n])
    print(f"| {n} | {desc} | {totals[n]:.3f} | {vs} | {ans} |")
if a.json:
    with open(a.json, "w") as f:
        json.dump({"datafusion_version": datafusion.__version__, "duckdb_version": duckdb.__version__,
                   "nproc": os.cpu_count(), "runs": a.runs, "totals_s": totals, "mismatches": mismatches,
                   "configs": {n: {"registration": c[0], "settings": c[1]} for n, c in configs.items()},
                   "per_query_s": times}, f, indent=1)
