"""The real binary as a process: start-up on port 0, configuration by flags and environment,
persistence across restarts, shutdown, and refusal of unusable databases."""
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from trailbox_fixture import TrailboxServer, binary

ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"


class StartUp(unittest.TestCase):
    def test_port_zero_prints_the_address_first_then_json_logs(self):
        server = TrailboxServer().start()
        try:
            self.assertRegex(server.url, r"^http://127\.0\.0\.1:\d+$")
            self.assertNotEqual(server.port, 0)
            server.request("GET", "/_trailbox/health")
            deadline = time.time() + 5
            while time.time() < deadline and not any('"msg":"request"' in line for line in server.logs):
                time.sleep(0.02)
            for line in server.logs:
                json.loads(line)  # every later stdout line is one JSON object
            request_lines = [json.loads(l) for l in server.logs if '"msg":"request"' in l]
            self.assertTrue(request_lines)
            entry = request_lines[-1]
            for key in ("time", "level", "requestId", "operation", "status", "latencyMs", "caller"):
                self.assertIn(key, entry)
        finally:
            self.assertEqual(server.stop(), 0)

    def test_help_version_and_bad_flags(self):
        out = subprocess.run([binary(), "--help"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("--account-id", out.stdout)
        out = subprocess.run([binary(), "--version"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0)
        self.assertIn("trailbox", out.stdout)
        for args in (["--port", "99999"], ["--account-id", "abc"], ["--timings", "run_runing=5"], ["--bogus"]):
            out = subprocess.run([binary()] + args, capture_output=True, text=True)
            self.assertEqual(out.returncode, 2, args)
            self.assertIn("trailbox", out.stderr)
            self.assertEqual(out.stdout, "")

    def test_environment_variables_configure_the_server(self):
        env = {"TRAILBOX_REGION": "eu-west-3", "TRAILBOX_ACCOUNT_ID": "111122223333", "TRAILBOX_LOG_LEVEL": "off",
               "TRAILBOX_TIMINGS": "app_creating=0"}
        with TrailboxServer(env=env) as server:
            status, _, body = server.json("POST", "/applications",
                                          {"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "t1"})
            self.assertEqual(status, 200, body)
            self.assertEqual(body["arn"].split(":")[3:5], ["eu-west-3", "111122223333"])
            status, _, app = server.json("GET", "/applications/" + body["applicationId"])
            self.assertEqual(app["application"]["state"], "CREATED")  # app_creating=0
            self.assertEqual(server.logs, [])  # log level off
            status, _, config = server.json("GET", "/_trailbox/config")
            self.assertEqual(config["defaultRegion"], "eu-west-3")
            self.assertEqual(config["timings"]["app_creating"], 0)

    def test_flags_win_over_environment(self):
        with TrailboxServer("--region", "ap-south-1", env={"TRAILBOX_REGION": "eu-west-3"}) as server:
            _, _, config = server.json("GET", "/_trailbox/config")
            self.assertEqual(config["defaultRegion"], "ap-south-1")

    def test_address_in_use_exits_4(self):
        with TrailboxServer() as first:
            out = subprocess.run([binary(), "--port", str(first.port), "--db", ":memory:"], capture_output=True,
                                 text=True, timeout=10)
            self.assertEqual(out.returncode, 4)
            self.assertIn("bind", out.stderr)


class Persistence(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.db = os.path.join(self.dir, "store.db")

    def test_state_events_and_clock_survive_a_restart_and_lifecycles_continue(self):
        server = TrailboxServer(db=self.db).start()
        _, _, app = server.json("POST", "/applications",
                                {"name": "persist", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "p1"})
        server.advance(2)
        status, _, run = server.json("POST", f"/applications/{app['applicationId']}/jobruns",
                                     {"clientToken": "r1", "executionRoleArn": ROLE,
                                      "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/x.py"}},
                                      "tags": {"trailbox:running-ms": "600000"}})
        self.assertEqual(status, 200, run)
        offset = server.json("GET", "/_trailbox/clock")[2]["offsetMs"]
        self.assertEqual(server.stop(), 0)

        server = TrailboxServer(db=self.db).start()
        try:
            clock = server.json("GET", "/_trailbox/clock")[2]
            self.assertEqual(clock["offsetMs"], offset)
            path = f"/applications/{app['applicationId']}/jobruns/{run['jobRunId']}"
            state = server.json("GET", path)[2]["jobRun"]["state"]
            self.assertIn(state, ("SUBMITTED", "PENDING", "SCHEDULED", "RUNNING"))
            server.advance(60 * 11)  # past the scripted 10 minutes of RUNNING
            job = server.json("GET", path)[2]["jobRun"]
            self.assertEqual(job["state"], "SUCCESS")
            self.assertGreaterEqual(job["totalExecutionDurationSeconds"], 600)
            names = [e["eventName"] for e in server.events(eventSource="emr-serverless.amazonaws.com")]
            self.assertEqual(names[:2], ["CreateApplication", "StartJobRun"])
        finally:
            server.stop()

    def test_a_file_that_is_not_a_trailbox_store_is_refused_untouched(self):
        with open(self.db, "wb") as f:
            f.write(b"this is not sqlite at all" * 100)
        with open(self.db, "rb") as f:
            before = f.read()
        out = subprocess.run([binary(), "--port", "0", "--db", self.db], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 3)
        self.assertIn("cannot open the store", out.stderr)
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_another_sqlite_database_is_refused(self):
        conn = sqlite3.connect(self.db)
        conn.execute("CREATE TABLE customers(id INTEGER)")
        conn.commit()
        conn.close()
        out = subprocess.run([binary(), "--port", "0", "--db", self.db], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 3)
        self.assertIn("not a trailbox store", out.stderr)

    def test_a_store_from_a_newer_trailbox_is_refused_untouched(self):
        TrailboxServer(db=self.db).start().stop()
        conn = sqlite3.connect(self.db)
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
        conn.commit()
        conn.close()
        out = subprocess.run([binary(), "--port", "0", "--db", self.db], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 3)
        self.assertIn("newer trailbox", out.stderr)
        conn = sqlite3.connect(self.db)
        self.assertEqual(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0], "999")
        conn.close()


class Shutdown(unittest.TestCase):
    def test_sigterm_and_sigint_exit_zero_after_answering(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            server = TrailboxServer().start()
            status, _, _ = server.json("POST", "/applications",
                                       {"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "s"})
            self.assertEqual(status, 200)
            started = time.time()
            self.assertEqual(server.stop(sig), 0)
            self.assertLess(time.time() - started, 5)
            self.assertTrue(any('"msg":"stopped"' in line for line in server.logs))


if __name__ == "__main__":
    unittest.main()
