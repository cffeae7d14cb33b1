"""`lakeops cost live` over 200 resources in one region, against moto: requests and time.

    python bench/cost_live.py --lakeops target/release/lakeops [--apps 170] [--pipelines 30]
        [--days 14] [--runs 3]

Starts moto through tests/cli/support/moto_server.py (the test suite's launcher) on a free port,
creates --apps Flink applications and --pipelines Ingestion pipelines, seeds the series of the
first --seeded applications with one hourly datapoint per hour of the window, then runs
`lakeops cost live --json` --runs times with moto's request recorder on. Prints the median wall
time, the GetMetricData requests (lakeops' summary and moto's recording agree) and all requests.
Needs moto[server]==5.2.6 and boto3 (tests/requirements.txt).

Why --seeded defaults to 0: moto's GetMetricData scans every stored datapoint for every period
of every query (moto/cloudwatch/models.py), O(queries x periods x datapoints): 540 series of 336
points each did not finish in 10 minutes. The request count, the figure this measures, does not
depend on the data; a few seeded resources show the per-datapoint cost.
"""
import argparse, datetime, json, os, statistics, subprocess, sys, tempfile, time, urllib.request

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, "..", "tests", "cli", "support", "moto_server.py")

p = argparse.ArgumentParser()
p.add_argument("--lakeops", required=True)
p.add_argument("--apps", type=int, default=170)
p.add_argument("--pipelines", type=int, default=30)
p.add_argument("--days", type=int, default=14)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--seeded", type=int, default=0,
               help="resources (the first applications) given metric datapoints (default 0)")
a = p.parse_args()

tmp = tempfile.mkdtemp()
log = open(os.path.join(tmp, "moto.log"), "w")
env = dict(os.environ, MOTO_RECORDER_FILEPATH=os.path.join(tmp, "recording"))
server = subprocess.Popen([sys.executable, LAUNCHER, "-p", "0", "-H", "127.0.0.1"], stdout=log,
                          stderr=log, env=env, cwd=tmp)
try:
    port = None
    for _ in range(600):
        text = open(os.path.join(tmp, "moto.log")).read()
        if "Running on http://127.0.0.1:" in text:
            port = int(text.split("Running on http://127.0.0.1:")[1].split()[0].strip("/"))
            break
        time.sleep(0.05)
    ep = f"http://127.0.0.1:{port}"
    creds = dict(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    c = lambda name: boto3.client(name, endpoint_url=ep, **creds)
    kda, osis, cw = c("kinesisanalyticsv2"), c("osis"), c("cloudwatch")
    series = []
    for i in range(a.apps):
        name = f"app-{i:03}"
        kda.create_application(
            ApplicationName=name, RuntimeEnvironment="FLINK-1_18",
            ServiceExecutionRole="arn:aws:iam::123456789012:role/flink",
            ApplicationConfiguration={"FlinkApplicationConfiguration": {
                "ParallelismConfiguration": {"ConfigurationType": "CUSTOM", "Parallelism": 4,
                                             "ParallelismPerKPU": 1, "AutoScalingEnabled": False},
                "MonitoringConfiguration": {"ConfigurationType": "DEFAULT"}}})
        for metric, v in (("containerCPUUtilization", 10.0 + i % 70), ("containerMemoryUtilization", 30.0), ("KPUs", 5.0)):
            if i < a.seeded:
                series.append(("AWS/KinesisAnalytics", metric, "Application", name, v))
    body = 'version: "2"\nlog-pipeline:\n  source:\n    http:\n      path: "/logs"\n  sink:\n    - stdout: {}\n'
    for i in range(a.pipelines):
        name = f"pipe-{i:02}"
        osis.create_pipeline(PipelineName=name, MinUnits=1, MaxUnits=8, PipelineConfigurationBody=body)

    now = datetime.datetime.now(datetime.timezone.utc).replace(minute=30, second=0, microsecond=0)
    hours = a.days * 24
    for ns, metric, dim, value, v in series:
        data = [{"MetricName": metric, "Dimensions": [{"Name": dim, "Value": value}],
                 "Timestamp": now - datetime.timedelta(hours=h + 1), "Value": v} for h in range(hours)]
        for i in range(0, len(data), 1000):
            cw.put_metric_data(Namespace=ns, MetricData=data[i:i + 1000])
    print(f"created {a.apps} applications and {a.pipelines} pipelines; seeded {len(series)} series x {hours} hourly points", file=sys.stderr)

    def moto_api(path):
        urllib.request.urlopen(urllib.request.Request(ep + path, method="POST" if "download" not in path else "GET")).read()

    lakeops_env = dict(os.environ, AWS_ENDPOINT_URL=ep, AWS_ACCESS_KEY_ID="testing",
                       AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1")
    lakeops_env.pop("AWS_PROFILE", None)
    times = []
    for run in range(a.runs):
        moto_api("/moto-api/recorder/reset-recording")
        moto_api("/moto-api/recorder/start-recording")
        t = time.perf_counter()
        out = subprocess.run([a.lakeops, "cost", "live", "--json", "--days", str(a.days)],
                             env=lakeops_env, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        moto_api("/moto-api/recorder/stop-recording")
        if out.returncode != 0:
            sys.exit(f"lakeops exited {out.returncode}: {out.stderr}")
        summary = json.loads(out.stdout.splitlines()[-1])
        recorded = urllib.request.urlopen(ep + "/moto-api/recorder/download-recording").read().decode()
        requests = [json.loads(l) for l in recorded.splitlines() if l.strip()]
        metric_calls = sum(1 for r in requests if r.get("url", "").endswith("/GetMetricData"))
        assert metric_calls == summary["get_metric_data_requests"], (metric_calls, summary)
    verdicts = {}
    for line in out.stdout.splitlines()[:-1]:
        r = json.loads(line)
        verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    print(f"resources: {summary['resources']}; verdicts: {json.dumps(verdicts, sort_keys=True)}")
    print(f"GetMetricData requests: {summary['get_metric_data_requests']} ({a.apps * 3 + a.pipelines} series, {len(series)} with data); all requests: {len(requests)}")
    print(f"wall: median {statistics.median(times):.2f} s over {a.runs} runs ({', '.join(f'{t:.2f}' for t in times)})")
finally:
    server.terminate()
    server.wait()
