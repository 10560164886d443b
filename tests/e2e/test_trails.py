"""CloudTrail trails end to end with boto3 and the AWS CLI: the trail API and its errors, delivery
of gzipped log files at the real keys with exactly the expected events (selectors, multi-region,
stop/start, restarts and crashes included), digests that verify and catch tampering, and
CloudTrail's own calls recorded."""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import botocore.exceptions

from trailbox_fixture import ROOT, TrailboxServer, aws_env, boto3_client

VALIDATE = os.path.join(ROOT, "scripts", "validate_trail_logs.py")
ACCOUNT = "123456789012"
KEY_RE = re.compile(r"^(?:(?P<prefix>.+)/)?AWSLogs/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z0-9-]+)/"
                    r"(?P<y>\d{4})/(?P<m>\d\d)/(?P<d>\d\d)/(?P=account)_CloudTrail_(?P=region)_"
                    r"(?P<stamp>\d{8}T\d{4}Z)_(?P<unique>[A-Za-z0-9]{16})\.json\.gz$")


class TrailTestCase(unittest.TestCase):
    extra_args = ()

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.s3 = os.path.join(self.dir, "s3")
        self.db = os.path.join(self.dir, "store.db")
        self.server = self.start()
        self.addCleanup(lambda: self.server.stop())

    def start(self):
        # Delivery only when asked (POST /_trailbox/trails/deliver), so tests decide when files appear.
        return TrailboxServer("--s3-dir", self.s3, "--trail-delivery-interval-ms", "3600000",
                              *self.extra_args, db=self.db).start()

    def clients(self, region="us-east-1", key="AKIAIOSFODNN7EXAMPLE"):
        return (boto3_client(self.server, "cloudtrail", access_key=key, region=region),
                boto3_client(self.server, "emr-serverless", access_key=key, region=region))

    def code(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response["Error"]["Code"]

    def deliver(self, digest=False):
        status, _, body = self.server.json("POST", "/_trailbox/trails/deliver" + ("?digest=true" if digest else ""))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["errors"], [])
        return body

    def log_files(self, bucket):
        out = {}
        root = os.path.join(self.s3, bucket)
        for dirpath, _, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                key = os.path.relpath(path, root)
                if "/CloudTrail/" in key:
                    out[key] = json.loads(gzip.open(path).read())["Records"]
        return out


class TrailApi(TrailTestCase):
    def test_create_defaults_and_lookups(self):
        ct, _ = self.clients()
        out = ct.create_trail(Name="audit", S3BucketName="audit-bucket")
        self.assertEqual(out["TrailARN"], f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit")
        self.assertTrue(out["IncludeGlobalServiceEvents"])
        self.assertFalse(out["IsMultiRegionTrail"])
        self.assertFalse(out["LogFileValidationEnabled"])
        self.assertFalse(ct.get_trail_status(Name="audit")["IsLogging"])  # not logging until StartLogging
        trail = ct.get_trail(Name=out["TrailARN"])["Trail"]
        self.assertEqual(trail["HomeRegion"], "us-east-1")
        self.assertFalse(trail["HasCustomEventSelectors"])
        self.assertEqual([t["Name"] for t in ct.describe_trails()["trailList"]], ["audit"])
        self.assertEqual(ct.list_trails()["Trails"], [{"TrailARN": out["TrailARN"], "Name": "audit",
                                                       "HomeRegion": "us-east-1"}])
        selectors = ct.get_event_selectors(TrailName="audit")["EventSelectors"]
        self.assertEqual(selectors, [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                                      "ExcludeManagementEventSources": []}])

    def test_errors(self):
        ct, _ = self.clients()
        ct.create_trail(Name="one", S3BucketName="b-one")
        self.assertEqual(self.code(ct.create_trail, Name="one", S3BucketName="b-one"), "TrailAlreadyExistsException")
        for bad in ("ab", "-start", "end-", "my--trail", "my-_trail", "has space", "10.0.0.1", "x" * 129):
            self.assertEqual(self.code(ct.create_trail, Name=bad, S3BucketName="b-one"), "InvalidTrailNameException", bad)
        self.assertEqual(self.code(ct.create_trail, Name="two", S3BucketName="Bad_Bucket"),
                         "InvalidS3BucketNameException")
        self.assertEqual(self.code(ct.create_trail, Name="two", S3BucketName="b-two", S3KeyPrefix="p" * 201),
                         "InvalidS3PrefixException")
        self.assertEqual(self.code(ct.create_trail, Name="two", S3BucketName="b-two", IsMultiRegionTrail=True,
                                   IncludeGlobalServiceEvents=False), "InvalidParameterCombinationException")
        for i in range(4):
            ct.create_trail(Name=f"t{i}x", S3BucketName="b-one")
        self.assertEqual(self.code(ct.create_trail, Name="sixth", S3BucketName="b-one"),
                         "MaximumNumberOfTrailsExceededException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ct.get_trail(Name="nope")
        self.assertEqual(cm.exception.response["Error"]["Message"], f"Unknown trail: nope for the user: {ACCOUNT}")
        self.assertEqual(self.code(ct.start_logging, Name="arn:aws:s3:::not-a-trail"), "CloudTrailARNInvalidException")
        self.assertEqual(self.code(ct.delete_trail, Name="nope"), "TrailNotFoundException")
        self.assertEqual(self.code(ct.put_event_selectors, TrailName="one",
                                   EventSelectors=[{"ReadWriteType": "All"}],
                                   AdvancedEventSelectors=[{"FieldSelectors": [{"Field": "eventCategory",
                                                                                "Equals": ["Management"]}]}]),
                         "InvalidParameterCombinationException")
        self.assertEqual(self.code(ct.put_event_selectors, TrailName="one",
                                   AdvancedEventSelectors=[{"FieldSelectors": [{"Field": "bogus", "Equals": ["x"]}]}]),
                         "InvalidEventSelectorsException")
        self.assertEqual(self.code(ct.add_tags, ResourceId=f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/nope",
                                   TagsList=[{"Key": "k"}]), "ResourceNotFoundException")

    def test_update_tags_delete_and_home_region(self):
        ct, _ = self.clients()
        west, _ = self.clients("us-west-2")
        arn = ct.create_trail(Name="global", S3BucketName="bkt-global", IsMultiRegionTrail=True)["TrailARN"]
        shadow = west.describe_trails()["trailList"]
        self.assertEqual([(t["Name"], t["HomeRegion"]) for t in shadow], [("global", "us-east-1")])
        self.assertEqual(west.describe_trails(includeShadowTrails=False)["trailList"], [])
        self.assertEqual(self.code(west.start_logging, Name=arn), "InvalidHomeRegionException")
        updated = ct.update_trail(Name="global", S3KeyPrefix="logs", EnableLogFileValidation=True)
        self.assertEqual(updated["S3KeyPrefix"], "logs")
        self.assertTrue(updated["LogFileValidationEnabled"])
        ct.add_tags(ResourceId=arn, TagsList=[{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "dev"}])
        ct.remove_tags(ResourceId=arn, TagsList=[{"Key": "env"}])
        self.assertEqual(ct.list_tags(ResourceIdList=[arn])["ResourceTagList"],
                         [{"ResourceId": arn, "TagsList": [{"Key": "team", "Value": "data"}]}])
        ct.start_logging(Name="global")
        status = ct.get_trail_status(Name="global")
        self.assertTrue(status["IsLogging"])
        self.assertRegex(status["TimeLoggingStarted"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        ct.stop_logging(Name="global")
        status = ct.get_trail_status(Name="global")
        self.assertFalse(status["IsLogging"])
        self.assertIn("StopLoggingTime", status)
        self.assertEqual(self.code(west.delete_trail, Name=arn), "InvalidHomeRegionException")
        ct.delete_trail(Name="global")
        self.assertEqual(ct.describe_trails()["trailList"], [])

    def test_cloudtrail_calls_are_recorded(self):
        ct, _ = self.clients()
        out = ct.create_trail(Name="rec", S3BucketName="bkt-rec")
        ct.get_trail_status(Name="rec")
        self.assertEqual(self.code(ct.get_trail, Name="missing-trail"), "TrailNotFoundException")
        events = {e["EventName"]: e for e in ct.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventSource", "AttributeValue": "cloudtrail.amazonaws.com"}])["Events"]}
        create = json.loads(events["CreateTrail"]["CloudTrailEvent"])
        self.assertFalse(create["readOnly"])
        self.assertEqual(create["requestParameters"], {"name": "rec", "s3BucketName": "bkt-rec"})
        self.assertEqual(create["responseElements"]["trailARN"], out["TrailARN"])
        self.assertEqual(events["CreateTrail"]["Resources"], [{"ResourceType": "AWS::CloudTrail::Trail",
                                                               "ResourceName": out["TrailARN"]}])
        self.assertEqual(events["GetTrailStatus"]["ReadOnly"], "true")
        failed = json.loads(events["GetTrail"]["CloudTrailEvent"])
        self.assertEqual(failed["errorCode"], "TrailNotFoundException")
        by_resource = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName",
                                                          "AttributeValue": out["TrailARN"]}])["Events"]
        self.assertEqual(sorted(e["EventName"] for e in by_resource), ["CreateTrail", "GetTrailStatus"])

    def test_cli_trail_commands(self):
        env = aws_env()
        def aws(*args):
            out = subprocess.run(["aws", "--endpoint-url", self.server.url, "cloudtrail"] + list(args),
                                 capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout) if out.stdout.strip() else None
        created = aws("create-trail", "--name", "cli-trail", "--s3-bucket-name", "cli-bucket")
        self.assertEqual(created["Name"], "cli-trail")
        aws("start-logging", "--name", "cli-trail")
        self.assertTrue(aws("get-trail-status", "--name", "cli-trail")["IsLogging"])
        self.assertEqual(aws("describe-trails")["trailList"][0]["S3BucketName"], "cli-bucket")
        aws("put-event-selectors", "--trail-name", "cli-trail", "--event-selectors",
            '[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]')
        self.assertEqual(aws("get-event-selectors", "--trail-name", "cli-trail")["EventSelectors"][0]["ReadWriteType"],
                         "WriteOnly")


class Delivery(TrailTestCase):
    def test_log_files_hold_exactly_the_logged_events_at_real_keys(self):
        ct, emr = self.clients()
        ct.create_trail(Name="main", S3BucketName="logs-bucket", S3KeyPrefix="team/a")
        emr.list_applications()  # before StartLogging: never delivered
        ct.start_logging(Name="main")
        app = emr.create_application(releaseLabel="emr-7.1.0", type="SPARK")["applicationId"]
        emr.get_application(applicationId=app)
        first = self.deliver()
        self.assertEqual(len(first["logFiles"]), 1)
        emr.list_applications()
        second = self.deliver()
        self.assertEqual(len(second["logFiles"]), 1)
        self.assertEqual(self.deliver()["logFiles"], [])  # nothing new: no empty files
        emr.get_application(applicationId=app)  # logged, not yet delivered when logging stops
        ct.stop_logging(Name="main")
        emr.list_applications()  # after StopLogging: never delivered
        self.assertEqual(len(self.deliver()["logFiles"]), 1)  # the rest, up to StopLogging itself
        self.assertEqual(self.deliver()["logFiles"], [])

        files = self.log_files("logs-bucket")
        self.assertEqual(len(files), 3)
        delivered = []
        for key, records in files.items():
            m = KEY_RE.match(key)
            self.assertIsNotNone(m, key)
            self.assertEqual(m["prefix"], "team/a")
            self.assertEqual((m["account"], m["region"]), (ACCOUNT, "us-east-1"))
            delivered += records
        ids = [r["eventID"] for r in delivered]
        self.assertEqual(len(ids), len(set(ids)), "an event was delivered twice")
        names = sorted(r["eventName"] for r in delivered)
        self.assertEqual(names, sorted(["StartLogging", "CreateApplication", "GetApplication", "ListApplications",
                                        "GetApplication", "StopLogging"]))
        # Records are byte-for-byte the CloudTrailEvent that LookupEvents returns.
        looked_up = {e["EventId"]: json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events()["Events"]}
        for r in delivered:
            self.assertEqual(r, looked_up[r["eventID"]])
        status = ct.get_trail_status(Name="main")
        self.assertIn("LatestDeliveryTime", status)
        self.assertRegex(status["LatestDeliveryAttemptSucceeded"], r"^\d{4}-")

    def test_selectors_and_multi_region(self):
        ct, emr = self.clients()
        _, emr_west = self.clients("eu-west-1")
        ct.create_trail(Name="writes", S3BucketName="writes-bucket", IsMultiRegionTrail=True)
        ct.put_event_selectors(TrailName="writes", EventSelectors=[{"ReadWriteType": "WriteOnly"}])
        ct.create_trail(Name="emr-only", S3BucketName="emr-bucket")
        ct.put_event_selectors(TrailName="emr-only", AdvancedEventSelectors=[{"FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "Equals": ["emr-serverless.amazonaws.com"]}]}])
        ct.start_logging(Name="writes")
        ct.start_logging(Name="emr-only")
        emr.create_application(releaseLabel="emr-7.1.0", type="SPARK")
        emr.list_applications()
        emr_west.create_application(releaseLabel="emr-7.1.0", type="HIVE")
        emr_west.list_applications()
        self.deliver()
        writes = self.log_files("writes-bucket")
        regions = sorted(KEY_RE.match(k)["region"] for k in writes)
        self.assertEqual(regions, ["eu-west-1", "us-east-1"])
        for key, records in writes.items():
            region = KEY_RE.match(key)["region"]
            self.assertTrue(all(r["awsRegion"] == region for r in records))
            self.assertTrue(all(r["readOnly"] is False for r in records), records)
        write_names = sorted(r["eventName"] for recs in writes.values() for r in recs)
        # Both StartLogging calls are writes made after "writes" started logging.
        self.assertEqual(write_names, ["CreateApplication", "CreateApplication", "StartLogging", "StartLogging"])
        emr_records = [r for recs in self.log_files("emr-bucket").values() for r in recs]
        self.assertEqual(sorted(r["eventName"] for r in emr_records), ["CreateApplication", "ListApplications"])
        self.assertTrue(all(r["awsRegion"] == "us-east-1" for r in emr_records))

    def test_digests_validate_and_detect_tampering(self):
        ct, emr = self.clients()
        arn = ct.create_trail(Name="validated", S3BucketName="val-bucket", EnableLogFileValidation=True)["TrailARN"]
        ct.start_logging(Name="validated")
        emr.list_applications()
        self.deliver()
        self.server.advance(3600)  # one digest period
        emr.create_application(releaseLabel="emr-7.1.0", type="SPARK")
        body = self.deliver(digest=True)
        self.assertTrue(body["digestFiles"])
        self.assertIn("LatestDigestDeliveryTime", ct.get_trail_status(Name="validated"))
        keys = ct.list_public_keys()["PublicKeyList"]
        self.assertEqual(len(keys), 1)

        def validate():
            return subprocess.run([sys.executable, VALIDATE, "--s3-dir", self.s3, "--trail-arn", arn,
                                   "--endpoint", self.server.url, "--verbose"], capture_output=True, text=True)
        ok = validate()
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        self.assertNotIn("INVALID", ok.stdout)
        self.assertRegex(ok.stdout, r"Results: (\d+)/\1 digest files valid, [1-9]\d* log files valid, 0 invalid")

        # Tamper with a delivered log file: the digest's hash no longer matches.
        log_key = next(iter(self.log_files("val-bucket")))
        path = os.path.join(self.s3, "val-bucket", log_key)
        records = json.loads(gzip.open(path).read())
        records["Records"][0]["eventName"] = "SomethingElse"
        with gzip.open(path, "wb") as f:
            f.write(json.dumps(records).encode())
        bad = validate()
        self.assertEqual(bad.returncode, 1)
        self.assertIn("hash value doesn't match", bad.stdout)

        # Tamper with a digest: its signature no longer verifies.
        digest_dir = os.path.join(self.s3, "val-bucket", "AWSLogs", ACCOUNT, "CloudTrail-Digest")
        digest_path = [os.path.join(d, f) for d, _, fs in os.walk(digest_dir) for f in fs][0]
        digest = json.loads(gzip.open(digest_path).read())
        digest["logFiles"] = []
        with gzip.open(digest_path, "wb") as f:
            f.write(json.dumps(digest).encode())
        self.assertIn("signature verification failed", validate().stdout)


class DeliveryAcrossRestarts(TrailTestCase):
    def test_no_event_lost_or_delivered_twice_across_crash_and_restart(self):
        ct, emr = self.clients()
        ct.create_trail(Name="durable", S3BucketName="durable-bucket")
        ct.start_logging(Name="durable")
        for _ in range(5):
            emr.list_applications()
        self.deliver()
        for _ in range(3):
            emr.list_applications()
        self.server.kill()  # SIGKILL: nothing delivered since the last run
        self.server = self.start()
        ct, emr = self.clients()
        for _ in range(2):
            emr.list_applications()
        self.deliver()
        self.server.stop()
        self.server = self.start()
        ct, emr = self.clients()
        self.deliver()
        delivered = [r for recs in self.log_files("durable-bucket").values() for r in recs]
        ids = [r["eventID"] for r in delivered]
        self.assertEqual(len(ids), len(set(ids)), "an event was delivered twice")
        self.assertEqual(sum(r["eventName"] == "ListApplications" for r in delivered), 10)
        recorded = {r["eventID"] for r in self.server.events(limit=10000)
                    if r["eventName"] in ("ListApplications", "StartLogging")}
        self.assertEqual(recorded, set(ids))


if __name__ == "__main__":
    unittest.main()
