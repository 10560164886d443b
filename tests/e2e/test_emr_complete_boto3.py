"""End to end with boto3: all 22 EMR Serverless operations with their full outputs, the model's
validation rules that botocore leaves to the server, the application, job-run and session state
machines on the emulated clock (never sleeping: POST /_trailbox/clock), scripted job-run outcomes
(trailbox:* tags, --conf spark.trailbox.*), retries, streaming, queueing, pagination and filters,
clientToken idempotency, the CloudTrail record of every call, and a restart on a file database.

The behaviour checked is the one documented in README.md and ../shared/docs/aws-behaviour.md
(section B). Where trailbox disagrees with those documents the test is written for the documented
behaviour and marked @unittest.expectedFailure with a "BUG:" comment.

Most classes run one server per class (reset before every test). Lifecycle checks are made at
instants placed relative to the timestamps the API returned (`at(t0, seconds)`), in the middle of
a state's duration, so they do not depend on how much real time the test itself takes.
"""
import datetime
import json
import os
import re
import shutil
import tempfile
import unittest
import urllib.parse

import boto3
import botocore.exceptions
from botocore.config import Config

from trailbox_fixture import TrailboxServer, boto3_client

ACCOUNT = "123456789012"
REGION = "us-east-1"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
CALLER_ARN = f"arn:aws:iam::{ACCOUNT}:user/{ACCESS_KEY}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/EMRServerlessRole"
DRIVER = {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}
HIVE_DRIVER = {"hive": {"query": "SELECT 1"}}
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
RESOURCE_ID = r"^00[0-9a-z]{14}$"

# Long, round state durations (ms) for the lifecycle classes: every check is made 5 s into a
# 10 s state, far from any boundary.
LONG_TIMINGS = ("app_creating=10000,app_starting=10000,app_stopping=10000,"
                "run_submitted=10000,run_pending=10000,run_scheduled=10000,run_running=60000,run_cancelling=10000,"
                "session_starting=10000,session_started=10000,session_terminating=10000")

# CloudTrail readOnly per operation (aws-behaviour.md C.4).
READ_ONLY = {
    "CreateApplication": False, "GetApplication": True, "UpdateApplication": False, "DeleteApplication": False,
    "ListApplications": True, "StartApplication": False, "StopApplication": False, "StartJobRun": False,
    "GetJobRun": True, "CancelJobRun": False, "ListJobRuns": True, "ListJobRunAttempts": True,
    "GetDashboardForJobRun": True, "GetResourceDashboard": True, "StartSession": False, "GetSession": True,
    "GetSessionEndpoint": True, "ListSessions": True, "TerminateSession": False, "TagResource": False,
    "UntagResource": False, "ListTagsForResource": True,
}


def app_arn(app):
    return f"arn:aws:emr-serverless:{REGION}:{ACCOUNT}:/applications/{app}"


def epoch(value):
    return value.timestamp() if isinstance(value, datetime.datetime) else float(value)


def unvalidated_client(server, service="emr-serverless"):
    """A client with botocore's own parameter validation off, to send what botocore refuses
    (values under a member's `min`) and see the server's answer."""
    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY,
                                    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                    region_name=REGION)
    return session.client(service, endpoint_url=server.url,
                          config=Config(parameter_validation=False, retries={"max_attempts": 1},
                                        connect_timeout=5, read_timeout=30))


def body(response):
    """A response without its ResponseMetadata (checked to be a 200 with a request id)."""
    response = dict(response)
    meta = response.pop("ResponseMetadata")
    assert meta["HTTPStatusCode"] == 200, meta
    assert re.match(UUID, meta["RequestId"]), meta
    return response


def grouped(values):
    """True when equal values are contiguous (the list is grouped by value)."""
    seen, previous = set(), object()
    for v in values:
        if v != previous and v in seen:
            return False
        seen.add(v)
        previous = v
    return True


class EmrCase(unittest.TestCase):
    """One trailbox per class, reset (resources, events and clock) before every test."""
    TIMINGS = None
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = TrailboxServer(timings=cls.TIMINGS).start()
        cls.addClassCleanup(cls.server.stop)
        cls.emr = boto3_client(cls.server, "emr-serverless")
        cls.ct = boto3_client(cls.server, "cloudtrail")
        cls.raw = unvalidated_client(cls.server)
        # Close the clients' keep-alive connections before the server is stopped.
        for client in (cls.emr, cls.ct, cls.raw):
            cls.addClassCleanup(client.close)

    def setUp(self):
        self.server.reset()

    # --- clock -------------------------------------------------------------------------------

    def now(self):
        status, _, clock = self.server.json("GET", "/_trailbox/clock")
        self.assertEqual(status, 200)
        return clock["nowMs"] / 1000.0

    def at(self, t0, seconds):
        """Moves the emulated clock to t0 + seconds (t0 a datetime or epoch seconds)."""
        delta_ms = int(round((epoch(t0) + seconds - self.now()) * 1000))
        if delta_ms > 0:
            status, _, out = self.server.json("POST", "/_trailbox/clock", {"ms": delta_ms})
            self.assertEqual(status, 200, out)

    # --- resources ---------------------------------------------------------------------------

    def new_app(self, release="emr-7.1.0", type="SPARK", **kwargs):
        return self.emr.create_application(releaseLabel=release, type=type, **kwargs)["applicationId"]

    def application(self, app):
        return self.emr.get_application(applicationId=app)["application"]

    def state(self, app):
        return self.application(app)["state"]

    def created_app(self, creating_s, **kwargs):
        app = self.new_app(**kwargs)
        self.at(self.application(app)["createdAt"], creating_s * 1.5)
        self.assertEqual(self.state(app), "CREATED")
        return app

    def started_app(self, creating_s, starting_s, **kwargs):
        app = self.created_app(creating_s, **kwargs)
        self.emr.start_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], starting_s * 1.5)
        self.assertEqual(self.state(app), "STARTED")
        return app

    def start_run(self, app, **kwargs):
        args = {"applicationId": app, "executionRoleArn": ROLE, "jobDriver": DRIVER}
        args.update(kwargs)
        return self.emr.start_job_run(**args)["jobRunId"]

    def job(self, app, run, **kwargs):
        return self.emr.get_job_run(applicationId=app, jobRunId=run, **kwargs)["jobRun"]

    def session(self, app, session):
        return self.emr.get_session(applicationId=app, sessionId=session)["session"]

    # --- errors ------------------------------------------------------------------------------

    def error(self, fn, **kwargs):
        """Calls fn expecting a service error; returns (code, HTTP status, message)."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        response = cm.exception.response
        return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]

    def assertError(self, code, fn, *fragments, **kwargs):
        status = {"ValidationException": 400, "ResourceNotFoundException": 404, "ConflictException": 409}[code]
        got_code, got_status, message = self.error(fn, **kwargs)
        self.assertEqual((got_code, got_status), (code, status), message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def assertInvalid(self, fn, *fragments, **kwargs):
        """ValidationException (400) whose message names each fragment (the field, the value)."""
        return self.assertError("ValidationException", fn, *fragments, **kwargs)

    def assertTimestamp(self, value, expected, msg=None):
        self.assertIsInstance(value, datetime.datetime, msg)
        self.assertAlmostEqual(epoch(value), epoch(expected), places=3, msg=msg)


# =============================================================================================
# Every operation once, with its full output (README default timings).
# =============================================================================================

class OperationOutputs(EmrCase):
    def test_application_operations(self):
        request = {
            "name": "etl.app/1#a-b", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "create-app-1",
            "initialCapacity": {"Driver": {"workerCount": 1, "workerConfiguration": {
                "cpu": "2 vCPU", "memory": "4 GB", "disk": "20 GB"}}},
            "maximumCapacity": {"cpu": "16 vCPU", "memory": "64 GB"},
            "tags": {"team": "data"},
            "networkConfiguration": {"subnetIds": ["subnet-0123"], "securityGroupIds": ["sg-0123"]},
            "runtimeConfiguration": [{"classification": "spark-defaults", "properties": {"spark.executor.cores": "2"}}],
            "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://logs/"},
                                        "managedPersistenceMonitoringConfiguration": {}},
            "schedulerConfiguration": {},
        }
        created = body(self.emr.create_application(**request))
        app = created["applicationId"]
        self.assertRegex(app, RESOURCE_ID)
        self.assertEqual(created, {"name": request["name"], "applicationId": app, "arn": app_arn(app)})

        got = self.application(app)
        t0 = got["createdAt"]
        self.assertLess(abs(epoch(t0) - self.now()), 5)
        expected = {
            "applicationId": app, "name": request["name"], "arn": app_arn(app), "releaseLabel": "emr-7.1.0",
            "type": "Spark", "state": "CREATING", "createdAt": t0, "updatedAt": t0, "tags": {"team": "data"},
            "autoStartConfiguration": {"enabled": True},
            "autoStopConfiguration": {"enabled": True, "idleTimeoutMinutes": 15},
            "architecture": "X86_64",
            "initialCapacity": {"Driver": {"workerCount": 1, "workerConfiguration": {
                "cpu": "2 vCPU", "memory": "4 GB", "disk": "20 GB", "diskType": "STANDARD"}}},
            "maximumCapacity": {"cpu": "16 vCPU", "memory": "64 GB"},
            "networkConfiguration": {"subnetIds": ["subnet-0123"], "securityGroupIds": ["sg-0123"]},
            "runtimeConfiguration": request["runtimeConfiguration"],
            "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://logs/"},
                                        "managedPersistenceMonitoringConfiguration": {"enabled": True}},
            "schedulerConfiguration": {"maxConcurrentRuns": 15, "queueTimeoutMinutes": 360},
        }
        self.assertEqual(got, expected)

        # CREATING lasts app_creating = 1000 ms.
        self.at(t0, 0.5)
        self.assertEqual(self.state(app), "CREATING")
        self.at(t0, 1.5)
        got = self.application(app)
        self.assertEqual(got["state"], "CREATED")
        self.assertTimestamp(got["updatedAt"], epoch(t0) + 1)

        listed = body(self.emr.list_applications())
        self.assertEqual(len(listed["applications"]), 1)
        self.assertNotIn("nextToken", listed)
        summary = dict(listed["applications"][0])
        self.assertEqual(summary.pop("stateDetails", ""), "")
        self.assertEqual(summary, {"id": app, "name": request["name"], "arn": app_arn(app),
                                   "releaseLabel": "emr-7.1.0", "type": "Spark", "state": "CREATED",
                                   "createdAt": t0, "updatedAt": got["updatedAt"], "architecture": "X86_64"})

        updated = body(self.emr.update_application(
            applicationId=app, clientToken="update-1", releaseLabel="emr-7.2.0", architecture="ARM64",
            autoStopConfiguration={"idleTimeoutMinutes": 30}, autoStartConfiguration={"enabled": False}))
        application = updated["application"]
        self.assertEqual(application, self.application(app))
        self.assertEqual(application["releaseLabel"], "emr-7.2.0")
        self.assertEqual(application["architecture"], "ARM64")
        self.assertEqual(application["autoStopConfiguration"], {"enabled": True, "idleTimeoutMinutes": 30})
        self.assertEqual(application["autoStartConfiguration"], {"enabled": False})
        self.assertEqual(application["tags"], {"team": "data"})
        self.assertEqual(application["createdAt"], t0)
        self.assertGreater(application["updatedAt"], got["updatedAt"])

        self.assertEqual(body(self.emr.start_application(applicationId=app)), {})
        started = self.application(app)
        self.assertEqual(started["state"], "STARTING")
        self.at(started["updatedAt"], 1.5)
        running = self.application(app)
        self.assertEqual(running["state"], "STARTED")
        self.assertTimestamp(running["updatedAt"], epoch(started["updatedAt"]) + 1)

        self.assertEqual(body(self.emr.stop_application(applicationId=app)), {})
        stopping = self.application(app)
        self.assertEqual(stopping["state"], "STOPPING")
        self.at(stopping["updatedAt"], 1.5)
        self.assertEqual(self.state(app), "STOPPED")

        self.assertEqual(body(self.emr.delete_application(applicationId=app)), {})
        self.assertEqual(self.state(app), "TERMINATED")

    def test_job_run_operations(self):
        app = self.created_app(1)
        request = {
            "applicationId": app, "clientToken": "run-1", "executionRoleArn": ROLE, "name": "nightly report",
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py", "entryPointArguments": ["--day", "1"],
                                          "sparkSubmitParameters": "--conf spark.executor.cores=2"}},
            "configurationOverrides": {"applicationConfiguration": [
                {"classification": "spark-defaults", "properties": {"spark.driver.memory": "2g"}}],
                "monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://logs/"}}},
            "executionIamPolicy": {"policyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]},
            "tags": {"owner": "data team"},
        }
        started = body(self.emr.start_job_run(**request))
        run = started["jobRunId"]
        self.assertRegex(run, RESOURCE_ID)
        arn = f"{app_arn(app)}/jobruns/{run}"
        self.assertEqual(started, {"applicationId": app, "jobRunId": run, "arn": arn})
        # Auto-start: the submission starts the CREATED application.
        self.assertEqual(self.state(app), "STARTING")

        job = self.job(app, run)
        t0 = job["createdAt"]
        self.assertIsInstance(job.pop("stateDetails"), str)
        self.assertEqual(job, {
            "applicationId": app, "jobRunId": run, "name": "nightly report", "arn": arn, "createdBy": CALLER_ARN,
            "createdAt": t0, "updatedAt": t0, "executionRole": ROLE,
            "executionIamPolicy": request["executionIamPolicy"], "state": "SUBMITTED", "releaseLabel": "emr-7.1.0",
            "configurationOverrides": request["configurationOverrides"], "jobDriver": request["jobDriver"],
            "tags": {"owner": "data team"}, "executionTimeoutMinutes": 720, "mode": "BATCH",
            "retryPolicy": {"maxAttempts": 1}, "attempt": 1, "attemptCreatedAt": t0, "attemptUpdatedAt": t0,
        })

        # README defaults: the application starts in 1 s; then PENDING 0.5 s, SCHEDULED 0.5 s,
        # RUNNING 2 s. SUBMITTED lasts until the application is STARTED.
        walk = [(0.75, "SUBMITTED"), (1.25, "PENDING"), (1.75, "SCHEDULED"), (3.0, "RUNNING"), (4.5, "SUCCESS")]
        for offset, expected in walk:
            self.at(t0, offset)
            job = self.job(app, run)
            self.assertEqual(job["state"], expected, offset)
            if expected in ("SUBMITTED", "PENDING", "SCHEDULED"):
                self.assertNotIn("startedAt", job)
            if expected != "SUCCESS":
                for member in ("endedAt", "totalExecutionDurationSeconds"):
                    self.assertNotIn(member, job)
            if expected == "RUNNING":
                self.assertTimestamp(job["startedAt"], epoch(t0) + 2)
        self.assertEqual(self.state(app), "STARTED")

        self.assertTimestamp(job["startedAt"], epoch(t0) + 2)
        self.assertTimestamp(job["endedAt"], epoch(t0) + 4)
        self.assertEqual(job["updatedAt"], job["endedAt"])
        self.assertEqual(job["attemptUpdatedAt"], job["endedAt"])
        self.assertEqual(job["attemptCreatedAt"], t0)
        self.assertEqual(job["attempt"], 1)
        self.assertEqual(job["totalExecutionDurationSeconds"], 2)
        total, billed = job["totalResourceUtilization"], job["billedResourceUtilization"]
        self.assertEqual(set(total), {"vCPUHour", "memoryGBHour", "storageGBHour"})
        self.assertEqual(set(billed), {"vCPUHour", "memoryGBHour", "storageGBHour"})
        self.assertGreater(total["vCPUHour"], 0)
        self.assertGreater(total["memoryGBHour"], 0)
        # A 2-second run is billed the 1-minute minimum per worker.
        self.assertGreater(billed["vCPUHour"], total["vCPUHour"])
        self.assertGreater(billed["memoryGBHour"], total["memoryGBHour"])

        runs = body(self.emr.list_job_runs(applicationId=app))
        self.assertNotIn("nextToken", runs)
        self.assertEqual(len(runs["jobRuns"]), 1)
        summary = runs["jobRuns"][0]
        self.assertEqual(summary, {
            "applicationId": app, "id": run, "name": "nightly report", "mode": "BATCH", "arn": arn,
            "createdBy": CALLER_ARN, "createdAt": t0, "updatedAt": job["updatedAt"], "executionRole": ROLE,
            "state": "SUCCESS", "stateDetails": job["stateDetails"], "releaseLabel": "emr-7.1.0", "type": "Spark",
            "attempt": 1, "attemptCreatedAt": t0, "attemptUpdatedAt": job["endedAt"]})

        attempts = body(self.emr.list_job_run_attempts(applicationId=app, jobRunId=run))
        self.assertNotIn("nextToken", attempts)
        self.assertEqual(attempts["jobRunAttempts"], [{
            "applicationId": app, "id": run, "name": "nightly report", "mode": "BATCH", "arn": arn,
            "createdBy": CALLER_ARN, "jobCreatedAt": t0, "createdAt": t0, "updatedAt": job["endedAt"],
            "executionRole": ROLE, "state": "SUCCESS", "stateDetails": job["stateDetails"],
            "releaseLabel": "emr-7.1.0", "type": "Spark", "attempt": 1}])

        self.assertEqual(self.job(app, run, attempt=1), job)

        dashboard = body(self.emr.get_dashboard_for_job_run(applicationId=app, jobRunId=run))
        self.assertEqual(list(dashboard), ["url"])
        self.assertTrue(dashboard["url"].startswith(self.server.url + "/"), dashboard["url"])
        url = urllib.parse.urlsplit(dashboard["url"])
        status, headers, page = self.server.request("GET", url.path + "?" + url.query)
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["content-type"])
        self.assertIn(run.encode(), page)
        self.assertIn("url", body(self.emr.get_dashboard_for_job_run(applicationId=app, jobRunId=run, attempt=1,
                                                                     accessSystemProfileLogs=True)))

        hanging = self.start_run(app, tags={"trailbox:outcome": "HANG"})
        cancelled = body(self.emr.cancel_job_run(applicationId=app, jobRunId=hanging))
        self.assertEqual(cancelled, {"applicationId": app, "jobRunId": hanging})
        job = self.job(app, hanging)
        self.assertEqual(job["state"], "CANCELLING")
        self.assertIn("cancel", job["stateDetails"].lower())

    def test_session_operations(self):
        app = self.created_app(1, release="emr-7.13.0", interactiveConfiguration={"sessionEnabled": True})
        self.assertEqual(self.application(app)["interactiveConfiguration"], {"sessionEnabled": True})
        overrides = {"runtimeConfiguration": [{"classification": "spark-defaults", "properties": {"a": "b"}}]}
        started = body(self.emr.start_session(applicationId=app, clientToken="session-1", executionRoleArn=ROLE,
                                              name="notebook", idleTimeoutMinutes=30, tags={"k": "v"},
                                              configurationOverrides=overrides))
        sid = started["sessionId"]
        self.assertRegex(sid, RESOURCE_ID)
        arn = f"{app_arn(app)}/sessions/{sid}"
        self.assertEqual(started, {"applicationId": app, "sessionId": sid, "arn": arn})
        self.assertEqual(self.state(app), "STARTING")

        session = self.session(app, sid)
        t0 = session["createdAt"]
        self.assertIsInstance(session.pop("stateDetails"), str)
        self.assertEqual(session, {
            "applicationId": app, "sessionId": sid, "arn": arn, "name": "notebook", "state": "SUBMITTED",
            "releaseLabel": "emr-7.13.0", "executionRoleArn": ROLE, "createdBy": CALLER_ARN, "createdAt": t0,
            "updatedAt": t0, "configurationOverrides": overrides, "idleTimeoutMinutes": 30, "tags": {"k": "v"}})
        self.assertInvalid(self.emr.get_session_endpoint, applicationId=app, sessionId=sid)

        # The application starts in 1 s, then STARTING 1 s, STARTED 1 s, then IDLE.
        self.at(t0, 1.5)
        self.assertEqual(self.session(app, sid)["state"], "STARTING")
        self.assertInvalid(self.emr.get_session_endpoint, applicationId=app, sessionId=sid)
        self.at(t0, 2.5)
        session = self.session(app, sid)
        self.assertEqual(session["state"], "STARTED")
        self.assertTimestamp(session["startedAt"], epoch(t0) + 2)
        endpoint = body(self.emr.get_session_endpoint(applicationId=app, sessionId=sid))
        self.assertEqual(set(endpoint), {"applicationId", "sessionId", "endpoint", "authToken", "authTokenExpiresAt"})
        self.assertEqual((endpoint["applicationId"], endpoint["sessionId"]), (app, sid))
        self.assertTrue(endpoint["endpoint"].startswith("http"), endpoint)
        self.assertTrue(endpoint["authToken"])
        self.assertGreater(epoch(endpoint["authTokenExpiresAt"]), self.now())
        self.at(t0, 3.5)
        session = self.session(app, sid)
        self.assertEqual(session["state"], "IDLE")
        self.assertTimestamp(session["idleSince"], epoch(t0) + 3)
        self.assertIn("endpoint", self.emr.get_session_endpoint(applicationId=app, sessionId=sid))

        listed = body(self.emr.list_sessions(applicationId=app))
        self.assertNotIn("nextToken", listed)
        self.assertEqual(listed["sessions"], [{
            "applicationId": app, "sessionId": sid, "arn": arn, "name": "notebook", "state": "IDLE",
            "stateDetails": session["stateDetails"], "releaseLabel": "emr-7.13.0", "executionRoleArn": ROLE,
            "createdBy": CALLER_ARN, "createdAt": t0, "updatedAt": session["updatedAt"]}])

        dashboard = body(self.emr.get_resource_dashboard(applicationId=app, resourceId=sid, resourceType="SESSION"))
        self.assertEqual(list(dashboard), ["url"])
        url = urllib.parse.urlsplit(dashboard["url"])
        status, _, page = self.server.request("GET", url.path + "?" + url.query)
        self.assertEqual(status, 200)
        self.assertIn(sid.encode(), page)

        terminated = body(self.emr.terminate_session(applicationId=app, sessionId=sid))
        self.assertEqual(terminated, {"applicationId": app, "sessionId": sid})
        session = self.session(app, sid)
        self.assertEqual(session["state"], "TERMINATING")
        self.at(session["updatedAt"], 1.5)
        session = self.session(app, sid)
        self.assertEqual(session["state"], "TERMINATED")
        self.assertIn("endedAt", session)
        self.assertIsInstance(session["totalExecutionDurationSeconds"], int)

    def test_tag_operations(self):
        app = self.new_app(tags={"a": "1"})
        arn = app_arn(app)
        self.assertEqual(body(self.emr.tag_resource(resourceArn=arn, tags={"b": "2", "a": "3"})), {})
        self.assertEqual(body(self.emr.list_tags_for_resource(resourceArn=arn)), {"tags": {"a": "3", "b": "2"}})
        self.assertEqual(body(self.emr.untag_resource(resourceArn=arn, tagKeys=["a", "not-there"])), {})
        self.assertEqual(self.emr.list_tags_for_resource(resourceArn=arn)["tags"], {"b": "2"})
        self.assertEqual(self.application(app)["tags"], {"b": "2"})

        run_arn = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER,
                                         tags={"x": "1"})["arn"]
        run = run_arn.rsplit("/", 1)[1]
        self.emr.tag_resource(resourceArn=run_arn, tags={"y": "2"})
        self.assertEqual(self.emr.list_tags_for_resource(resourceArn=run_arn)["tags"], {"x": "1", "y": "2"})
        self.emr.untag_resource(resourceArn=run_arn, tagKeys=["x"])
        self.assertEqual(self.job(app, run)["tags"], {"y": "2"})
        self.assertEqual(self.emr.list_tags_for_resource(resourceArn=arn)["tags"], {"b": "2"})

        # At most 200 tags on a resource, counting those it already has.
        self.emr.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(150)})
        self.assertInvalid(self.emr.tag_resource, "200", resourceArn=arn,
                           tags={f"n{i}": "v" for i in range(60)})
        self.assertEqual(len(self.emr.list_tags_for_resource(resourceArn=arn)["tags"]), 151)

        missing = app_arn("00abcdefghijklmn")
        for fn, extra in ((self.emr.list_tags_for_resource, {}), (self.emr.tag_resource, {"tags": {"a": "b"}}),
                          (self.emr.untag_resource, {"tagKeys": ["a"]})):
            self.assertError("ResourceNotFoundException", fn, resourceArn=missing, **extra)
        self.assertError("ResourceNotFoundException", self.emr.list_tags_for_resource,
                         resourceArn=f"{arn}/jobruns/00abcdefghijklmn")
        # Taggable ARNs are applications and job runs (the ResourceArn pattern).
        self.assertInvalid(self.emr.list_tags_for_resource, "resourceArn", resourceArn=f"{arn}/sessions/00abcdefghijklmn")


# =============================================================================================
# Validation the server has to do itself (botocore checks only required members and `min`).
# =============================================================================================

class Validation(EmrCase):
    def test_create_application(self):
        base = {"releaseLabel": "emr-7.1.0", "type": "SPARK"}
        create, raw = self.emr.create_application, self.raw.create_application

        def worker(cpu, memory, disk=None):
            config = {"cpu": cpu, "memory": memory}
            if disk:
                config["disk"] = disk
            return {"Driver": {"workerCount": 1, "workerConfiguration": config}}

        cases = [
            ({"name": "a" * 65}, ["'name'", "64"]),
            ({"name": "my app!"}, ["'name'", "pattern"]),
            ({"releaseLabel": "emr 7.1.0"}, ["'releaseLabel'"]),
            ({"releaseLabel": "emr-9.9.9"}, ["emr-9.9.9"]),
            ({"type": "PRESTO"}, ["PRESTO"]),
            ({"architecture": "ARM"}, ["'architecture'", "ARM64, X86_64"]),
            ({"clientToken": "bad token!"}, ["'clientToken'"]),
            ({"initialCapacity": worker("3 vCPU", "8 GB")}, ["cpu", "3 vCPU"]),
            ({"initialCapacity": worker("four", "8 GB")}, ["cpu", "four"]),
            ({"initialCapacity": worker("1 vCPU", "9 GB")}, ["memory", "9 GB"]),
            ({"initialCapacity": worker("4 vCPU", "31 GB")}, ["memory", "31 GB"]),
            ({"initialCapacity": worker("8 vCPU", "18 GB")}, ["memory", "18 GB"]),
            ({"initialCapacity": worker("16 vCPU", "124 GB")}, ["memory", "124 GB"]),
            ({"initialCapacity": worker("4 vCPU", "16 GB", "10 GB")}, ["disk", "10 GB"]),
            ({"initialCapacity": worker("4 vCPU", "16 GB", "201 GB")}, ["disk", "201 GB"]),
            ({"initialCapacity": {f"Worker{chr(97 + i)}x": {"workerCount": 1} for i in range(11)}},
             ["'initialCapacity'"]),
            ({"initialCapacity": {"Driver": {"workerCount": 1000001}}}, ["workerCount"]),
            ({"maximumCapacity": {"cpu": "lots", "memory": "1 GB"}}, ["maximumCapacity.cpu"]),
            ({"autoStopConfiguration": {"enabled": True, "idleTimeoutMinutes": 10081}},
             ["autoStopConfiguration.idleTimeoutMinutes", "10080"]),
            ({"tags": {f"k{i}": "v" for i in range(201)}}, ["'tags'", "200"]),
            ({"tags": {"bad#key": "v"}}, ["tags", "bad#key"]),
            ({"tags": {"k": "v" * 257}}, ["tags", "256"]),
            ({"networkConfiguration": {"securityGroupIds": [f"sg-{i}" for i in range(6)]}},
             ["networkConfiguration.securityGroupIds"]),
            ({"networkConfiguration": {"subnetIds": [f"subnet-{i}" for i in range(17)]}},
             ["networkConfiguration.subnetIds"]),
            ({"imageConfiguration": {"imageUri": "nginx:latest"}}, ["imageConfiguration.imageUri"]),
            ({"schedulerConfiguration": {}, "releaseLabel": "emr-6.15.0"}, ["schedulerConfiguration", "emr-7.0.0"]),
            ({"schedulerConfiguration": {"maxConcurrentRuns": 1001}}, ["maxConcurrentRuns"]),
            ({"schedulerConfiguration": {"queueTimeoutMinutes": 14}}, ["queueTimeoutMinutes"]),
            ({"schedulerConfiguration": {"queueTimeoutMinutes": 721}}, ["queueTimeoutMinutes"]),
            ({"interactiveConfiguration": {"sessionEnabled": True}, "releaseLabel": "emr-7.12.0"},
             ["sessionEnabled", "7.13.0"]),
            ({"workerTypeSpecifications": {"TezTask": {}}}, ["TezTask"]),
            ({"runtimeConfiguration": [{"classification": "x", "properties": {}}] * 101}, ["runtimeConfiguration"]),
        ]
        for change, fragments in cases:
            with self.subTest(change=str(change)[:80]):
                args = dict(base, **change)
                self.assertInvalid(create, *fragments, **args)
        # Below the model's minimum: botocore would refuse these itself.
        for change, fragments in [
            ({"autoStopConfiguration": {"enabled": True, "idleTimeoutMinutes": 0}},
             ["autoStopConfiguration.idleTimeoutMinutes", "1"]),
            ({"initialCapacity": {"Driver": {"workerCount": 0}}}, ["workerCount"]),
            ({"name": ""}, ["'name'"]),
        ]:
            with self.subTest(change=change):
                self.assertInvalid(raw, *fragments, clientToken="t", **dict(base, **change))
        # Every supported worker size is accepted: 1/2/4/8/16 vCPU at both ends of their memory range.
        for cpu, memories in (("1 vCPU", ("2 GB", "8 GB")), ("2 vCPU", ("4 GB", "16 GB")),
                              ("4 vCPU", ("8 GB", "30 GB")), ("8 vCPU", ("16 GB", "60 GB")),
                              ("16 vCPU", ("32 GB", "120 GB"))):
            for memory in memories:
                self.new_app(initialCapacity=worker(cpu, memory, "200 GB"))
        self.new_app(initialCapacity=worker("4", "16", "20GB"))
        self.assertEqual(len(self.emr.list_applications()["applications"]), 11)

    def test_update_application(self):
        app = self.created_app(1)
        self.assertInvalid(self.emr.update_application, "autoStopConfiguration.idleTimeoutMinutes",
                           applicationId=app, autoStopConfiguration={"idleTimeoutMinutes": 10081})
        self.assertInvalid(self.emr.update_application, "emr-5.0.0", applicationId=app, releaseLabel="emr-5.0.0")
        self.assertInvalid(self.emr.update_application, "'architecture'", applicationId=app, architecture="arm64")
        self.assertInvalid(self.emr.update_application, "cpu", applicationId=app,
                           initialCapacity={"Driver": {"workerCount": 1, "workerConfiguration": {
                               "cpu": "3 vCPU", "memory": "8 GB"}}})
        self.assertInvalid(self.emr.update_application, "sessionEnabled", applicationId=app,
                           interactiveConfiguration={"sessionEnabled": True})
        self.assertInvalid(self.emr.update_application, "'applicationId'", applicationId="Not-An-Id")
        got = self.application(app)
        self.assertEqual((got["releaseLabel"], got["architecture"]), ("emr-7.1.0", "X86_64"))

    def test_start_job_run(self):
        app = self.created_app(1)
        start, raw = self.emr.start_job_run, self.raw.start_job_run
        base = {"applicationId": app, "executionRoleArn": ROLE, "jobDriver": DRIVER}
        cases = [
            ({"executionRoleArn": f"arn:aws:iam::{ACCOUNT}:user/bob"}, ["'executionRoleArn'"]),
            ({"executionRoleArn": "arn:aws:iam::12345:role/short-account"}, ["'executionRoleArn'"]),
            ({"executionRoleArn": "not-an-arn-at-all-really"}, ["'executionRoleArn'"]),
            ({"name": "n" * 257}, ["'name'", "256"]),
            ({"name": "   "}, ["'name'"]),
            ({"mode": "INTERACTIVE"}, ["'mode'", "BATCH, STREAMING"]),
            ({"executionTimeoutMinutes": 1000001}, ["'executionTimeoutMinutes'"]),
            ({"clientToken": "a" * 65}, ["'clientToken'"]),
            ({"tags": {f"k{i}": "v" for i in range(201)}}, ["'tags'"]),
            ({"retryPolicy": {"maxFailedAttemptsPerHour": 2}}, ["maxFailedAttemptsPerHour"]),
            ({"mode": "STREAMING", "retryPolicy": {"maxAttempts": 2}}, ["maxAttempts"]),
            ({"jobDriver": HIVE_DRIVER}, ["hive"]),
            ({"jobDriver": {"sparkSubmit": {"entryPoint": "   "}}}, ["jobDriver.sparkSubmit.entryPoint"]),
            ({"tags": {"trailbox:outcome": "MAYBE"}}, ["trailbox:outcome", "MAYBE"]),
            ({"tags": {"trailbox:running-ms": "soon"}}, ["trailbox:running-ms"]),
            ({"tags": {"trailbox:failed-attempts": "-1"}}, ["trailbox:failed-attempts"]),
            ({"applicationId": "Not-An-Id"}, ["'applicationId'"]),
        ]
        for change, fragments in cases:
            with self.subTest(change=str(change)[:80]):
                self.assertInvalid(start, *fragments, **dict(base, **change))
        for change, fragments in [
            ({"retryPolicy": {"maxAttempts": 0}}, ["retryPolicy.maxAttempts"]),
            ({"executionTimeoutMinutes": -1}, ["'executionTimeoutMinutes'"]),
            ({"jobDriver": {"sparkSubmit": {"entryPoint": "x"}, "hive": {"query": "SELECT 1"}}}, ["jobDriver"]),
            ({"jobDriver": {}}, ["jobDriver"]),
        ]:
            with self.subTest(change=change):
                self.assertInvalid(raw, *fragments, clientToken="t", **dict(base, **change))
        self.assertEqual(self.emr.list_job_runs(applicationId=app)["jobRuns"], [])
        # Nothing was submitted, so the application did not auto-start.
        self.assertEqual(self.state(app), "CREATED")

    def test_sessions(self):
        app = self.created_app(1, release="emr-7.13.0", interactiveConfiguration={"sessionEnabled": True})
        base = {"applicationId": app, "executionRoleArn": ROLE}
        for change, fragments in [
            ({"idleTimeoutMinutes": 1000001}, ["'idleTimeoutMinutes'"]),
            ({"name": "x" * 257}, ["'name'"]),
            ({"executionRoleArn": "arn:aws:iam::123456789012:policy/p"}, ["'executionRoleArn'"]),
            ({"tags": {"k": "bad|value"}}, ["tags"]),
        ]:
            with self.subTest(change=change):
                self.assertInvalid(self.emr.start_session, *fragments, **dict(base, **change))
        self.assertEqual(self.emr.list_sessions(applicationId=app)["sessions"], [])

    def test_lists_and_reads(self):
        app = self.created_app(1)
        run = self.start_run(app)
        cases = [
            (self.emr.list_applications, {"maxResults": 51}, ["'maxResults'", "50"]),
            (self.raw.list_applications, {"maxResults": 0}, ["'maxResults'"]),
            (self.emr.list_applications, {"states": ["RUNNING"]}, ["states", "RUNNING"]),
            (self.emr.list_applications, {"nextToken": "not a token!"}, ["'nextToken'"]),
            (self.emr.list_applications, {"nextToken": "Zm9yZ2Vk"}, ["nextToken"]),
            (self.emr.list_job_runs, {"applicationId": app, "maxResults": 51}, ["'maxResults'"]),
            (self.emr.list_job_runs, {"applicationId": app, "states": ["DONE"]}, ["states", "DONE"]),
            (self.emr.list_job_runs, {"applicationId": app, "mode": "batch"}, ["'mode'"]),
            (self.emr.list_job_run_attempts, {"applicationId": app, "jobRunId": run, "maxResults": 51},
             ["'maxResults'"]),
            (self.emr.list_sessions, {"applicationId": app, "maxResults": 51}, ["'maxResults'"]),
            (self.emr.list_sessions, {"applicationId": app, "states": ["RUNNING"]}, ["states", "RUNNING"]),
            (self.raw.get_job_run, {"applicationId": app, "jobRunId": run, "attempt": 0}, ["'attempt'"]),
            (self.emr.get_job_run, {"applicationId": app, "jobRunId": "UPPER"}, ["'jobRunId'"]),
            (self.emr.get_resource_dashboard, {"applicationId": app, "resourceId": "abc", "resourceType": "JOB"},
             ["'resourceType'", "SESSION"]),
            (self.emr.untag_resource, {"resourceArn": app_arn(app), "tagKeys": [f"k{i}" for i in range(201)]},
             ["'tagKeys'"]),
            (self.emr.tag_resource, {"resourceArn": app_arn(app) + "/other/x", "tags": {"a": "b"}},
             ["'resourceArn'"]),
            (self.emr.tag_resource, {"resourceArn": app_arn(app), "tags": {"a" * 129: "b"}}, ["tags", "128"]),
        ]
        for fn, args, fragments in cases:
            with self.subTest(op=fn.__name__, args=str(args)[:60]):
                self.assertInvalid(fn, *fragments, **args)


# =============================================================================================
# Application state machine (long timings: every state lasts 10 s).
# =============================================================================================

class ApplicationLifecycle(EmrCase):
    TIMINGS = LONG_TIMINGS

    def test_state_machine(self):
        app = self.new_app()
        t0 = self.application(app)["createdAt"]
        self.at(t0, 5)
        self.assertEqual(self.state(app), "CREATING")
        self.at(t0, 15)
        got = self.application(app)
        self.assertEqual(got["state"], "CREATED")
        self.assertTimestamp(got["updatedAt"], epoch(t0) + 10)

        self.emr.start_application(applicationId=app)
        start = self.application(app)
        self.assertEqual(start["state"], "STARTING")
        self.at(start["updatedAt"], 5)
        self.assertEqual(self.state(app), "STARTING")
        self.at(start["updatedAt"], 15)
        got = self.application(app)
        self.assertEqual(got["state"], "STARTED")
        self.assertTimestamp(got["updatedAt"], epoch(start["updatedAt"]) + 10)

        self.emr.stop_application(applicationId=app)
        stop = self.application(app)
        self.assertEqual(stop["state"], "STOPPING")
        self.at(stop["updatedAt"], 5)
        self.assertEqual(self.state(app), "STOPPING")
        self.at(stop["updatedAt"], 15)
        got = self.application(app)
        self.assertEqual(got["state"], "STOPPED")
        self.assertTimestamp(got["updatedAt"], epoch(stop["updatedAt"]) + 10)

        # Updates are allowed again once STOPPED; then it starts again.
        self.emr.update_application(applicationId=app, autoStopConfiguration={"enabled": True,
                                                                              "idleTimeoutMinutes": 60})
        self.emr.start_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], 15)
        self.assertEqual(self.state(app), "STARTED")
        self.emr.stop_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], 15)
        self.assertEqual(self.state(app), "STOPPED")

        self.emr.delete_application(applicationId=app)
        self.assertEqual(self.state(app), "TERMINATED")
        # Deleted applications leave the list unless asked for by state.
        self.assertEqual(self.emr.list_applications()["applications"], [])
        listed = self.emr.list_applications(states=["TERMINATED"])["applications"]
        self.assertEqual([(a["id"], a["state"]) for a in listed], [(app, "TERMINATED")])
        # A deleted application stays TERMINATED forever.
        self.server.json("POST", "/_trailbox/clock", {"hours": 24})
        self.assertEqual(self.state(app), "TERMINATED")

    def test_forbidden_transitions(self):
        update_message = ("Application {app} must be in one of the statuses to be updated: [STOPPED, CREATED]. "
                          "Current status: {state}")
        stop_message = ("Application cannot be STOPPED. Applications must be in one of the following statuses: "
                        "[STARTING, STARTED]")

        def refused(app, state, operations):
            self.assertEqual(self.state(app), state)
            for op in operations:
                with self.subTest(state=state, op=op):
                    if op == "update":
                        message = self.assertInvalid(self.emr.update_application, applicationId=app,
                                                     architecture="ARM64")
                        self.assertEqual(message, update_message.format(app=app, state=state))
                    elif op == "stop":
                        message = self.assertInvalid(self.emr.stop_application, state, applicationId=app)
                        self.assertTrue(message.startswith(stop_message), message)
                    elif op == "start":
                        self.assertInvalid(self.emr.start_application, state, applicationId=app)
                    elif op == "delete":
                        self.assertInvalid(self.emr.delete_application, state, applicationId=app)
                    elif op == "run":
                        self.assertInvalid(self.emr.start_job_run, applicationId=app, executionRoleArn=ROLE,
                                           jobDriver=DRIVER)

        app = self.new_app()
        t0 = self.application(app)["createdAt"]
        refused(app, "CREATING", ["start", "stop", "update", "delete"])
        self.at(t0, 15)
        refused(app, "CREATED", ["stop"])
        self.emr.start_application(applicationId=app)
        t1 = self.application(app)["updatedAt"]
        refused(app, "STARTING", ["update", "delete"])
        self.at(t1, 15)
        refused(app, "STARTED", ["update", "delete"])
        self.emr.stop_application(applicationId=app)
        t2 = self.application(app)["updatedAt"]
        refused(app, "STOPPING", ["start", "stop", "update", "delete"])
        self.at(t2, 15)
        refused(app, "STOPPED", ["stop"])
        self.emr.delete_application(applicationId=app)
        refused(app, "TERMINATED", ["start", "stop", "update", "delete", "run"])
        self.assertEqual(self.emr.list_job_runs(applicationId=app)["jobRuns"], [])

        missing = "00abcdefghijklmn"
        for fn, extra in ((self.emr.get_application, {}), (self.emr.start_application, {}),
                          (self.emr.stop_application, {}), (self.emr.delete_application, {}),
                          (self.emr.update_application, {}),
                          (self.emr.start_job_run, {"executionRoleArn": ROLE, "jobDriver": DRIVER}),
                          (self.emr.start_session, {"executionRoleArn": ROLE}),
                          (self.emr.list_sessions, {}),
                          (self.emr.get_job_run, {"jobRunId": missing}),
                          (self.emr.cancel_job_run, {"jobRunId": missing}),
                          (self.emr.list_job_run_attempts, {"jobRunId": missing}),
                          (self.emr.get_dashboard_for_job_run, {"jobRunId": missing}),
                          (self.emr.get_session, {"sessionId": missing}),
                          (self.emr.get_session_endpoint, {"sessionId": missing}),
                          (self.emr.terminate_session, {"sessionId": missing}),
                          (self.emr.get_resource_dashboard, {"resourceId": missing, "resourceType": "SESSION"})):
            with self.subTest(op=fn.__name__):
                self.assertError("ResourceNotFoundException", fn, missing, applicationId=missing, **extra)
        # A job run id of another application is not found under this one.
        other = self.created_app(10)
        run = self.start_run(other)
        self.assertError("ResourceNotFoundException", self.emr.get_job_run, applicationId=app, jobRunId=run)

    def test_stop_is_refused_while_work_is_active(self):
        app = self.started_app(10, 10)
        run = self.start_run(app, tags={"trailbox:outcome": "HANG"})
        t0 = self.job(app, run)["createdAt"]
        self.assertInvalid(self.emr.stop_application, "cancelled", applicationId=app)  # SUBMITTED
        self.at(t0, 35)
        self.assertEqual(self.job(app, run)["state"], "RUNNING")
        self.assertInvalid(self.emr.stop_application, "cancelled", applicationId=app)
        self.emr.cancel_job_run(applicationId=app, jobRunId=run)
        self.assertInvalid(self.emr.stop_application, applicationId=app)  # CANCELLING
        self.at(self.job(app, run)["updatedAt"], 15)
        self.assertEqual(self.job(app, run)["state"], "CANCELLED")
        self.emr.stop_application(applicationId=app)
        self.assertEqual(self.state(app), "STOPPING")

    def test_auto_start_on_job_submission(self):
        app = self.created_app(10)
        run = self.start_run(app)
        t0 = self.job(app, run)["createdAt"]
        self.assertEqual(self.state(app), "STARTING")
        self.at(t0, 5)
        self.assertEqual((self.state(app), self.job(app, run)["state"]), ("STARTING", "SUBMITTED"))
        self.at(t0, 15)
        self.assertEqual((self.state(app), self.job(app, run)["state"]), ("STARTED", "PENDING"))
        self.at(t0, 95)
        self.assertEqual(self.job(app, run)["state"], "SUCCESS")
        # From STOPPED too.
        self.emr.stop_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], 15)
        self.assertEqual(self.state(app), "STOPPED")
        run = self.start_run(app)
        self.assertEqual(self.state(app), "STARTING")
        self.at(self.job(app, run)["createdAt"], 95)
        self.assertEqual((self.state(app), self.job(app, run)["state"]), ("STARTED", "SUCCESS"))

    def test_no_job_runs_without_auto_start(self):
        app = self.created_app(10, autoStartConfiguration={"enabled": False})
        self.assertEqual(self.application(app)["autoStartConfiguration"], {"enabled": False})
        self.assertInvalid(self.emr.start_job_run, applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER)
        self.assertEqual(self.state(app), "CREATED")
        self.emr.start_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], 15)
        run = self.start_run(app)
        self.at(self.job(app, run)["createdAt"], 95)
        self.assertEqual(self.job(app, run)["state"], "SUCCESS")
        self.emr.stop_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], 15)
        self.assertEqual(self.state(app), "STOPPED")
        self.assertInvalid(self.emr.start_job_run, "STOPPED", applicationId=app, executionRoleArn=ROLE,
                           jobDriver=DRIVER)
        self.assertEqual(self.state(app), "STOPPED")
        self.assertEqual(len(self.emr.list_job_runs(applicationId=app)["jobRuns"]), 1)

    def test_no_job_runs_while_starting_without_auto_start(self):
        app = self.created_app(10, autoStartConfiguration={"enabled": False})
        self.emr.start_application(applicationId=app)
        self.assertEqual(self.state(app), "STARTING")
        self.assertInvalid(self.emr.start_job_run, applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER)

    def test_auto_stop_after_idle_timeout(self):
        app = self.created_app(10, autoStopConfiguration={"idleTimeoutMinutes": 2})
        self.assertEqual(self.application(app)["autoStopConfiguration"], {"enabled": True, "idleTimeoutMinutes": 2})
        self.emr.start_application(applicationId=app)
        started = epoch(self.application(app)["updatedAt"]) + 10
        self.at(started, 115)
        self.assertEqual(self.state(app), "STARTED")
        self.at(started, 125)
        got = self.application(app)
        self.assertEqual(got["state"], "STOPPING")
        self.assertTimestamp(got["updatedAt"], started + 120)
        self.at(started, 135)
        self.assertEqual(self.state(app), "STOPPED")

        # Activity restarts the idle timer: a run submitted after 1 idle minute keeps the
        # application STARTED until 2 minutes after the run ended.
        self.emr.start_application(applicationId=app)
        started = epoch(self.application(app)["updatedAt"]) + 10
        self.at(started, 60)
        run = self.start_run(app)
        r0 = epoch(self.job(app, run)["createdAt"])
        self.at(r0, 85)
        self.assertEqual(self.state(app), "STARTED")  # past started + 2 min, but busy
        self.at(r0, 95)
        job = self.job(app, run)
        self.assertEqual(job["state"], "SUCCESS")
        self.assertTimestamp(job["endedAt"], r0 + 90)
        self.at(r0, 205)
        self.assertEqual(self.state(app), "STARTED")
        # The clock also moves by minutes.
        status, _, clock = self.server.json("POST", "/_trailbox/clock", {"minutes": 1})
        self.assertEqual(status, 200, clock)
        got = self.application(app)
        self.assertIn(got["state"], ("STOPPING", "STOPPED"))
        self.assertTimestamp(self.application(app)["updatedAt"], r0 + 90 + 120 + (10 if got["state"] == "STOPPED" else 0))

    def test_auto_stop_disabled(self):
        app = self.created_app(10, autoStopConfiguration={"enabled": False})
        self.assertEqual(self.application(app)["autoStopConfiguration"], {"enabled": False})
        self.emr.start_application(applicationId=app)
        self.server.json("POST", "/_trailbox/clock", {"hours": 48})
        self.assertEqual(self.state(app), "STARTED")

    def test_start_is_idempotent_while_starting_or_started(self):
        app = self.created_app(10)
        self.emr.start_application(applicationId=app)
        t1 = self.application(app)["updatedAt"]
        self.emr.start_application(applicationId=app)
        self.assertEqual(self.application(app)["updatedAt"], t1)
        self.at(t1, 15)
        self.emr.start_application(applicationId=app)
        self.assertEqual(self.state(app), "STARTED")


# =============================================================================================
# Job runs: scripted outcomes, timeouts, retries, streaming, queueing (long timings).
# A run submitted at r to a STARTED application: PENDING r+10, SCHEDULED r+20, RUNNING r+30,
# done r+90.
# =============================================================================================

class JobRuns(EmrCase):
    TIMINGS = LONG_TIMINGS

    def setUp(self):
        super().setUp()
        self.app = self.started_app(10, 10)

    def run_at(self, **kwargs):
        run = self.start_run(self.app, **kwargs)
        return run, epoch(self.job(self.app, run)["createdAt"])

    def walk(self, run, r0, steps):
        for offset, expected in steps:
            self.at(r0, offset)
            job = self.job(self.app, run)
            self.assertEqual(job["state"], expected, f"at +{offset}s")
        return job

    def test_success(self):
        run, r0 = self.run_at()
        job = self.walk(run, r0, [(5, "SUBMITTED"), (15, "PENDING"), (25, "SCHEDULED"), (35, "RUNNING")])
        self.assertTimestamp(job["startedAt"], r0 + 30)
        self.assertTimestamp(job["updatedAt"], r0 + 30)
        for member in ("endedAt", "totalExecutionDurationSeconds"):
            self.assertNotIn(member, job)
        job = self.walk(run, r0, [(85, "RUNNING"), (95, "SUCCESS")])
        self.assertTimestamp(job["endedAt"], r0 + 90)
        self.assertEqual(job["totalExecutionDurationSeconds"], 60)
        total, billed = job["totalResourceUtilization"], job["billedResourceUtilization"]
        for key in ("vCPUHour", "memoryGBHour", "storageGBHour"):
            self.assertGreater(total[key], 0)
        for key in ("vCPUHour", "memoryGBHour"):
            self.assertGreaterEqual(billed[key], total[key])
        # Storage is billed only beyond the 20 GB each worker includes.
        self.assertEqual(billed["storageGBHour"], 0.0)

    def test_failed_outcome_with_details(self):
        run, r0 = self.run_at(tags={"trailbox:outcome": "FAILED",
                                    "trailbox:failure": "ExecutorLostFailure: container killed"})
        job = self.walk(run, r0, [(35, "RUNNING"), (85, "RUNNING"), (95, "FAILED")])
        self.assertEqual(job["stateDetails"], "ExecutorLostFailure: container killed")
        self.assertTimestamp(job["endedAt"], r0 + 90)
        self.assertEqual(job["totalExecutionDurationSeconds"], 60)
        self.assertEqual(job["attempt"], 1)
        # Without trailbox:failure the details still explain the failure.
        run, r0 = self.run_at(tags={"trailbox:outcome": "FAILED"})
        job = self.walk(run, r0, [(95, "FAILED")])
        self.assertTrue(job["stateDetails"])
        self.assertInvalid(self.emr.cancel_job_run, "FAILED", applicationId=self.app, jobRunId=run)

    def test_hang_until_cancelled(self):
        run, r0 = self.run_at(tags={"trailbox:outcome": "HANG"})
        self.walk(run, r0, [(35, "RUNNING"), (5 * 3600, "RUNNING")])
        self.assertNotIn("endedAt", self.job(self.app, run))
        self.emr.cancel_job_run(applicationId=self.app, jobRunId=run)
        job = self.job(self.app, run)
        c0 = epoch(job["updatedAt"])
        self.assertEqual(job["state"], "CANCELLING")
        self.assertIn("cancel", job["stateDetails"].lower())
        # Cancelling again while CANCELLING is accepted.
        self.assertEqual(body(self.emr.cancel_job_run(applicationId=self.app, jobRunId=run)),
                         {"applicationId": self.app, "jobRunId": run})
        self.at(c0, 5)
        self.assertEqual(self.job(self.app, run)["state"], "CANCELLING")
        self.at(c0, 15)
        job = self.job(self.app, run)
        self.assertEqual(job["state"], "CANCELLED")
        self.assertTimestamp(job["endedAt"], c0 + 10)
        self.assertEqual(job["totalExecutionDurationSeconds"], int(-(-(c0 + 10 - (r0 + 30)) // 1)))
        self.assertIn("cancel", job["stateDetails"].lower())
        self.assertInvalid(self.emr.cancel_job_run, "CANCELLED", applicationId=self.app, jobRunId=run)

    def test_cancel_in_every_unfinished_state(self):
        runs = {}
        for state, offset in (("SUBMITTED", 5), ("PENDING", 15), ("SCHEDULED", 25), ("RUNNING", 35)):
            run, r0 = self.run_at()
            self.at(r0, offset)
            self.assertEqual(self.job(self.app, run)["state"], state)
            self.emr.cancel_job_run(applicationId=self.app, jobRunId=run)
            job = self.job(self.app, run)
            self.assertEqual(job["state"], "CANCELLING", state)
            runs[state] = (run, epoch(job["updatedAt"]))
        for state, (run, c0) in runs.items():
            self.at(c0, 15)
            job = self.job(self.app, run)
            self.assertEqual(job["state"], "CANCELLED", state)
            self.assertTimestamp(job["endedAt"], c0 + 10)
            self.assertEqual("startedAt" in job, state == "RUNNING")
        self.assertError("ResourceNotFoundException", self.emr.cancel_job_run, applicationId=self.app,
                         jobRunId="00abcdefghijklmn")

    def test_cancelling_a_finished_run_is_an_error(self):
        ok, r0 = self.run_at()
        failed, _ = self.run_at(tags={"trailbox:outcome": "FAILED"})
        self.at(r0, 95)
        for run, state in ((ok, "SUCCESS"), (failed, "FAILED")):
            self.assertEqual(self.job(self.app, run)["state"], state)
            message = self.assertInvalid(self.emr.cancel_job_run, state, applicationId=self.app, jobRunId=run)
            self.assertIn(run, message)
            self.assertEqual(self.job(self.app, run)["state"], state)

    def test_cancel_grace_period(self):
        run, r0 = self.run_at(tags={"trailbox:outcome": "HANG"})
        self.at(r0, 35)
        self.emr.cancel_job_run(applicationId=self.app, jobRunId=run, shutdownGracePeriodInSeconds=45)
        c0 = epoch(self.job(self.app, run)["updatedAt"])
        self.at(c0, 40)
        self.assertEqual(self.job(self.app, run)["state"], "CANCELLING")
        self.at(c0, 50)
        job = self.job(self.app, run)
        self.assertEqual(job["state"], "CANCELLED")
        self.assertTimestamp(job["endedAt"], c0 + 45)

    def test_execution_timeout(self):
        run, r0 = self.run_at(tags={"trailbox:outcome": "HANG"}, executionTimeoutMinutes=5)
        job = self.walk(run, r0, [(35, "RUNNING"), (30 + 300 - 5, "RUNNING")])
        self.assertEqual(job["executionTimeoutMinutes"], 5)
        job = self.walk(run, r0, [(30 + 300 + 5, "CANCELLING")])
        self.assertTimestamp(job["updatedAt"], r0 + 330)
        self.assertIn("executionTimeoutMinutes", job["stateDetails"])
        self.assertIn("timed out", job["stateDetails"])
        job = self.walk(run, r0, [(30 + 300 + 15, "CANCELLED")])
        self.assertTimestamp(job["endedAt"], r0 + 340)
        self.assertIn("timed out", job["stateDetails"])
        self.assertEqual(job["totalExecutionDurationSeconds"], 310)
        # A run that ends before its timeout is not affected by it.
        run, r0 = self.run_at(executionTimeoutMinutes=2)
        self.walk(run, r0, [(95, "SUCCESS"), (600, "SUCCESS")])

    def test_retries_with_failed_attempts(self):
        run, r0 = self.run_at(tags={"trailbox:failed-attempts": "2", "trailbox:failure": "flaky"},
                              retryPolicy={"maxAttempts": 3})
        job = self.walk(run, r0, [(35, "RUNNING")])
        self.assertEqual((job["attempt"], job["retryPolicy"]), (1, {"maxAttempts": 3}))
        # Attempt 1 fails at r+90; attempt 2 goes through PENDING/SCHEDULED again.
        job = self.walk(run, r0, [(95, "PENDING")])
        self.assertEqual(job["attempt"], 2)
        self.assertTimestamp(job["attemptCreatedAt"], r0 + 90)
        job = self.walk(run, r0, [(105, "SCHEDULED"), (115, "RUNNING")])
        self.assertEqual(job["attempt"], 2)
        job = self.walk(run, r0, [(175, "PENDING")])
        self.assertEqual(job["attempt"], 3)
        job = self.walk(run, r0, [(255, "SUCCESS")])
        self.assertEqual(job["attempt"], 3)
        self.assertTimestamp(job["attemptCreatedAt"], r0 + 170)
        self.assertTimestamp(job["attemptUpdatedAt"], r0 + 250)
        self.assertTimestamp(job["endedAt"], r0 + 250)
        self.assertEqual(job["createdAt"], self.job(self.app, run, attempt=3)["createdAt"])

        attempts = self.emr.list_job_run_attempts(applicationId=self.app, jobRunId=run)["jobRunAttempts"]
        by_number = {a["attempt"]: a for a in attempts}
        self.assertEqual(sorted(by_number), [1, 2, 3])
        expected = {1: ("FAILED", r0, r0 + 90), 2: ("FAILED", r0 + 90, r0 + 170), 3: ("SUCCESS", r0 + 170, r0 + 250)}
        for number, (state, created, updated) in expected.items():
            attempt = by_number[number]
            self.assertEqual((attempt["id"], attempt["applicationId"], attempt["state"]), (run, self.app, state))
            self.assertTimestamp(attempt["jobCreatedAt"], r0)
            self.assertTimestamp(attempt["createdAt"], created)
            self.assertTimestamp(attempt["updatedAt"], updated)
            if state == "FAILED":
                self.assertEqual(attempt["stateDetails"], "flaky")
            view = self.job(self.app, run, attempt=number)
            self.assertEqual((view["attempt"], view["state"]), (number, state))
            self.assertTimestamp(view["attemptCreatedAt"], created)
            self.assertTimestamp(view["attemptUpdatedAt"], updated)
            if state == "FAILED":
                self.assertEqual(view["stateDetails"], "flaky")
        self.assertError("ResourceNotFoundException", self.emr.get_job_run, applicationId=self.app, jobRunId=run,
                         attempt=4)
        self.assertIn("url", self.emr.get_dashboard_for_job_run(applicationId=self.app, jobRunId=run, attempt=2))
        self.assertError("ResourceNotFoundException", self.emr.get_dashboard_for_job_run, applicationId=self.app,
                         jobRunId=run, attempt=4)

        first = self.emr.list_job_run_attempts(applicationId=self.app, jobRunId=run, maxResults=2)
        self.assertEqual(len(first["jobRunAttempts"]), 2)
        second = self.emr.list_job_run_attempts(applicationId=self.app, jobRunId=run, maxResults=2,
                                                nextToken=first["nextToken"])
        self.assertEqual(len(second["jobRunAttempts"]), 1)
        self.assertNotIn("nextToken", second)
        self.assertEqual(sorted(a["attempt"] for a in first["jobRunAttempts"] + second["jobRunAttempts"]), [1, 2, 3])
        pages = list(self.emr.get_paginator("list_job_run_attempts").paginate(
            applicationId=self.app, jobRunId=run, PaginationConfig={"PageSize": 1}))
        self.assertEqual([len(p["jobRunAttempts"]) for p in pages], [1, 1, 1])

    def test_retries_exhausted(self):
        run, r0 = self.run_at(tags={"trailbox:failed-attempts": "5"}, retryPolicy={"maxAttempts": 2})
        job = self.walk(run, r0, [(165, "RUNNING"), (175, "FAILED")])
        self.assertEqual(job["attempt"], 2)
        self.assertTimestamp(job["endedAt"], r0 + 170)
        self.assertEqual(len(self.emr.list_job_run_attempts(applicationId=self.app, jobRunId=run)["jobRunAttempts"]), 2)
        # outcome FAILED fails every attempt.
        run, r0 = self.run_at(tags={"trailbox:outcome": "FAILED"}, retryPolicy={"maxAttempts": 3})
        job = self.walk(run, r0, [(255, "FAILED")])
        self.assertEqual(job["attempt"], 3)
        # Without a retry policy a failed attempt is final.
        run, r0 = self.run_at(tags={"trailbox:failed-attempts": "1"})
        job = self.walk(run, r0, [(95, "FAILED")])
        self.assertEqual((job["attempt"], job["retryPolicy"]), (1, {"maxAttempts": 1}))

    def test_streaming(self):
        run, r0 = self.run_at(mode="STREAMING")
        job = self.walk(run, r0, [(35, "RUNNING"), (10 * 3600, "RUNNING")])
        self.assertEqual(job["mode"], "STREAMING")
        self.assertIn("maxFailedAttemptsPerHour", job["retryPolicy"])
        self.assertNotIn("maxAttempts", job["retryPolicy"])
        self.emr.cancel_job_run(applicationId=self.app, jobRunId=run)
        self.at(self.job(self.app, run)["updatedAt"], 15)
        self.assertEqual(self.job(self.app, run)["state"], "CANCELLED")

        # Failing attempts are retried until maxFailedAttemptsPerHour of them failed in an hour.
        run, r0 = self.run_at(mode="STREAMING", tags={"trailbox:outcome": "FAILED", "trailbox:failure": "stream broke"},
                              retryPolicy={"maxFailedAttemptsPerHour": 2})
        job = self.walk(run, r0, [(95, "PENDING"), (175, "FAILED")])
        self.assertEqual((job["attempt"], job["stateDetails"]), (2, "stream broke"))
        self.assertEqual(job["retryPolicy"], {"maxFailedAttemptsPerHour": 2})
        # A streaming run whose first attempts fail keeps running (hanging) afterwards.
        run, r0 = self.run_at(mode="STREAMING", tags={"trailbox:failed-attempts": "1"})
        job = self.walk(run, r0, [(95, "PENDING"), (3600, "RUNNING")])
        self.assertEqual(job["attempt"], 2)

        batch = self.emr.list_job_runs(applicationId=self.app, mode="BATCH")["jobRuns"]
        streaming = self.emr.list_job_runs(applicationId=self.app, mode="STREAMING")["jobRuns"]
        self.assertEqual(batch, [])
        self.assertEqual(len(streaming), 3)
        self.assertTrue(all(r["mode"] == "STREAMING" for r in streaming))

    def test_per_state_duration_tags(self):
        run, r0 = self.run_at(tags={"trailbox:submitted-ms": "20000", "trailbox:pending-ms": "30000",
                                    "trailbox:scheduled-ms": "40000", "trailbox:running-ms": "50000"})
        job = self.walk(run, r0, [(15, "SUBMITTED"), (25, "PENDING"), (45, "PENDING"), (55, "SCHEDULED"),
                                  (85, "SCHEDULED"), (95, "RUNNING"), (135, "RUNNING"), (145, "SUCCESS")])
        self.assertTimestamp(job["startedAt"], r0 + 90)
        self.assertTimestamp(job["endedAt"], r0 + 140)
        self.assertEqual(job["totalExecutionDurationSeconds"], 50)

        run, r0 = self.run_at(tags={"trailbox:outcome": "HANG", "trailbox:cancelling-ms": "25000",
                                    "trailbox:submitted-ms": "0", "trailbox:pending-ms": "0",
                                    "trailbox:scheduled-ms": "0"})
        self.walk(run, r0, [(1, "RUNNING")])
        self.emr.cancel_job_run(applicationId=self.app, jobRunId=run)
        c0 = epoch(self.job(self.app, run)["updatedAt"])
        self.at(c0, 20)
        self.assertEqual(self.job(self.app, run)["state"], "CANCELLING")
        self.at(c0, 30)
        job = self.job(self.app, run)
        self.assertEqual(job["state"], "CANCELLED")
        self.assertTimestamp(job["endedAt"], c0 + 25)

    def test_spark_submit_parameters_marker(self):
        run, r0 = self.run_at(jobDriver={"sparkSubmit": {
            "entryPoint": "s3://bucket/job.py",
            "sparkSubmitParameters": "--conf spark.executor.cores=2 --conf spark.trailbox.outcome=FAILED "
                                     "--conf spark.trailbox.failure=from-spark-conf --conf spark.driver.cores=1"}})
        job = self.walk(run, r0, [(95, "FAILED")])
        self.assertEqual(job["stateDetails"], "from-spark-conf")
        # A trailbox:* tag on the run wins over the --conf marker.
        run, r0 = self.run_at(tags={"trailbox:outcome": "SUCCESS"}, jobDriver={"sparkSubmit": {
            "entryPoint": "x", "sparkSubmitParameters": "--conf spark.trailbox.outcome=FAILED"}})
        self.walk(run, r0, [(95, "SUCCESS")])
        run, r0 = self.run_at(jobDriver={"sparkSubmit": {
            "entryPoint": "x", "sparkSubmitParameters": "--conf spark.trailbox.outcome=HANG"}})
        self.walk(run, r0, [(3600, "RUNNING")])
        self.assertInvalid(self.emr.start_job_run, "spark.trailbox.outcome", applicationId=self.app,
                           executionRoleArn=ROLE, jobDriver={"sparkSubmit": {
                               "entryPoint": "x", "sparkSubmitParameters": "--conf spark.trailbox.outcome=NOPE"}})

    def test_application_tags_are_defaults(self):
        self.emr.tag_resource(resourceArn=app_arn(self.app),
                              tags={"trailbox:outcome": "FAILED", "trailbox:failure": "application default"})
        default, r0 = self.run_at()
        by_tag, _ = self.run_at(tags={"trailbox:outcome": "SUCCESS"})
        by_conf, _ = self.run_at(jobDriver={"sparkSubmit": {
            "entryPoint": "x", "sparkSubmitParameters": "--conf spark.trailbox.outcome=SUCCESS"}})
        tag_over_conf, _ = self.run_at(tags={"trailbox:failure": "run tag"}, jobDriver={"sparkSubmit": {
            "entryPoint": "x", "sparkSubmitParameters": "--conf spark.trailbox.failure=conf"}})
        self.at(r0, 95)
        got = {name: self.job(self.app, run) for name, run in
               (("default", default), ("by_tag", by_tag), ("by_conf", by_conf), ("tag_over_conf", tag_over_conf))}
        self.assertEqual((got["default"]["state"], got["default"]["stateDetails"]), ("FAILED", "application default"))
        self.assertEqual(got["by_tag"]["state"], "SUCCESS")
        self.assertEqual(got["by_conf"]["state"], "SUCCESS")
        self.assertEqual((got["tag_over_conf"]["state"], got["tag_over_conf"]["stateDetails"]), ("FAILED", "run tag"))
        # The run's own tags are what was sent, not the application's.
        self.assertEqual(got["default"]["tags"], {})
        # Removing the application tag changes the default for later runs.
        self.emr.untag_resource(resourceArn=app_arn(self.app), tagKeys=["trailbox:outcome"])
        run, r0 = self.run_at()
        self.walk(run, r0, [(95, "SUCCESS")])

    def test_queued_with_max_concurrent_runs(self):
        app = self.created_app(10, release="emr-7.0.0",
                               schedulerConfiguration={"maxConcurrentRuns": 2, "queueTimeoutMinutes": 15})
        self.assertEqual(self.application(app)["schedulerConfiguration"],
                         {"maxConcurrentRuns": 2, "queueTimeoutMinutes": 15})
        runs = [self.start_run(app, tags={"trailbox:outcome": "HANG"}) for _ in range(4)]
        r0 = epoch(self.job(app, runs[0])["createdAt"])
        self.at(r0, 5)
        self.assertEqual([self.job(app, r)["state"] for r in runs], ["SUBMITTED"] * 4)
        self.at(r0, 15)  # the application STARTED at r0+10
        self.assertEqual([self.job(app, r)["state"] for r in runs], ["PENDING", "PENDING", "QUEUED", "QUEUED"])
        self.at(r0, 35)
        self.assertEqual([self.job(app, r)["state"] for r in runs], ["RUNNING", "RUNNING", "QUEUED", "QUEUED"])
        queued = self.emr.list_job_runs(applicationId=app, states=["QUEUED"])["jobRuns"]
        self.assertEqual(sorted(r["id"] for r in queued), sorted(runs[2:]))
        # A cancelled run frees its slot once CANCELLED; the oldest queued run goes on.
        self.emr.cancel_job_run(applicationId=app, jobRunId=runs[0])
        c0 = epoch(self.job(app, runs[0])["updatedAt"])
        self.at(c0, 5)
        self.assertEqual(self.job(app, runs[2])["state"], "QUEUED")
        self.at(c0, 15)
        job = self.job(app, runs[2])
        self.assertEqual(job["state"], "PENDING")
        self.assertAlmostEqual(job["queuedDurationMilliseconds"], (c0 + 10 - (r0 + 10)) * 1000, delta=50)
        self.at(c0, 45)
        self.assertEqual(self.job(app, runs[2])["state"], "RUNNING")
        self.assertEqual(self.job(app, runs[3])["state"], "QUEUED")
        # The queue timeout (15 minutes) fails a run still QUEUED; it was queued when the
        # application STARTED, 10 s after it was submitted.
        r3 = epoch(self.job(app, runs[3])["createdAt"])
        self.at(r0, 10 + 900 - 5)
        self.assertEqual(self.job(app, runs[3])["state"], "QUEUED")
        self.at(r0, 10 + 900 + 5)
        job = self.job(app, runs[3])
        self.assertEqual(job["state"], "FAILED")
        self.assertIn("queue", job["stateDetails"].lower())
        self.assertTimestamp(job["endedAt"], r3 + 910)
        self.assertEqual(job["queuedDurationMilliseconds"], 900000)
        self.assertNotIn("startedAt", job)
        # A QUEUED run can be cancelled.
        extra = self.start_run(app, tags={"trailbox:outcome": "HANG"})
        self.at(self.job(app, extra)["createdAt"], 15)
        self.assertEqual(self.job(app, extra)["state"], "QUEUED")
        self.emr.cancel_job_run(applicationId=app, jobRunId=extra)
        self.at(self.job(app, extra)["updatedAt"], 15)
        self.assertEqual(self.job(app, extra)["state"], "CANCELLED")

    def test_hive_job_run(self):
        app = self.started_app(10, 10, type="HIVE")
        self.assertEqual(self.application(app)["type"], "Hive")
        run = self.start_run(app, jobDriver=HIVE_DRIVER)
        self.at(self.job(app, run)["createdAt"], 95)
        job = self.job(app, run)
        self.assertEqual((job["state"], job["jobDriver"]), ("SUCCESS", HIVE_DRIVER))
        self.assertEqual(self.emr.list_job_runs(applicationId=app)["jobRuns"][0]["type"], "Hive")
        self.assertInvalid(self.emr.start_job_run, "sparkSubmit", applicationId=app, executionRoleArn=ROLE,
                           jobDriver=DRIVER)


# =============================================================================================
# Interactive sessions (long timings). A session submitted at t to a STARTED application:
# STARTING at t, STARTED t+10, IDLE t+20, then TERMINATING after idleTimeoutMinutes.
# =============================================================================================

class Sessions(EmrCase):
    TIMINGS = LONG_TIMINGS
    SESSION_APP = {"release": "emr-7.13.0", "interactiveConfiguration": {"sessionEnabled": True}}

    def test_release_and_session_enabled_rules(self):
        old = self.created_app(10, release="emr-7.12.0")
        self.assertInvalid(self.emr.start_session, "7.13.0", applicationId=old, executionRoleArn=ROLE)
        disabled = self.created_app(10, release="emr-7.13.0")
        self.assertInvalid(self.emr.start_session, "sessionEnabled", applicationId=disabled, executionRoleArn=ROLE)
        self.assertInvalid(self.emr.create_application, "7.13.0", releaseLabel="emr-7.12.0", type="SPARK",
                           interactiveConfiguration={"sessionEnabled": True})
        # Enabling sessions with UpdateApplication.
        self.emr.update_application(applicationId=disabled, interactiveConfiguration={"sessionEnabled": True})
        self.emr.start_session(applicationId=disabled, executionRoleArn=ROLE)
        self.assertEqual(self.state(disabled), "STARTING")
        # Auto-start off: only a started application takes sessions.
        manual = self.created_app(10, autoStartConfiguration={"enabled": False}, **self.SESSION_APP)
        self.assertInvalid(self.emr.start_session, "STARTED", applicationId=manual, executionRoleArn=ROLE)
        self.assertEqual(self.state(manual), "CREATED")
        self.emr.start_application(applicationId=manual)
        self.at(self.application(manual)["updatedAt"], 15)
        sid = self.emr.start_session(applicationId=manual, executionRoleArn=ROLE)["sessionId"]
        self.assertIn(self.session(manual, sid)["state"], ("SUBMITTED", "STARTING"))
        # Not on a deleted application.
        gone = self.created_app(10, **self.SESSION_APP)
        self.emr.delete_application(applicationId=gone)
        self.assertInvalid(self.emr.start_session, applicationId=gone, executionRoleArn=ROLE)
        self.assertEqual(self.emr.list_sessions(applicationId=gone)["sessions"], [])

    def test_no_session_while_starting_without_auto_start(self):
        app = self.created_app(10, autoStartConfiguration={"enabled": False}, **self.SESSION_APP)
        self.emr.start_application(applicationId=app)
        self.assertEqual(self.state(app), "STARTING")
        self.assertInvalid(self.emr.start_session, applicationId=app, executionRoleArn=ROLE)

    def test_lifecycle_endpoint_and_idle_timeout(self):
        app = self.created_app(10, **self.SESSION_APP)
        sid = self.emr.start_session(applicationId=app, executionRoleArn=ROLE, idleTimeoutMinutes=15)["sessionId"]
        t0 = epoch(self.session(app, sid)["createdAt"])
        self.assertEqual(self.state(app), "STARTING")  # auto-start

        def check(offset, state, endpoint):
            self.at(t0, offset)
            session = self.session(app, sid)
            self.assertEqual(session["state"], state, f"+{offset}s")
            if endpoint:
                out = self.emr.get_session_endpoint(applicationId=app, sessionId=sid)
                self.assertEqual(out["sessionId"], sid)
            else:
                self.assertInvalid(self.emr.get_session_endpoint, state, applicationId=app, sessionId=sid)
            return session

        check(5, "SUBMITTED", False)
        check(15, "STARTING", False)
        session = check(25, "STARTED", True)
        self.assertTimestamp(session["startedAt"], t0 + 20)
        self.assertInvalid(self.emr.stop_application, applicationId=app)
        session = check(35, "IDLE", True)
        self.assertTimestamp(session["idleSince"], t0 + 30)
        check(30 + 900 - 5, "IDLE", True)
        session = check(30 + 900 + 5, "TERMINATING", False)
        self.assertIn("idle", session["stateDetails"].lower())
        session = check(30 + 900 + 15, "TERMINATED", False)
        self.assertTimestamp(session["endedAt"], t0 + 940)
        self.assertEqual(session["totalExecutionDurationSeconds"], 920)
        # Terminated sessions keep their dashboard (Spark History Server).
        self.assertIn("url", self.emr.get_resource_dashboard(applicationId=app, resourceId=sid,
                                                             resourceType="SESSION"))
        self.assertInvalid(self.emr.terminate_session, "TERMINATED", applicationId=app, sessionId=sid)
        # The application idles from then on: it can be stopped.
        self.emr.stop_application(applicationId=app)
        self.assertEqual(self.state(app), "STOPPING")

    def test_terminate_session(self):
        app = self.started_app(10, 10, **self.SESSION_APP)
        sid = self.emr.start_session(applicationId=app, executionRoleArn=ROLE)["sessionId"]
        t0 = epoch(self.session(app, sid)["createdAt"])
        self.at(t0, 35)
        self.assertEqual(self.session(app, sid)["state"], "IDLE")
        out = self.emr.terminate_session(applicationId=app, sessionId=sid)
        self.assertEqual(body(out), {"applicationId": app, "sessionId": sid})
        session = self.session(app, sid)
        k0 = epoch(session["updatedAt"])
        self.assertEqual(session["state"], "TERMINATING")
        self.assertEqual(body(self.emr.terminate_session(applicationId=app, sessionId=sid)),
                         {"applicationId": app, "sessionId": sid})
        self.at(k0, 5)
        self.assertEqual(self.session(app, sid)["state"], "TERMINATING")
        self.at(k0, 15)
        session = self.session(app, sid)
        self.assertEqual(session["state"], "TERMINATED")
        self.assertTimestamp(session["endedAt"], k0 + 10)
        self.assertInvalid(self.emr.get_session_endpoint, applicationId=app, sessionId=sid)
        self.assertInvalid(self.emr.terminate_session, applicationId=app, sessionId=sid)
        self.assertError("ResourceNotFoundException", self.emr.get_session, applicationId=app,
                         sessionId="00abcdefghijklmn")

    def test_failed_session(self):
        app = self.started_app(10, 10, **self.SESSION_APP)
        sid = self.emr.start_session(applicationId=app, executionRoleArn=ROLE,
                                     tags={"trailbox:outcome": "FAILED", "trailbox:failure": "no capacity"})["sessionId"]
        t0 = epoch(self.session(app, sid)["createdAt"])
        self.at(t0, 5)
        self.assertEqual(self.session(app, sid)["state"], "STARTING")
        self.at(t0, 15)
        session = self.session(app, sid)
        self.assertEqual((session["state"], session["stateDetails"]), ("FAILED", "no capacity"))
        self.assertInvalid(self.emr.get_session_endpoint, applicationId=app, sessionId=sid)
        self.assertInvalid(self.emr.terminate_session, applicationId=app, sessionId=sid)
        # A failed session does not keep the application busy.
        self.emr.stop_application(applicationId=app)


# =============================================================================================
# Pagination and filters (long timings, so that states do not change while a listing is checked).
# =============================================================================================

class PaginationAndFilters(EmrCase):
    TIMINGS = LONG_TIMINGS
    SESSION_APP = {"release": "emr-7.13.0", "interactiveConfiguration": {"sessionEnabled": True}}

    def test_list_applications(self):
        ids = [self.new_app(name=f"a{i}") for i in range(7)]
        pages = list(self.emr.get_paginator("list_applications").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p["applications"]) for p in pages], [3, 3, 1])
        self.assertNotIn("nextToken", pages[-1])
        self.assertEqual([a["id"] for p in pages for a in p["applications"]], list(reversed(ids)))
        # By hand, with maxResults/nextToken.
        seen, token = [], None
        while True:
            page = self.emr.list_applications(maxResults=2, **({"nextToken": token} if token else {}))
            seen += [a["id"] for a in page["applications"]]
            token = page.get("nextToken")
            if not token:
                break
            self.assertRegex(token, r"^[A-Za-z0-9_=-]{1,1024}$")
        self.assertEqual(seen, list(reversed(ids)))
        # A token only continues the listing it came from.
        token = self.emr.list_applications(maxResults=2)["nextToken"]
        self.assertInvalid(self.emr.list_applications, "nextToken", nextToken=token, states=["CREATING"])
        self.assertEqual(len(self.emr.list_applications(nextToken=token, maxResults=2)["applications"]), 2)
        # The default page holds at most 50.
        more = [self.new_app() for _ in range(44)]
        first = self.emr.list_applications()
        self.assertEqual(len(first["applications"]), 50)
        self.assertIn("nextToken", first)
        rest = self.emr.list_applications(nextToken=first["nextToken"])
        self.assertEqual(len(rest["applications"]), 1)
        self.assertNotIn("nextToken", rest)
        # States filter; TERMINATED only when asked for.
        self.at(self.application(more[-1])["createdAt"], 15)
        self.emr.delete_application(applicationId=ids[0])
        self.emr.start_application(applicationId=ids[1])
        listed = lambda **kw: [a["id"] for p in self.emr.get_paginator("list_applications").paginate(**kw)
                               for a in p["applications"]]
        self.assertEqual(len(listed()), 50)
        self.assertNotIn(ids[0], listed())
        self.assertEqual(listed(states=["TERMINATED"]), [ids[0]])
        self.assertEqual(listed(states=["STARTING"]), [ids[1]])
        self.assertEqual(sorted(listed(states=["STARTING", "TERMINATED"])), sorted(ids[:2]))
        self.assertEqual(len(listed(states=["CREATED"])), 49)
        self.assertEqual(len(listed(states=["CREATING", "CREATED", "STARTING", "STARTED", "STOPPING", "STOPPED",
                                            "TERMINATED"])), 51)

    def test_list_applications_grouped_by_state(self):
        ids = [self.new_app(name=f"g{i}") for i in range(4)]
        self.at(self.application(ids[-1])["createdAt"], 15)
        self.emr.start_application(applicationId=ids[1])
        self.emr.start_application(applicationId=ids[3])
        listed = self.emr.list_applications(states=["CREATED", "STARTING"])["applications"]
        self.assertEqual(sorted(a["id"] for a in listed), sorted(ids))
        self.assertTrue(grouped([a["state"] for a in listed]), [a["state"] for a in listed])

    def test_list_job_runs(self):
        app = self.created_app(10)
        other = self.created_app(10)
        runs, times = [], []
        for i in range(6):
            run = self.start_run(app, name=f"r{i}", tags={"trailbox:outcome": "HANG"} if i % 2 else {})
            runs.append(run)
            times.append(epoch(self.job(app, run)["createdAt"]))
            self.at(times[-1], 100)
        self.start_run(other)
        pages = list(self.emr.get_paginator("list_job_runs").paginate(applicationId=app,
                                                                        PaginationConfig={"PageSize": 4}))
        self.assertEqual([len(p["jobRuns"]) for p in pages], [4, 2])
        self.assertEqual([r["id"] for p in pages for r in p["jobRuns"]], list(reversed(runs)))
        ids = lambda **kw: [r["id"] for p in self.emr.get_paginator("list_job_runs").paginate(applicationId=app, **kw)
                            for r in p["jobRuns"]]
        utc = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        self.assertEqual(ids(createdAtAfter=utc(times[2] + 50)), list(reversed(runs[3:])))
        self.assertEqual(ids(createdAtBefore=utc(times[2] + 50)), list(reversed(runs[:3])))
        self.assertEqual(ids(createdAtAfter=utc(times[1] + 50), createdAtBefore=utc(times[3] + 50)),
                         [runs[3], runs[2]])
        self.assertEqual(ids(createdAtAfter=utc(times[-1] + 50)), [])
        # Odd runs hang, even runs succeeded.
        self.assertEqual(ids(states=["SUCCESS"]), [runs[4], runs[2], runs[0]])
        self.assertEqual(ids(states=["RUNNING"]), [runs[5], runs[3], runs[1]])
        self.assertEqual(sorted(ids(states=["RUNNING", "SUCCESS"])), sorted(runs))
        self.assertEqual(ids(states=["FAILED", "QUEUED"]), [])
        self.assertEqual(ids(mode="BATCH", states=["SUCCESS"], createdAtAfter=utc(times[1])), [runs[4], runs[2]])
        # Tokens are bound to their listing.
        token = self.emr.list_job_runs(applicationId=app, maxResults=2)["nextToken"]
        self.assertInvalid(self.emr.list_job_runs, "nextToken", applicationId=app, nextToken=token, states=["SUCCESS"])
        self.assertInvalid(self.emr.list_job_runs, "nextToken", applicationId=other, nextToken=token)
        self.assertEqual(len(self.emr.list_job_runs(applicationId=app, maxResults=2, nextToken=token)["jobRuns"]), 2)
        self.assertEqual(len(self.emr.list_job_runs(applicationId=other)["jobRuns"]), 1)

    def test_list_job_runs_grouped_by_state(self):
        app = self.created_app(10)
        runs = [self.start_run(app, tags={"trailbox:outcome": "HANG"} if i % 2 else {}) for i in range(4)]
        self.at(self.job(app, runs[-1])["createdAt"], 100)
        listed = self.emr.list_job_runs(applicationId=app, states=["RUNNING", "SUCCESS"])["jobRuns"]
        self.assertEqual(sorted(r["id"] for r in listed), sorted(runs))
        self.assertTrue(grouped([r["state"] for r in listed]), [r["state"] for r in listed])

    def test_list_sessions(self):
        app = self.created_app(10, **self.SESSION_APP)
        sessions, times = [], []
        for i in range(5):
            sid = self.emr.start_session(applicationId=app, executionRoleArn=ROLE, name=f"s{i}")["sessionId"]
            sessions.append(sid)
            times.append(epoch(self.session(app, sid)["createdAt"]))
            self.at(times[-1], 40)
        self.emr.terminate_session(applicationId=app, sessionId=sessions[0])
        self.emr.terminate_session(applicationId=app, sessionId=sessions[3])
        pages = list(self.emr.get_paginator("list_sessions").paginate(applicationId=app,
                                                                        PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["sessions"]) for p in pages], [2, 2, 1])
        self.assertNotIn("nextToken", pages[-1])
        self.assertEqual([s["sessionId"] for p in pages for s in p["sessions"]], list(reversed(sessions)))
        ids = lambda **kw: [s["sessionId"] for p in self.emr.get_paginator("list_sessions").paginate(
            applicationId=app, **kw) for s in p["sessions"]]
        self.assertEqual(ids(states=["TERMINATING"]), [sessions[3], sessions[0]])
        self.assertEqual(ids(states=["IDLE"]), [sessions[4], sessions[2], sessions[1]])
        utc = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        self.assertEqual(ids(createdAtAfter=utc(times[2] + 20)), [sessions[4], sessions[3]])
        self.assertEqual(ids(createdAtBefore=utc(times[1] + 20)), [sessions[1], sessions[0]])
        self.assertEqual(ids(states=["IDLE"], createdAtAfter=utc(times[1] + 20)), [sessions[4], sessions[2]])
        token = self.emr.list_sessions(applicationId=app, maxResults=1)["nextToken"]
        self.assertInvalid(self.emr.list_sessions, "nextToken", applicationId=app, nextToken=token, states=["IDLE"])

    def test_list_sessions_grouped_by_state(self):
        app = self.created_app(10, **self.SESSION_APP)
        sessions = [self.emr.start_session(applicationId=app, executionRoleArn=ROLE)["sessionId"] for _ in range(4)]
        self.at(self.session(app, sessions[-1])["createdAt"], 40)
        self.emr.terminate_session(applicationId=app, sessionId=sessions[0])
        self.emr.terminate_session(applicationId=app, sessionId=sessions[2])
        listed = self.emr.list_sessions(applicationId=app, states=["IDLE", "TERMINATING"])["sessions"]
        self.assertEqual(sorted(s["sessionId"] for s in listed), sorted(sessions))
        self.assertTrue(grouped([s["state"] for s in listed]), [s["state"] for s in listed])


# =============================================================================================
# clientToken idempotency on CreateApplication, StartJobRun, StartSession.
# =============================================================================================

class Idempotency(EmrCase):
    def test_create_application(self):
        first = body(self.emr.create_application(name="x", releaseLabel="emr-7.1.0", type="SPARK", clientToken="tok-1"))
        again = body(self.emr.create_application(name="x", releaseLabel="emr-7.1.0", type="SPARK", clientToken="tok-1"))
        self.assertEqual(first, again)
        self.assertEqual(len(self.emr.list_applications()["applications"]), 1)
        self.assertError("ConflictException", self.emr.create_application, "tok-1", name="y",
                         releaseLabel="emr-7.1.0", type="SPARK", clientToken="tok-1")
        # Later, in another state, the same request still names the same application.
        self.at(self.application(first["applicationId"])["createdAt"], 5)
        self.assertEqual(body(self.emr.create_application(name="x", releaseLabel="emr-7.1.0", type="SPARK",
                                                          clientToken="tok-1")), first)
        other = self.emr.create_application(name="x", releaseLabel="emr-7.1.0", type="SPARK", clientToken="tok-2")
        self.assertNotEqual(other["applicationId"], first["applicationId"])
        # Without a token botocore generates a fresh one per call: two applications.
        self.new_app()
        self.new_app()
        self.assertEqual(len(self.emr.list_applications()["applications"]), 4)

    def test_start_job_run(self):
        app = self.created_app(1)
        args = {"applicationId": app, "executionRoleArn": ROLE, "jobDriver": DRIVER, "clientToken": "run-tok"}
        first = body(self.emr.start_job_run(**args))
        self.assertEqual(body(self.emr.start_job_run(**args)), first)
        self.at(self.job(app, first["jobRunId"])["createdAt"], 10)
        self.assertEqual(self.job(app, first["jobRunId"])["state"], "SUCCESS")
        self.assertEqual(body(self.emr.start_job_run(**args)), first)
        self.assertError("ConflictException", self.emr.start_job_run, **dict(args, name="different"))
        self.assertEqual(len(self.emr.list_job_runs(applicationId=app)["jobRuns"]), 1)

    def test_start_session(self):
        app = self.created_app(1, release="emr-7.13.0", interactiveConfiguration={"sessionEnabled": True})
        args = {"applicationId": app, "executionRoleArn": ROLE, "clientToken": "session-tok", "name": "nb"}
        first = body(self.emr.start_session(**args))
        self.assertEqual(body(self.emr.start_session(**args)), first)
        self.assertError("ConflictException", self.emr.start_session, **dict(args, idleTimeoutMinutes=5))
        self.assertEqual(len(self.emr.list_sessions(applicationId=app)["sessions"]), 1)


# =============================================================================================
# Every call is a CloudTrail event.
# =============================================================================================

class CloudTrailRecords(EmrCase):
    def lookup(self, name, request_id):
        """The LookupEvents summary and record of the call with this request id."""
        events = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])
        found = [(e, json.loads(e["CloudTrailEvent"])) for e in events["Events"]]
        found = [(e, r) for e, r in found if r["requestID"] == request_id]
        self.assertEqual(len(found), 1, f"{name} {request_id}")
        return found[0]

    def test_every_operation_is_recorded(self):
        emr = self.emr
        calls = {}  # operation -> (request id, response body)

        def call(operation, fn, **kwargs):
            out = fn(**kwargs)
            calls[operation] = (out["ResponseMetadata"]["RequestId"], body(out))
            return out

        app = call("CreateApplication", emr.create_application, name="ct", releaseLabel="emr-7.13.0", type="SPARK",
                   interactiveConfiguration={"sessionEnabled": True})["applicationId"]
        call("GetApplication", emr.get_application, applicationId=app)
        call("ListApplications", emr.list_applications)
        self.at(self.application(app)["createdAt"], 1.5)
        call("UpdateApplication", emr.update_application, applicationId=app,
             autoStopConfiguration={"idleTimeoutMinutes": 30})
        call("StartApplication", emr.start_application, applicationId=app)
        run = call("StartJobRun", emr.start_job_run, applicationId=app, executionRoleArn=ROLE, name="r",
                   jobDriver={"sparkSubmit": {"entryPoint": "s3://secret/job.py", "entryPointArguments": ["pw"],
                                              "sparkSubmitParameters": "--conf password=hunter2"}},
                   configurationOverrides={"applicationConfiguration": [
                       {"classification": "spark-defaults", "properties": {"secret": "s3cr3t"}}]},
                   tags={"trailbox:outcome": "HANG"})["jobRunId"]
        call("GetJobRun", emr.get_job_run, applicationId=app, jobRunId=run)
        call("ListJobRuns", emr.list_job_runs, applicationId=app, states=["SUBMITTED"], maxResults=10)
        call("ListJobRunAttempts", emr.list_job_run_attempts, applicationId=app, jobRunId=run)
        call("GetDashboardForJobRun", emr.get_dashboard_for_job_run, applicationId=app, jobRunId=run)
        call("CancelJobRun", emr.cancel_job_run, applicationId=app, jobRunId=run, shutdownGracePeriodInSeconds=1)
        sid = call("StartSession", emr.start_session, applicationId=app, executionRoleArn=ROLE)["sessionId"]
        call("GetSession", emr.get_session, applicationId=app, sessionId=sid)
        self.at(self.session(app, sid)["createdAt"], 2.5)
        call("GetSessionEndpoint", emr.get_session_endpoint, applicationId=app, sessionId=sid)
        call("ListSessions", emr.list_sessions, applicationId=app)
        call("GetResourceDashboard", emr.get_resource_dashboard, applicationId=app, resourceId=sid,
             resourceType="SESSION")
        call("TerminateSession", emr.terminate_session, applicationId=app, sessionId=sid)
        call("TagResource", emr.tag_resource, resourceArn=app_arn(app), tags={"a": "b"})
        call("ListTagsForResource", emr.list_tags_for_resource, resourceArn=app_arn(app))
        call("UntagResource", emr.untag_resource, resourceArn=app_arn(app), tagKeys=["a"])
        self.at(self.session(app, sid)["updatedAt"], 1.5)
        self.at(self.job(app, run)["updatedAt"], 1.5)
        call("StopApplication", emr.stop_application, applicationId=app)
        self.at(self.application(app)["updatedAt"], 1.5)
        call("DeleteApplication", emr.delete_application, applicationId=app)
        self.assertEqual(set(calls), set(READ_ONLY))

        for name, (request_id, response) in calls.items():
            with self.subTest(operation=name):
                records = [r for r in self.server.events(eventName=name) if r["requestID"] == request_id]
                self.assertEqual(len(records), 1)
                record = records[0]
                self.assertEqual(record["eventSource"], "emr-serverless.amazonaws.com")
                self.assertEqual(record["eventName"], name)
                self.assertIs(record["readOnly"], READ_ONLY[name])
                self.assertEqual((record["awsRegion"], record["recipientAccountId"]), (REGION, ACCOUNT))
                self.assertEqual((record["eventType"], record["managementEvent"], record["eventCategory"]),
                                 ("AwsApiCall", True, "Management"))
                self.assertEqual(record["eventVersion"], "1.08")
                self.assertEqual(record["userIdentity"]["accessKeyId"], ACCESS_KEY)
                self.assertTrue(record["userAgent"].startswith("Boto3/"), record["userAgent"])
                self.assertNotIn("errorCode", record)
                self.assertRegex(record["eventID"], UUID)
                if READ_ONLY[name]:
                    self.assertIsNone(record["responseElements"])
                elif name in ("CreateApplication", "StartJobRun", "CancelJobRun", "StartSession", "TerminateSession"):
                    self.assertEqual(record["responseElements"], response)
                elif name == "UpdateApplication":
                    self.assertEqual(record["responseElements"]["application"]["applicationId"], app)
        # requestParameters: path, query and body members as sent; sensitive members hidden.
        params = lambda name: next(r for r in self.server.events(eventName=name)
                                   if r["requestID"] == calls[name][0])["requestParameters"]
        self.assertEqual(params("GetJobRun"), {"applicationId": app, "jobRunId": run})
        self.assertEqual(params("ListJobRuns")["states"], ["SUBMITTED"])
        self.assertEqual(params("ListJobRuns")["maxResults"], 10)
        self.assertEqual(params("CancelJobRun"), {"applicationId": app, "jobRunId": run,
                                                  "shutdownGracePeriodInSeconds": 1})
        self.assertEqual(params("UntagResource"), {"resourceArn": app_arn(app), "tagKeys": ["a"]})
        start = params("StartJobRun")
        hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"
        self.assertEqual(start["jobDriver"], {"sparkSubmit": {"entryPoint": hidden, "entryPointArguments": [hidden],
                                                              "sparkSubmitParameters": hidden}})
        self.assertEqual(start["configurationOverrides"]["applicationConfiguration"][0]["properties"], hidden)
        self.assertEqual(start["executionRoleArn"], ROLE)
        self.assertIn("clientToken", start)
        for text in ("hunter2", "s3cr3t", "s3://secret"):
            self.assertNotIn(text, json.dumps(self.server.events()))
        # The session endpoint's authToken is in no record.
        token = calls["GetSessionEndpoint"][1]["authToken"]
        self.assertNotIn(token, json.dumps(self.server.events()))
        # LookupEvents names the resources of each call by ARN.
        session_arn = calls["StartSession"][1]["arn"]
        by_session = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName",
                                                              "AttributeValue": session_arn}])["Events"]
        self.assertEqual({e["EventName"] for e in by_session},
                         {"GetResourceDashboard", "GetSession", "GetSessionEndpoint", "StartSession",
                          "TerminateSession"})
        start_session = next(e for e in by_session if e["EventName"] == "StartSession")
        self.assertEqual(start_session["Resources"], [
            {"ResourceType": "AWS::EMRServerless::Application", "ResourceName": app_arn(app)},
            {"ResourceType": "AWS::EMRServerless::Session", "ResourceName": session_arn}])

    def test_lookup_events_for_writes_reads_and_failures(self):
        created = self.emr.create_application(name="ct", releaseLabel="emr-7.1.0", type="SPARK")
        app = created["applicationId"]
        got = self.emr.get_application(applicationId=app)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.emr.stop_application(applicationId=app)
        stop_error = cm.exception.response
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.emr.list_applications(maxResults=51)
        list_error = cm.exception.response
        self.at(self.application(app)["createdAt"], 1.5)
        run = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER)
        self.emr.get_job_run(applicationId=app, jobRunId=run["jobRunId"])

        summary, record = self.lookup("CreateApplication", created["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["requestParameters"]["name"], "ct")
        self.assertEqual(record["responseElements"], {"name": "ct", "applicationId": app, "arn": app_arn(app)})
        self.assertEqual(summary["ReadOnly"], "false")
        self.assertEqual(summary["Username"], ACCESS_KEY)
        self.assertEqual(summary["Resources"], [{"ResourceType": "AWS::EMRServerless::Application",
                                                 "ResourceName": app_arn(app)}])

        summary, record = self.lookup("GetApplication", got["ResponseMetadata"]["RequestId"])
        self.assertIsNone(record["responseElements"])
        self.assertEqual(summary["ReadOnly"], "true")

        summary, record = self.lookup("StopApplication", stop_error["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["errorCode"], "ValidationException")
        self.assertEqual(record["errorMessage"], stop_error["Error"]["Message"])
        self.assertIsNone(record["responseElements"])
        self.assertEqual(record["requestParameters"], {"applicationId": app})

        summary, record = self.lookup("ListApplications", list_error["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["errorCode"], "ValidationException")
        self.assertIn("maxResults", record["errorMessage"])

        run_arn = run["arn"]
        summary, record = self.lookup("StartJobRun", run["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["responseElements"], {"applicationId": app, "jobRunId": run["jobRunId"],
                                                      "arn": run_arn})
        self.assertIn({"ResourceType": "AWS::EMRServerless::JobRun", "ResourceName": run_arn}, summary["Resources"])
        by_run = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName",
                                                          "AttributeValue": run_arn}])["Events"]
        self.assertEqual(sorted(e["EventName"] for e in by_run), ["GetJobRun", "StartJobRun"])
        errors = self.server.events(errorsOnly="true")
        self.assertEqual(sorted(r["eventName"] for r in errors), ["ListApplications", "StopApplication"])


# =============================================================================================
# Things trailbox gets wrong (documented behaviour, expected to fail).
# =============================================================================================

class DocumentedGaps(EmrCase):
    def test_dashboard_url_expires_after_one_hour(self):
        app = self.created_app(1)
        run = self.start_run(app)
        url = urllib.parse.urlsplit(self.emr.get_dashboard_for_job_run(applicationId=app, jobRunId=run)["url"])
        status, _, _ = self.server.request("GET", url.path + "?" + url.query)
        self.assertEqual(status, 200)
        self.server.advance(3601)
        status, _, _ = self.server.request("GET", url.path + "?" + url.query)
        self.assertNotEqual(status, 200)

    def test_resolved_image_digest_once_started(self):
        uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark/custom:7.1"
        app = self.created_app(1, imageConfiguration={"imageUri": uri})
        self.assertEqual(self.application(app)["imageConfiguration"], {"imageUri": uri})
        self.emr.start_application(applicationId=app)
        self.at(self.application(app)["updatedAt"], 1.5)
        image = self.application(app)["imageConfiguration"]
        self.assertEqual(image["imageUri"], uri)
        self.assertRegex(image.get("resolvedImageDigest", ""), r"^sha256:[0-9a-f]{64}$")


# =============================================================================================
# Restart on a file database: work in progress goes on.
# =============================================================================================

class Restart(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trailbox-emr-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.db = os.path.join(self.dir, "trailbox.db")

    def open(self):
        server = TrailboxServer(db=self.db).start()
        self.addCleanup(server.stop)
        emr = boto3_client(server, "emr-serverless")
        return server, emr

    def check_restart(self, stop):
        server, emr = self.open()
        app = emr.create_application(releaseLabel="emr-7.1.0", type="SPARK",
                                     autoStopConfiguration={"idleTimeoutMinutes": 5})["applicationId"]
        server.advance(2)
        started = emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER,
                                    tags={"trailbox:running-ms": "600000"})
        run = started["jobRunId"]
        server.advance(30)
        job = emr.get_job_run(applicationId=app, jobRunId=run)["jobRun"]
        self.assertEqual(job["state"], "RUNNING")
        offset = server.json("GET", "/_trailbox/clock")[2]["offsetMs"]
        emr.close()
        stop(server)

        server, emr = self.open()
        self.assertGreaterEqual(server.json("GET", "/_trailbox/clock")[2]["offsetMs"], offset)
        self.assertEqual(emr.get_job_run(applicationId=app, jobRunId=run)["jobRun"], job)
        server.advance(epoch(job["startedAt"]) + 600 + 5 - server.json("GET", "/_trailbox/clock")[2]["nowMs"] / 1000)
        job = emr.get_job_run(applicationId=app, jobRunId=run)["jobRun"]
        self.assertEqual(job["state"], "SUCCESS")
        self.assertAlmostEqual(epoch(job["endedAt"]) - epoch(job["startedAt"]), 600, places=3)
        self.assertEqual(emr.get_application(applicationId=app)["application"]["state"], "STARTED")
        server.advance(5 * 60 + 5)
        self.assertEqual(emr.get_application(applicationId=app)["application"]["state"], "STOPPED")
        # The calls made before the restart are still in the event history.
        records = [r for r in server.events(eventName="StartJobRun")]
        self.assertEqual([r["requestID"] for r in records], [started["ResponseMetadata"]["RequestId"]])
        emr.close()

    def test_run_continues_after_sigterm_and_restart(self):
        self.check_restart(lambda server: server.stop())

    def test_run_continues_after_kill_9_and_restart(self):
        self.check_restart(lambda server: server.kill())


if __name__ == "__main__":
    unittest.main()
