"""End to end with the AWS CLI: every one of the 22 EMR Serverless operations as
`aws emr-serverless <command>` (JSON output parsed), the resourceArn commands, error exits (255 and
"An error occurred (Code) when calling the Op operation: ..." on stderr) and the CLI's own
pagination (--page-size sends maxResults and follows nextToken; --max-items/--starting-token).

Data the CLI is not under test for (many applications to page through) is made with boto3, which
is much faster to call; lifecycles move on the emulated clock (POST /_trailbox/clock).
"""
import datetime
import json
import subprocess
import unittest
import urllib.parse

from trailbox_fixture import TrailboxServer, aws_env, boto3_client

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/EMRServerlessRole"
DRIVER = json.dumps({"sparkSubmit": {"entryPoint": "s3://bucket/job.py",
                                     "sparkSubmitParameters": "--conf spark.executor.cores=2"}})
RESOURCE_ID = r"^00[0-9a-z]{14}$"
# A CLI call takes about a second of real time (which the emulated clock follows): every state
# lasts 10 s or more so that checks made a few seconds into a state are far from its end.
LONG_TIMINGS = ("app_creating=10000,app_starting=10000,app_stopping=10000,"
                "run_submitted=10000,run_pending=10000,run_scheduled=10000,run_running=60000,run_cancelling=10000,"
                "session_starting=10000,session_started=10000,session_terminating=10000")


def app_arn(app):
    return f"arn:aws:emr-serverless:{REGION}:{ACCOUNT}:/applications/{app}"


class CliCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = TrailboxServer(timings=LONG_TIMINGS).start()
        cls.addClassCleanup(cls.server.stop)
        cls.emr = boto3_client(cls.server, "emr-serverless")
        cls.addClassCleanup(cls.emr.close)

    def setUp(self):
        self.server.reset()

    def run_cli(self, *args):
        cmd = ["aws", "--endpoint-url", self.server.url, "--output", "json", "emr-serverless"] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, env=aws_env(region=REGION), timeout=120)

    def aws(self, *args):
        """Runs `aws emr-serverless ...`; returns the parsed JSON output ({} when it printed nothing)."""
        proc = self.run_cli(*args)
        if proc.returncode != 0:
            raise AssertionError(f"aws emr-serverless {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    def aws_error(self, code, operation, *args):
        """Runs a command that must fail with `code`; returns the message."""
        proc = self.run_cli(*args)
        self.assertEqual(proc.returncode, 255, proc.stdout + proc.stderr)
        self.assertEqual(proc.stdout, "")
        prefix = f"An error occurred ({code}) when calling the {operation} operation: "
        line = proc.stderr.strip().splitlines()[-1]
        self.assertTrue(line.startswith(prefix), proc.stderr)
        return line[len(prefix):]

    def now(self):
        return self.server.json("GET", "/_trailbox/clock")[2]["nowMs"] / 1000.0

    def at(self, t0, seconds):
        delta_ms = int(round((t0 + seconds - self.now()) * 1000))
        if delta_ms > 0:
            self.server.json("POST", "/_trailbox/clock", {"ms": delta_ms})

    def events(self, name):
        return self.server.events(eventName=name)


class CliOperations(CliCase):
    def test_application_commands(self):
        created = self.aws("create-application", "--name", "cli-app", "--release-label", "emr-7.1.0",
                           "--type", "SPARK", "--tags", "team=data,env=test",
                           "--auto-stop-configuration", "enabled=true,idleTimeoutMinutes=20",
                           "--initial-capacity", json.dumps({"Driver": {"workerCount": 1, "workerConfiguration": {
                               "cpu": "4 vCPU", "memory": "16 GB"}}}),
                           "--client-token", "cli-create-1")
        app = created["applicationId"]
        self.assertRegex(app, RESOURCE_ID)
        self.assertEqual(created, {"applicationId": app, "name": "cli-app", "arn": app_arn(app)})

        got = self.aws("get-application", "--application-id", app)["application"]
        t0 = got["createdAt"]
        self.assertIsInstance(t0, float)
        self.assertEqual(got, {
            "applicationId": app, "name": "cli-app", "arn": app_arn(app), "releaseLabel": "emr-7.1.0",
            "type": "Spark", "state": "CREATING", "createdAt": t0, "updatedAt": t0,
            "tags": {"team": "data", "env": "test"}, "autoStartConfiguration": {"enabled": True},
            "autoStopConfiguration": {"enabled": True, "idleTimeoutMinutes": 20}, "architecture": "X86_64",
            "initialCapacity": {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4 vCPU",
                                                                                     "memory": "16 GB"}}}})
        self.at(t0, 15)

        listed = self.aws("list-applications")
        self.assertEqual([(a["id"], a["state"], a["type"]) for a in listed["applications"]], [(app, "CREATED", "Spark")])
        self.assertNotIn("nextToken", listed)

        updated = self.aws("update-application", "--application-id", app, "--architecture", "ARM64",
                           "--auto-stop-configuration", "enabled=true,idleTimeoutMinutes=30")["application"]
        self.assertEqual((updated["architecture"], updated["autoStopConfiguration"], updated["state"]),
                         ("ARM64", {"enabled": True, "idleTimeoutMinutes": 30}, "CREATED"))
        self.assertEqual(updated, self.aws("get-application", "--application-id", app)["application"])

        self.assertEqual(self.aws("start-application", "--application-id", app), {})
        starting = self.aws("get-application", "--application-id", app)["application"]
        self.assertEqual(starting["state"], "STARTING")
        self.at(starting["updatedAt"], 15)
        self.assertEqual(self.aws("list-applications", "--states", "STARTED")["applications"][0]["id"], app)
        self.assertEqual(self.aws("stop-application", "--application-id", app), {})
        self.at(starting["updatedAt"], 40)
        self.assertEqual(self.aws("get-application", "--application-id", app)["application"]["state"], "STOPPED")
        self.assertEqual(self.aws("delete-application", "--application-id", app), {})
        self.assertEqual(self.aws("list-applications")["applications"], [])
        terminated = self.aws("list-applications", "--states", "TERMINATED", "STOPPED")["applications"]
        self.assertEqual([(a["id"], a["state"]) for a in terminated], [(app, "TERMINATED")])

        # Every command was recorded with the CLI's user agent.
        record = self.events("CreateApplication")[0]
        self.assertTrue(record["userAgent"].startswith("aws-cli/"), record["userAgent"])
        self.assertEqual(record["requestParameters"]["clientToken"], "cli-create-1")
        self.assertEqual(record["responseElements"], created)

    def test_job_run_commands(self):
        app = self.emr.create_application(releaseLabel="emr-7.1.0", type="SPARK")["applicationId"]
        self.server.advance(15)
        started = self.aws("start-job-run", "--application-id", app, "--execution-role-arn", ROLE,
                           "--name", "cli-run", "--job-driver", DRIVER, "--tags", "trailbox:failed-attempts=1",
                           "--retry-policy", "maxAttempts=2", "--execution-timeout-minutes", "60")
        run = started["jobRunId"]
        self.assertEqual(started, {"applicationId": app, "jobRunId": run, "arn": f"{app_arn(app)}/jobruns/{run}"})
        job = self.aws("get-job-run", "--application-id", app, "--job-run-id", run)["jobRun"]
        self.assertEqual((job["state"], job["name"], job["executionRole"], job["mode"], job["executionTimeoutMinutes"],
                          job["retryPolicy"], job["attempt"], job["jobDriver"]),
                         ("SUBMITTED", "cli-run", ROLE, "BATCH", 60, {"maxAttempts": 2}, 1, json.loads(DRIVER)))
        # The submission starts the application (10 s); attempt 1 (trailbox:failed-attempts=1)
        # runs from +30 and fails at +90, attempt 2 goes PENDING, SCHEDULED, RUNNING from +110 and
        # succeeds at +170.
        self.at(job["createdAt"], 175)
        job = self.aws("get-job-run", "--application-id", app, "--job-run-id", run)["jobRun"]
        self.assertEqual((job["state"], job["attempt"], job["totalExecutionDurationSeconds"]), ("SUCCESS", 2, 140))
        first = self.aws("get-job-run", "--application-id", app, "--job-run-id", run, "--attempt", "1")["jobRun"]
        self.assertEqual((first["attempt"], first["state"]), (1, "FAILED"))
        attempts = self.aws("list-job-run-attempts", "--application-id", app, "--job-run-id", run)["jobRunAttempts"]
        self.assertEqual(sorted((a["attempt"], a["state"]) for a in attempts), [(1, "FAILED"), (2, "SUCCESS")])
        self.assertTrue(all(a["id"] == run and a["jobCreatedAt"] == job["createdAt"] for a in attempts))

        runs = self.aws("list-job-runs", "--application-id", app, "--states", "SUCCESS", "--mode", "BATCH")["jobRuns"]
        self.assertEqual([(r["id"], r["state"], r["attempt"]) for r in runs], [(run, "SUCCESS", 2)])
        after = datetime.datetime.fromtimestamp(job["createdAt"] + 1, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.aws("list-job-runs", "--application-id", app, "--created-at-after", after)["jobRuns"], [])
        self.assertEqual(len(self.aws("list-job-runs", "--application-id", app, "--created-at-before", after)["jobRuns"]), 1)

        url = self.aws("get-dashboard-for-job-run", "--application-id", app, "--job-run-id", run)["url"]
        parts = urllib.parse.urlsplit(url)
        status, _, page = self.server.request("GET", parts.path + "?" + parts.query)
        self.assertEqual(status, 200)
        self.assertIn(run.encode(), page)

        hang = self.aws("start-job-run", "--application-id", app, "--execution-role-arn", ROLE, "--job-driver", DRIVER,
                        "--tags", "trailbox:outcome=HANG")["jobRunId"]
        cancelled = self.aws("cancel-job-run", "--application-id", app, "--job-run-id", hang,
                             "--shutdown-grace-period-in-seconds", "30")
        self.assertEqual(cancelled, {"applicationId": app, "jobRunId": hang})
        cancelling = self.aws("get-job-run", "--application-id", app, "--job-run-id", hang)["jobRun"]
        self.assertEqual(cancelling["state"], "CANCELLING")
        self.at(cancelling["updatedAt"], 35)
        self.assertEqual(self.aws("get-job-run", "--application-id", app, "--job-run-id", hang)["jobRun"]["state"],
                         "CANCELLED")
        message = self.aws_error("ValidationException", "CancelJobRun", "cancel-job-run", "--application-id", app,
                                 "--job-run-id", hang)
        self.assertIn("CANCELLED", message)
        record = [r for r in self.events("CancelJobRun") if "errorCode" not in r][0]
        self.assertEqual(record["requestParameters"], {"applicationId": app, "jobRunId": hang,
                                                       "shutdownGracePeriodInSeconds": 30})

    def test_session_commands(self):
        app = self.emr.create_application(releaseLabel="emr-7.13.0", type="SPARK",
                                          interactiveConfiguration={"sessionEnabled": True})["applicationId"]
        self.server.advance(15)
        started = self.aws("start-session", "--application-id", app, "--execution-role-arn", ROLE,
                           "--name", "cli-session", "--idle-timeout-minutes", "30", "--tags", "k=v")
        sid = started["sessionId"]
        self.assertEqual(started, {"applicationId": app, "sessionId": sid, "arn": f"{app_arn(app)}/sessions/{sid}"})
        session = self.aws("get-session", "--application-id", app, "--session-id", sid)["session"]
        self.assertEqual((session["name"], session["state"], session["idleTimeoutMinutes"], session["tags"],
                          session["executionRoleArn"], session["releaseLabel"]),
                         ("cli-session", "SUBMITTED", 30, {"k": "v"}, ROLE, "emr-7.13.0"))
        self.aws_error("ValidationException", "GetSessionEndpoint", "get-session-endpoint", "--application-id", app,
                       "--session-id", sid)
        # The application starts (10 s), the session starts (10 s) and is STARTED (10 s), then IDLE.
        self.at(session["createdAt"], 35)
        endpoint = self.aws("get-session-endpoint", "--application-id", app, "--session-id", sid)
        self.assertEqual(set(endpoint), {"applicationId", "sessionId", "endpoint", "authToken", "authTokenExpiresAt"})
        self.assertEqual(endpoint["sessionId"], sid)
        listed = self.aws("list-sessions", "--application-id", app, "--states", "IDLE")["sessions"]
        self.assertEqual([(s["sessionId"], s["state"]) for s in listed], [(sid, "IDLE")])
        url = self.aws("get-resource-dashboard", "--application-id", app, "--resource-id", sid,
                       "--resource-type", "SESSION")["url"]
        self.assertTrue(url.startswith(self.server.url), url)
        self.assertEqual(self.aws("terminate-session", "--application-id", app, "--session-id", sid),
                         {"applicationId": app, "sessionId": sid})
        terminating = self.aws("get-session", "--application-id", app, "--session-id", sid)["session"]
        self.assertEqual(terminating["state"], "TERMINATING")
        self.at(terminating["updatedAt"], 15)
        self.assertEqual(self.aws("list-sessions", "--application-id", app)["sessions"][0]["state"], "TERMINATED")

    def test_resource_arn_commands(self):
        app = self.emr.create_application(releaseLabel="emr-7.1.0", type="SPARK", tags={"a": "1"})["applicationId"]
        arn = app_arn(app)
        self.assertEqual(self.aws("tag-resource", "--resource-arn", arn, "--tags", "b=2,c=3"), {})
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-arn", arn), {"tags": {"a": "1", "b": "2", "c": "3"}})
        self.assertEqual(self.aws("untag-resource", "--resource-arn", arn, "--tag-keys", "a", "c"), {})
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-arn", arn), {"tags": {"b": "2"}})
        # The ARN travels percent-encoded as one path segment; the record keeps it whole.
        record = self.events("UntagResource")[0]
        self.assertEqual(record["requestParameters"], {"resourceArn": arn, "tagKeys": ["a", "c"]})
        self.assertIsNone(self.events("ListTagsForResource")[0]["responseElements"])

        run_arn = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=json.loads(DRIVER),
                                         tags={"x": "1"})["arn"]
        self.aws("tag-resource", "--resource-arn", run_arn, "--tags", "y=2")
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-arn", run_arn)["tags"], {"x": "1", "y": "2"})
        self.aws("untag-resource", "--resource-arn", run_arn, "--tag-keys", "x")
        self.assertEqual(self.aws("list-tags-for-resource", "--resource-arn", run_arn)["tags"], {"y": "2"})

        missing = app_arn("00abcdefghijklmn")
        self.aws_error("ResourceNotFoundException", "ListTagsForResource", "list-tags-for-resource",
                       "--resource-arn", missing)
        self.aws_error("ResourceNotFoundException", "TagResource", "tag-resource", "--resource-arn", missing,
                       "--tags", "a=b")
        message = self.aws_error("ValidationException", "TagResource", "tag-resource", "--resource-arn",
                                 "arn:aws:s3:::some-bucket-name-that-is-long-enough-for-the-minimum", "--tags", "a=b")
        self.assertIn("resourceArn", message)

    def test_errors(self):
        message = self.aws_error("ResourceNotFoundException", "GetApplication", "get-application",
                                 "--application-id", "00abcdefghijklmn")
        self.assertIn("00abcdefghijklmn", message)
        message = self.aws_error("ValidationException", "ListApplications", "list-applications", "--max-results", "51")
        self.assertIn("maxResults", message)
        message = self.aws_error("ValidationException", "CreateApplication", "create-application",
                                 "--release-label", "emr-7.1.0", "--type", "SPARK", "--architecture", "ARM")
        self.assertIn("architecture", message)
        message = self.aws_error("ValidationException", "CreateApplication", "create-application", "--release-label",
                                 "emr-7.1.0", "--type", "SPARK", "--initial-capacity",
                                 json.dumps({"Driver": {"workerCount": 1, "workerConfiguration": {
                                     "cpu": "3 vCPU", "memory": "8 GB"}}}))
        self.assertIn("3 vCPU", message)
        app = self.aws("create-application", "--release-label", "emr-7.1.0", "--type", "SPARK",
                       "--client-token", "tok")["applicationId"]
        self.aws_error("ConflictException", "CreateApplication", "create-application", "--release-label", "emr-7.2.0",
                       "--type", "SPARK", "--client-token", "tok")
        self.server.advance(15)
        message = self.aws_error("ValidationException", "StopApplication", "stop-application", "--application-id", app)
        self.assertTrue(message.startswith("Application cannot be STOPPED. Applications must be in one of the "
                                           "following statuses: [STARTING, STARTED]"), message)
        self.aws_error("ValidationException", "StartSession", "start-session", "--application-id", app,
                       "--execution-role-arn", ROLE)
        message = self.aws_error("ValidationException", "StartJobRun", "start-job-run", "--application-id", app,
                                 "--execution-role-arn", f"arn:aws:iam::{ACCOUNT}:user/bob", "--job-driver", DRIVER)
        self.assertIn("executionRoleArn", message)
        # Failed calls are recorded with their error.
        errors = self.server.events(errorsOnly="true")
        self.assertEqual(len(errors), 8)
        self.assertTrue(all(r["userAgent"].startswith("aws-cli/") and r["responseElements"] is None for r in errors))


class CliPagination(CliCase):
    def test_page_size_follows_next_token(self):
        ids = [self.emr.create_application(name=f"p{i}", releaseLabel="emr-7.1.0", type="SPARK")["applicationId"]
               for i in range(5)]
        out = self.aws("list-applications", "--page-size", "2")
        self.assertEqual([a["id"] for a in out["applications"]], list(reversed(ids)))
        self.assertNotIn("nextToken", out)
        self.assertNotIn("NextToken", out)
        calls = self.events("ListApplications")
        self.assertEqual([r["requestParameters"].get("maxResults") for r in calls], [2, 2, 2])
        self.assertEqual(["nextToken" in r["requestParameters"] for r in calls], [False, True, True])
        # --max-items stops early and hands out the CLI's own token.
        first = self.aws("list-applications", "--page-size", "2", "--max-items", "3")
        self.assertEqual(len(first["applications"]), 3)
        rest = self.aws("list-applications", "--page-size", "2", "--starting-token", first["NextToken"])
        self.assertEqual([a["id"] for a in first["applications"] + rest["applications"]], list(reversed(ids)))

        app = ids[0]
        self.server.advance(15)
        runs = [self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE,
                                       jobDriver=json.loads(DRIVER))["jobRunId"] for _ in range(3)]
        out = self.aws("list-job-runs", "--application-id", app, "--page-size", "1")
        self.assertEqual([r["id"] for r in out["jobRuns"]], list(reversed(runs)))
        self.assertEqual(len(self.events("ListJobRuns")), 3)

        session_app = self.emr.create_application(releaseLabel="emr-7.13.0", type="SPARK",
                                                  interactiveConfiguration={"sessionEnabled": True})["applicationId"]
        sessions = [self.emr.start_session(applicationId=session_app, executionRoleArn=ROLE)["sessionId"]
                    for _ in range(3)]
        out = self.aws("list-sessions", "--application-id", session_app, "--page-size", "2")
        self.assertEqual([s["sessionId"] for s in out["sessions"]], list(reversed(sessions)))
        self.assertEqual(len(self.events("ListSessions")), 2)

        retried = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=json.loads(DRIVER),
                                         tags={"trailbox:failed-attempts": "2"},
                                         retryPolicy={"maxAttempts": 3})["jobRunId"]
        self.server.advance(300)
        out = self.aws("list-job-run-attempts", "--application-id", app, "--job-run-id", retried, "--page-size", "1")
        self.assertEqual(sorted(a["attempt"] for a in out["jobRunAttempts"]), [1, 2, 3])
        self.assertEqual(len(self.events("ListJobRunAttempts")), 3)
        self.assertEqual([r["requestParameters"]["maxResults"] for r in self.events("ListJobRunAttempts")], [1, 1, 1])


if __name__ == "__main__":
    unittest.main()
