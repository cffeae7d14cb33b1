"""`lakeops query` against DataFusion (the same engine, Python bindings 55) and DuckDB: one
scan-and-aggregate query over the converted OSCAR-like corpus, same machine, same run.

    python bench/query_bench.py --lakeops target/release/lakeops --parquet DIR [--runs 5]

lakeops is timed as a whole process (start, register, plan, run, print CSV); DataFusion and
DuckDB in-process on the query alone (their interpreter start and imports excluded), which
favours them. All three answers must be equal. Prints one JSON document.
"""
import argparse, csv, io, json, os, statistics, subprocess, time

import datafusion
import duckdb

p = argparse.ArgumentParser()
p.add_argument("--lakeops", required=True)
p.add_argument("--parquet", required=True, help="directory of Parquet files written by lakeops convert")
p.add_argument("--runs", type=int, default=5)
a = p.parse_args()

SQL = ("select metadata.identification.label as lang, count(*) as n, sum(length(content)) as chars "
       "from docs group by lang order by n desc, lang")
files = sorted(os.path.join(a.parquet, f) for f in os.listdir(a.parquet) if f.endswith(".parquet"))
size = sum(os.path.getsize(f) for f in files)


def norm(rows):
    return [(str(l), int(n), int(c)) for l, n, c in rows]


def run_lakeops():
    t = time.perf_counter()
    r = subprocess.run([a.lakeops, "query", SQL, "--table", f"docs={a.parquet}", "--output", "csv"],
                       capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    rows = list(csv.reader(io.StringIO(r.stdout)))[1:]
    return wall, norm(rows)


def run_datafusion():
    ctx = datafusion.SessionContext()
    ctx.register_parquet("docs", a.parquet)
    t = time.perf_counter()
    table = ctx.sql(SQL).to_arrow_table()
    wall = time.perf_counter() - t
    return wall, norm(zip(*(table.column(i).to_pylist() for i in range(3))))


def run_duckdb():
    con = duckdb.connect()
    q = SQL.replace("from docs", f"from read_parquet('{a.parquet}/*.parquet')")
    t = time.perf_counter()
    rows = con.sql(q).fetchall()
    wall = time.perf_counter() - t
    return wall, norm(rows)


tools = {"lakeops": run_lakeops, "datafusion": run_datafusion, "duckdb": run_duckdb}
times, answers = {}, {}
for name, fn in tools.items():
    fn()  # warm the page cache and the process
    results = [fn() for _ in range(a.runs)]
    times[name] = [round(w, 4) for w, _ in results]
    answers[name] = results[-1][1]
same = answers["lakeops"] == answers["datafusion"] == answers["duckdb"]
med = {k: statistics.median(v) for k, v in times.items()}
print(json.dumps({
    "sql": SQL, "files": len(files), "parquet_bytes": size, "runs": a.runs,
    "datafusion_version": datafusion.__version__, "duckdb_version": duckdb.__version__,
    "seconds": times, "median_s": {k: round(v, 4) for k, v in med.items()},
    "lakeops_over_datafusion": round(med["lakeops"] / med["datafusion"], 2),
    "lakeops_over_duckdb": round(med["lakeops"] / med["duckdb"], 2),
    "answers_equal": same, "groups": len(answers["lakeops"]),
}, indent=1))
