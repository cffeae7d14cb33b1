"""`lakeops convert` through S3 (a local moto server) against local files, and resume after a kill.

    python bench/convert_s3.py --lakeops target/release/lakeops --data /tmp/oscar [--runs 3]

Needs boto3 and moto[server] in this Python. Steps, on the clean corpus ($DATA/clean/*.jsonl.zst):

1. local -> local and S3 -> S3 (moto on 127.0.0.1, the same objects), RUNS times each, median
   wall time: the S3 overhead. moto is a Python server, so this measures lakeops' S3 path
   (streamed GETs, multipart PUTs, manifest) against a slow S3, an upper bound on the overhead.
2. Resume: a clean S3 -> S3 run (time T); a run killed (SIGKILL) once half the inputs are in the
   manifest (time t1), then the same command again (time t2). Reports (t1 + t2) / T (target
   <= 1.1), the inputs skipped by the rerun, and whether the output equals the clean run's
   (keys and ETags: single-part objects' ETags are MD5s of identical bytes).

Prints one JSON document.
"""
import argparse, glob, json, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time

import boto3

p = argparse.ArgumentParser()
p.add_argument("--lakeops", required=True)
p.add_argument("--data", required=True)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--jobs", type=int, default=2)
a = p.parse_args()

files = sorted(glob.glob(os.path.join(a.data, "clean", "*.jsonl.zst")))
if not files:
    sys.exit(f"no shards in {a.data}/clean; run bench/convert.sh --steps setup,gen first")
work = tempfile.mkdtemp(prefix="lakeops-s3-bench-")

log_path = os.path.join(work, "moto.log")
moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", "0", "-H", "127.0.0.1"],
                        stdout=open(log_path, "w"), stderr=subprocess.STDOUT, cwd=work)
try:
    deadline = time.time() + 60
    port = None
    while port is None:
        m = re.search(r"Running on http://127\.0\.0\.1:(\d+)", open(log_path).read())
        if m:
            port = int(m.group(1))
        elif time.time() > deadline or moto.poll() is not None:
            sys.exit("moto did not start:\n" + open(log_path).read())
        else:
            time.sleep(0.05)
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="bench",
               AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               LAKEOPS_NO_PROGRESS="1")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        env.pop(var, None)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench")
    for _ in range(100):
        try:
            s3.create_bucket(Bucket="bench")
            break
        except Exception:
            time.sleep(0.1)
    for f in files:
        s3.upload_file(f, "bench", "in/" + os.path.basename(f))
    in_bytes = sum(os.path.getsize(f) for f in files)

    def lakeops(*args, check=True):
        t = time.perf_counter()
        r = subprocess.run([a.lakeops, "convert", *args, "-q", "--json", "-j", str(a.jobs)],
                           env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
        if check and r.returncode != 0:
            sys.exit(f"lakeops failed ({r.returncode}): {r.stderr}")
        summary = json.loads(r.stdout.strip().splitlines()[-1]) if r.stdout.strip() else {}
        return wall, summary

    local, remote = [], []
    for _ in range(a.runs):
        shutil.rmtree(os.path.join(work, "local"), ignore_errors=True)
        local.append(lakeops(*files, "-o", os.path.join(work, "local"), "--overwrite")[0])
        remote.append(lakeops("s3://bench/in/", "-o", "s3://bench/out/", "--overwrite")[0])
    uncompressed = lakeops("s3://bench/in/", "-o", "s3://bench/out/", "--overwrite")[1]["bytes_uncompressed"]

    def listing(prefix):
        keys = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix=prefix):
            for o in page.get("Contents", []):
                rel = o["Key"][len(prefix):]
                if not rel.startswith("_"):
                    keys[rel] = o["ETag"]
        return keys

    def manifest_entries(prefix):
        r = s3.list_objects_v2(Bucket="bench", Prefix=prefix + "_lakeops/manifest/")
        return r.get("KeyCount", 0)

    # Resume: clean reference, then kill at half, then rerun.
    clean_t, _ = lakeops("s3://bench/in/", "-o", "s3://bench/clean/", "--overwrite")
    t = time.perf_counter()
    child = subprocess.Popen([a.lakeops, "convert", "s3://bench/in/", "-o", "s3://bench/resume/", "-q",
                              "-j", str(a.jobs)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    half = (len(files) + 1) // 2
    while manifest_entries("resume/") < half and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    killed_t = time.perf_counter() - t
    done_at_kill = manifest_entries("resume/")
    rerun_t, rerun = lakeops("s3://bench/in/", "-o", "s3://bench/resume/")
    same = listing("resume/") == listing("clean/")
    result = {
        "inputs": len(files), "bytes_in": in_bytes, "bytes_uncompressed": uncompressed,
        "jobs": a.jobs, "runs": a.runs,
        "local_s": [round(x, 3) for x in local], "s3_s": [round(x, 3) for x in remote],
        "local_median_s": round(statistics.median(local), 3),
        "s3_median_s": round(statistics.median(remote), 3),
        "local_mb_per_s": round(uncompressed / statistics.median(local) / 1e6, 1),
        "s3_mb_per_s": round(uncompressed / statistics.median(remote) / 1e6, 1),
        "s3_overhead": round(statistics.median(remote) / statistics.median(local), 2),
        "resume": {
            "clean_s": round(clean_t, 3), "killed_after_s": round(killed_t, 3),
            "done_at_kill": done_at_kill, "rerun_s": round(rerun_t, 3),
            "rerun_skipped": rerun.get("skipped_inputs"),
            "total_over_clean": round((killed_t + rerun_t) / clean_t, 2),
            "output_equals_clean_run": same,
        },
    }
    print(json.dumps(result, indent=1))
finally:
    moto.terminate()
    moto.wait()
    shutil.rmtree(work, ignore_errors=True)
