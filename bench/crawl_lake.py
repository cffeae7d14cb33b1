#!/usr/bin/env python3
"""Generate an IoT-style JSON-lines lake for the crawl benchmark, as files or S3 objects.

  crawl_lake.py --objects 100000 --partitions 720 --records 10 --out DIR
  crawl_lake.py --objects 100 --partitions 10 --records 40000 --s3 s3://bucket/prefix --endpoint-url URL
  crawl_lake.py --tables 50 --objects 2000 --partitions 100 --out DIR   # DIR/t00/ .. DIR/t49/

Objects are gzip JSON lines under year=/month=/day=/hour=/ prefixes; every 7th partition adds a
field, so the crawl merges an evolving schema. Deterministic for given arguments.
"""
import argparse
import concurrent.futures as cf
import gzip
import json
import os
import random


def partition_prefix(i):
    day, hour = divmod(i, 24)
    return f"year=2024/month={1 + day // 28:02d}/day={1 + day % 28:02d}/hour={hour:02d}/"


def body(rng, records, extra):
    lines = []
    for _ in range(records):
        rec = {
            "sensorId": f"s{rng.randrange(10**6)}",
            "sensorType": rng.choice(["temp", "hum", "co2"]),
            "internetIP": ".".join(str(rng.randrange(256)) for _ in range(4)),
            "recordedDate": f"2024-01-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00:00Z",
            "connectionTime": rng.randrange(10**6),
            "currentTemperature": round(rng.uniform(-20, 45), 2),
            "serviceContract": rng.choice(["basic", "gold"]),
            "status": rng.choice(["OK", "FAIL"]),
            "note": "%032x" % rng.getrandbits(128),
        }
        if extra:
            rec["serviceRecommendedDate"] = "2024-03-01"
        lines.append(json.dumps(rec))
    return gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, required=True)
    ap.add_argument("--partitions", type=int, required=True)
    ap.add_argument("--records", type=int, default=10, help="records per object")
    ap.add_argument("--out", help="local directory")
    ap.add_argument("--s3", help="s3://bucket/prefix (bucket is created)")
    ap.add_argument("--endpoint-url")
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--tables", type=int, default=0,
                    help="this many tables t00/, t01/, ... of --objects each (0: one, no folder)")
    args = ap.parse_args()

    def key(i):
        table, i = divmod(i, args.objects)
        folder = f"t{table:02d}/" if args.tables else ""
        p = i % args.partitions
        return p, folder + partition_prefix(p) + f"part-{i:07d}.json.gz"

    count = args.objects * max(args.tables, 1)

    total = 0
    if args.out:
        for i in range(count):
            p, k = key(i)
            path = os.path.join(args.out, k)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            data = body(random.Random(i), args.records, p % 7 == 6)
            with open(path, "wb") as f:
                f.write(data)
            total += len(data)
    else:
        import boto3
        from botocore.config import Config

        bucket, _, prefix = args.s3[len("s3://"):].partition("/")
        prefix = prefix.rstrip("/") + "/" if prefix else ""
        s3 = boto3.client("s3", endpoint_url=args.endpoint_url,
                          config=Config(max_pool_connections=args.threads))
        try:
            s3.create_bucket(Bucket=bucket)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass

        def put(i):
            p, k = key(i)
            data = body(random.Random(i), args.records, p % 7 == 6)
            s3.put_object(Bucket=bucket, Key=prefix + k, Body=data)
            return len(data)

        with cf.ThreadPoolExecutor(args.threads) as pool:
            total = sum(pool.map(put, range(count), chunksize=64))
    print(json.dumps({"objects": count, "bytes": total}))


if __name__ == "__main__":
    main()
