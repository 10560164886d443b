"""HTTP-level behaviour of the real binary: routing, AWS-shaped errors for bad input, identity from
SigV4 headers, and that the server keeps serving everyone after each bad request."""
import json
import re
import socket
import time
import unittest

from trailbox_fixture import TrailboxServer

SIGNED = ("AWS4-HMAC-SHA256 Credential={key}/20261124/{region}/emr-serverless/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date, Signature=" + "ab" * 32)
CT_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"


def raw(server, data, read_timeout=5):
    """Sends bytes on a fresh connection; returns everything received until close or timeout."""
    s = socket.create_connection((server.host, server.port), timeout=read_timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        s.close()


class Http(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = TrailboxServer("--max-body-bytes", "65536", "--header-timeout-ms", "400",
                                    "--log-level", "warn").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assertStillServing(self):
        status, _, body = self.server.json("POST", "/applications",
                                           {"releaseLabel": "emr-7.1.0", "type": "HIVE", "clientToken": f"ok{time.time()}"})
        self.assertEqual(status, 200, body)

    def assertAwsError(self, status, headers, body, want_status, want_code):
        self.assertEqual(status, want_status, body)
        self.assertRegex(headers.get("x-amzn-requestid", ""), r"^[0-9a-f-]{36}$")
        payload = json.loads(body)
        code = headers.get("x-amzn-errortype") or payload.get("__type")
        self.assertEqual(code, want_code, body)
        self.assertTrue(payload.get("message") or payload.get("Message"))

    def test_unsigned_requests_work_and_every_response_has_a_request_id(self):
        for method, path in (("GET", "/applications"), ("GET", "/_trailbox/health"), ("GET", "/nope"),
                             ("GET", "/applications/00missing000000")):
            status, headers, _ = self.server.request(method, path)
            self.assertRegex(headers.get("x-amzn-requestid", ""), r"^[0-9a-f-]{36}$", path)

    def test_unknown_routes_and_methods_get_json_errors_and_are_not_recorded(self):
        before = self.server.json("GET", "/_trailbox/events/count")[2]["count"]
        self.assertAwsError(*self.server.request("GET", "/does/not/exist"), 404, "UnknownOperationException")
        self.assertAwsError(*self.server.request("PUT", "/applications"), 404, "UnknownOperationException")
        self.assertAwsError(*self.server.request("BREW", "/applications"), 404, "UnknownOperationException")
        self.assertAwsError(*self.server.request("POST", "/", "{}"), 400, "UnknownOperationException")
        self.assertAwsError(*self.server.request("POST", "/", "{}", {"X-Amz-Target": "DynamoDB_20120810.ListTables"}),
                            400, "UnknownOperationException")
        self.assertEqual(self.server.json("GET", "/_trailbox/events/count")[2]["count"], before)
        self.assertStillServing()

    def test_malformed_json_and_wrong_types_are_serialization_errors(self):
        for body in ('{"releaseLabel": "emr-7.1.0", "type": ', "[1,2,3]", '"text"', "\xff\xfe",
                     '{"releaseLabel": 7, "type": "SPARK", "clientToken": "x"}',
                     '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "x", "tags": []}',
                     '[' * 200 + ']' * 200):
            self.assertAwsError(*self.server.request("POST", "/applications", body.encode("latin-1")), 400,
                                "SerializationException")
        self.assertAwsError(*self.server.request("POST", "/", b"{not json",
                                                 {"X-Amz-Target": CT_TARGET}), 400, "SerializationException")
        self.assertStillServing()

    def test_constraint_violations_name_the_member(self):
        status, headers, body = self.server.request(
            "POST", "/applications", json.dumps({"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "x",
                                                 "name": "bad name!"}))
        self.assertAwsError(status, headers, body, 400, "ValidationException")
        self.assertIn("'name'", json.loads(body)["message"])
        status, headers, body = self.server.request("GET", "/applications?maxResults=51")
        self.assertAwsError(status, headers, body, 400, "ValidationException")
        self.assertIn("maxResults", json.loads(body)["message"])

    def test_validation_failures_are_recorded_with_the_error(self):
        status, headers, _ = self.server.request(
            "POST", "/applications", json.dumps({"releaseLabel": "emr-99.0.0", "type": "SPARK", "clientToken": "v1"}))
        self.assertEqual(status, 400)
        rid = headers["x-amzn-requestid"]
        events = [e for e in self.server.events(eventName="CreateApplication", errorsOnly="true")
                  if e["requestID"] == rid]
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["errorCode"], "ValidationException")
        self.assertIsNone(events[0]["responseElements"])

    def test_nul_bytes_and_invalid_utf8_are_rejected_and_recorded_as_valid_json(self):
        body = b'{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "n1", "name": "a\\u0000b"}'
        self.assertAwsError(*self.server.request("POST", "/applications", body), 400, "ValidationException")
        # Invalid UTF-8 in a path label (percent-encoded) must still produce a valid JSON record.
        status, headers, _ = self.server.request("GET", "/applications/%ff%fe%00")
        self.assertEqual(status, 400)
        rid = headers["x-amzn-requestid"]
        raw_events = self.server.request("GET", "/_trailbox/events?eventName=GetApplication")[2]
        records = json.loads(raw_events)["Records"]  # parses: the record is valid JSON
        self.assertTrue(any(r["requestID"] == rid for r in records))
        self.assertStillServing()

    def test_oversized_body_gets_413(self):
        big = json.dumps({"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "b",
                          "name": "x" * 70000}).encode()
        response = raw(self.server, b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    b"Content-Length: " + str(len(big)).encode() + b"\r\n\r\n" + big)
        self.assertTrue(response.startswith(b"HTTP/1.1 413"), response[:200])
        self.assertIn(b"RequestEntityTooLargeException", response)
        self.assertStillServing()

    def test_json_nesting_limit_is_configurable(self):
        server = TrailboxServer("--max-json-depth", "4", "--log-level", "warn").start()
        self.addCleanup(server.stop)
        def create(tags_value):
            body = '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "%s", "unknown": %s}' % (
                time.time(), tags_value)
            return server.request("POST", "/applications", body, {"Content-Type": "application/json"})
        status, _, body = create("[[[1]]]")  # 4 levels with the top-level object
        self.assertEqual(status, 200, body)
        status, headers, body = create("[[[[1]]]]")
        self.assertAwsError(status, headers, body, 400, "SerializationException")
        self.assertIn(b"deeper than 4 levels", body)
        status, headers, body = server.request(
            "POST", "/", '{"LookupAttributes": [[[[]]]]}',
            {"X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
             "Content-Type": "application/x-amz-json-1.1"})
        self.assertAwsError(status, headers, body, 400, "SerializationException")
        _, _, config = server.json("GET", "/_trailbox/config")
        self.assertEqual(config["limits"]["maxJsonDepth"], 4)

    def test_oversized_header_gets_431(self):
        response = raw(self.server, b"GET /applications HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertTrue(response.startswith(b"HTTP/1.1 431"), response[:200])
        self.assertStillServing()

    def test_conflicting_length_and_chunked_is_a_bad_request(self):
        response = raw(self.server, b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertTrue(response.startswith(b"HTTP/1.1 400"), response[:200])
        self.assertStillServing()

    def test_chunked_bodies_are_accepted(self):
        body = json.dumps({"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "chunky"}).encode()
        half = len(body) // 2
        chunked = (f"{half:x}\r\n".encode() + body[:half] + b"\r\n" + f"{len(body) - half:x}\r\n".encode() +
                   body[half:] + b"\r\n0\r\n\r\n")
        response = raw(self.server, b"POST /applications HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                    b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:300])
        self.assertIn(b'"applicationId"', response)

    def test_pipelined_requests_are_answered_in_order(self):
        req = b"GET /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n"
        last = b"GET /applications/00nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        response = raw(self.server, req + req + last)
        self.assertEqual(response.count(b"HTTP/1.1 "), 3)
        statuses = re.findall(rb"HTTP/1.1 (\d{3})", response)
        self.assertEqual(statuses, [b"200", b"200", b"404"])

    def test_a_slow_client_is_dropped_while_others_are_served(self):
        slow = socket.create_connection((self.server.host, self.server.port), timeout=5)
        try:
            slow.sendall(b"POST /applications HTTP/1.1\r\nHost: x\r\n")  # and never finishes the header
            started = time.time()
            self.assertStillServing()
            self.assertLess(time.time() - started, 1.0)
            data = slow.recv(4096)
            self.assertTrue(data.startswith(b"HTTP/1.1 408"), data[:100])
            self.assertEqual(slow.recv(4096), b"")  # then closed
        finally:
            slow.close()

    def test_client_disconnecting_mid_request_does_not_disturb_the_server(self):
        s = socket.create_connection((self.server.host, self.server.port))
        s.sendall(b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"rel")
        s.close()
        self.assertStillServing()

    def test_malformed_authorization_is_rejected_and_not_recorded(self):
        before = self.server.json("GET", "/_trailbox/events/count")[2]["count"]
        for auth in ("AWS4-HMAC-SHA256 Credential=AKIA/2026/us-east-1", "Basic dXNlcjpwYXNz",
                     "AWS4-HMAC-SHA256 Credential=AKIAX/20261124/us-east-1/emr-serverless/aws4_request, "
                     "SignedHeaders=host"):
            self.assertAwsError(*self.server.request("GET", "/applications", headers={"Authorization": auth}), 403,
                                "IncompleteSignatureException")
        self.assertEqual(self.server.json("GET", "/_trailbox/events/count")[2]["count"], before)

    def test_identity_comes_from_the_credential_scope(self):
        cases = [
            ({"Authorization": SIGNED.format(key="AKIAIOSFODNN7EXAMPLE", region="eu-central-1")},
             "IAMUser", "AKIAIOSFODNN7EXAMPLE", "eu-central-1", "123456789012"),
            ({"Authorization": SIGNED.format(key="ASIAEXAMPLETEMPKEY01", region="us-west-2"),
              "X-Amz-Security-Token": "token"}, "AssumedRole", "ASIAEXAMPLETEMPKEY01", "us-west-2", "123456789012"),
            ({"Authorization": SIGNED.format(key="444455556666", region="us-east-1")},
             "IAMUser", "444455556666", "us-east-1", "444455556666"),
            ({}, "IAMUser", None, "us-east-1", "123456789012"),
        ]
        for headers, kind, key, region, account in cases:
            status, resp_headers, body = self.server.request("GET", "/applications", headers=headers)
            self.assertEqual(status, 200, body)
            rid = resp_headers["x-amzn-requestid"]
            events = [e for e in self.server.events(eventName="ListApplications", region=region)
                      if e["requestID"] == rid]
            self.assertEqual(len(events), 1, headers)
            identity = events[0]["userIdentity"]
            self.assertEqual(identity["type"], kind)
            self.assertEqual(identity.get("accessKeyId"), key)
            self.assertEqual(identity["accountId"], account)
            self.assertEqual(events[0]["recipientAccountId"], account)
            self.assertEqual(events[0]["awsRegion"], region)
            if kind == "AssumedRole":
                self.assertEqual(identity["sessionContext"]["sessionIssuer"]["type"], "Role")
                self.assertEqual(identity["sessionContext"]["attributes"]["mfaAuthenticated"], "false")


if __name__ == "__main__":
    unittest.main()
