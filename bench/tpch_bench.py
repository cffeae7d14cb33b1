"""TPC-H (22 queries, bench/tpch/queries/) through `lakeops query` against DuckDB on the same
Parquet, same machine, same run; every lakeops answer is checked against DuckDB's.

    python bench/tpch_bench.py --data DIR --lakeops BIN [--runs 5] [--queries 1,3,5] [--json OUT]

DIR holds the eight tables as tpchgen-cli writes them: DIR/lineitem.parquet (one file per
table, the default) or DIR/lineitem/*.parquet (--parts N). lakeops is timed as a whole process
per run (start, register the 8 tables, plan, run, print CSV to a pipe); DuckDB in-process on
the query alone (one connection, views over read_parquet, the result fetched as Arrow), which
favours DuckDB. Each side: one warm-up, then RUNS timed runs; the median is reported.

Answers are equal when row and column counts match and every cell matches in order: numbers
within relative 1e-6 or absolute 1e-2 (decimals, floats, DuckDB's doubles against DataFusion's
decimals), dates as ISO strings, strings without trailing spaces. Where the in-order check fails,
the rows are compared again as sorted rows, and accepted only if the query's ORDER BY columns
still match in order (rows tied on them may come in any order): "yes (ties reordered)". Column names are not compared (`sum(l_quantity)` is named differently by
the two engines).

Prints a markdown table to stdout (progress to stderr) and writes everything to --json.
"""
import argparse, csv, datetime, io, json, math, os, platform, statistics, subprocess, sys, time

import duckdb
import pyarrow as pa

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = ["nation", "region", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
REL, ABS = 1e-6, 1e-2

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--data", required=True, help="TPC-H Parquet: DIR/<table>.parquet or DIR/<table>/*.parquet")
p.add_argument("--lakeops", required=True)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--queries", default="all", help="e.g. 1,3,5 (default: all 22)")
p.add_argument("--queries-dir", default=os.path.join(HERE, "tpch", "queries"))
p.add_argument("--json", help="write the full result here")
a = p.parse_args()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def locate(table):
    """(lakeops --table location, DuckDB read_parquet pattern)."""
    f = os.path.join(a.data, f"{table}.parquet")
    d = os.path.join(a.data, table)
    if os.path.isfile(f):
        return f, f
    if os.path.isdir(d):
        return d, os.path.join(d, "*.parquet")
    sys.exit(f"error: no {f} or {d}/ (generate with bench/tpch.sh)")


queries = list(range(1, 23)) if a.queries == "all" else [int(q) for q in a.queries.split(",")]
locations = {t: locate(t) for t in TABLES}
lakeops_tables = [arg for t in TABLES for arg in ("--table", f"{t}={os.path.abspath(locations[t][0])}")]

con = duckdb.connect()
for t in TABLES:
    con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{locations[t][1]}')")


# --- normalising and comparing answers -------------------------------------------------------

def kind(arrow_type):
    if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "number"
    if pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type):
        return "date"
    return "string"


def norm_duckdb(value, k):
    if value is None:
        return None
    if k == "number":
        return float(value)
    if k == "date":
        return value.isoformat()
    return str(value).rstrip(" ")


def norm_csv(cell, k):
    """A lakeops CSV cell, read as the type DuckDB gave the same column."""
    if k == "number":
        return None if cell == "" else float(cell)
    if k == "date":
        return None if cell == "" else cell
    return cell.rstrip(" ")


def same(x, y):
    if x is None or y is None:
        return x is None and y is None or x == "" or y == ""  # CSV cannot tell "" from NULL
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=REL, abs_tol=ABS)
    return x == y


def sort_key(row):
    # Numbers rounded to the comparison's absolute tolerance, so that 1.0000001 and 1.0 sort alike.
    return tuple((0, "") if v is None else (1, round(v, 2)) if isinstance(v, float) else (2, v) for v in row)


# Output columns (0-based) of each query's ORDER BY, in order: rows may be permuted only where
# these are equal (ties), so a wrong order is still caught.
ORDER_KEYS = {1: [0, 1], 2: [0, 2, 1, 3], 3: [1, 2], 4: [0], 5: [1], 6: [], 7: [0, 1, 2], 8: [0],
              9: [0, 1], 10: [2], 11: [1], 12: [0], 13: [1, 0], 14: [], 15: [0], 16: [3, 0, 1, 2],
              17: [], 18: [4, 3], 19: [], 20: [0], 21: [1, 0], 22: [0]}


def row_equal(x, y):
    return len(x) == len(y) and all(same(u, v) for u, v in zip(x, y))


def first_diff(xs, ys):
    for i, (x, y) in enumerate(zip(xs, ys)):
        if not row_equal(x, y):
            return i
    return None if len(xs) == len(ys) else min(len(xs), len(ys))


def compare(q, expected, got):
    """(equal: "yes" | "yes (ties reordered)" | "no", the first difference or None)."""
    def at(rows, i):
        return rows[i] if i < len(rows) else None

    ncols = len(expected[0]) if expected else None
    if got and ncols is not None and len(got[0]) != ncols:
        return "no", {"problem": f"{len(got[0])} columns, DuckDB has {ncols}"}
    i = first_diff(expected, got)
    if len(expected) != len(got):
        return "no", {"problem": f"{len(got)} rows, DuckDB has {len(expected)}",
                      "row": i, "duckdb": at(expected, i), "lakeops": at(got, i)}
    if i is None:
        return "yes", None
    keys = ORDER_KEYS.get(q)
    if first_diff(sorted(expected, key=sort_key), sorted(got, key=sort_key)) is None:
        key_rows = lambda rows: [tuple(r[k] for k in keys) for r in rows]
        if keys is None or first_diff(key_rows(expected), key_rows(got)) is None:
            return "yes (ties reordered)", None
        j = first_diff(key_rows(expected), key_rows(got))
        return "no", {"problem": f"same rows, but not in ORDER BY order from row {j}",
                      "row": j, "duckdb": expected[j], "lakeops": got[j]}
    return "no", {"problem": f"row {i} differs", "row": i, "duckdb": expected[i], "lakeops": got[i]}


# --- the two tools ----------------------------------------------------------------------------

def run_duckdb(sql):
    t = time.perf_counter()
    table = con.sql(sql).to_arrow_table()
    return time.perf_counter() - t, table


def run_lakeops(path):
    cmd = [a.lakeops, "query", "-f", path, *lakeops_tables, "--format", "csv"]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        return wall, None, f"exit {r.returncode}: {r.stderr.strip()}"
    return wall, r.stdout, None


def median_of(fn, *args):
    first = fn(*args)  # warm-up: page cache, and for lakeops the binary itself
    runs = [fn(*args) for _ in range(a.runs)]
    return [round(r[0], 4) for r in runs], runs[-1], first


results = []
for q in queries:
    path = os.path.join(a.queries_dir, f"q{q:02d}.sql")
    sql = open(path).read()
    d_times, (_, d_table), _ = median_of(run_duckdb, sql)
    kinds = [kind(f.type) for f in d_table.schema]
    expected = [tuple(norm_duckdb(v, k) for v, k in zip(row, kinds))
                for row in zip(*(c.to_pylist() for c in d_table.columns))] if d_table.num_columns else []
    r = {"query": q, "file": os.path.relpath(path, os.path.join(HERE, "..")),
         "duckdb_s": d_times, "duckdb_median_s": round(statistics.median(d_times), 4),
         "rows": d_table.num_rows, "columns": d_table.num_columns}
    warm = run_lakeops(path)
    if warm[2] is not None:
        r.update(lakeops_error=warm[2], equal="error")
        log(f"q{q:02d}: lakeops failed: {warm[2]}")
        results.append(r)
        continue
    l_runs = [run_lakeops(path) for _ in range(a.runs)]
    errors = [e for _, _, e in l_runs if e is not None]
    if errors:
        r.update(lakeops_error=errors[0], equal="error")
        log(f"q{q:02d}: lakeops failed on a timed run: {errors[0]}")
        results.append(r)
        continue
    l_times = [round(w, 4) for w, _, _ in l_runs]
    lines = list(csv.reader(io.StringIO(l_runs[-1][1])))
    header, body = (lines[0], lines[1:]) if lines else ([], [])
    if len(header) != d_table.num_columns:
        equal, diff = "no", {"problem": f"{len(header)} columns, DuckDB has {d_table.num_columns}",
                             "lakeops_header": header, "duckdb_header": d_table.column_names}
    else:
        got = [tuple(norm_csv(c, k) for c, k in zip(row, kinds)) for row in body]
        try:
            equal, diff = compare(q, expected, got)
        except ValueError as e:  # a cell that is not a number where DuckDB has one
            equal, diff = "no", {"problem": f"cannot read lakeops' CSV as DuckDB's types: {e}"}
    r.update(lakeops_s=l_times, lakeops_median_s=round(statistics.median(l_times), 4),
             ratio=round(statistics.median(l_times) / max(statistics.median(d_times), 1e-9), 2),
             equal=equal)
    if diff:
        r["difference"] = diff
        log(f"q{q:02d}: answers differ: {json.dumps(diff, default=str)}")
    log(f"q{q:02d}: duckdb {r['duckdb_median_s']:.3f}s  lakeops {r['lakeops_median_s']:.3f}s  equal={equal}")
    results.append(r)

ok = [r for r in results if "lakeops_median_s" in r]
tot_d = round(sum(r["duckdb_median_s"] for r in ok), 4)
tot_l = round(sum(r["lakeops_median_s"] for r in ok), 4)
try:
    lakeops_version = subprocess.run([a.lakeops, "--version"], capture_output=True, text=True).stdout.strip()
except OSError:
    lakeops_version = None
summary = {
    "machine": {"uname": " ".join(platform.uname()), "nproc": os.cpu_count()},
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "data": os.path.abspath(a.data), "parquet_bytes": {t: sum(
        os.path.getsize(os.path.join(l, f)) for f in os.listdir(l)) if os.path.isdir(l) else os.path.getsize(l)
        for t, (l, _) in locations.items()},
    "duckdb_version": duckdb.__version__, "lakeops_version": lakeops_version, "runs": a.runs,
    "queries": results,
    "totals": {"queries_timed": len(ok), "duckdb_s": tot_d, "lakeops_s": tot_l,
               "lakeops_over_duckdb": round(tot_l / tot_d, 2) if tot_d else None},
    "all_equal": all(r["equal"].startswith("yes") for r in results),
    "failed": [r["query"] for r in results if r["equal"] == "error"],
    "mismatched": [r["query"] for r in results if r["equal"] == "no"],
}
if a.json:
    with open(a.json, "w") as f:
        json.dump(summary, f, indent=1, default=str)

print(f"TPC-H on {a.data}: median of {a.runs} runs after one warm-up; "
      f"DuckDB {duckdb.__version__} in-process, {lakeops_version} as a whole process\n")
print("| query | DuckDB median s | lakeops median s | ratio | answers equal |")
print("|---|---:|---:|---:|---|")
for r in results:
    if "lakeops_median_s" in r:
        print(f"| q{r['query']:02d} | {r['duckdb_median_s']:.3f} | {r['lakeops_median_s']:.3f} | {r['ratio']:.2f} | {r['equal']} |")
    else:
        print(f"| q{r['query']:02d} | {r['duckdb_median_s']:.3f} | failed | | error |")
ratio = f"{tot_l / tot_d:.2f}" if tot_d else "n/a"
print(f"| **total** ({len(ok)} queries) | {tot_d:.3f} | {tot_l:.3f} | {ratio} | "
      f"{'all equal' if summary['all_equal'] else 'NOT all equal'} |")
for r in results:
    if r["equal"] == "error":
        err = r["lakeops_error"]
        print(f"\nq{r['query']:02d}: lakeops failed: {err if len(err) <= 800 else err[:800] + ' ...'}")
    elif r["equal"] == "no":
        print(f"\nq{r['query']:02d}: answers differ: {json.dumps(r['difference'], default=str)}")
sys.exit(0 if summary["all_equal"] else 1)
