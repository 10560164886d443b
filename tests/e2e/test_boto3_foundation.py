"""End to end with boto3: the foundation flow and the behaviours of the first slice (idempotency,
pagination, filters, lifecycles on the emulated clock, errors), with every call checked in the
recorded events."""
import json
import unittest

import botocore.exceptions

from trailbox_fixture import TrailboxServer, boto3_client

ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"
DRIVER = {"sparkSubmit": {"entryPoint": "s3://bucket/job.py", "sparkSubmitParameters": "--conf spark.executor.cores=2"}}


class Boto3Foundation(unittest.TestCase):
    def setUp(self):
        self.server = TrailboxServer().start()
        self.addCleanup(self.server.stop)
        self.emr = boto3_client(self.server, "emr-serverless")
        self.ct = boto3_client(self.server, "cloudtrail")

    def error_code(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response["Error"]["Code"], cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def new_app(self, **kwargs):
        args = {"name": "app", "releaseLabel": "emr-7.1.0", "type": "SPARK"}
        args.update(kwargs)
        return self.emr.create_application(**args)["applicationId"]

    def test_flow_is_recorded_with_matching_request_ids(self):
        created = self.emr.create_application(name="flow", releaseLabel="emr-7.1.0", type="SPARK")
        app = created["applicationId"]
        self.assertEqual(self.emr.get_application(applicationId=app)["application"]["state"], "CREATING")
        self.server.advance(2)
        application = self.emr.get_application(applicationId=app)["application"]
        self.assertEqual(application["state"], "CREATED")
        self.assertEqual(application["type"], "Spark")
        self.assertEqual(application["autoStartConfiguration"], {"enabled": True})
        self.assertEqual(application["autoStopConfiguration"], {"enabled": True, "idleTimeoutMinutes": 15})
        self.assertEqual(application["architecture"], "X86_64")

        run = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER, name="j")
        self.assertEqual(self.emr.get_application(applicationId=app)["application"]["state"], "STARTING")
        # A run left alone ends in SUCCESS within a few seconds of emulated time.
        states = []
        for _ in range(12):
            state = self.emr.get_job_run(applicationId=app, jobRunId=run["jobRunId"])["jobRun"]["state"]
            if not states or states[-1] != state:
                states.append(state)
            self.server.advance(0.5)
        self.assertEqual(states, ["SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "SUCCESS"])
        job = self.emr.get_job_run(applicationId=app, jobRunId=run["jobRunId"])["jobRun"]
        self.assertEqual(job["createdBy"], "arn:aws:iam::123456789012:user/AKIAIOSFODNN7EXAMPLE")
        self.assertEqual(job["executionTimeoutMinutes"], 720)
        self.assertEqual(job["mode"], "BATCH")
        self.assertIn("endedAt", job)
        self.assertGreaterEqual(job["totalExecutionDurationSeconds"], 2)
        self.assertEqual(self.error_code(self.emr.cancel_job_run, applicationId=app, jobRunId=run["jobRunId"]),
                         ("ValidationException", 400))

        run2 = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER)
        cancel = self.emr.cancel_job_run(applicationId=app, jobRunId=run2["jobRunId"])
        self.assertEqual(self.emr.get_job_run(applicationId=app, jobRunId=run2["jobRunId"])["jobRun"]["state"],
                         "CANCELLING")
        self.server.advance(2)
        self.assertEqual(self.emr.get_job_run(applicationId=app, jobRunId=run2["jobRunId"])["jobRun"]["state"],
                         "CANCELLED")

        rids = {"CreateApplication": created["ResponseMetadata"]["RequestId"],
                "StartJobRun": run["ResponseMetadata"]["RequestId"],
                "CancelJobRun": cancel["ResponseMetadata"]["RequestId"]}
        for name, rid in rids.items():
            events = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])
            records = [json.loads(e["CloudTrailEvent"]) for e in events["Events"]]
            self.assertIn(rid, [r["requestID"] for r in records], name)
            record = next(r for r in records if r["requestID"] == rid)
            self.assertEqual(record["userIdentity"]["accessKeyId"], "AKIAIOSFODNN7EXAMPLE")
            self.assertEqual(record["awsRegion"], "us-east-1")
            self.assertFalse(record["readOnly"])
            self.assertTrue(record["userAgent"].startswith("Boto3/"))
        by_access_key = self.ct.lookup_events(
            LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": "AKIAIOSFODNN7EXAMPLE"}])
        self.assertTrue(all(e["AccessKeyId"] == "AKIAIOSFODNN7EXAMPLE" for e in by_access_key["Events"]))
        read_only = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"}])
        self.assertTrue(read_only["Events"])
        self.assertTrue(all(e["ReadOnly"] == "true" for e in read_only["Events"]))

    def test_client_token_idempotency(self):
        first = self.emr.create_application(releaseLabel="emr-7.1.0", type="SPARK", clientToken="same-token")
        again = self.emr.create_application(releaseLabel="emr-7.1.0", type="SPARK", clientToken="same-token")
        self.assertEqual(first["applicationId"], again["applicationId"])
        self.assertEqual(len(self.emr.list_applications()["applications"]), 1)
        self.assertEqual(self.error_code(self.emr.create_application, releaseLabel="emr-7.2.0", type="SPARK",
                                         clientToken="same-token"), ("ConflictException", 409))
        self.server.advance(2)
        app = first["applicationId"]
        r1 = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER, clientToken="run-1")
        r2 = self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER, clientToken="run-1")
        self.assertEqual(r1["jobRunId"], r2["jobRunId"])
        self.assertEqual(len(self.emr.list_job_runs(applicationId=app)["jobRuns"]), 1)

    def test_pagination_and_filters(self):
        ids = [self.new_app(name=f"a{i}") for i in range(7)]
        pages = list(self.emr.get_paginator("list_applications").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p["applications"]) for p in pages], [3, 3, 1])
        seen = [a["id"] for p in pages for a in p["applications"]]
        self.assertEqual(sorted(seen), sorted(ids))
        self.assertEqual(seen, list(reversed(ids)))  # newest first
        self.assertEqual(self.emr.list_applications(states=["CREATED"])["applications"], [])
        self.server.advance(2)
        self.assertEqual(len(self.emr.list_applications(states=["CREATED"])["applications"]), 7)
        self.assertEqual(self.error_code(self.emr.list_applications, maxResults=51), ("ValidationException", 400))
        self.assertEqual(self.error_code(self.emr.list_applications, nextToken="forged"), ("ValidationException", 400))
        token = self.emr.list_applications(maxResults=2)["nextToken"]
        self.assertEqual(self.error_code(self.emr.list_applications, nextToken=token, states=["CREATED"]),
                         ("ValidationException", 400))

        app = ids[0]
        runs = [self.emr.start_job_run(applicationId=app, executionRoleArn=ROLE, jobDriver=DRIVER)["jobRunId"]
                for _ in range(5)]
        self.emr.cancel_job_run(applicationId=app, jobRunId=runs[0])
        got = [r["id"] for p in self.emr.get_paginator("list_job_runs").paginate(
            applicationId=app, PaginationConfig={"PageSize": 2}) for r in p["jobRuns"]]
        self.assertEqual(got, list(reversed(runs)))
        cancelling = self.emr.list_job_runs(applicationId=app, states=["CANCELLING"])["jobRuns"]
        self.assertEqual([r["id"] for r in cancelling], [runs[0]])

    def test_lookup_events_errors_and_paging(self):
        for _ in range(5):
            self.emr.list_applications()
        self.assertEqual(self.error_code(self.ct.lookup_events, LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "A"},
            {"AttributeKey": "EventName", "AttributeValue": "B"}]), ("InvalidLookupAttributesException", 400))
        self.assertEqual(self.error_code(self.ct.lookup_events, MaxResults=51), ("InvalidMaxResultsException", 400))
        import datetime
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertEqual(self.error_code(self.ct.lookup_events, StartTime=now, EndTime=now - datetime.timedelta(hours=1)),
                         ("InvalidTimeRangeException", 400))
        self.assertEqual(self.error_code(self.ct.lookup_events, NextToken="garbage"), ("InvalidNextTokenException", 400))
        attrs = [{"AttributeKey": "EventName", "AttributeValue": "ListApplications"}]
        first = self.ct.lookup_events(LookupAttributes=attrs, MaxResults=2)
        self.assertEqual(len(first["Events"]), 2)
        other = [{"AttributeKey": "EventName", "AttributeValue": "CreateApplication"}]
        self.assertEqual(self.error_code(self.ct.lookup_events, LookupAttributes=other, NextToken=first["NextToken"]),
                         ("InvalidNextTokenException", 400))
        pages = list(self.ct.get_paginator("lookup_events").paginate(LookupAttributes=attrs,
                                                                     PaginationConfig={"PageSize": 2}))
        ids = [e["EventId"] for p in pages for e in p["Events"]]
        self.assertEqual(len(ids), 5)
        self.assertEqual(len(set(ids)), 5)
        self.assertNotIn("NextToken", pages[-1])

    def test_temporary_credentials_and_other_accounts(self):
        temp = boto3_client(self.server, "emr-serverless", access_key="ASIAEXAMPLETEMP00001", token="session-token")
        app = temp.create_application(releaseLabel="emr-7.1.0", type="HIVE")["applicationId"]
        other_account = boto3_client(self.server, "emr-serverless", access_key="210987654321")
        code, status = self.error_code(other_account.get_application, applicationId=app)
        self.assertEqual((code, status), ("ResourceNotFoundException", 404))
        other_region = boto3_client(self.server, "emr-serverless", region="eu-west-1")
        self.assertEqual(self.error_code(other_region.get_application, applicationId=app),
                         ("ResourceNotFoundException", 404))
        events = self.ct.lookup_events(LookupAttributes=[{"AttributeKey": "Username",
                                                          "AttributeValue": "ASIAEXAMPLETEMP00001"}])["Events"]
        self.assertEqual([e["EventName"] for e in events], ["CreateApplication"])
        record = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(record["userIdentity"]["type"], "AssumedRole")
        self.assertEqual(record["userIdentity"]["arn"],
                         "arn:aws:sts::123456789012:assumed-role/trailbox/ASIAEXAMPLETEMP00001")
        # The other account's failed lookups are its own events, invisible here.
        ct_other = boto3_client(self.server, "cloudtrail", access_key="210987654321")
        names = [e["EventName"] for e in ct_other.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventSource", "AttributeValue": "emr-serverless.amazonaws.com"}])["Events"]]
        self.assertEqual(names, ["GetApplication"])


if __name__ == "__main__":
    unittest.main()
