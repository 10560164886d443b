#!/usr/bin/env python3
"""Writes the seed corpus of the <name>_fuzz.cpp targets: tests/fuzz/corpus/<target>/.

The requests are the ones botocore (boto3 1.43, the AWS CLI's library) really sends: serialized
and SigV4-signed by botocore itself, captured before they leave the process, with the clock
frozen at 2026-11-24T20:08:34Z (the X-Amz-Date of the captures in aws-behaviour.md A.1) and the
secret key the sigv4 harness verifies with, so their signatures are valid there. JS SDK v3
variants, admin endpoints, scenarios and malformed inputs are written by hand below.

    python3 tests/fuzz/gen_corpus.py          # rewrites tests/fuzz/corpus/*/ (needs botocore)

The corpus is committed; scripts/fuzz.sh fuzzes a copy of it, so it only changes when this
script (or a hand-made seed) does.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import shutil
import sys
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # = kSecret in sigv4_fuzz.cpp
SESSION_KEY = "ASIAQNZGKW5YEXAMPLE1"
SESSION_TOKEN = "FQoGZXIvYXdzEXAMPLEtokenEXAMPLEtoken"
FROZEN = datetime.datetime(2026, 11, 24, 20, 8, 34, tzinfo=datetime.timezone.utc)
ENDPOINT = "http://127.0.0.1:4566"
APP = "00f1abcdefghij0k"
RUN = "00f1runabcdefgh0"
ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"
APP_ARN = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/" + APP
CT_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
BOTO_UA = ("Boto3/1.43.11 md/Botocore#1.43.11 ua/2.1 os/linux#6.18.44 md/arch#x86_64 lang/python#3.11.7 "
           "md/pyimpl#CPython m/b,Z,N,D,g cfg/retry-mode#legacy Botocore/1.43.11")
JS_UA = "aws-sdk-js/3.600.0 ua/2.1 os/linux#6.18.44 lang/js md/nodejs#20.20.2 api/cloudtrail#3.600.0"

corpus = {}  # target -> {name: bytes}


def add(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    corpus.setdefault(target, {})[name] = data


def http(method, target, headers, body=b""):
    """An HTTP/1.1 request as bytes, headers in the order given."""
    if isinstance(body, str):
        body = body.encode()
    head = f"{method} {target} HTTP/1.1\r\n"
    for k, v in headers:
        head += f"{k}: {v}\r\n"
    return head.encode() + b"\r\n" + body


# --- botocore captures -----------------------------------------------------------------------

def captured_requests():
    import botocore.auth
    import botocore.session
    from botocore.awsrequest import AWSResponse

    out = []

    def capture(request, **_):
        out.append(request)
        raw = mock.Mock()
        raw.stream = lambda **_: iter([b"{}"])
        return AWSResponse(request.url, 200, {"x-amzn-RequestId": "r"}, raw)

    def client(service, key=ACCESS_KEY, token=None):
        session = botocore.session.get_session()
        c = session.create_client(service, region_name="us-east-1", endpoint_url=ENDPOINT,
                                  aws_access_key_id=key, aws_secret_access_key=SECRET_KEY,
                                  aws_session_token=token)
        c.meta.events.register("before-send", capture)
        return c

    def call(c, op, **params):
        before = len(out)
        try:
            getattr(c, op)(**params)
        except Exception:  # the canned response does not parse for every operation
            pass
        assert len(out) == before + 1, f"{op} sent no request"
        return out[-1]

    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: FROZEN.replace(tzinfo=None)):
        emr = client("emr-serverless")
        ct = client("cloudtrail")
        ct_session = client("cloudtrail", SESSION_KEY, SESSION_TOKEN)
        emr_session = client("emr-serverless", SESSION_KEY, SESSION_TOKEN)
        reqs = {
            "create_application": call(emr, "create_application", name="my-app", releaseLabel="emr-7.1.0",
                                       type="SPARK", clientToken="2f73cb1d-cc24-4ff7-93c7-3419a85099c8"),
            "create_application_full": call(
                emr, "create_application", name="etl", releaseLabel="emr-7.13.0", type="SPARK",
                clientToken="token-2",
                initialCapacity={"DRIVER": {"workerCount": 1, "workerConfiguration": {"cpu": "2vCPU", "memory": "4GB",
                                                                                       "disk": "20GB"}}},
                maximumCapacity={"cpu": "200vCPU", "memory": "200GB", "disk": "1000GB"},
                autoStartConfiguration={"enabled": True},
                autoStopConfiguration={"enabled": True, "idleTimeoutMinutes": 15},
                networkConfiguration={"subnetIds": ["subnet-0123456789abcdef0"],
                                      "securityGroupIds": ["sg-0123456789abcdef0"]},
                architecture="ARM64",
                interactiveConfiguration={"studioEnabled": True, "livyEndpointEnabled": True},
                runtimeConfiguration=[{"classification": "spark-defaults",
                                       "properties": {"spark.executor.memory": "4g"}}],
                monitoringConfiguration={"s3MonitoringConfiguration": {"logUri": "s3://bucket/logs/"}},
                tags={"team": "data", "env": "dev"}),
            "get_application": call(emr, "get_application", applicationId=APP),
            "update_application": call(emr, "update_application", applicationId=APP, clientToken="token-3",
                                       autoStopConfiguration={"enabled": False}),
            "delete_application": call(emr, "delete_application", applicationId=APP),
            "list_applications": call(emr, "list_applications", maxResults=10, states=["CREATED", "STARTED"]),
            "start_application": call(emr, "start_application", applicationId=APP),
            "stop_application": call(emr, "stop_application", applicationId=APP),
            "start_job_run": call(emr, "start_job_run", applicationId=APP, clientToken="token-4",
                                  executionRoleArn=ROLE, name="etl",
                                  jobDriver={"sparkSubmit": {"entryPoint": "s3://bucket/job.py",
                                                             "entryPointArguments": ["--day", "2026-01-01"],
                                                             "sparkSubmitParameters": "--conf spark.executor.cores=2"}},
                                  configurationOverrides={"monitoringConfiguration": {
                                      "s3MonitoringConfiguration": {"logUri": "s3://bucket/logs/"}}},
                                  executionTimeoutMinutes=60, tags={"job": "nightly"}),
            "start_job_run_hive": call(emr, "start_job_run", applicationId=APP, clientToken="token-5",
                                       executionRoleArn=ROLE,
                                       jobDriver={"hive": {"query": "s3://bucket/q.sql",
                                                           "parameters": "--hiveconf x=1"}}),
            "get_job_run": call(emr, "get_job_run", applicationId=APP, jobRunId=RUN, attempt=1),
            "cancel_job_run": call(emr, "cancel_job_run", applicationId=APP, jobRunId=RUN,
                                   shutdownGracePeriodInSeconds=30),
            "list_job_runs": call(emr, "list_job_runs", applicationId=APP, maxResults=10,
                                  states=["RUNNING", "SUCCESS"],
                                  createdAtAfter=datetime.datetime(2024, 1, 2, 3, 4, 5), mode="BATCH"),
            "list_job_run_attempts": call(emr, "list_job_run_attempts", applicationId=APP, jobRunId=RUN,
                                          maxResults=5),
            "get_dashboard_for_job_run": call(emr, "get_dashboard_for_job_run", applicationId=APP, jobRunId=RUN,
                                              attempt=1, accessSystemProfileLogs=True),
            "get_resource_dashboard": call(emr, "get_resource_dashboard", applicationId=APP,
                                           resourceId="00f1sessabcdefg0", resourceType="SESSION"),
            "start_session": call(emr, "start_session", applicationId=APP, clientToken="token-6",
                                  executionRoleArn=ROLE, name="notebook",
                                  configurationOverrides={"runtimeConfiguration": [
                                      {"classification": "spark-defaults", "properties": {"a": "b"}}]}),
            "get_session": call(emr, "get_session", applicationId=APP, sessionId="00f1sessabcdefg0"),
            "get_session_endpoint": call(emr, "get_session_endpoint", applicationId=APP,
                                         sessionId="00f1sessabcdefg0"),
            "list_sessions": call(emr, "list_sessions", applicationId=APP, maxResults=3, states=["IDLE"]),
            "terminate_session": call(emr, "terminate_session", applicationId=APP, sessionId="00f1sessabcdefg0"),
            "tag_resource": call(emr, "tag_resource", resourceArn=APP_ARN, tags={"team": "data"}),
            "untag_resource": call(emr, "untag_resource", resourceArn=APP_ARN, tagKeys=["a", "b"]),
            "list_tags_for_resource": call(emr, "list_tags_for_resource", resourceArn=APP_ARN),
            "get_application_session_creds": call(emr_session, "get_application", applicationId=APP),
            "ct_lookup_events": call(ct, "lookup_events", LookupAttributes=[
                {"AttributeKey": "EventSource", "AttributeValue": "emr-serverless.amazonaws.com"}],
                StartTime=datetime.datetime(2024, 1, 2, 3, 4, 5), MaxResults=5),
            "ct_lookup_events_all": call(ct, "lookup_events"),
            "ct_lookup_events_name": call(ct, "lookup_events", LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "CreateApplication"}],
                StartTime=datetime.datetime(2025, 12, 1), EndTime=datetime.datetime(2026, 12, 1)),
            "ct_lookup_events_session": call(ct_session, "lookup_events", LookupAttributes=[
                {"AttributeKey": "ReadOnly", "AttributeValue": "false"}], MaxResults=50),
            "ct_create_trail": call(ct, "create_trail", Name="fuzz-trail", S3BucketName="fuzz-bucket",
                                    S3KeyPrefix="logs", IsMultiRegionTrail=True, EnableLogFileValidation=True,
                                    TagsList=[{"Key": "team", "Value": "data"}]),
            "ct_start_logging": call(ct, "start_logging", Name="fuzz-trail"),
            "ct_stop_logging": call(ct, "stop_logging", Name="fuzz-trail"),
            "ct_get_trail_status": call(ct, "get_trail_status", Name="fuzz-trail"),
            "ct_get_trail": call(ct, "get_trail", Name="fuzz-trail"),
            "ct_describe_trails": call(ct, "describe_trails", trailNameList=["fuzz-trail"], includeShadowTrails=True),
            "ct_list_trails": call(ct, "list_trails"),
            "ct_update_trail": call(ct, "update_trail", Name="fuzz-trail", S3KeyPrefix="other",
                                    IncludeGlobalServiceEvents=False),
            "ct_delete_trail": call(ct, "delete_trail", Name="fuzz-trail"),
            "ct_put_event_selectors": call(ct, "put_event_selectors", TrailName="fuzz-trail", EventSelectors=[
                {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]),
            "ct_put_advanced_event_selectors": call(ct, "put_event_selectors", TrailName="fuzz-trail",
                                                    AdvancedEventSelectors=[{"Name": "mgmt", "FieldSelectors": [
                                                        {"Field": "eventCategory", "Equals": ["Management"]},
                                                        {"Field": "readOnly", "Equals": ["false"]}]}]),
            "ct_get_event_selectors": call(ct, "get_event_selectors", TrailName="fuzz-trail"),
            "ct_add_tags": call(ct, "add_tags", ResourceId="arn:aws:cloudtrail:us-east-1:123456789012:trail/fuzz-trail",
                                TagsList=[{"Key": "k", "Value": "v"}]),
            "ct_remove_tags": call(ct, "remove_tags",
                                   ResourceId="arn:aws:cloudtrail:us-east-1:123456789012:trail/fuzz-trail",
                                   TagsList=[{"Key": "k"}]),
            "ct_list_tags": call(ct, "list_tags",
                                 ResourceIdList=["arn:aws:cloudtrail:us-east-1:123456789012:trail/fuzz-trail"]),
            "ct_list_public_keys": call(ct, "list_public_keys", StartTime=datetime.datetime(2026, 1, 1)),
            "ct_start_query": call(ct, "start_query", QueryStatement="SELECT eventName FROM eds"),
        }
        presigned = emr.generate_presigned_url("get_application", Params={"applicationId": APP}, ExpiresIn=3600)
    return reqs, presigned


def raw(request):
    from urllib.parse import urlsplit
    url = urlsplit(request.url)
    target = url.path + ("?" + url.query if url.query else "")
    headers = [("Host", "127.0.0.1:4566")]
    for k, v in request.headers.items():
        v = v.decode() if isinstance(v, bytes) else v
        # Unsigned headers that differ per run or machine are pinned so the corpus is stable.
        if k.lower() == "amz-sdk-invocation-id":
            v = "ad967b4f-5a54-4bee-847e-1448cfb4f313"
        if k.lower() == "user-agent":
            v = BOTO_UA
        headers.append((k, v))
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    if body and not any(k.lower() == "content-length" for k, _ in headers):
        headers.append(("Content-Length", str(len(body))))
    return http(request.method, target, headers, body)


# --- CloudTrail NextToken, as TokenCodec writes it -------------------------------------------

def token(secret, position, filters, generation=0):
    dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(dump(filters).encode()).digest()[:8].hex()
    payload = dump({"p": position, "f": digest}).encode()
    mac = hmac.new(secret.encode(), str(generation).encode() + b"|" + payload, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(payload + mac).decode().rstrip("=")


# --- dictionaries (-dict=) -------------------------------------------------------------------

def dict_entry(text):
    out = ""
    for b in text.encode("utf-8", "surrogateescape"):
        c = chr(b)
        if c in '"\\':
            out += "\\" + c
        elif 0x20 <= b < 0x7f:
            out += c
        else:
            out += "\\x%02X" % b
    return '"' + out + '"'


def model_words(path):
    m = json.load(open(path))
    words = set()
    for name, op in m["operations"].items():
        words.add(name)
        http_ = op.get("http", {})
        for seg in http_.get("requestUri", "").split("?")[0].split("/"):
            if seg and not seg.startswith("{"):
                words.add("/" + seg)
    for shape in m["shapes"].values():
        for member, ref in shape.get("members", {}).items():
            words.add('"' + member + '"')
            if "locationName" in ref:
                words.add(ref["locationName"] + "=")
        for e in shape.get("enum", []):
            words.add('"' + e + '"')
    return m, words


def write_dicts():
    d = os.path.join(HERE, "dict")
    os.makedirs(d, exist_ok=True)
    emr, emr_words = model_words(os.path.join(HERE, "../../api/emr_serverless/emr_serverless_model.json"))
    ct, ct_words = model_words(os.path.join(HERE, "../../api/cloudtrail/cloudtrail_model.json"))
    ct_targets = {CT_TARGET + op for op in ct["operations"]} | {"CloudTrail_20131101." + op for op in ct["operations"]}
    http_words = {"GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "HEAD ", " HTTP/1.1\r\n", "\r\n\r\n", "\n=====\n",
                  "Host: ", "Content-Type: application/json\r\n", "Content-Type: application/x-amz-json-1.1\r\n",
                  "X-Amz-Target: ", "X-Amz-Date: 20261124T200834Z\r\n", "X-Amz-Security-Token: ",
                  "X-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\n", "User-Agent: ", "Authorization: ",
                  "%2F", "%3A", "%25", "%00", "%FF", "%", "?", "&", "=", "+", "/", "//", "/./", "/../"}
    json_words = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "-0", "1e400", "-1e400", "1.5",
                  "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648",
                  "\\u0000", "\\ud800", "\\udc00", "\\\"", "\\\\", "\udcff", "\udcc3\udca9", "\udce2\udc82"}
    sig_words = {"AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=", "Credential=", "SignedHeaders=", "Signature=",
                 ", ", "/aws4_request", "/20261124/", "us-east-1", "eu-west-1", "emr-serverless", "cloudtrail",
                 "AKIAIOSFODNN7EXAMPLE", "ASIAQNZGKW5YEXAMPLE1", "210987654321", "host;x-amz-date",
                 "content-type;host;x-amz-date;x-amz-target", "x-amz-security-token", "x-amz-content-sha256",
                 "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Credential=", "X-Amz-Date=", "X-Amz-Expires=",
                 "X-Amz-SignedHeaders=", "X-Amz-Signature=", "X-Amz-Security-Token=", "20261124T200834Z",
                 "19700101T000000Z", "99991231T235959Z", "UNSIGNED-PAYLOAD"}
    admin_words = {"/_trailbox", "/_trailbox/", "/_trailbox/health", "/_trailbox/events", "/_trailbox/events/count",
                   "/_trailbox/reset", "/_trailbox/clock", "/_trailbox/config", "/_trailbox/resources",
                   "/_trailbox/trails/deliver", "/_trailbox/dashboard/applications/", "/_trailbox/ui/app.js",
                   "eventName=", "eventSource=", "username=", "accessKeyId=", "readOnly=", "resourceName=",
                   "resourceType=", "eventId=", "errorCode=", "errorsOnly=true", "account=", "region=",
                   "startTime=", "endTime=", "after=", "before=", "limit=", "order=desc", "order=asc", "where=",
                   "requestParameters.", "userIdentity.arn", "digest=true", "expires=", '"seconds"', '"minutes"',
                   '"hours"', '"ms"', "S3KeyPrefix", "/tmp/trailbox-fuzz-escape", "fuzz-bucket", "fuzz-trail"}
    lookup_words = {'"LookupAttributes"', '"AttributeKey"', '"AttributeValue"', '"StartTime"', '"EndTime"',
                    '"EventCategory"', '"MaxResults"', '"NextToken"', '"insight"', '"EventId"', '"EventName"',
                    '"ReadOnly"', '"Username"', '"ResourceType"', '"ResourceName"', '"EventSource"',
                    '"AccessKeyId"', '"true"', '"false"', '"CreateApplication"', '"emr-serverless.amazonaws.com"',
                    '"AWS::EMRServerless::Application"', "#caller=", "1767225600", "1759449600.5",
                    '"2026-01-01T00:00:00Z"', '"2025-10-01T00:00:00.123+00:00"'}
    record_words = {"\n", "r", "e", "R", "CreateApplication", "emr-serverless.amazonaws.com", "AssumedRole",
                    '"type"', '"userName"', '"accountId"', "123456789012 us-east-1 ", "0190f2c4-aaaa-7bbb-8ccc-dddddddddddd",
                    "890B8639-E51F-11E7-B038-0123456789AB", "\u20ac", "\u2603", "\U0001F600"}
    dicts = {
        "http_router": http_words | json_words | sig_words | admin_words | emr_words | ct_targets | lookup_words,
        "rest_json_decode": http_words | json_words | emr_words,
        "aws_json_decode": http_words | json_words | ct_words | ct_targets | lookup_words,
        "sigv4": http_words | sig_words,
        "lookup_events": json_words | lookup_words,
        "event_record": json_words | record_words,
    }
    for target, words in dicts.items():
        with open(os.path.join(d, target + ".dict"), "w") as f:
            f.write(f"# libFuzzer dictionary for fuzz_{target}; written by tests/fuzz/gen_corpus.py\n")
            for w in sorted(words):
                f.write(dict_entry(w) + "\n")


def main():
    reqs, presigned = captured_requests()
    emr_names = [n for n in reqs if not n.startswith("ct_")]
    ct_names = [n for n in reqs if n.startswith("ct_")]

    # http_router: every captured request, admin endpoints, JS SDK v3 forms, scenarios.
    for name, r in reqs.items():
        add("http_router", name, raw(r))
    from urllib.parse import urlsplit
    p = urlsplit(presigned)
    add("http_router", "presigned_get_application",
        http("GET", p.path + "?" + p.query, [("Host", "127.0.0.1:4566")]))
    js_lookup = http("POST", "/", [
        ("host", "127.0.0.1:4566"), ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "CloudTrail_20131101.LookupEvents"), ("x-amz-user-agent", JS_UA),
        ("user-agent", JS_UA), ("amz-sdk-invocation-id", "ad967b4f-5a54-4bee-847e-1448cfb4f313"),
        ("amz-sdk-request", "attempt=1; max=3"), ("x-amz-date", "20261124T200834Z"),
        ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
        ("authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/cloudtrail/aws4_request, "
                          "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-type;host;x-amz-content-sha256;"
                          "x-amz-date;x-amz-target;x-amz-user-agent, "
                          "Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0")],
        '{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"AKIAIOSFODNN7EXAMPLE"}],'
        '"StartTime":1764633600.123,"EndTime":1795550914.5,"MaxResults":3}')
    add("http_router", "js_v3_lookup_events", js_lookup)
    add("http_router", "unsigned_list_applications", http("GET", "/applications?maxResults=2", [("host", "localhost")]))
    admin = {
        "admin_health": ("GET", "/_trailbox/health", ""),
        "admin_health_head": ("HEAD", "/_trailbox/health", ""),
        "admin_events": ("GET", "/_trailbox/events?eventName=CreateApplication&order=desc&limit=5"
                                "&where=requestParameters.name%3Dmy-app", ""),
        "admin_events_filters": ("GET", "/_trailbox/events?eventSource=emr-serverless.amazonaws.com&readOnly=false"
                                        "&errorsOnly=true&startTime=2026-01-01T00:00:00Z&endTime=1800000000"
                                        "&account=123456789012&region=us-east-1&before=1767225600000:3", ""),
        "admin_events_count": ("GET", "/_trailbox/events/count?username=trailbox&resourceType=AWS::EMRServerless::Application", ""),
        "admin_clock_get": ("GET", "/_trailbox/clock", ""),
        "admin_clock_advance": ("POST", "/_trailbox/clock", '{"seconds": 60, "minutes": 1.5}'),
        "admin_clock_query": ("POST", "/_trailbox/clock?hours=2", ""),
        "admin_config": ("GET", "/_trailbox/config", ""),
        "admin_resources": ("GET", "/_trailbox/resources", ""),
        "admin_reset": ("POST", "/_trailbox/reset", ""),
        "admin_deliver": ("POST", "/_trailbox/trails/deliver?digest=true", ""),
        "admin_dashboard": ("GET", f"/_trailbox/dashboard/applications/{APP}/jobruns/{RUN}?expires=1999999999", ""),
        "admin_ui": ("GET", "/_trailbox/", ""),
        "admin_ui_js": ("GET", "/_trailbox/ui/app.js", ""),
        "admin_unknown": ("DELETE", "/_trailbox/nothing", ""),
    }
    for name, (method, target, body) in admin.items():
        add("http_router", name, http(method, target, [("host", "127.0.0.1:4566")], body))
    add("http_router", "no_target_post", http("POST", "/", [("content-type", "application/x-amz-json-1.1")], "{}"))
    add("http_router", "bad_query_escape", http("GET", "/applications?maxResults=%G1", []))
    add("http_router", "not_json_body", raw(reqs["create_application"]).replace(b'{"name"', b'{"name":'))

    sep = b"\r\n=====\r\n"
    # Scenarios: the ids are those the harness's seeded world hands out after its reset.
    scenario = [raw(reqs["create_application"]),
                http("GET", "/applications?states=CREATING&states=CREATED", [("host", "h")]),
                http("POST", "/_trailbox/clock", [], '{"seconds": 5}'),
                raw(reqs["ct_lookup_events"]),
                http("GET", "/_trailbox/events?order=desc&limit=2", [])]
    add("http_router", "scenario_application", sep.join(scenario))
    trail = [raw(reqs["ct_create_trail"]), raw(reqs["ct_start_logging"]), raw(reqs["create_application"]),
             http("POST", "/_trailbox/trails/deliver?digest=true", []), raw(reqs["ct_get_trail_status"]),
             raw(reqs["ct_list_public_keys"])]
    add("http_router", "scenario_trail_delivery", sep.join(trail))

    # rest_json_decode: EMR Serverless requests and broken variants.
    for name in emr_names:
        add("rest_json_decode", name, raw(reqs[name]))
    create = raw(reqs["create_application"])
    head, _, body = create.partition(b"\r\n\r\n")
    variants = {
        "body_not_json": b"{name: my-app}",
        "body_array": b'["my-app"]',
        "body_wrong_types": b'{"name": 5, "releaseLabel": ["emr-7.1.0"], "type": true, "clientToken": {}}',
        "body_too_deep": b'{"tags": ' + b"[" * 80 + b"]" * 80 + b"}",
        "body_invalid_utf8": b'{"name": "\xff\xfe", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "t"}',
        "body_escapes": b'{"name": "a\\u0000b\\ud800", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "t"}',
        "body_huge_numbers": b'{"name": "x", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "t", '
                             b'"autoStopConfiguration": {"idleTimeoutMinutes": 1e400}, '
                             b'"initialCapacity": {"DRIVER": {"workerCount": 9223372036854775808}}}',
        "body_nulls": b'{"name": null, "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": null}',
    }
    for name, b in variants.items():
        add("rest_json_decode", "create_application_" + name, head + b"\r\n\r\n" + b)
    add("rest_json_decode", "label_with_slash",
        http("GET", "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F" + APP, []))
    add("rest_json_decode", "label_bad_escape", http("GET", "/applications/%ZZ%2", []))
    add("rest_json_decode", "query_bad_int", http("GET", "/applications?maxResults=ten&states=NOPE", []))
    add("rest_json_decode", "query_bad_time",
        http("GET", f"/applications/{APP}/jobruns?createdAtAfter=2024-02-30T00:00:00Z&createdAtBefore=yesterday", []))
    add("rest_json_decode", "query_overflow", http("GET", f"/applications/{APP}/jobruns/{RUN}?attempt=99999999999", []))
    add("rest_json_decode", "wrong_method", http("PUT", "/applications", []))
    add("rest_json_decode", "unknown_path", http("GET", "/jobruns", []))

    # aws_json_decode: CloudTrail requests and broken variants.
    for name in ct_names:
        add("aws_json_decode", name, raw(reqs[name]))
    add("aws_json_decode", "js_v3_lookup_events", js_lookup)
    ct_head = http("POST", "/", [("Content-Type", "application/x-amz-json-1.1"),
                                ("X-Amz-Target", CT_TARGET + "LookupEvents")])
    for name, b in {
        "empty_body": b"",
        "blank_body": b" \r\n\t",
        "array_body": b"[]",
        "wrong_types": b'{"LookupAttributes": {"AttributeKey": "EventName"}, "MaxResults": "5", "StartTime": true}',
        "too_many_attributes": b'{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "A"}, '
                               b'{"AttributeKey": "Username", "AttributeValue": "B"}]}',
        "bad_enum": b'{"LookupAttributes": [{"AttributeKey": "eventname", "AttributeValue": ""}], "EventCategory": "x"}',
        "iso_times": b'{"StartTime": "2026-01-01T00:00:00Z", "EndTime": "2026-01-02T00:00:00.5+00:00"}',
        "huge_times": b'{"StartTime": 1e300, "EndTime": -9.2e18, "MaxResults": 50}',
    }.items():
        add("aws_json_decode", "lookup_" + name, ct_head + b)
    add("aws_json_decode", "unknown_operation", http("POST", "/", [("X-Amz-Target", CT_TARGET + "Nope")], "{}"))
    add("aws_json_decode", "other_service", http("POST", "/", [("X-Amz-Target", "DynamoDB_20120810.GetItem")], "{}"))
    add("aws_json_decode", "create_trail_sensitive",
        http("POST", "/", [("X-Amz-Target", CT_TARGET + "PutResourcePolicy")],
             '{"ResourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", "ResourcePolicy": "{}"}'))

    # sigv4: signed requests (valid under the harness's secret), presigned, session, malformed.
    for name in ["create_application", "get_application", "list_job_runs", "untag_resource", "tag_resource",
                 "get_application_session_creds", "ct_lookup_events", "ct_lookup_events_session", "ct_create_trail"]:
        add("sigv4", name, raw(reqs[name]))
    add("sigv4", "presigned_get_application", http("GET", p.path + "?" + p.query, [("Host", "127.0.0.1:4566")]))
    add("sigv4", "js_v3_lookup_events", js_lookup)
    auth = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request, " \
           "SignedHeaders=host;x-amz-date, Signature=f9bc04e528b54d3d601b217ba0e48c66a3015abb7dcb404fdd2675236798d85d"
    for name, value in {
        "auth_capture": auth,
        "auth_no_signature": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request, SignedHeaders=host",
        "auth_bad_scope": "AWS4-HMAC-SHA256 Credential=AKIA/2026/us-east-1/aws4_request, SignedHeaders=host, Signature=00",
        "auth_bad_region": auth.replace("us-east-1", "US_EAST_1"),
        "auth_v2": "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
        "auth_12_digit_key": auth.replace("AKIAIOSFODNN7EXAMPLE", "210987654321"),
        "auth_spaces": "  AWS4-HMAC-SHA256   Credential=AKIAIOSFODNN7EXAMPLE/20261124/eu-west-1/emr-serverless/aws4_request,SignedHeaders=host;x-amz-date,Signature=ab ",
    }.items():
        add("sigv4", name, http("GET", f"/applications/{APP}", [("host", "127.0.0.1:4566"),
                                                             ("x-amz-date", "20261124T200834Z"),
                                                             ("authorization", value)]))
    add("sigv4", "presigned_missing_parts",
        http("GET", f"/applications/{APP}?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124%2Fus-east-1%2Femr-serverless"
                    "%2Faws4_request&X-Amz-Date=20261124T200834Z&X-Amz-Expires=0", [("host", "h")]))
    add("sigv4", "dot_segments",
        http("GET", f"/applications/./x/../{APP}//jobruns/?b=2&a=1&a=0", [("host", "h"), ("x-amz-date", "20261124T200834Z"),
                                                                       ("authorization", auth)]))

    # lookup_events: LookupEvents bodies (and the caller line of the harness).
    lookups = {
        "empty": "{}",
        "botocore_capture": '{"LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": '
                            '"emr-serverless.amazonaws.com"}], "StartTime": 1704164645, "MaxResults": 5}',
        "event_name": '{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateApplication"}],"MaxResults":3}',
        "event_id": '{"LookupAttributes":[{"AttributeKey":"EventId","AttributeValue":"0190f2c4-0000-7000-8000-000000000000"}]}',
        "read_only": '{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"true"}],"MaxResults":7}',
        "read_only_bad": '{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"yes"}]}',
        "username": '{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"AKIAIOSFODNN7EXAMPLE"}]}',
        "access_key": '{"LookupAttributes":[{"AttributeKey":"AccessKeyId","AttributeValue":"AKIAOTHERUSEREXAMPLE"}]}',
        "resource_type": '{"LookupAttributes":[{"AttributeKey":"ResourceType","AttributeValue":"AWS::EMRServerless::Application"}],"MaxResults":4}',
        "resource_name": '{"LookupAttributes":[{"AttributeKey":"ResourceName","AttributeValue":'
                         '"arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1000000000010"}]}',
        "time_window": '{"StartTime":1760000000,"EndTime":1765000000.999,"MaxResults":2}',
        "time_inverted": '{"StartTime":1765000000,"EndTime":1760000000}',
        "time_iso": '{"StartTime":"2025-11-01T00:00:00Z","EndTime":"2026-01-02T00:00:00.250Z"}',
        "time_extreme": '{"StartTime":-1e300,"EndTime":1.7976931348623157e308}',
        "max_results_zero": '{"MaxResults":0}',
        "max_results_51": '{"MaxResults":51}',
        "max_results_one": '{"MaxResults":1}',
        "insight": '{"EventCategory":"insight","MaxResults":5}',
        "category_bad": '{"EventCategory":"management"}',
        "two_attributes": '{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"A"},'
                          '{"AttributeKey":"EventName","AttributeValue":"B"}]}',
        "unknown_key": '{"LookupAttributes":[{"AttributeKey":"Region","AttributeValue":"us-east-1"}]}',
        "empty_value": '{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":""}]}',
        "token_garbage": '{"NextToken":"not-a-token"}',
        "token_base64_json": '{"NextToken":"' + base64.urlsafe_b64encode(b'{"p":[1,2,3],"f":"00"}' + b"0" * 16).decode() + '"}',
        "caller_role": '#caller=2\n{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"ASIAQNZGKW5YEXAMPLE1"}]}',
        "caller_other_account": '#caller=3\n{"MaxResults":10}',
        "caller_other_region": '#caller=4\n{"LookupAttributes":[{"AttributeKey":"EventSource","AttributeValue":"cloudtrail.amazonaws.com"}]}',
        "caller_unsigned": '#caller=5\n{}',
        "js_v3": '{"LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"AKIAIOSFODNN7EXAMPLE"}],'
                 '"StartTime":1764633600.123,"EndTime":1795550914.5,"MaxResults":3}',
    }
    # Tokens as the harness's codec issues them (secret kTokenSecret, generation 0) for the
    # filters of the request they come with.
    secret = "trailbox-fuzz-token-secret"
    filters = {"account": "123456789012", "region": "us-east-1", "attrs": [], "start": None, "end": None,
               "category": None}
    lookups["token_valid"] = json.dumps({"MaxResults": 5, "NextToken": token(secret, [1767000000000, 200, 240], filters)})
    lookups["token_other_filters"] = json.dumps({"MaxResults": 5, "EventCategory": "insight",
                                                 "NextToken": token(secret, [1767000000000, 200, 240], filters)})
    lookups["token_bad_position"] = json.dumps({"NextToken": token(secret, ["a", None, {}], filters)})
    for name, body in lookups.items():
        add("lookup_events", name, body)

    # event_record: see the field layout in event_record_fuzz.cpp.
    identity = json.dumps({"type": "AssumedRole", "principalId": "AIDACKCEVSQ6C2EXAMPLE:admin",
                           "arn": "arn:aws:sts::012345678910:assumed-role/Admin/admin", "accountId": "012345678910",
                           "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "sessionContext": {
                               "sessionIssuer": {"type": "Role", "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                                                 "arn": "arn:aws:iam::012345678910:role/Admin",
                                                 "accountId": "012345678910", "userName": "Admin"},
                               "webIdFederationData": {},
                               "attributes": {"creationDate": "2022-06-01T23:46:52Z", "mfaAuthenticated": "false"}}})
    records = {
        "aws_example": ["R1654127368", "CreateApplication", "emr-serverless.amazonaws.com",
                        "890b8639-e51f-11e7-b038-EXAMPLE", "874f89fa-70fc-4798-bc00-EXAMPLE", "PostmanRuntime/7.26.10",
                        "203.0.113.0", "", "012345678910 us-west-2 admin AKIAIOSFODNN7EXAMPLE", identity,
                        '{"name":"my-serverless-application","applicationId":"1234567890abcdef0","arn":"arn:aws:emr-serverless:us-west-2:555555555555:/applications/1234567890abcdef0"}',
                        '{"name": "my-serverless-application", "releaseLabel": "emr-6.6", "type": "SPARK",\n'
                        ' "clientToken": "0a1b234c-de56-7890-1234-567890123456"}'],
        "uuid_ids_read_only": ["r1767225600", "GetApplication", "emr-serverless.amazonaws.com",
                               "0B1C2D3E-4F50-4a1b-8c2d-3e4f5a6b7c8d", "0190f2c4-aaaa-7bbb-8ccc-dddddddddddd",
                               "Boto3/1.43.11 md/Botocore#1.43.11", "127.0.0.1", "",
                               "123456789012 us-east-1 trailbox ", "", '{"application":{}}',
                               '{"applicationId":"00f1abcdefghij0k"}'],
        "failed_call": ["ee1767225600", "StartJobRun", "emr-serverless.amazonaws.com", "req-1", "evt-1",
                        "aws-cli/2.15.0", "10.0.0.1",
                        "1 validation error detected: Value '\"\\\t\x01' at 'name' failed to satisfy constraint",
                        "123456789012 us-east-1 u AKIA", '{"type":"IAMUser"}', "", '{"name":"\\u0000\\u001f"}'],
        "invalid_utf8_agent": ["1767225600", "LookupEvents", "cloudtrail.amazonaws.com", "r", "e",
                               "agent \udcff\udcfe\udcc3 broken \udce2\udc82", "::1", "", "123456789012 eu-west-1  ",
                               "not json \udcff", "[1,2]", "\"just a string\""],
        "long_agent_multibyte": ["R1767225600", "TagResource", "emr-serverless.amazonaws.com", "r2", "e2",
                                 "x" * 1022 + "\u20ac" * 3, "emr-serverless.amazonaws.com",
                                 "e" * 1023 + "\u00e9" + "tail", "123456789012 us-east-1 a b", "{}", "{}",
                                 '{"tags":{"\u00e9t\u00e9":"\u2603"}}'],
        "error_long_multibyte": ["eeeR0", "DeleteApplication", "emr-serverless.amazonaws.com", "", "", "",
                                 "", "\u2603" * 400, "   ", "null", "null", "null"],
    }
    for name, fields in records.items():
        add("event_record", name, "\n".join(fields))

    write_dicts()

    for target, files in corpus.items():
        d = os.path.join(OUT, target)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, data in sorted(files.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(files)} seeds")


if __name__ == "__main__":
    sys.exit(main())
