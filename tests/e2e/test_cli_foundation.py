"""End to end with the real AWS CLI: create an application, start and cancel a job run, and read
the three calls back with `aws cloudtrail lookup-events`, checking every field against what the
calls sent and returned and against AWS's published CreateApplication record (the seed)."""
import json
import os
import re
import subprocess
import unittest

from trailbox_fixture import ROOT, TrailboxServer, aws_env

SEED = os.path.join(os.path.dirname(ROOT), "shared", "seeds", "000_f1356f83331ae5e2.txt")
SEED_RECORD = {
    # The verbatim CreateApplication record from AWS's "Logging Amazon EMR Serverless API calls
    # using AWS CloudTrail" page (the project's seed). Kept here too so the test runs where the
    # seed file is not checked out next to the repository.
    "eventVersion": "1.08",
    "userIdentity": {
        "type": "AssumedRole", "principalId": "AIDACKCEVSQ6C2EXAMPLE:admin",
        "arn": "arn:aws:sts::012345678910:assumed-role/Admin/admin", "accountId": "012345678910",
        "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                              "arn": "arn:aws:iam::012345678910:role/Admin", "accountId": "012345678910",
                              "userName": "Admin"},
            "webIdFederationData": {},
            "attributes": {"creationDate": "2022-06-01T23:46:52Z", "mfaAuthenticated": "false"}}},
    "eventTime": "2022-06-01T23:49:28Z", "eventSource": "emr-serverless.amazonaws.com",
    "eventName": "CreateApplication", "awsRegion": "us-west-2", "sourceIPAddress": "203.0.113.0",
    "userAgent": "PostmanRuntime/7.26.10",
    "requestParameters": {"name": "my-serverless-application", "releaseLabel": "emr-6.6", "type": "SPARK",
                          "clientToken": "0a1b234c-de56-7890-1234-567890123456"},
    "responseElements": {"name": "my-serverless-application", "applicationId": "1234567890abcdef0",
                         "arn": "arn:aws:emr-serverless:us-west-2:555555555555:/applications/1234567890abcdef0"},
    "requestID": "890b8639-e51f-11e7-b038-EXAMPLE", "eventID": "874f89fa-70fc-4798-bc00-EXAMPLE",
    "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
    "recipientAccountId": "012345678910", "eventCategory": "Management",
}
ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"


def seed_record():
    """The seed's record, read from the seed file when it is present (and checked to agree)."""
    if os.path.exists(SEED):
        text = open(SEED).read()
        record = json.loads(text[text.index('{ "eventVersion"'):])
        assert record == SEED_RECORD, "the seed file and the test's copy of its record differ"
    return SEED_RECORD


def key_shape(value, operation_specific=("requestParameters", "responseElements"), top=True):
    """Keys (in order) and JSON types, recursively: what "field for field" compares. The members
    of requestParameters/responseElements depend on the operation, so only their type is compared
    unless operation_specific is empty."""
    if isinstance(value, dict):
        return [(k, type(v).__name__ if top and k in operation_specific else key_shape(v, operation_specific, False))
                for k, v in value.items()]
    return type(value).__name__


class CliFoundation(unittest.TestCase):
    def setUp(self):
        # Long enough states that a slow CLI start (a second or more on a busy machine) still sees
        # the run in flight and CANCELLING.
        self.server = TrailboxServer(db=":memory:", timings="run_running=600000,run_cancelling=600000").start()
        self.addCleanup(self.server.stop)

    def aws(self, *args, access_key="AKIAIOSFODNN7EXAMPLE", token=None, region="us-west-2"):
        """Runs the CLI; returns (parsed JSON output or None, request id from the response headers)."""
        cmd = ["aws", "--endpoint-url", self.server.url, "--output", "json", "--debug"] + list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=aws_env(access_key, region, token), timeout=120)
        ids = re.findall(r"'x-amzn-RequestId': '([0-9a-f-]{36})'", proc.stderr)
        if proc.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        out = json.loads(proc.stdout) if proc.stdout.strip() else None
        return out, (ids[-1] if ids else None)

    def aws_error(self, *args, region="us-west-2"):
        cmd = ["aws", "--endpoint-url", self.server.url] + list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=aws_env(region=region), timeout=120)
        return proc.returncode, proc.stderr

    def test_create_start_cancel_lookup_matches_calls_and_seed(self):
        seed = seed_record()
        token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
        created, create_rid = self.aws(
            "emr-serverless", "create-application", "--name", "my-serverless-application",
            "--release-label", "emr-6.6", "--type", "SPARK",
            "--client-token", "0a1b234c-de56-7890-1234-567890123456", token=token)
        app_id = created["applicationId"]
        self.assertRegex(app_id, r"^00[0-9a-z]{14}$")
        self.assertEqual(created["arn"], f"arn:aws:emr-serverless:us-west-2:123456789012:/applications/{app_id}")
        self.assertEqual(created["name"], "my-serverless-application")

        self.server.advance(5)  # CREATING -> CREATED
        started, start_rid = self.aws(
            "emr-serverless", "start-job-run", "--application-id", app_id, "--execution-role-arn", ROLE,
            "--job-driver", json.dumps({"sparkSubmit": {"entryPoint": "s3://bucket/wordcount.py",
                                                       "entryPointArguments": ["s3://bucket/out"]}}),
            "--name", "wordcount", token=token)
        run_id = started["jobRunId"]
        got, _ = self.aws("emr-serverless", "get-job-run", "--application-id", app_id, "--job-run-id", run_id,
                          token=token)
        self.assertIn(got["jobRun"]["state"], ("SUBMITTED", "PENDING", "SCHEDULED", "RUNNING"))
        cancelled, cancel_rid = self.aws("emr-serverless", "cancel-job-run", "--application-id", app_id,
                                         "--job-run-id", run_id, token=token)
        self.assertEqual(cancelled, {"applicationId": app_id, "jobRunId": run_id})
        got, _ = self.aws("emr-serverless", "get-job-run", "--application-id", app_id, "--job-run-id", run_id,
                          token=token)
        self.assertEqual(got["jobRun"]["state"], "CANCELLING")

        # Event history, as the CLI user would read it.
        out, _ = self.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                          "AttributeKey=EventSource,AttributeValue=emr-serverless.amazonaws.com", token=token)
        names = [e["EventName"] for e in out["Events"]]
        self.assertEqual(names, ["GetJobRun", "CancelJobRun", "GetJobRun", "StartJobRun", "CreateApplication"])
        by_name = {}
        for e in out["Events"]:
            by_name.setdefault(e["EventName"], e)
        for name, rid, read_only in (("CreateApplication", create_rid, False), ("StartJobRun", start_rid, False),
                                     ("CancelJobRun", cancel_rid, False)):
            e = by_name[name]
            record = json.loads(e["CloudTrailEvent"])
            self.assertEqual(e["ReadOnly"], "false")
            self.assertEqual(e["AccessKeyId"], "AKIAIOSFODNN7EXAMPLE")
            self.assertEqual(e["EventSource"], "emr-serverless.amazonaws.com")
            self.assertEqual(e["Username"], "AKIAIOSFODNN7EXAMPLE")  # the role session's name
            self.assertEqual(e["EventId"], record["eventID"])
            self.assertIsNotNone(rid)
            self.assertEqual(record["requestID"], rid)
            self.assertEqual(record["readOnly"], read_only)
            self.assertEqual(record["awsRegion"], "us-west-2")
            self.assertEqual(record["eventName"], name)
            self.assertEqual(record["userIdentity"]["type"], "AssumedRole")
            self.assertEqual(record["userIdentity"]["accessKeyId"], "AKIAIOSFODNN7EXAMPLE")
            self.assertEqual(record["recipientAccountId"], "123456789012")
            self.assertTrue(record["userAgent"].startswith("aws-cli/"))
            self.assertEqual(record["sourceIPAddress"], "127.0.0.1")
            self.assertRegex(record["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            # Field for field: the same members, in the same order, of the same JSON types as AWS's.
            self.assertEqual(key_shape(record), key_shape(seed), name)
            arns = [r["ResourceName"] for r in e["Resources"]]
            self.assertIn(f"arn:aws:emr-serverless:us-west-2:123456789012:/applications/{app_id}", arns)

        create = json.loads(by_name["CreateApplication"]["CloudTrailEvent"])
        self.assertEqual(key_shape(create, operation_specific=()), key_shape(seed, operation_specific=()))
        self.assertEqual(create["requestParameters"], seed["requestParameters"])
        self.assertEqual(list(create["responseElements"]), ["name", "applicationId", "arn"])
        self.assertEqual(create["responseElements"], created)

        start = json.loads(by_name["StartJobRun"]["CloudTrailEvent"])
        self.assertEqual(start["requestParameters"]["applicationId"], app_id)
        self.assertEqual(start["requestParameters"]["executionRoleArn"], ROLE)
        self.assertEqual(start["requestParameters"]["name"], "wordcount")
        self.assertEqual(start["requestParameters"]["jobDriver"]["sparkSubmit"],
                         {"entryPoint": "HIDDEN_DUE_TO_SECURITY_REASONS",
                          "entryPointArguments": ["HIDDEN_DUE_TO_SECURITY_REASONS"]})
        self.assertRegex(start["requestParameters"]["clientToken"], r"^[0-9a-f-]{36}$")  # the CLI's own token
        self.assertEqual(start["responseElements"], started)

        cancel = json.loads(by_name["CancelJobRun"]["CloudTrailEvent"])
        self.assertEqual(cancel["requestParameters"], {"applicationId": app_id, "jobRunId": run_id})
        self.assertEqual(cancel["responseElements"], cancelled)

        # Read calls carry no responseElements.
        get = json.loads(by_name["GetJobRun"]["CloudTrailEvent"])
        self.assertIsNone(get["responseElements"])
        self.assertTrue(get["readOnly"])

    def test_errors_are_recorded_and_reported_like_aws(self):
        code, err = self.aws_error("emr-serverless", "get-application", "--application-id", "00doesnotexist00")
        self.assertEqual(code, 255)
        self.assertIn("An error occurred (ResourceNotFoundException) when calling the GetApplication operation", err)
        code, err = self.aws_error("emr-serverless", "create-application", "--release-label", "emr-0.0.1",
                                   "--type", "SPARK")
        self.assertEqual(code, 255)
        self.assertIn("(ValidationException)", err)
        out, _ = self.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                          "AttributeKey=EventName,AttributeValue=GetApplication")
        self.assertEqual(len(out["Events"]), 1)
        record = json.loads(out["Events"][0]["CloudTrailEvent"])
        self.assertEqual(record["errorCode"], "ResourceNotFoundException")
        self.assertIn("00doesnotexist00", record["errorMessage"])
        self.assertIsNone(record["responseElements"])
        # Long-term credentials: an IAM user named after the key.
        self.assertEqual(record["userIdentity"]["type"], "IAMUser")
        self.assertEqual(record["userIdentity"]["userName"], "AKIAIOSFODNN7EXAMPLE")

    def test_lookup_events_paginates_with_the_cli(self):
        for i in range(7):
            self.aws("emr-serverless", "list-applications")
        out, _ = self.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                          "AttributeKey=EventName,AttributeValue=ListApplications", "--page-size", "2")
        self.assertEqual(len(out["Events"]), 7)
        self.assertEqual(len({e["EventId"] for e in out["Events"]}), 7)
        times = [e["EventTime"] for e in out["Events"]]
        self.assertEqual(times, sorted(times, reverse=True))


if __name__ == "__main__":
    unittest.main()
