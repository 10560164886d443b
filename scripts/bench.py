#!/usr/bin/env python3
"""trailbox benchmark: throughput, latency and memory of the real server, side by side with a
no-op server built from the same server layer (the ceiling on this machine) and, when it is
installed, moto's EMR Serverless server.

Measures with wrk (Debian package `wrk`): requests/s, p50 and p99 latency at a given concurrency,
and the server's peak RSS, for CreateApplication, StartJobRun, GetJobRun, GetApplication,
ListJobRuns and LookupEvents (by EventName, by ResourceName, by AccessKeyId, time window only) on
an empty store and on a store holding --events events (default 1,000,000, preloaded with
scripts/bench/trailbox_bench_load); plus start-up time to the first answered request, idle RSS and
bytes per event on disk.

Usage: scripts/bench.py [--duration 10] [--connections 16] [--threads 2] [--events 1000000]
                        [--build build] [--skip-moto] [--quick]
Output: one line per measurement (stable format, tab-separated), then the ratios.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"
CT_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
# Every request carries a SigV4 Authorization header like the SDKs send (moto needs one to find the
# region; trailbox parses it into the caller's identity). Signatures are not checked by either.
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/{service}/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)

LUA_COUNTER = """
counter = 0
local salt = tostring(math.random(1, 1000000000))
"""


def emr_headers():
    return "{['Content-Type']='application/json',['Authorization']='" + AUTH.format(service="emr-serverless") + "'}"


def lua_post(path, body_expr, headers=None):
    headers = headers or emr_headers()
    return LUA_COUNTER + f"""
request = function()
  counter = counter + 1
  return wrk.format("POST", "{path}", {headers}, {body_expr})
end
"""


def lua_get(path):
    return f"""
request = function()
  return wrk.format("GET", "{path}", {emr_headers()})
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET", body=None, headers=None):
    headers = dict(headers or {})
    headers.setdefault("Authorization", AUTH.format(service="emr-serverless"))
    headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=body.encode() if body else None, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


def rss_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Process:
    def __init__(self, cmd, env=None, address_line=True, port=None):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        if address_line:
            self.url = self.proc.stdout.readline().strip()
        else:
            self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                http(self.url + ("/_trailbox/health" if address_line else "/moto-api/"))
                break
            except Exception:
                time.sleep(0.05)

    def peak_rss_mb(self):
        return rss_kb(self.proc.pid, "VmHWM") / 1024

    def rss_mb(self):
        return rss_kb(self.proc.pid, "VmRSS") / 1024

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(url, script, args, tmp):
    path = os.path.join(tmp, "bench.lua")
    with open(path, "w") as f:
        f.write(script)
    out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                          "-s", path, url], capture_output=True, text=True).stdout

    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value = float(m.group(1))
        return value / 1000 if m.group(2) == "us" else value * 1000 if m.group(2) == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50": latency(50), "p99": latency(99),
            "errors": int(non2xx.group(1)) if non2xx else 0}


def report(rows, name, result, rss=None):
    rows[name] = result
    extra = f"\t{rss:.1f}" if rss is not None else "\t-"
    print(f"{name:<44}\t{result['rps']:>10.0f}\t{result['p50']:>8.3f}\t{result['p99']:>8.3f}{extra}"
          f"\t{result['errors']}", flush=True)


def emr_workload(base, app_id, run_id, prefix=""):
    token = '"t" .. counter .. "-" .. salt'
    return {
        f"{prefix}CreateApplication": lua_post(
            "/applications",
            '\'{"name":"bench","releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"\' .. ' + token + ' .. \'"}\''),
        f"{prefix}StartJobRun": lua_post(
            f"/applications/{app_id}/jobruns",
            '\'{"clientToken":"\' .. ' + token + ' .. \'","executionRoleArn":"' + ROLE +
            '","jobDriver":{"sparkSubmit":{"entryPoint":"s3://bucket/job.py"}}}\''),
        f"{prefix}GetJobRun": lua_get(f"/applications/{app_id}/jobruns/{run_id}"),
        f"{prefix}GetApplication": lua_get(f"/applications/{app_id}"),
        f"{prefix}ListJobRuns": lua_get(f"/applications/{app_id}/jobruns?maxResults=50"),
    }


def lookup_workload(prefix, resource_arn):
    def body(attrs):
        payload = {"MaxResults": 50}
        if attrs:
            payload["LookupAttributes"] = [attrs]
        else:
            now = time.time()
            payload["StartTime"] = int(now - 30 * 86400)
            payload["EndTime"] = int(now - 29 * 86400)
        return "'" + json.dumps(payload) + "'"
    headers = ("{['Content-Type']='application/x-amz-json-1.1',['X-Amz-Target']='" + CT_TARGET +
               "',['Authorization']='" + AUTH.format(service="cloudtrail") + "'}")
    return {
        f"{prefix}LookupEvents EventName": lua_post("/", body({"AttributeKey": "EventName",
                                                               "AttributeValue": "CreateApplication"}), headers),
        f"{prefix}LookupEvents ResourceName": lua_post("/", body({"AttributeKey": "ResourceName",
                                                                  "AttributeValue": resource_arn}), headers),
        f"{prefix}LookupEvents AccessKeyId": lua_post("/", body({"AttributeKey": "AccessKeyId",
                                                                 "AttributeValue": "AKIABENCH00000000007"}), headers),
        f"{prefix}LookupEvents time window": lua_post("/", body(None), headers),
    }


def seed_app(url):
    _, body = http(url + "/applications", "POST", json.dumps(
        {"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": f"seed-{time.time()}"}))
    app = json.loads(body)["applicationId"]
    _, body = http(url + f"/applications/{app}/jobruns", "POST", json.dumps(
        {"clientToken": f"seed-run-{time.time()}", "executionRoleArn": ROLE,
         "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/x.py"}}}))
    run = json.loads(body)["jobRunId"]
    return app, run


def startup_ms(binary, tmp, samples=15):
    times = []
    for i in range(samples):
        db = os.path.join(tmp, f"startup-{i}.db")
        port = free_port()
        start = time.perf_counter()
        proc = subprocess.Popen([binary, "--port", str(port), "--db", db, "--log-level", "off"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"GET /_trailbox/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(16).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                time.sleep(0.0005)
        times.append((time.perf_counter() - start) * 1000)
        idle = rss_kb(proc.pid, "VmRSS") / 1024
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    return statistics.median(times), idle


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 s per measurement, 100,000 events")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.events = 3, 100_000
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is missing (apt-get install wrk)")
    binary = os.path.join(args.build, "server", "trailbox")
    loader = os.path.join(args.build, "scripts", "bench", "trailbox_bench_load")
    for path in (binary, loader):
        if not os.path.exists(path):
            sys.exit(f"bench: {path} is missing; build first (scripts/build.sh)")
    tmp = tempfile.mkdtemp(prefix="trailbox-bench-")
    rows = {}
    print(f"# trailbox benchmark: wrk -t{args.threads} -c{args.connections} -d{args.duration}s, "
          f"{os.cpu_count()} CPUs, store of {args.events} events")
    print(f"{'measurement':<44}\t{'req/s':>10}\t{'p50 ms':>8}\t{'p99 ms':>8}\tpeak RSS MB\tnon-2xx")
    try:
        # 1. The ceiling: the same HTTP layer answering a fixed 200.
        noop = Process([binary, "--port", "0", "--db", ":memory:", "--noop", "--log-level", "off"])
        report(rows, "ceiling: no-op server (same server layer)", wrk(noop.url, lua_get("/"), args, tmp),
               noop.peak_rss_mb())
        noop.stop()

        # 2. moto, when installed.
        moto_ok = not args.skip_moto and subprocess.run([sys.executable, "-c", "import moto.server"],
                                                       capture_output=True).returncode == 0
        if moto_ok:
            port = free_port()
            moto = Process([sys.executable, "-m", "moto.server", "-p", str(port)], address_line=False, port=port)
            app, run = seed_app(moto.url)
            for name, script in emr_workload(moto.url, app, run, "moto: ").items():
                if "GetApplication" in name:
                    continue
                report(rows, name, wrk(moto.url, script, args, tmp), moto.peak_rss_mb())
            moto.stop()
        else:
            print("# moto not available: skipped")

        # 3. trailbox on an empty store, then on a store holding --events events.
        for label, preload in (("empty", 0), (f"{args.events // 1000}k events", args.events)):
            db = os.path.join(tmp, f"store-{preload}.db")
            if preload:
                started = time.time()
                subprocess.run([loader, db, str(preload)], check=True, capture_output=True)
                print(f"# preloaded {preload} events in {time.time() - started:.1f} s")
            server = Process([binary, "--port", "0", "--db", db, "--log-level", "off"])
            app, run = seed_app(server.url)
            http(server.url + "/_trailbox/clock", "POST", json.dumps({"seconds": 10}))
            prefix = f"trailbox ({label}): "
            for name, script in emr_workload(server.url, app, run, prefix).items():
                report(rows, name, wrk(server.url, script, args, tmp), server.peak_rss_mb())
            resource = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00bench000000007"
            for name, script in lookup_workload(prefix, resource).items():
                report(rows, name, wrk(server.url, script, args, tmp), server.peak_rss_mb())
            rss = server.rss_mb()
            server.stop()
            if preload:
                size = sum(os.path.getsize(db + suffix) for suffix in ("", "-wal") if os.path.exists(db + suffix))
                import sqlite3
                conn = sqlite3.connect(db)
                count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
                conn.close()
                print(f"store bytes per event ({count} events)\t{size / count:.0f}")
                print(f"RSS after the runs on {label} (MB)\t{rss:.1f}")

        # 4. Start-up and idle memory.
        startup, idle = startup_ms(binary, tmp)
        print(f"start-up to first answered request (ms, median of 15)\t{startup:.1f}")
        print(f"idle RSS (MB)\t{idle:.1f}")

        # 5. Ratios.
        ceiling = rows["ceiling: no-op server (same server layer)"]["rps"]
        print("# ratios (req/s): trailbox / ceiling, trailbox / moto")
        for name, row in rows.items():
            if not name.startswith("trailbox"):
                continue
            op = name.split(": ", 1)[1]
            moto_row = rows.get(f"moto: {op}")
            vs_moto = f"{row['rps'] / moto_row['rps']:.1f}x" if moto_row and moto_row["rps"] else "-"
            print(f"{name:<44}\t{row['rps'] / ceiling * 100:5.1f}% of ceiling\t{vs_moto} moto")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
