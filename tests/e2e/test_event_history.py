"""Event history fidelity options end to end with boto3 and the AWS CLI: the LookupEvents throttle
(the SDKs see ThrottlingException and their own retries get through) and the visibility delay
(events appear once the emulated clock has moved past it)."""
import json
import subprocess
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from trailbox_fixture import TrailboxServer, aws_env, boto3_client


class Throttle(unittest.TestCase):
    def setUp(self):
        self.server = TrailboxServer("--lookup-events-rate", "2").start()
        self.addCleanup(self.server.stop)

    def client(self, access_key="AKIAIOSFODNN7EXAMPLE", **config):
        session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key="x",
                                        region_name="us-east-1")
        return session.client("cloudtrail", endpoint_url=self.server.url, config=Config(**config))

    def test_burst_beyond_two_per_second_is_throttled(self):
        ct = self.client(retries={"total_max_attempts": 1})
        codes = []
        for _ in range(6):
            try:
                ct.lookup_events(MaxResults=1)
                codes.append("ok")
            except botocore.exceptions.ClientError as e:
                codes.append(e.response["Error"]["Code"])
                self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(codes[:2], ["ok", "ok"])
        self.assertIn("ThrottlingException", codes)
        # The throttled calls are recorded with their error, as AWS records failed calls.
        throttled = self.server.events(eventName="LookupEvents", errorCode="ThrottlingException")
        self.assertEqual(len(throttled), codes.count("ThrottlingException"))

    def test_sdk_retries_get_through(self):
        ct = self.client(retries={"mode": "standard", "max_attempts": 10})
        for _ in range(5):
            self.assertIn("Events", ct.lookup_events(MaxResults=1))

    def test_other_accounts_have_their_own_budget(self):
        mine = self.client(retries={"total_max_attempts": 1})
        theirs = self.client("111122223333", retries={"total_max_attempts": 1})
        mine.lookup_events()
        mine.lookup_events()
        theirs.lookup_events()
        theirs.lookup_events()
        with self.assertRaises(botocore.exceptions.ClientError):
            theirs.lookup_events()


class VisibilityDelay(unittest.TestCase):
    def setUp(self):
        self.server = TrailboxServer("--event-visibility-delay-ms", "300000").start()
        self.addCleanup(self.server.stop)

    def lookup_cli(self):
        out = subprocess.run(["aws", "--endpoint-url", self.server.url, "cloudtrail", "lookup-events",
                              "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateApplication"],
                             env=aws_env(), capture_output=True, text=True, check=True)
        return json.loads(out.stdout)["Events"]

    def test_events_become_visible_after_the_delay(self):
        emr = boto3_client(self.server, "emr-serverless")
        app = emr.create_application(name="delayed", releaseLabel="emr-7.1.0", type="SPARK")["applicationId"]
        self.assertEqual(self.lookup_cli(), [])
        self.assertEqual(len(self.server.events(eventName="CreateApplication")), 1, "admin view is immediate")
        status, _, _ = self.server.json("POST", "/_trailbox/clock", {"minutes": 4})
        self.assertEqual(status, 200)
        self.assertEqual(self.lookup_cli(), [])
        self.server.json("POST", "/_trailbox/clock", {"minutes": 1})
        events = self.lookup_cli()
        self.assertEqual(len(events), 1)
        self.assertIn(app, json.loads(events[0]["CloudTrailEvent"])["responseElements"]["applicationId"])


if __name__ == "__main__":
    unittest.main()
