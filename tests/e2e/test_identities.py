"""Identities file and strict SigV4 mode, end to end with boto3 and the AWS CLI: each identity type
shows up in records and in LookupEvents' Username as CloudTrail derives them; strict mode accepts
good signatures (header and presigned) and rejects forged ones without recording them."""
import json
import os
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

import botocore.exceptions

from trailbox_fixture import TrailboxServer, aws_env, boto3_client

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
IDENTITIES = {"identities": [
    {"accessKeyId": "AKIAALICE00000000001", "secretAccessKey": SECRET, "type": "IAMUser",
     "accountId": "111122223333", "userName": "alice"},
    {"accessKeyId": "ASIAADMINSESSION0001", "secretAccessKey": SECRET, "sessionToken": "tok-admin",
     "type": "AssumedRole", "accountId": "111122223333", "roleName": "Admin", "sessionName": "admin",
     "roleId": "AROAEXAMPLEROLEID001", "mfaAuthenticated": True, "creationDate": "2026-01-02T03:04:05Z"},
    {"accessKeyId": "AKIAROOT000000000001", "secretAccessKey": SECRET, "type": "Root", "accountId": "111122223333"},
    {"accessKeyId": "ASIAFEDERATED0000001", "secretAccessKey": SECRET, "sessionToken": "tok-fed",
     "type": "FederatedUser", "accountId": "111122223333", "federatedName": "bob", "userName": "broker"},
    {"accessKeyId": "AKIASERVICE000000001", "secretAccessKey": SECRET, "type": "AWSService",
     "accountId": "111122223333", "invokedBy": "emr-serverless.amazonaws.com"},
]}


def write_identities():
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(IDENTITIES, f)
    return path


class Identities(unittest.TestCase):
    def setUp(self):
        self.path = write_identities()
        self.addCleanup(os.unlink, self.path)
        self.server = TrailboxServer("--identities", self.path).start()
        self.addCleanup(self.server.stop)

    def client(self, key, token=None):
        return boto3_client(self.server, "emr-serverless", access_key=key, token=token)

    def test_each_identity_type_is_recorded_as_cloudtrail_does(self):
        expectations = {
            "AKIAALICE00000000001": (None, "IAMUser", "alice", "arn:aws:iam::111122223333:user/alice"),
            "ASIAADMINSESSION0001": ("tok-admin", "AssumedRole", "admin",
                                     "arn:aws:sts::111122223333:assumed-role/Admin/admin"),
            "AKIAROOT000000000001": (None, "Root", "root", "arn:aws:iam::111122223333:root"),
            "ASIAFEDERATED0000001": ("tok-fed", "FederatedUser", "bob",
                                     "arn:aws:sts::111122223333:federated-user/bob"),
        }
        for key, (token, kind, username, arn) in expectations.items():
            out = self.client(key, token).list_applications()
            rid = out["ResponseMetadata"]["RequestId"]
            ct = boto3_client(self.server, "cloudtrail", access_key=key, token=token)
            events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": username}])
            matching = [e for e in events["Events"] if json.loads(e["CloudTrailEvent"])["requestID"] == rid]
            self.assertEqual(len(matching), 1, key)
            event = matching[0]
            self.assertEqual(event["Username"], username)
            self.assertEqual(event["AccessKeyId"], key)
            identity = json.loads(event["CloudTrailEvent"])["userIdentity"]
            self.assertEqual(identity["type"], kind)
            self.assertEqual(identity["arn"], arn)
            self.assertEqual(identity["accountId"], "111122223333")
        admin = self.server.events(accessKeyId="ASIAADMINSESSION0001")[0]["userIdentity"]
        self.assertEqual(admin["principalId"], "AROAEXAMPLEROLEID001:admin")
        self.assertEqual(admin["sessionContext"]["sessionIssuer"],
                         {"type": "Role", "principalId": "AROAEXAMPLEROLEID001",
                          "arn": "arn:aws:iam::111122223333:role/Admin", "accountId": "111122223333",
                          "userName": "Admin"})
        self.assertEqual(admin["sessionContext"]["attributes"],
                         {"creationDate": "2026-01-02T03:04:05Z", "mfaAuthenticated": "true"})
        root = self.server.events(accessKeyId="AKIAROOT000000000001")[0]["userIdentity"]
        self.assertEqual(root["principalId"], "111122223333")

    def test_aws_service_callers_show_the_service_as_source(self):
        self.client("AKIASERVICE000000001").list_applications()
        record = self.server.events(eventName="ListApplications", account="111122223333")[-1]
        self.assertEqual(record["userIdentity"], {"type": "AWSService", "invokedBy": "emr-serverless.amazonaws.com"})
        self.assertEqual(record["sourceIPAddress"], "emr-serverless.amazonaws.com")
        self.assertEqual(record["userAgent"], "emr-serverless.amazonaws.com")


class StrictSignatures(unittest.TestCase):
    def setUp(self):
        self.path = write_identities()
        self.addCleanup(os.unlink, self.path)
        self.server = TrailboxServer("--identities", self.path, "--strict-signatures", "true").start()
        self.addCleanup(self.server.stop)

    def code(self, fn, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response["Error"]["Code"], cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_good_signatures_from_boto3_and_the_cli_are_accepted(self):
        emr = boto3_client(self.server, "emr-serverless", access_key="AKIAALICE00000000001")
        app = emr.create_application(releaseLabel="emr-7.1.0", type="SPARK", name="signed")["applicationId"]
        arn = f"arn:aws:emr-serverless:us-east-1:111122223333:/applications/{app}"
        emr.tag_resource(resourceArn=arn, tags={"k": "v"})  # ARN double-encoded in the canonical path
        self.assertEqual(emr.list_tags_for_resource(resourceArn=arn)["tags"], {"k": "v"})
        emr.list_applications(states=["CREATING", "CREATED"], maxResults=5)  # canonical query
        session = boto3_client(self.server, "emr-serverless", access_key="ASIAADMINSESSION0001", token="tok-admin")
        self.assertEqual(len(session.list_applications()["applications"]), 1)
        ct = boto3_client(self.server, "cloudtrail", access_key="AKIAALICE00000000001")
        self.assertTrue(ct.lookup_events(MaxResults=5)["Events"])

        env = aws_env("AKIAALICE00000000001")
        env["AWS_SECRET_ACCESS_KEY"] = SECRET
        out = subprocess.run(["aws", "--endpoint-url", self.server.url, "emr-serverless", "get-application",
                              "--application-id", app], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["application"]["name"], "signed")

    def test_presigned_urls_are_verified(self):
        emr = boto3_client(self.server, "emr-serverless", access_key="AKIAALICE00000000001")
        url = emr.generate_presigned_url("list_applications", Params={"maxResults": 3}, ExpiresIn=300)
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(resp.status, 200)
            self.assertIn("applications", json.loads(resp.read()))
        tampered = url.replace("maxResults=3", "maxResults=4")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(tampered)
        self.assertEqual(cm.exception.code, 403)
        self.assertEqual(cm.exception.headers["x-amzn-ErrorType"], "InvalidSignatureException")

    def test_forged_unknown_and_unsigned_requests_are_refused_and_not_recorded(self):
        before = self.server.json("GET", "/_trailbox/events/count")[2]["count"]
        wrong_secret = boto3_client(self.server, "emr-serverless", access_key="AKIAALICE00000000001")
        wrong_secret._request_signer._credentials.secret_key = "not-the-secret"
        self.assertEqual(self.code(wrong_secret.list_applications), ("InvalidSignatureException", 403))
        unknown = boto3_client(self.server, "emr-serverless", access_key="AKIAUNKNOWN000000001")
        self.assertEqual(self.code(unknown.list_applications), ("UnrecognizedClientException", 403))
        wrong_token = boto3_client(self.server, "emr-serverless", access_key="ASIAADMINSESSION0001", token="stolen")
        self.assertEqual(self.code(wrong_token.list_applications), ("UnrecognizedClientException", 403))
        ct_forged = boto3_client(self.server, "cloudtrail", access_key="AKIAALICE00000000001")
        ct_forged._request_signer._credentials.secret_key = "nope"
        self.assertEqual(self.code(ct_forged.lookup_events), ("InvalidSignatureException", 403))
        status, headers, _ = self.server.request("GET", "/applications")
        self.assertEqual(status, 403)
        self.assertEqual(headers["x-amzn-errortype"], "MissingAuthenticationTokenException")
        env = aws_env("AKIAALICE00000000001")
        env["AWS_SECRET_ACCESS_KEY"] = "wrong"
        out = subprocess.run(["aws", "--endpoint-url", self.server.url, "emr-serverless", "list-applications"],
                             capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(out.returncode, 255)
        self.assertIn("InvalidSignatureException", out.stderr)
        self.assertEqual(self.server.json("GET", "/_trailbox/events/count")[2]["count"], before)


if __name__ == "__main__":
    unittest.main()
