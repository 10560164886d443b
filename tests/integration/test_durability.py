"""Durability of the real binary under load: SIGKILL mid-load, restart on the same database, and
check that the store holds exactly the calls that really happened, each one whole.

The contract (README, store/store.hpp): a call's state change and its CloudTrail event commit in one
transaction before the response is sent. So after a crash:
  * every call that got a 200 has its resource (or tag) and exactly one event with its requestID;
  * every stored event belongs to a call the test really made;
  * a call cut off before its response may or may not have happened, but never half: a resource
    without its event, or an event without its resource, is a failure.

Resources are read straight from the SQLite file (read-only connection; the server's own view, with
no limit on how many) and cross-checked through the API on a sample; events are read through
/_trailbox/events (no recording). The random seed of each run is printed so a failure can be
replayed with TRAILBOX_DURABILITY_SEED.
"""
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

from trailbox_fixture import TrailboxServer

ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"
ACCOUNT = "123456789012"
REGION = "us-east-1"
# Apps are CREATED/STARTED at once; job runs stay RUNNING for 10 emulated minutes, so they are still
# active after each restart and the last check can see them finish by moving the clock.
TIMINGS = "app_creating=0,app_starting=0,app_stopping=0,run_running=600000"
ACTIVE_RUN_STATES = ("SUBMITTED", "PENDING", "SCHEDULED", "RUNNING")
CLIENT_ERRORS = (OSError, http.client.HTTPException)


def app_arn(app_id):
    return f"arn:aws:emr-serverless:{REGION}:{ACCOUNT}:/applications/{app_id}"


# --- the ledger: what the test sent and what it was told ---------------------------------------

class Ledger:
    """Every mutating call the test made, keyed by its unique token. status is the HTTP status of a
    complete response, or None when no complete response arrived (the call may or may not have
    happened)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.creates = {}   # clientToken -> {"status", "appId", "rid", "arn"}
        self.runs = {}      # clientToken -> {"status", "appId", "runId", "rid"}
        self.tags = {}      # tag key -> {"status", "arn", "rid"}
        self.precreated = set()  # ids of the apps the job runs go to

    def add(self, table, key, entry):
        with self.lock:
            assert key not in table, f"token reused: {key}"
            table[key] = entry

    def counts(self):
        def summary(table):
            out = {}
            for e in table.values():
                out[e["status"]] = out.get(e["status"], 0) + 1
            return out
        return {"creates": summary(self.creates), "runs": summary(self.runs), "tags": summary(self.tags)}


def call(conn, method, path, body):
    """One request on a keep-alive connection: (status, headers, parsed body). Raises on any
    transport failure, including a response cut off in the middle."""
    data = json.dumps(body) if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    resp = conn.getresponse()
    raw = resp.read()  # IncompleteRead if the server died mid-body
    headers = {k.lower(): v for k, v in resp.getheaders()}
    parsed = json.loads(raw) if raw else None
    return resp.status, headers, parsed


def create_application(conn, ledger, token):
    entry = {"status": None, "appId": None, "rid": None, "arn": None}
    ledger.add(ledger.creates, token, entry)
    status, headers, body = call(conn, "POST", "/applications",
                                 {"name": token, "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": token})
    entry.update(rid=headers.get("x-amzn-requestid"))
    if status == 200:
        entry.update(appId=body["applicationId"], arn=body["arn"])
    entry["status"] = status  # last: a status means the whole response was read
    return entry


class LoadWorker(threading.Thread):
    """Drives CreateApplication, StartJobRun (on the pre-created STARTED apps) and TagResource (on
    apps this worker created) until told to stop; every call lands in the ledger."""

    def __init__(self, server, ledger, prefix, rng_seed, stop_event, run_apps):
        super().__init__(daemon=True)
        self.host, self.port = server.host, server.port
        self.ledger = ledger
        self.prefix = prefix
        self.rng = random.Random(rng_seed)
        self.stop_event = stop_event
        self.run_apps = run_apps
        self.own_apps = []
        self.n = 0
        self.completed = 0
        self.failures = 0
        self.unexpected = []

    def token(self):
        self.n += 1
        return f"{self.prefix}-{self.n:05d}"

    def run(self):
        conn = None
        while not self.stop_event.is_set():
            if conn is None:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                try:
                    conn.connect()  # refused: nothing was sent, so nothing goes in the ledger
                except OSError:
                    conn.close()
                    conn = None
                    time.sleep(0.005)
                    continue
            try:
                self.one(conn)
                self.completed += 1
            except CLIENT_ERRORS:
                # The server is gone (or closed this connection): the call's outcome is unknown.
                self.failures += 1
                conn.close()
                conn = None
                time.sleep(0.005)
        if conn is not None:
            conn.close()

    def one(self, conn):
        r = self.rng.random()
        if r < 0.25 and self.run_apps:
            token = self.token()
            app_id = self.rng.choice(self.run_apps)
            entry = {"status": None, "appId": app_id, "runId": None, "rid": None}
            self.ledger.add(self.ledger.runs, token, entry)
            status, headers, body = call(conn, "POST", f"/applications/{app_id}/jobruns", {
                "clientToken": token, "name": token, "executionRoleArn": ROLE,
                "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}})
            entry["rid"] = headers.get("x-amzn-requestid")
            if status == 200:
                entry["runId"] = body["jobRunId"]
            entry["status"] = status
        elif r < 0.45 and self.own_apps:
            key = "k-" + self.token()
            arn = self.rng.choice(self.own_apps[-20:])
            entry = {"status": None, "arn": arn, "rid": None}
            self.ledger.add(self.ledger.tags, key, entry)
            status, headers, _ = call(conn, "POST", "/tags/" + urllib.parse.quote(arn, safe=""),
                                      {"tags": {key: "v"}})
            entry["rid"] = headers.get("x-amzn-requestid")
            entry["status"] = status
        else:
            entry = create_application(conn, self.ledger, self.token())
            status = entry["status"]
            if status == 200:
                self.own_apps.append(entry["arn"])
        if status != 200:
            self.unexpected.append(status)


# --- reading the store back ---------------------------------------------------------------------

def all_events(server):
    """Every stored event, oldest first, through the admin endpoint (which records nothing)."""
    records, after = [], 0
    while True:
        status, headers, data = server.request("GET", f"/_trailbox/events?limit=10000&after={after}")
        assert status == 200, data[:500]
        page = json.loads(data)["Records"]  # must be valid JSON
        records.extend(page)
        if len(page) < 10000:
            return records
        after = int(headers["x-trailbox-last-seq"])


def read_store(db_path):
    """Resources and raw event columns straight from the file, with a read-only connection."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        resources = {}
        for kind, rid, parent, token, doc in conn.execute(
                "SELECT kind, id, parent_id, client_token, doc FROM resources WHERE kind IN ('application', 'job_run')"):
            resources[(kind, rid)] = {"parent": parent, "token": token, "doc": json.loads(doc)}
        bad_json = []
        for seq, *cols in conn.execute(
                "SELECT seq, request_parameters, response_elements, additional_event_data FROM events"):
            for text in cols:
                if text is None:
                    continue
                try:
                    json.loads(text)
                except ValueError:
                    bad_json.append((seq, text[:200]))
        return integrity, resources, bad_json
    finally:
        conn.close()


class Consistency:
    """Checks the store against the ledger; every assertion names the token or id concerned."""

    def __init__(self, test, server, db_path, ledger):
        self.t = test
        self.server = server
        self.ledger = ledger
        self.events = all_events(server)
        self.integrity, self.resources, self.bad_json = read_store(db_path)

    def check(self):
        t = self.t
        t.assertEqual(self.integrity, ["ok"], "PRAGMA integrity_check")
        t.assertEqual(self.bad_json, [], "stored event columns that are not valid JSON")
        for e in self.events:
            t.assertIsInstance(e, dict)
            for key in ("eventID", "eventName", "eventSource", "eventTime", "requestID", "userIdentity"):
                t.assertIn(key, e)
        by_name = {}
        for e in self.events:
            by_name.setdefault(e["eventName"], []).append(e)
        rids = [e["requestID"] for e in self.events]
        t.assertEqual(len(rids), len(set(rids)), "a requestID recorded twice")
        ids = [e["eventID"] for e in self.events]
        t.assertEqual(len(ids), len(set(ids)), "an eventID recorded twice")
        self.check_creates(by_name.get("CreateApplication", []))
        self.check_runs(by_name.get("StartJobRun", []))
        self.check_tags(by_name.get("TagResource", []))

    def check_creates(self, events):
        t, ledger = self.t, self.ledger
        apps = {rid: r for (kind, rid), r in self.resources.items() if kind == "application"}
        by_token, ok_by_app = {}, {}
        for e in events:
            token = (e.get("requestParameters") or {}).get("clientToken")
            t.assertTrue(token in ledger.creates, f"CreateApplication event for a call never made: {e}")
            by_token.setdefault(token, []).append(e)
            if "errorCode" not in e:
                app_id = e["responseElements"]["applicationId"]
                ok_by_app.setdefault(app_id, []).append(e)
                t.assertTrue(app_id in apps, f"event without its application (half a call): {token} {app_id}")
                t.assertEqual(apps[app_id]["token"], token)
        for token, evs in by_token.items():
            t.assertEqual(len(evs), 1, f"{len(evs)} CreateApplication events for token {token}")
        for app_id, app in apps.items():
            t.assertEqual(len(ok_by_app.get(app_id, [])), 1,
                          f"application {app_id} (token {app['token']}) without exactly one CreateApplication event")
            t.assertTrue(app["token"] in ledger.creates, f"application {app_id} from a call never made")
        for token, entry in ledger.creates.items():
            evs = by_token.get(token, [])
            if entry["status"] == 200:
                t.assertEqual(len(evs), 1, f"acknowledged CreateApplication {token} has no event")
                e = evs[0]
                t.assertNotIn("errorCode", e)
                t.assertEqual(e["requestID"], entry["rid"], token)
                t.assertEqual(e["responseElements"]["applicationId"], entry["appId"], token)
                t.assertTrue(entry["appId"] in apps, f"acknowledged CreateApplication {token} lost its application")
            elif entry["status"] is not None:
                t.assertFalse([a for a in apps.values() if a["token"] == token],
                              f"CreateApplication {token} answered {entry['status']} but created an application")

    def check_runs(self, events):
        t, ledger = self.t, self.ledger
        runs = {rid: r for (kind, rid), r in self.resources.items() if kind == "job_run"}
        by_token, ok_by_run = {}, {}
        for e in events:
            params = e.get("requestParameters") or {}
            token = params.get("clientToken")
            t.assertTrue(token in ledger.runs, f"StartJobRun event for a call never made: {e}")
            t.assertEqual(params.get("applicationId"), ledger.runs[token]["appId"])
            by_token.setdefault(token, []).append(e)
            if "errorCode" not in e:
                run_id = e["responseElements"]["jobRunId"]
                ok_by_run.setdefault(run_id, []).append(e)
                t.assertTrue(run_id in runs, f"StartJobRun event without its job run (half a call): {token} {run_id}")
                t.assertEqual(runs[run_id]["token"], token)
                t.assertEqual(runs[run_id]["parent"], params.get("applicationId"))
        for token, evs in by_token.items():
            t.assertEqual(len(evs), 1, f"{len(evs)} StartJobRun events for token {token}")
        for run_id, run in runs.items():
            t.assertEqual(len(ok_by_run.get(run_id, [])), 1,
                          f"job run {run_id} (token {run['token']}) without exactly one StartJobRun event")
        for token, entry in ledger.runs.items():
            evs = by_token.get(token, [])
            if entry["status"] == 200:
                t.assertEqual(len(evs), 1, f"acknowledged StartJobRun {token} has no event")
                t.assertNotIn("errorCode", evs[0])
                t.assertEqual(evs[0]["requestID"], entry["rid"], token)
                t.assertEqual(evs[0]["responseElements"]["jobRunId"], entry["runId"], token)
                t.assertTrue(entry["runId"] in runs, f"acknowledged StartJobRun {token} lost its job run")
            elif entry["status"] is not None:
                t.assertFalse([r for r in runs.values() if r["token"] == token],
                              f"StartJobRun {token} answered {entry['status']} but created a job run")

    def check_tags(self, events):
        t, ledger = self.t, self.ledger
        apps = {rid: r for (kind, rid), r in self.resources.items() if kind == "application"}
        ok_keys_by_arn, by_key = {}, {}
        for e in events:
            params = e.get("requestParameters") or {}
            keys = list((params.get("tags") or {}).keys())
            t.assertEqual(len(keys), 1, e)
            key = keys[0]
            t.assertTrue(key in ledger.tags, f"TagResource event for a call never made: {e}")
            t.assertEqual(params.get("resourceArn"), ledger.tags[key]["arn"])
            by_key.setdefault(key, []).append(e)
            if "errorCode" not in e:
                ok_keys_by_arn.setdefault(params["resourceArn"], set()).add(key)
        for key, evs in by_key.items():
            t.assertEqual(len(evs), 1, f"{len(evs)} TagResource events for tag {key}")
        for app_id, app in apps.items():
            present = set((app["doc"].get("tags") or {}).keys())
            recorded = ok_keys_by_arn.get(app_arn(app_id), set())
            t.assertEqual(present - recorded, set(), f"tags on {app_id} without a TagResource event (half a call)")
            t.assertEqual(recorded - present, set(), f"TagResource events whose tag is missing on {app_id}")
        for key, entry in ledger.tags.items():
            app_id = entry["arn"].rsplit("/", 1)[1]
            present = key in (apps[app_id]["doc"].get("tags") or {})
            if entry["status"] == 200:
                t.assertEqual(len(by_key.get(key, [])), 1, f"acknowledged TagResource {key} has no event")
                t.assertEqual(by_key[key][0]["requestID"], entry["rid"])
                t.assertTrue(present, f"acknowledged TagResource {key} lost its tag")
            elif entry["status"] is not None:
                t.assertFalse(present, f"TagResource {key} answered {entry['status']} but tagged")

    def check_through_api(self, rng, sample=15):
        """The server itself (not only the file) sees the acknowledged resources."""
        t, ledger = self.t, self.ledger
        acked = [e for e in ledger.creates.values() if e["status"] == 200]
        for entry in rng.sample(acked, min(sample, len(acked))):
            status, _, body = self.server.json("GET", "/applications/" + entry["appId"])
            t.assertEqual(status, 200, body)
            t.assertEqual(body["application"]["applicationId"], entry["appId"])
        acked_runs = [e for e in ledger.runs.values() if e["status"] == 200]
        for entry in rng.sample(acked_runs, min(sample, len(acked_runs))):
            status, _, body = self.server.json("GET", f"/applications/{entry['appId']}/jobruns/{entry['runId']}")
            t.assertEqual(status, 200, body)
        acked_tags = [(k, e) for k, e in ledger.tags.items() if e["status"] == 200]
        for key, entry in rng.sample(acked_tags, min(sample, len(acked_tags))):
            status, _, body = self.server.json("GET", "/tags/" + urllib.parse.quote(entry["arn"], safe=""))
            t.assertEqual(status, 200, body)
            t.assertIn(key, body["tags"])


# --- the tests ----------------------------------------------------------------------------------

class DurabilityBase(unittest.TestCase):
    THREADS = 12

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trailbox-durability-")
        self.db = os.path.join(self.dir, "store.db")
        self.servers = []
        seed = os.environ.get("TRAILBOX_DURABILITY_SEED")
        self.seed = int(seed) if seed else random.randrange(1 << 30)
        print(f"\n{self.id()}: seed {self.seed} (replay with TRAILBOX_DURABILITY_SEED={self.seed})",
              file=sys.stderr, flush=True)
        self.rng = random.Random(self.seed)
        self.ledger = Ledger()

    def tearDown(self):
        for server in self.servers:
            if server.proc and server.proc.poll() is None:
                server.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def start_server(self):
        server = TrailboxServer("--log-level", "warn", "--s3-dir", os.path.join(self.dir, "s3"),
                                db=self.db, timings=TIMINGS).start()
        self.servers.append(server)
        return server

    def precreate(self, server, count=3):
        """STARTED applications for the job runs (and the first entries of the ledger)."""
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        try:
            for i in range(count):
                entry = create_application(conn, self.ledger, f"pre-{i}")
                self.assertEqual(entry["status"], 200)
                status, _, body = call(conn, "POST", f"/applications/{entry['appId']}/start", None)
                self.assertEqual(status, 200, body)
                self.ledger.precreated.add(entry["appId"])
        finally:
            conn.close()
        for app_id in self.ledger.precreated:
            _, _, body = server.json("GET", "/applications/" + app_id)
            self.assertEqual(body["application"]["state"], "STARTED")

    def start_load(self, server, label):
        stop = threading.Event()
        workers = [LoadWorker(server, self.ledger, f"{label}-t{i:02d}", self.rng.randrange(1 << 30), stop,
                              sorted(self.ledger.precreated))
                   for i in range(self.THREADS)]
        for w in workers:
            w.start()
        return stop, workers

    def wait_for_load(self, workers, at_least=20, timeout=10):
        """Waits until the workers got some responses, so the kill lands on a loaded server."""
        deadline = time.time() + timeout
        while sum(w.completed for w in workers) < at_least and time.time() < deadline:
            time.sleep(0.01)
        self.assertGreaterEqual(sum(w.completed for w in workers), at_least, "the load never got going")

    def end_load(self, stop, workers):
        stop.set()
        for w in workers:
            w.join(timeout=30)
            self.assertFalse(w.is_alive(), "a load thread did not stop")
        return [s for w in workers for s in w.unexpected]

    def check(self, server):
        consistency = Consistency(self, server, self.db, self.ledger)
        consistency.check()
        consistency.check_through_api(self.rng)
        return consistency


class SigkillMidLoad(DurabilityBase):
    ROUNDS = 5

    def test_every_acknowledged_call_survives_sigkill_and_nothing_is_half_done(self):
        server = self.start_server()
        self.precreate(server)
        for round_no in range(1, self.ROUNDS + 1):
            stop, workers = self.start_load(server, f"r{round_no}")
            self.wait_for_load(workers)
            time.sleep(self.rng.uniform(0.3, 1.5))
            code = server.kill()
            self.assertEqual(code, -signal.SIGKILL)
            unexpected = self.end_load(stop, workers)
            # Restart on the same database: WAL recovery by the server itself.
            server = self.start_server()
            consistency = self.check(server)
            stored = {(e.get("requestParameters") or {}).get("clientToken") for e in consistency.events}
            unknown = [k for k, e in self.ledger.creates.items() if e["status"] is None]
            print(f"round {round_no}: ledger {self.ledger.counts()}, {len(consistency.events)} events; "
                  f"of {len(unknown)} creates cut off, {sum(k in stored for k in unknown)} had happened (whole)",
                  file=sys.stderr, flush=True)
            # Under SIGKILL a call either gets its 200 or no complete response at all.
            self.assertEqual(unexpected, [], "calls answered with something other than 200")
        self.assertGreater(sum(1 for e in self.ledger.runs.values() if e["status"] == 200), 0)
        self.assertGreater(sum(1 for e in self.ledger.tags.values() if e["status"] == 200), 0)

        # Lifecycles resume from the stored timestamps: job runs acknowledged before the kills are
        # still active (10 emulated minutes of RUNNING) and finish once the clock moves past them.
        acked_runs = [e for e in self.ledger.runs.values() if e["status"] == 200]
        sample = self.rng.sample(acked_runs, min(10, len(acked_runs)))
        for entry in sample:
            _, _, body = server.json("GET", f"/applications/{entry['appId']}/jobruns/{entry['runId']}")
            self.assertIn(body["jobRun"]["state"], ACTIVE_RUN_STATES, entry)
        server.advance(11 * 60)
        for entry in sample:
            _, _, body = server.json("GET", f"/applications/{entry['appId']}/jobruns/{entry['runId']}")
            self.assertEqual(body["jobRun"]["state"], "SUCCESS", entry)
        self.assertEqual(server.stop(), 0)
        integrity, _, _ = read_store(self.db)
        self.assertEqual(integrity, ["ok"])


class SigtermUnderLoad(DurabilityBase):
    def test_sigterm_under_load_exits_zero_in_time_and_every_answer_is_durable(self):
        server = self.start_server()
        self.precreate(server)
        stop, workers = self.start_load(server, "term")
        self.wait_for_load(workers)
        time.sleep(self.rng.uniform(0.3, 1.0))
        started = time.time()
        code = server.stop(signal.SIGTERM, timeout=30)
        elapsed = time.time() - started
        unexpected = self.end_load(stop, workers)
        self.assertEqual(code, 0, f"exit code after SIGTERM under load (stderr: {server.stderr[-5:]})")
        self.assertLess(elapsed, 12, "SIGTERM under load took longer than the shutdown timeout allows")
        print(f"SIGTERM: exited {code} after {elapsed:.2f} s; ledger {self.ledger.counts()}; "
              f"non-200 answers {sorted(set(unexpected), key=str)}", file=sys.stderr, flush=True)
        server = self.start_server()
        self.check(server)
        self.assertEqual(server.stop(), 0)

    # Requests waiting for the store's writer have no Asio operation pending; without a work
    # guard the I/O threads left run() during a graceful stop and their responses were never sent
    # (seen in about 2 of 3 shutdowns under this load; repeated so that a regression is certain).
    def test_sigterm_answers_every_request_in_flight_and_exits_promptly(self):
        attempts = 8
        for attempt in range(attempts):
            self.servers = []
            self.ledger = Ledger()
            self.db = os.path.join(self.dir, f"term-{attempt}.db")
            server = TrailboxServer("--log-level", "warn", "--s3-dir", os.path.join(self.dir, "s3"),
                                    "--shutdown-timeout-ms", "5000", db=self.db, timings=TIMINGS).start()
            self.servers.append(server)
            self.precreate(server)
            stop, workers = self.start_load(server, f"a{attempt}")
            self.wait_for_load(workers)
            time.sleep(self.rng.uniform(0.2, 0.6))
            started = time.time()
            code = server.stop(signal.SIGTERM, timeout=30)
            elapsed = time.time() - started
            self.end_load(stop, workers)
            self.assertEqual(code, 0)
            server = self.start_server()
            consistency = self.check(server)
            committed = {(e.get("requestParameters") or {}).get("clientToken") for e in consistency.events}
            committed |= {k for e in consistency.events if e["eventName"] == "TagResource"
                          for k in (e.get("requestParameters") or {}).get("tags", {})}
            unanswered = sorted(k for table in (self.ledger.creates, self.ledger.runs, self.ledger.tags)
                                for k, entry in table.items() if entry["status"] is None and k in committed)
            self.assertEqual(server.stop(), 0)
            self.assertEqual(unanswered, [], f"attempt {attempt}: calls committed but never answered "
                                             f"(shutdown took {elapsed:.2f} s)")
            self.assertLess(elapsed, 4, f"attempt {attempt}: SIGTERM waited for the shutdown timeout")


class RestartResumesLifecycles(DurabilityBase):
    def test_a_job_run_started_before_a_sigkill_finishes_after_the_restart(self):
        server = self.start_server()
        self.precreate(server, count=1)
        app_id = next(iter(self.ledger.precreated))
        status, _, run = server.json("POST", f"/applications/{app_id}/jobruns", {
            "clientToken": "lifecycle", "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}})
        self.assertEqual(status, 200, run)
        server.advance(5)  # past SUBMITTED/PENDING/SCHEDULED: RUNNING for 10 emulated minutes
        path = f"/applications/{app_id}/jobruns/{run['jobRunId']}"
        self.assertEqual(server.json("GET", path)[2]["jobRun"]["state"], "RUNNING")
        offset = server.json("GET", "/_trailbox/clock")[2]["offsetMs"]
        self.assertEqual(server.kill(), -signal.SIGKILL)

        server = self.start_server()
        self.assertEqual(server.json("GET", "/_trailbox/clock")[2]["offsetMs"], offset)
        self.assertEqual(server.json("GET", path)[2]["jobRun"]["state"], "RUNNING")
        server.advance(11 * 60)
        job = server.json("GET", path)[2]["jobRun"]
        self.assertEqual(job["state"], "SUCCESS")
        self.assertGreaterEqual(job["totalExecutionDurationSeconds"], 600)
        names = [e["eventName"] for e in server.events(eventSource="emr-serverless.amazonaws.com")]
        self.assertEqual(names.count("StartJobRun"), 1)
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
