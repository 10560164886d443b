"""The test-facing event endpoints end to end: calls made with boto3 (several callers), then

* /_trailbox/events with where=<path>=<value> on nested record members (AND of several, array
  indexes, numbers and booleans as text), the other filters, both paging directions
  (after=<x-trailbox-last-seq>, before=<x-trailbox-last-cursor>) and /_trailbox/events/count;
* /_trailbox/events/stream, the live tail, read as a client reads Server-Sent Events: only new
  matching records arrive, each once, in commit order, with increasing ids; after=<seq> replays
  what was committed since; a reconnect with Last-Event-ID resumes without a gap or a repeat;
  bad filters are refused before the stream starts.
"""
import http.client
import json
import socket
import threading
import time
import unittest
import urllib.parse

from trailbox_fixture import TrailboxServer, boto3_client

ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"


class SseReader:
    """A minimal Server-Sent Events client on a raw connection (what curl -N sees)."""

    def __init__(self, server, query, headers=None):
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        self.conn.request("GET", "/_trailbox/events/stream" + ("?" + query if query else ""), headers=headers or {})
        self.sock = self.conn.sock  # the response takes it over (Connection: close)
        self.response = self.conn.getresponse()
        self.messages = []
        self.lock = threading.Lock()
        self.closed = False
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        fields = {}
        try:
            while True:
                line = self.response.fp.readline()
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\n")
                if line == "":
                    if "data" in fields:
                        with self.lock:
                            self.messages.append(fields)
                    fields = {}
                    continue
                if line.startswith(":"):
                    continue
                key, _, value = line.partition(":")
                fields[key] = value[1:] if value.startswith(" ") else value
        except (OSError, ValueError):
            pass
        self.closed = True

    def wait_for(self, n, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.02)
        with self.lock:
            return list(self.messages)

    def records(self):
        with self.lock:
            return [json.loads(m["data"]) for m in self.messages]

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


class Base(unittest.TestCase):
    def setUp(self):
        self.server = TrailboxServer(timings="app_creating=0").start()
        self.addCleanup(self.server.stop)
        self.alice = boto3_client(self.server, "emr-serverless", access_key="AKIAALICE00000000001")
        self.bob = boto3_client(self.server, "emr-serverless", access_key="AKIABOB0000000000001", region="eu-west-1")

    def get(self, path, **params):
        query = urllib.parse.urlencode([(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])])
        status, headers, body = self.server.request("GET", path + ("?" + query if query else ""))
        return status, headers, json.loads(body)

    def records(self, **params):
        status, _, body = self.get("/_trailbox/events", **params)
        self.assertEqual(status, 200, body)
        return body["Records"]


class Query(Base):
    def setUp(self):
        super().setUp()
        self.apps = {}
        for name in ("etl-daily", "etl-hourly", "adhoc"):
            self.apps[name] = self.alice.create_application(
                name=name, releaseLabel="emr-7.1.0", type="SPARK", tags={"team": name.split("-")[0]})["applicationId"]
        self.bob_app = self.bob.create_application(name="etl-daily", releaseLabel="emr-7.1.0", type="HIVE")["applicationId"]
        self.run = self.alice.start_job_run(
            applicationId=self.apps["etl-daily"], executionRoleArn=ROLE,
            jobDriver={"sparkSubmit": {"entryPoint": "s3://bucket/etl.py"}}, executionTimeoutMinutes=30)["jobRunId"]
        self.alice.list_job_runs(applicationId=self.apps["etl-daily"], states=["RUNNING", "SUCCESS"])
        with self.assertRaises(self.alice.exceptions.ResourceNotFoundException):
            self.alice.get_application(applicationId="00zzzzzzzzzzzzzz")

    def test_where_on_nested_members(self):
        got = self.records(where="requestParameters.name=etl-daily")
        self.assertEqual(sorted((r["eventName"], r["awsRegion"]) for r in got),
                         [("CreateApplication", "eu-west-1"), ("CreateApplication", "us-east-1")])
        # Several conditions are ANDed; a nested identity member selects the caller.
        got = self.records(where=["requestParameters.name=etl-daily", "userIdentity.accessKeyId=AKIABOB0000000000001"])
        self.assertEqual([r["responseElements"]["applicationId"] for r in got], [self.bob_app])
        got = self.records(where="userIdentity.arn=arn:aws:iam::123456789012:user/AKIAALICE00000000001")
        self.assertTrue(got)
        self.assertEqual({r["userIdentity"]["accessKeyId"] for r in got}, {"AKIAALICE00000000001"})
        # Deeper paths, numbers and booleans compare as their text; arrays by index.
        got = self.records(where=["requestParameters.tags.team=etl", "eventName=CreateApplication"])
        self.assertEqual(sorted(r["requestParameters"]["name"] for r in got), ["etl-daily", "etl-hourly"])
        got = self.records(where="requestParameters.executionTimeoutMinutes=30")
        self.assertEqual([r["responseElements"]["jobRunId"] for r in got], [self.run])
        got = self.records(where="requestParameters.jobDriver.sparkSubmit.entryPoint=HIDDEN_DUE_TO_SECURITY_REASONS")
        self.assertEqual([r["eventName"] for r in got], ["StartJobRun"])
        got = self.records(where="requestParameters.states.1=SUCCESS")
        self.assertEqual([r["eventName"] for r in got], ["ListJobRuns"])
        self.assertEqual(self.records(where="requestParameters.states.2=SUCCESS"), [])
        got = self.records(where="readOnly=true", eventName="GetApplication")
        self.assertEqual([r["errorCode"] for r in got], ["ResourceNotFoundException"])
        self.assertEqual(self.records(where="requestParameters.name=nobody"), [])
        # A path that names no member matches nothing rather than everything.
        self.assertEqual(self.records(where="requestParameters.no.such.member=x"), [])

    def test_filters_count_and_paging(self):
        everything = self.records()
        self.assertEqual(len(everything), 7)
        status, _, count = self.get("/_trailbox/events/count")
        self.assertEqual(count, {"count": 7})
        status, _, count = self.get("/_trailbox/events/count", where="requestParameters.name=etl-daily")
        self.assertEqual(count, {"count": 2})
        status, _, count = self.get("/_trailbox/events/count", errorsOnly="true")
        self.assertEqual(count, {"count": 1})
        self.assertEqual(len(self.records(region="eu-west-1")), 1)
        self.assertEqual(len(self.records(accessKeyId="AKIAALICE00000000001", readOnly="false")), 4)

        # Oldest first, continued with after=<x-trailbox-last-seq>.
        seen, after = [], None
        while True:
            params = {"limit": 3}
            if after is not None:
                params["after"] = after
            status, headers, body = self.get("/_trailbox/events", **params)
            if not body["Records"]:
                break
            seen += [r["eventID"] for r in body["Records"]]
            after = headers["x-trailbox-last-seq"]
        self.assertEqual(seen, [r["eventID"] for r in everything])
        # Newest first, continued with before=<x-trailbox-last-cursor>.
        seen, before = [], None
        while True:
            params = {"limit": 2, "order": "desc"}
            if before is not None:
                params["before"] = before
            status, headers, body = self.get("/_trailbox/events", **params)
            if not body["Records"]:
                break
            seen += [r["eventID"] for r in body["Records"]]
            before = headers["x-trailbox-last-cursor"]
        self.assertEqual(seen, [r["eventID"] for r in reversed(everything)])

    def test_bad_queries_are_400_with_a_reason(self):
        for params in ({"where": "requestParameters.name"}, {"where": "=x"}, {"order": "sideways"},
                       {"before": "yesterday"}, {"after": "x"}, {"limit": "0"}, {"startTime": "soon"}):
            status, headers, body = self.get("/_trailbox/events", **params)
            self.assertEqual(status, 400, params)
            self.assertEqual(headers.get("x-amzn-errortype"), "ValidationException", params)
            self.assertTrue(body["message"], params)


class Tail(Base):
    def create(self, client, name):
        return client.create_application(name=name, releaseLabel="emr-7.1.0", type="SPARK")["applicationId"]

    def test_new_matching_records_arrive_once_in_order(self):
        self.create(self.alice, "before-the-tail")
        tail = SseReader(self.server, "eventName=CreateApplication")
        self.addCleanup(tail.close)
        self.assertEqual(tail.response.status, 200)
        self.assertEqual(tail.response.getheader("Content-Type"), "text/event-stream")
        everything = SseReader(self.server, "")
        self.addCleanup(everything.close)
        ids = [self.create(self.alice, f"live-{i}") for i in range(3)]
        self.alice.get_application(applicationId=ids[0])
        ids.append(self.create(self.bob, "live-bob"))
        messages = tail.wait_for(4)
        self.assertEqual(len(messages), 4, messages)
        self.assertEqual([json.loads(m["data"])["responseElements"]["applicationId"] for m in messages], ids)
        self.assertTrue(all(m["event"] == "record" for m in messages))
        seqs = [int(m["id"]) for m in messages]
        self.assertEqual(seqs, sorted(set(seqs)))
        # The unfiltered tail saw the GetApplication too, between the creates.
        names = [json.loads(m["data"])["eventName"] for m in everything.wait_for(5)]
        self.assertEqual(names, ["CreateApplication"] * 3 + ["GetApplication", "CreateApplication"])
        # Records on the tail are the records the query endpoint returns.
        stored = {r["eventID"]: r for r in self.records(eventName="CreateApplication")}
        for record in tail.records():
            self.assertEqual(stored[record["eventID"]], record)
        time.sleep(0.2)
        self.assertEqual(len(tail.records()), 4, "nothing else arrives")

    def test_where_filters_the_tail(self):
        tail = SseReader(self.server, urllib.parse.urlencode({"where": "requestParameters.name=wanted"}))
        self.addCleanup(tail.close)
        self.create(self.alice, "unwanted")
        wanted = self.create(self.bob, "wanted")
        self.create(self.alice, "unwanted-too")
        messages = tail.wait_for(1)
        time.sleep(0.2)
        self.assertEqual([r["responseElements"]["applicationId"] for r in tail.records()], [wanted])

    def test_after_replays_and_last_event_id_resumes_without_gap_or_repeat(self):
        first = self.create(self.alice, "one")
        _, headers, _ = self.get("/_trailbox/events")
        mark = headers["x-trailbox-last-seq"]
        second = self.create(self.alice, "two")
        third = self.create(self.alice, "three")
        # after=<seq>: what was committed since, then live.
        tail = SseReader(self.server, f"after={mark}&eventName=CreateApplication")
        self.addCleanup(tail.close)
        self.assertEqual([json.loads(m["data"])["responseElements"]["applicationId"] for m in tail.wait_for(2)],
                         [second, third])
        fourth = self.create(self.alice, "four")
        messages = tail.wait_for(3)
        self.assertEqual(json.loads(messages[-1]["data"])["responseElements"]["applicationId"], fourth)
        last_id = messages[-1]["id"]
        tail.close()
        # Calls made while disconnected are delivered on reconnect (EventSource sends Last-Event-ID,
        # which wins over the URL's after=).
        missed = [self.create(self.alice, f"missed-{i}") for i in range(2)]
        again = SseReader(self.server, "after=0&eventName=CreateApplication", headers={"Last-Event-ID": last_id})
        self.addCleanup(again.close)
        got = [json.loads(m["data"])["responseElements"]["applicationId"] for m in again.wait_for(2)]
        self.assertEqual(got, missed)
        live = self.create(self.alice, "after-reconnect")
        got = [json.loads(m["data"])["responseElements"]["applicationId"] for m in again.wait_for(3)]
        self.assertEqual(got, missed + [live])
        self.assertNotIn(first, got)

    def test_bad_filters_are_refused_before_streaming(self):
        for query in ("where=nothing", "after=abc", "order=sideways"):
            status, headers, body = self.server.request("GET", "/_trailbox/events/stream?" + query)
            self.assertEqual(status, 400, query)
            self.assertEqual(headers.get("x-amzn-errortype"), "ValidationException", query)
            self.assertTrue(json.loads(body)["message"], query)

    def test_the_server_stops_promptly_with_tails_open(self):
        tails = [SseReader(self.server, "") for _ in range(3)]
        for t in tails:
            self.addCleanup(t.close)
        self.create(self.alice, "x")
        for t in tails:
            self.assertEqual(len(t.wait_for(1)), 1)
        started = time.time()
        self.assertEqual(self.server.stop(), 0)
        self.assertLess(time.time() - started, 5)
        deadline = time.time() + 5
        while time.time() < deadline and not all(t.closed for t in tails):
            time.sleep(0.05)
        self.assertTrue(all(t.closed for t in tails), "the streams end when the server stops")


if __name__ == "__main__":
    unittest.main()
