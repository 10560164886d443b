"""A table-driven catalogue of bad (and borderline) input, run against the real binary.

Every row names one request (structured, raw bytes, or a small scripted exchange), the HTTP status
and AWS error code the server must answer with, and how many CloudTrail events the request must
leave in the store. One subTest per row. After each row the harness checks that

  * exactly the expected responses arrived (no extra response hiding in the body: request smuggling),
  * every response carries an x-amzn-RequestId and, for errors, the code where the protocol's
    clients look for it (restJson1: the x-amzn-ErrorType header; awsJson1_1: the body's __type),
  * /_trailbox/events/count grew by exactly the row's number of events, and the new records parse as
    strict JSON (valid UTF-8, no lone surrogates, no NaN) with the response's request id,
  * the server still serves a normal request (GetApplication of the fixture application) and records
    it.

Rows that expose a server bug are listed in KNOWN_BUGS, each in its own test method marked
unittest.expectedFailure with a comment, so the suite stays green until the bug is fixed.

Expectations follow /work/shared/docs/aws-behaviour.md (A.4 errors, A.6 validation, D.4 LookupEvents
errors) and RFC 9110/9112 for the HTTP framing rows.
"""
import json
import re
import socket
import threading
import time
import unittest
import urllib.parse

from trailbox_fixture import TrailboxServer

MAX_BODY = 65536
MAX_HEADER = 8192
HEADER_TIMEOUT_MS = 500
BODY_TIMEOUT_MS = 500

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/catalogue"
CT_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
LOOKUP = CT_PREFIX + "LookupEvents"
SIGNED = ("AWS4-HMAC-SHA256 Credential={key}/20261124/us-east-1/emr-serverless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=" + "ab" * 32)
SQL = "' OR '1'='1' --"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Placeholders replaced at run time (after the fixture application and job run exist).
#   @APP@ @RUN@: ids; @APPARN@ @RUNARN@: ARNs percent-encoded as one path segment (as botocore sends).


# --------------------------------------------------------------------------------------------
# Strict JSON
# --------------------------------------------------------------------------------------------

def _reject_constant(name):
    raise ValueError(f"non-JSON constant {name}")


def _check_strings(value, where="$"):
    if isinstance(value, str):
        value.encode("utf-8")  # raises on lone surrogates (\ud800 escapes)
    elif isinstance(value, dict):
        for k, v in value.items():
            k.encode("utf-8")
            _check_strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_strings(v, f"{where}[{i}]")


def strict_json(data):
    """Parses bytes as RFC 8259 JSON: UTF-8 only, no NaN/Infinity, no lone surrogates."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    value = json.loads(text, parse_constant=_reject_constant)
    _check_strings(value)
    return value


# --------------------------------------------------------------------------------------------
# A raw HTTP/1.1 client that shows exactly what the server sent
# --------------------------------------------------------------------------------------------

class Response:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    @property
    def request_id(self):
        return self.headers.get("x-amzn-requestid", "")

    def json(self):
        return strict_json(self.body)

    def __repr__(self):
        return f"<{self.status} {self.headers.get('x-amzn-errortype', '')} {self.body[:300]!r}>"


class Exchange:
    def __init__(self, responses, trailing, closed, raw):
        self.responses, self.trailing, self.closed, self.raw = responses, trailing, closed, raw

    @property
    def resp(self):
        return self.responses[0] if self.responses else None

    def statuses(self):
        return [r.status for r in self.responses]


def parse_responses(buf, methods=()):
    """Splits a byte stream into complete responses; returns (responses, unparsed trailing bytes)."""
    out, pos = [], 0
    while pos < len(buf):
        end = buf.find(b"\r\n\r\n", pos)
        if end < 0:
            break
        lines = buf[pos:end].decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)$", lines[0])
        if not m:
            break
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        status = int(m.group(1))
        start = end + 4
        if 100 <= status < 200:  # interim (100 Continue)
            pos = start
            continue
        method = methods[len(out)] if len(out) < len(methods) else "GET"
        if method == "HEAD" or status in (204, 304):
            length = 0
        elif "content-length" in headers:
            length = int(headers["content-length"])
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body, p = b"", start
            while True:
                eol = buf.find(b"\r\n", p)
                if eol < 0:
                    return out, buf[pos:]
                size = int(buf[p:eol].split(b";")[0], 16)
                p = eol + 2
                if size == 0:
                    tend = buf.find(b"\r\n\r\n", p - 2)
                    if tend < 0:
                        return out, buf[pos:]
                    p = tend + 4
                    break
                body += buf[p:p + size]
                p += size + 2
            out.append(Response(status, m.group(2), headers, body))
            pos = p
            continue
        else:
            length = len(buf) - start
        if start + length > len(buf):
            break
        out.append(Response(status, m.group(2), headers, buf[start:start + length]))
        pos = start + length
    return out, buf[pos:]


def exchange(server, data, methods=(), expect=None, timeout=4.0, pieces=None, pause=0.0):
    """Sends `data` (or `pieces` one by one) on a fresh connection and reads until the server closes,
    `expect` complete responses arrived, or `timeout` passes."""
    s = socket.create_connection((server.host, server.port), timeout=timeout)
    buf, closed = b"", False
    try:
        try:
            for piece in (pieces if pieces is not None else [data]):
                s.sendall(piece)
                if pause:
                    time.sleep(pause)
        except OSError:
            pass  # the server may refuse the rest of an oversize body and close
        deadline = time.time() + timeout
        while time.time() < deadline:
            if expect is not None and len(parse_responses(buf, methods)[0]) >= expect:
                break
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            buf += chunk
    finally:
        s.close()
    responses, trailing = parse_responses(buf, methods)
    return Exchange(responses, trailing, closed, buf)


def _b(x):
    return x if isinstance(x, bytes) else str(x).encode("utf-8")


def build_request(method, path, headers=(), body=None, close=True):
    lines = [_b(method) + b" " + _b(path) + b" HTTP/1.1", b"Host: trailbox.test"]
    names = set()
    for k, v in headers:
        lines.append(_b(k) + b": " + _b(v))
        names.add(_b(k).lower())
    body = None if body is None else _b(body)
    if body is not None and b"content-length" not in names and b"transfer-encoding" not in names:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------

ANY = object()  # "any error code" (used only where RFCs leave a choice)


class Row:
    """proto: 'emr' (restJson1: code in x-amzn-ErrorType), 'ct' (awsJson1_1: code in body __type),
    'admin' / 'http' (trailbox's own endpoints and HTTP-level errors: header and __type)."""

    def __init__(self, category, name, proto, *, request=None, raw=None, custom=None, status=None, code=None,
                 also=(), events=0, msg=None, check=None, methods=()):
        self.category, self.name, self.proto = category, name, proto
        self.request, self.raw, self.custom = request, raw, custom
        self.outcomes = [(status, code)] + list(also)
        self.events, self.msg, self.check, self.methods = events, msg, check, methods


CATALOGUE = []
KNOWN_BUGS = {}  # row name -> description (with the reproducer) of the server bug the row exposes


def add(row):
    assert row.name not in {r.name for r in CATALOGUE}, row.name
    CATALOGUE.append(row)
    return row


def emr(cat, name, method, path, body=None, status=200, code=None, events=1, headers=(), **kw):
    hdrs = list(headers)
    if body is not None and not any(k.lower() == "content-type" for k, _ in hdrs):
        hdrs.append(("Content-Type", "application/json"))
    return add(Row(cat, name, "emr", request=(method, path, hdrs, body), status=status, code=code, events=events,
                   **kw))


def ct(cat, name, body, status=200, code=None, events=1, target=LOOKUP, headers=(), **kw):
    hdrs = [("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.1")] + list(headers)
    if target is None:
        hdrs = hdrs[1:]
    return add(Row(cat, name, "ct", request=("POST", "/", hdrs, body), status=status, code=code, events=events,
                   **kw))


def admin(cat, name, method, path, body=None, status=200, code=None, events=0, **kw):
    return add(Row(cat, name, "admin", request=(method, path, [], body), status=status, code=code, events=events,
                   **kw))


def raw(cat, name, data, status, code=None, events=0, proto="http", **kw):
    return add(Row(cat, name, proto, raw=data, status=status, code=code, events=events, **kw))


def custom(cat, name, fn, events=0):
    return add(Row(cat, name, "custom", custom=fn, events=events))


def app_body(token, **members):
    body = {"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": token}
    body.update(members)
    return json.dumps(body)


def run_body(token, **members):
    body = {"clientToken": token, "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/main.py"}}}
    body.update(members)
    return json.dumps(body)


def lookup(key, value, **extra):
    body = {"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}]}
    body.update(extra)
    return json.dumps(body)


def q(text):
    return urllib.parse.quote(text, safe="")


# Checks shared by rows --------------------------------------------------------------------------

def no_events(t, ex):
    t.assertEqual(ex.resp.json()["Events"], [])


def zero_count(t, ex):
    t.assertEqual(ex.resp.json(), {"count": 0})


def no_records(t, ex):
    t.assertEqual(ex.resp.json()["Records"], [])


def has_events(t, ex):
    t.assertTrue(ex.resp.json()["Events"], "expected at least one event")


def recorded_param(member, value):
    def check(t, ex):
        t.assertEqual(t.new_records[0]["requestParameters"].get(member), value)
    return check


def not_found_anything(t, ex):
    t.assertNotIn(b"root:", ex.raw)


# ============================================================================================
# 1. Malformed and truncated JSON
# ============================================================================================
C = "malformed_json"
SER = "SerializationException"
VAL = "ValidationException"
for name, body in [
    ("create_truncated_member", '{"releaseLabel":'),
    ("create_lone_brace", "{"),
    ("create_unterminated_string", '{"releaseLabel":"emr'),
    ("create_trailing_garbage", app_body("cat-x") + "garbage"),
    ("create_two_documents", app_body("cat-x") + "{}"),
    ("create_trailing_comma", '{"releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"cat-x",}'),
    ("create_single_quotes", "{'releaseLabel':'emr-7.1.0'}"),
    ("create_unquoted_keys", '{releaseLabel:"emr-7.1.0"}'),
    ("create_comment", '{/* c */"releaseLabel":"emr-7.1.0"}'),
    ("create_nan_literal", '{"releaseLabel":NaN}'),
    ("create_infinity_literal", '{"releaseLabel":Infinity}'),
    ("create_bad_escape", '{"releaseLabel":"\\x41"}'),
    ("create_truncated_unicode_escape", '{"releaseLabel":"\\u12"}'),
    ("create_raw_newline_in_string", '{"releaseLabel":"emr\n-7.1.0"}'),
    ("create_truncated_literal", '{"name":tru}'),
]:
    emr(C, name, "POST", "/applications", body, 400, SER)
emr(C, "create_empty_body_is_no_members", "POST", "/applications", "", 400, VAL, msg="releaseLabel")
emr(C, "create_whitespace_around_valid", "POST", "/applications", " \t\n" + app_body("cat-ws") + "\n", 200)
emr(C, "create_utf8_bom_tolerated", "POST", "/applications", b"\xef\xbb\xbf" + app_body("cat-bom").encode(), 200)
emr(C, "startjobrun_truncated", "POST", "/applications/@APP@/jobruns",
    '{"clientToken":"x","jobDriver":{"sparkSubmit":{', 400, SER)
emr(C, "updateapp_truncated", "PATCH", "/applications/@APP@", '{"clientToken":', 400, SER)
emr(C, "tagresource_truncated", "POST", "/tags/@APPARN@", '{"tags":', 400, SER)
ct(C, "lookup_truncated", '{"LookupAttributes":[{"AttributeKey":"EventName"', 400, SER)
ct(C, "lookup_not_json", "{not json", 400, SER)
ct(C, "lookup_trailing_garbage", "{}x", 400, SER)
ct(C, "lookup_nan", '{"MaxResults":NaN}', 400, SER)
ct(C, "lookup_negative_infinity", '{"MaxResults":-Infinity}', 400, SER)

# ============================================================================================
# 2. Wrong JSON type at the top level
# ============================================================================================
C = "top_level_type"
for label, body in [("null", "null"), ("array", "[]"), ("number", "1"), ("string", '"text"'), ("true", "true")]:
    emr(C, f"create_{label}", "POST", "/applications", body, 400, SER, msg="JSON object")
for label, body in [("null", "null"), ("array", "[1,2]"), ("string", '"x"')]:
    emr(C, f"startjobrun_{label}", "POST", "/applications/@APP@/jobruns", body, 400, SER, msg="JSON object")
emr(C, "tagresource_array", "POST", "/tags/@APPARN@", "[]", 400, SER)
emr(C, "updateapp_number", "PATCH", "/applications/@APP@", "42", 400, SER)
for label, body in [("null", "null"), ("array", "[]"), ("number", "1"), ("string", '"s"'), ("false", "false")]:
    ct(C, f"lookup_{label}", body, 400, SER, msg="JSON object")
ct(C, "lookup_empty_body_is_empty_object", "", 200)

# ============================================================================================
# 3. Wrong JSON type in each member
# ============================================================================================
C = "member_types"
for member, value, path in [
    ("releaseLabel", 1, "releaseLabel"),
    ("type", [], "type"),
    ("clientToken", {}, "clientToken"),
    ("name", True, "name"),
    ("tags", [], "tags"),
    ("tags", {"a": 1}, "tags.a"),
    ("tags", {"k": None}, "tags.k"),
    ("autoStartConfiguration", 1, "autoStartConfiguration"),
    ("autoStopConfiguration", {"enabled": "yes"}, "autoStopConfiguration.enabled"),
    ("autoStopConfiguration", {"enabled": True, "idleTimeoutMinutes": "15"}, "autoStopConfiguration.idleTimeoutMinutes"),
    ("initialCapacity", [], "initialCapacity"),
    ("initialCapacity", {"Driver": {"workerCount": "1"}}, "initialCapacity.Driver.workerCount"),
    ("maximumCapacity", "x", "maximumCapacity"),
    ("architecture", 5, "architecture"),
    ("networkConfiguration", [], "networkConfiguration"),
    ("networkConfiguration", {"subnetIds": "subnet-1"}, "networkConfiguration.subnetIds"),
    ("imageConfiguration", 1, "imageConfiguration"),
    ("workerTypeSpecifications", 1, "workerTypeSpecifications"),
    ("monitoringConfiguration", 1, "monitoringConfiguration"),
    ("runtimeConfiguration", {}, "runtimeConfiguration"),
    ("interactiveConfiguration", 1, "interactiveConfiguration"),
    ("schedulerConfiguration", 1, "schedulerConfiguration"),
    ("identityCenterConfiguration", 1, "identityCenterConfiguration"),
    ("diskEncryptionConfiguration", 1, "diskEncryptionConfiguration"),
]:
    suffix = path.replace(".", "_")
    emr(C, f"create_{suffix}_{type(value).__name__}", "POST", "/applications", app_body("cat-mt", **{member: value}),
        400, SER, msg=f"'{path}'")
emr(C, "create_null_member_is_absent", "POST", "/applications", app_body("cat-nullname", name=None), 200)
emr(C, "create_unknown_member_dropped", "POST", "/applications",
    app_body("cat-unknown", unknownMember={"x": [1, 2]}), 200,
    check=lambda t, ex: t.assertNotIn("unknownMember", t.new_records[0]["requestParameters"]))

for member, value, path in [
    ("clientToken", 1, "clientToken"),
    ("executionRoleArn", [], "executionRoleArn"),
    ("jobDriver", 1, "jobDriver"),
    ("jobDriver", {"sparkSubmit": 1}, "jobDriver.sparkSubmit"),
    ("jobDriver", {"sparkSubmit": {"entryPoint": 1}}, "jobDriver.sparkSubmit.entryPoint"),
    ("jobDriver", {"sparkSubmit": {"entryPoint": "x", "entryPointArguments": "a"}},
     "jobDriver.sparkSubmit.entryPointArguments"),
    ("jobDriver", {"sparkSubmit": {"entryPoint": "x", "entryPointArguments": [1]}},
     "jobDriver.sparkSubmit.entryPointArguments[0]"),
    ("jobDriver", {"sparkSubmit": {"entryPoint": "x", "sparkSubmitParameters": []}},
     "jobDriver.sparkSubmit.sparkSubmitParameters"),
    ("jobDriver", {"hive": {"query": []}}, "jobDriver.hive.query"),
    ("configurationOverrides", 1, "configurationOverrides"),
    ("configurationOverrides", {"applicationConfiguration": {}}, "configurationOverrides.applicationConfiguration"),
    ("configurationOverrides", {"monitoringConfiguration": []}, "configurationOverrides.monitoringConfiguration"),
    ("tags", [], "tags"),
    ("tags", {"k": None}, "tags.k"),
    ("executionTimeoutMinutes", "10", "executionTimeoutMinutes"),
    ("executionTimeoutMinutes", 1.5, "executionTimeoutMinutes"),
    ("name", 1, "name"),
    ("mode", 1, "mode"),
    ("retryPolicy", 1, "retryPolicy"),
    ("retryPolicy", {"maxAttempts": "3"}, "retryPolicy.maxAttempts"),
]:
    suffix = re.sub(r"[.\[\]]+", "_", path).strip("_")
    emr(C, f"startjobrun_{suffix}_{type(value).__name__}", "POST", "/applications/@APP@/jobruns",
        run_body("cat-rt", **{member: value}), 400, SER, msg=f"'{path}'")
emr(C, "startjobrun_empty_union", "POST", "/applications/@APP@/jobruns", run_body("cat-u0", jobDriver={}), 400, VAL,
    msg="jobDriver")
emr(C, "startjobrun_two_union_members", "POST", "/applications/@APP@/jobruns",
    run_body("cat-u2", jobDriver={"sparkSubmit": {"entryPoint": "x"}, "hive": {"query": "q"}}), 400, VAL,
    msg="jobDriver")
emr(C, "updateapp_maximum_capacity_cpu_number", "PATCH", "/applications/@APP@",
    json.dumps({"clientToken": "cat-up", "maximumCapacity": {"cpu": 1}}), 400, SER, msg="'maximumCapacity.cpu'")

for body, path in [
    ({"LookupAttributes": 1}, "LookupAttributes"),
    ({"LookupAttributes": {}}, "LookupAttributes"),
    ({"LookupAttributes": [1]}, "LookupAttributes[0]"),
    ({"LookupAttributes": [{"AttributeKey": 1, "AttributeValue": "x"}]}, "LookupAttributes[0].AttributeKey"),
    ({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": 1}]},
     "LookupAttributes[0].AttributeValue"),
    ({"StartTime": "x"}, "StartTime"),
    ({"StartTime": []}, "StartTime"),
    ({"EndTime": True}, "EndTime"),
    ({"MaxResults": "5"}, "MaxResults"),
    ({"MaxResults": 1.5}, "MaxResults"),
    ({"MaxResults": {}}, "MaxResults"),
    ({"NextToken": 1}, "NextToken"),
    ({"NextToken": []}, "NextToken"),
    ({"EventCategory": 1}, "EventCategory"),
]:
    key = next(iter(body))
    suffix = re.sub(r"[.\[\]]+", "_", path).strip("_")
    ct(C, f"lookup_{suffix}_{type(body[key]).__name__}_{len(json.dumps(body))}", json.dumps(body), 400, SER,
       msg=f"'{path}'")
ILA = "InvalidLookupAttributesException"
ct(C, "lookup_unknown_attribute_key", lookup("Bogus", "x"), 400, ILA)
ct(C, "lookup_null_attribute_value", '{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":null}]}',
   400, ILA)
ct(C, "lookup_missing_attribute_value", '{"LookupAttributes":[{"AttributeKey":"EventName"}]}', 400, ILA)
ct(C, "lookup_two_attributes", json.dumps({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "a"},
                                                                {"AttributeKey": "EventName", "AttributeValue": "b"}]}),
   400, ILA)
ct(C, "lookup_empty_attribute_value", lookup("EventName", ""), 400, ILA)
ct(C, "lookup_attribute_value_too_long", lookup("EventName", "a" * 2001), 400, ILA)
ct(C, "lookup_readonly_not_boolean", lookup("ReadOnly", "maybe"), 400, ILA)
ct(C, "lookup_start_after_end", '{"StartTime":2000,"EndTime":1000}', 400, "InvalidTimeRangeException")
ct(C, "lookup_garbage_next_token", '{"NextToken":"garbage"}', 400, "InvalidNextTokenException")
ct(C, "lookup_bogus_event_category", '{"EventCategory":"bogus"}', 400, "InvalidEventCategoryException")
ct(C, "lookup_insight_category", '{"EventCategory":"insight"}', 200)
ct(C, "lookup_unknown_member_ignored", '{"Unknown":{"x":1}}', 200)
ct(C, "lookup_null_members_are_absent", '{"LookupAttributes":null,"MaxResults":null}', 200)

# ============================================================================================
# 4. Invalid UTF-8 and NUL bytes (names, tags, query strings, headers)
# ============================================================================================
C = "utf8_nul"


def _app_raw(token, fragment):
    return b'{"releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"' + token + b'",' + fragment + b"}"


emr(C, "create_name_escaped_nul", "POST", "/applications", _app_raw(b"cat-n1", b'"name":"a\\u0000b"'), 400, VAL,
    msg="'name'")
emr(C, "create_name_raw_nul", "POST", "/applications", _app_raw(b"cat-n2", b'"name":"a\x00b"'), 400, SER)
emr(C, "create_name_invalid_byte", "POST", "/applications", _app_raw(b"cat-n3", b'"name":"a\xffb"'), 400, SER)
emr(C, "create_name_lone_high_surrogate", "POST", "/applications", _app_raw(b"cat-n4", b'"name":"a\\ud800b"'),
    400, SER)
emr(C, "create_tag_lone_low_surrogate", "POST", "/applications", _app_raw(b"cat-n5", b'"tags":{"k":"\\udc00"}'),
    400, SER)
emr(C, "create_tag_truncated_sequence", "POST", "/applications", _app_raw(b"cat-n6", b'"tags":{"k":"\xc3\x28"}'),
    400, SER)
emr(C, "create_tag_encoded_surrogate", "POST", "/applications", _app_raw(b"cat-n7", b'"tags":{"k":"\xed\xa0\x80"}'),
    400, SER)
emr(C, "create_tag_above_u10ffff", "POST", "/applications", _app_raw(b"cat-n8", b'"tags":{"k":"\xf4\x90\x80\x80"}'),
    400, SER)
emr(C, "create_tag_overlong_slash", "POST", "/applications", _app_raw(b"cat-n9", b'"tags":{"k":"\xc0\xaf"}'),
    400, SER)
emr(C, "create_tag_value_escaped_nul", "POST", "/applications", _app_raw(b"cat-n10", b'"tags":{"k":"a\\u0000b"}'),
    400, VAL, msg="tags")
emr(C, "create_tag_key_escaped_nul", "POST", "/applications", _app_raw(b"cat-n11", b'"tags":{"k\\u0000":"v"}'),
    400, VAL, msg="tags")
emr(C, "create_tag_value_non_ascii", "POST", "/applications", app_body("cat-n12", tags={"k": "caf\u00e9"}), 400, VAL,
    msg="tags")
emr(C, "tagresource_value_escaped_nul", "POST", "/tags/@APPARN@", b'{"tags":{"k":"a\\u0000"}}', 400, VAL)
emr(C, "tagresource_value_invalid_byte", "POST", "/tags/@APPARN@", b'{"tags":{"k":"\xfe"}}', 400, SER)


def _run_name_roundtrip(expected):
    def check(t, ex):
        run_id = ex.resp.json()["jobRunId"]
        status, _, body = t.server.request("GET", f"/applications/{t.app}/jobruns/{run_id}")
        t.assertEqual(status, 200, body)
        t.assertEqual(strict_json(body)["jobRun"]["name"], expected)
        t.assertEqual(t.new_records[0]["requestParameters"]["name"], expected)
    return check


emr(C, "startjobrun_name_with_nul_is_stored_as_valid_json", "POST", "/applications/@APP@/jobruns",
    b'{"clientToken":"cat-nulrun","executionRoleArn":"' + ROLE.encode() +
    b'","jobDriver":{"sparkSubmit":{"entryPoint":"x"}},"name":"a\\u0000b\\u0001\\u001f"}', 200,
    check=_run_name_roundtrip("a\x00b\x01\x1f"))
emr(C, "startjobrun_name_astral_plane", "POST", "/applications/@APP@/jobruns",
    run_body("cat-emoji", name="caf\u00e9 \U0001F600 \u202e"), 200,
    check=_run_name_roundtrip("caf\u00e9 \U0001F600 \u202e"))
emr(C, "startjobrun_name_lone_surrogate", "POST", "/applications/@APP@/jobruns",
    b'{"clientToken":"cat-sur","executionRoleArn":"' + ROLE.encode() +
    b'","jobDriver":{"sparkSubmit":{"entryPoint":"x"}},"name":"\\ud83d"}', 400, SER)
emr(C, "getapp_label_invalid_utf8_and_nul", "GET", "/applications/%ff%fe%00", None, 400, VAL)
raw(C, "request_target_raw_nul_byte", build_request("GET", b"/applications/a\x00b"), 400, "BadRequestException")
emr(C, "list_next_token_invalid_utf8", "GET", "/applications?nextToken=%ff%fe", None, 400, VAL, msg="nextToken")
emr(C, "list_next_token_raw_invalid_byte", "GET", b"/applications?nextToken=\xff", None, 400, VAL, msg="nextToken")
emr(C, "list_next_token_nul", "GET", "/applications?nextToken=a%00b", None, 400, VAL, msg="nextToken")
emr(C, "list_states_nul", "GET", "/applications?states=%00", None, 400, VAL, msg="states")
emr(C, "list_states_trailing_nul", "GET", "/applications?states=CREATED%00", None, 400, VAL, msg="states")
emr(C, "list_max_results_nul", "GET", "/applications?maxResults=%00", None, 400, VAL, msg="maxResults")
emr(C, "list_unknown_param_invalid_utf8_ignored", "GET", "/applications?%ff=%fe", None, 200)
emr(C, "listjobruns_mode_nul", "GET", "/applications/@APP@/jobruns?mode=%00", None, 400, VAL, msg="mode")
emr(C, "getjobrun_attempt_nul", "GET", "/applications/@APP@/jobruns/@RUN@?attempt=%00", None, 400, VAL, msg="attempt")
emr(C, "untag_key_nul", "DELETE", "/tags/@APPARN@?tagKeys=%00", None, 400, VAL, msg="tagKeys")
emr(C, "untag_key_invalid_utf8", "DELETE", "/tags/@APPARN@?tagKeys=%ff", None, 400, VAL, msg="tagKeys")
ct(C, "lookup_value_escaped_nul_matches_nothing", lookup("Username", "trailbox\u0000junk"), 200, check=no_events)
ct(C, "lookup_value_eventname_nul_suffix", lookup("EventName", "CreateApplication\u0000"), 200, check=no_events)
ct(C, "lookup_value_invalid_byte", b'{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"a\xffb"}]}',
   400, SER)
ct(C, "lookup_value_lone_surrogate", lookup("EventName", "x").replace('"x"', '"\\ud800"'), 400, SER)
ct(C, "lookup_key_escaped_nul", lookup("Event\u0000Name", "x"), 400, ILA)
admin(C, "admin_filter_nul_matches_nothing", "GET", "/_trailbox/events/count?username=trailbox%00junk",
      check=zero_count)
admin(C, "admin_filter_invalid_utf8", "GET", "/_trailbox/events/count?eventName=%ff", check=zero_count)
admin(C, "admin_where_nul", "GET", "/_trailbox/events/count?where=requestParameters.clientToken%3D%00",
      check=zero_count)
emr(C, "user_agent_invalid_utf8_recorded_as_valid_json", "GET", "/applications", None, 200,
    headers=[("User-Agent", b'bad\xff\xfe"\\ agent')],
    check=lambda t, ex: t.assertTrue(t.new_records[0]["userAgent"].startswith("bad")))
raw(C, "header_value_control_char", build_request("GET", "/applications", [("User-Agent", b"a\x01b")]), 400,
    "BadRequestException")
raw(C, "header_value_nul", build_request("GET", "/applications", [("X-Nul", b"a\x00b")]), 400, "BadRequestException")
emr(C, "security_token_invalid_utf8", "GET", "/applications", None, 200,
    headers=[("Authorization", SIGNED.format(key="ASIACATALOGUE0001")), ("X-Amz-Security-Token", b"\xff\xfe")])

# ============================================================================================
# 5. Extreme numbers
# ============================================================================================
C = "numbers"
for label, value in [("1e400", "1e400"), ("minus_1", "-1"), ("zero", "0"), ("51", "51"), ("2_pow_64", str(2 ** 64)),
                     ("huge", "9" * 40), ("empty", ""), ("hex", "0x10"), ("float", "5.0"), ("text", "abc"),
                     ("plus_sign_is_space", "+5")]:
    emr(C, f"list_max_results_{label}", "GET", f"/applications?maxResults={value}", None, 400, VAL, msg="maxResults")
emr(C, "list_max_results_50", "GET", "/applications?maxResults=50", None, 200)
emr(C, "listjobruns_max_results_1e400", "GET", "/applications/@APP@/jobruns?maxResults=1e400", None, 400, VAL)
emr(C, "listjobruns_created_after_1e400", "GET", "/applications/@APP@/jobruns?createdAtAfter=1e400", None, 400, VAL)
emr(C, "listjobruns_created_after_year_99999", "GET",
    "/applications/@APP@/jobruns?createdAtAfter=99999-01-01T00:00:00Z", None, 400, VAL)
emr(C, "listjobruns_created_after_impossible_date", "GET",
    "/applications/@APP@/jobruns?createdAtAfter=2026-13-45T99:99:99Z", None, 400, VAL)
emr(C, "getjobrun_attempt_2_pow_63", "GET", f"/applications/@APP@/jobruns/@RUN@?attempt={2 ** 63}", None, 400, VAL)
emr(C, "getjobrun_attempt_zero", "GET", "/applications/@APP@/jobruns/@RUN@?attempt=0", None, 400, VAL)
for label, value, code in [("1e400", "1e400", SER), ("minus_1", "-1", VAL), ("2_pow_64", str(2 ** 64), SER),
                           ("2_pow_63", str(2 ** 63), VAL), ("2_pow_63_minus_1", str(2 ** 63 - 1), VAL),
                           ("1000001", "1000001", VAL), ("exponent_form_too_big", "1E7", VAL)]:
    body = run_body("cat-num").replace('"clientToken"', f'"executionTimeoutMinutes":{value},"clientToken"')
    # Beyond the Long range either "not a Long" (SerializationException) or "too large" is fine.
    emr(C, f"startjobrun_timeout_{label}", "POST", "/applications/@APP@/jobruns", body, 400, code,
        also=[(400, SER)] if label == "2_pow_63" else ())
for label, value, code in [("1e400", "1e400", SER), ("2_pow_31", str(2 ** 31), SER), ("2_pow_64", str(2 ** 64), SER),
                           ("zero", "0", VAL), ("10081", "10081", VAL)]:
    body = app_body("cat-idle").replace('"clientToken"',
                                        f'"autoStopConfiguration":{{"enabled":true,"idleTimeoutMinutes":{value}}},'
                                        '"clientToken"')
    emr(C, f"create_idle_timeout_{label}", "POST", "/applications", body, 400, code)
IMR = "InvalidMaxResultsException"
for label, value, code in [("1e400", "1e400", SER), ("minus_1", "-1", IMR), ("zero", "0", IMR),
                           ("minus_zero", "-0", IMR), ("51", "51", IMR), ("1e2", "1e2", IMR),
                           ("2_pow_31", str(2 ** 31), SER), ("2_pow_64", str(2 ** 64), SER),
                           ("2_pow_63_minus_1", str(2 ** 63 - 1), SER), ("min_int64", str(-2 ** 63), SER),
                           ("huge", "9" * 40, SER)]:
    ct(C, f"lookup_max_results_{label}", f'{{"MaxResults":{value}}}', 400, code)
ct(C, "lookup_max_results_50", '{"MaxResults":50}', 200)
ct(C, "lookup_start_time_minus_1_is_clamped", '{"StartTime":-1}', 200)
ct(C, "lookup_start_time_1e400", '{"StartTime":1e400}', 400, SER)
ct(C, "lookup_start_time_denormal", '{"StartTime":5e-324}', 200)
admin(C, "admin_limit_huge", "GET", "/_trailbox/events?limit=99999999999999999999", None, 400, VAL)
admin(C, "admin_limit_zero", "GET", "/_trailbox/events?limit=0", None, 400, VAL)
admin(C, "admin_after_max_int64", "GET", f"/_trailbox/events?after={2 ** 63 - 1}", check=no_records)
admin(C, "admin_start_time_1e400", "GET", "/_trailbox/events?startTime=1e400", None, 400, VAL)
admin(C, "admin_clock_1e300_seconds", "POST", "/_trailbox/clock", '{"seconds":1e300}', 400, VAL)
admin(C, "admin_clock_1e400_seconds", "POST", "/_trailbox/clock", '{"seconds":1e400}', 400, SER)
admin(C, "admin_clock_negative", "POST", "/_trailbox/clock", '{"seconds":-5}', 400, VAL)
admin(C, "admin_clock_max_int64_ms", "POST", "/_trailbox/clock", f'{{"ms":{2 ** 63 - 1}}}', 400, VAL)

# ============================================================================================
# 6. Deeply nested JSON (trailbox refuses more than 64 levels before parsing)
# ============================================================================================
C = "nesting"


def nested(depth):
    return '{"a":' * depth + "1" + "}" * depth


emr(C, "create_tags_depth_64_total", "POST", "/applications",
    app_body("cat-d").replace('"clientToken"', '"tags":' + nested(63) + ',"clientToken"'), 400, SER, msg="'tags.a'")
emr(C, "create_tags_depth_65_total", "POST", "/applications",
    app_body("cat-d").replace('"clientToken"', '"tags":' + nested(64) + ',"clientToken"'), 400, SER, msg="64 levels")
emr(C, "create_depth_1000", "POST", "/applications",
    app_body("cat-d").replace('"clientToken"', '"tags":' + nested(1000) + ',"clientToken"'), 400, SER, msg="64")
emr(C, "create_array_depth_30000", "POST", "/applications", "[" * 30000 + "]" * 30000, 400, SER)
emr(C, "create_unknown_member_depth_100", "POST", "/applications",
    app_body("cat-d", unknown=json.loads("[" * 100 + "]" * 100)), 400, SER)
emr(C, "create_unbalanced_open_30000", "POST", "/applications", "{" * 30000, 400, SER)
emr(C, "startjobrun_brackets_inside_string_are_not_nesting", "POST", "/applications/@APP@/jobruns",
    run_body("cat-brackets", name="[" * 150 + "{" * 100), 200)
ct(C, "lookup_array_depth_64_top_level", "[" * 64 + "]" * 64, 400, SER, msg="JSON object")
ct(C, "lookup_array_depth_20000", "[" * 20000 + "]" * 20000, 400, SER)
ct(C, "lookup_member_depth_1000", '{"LookupAttributes":' + "[" * 1000 + "]" * 1000 + "}", 400, SER)
ct(C, "lookup_escaped_quote_then_brackets", lookup("EventName", '\\"' + "[" * 500), 200, check=no_events)

# ============================================================================================
# 7. Duplicate keys (last one wins, consistently for the action and the record)
# ============================================================================================
C = "duplicate_keys"


def _dup_name_check(t, ex):
    t.assertEqual(ex.resp.json()["name"], "second")
    t.assertEqual(t.new_records[0]["requestParameters"]["name"], "second")
    t.assertEqual(t.new_records[0]["responseElements"]["name"], "second")


emr(C, "create_duplicate_name", "POST", "/applications",
    '{"releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"cat-dup1","name":"first","name":"second"}', 200,
    check=_dup_name_check)
emr(C, "create_duplicate_name_number_then_string", "POST", "/applications",
    '{"releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"cat-dup2","name":1,"name":"ok"}', 200,
    check=recorded_param("name", "ok"))
emr(C, "create_duplicate_name_string_then_number", "POST", "/applications",
    '{"releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"cat-dup3","name":"ok","name":1}', 400, SER)
emr(C, "create_duplicate_client_token", "POST", "/applications",
    '{"clientToken":"cat-dup4a","releaseLabel":"emr-7.1.0","type":"SPARK","clientToken":"cat-dup4b"}', 200,
    check=recorded_param("clientToken", "cat-dup4b"))
ct(C, "lookup_duplicate_max_results", '{"MaxResults":1,"MaxResults":3}', 200,
   check=lambda t, ex: t.assertEqual(len(ex.resp.json()["Events"]), 3))
ct(C, "lookup_duplicate_attribute_key_last_valid",
   '{"LookupAttributes":[{"AttributeKey":"Bogus","AttributeValue":"x","AttributeKey":"EventName"}]}', 200)
ct(C, "lookup_duplicate_attribute_key_last_bogus",
   '{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"x","AttributeKey":"Bogus"}]}', 400, ILA)
emr(C, "list_duplicate_max_results_query", "GET", "/applications?maxResults=5&maxResults=6", None, 200)

# ============================================================================================
# 8. Oversize headers, URLs and bodies
# ============================================================================================
C = "oversize"
RHF = "RequestHeaderFieldsTooLarge"
RETL = "RequestEntityTooLargeException"
raw(C, "header_value_9000", build_request("GET", "/applications", [("X-Big", "a" * 9000)]), 431, RHF)
raw(C, "header_count_2000", build_request("GET", "/applications", [(f"X-H{i}", "v") for i in range(2000)]), 431, RHF)
raw(C, "header_name_9000", build_request("GET", "/applications", [("X-" + "n" * 9000, "v")]), 431, RHF)
raw(C, "url_path_20000", build_request("GET", "/applications/" + "a" * 20000), 431, RHF)
raw(C, "url_query_12000", build_request("GET", "/applications?" + "a=b&" * 3000), 431, RHF)
emr(C, "url_path_label_7000_under_limit", "GET", "/applications/" + "a" * 7000, None, 400, VAL, msg="applicationId")
raw(C, "body_70000_content_length", build_request("POST", "/applications", [("Content-Type", "application/json")],
                                                  "a" * 70000), 413, RETL)
raw(C, "body_limit_plus_one", build_request("POST", "/applications", [],
                                            app_body("cat-lim2")[:-1] + " " * (MAX_BODY + 1 - len(app_body("cat-lim2")))
                                            + "}"), 413, RETL)
emr(C, "body_exactly_at_limit", "POST", "/applications",
    app_body("cat-lim1")[:-1] + " " * (MAX_BODY - len(app_body("cat-lim1"))) + "}", 200)
raw(C, "body_announced_too_large_expect_continue",
    build_request("POST", "/applications", [("Content-Length", "100000"), ("Expect", "100-continue")]), 413, RETL)
raw(C, "body_chunked_over_limit", build_request(
    "POST", "/applications", [("Transfer-Encoding", "chunked")],
    (b"10000\r\n" + b"a" * 0x10000 + b"\r\n") * 2 + b"0\r\n\r\n"), 413, RETL)
raw(C, "lookup_body_70000", build_request("POST", "/", [("X-Amz-Target", LOOKUP)],
                                          '{"x":"' + "a" * 70000 + '"}'), 413, RETL, proto="ct")
raw(C, "content_length_20_digits", build_request("POST", "/applications", [("Content-Length", "9" * 20)], "{}"),
    400, "BadRequestException")

# ============================================================================================
# 9. Content-Length / Transfer-Encoding framing and chunked bodies
# ============================================================================================
C = "framing"
BRE = "BadRequestException"
VALID = app_body("cat-chunk1").encode()


def chunked(*parts, ext=b"", trailer=b""):
    return b"".join(b"%x%s\r\n%s\r\n" % (len(p), ext, p) for p in parts) + b"0\r\n" + trailer + b"\r\n"


raw(C, "content_length_and_chunked", build_request("POST", "/applications",
                                                   [("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
                                                   b"0\r\n\r\n"), 400, BRE)
raw(C, "chunked_and_content_length", build_request("POST", "/applications",
                                                   [("Transfer-Encoding", "chunked"), ("Content-Length", "5")],
                                                   b"0\r\n\r\n"), 400, BRE)
raw(C, "content_length_conflicting", build_request("POST", "/applications",
                                                   [("Content-Length", "5"), ("Content-Length", "6")], b"{}"), 400, BRE)
raw(C, "content_length_list", build_request("POST", "/applications", [("Content-Length", "1,2")], b"{}"), 400, BRE)
raw(C, "content_length_negative", build_request("POST", "/applications", [("Content-Length", "-1")], b"{}"), 400, BRE)
raw(C, "content_length_plus_sign", build_request("POST", "/applications", [("Content-Length", "+2")], b"{}"), 400, BRE)
raw(C, "content_length_text", build_request("POST", "/applications", [("Content-Length", "abc")], b"{}"), 400, BRE)
raw(C, "content_length_duplicate_equal", build_request("POST", "/applications",
                                                       [("Content-Length", "2"), ("Content-Length", "2")], b"{}"),
    400, VAL, events=1, proto="emr")
raw(C, "chunked_twice", build_request("POST", "/applications",
                                      [("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")],
                                      chunked(b"{}")), 400, BRE)
raw(C, "te_gzip_then_chunked_not_decoded", build_request("POST", "/applications",
                                                         [("Transfer-Encoding", "gzip, chunked")], chunked(b"{}")),
    400, ANY, also=[(501, ANY)], events=None)
raw(C, "chunked_two_chunks", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                           chunked(VALID[:30], VALID[30:])), 200, events=1, proto="emr")
raw(C, "chunked_one_byte_chunks", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                                chunked(*[bytes([c]) for c in app_body("cat-chunk2").encode()])),
    200, events=1, proto="emr")
raw(C, "chunked_extension_and_trailer", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                                      chunked(app_body("cat-chunk3").encode(), ext=b";name=value",
                                                              trailer=b"X-Trailer: t\r\n")),
    200, events=1, proto="emr")
raw(C, "chunked_uppercase_hex_size", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                                   b"%X\r\n" % len(app_body("cat-chunk4")) +
                                                   app_body("cat-chunk4").encode() + b"\r\n0\r\n\r\n"),
    200, events=1, proto="emr")
raw(C, "chunked_coding_case_insensitive", build_request("POST", "/applications", [("Transfer-Encoding", "Chunked")],
                                                        chunked(app_body("cat-chunk5").encode())),
    200, events=1, proto="emr")
raw(C, "chunked_empty_body", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                           b"0\r\n\r\n"), 400, VAL, events=1, proto="emr")
raw(C, "chunked_lookup_events", build_request("POST", "/", [("X-Amz-Target", LOOKUP), ("Transfer-Encoding", "chunked")],
                                              chunked(b'{"MaxRe', b'sults":2}')), 200, events=1, proto="ct")
raw(C, "chunked_bad_size", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                         b"zz\r\n{}\r\n0\r\n\r\n"), 400, BRE)
raw(C, "chunked_negative_size", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                              b"-2\r\n{}\r\n0\r\n\r\n"), 400, BRE)
raw(C, "chunked_size_mismatch", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                              b"5\r\n{}\r\n0\r\n\r\n"), 400, BRE)
raw(C, "chunked_missing_crlf_after_data", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                                        b"2\r\n{}0\r\n\r\n"), 400, BRE)
raw(C, "chunked_size_overflows", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                               b"FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"), 400, BRE,
    also=[(413, RETL)])
raw(C, "chunked_never_finished_times_out", build_request("POST", "/applications", [("Transfer-Encoding", "chunked")],
                                                         b"2\r\n{}"), 408, "RequestTimeoutException")
raw(C, "content_length_body_never_finished_times_out",
    build_request("POST", "/applications", [("Content-Length", "100")], b'{"rel'), 408, "RequestTimeoutException")
raw(C, "expect_continue_small_body", build_request("POST", "/applications",
                                                   [("Expect", "100-continue"), ("Content-Type", "application/json")],
                                                   app_body("cat-expect")), 200, events=1, proto="emr")

# ============================================================================================
# 10. Unknown methods, paths and malformed request lines
# ============================================================================================
C = "methods_paths"
UOE = "UnknownOperationException"
for method, path in [("BREW", "/applications"), ("get", "/applications"), ("OPTIONS", "/applications"),
                     ("PATCH", "/applications"), ("DELETE", "/applications"), ("PUT", "/applications/@APP@"),
                     ("POST", "/applications/@APP@/jobruns/@RUN@"), ("GET", "/applications/@APP@/bogus"),
                     ("GET", "/does/not/exist"), ("GET", "/applications/@APP@/jobruns/@RUN@/attempts/1"),
                     ("DELETE", "/applications/@APP@/jobruns")]:
    emr(C, f"{method}_{path}".lower().replace("/", "_").replace("@", ""), method, path, None, 404, UOE, events=0)
for method, path in [("TRACE", "/"), ("PUT", "/"), ("GET", "/"), ("CONNECT", "trailbox.test:443"),
                     ("GET", "/./applications"), ("GET", "//applications"), ("GET", "/applications#frag")]:
    admin(C, f"{method}_{path}".lower().replace("/", "_").replace(".", "dot"), method, path, None, 404, UOE)
admin(C, "admin_unknown_endpoint", "GET", "/_trailbox/nope", None, 404, UOE)
admin(C, "admin_reset_with_get", "GET", "/_trailbox/reset", None, 404, UOE)
admin(C, "admin_health_with_delete", "DELETE", "/_trailbox/health", None, 404, UOE)
ct(C, "post_root_without_target", "{}", 400, UOE, events=0, target=None)
raw(C, "http_2_0_version", b"GET /applications HTTP/2.0\r\nHost: x\r\n\r\n", 400, BRE)
raw(C, "http_0_9_request", b"GET /applications\r\n\r\n", 400, BRE)
raw(C, "garbage_request_line", b"GARBAGE\r\n\r\n", 400, BRE)
raw(C, "binary_request_line", b"\x00\x01\x02\xff\r\n\r\n", 400, BRE)
raw(C, "tls_client_hello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 64, 400, BRE)
raw(C, "bare_lf_line_endings", b"GET /applications HTTP/1.1\nHost: x\nConnection: close\n\n", 400, BRE)
raw(C, "header_without_colon", b"GET /applications HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400, BRE)
raw(C, "space_in_request_target", b"GET /appli cations HTTP/1.1\r\nHost: x\r\n\r\n", 400, BRE)
raw(C, "http_1_0_without_host", b"GET /applications HTTP/1.0\r\n\r\n", 200, events=1, proto="emr")

# ============================================================================================
# 11. Path traversal and encoded separators
# ============================================================================================
C = "traversal"
for name, method, path, status, code, events in [
    ("app_dotdot_segment", "GET", "/applications/../applications/@APP@", 404, UOE, 0),
    ("app_trailing_dotdot", "GET", "/applications/@APP@/..", 404, UOE, 0),
    ("app_encoded_dotdot_segment", "GET", "/applications/%2E%2E/@APP@", 404, UOE, 0),
    ("app_encoded_slash", "GET", "/applications/@APP@%2Fjobruns", 400, VAL, 1),
    ("app_encoded_slash_to_run", "GET", "/applications/@APP@%2fjobruns%2f@RUN@", 400, VAL, 1),
    ("app_encoded_traversal_to_admin_reset", "GET", "/applications/..%2F..%2F_trailbox%2Freset", 400, VAL, 1),
    ("app_encoded_traversal_lowercase", "GET", "/applications/%2e%2e%2f%2e%2e%2f_trailbox%2fhealth", 400, VAL, 1),
    ("app_double_slash", "GET", "/applications//@APP@", 404, UOE, 0),
    ("app_trailing_slash", "GET", "/applications/@APP@/", 404, UOE, 0),
    ("app_semicolon_parameter", "GET", "/applications/@APP@%3Bx", 400, VAL, 1),
    ("app_lone_percent", "GET", "/applications/%", 400, VAL, 1),
    ("app_bad_percent_escape", "GET", "/applications/%zz", 400, VAL, 1),
    ("app_truncated_percent_escape", "GET", "/applications/%2", 400, VAL, 1),
    ("app_etc_passwd", "GET", "/applications/../../../../etc/passwd", 404, UOE, 0),
    ("run_trailing_dotdot", "GET", "/applications/@APP@/jobruns/@RUN@/..", 404, UOE, 0),
    ("run_encoded_dotdot_slash", "GET", "/applications/@APP@/jobruns/..%2F@RUN@", 400, VAL, 1),
    ("run_encoded_dotdot", "GET", "/applications/@APP@/jobruns/%2E%2E", 400, VAL, 1),
    ("run_trailing_nul", "GET", "/applications/@APP@/jobruns/@RUN@%00", 400, VAL, 1),
    ("cancel_run_encoded_traversal", "DELETE", "/applications/@APP@/jobruns/..%2F..%2F@APP@", 400, VAL, 1),
    ("startjobrun_encoded_traversal_app", "POST", "/applications/..%2F@APP@/jobruns", 400, VAL, 1),
    ("delete_app_encoded_traversal", "DELETE", "/applications/..%2F..%2F_trailbox", 400, VAL, 1),
    ("post_app_encoded_traversal_reset", "POST", "/applications/..%2F_trailbox%2Freset", 404, UOE, 0),
    ("tags_arn_encoded", "GET", "/tags/@APPARN@", 200, None, 1),
    ("tags_run_arn_encoded", "GET", "/tags/@RUNARN@", 200, None, 1),
    ("tags_arn_unencoded", "GET", f"/tags/arn:aws:emr-serverless:us-east-1:{ACCOUNT}:/applications/@APP@", 404, UOE, 0),
    ("tags_arn_slashes_unencoded", "GET", f"/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A{ACCOUNT}%3A/applications/@APP@",
     404, UOE, 0),
    ("tags_arn_dotdot", "GET", "/tags/@APPARN@%2F..%2F..", 400, VAL, 1),
    ("tags_run_arn_dotdot", "GET", "/tags/@APPARN@%2Fjobruns%2F..%2Fjobruns%2F@RUN@", 400, VAL, 1),
    ("tags_etc_passwd", "GET", "/tags/..%2F..%2Fetc%2Fpasswd", 400, VAL, 1),
    ("tags_arn_trailing_nul", "GET", "/tags/@APPARN@%00", 400, VAL, 1),
    ("tags_empty_label", "GET", "/tags/", 404, UOE, 0),
    ("tags_no_label", "GET", "/tags", 404, UOE, 0),
    ("untag_arn_dotdot", "DELETE", "/tags/@APPARN@%2F..?tagKeys=a", 400, VAL, 1),
]:
    emr(C, name, method, path, None, status, code, events, check=not_found_anything if status != 200 else None)
emr(C, "tagresource_arn_dotdot", "POST", "/tags/@APPARN@%2F..%2F..", '{"tags":{"k":"v"}}', 400, VAL)
for name, method, path, code in [
    ("admin_dotdot_to_api", "GET", "/_trailbox/../applications", UOE),
    ("admin_encoded_dotdot_to_api", "GET", "/_trailbox/%2E%2E/applications", UOE),
    ("admin_encoded_slash", "GET", "/_trailbox%2Fhealth", UOE),
    ("admin_events_encoded_slash", "GET", "/_trailbox/events%2Fcount", UOE),
    ("admin_dot_segment", "GET", "/_trailbox/./health", UOE),
    ("admin_double_slash", "GET", "/_trailbox//health", UOE),
    ("admin_trailing_dotdot", "GET", "/_trailbox/health/..", UOE),
    ("admin_events_dotdot_reset", "GET", "/_trailbox/events/../reset", UOE),
    ("admin_ui_traversal", "GET", "/_trailbox/ui/../../etc/passwd", UOE),
    ("admin_ui_encoded_traversal", "GET", "/_trailbox/ui/..%2F..%2Fetc%2Fpasswd", UOE),
    ("admin_ui_encoded_dots", "GET", "/_trailbox/ui/%2e%2e/%2e%2e/etc/passwd", UOE),
    ("admin_dashboard_traversal", "GET", "/_trailbox/dashboard/../../etc/passwd", "ResourceNotFoundException"),
    ("admin_dashboard_encoded_traversal", "GET", "/_trailbox/dashboard/applications/..%2F..%2Fetc/jobruns/x",
     "ResourceNotFoundException"),
    ("admin_dashboard_sql_ids", "GET", "/_trailbox/dashboard/applications/x'--/jobruns/y'%20OR%201=1",
     "ResourceNotFoundException"),
    ("admin_reset_encoded_traversal", "POST", "/_trailbox/%2E%2E/_trailbox/reset", UOE),
    ("admin_reset_dot_segment", "POST", "/_trailbox/./reset", UOE),
    ("admin_reset_trailing_nul", "POST", "/_trailbox/reset%00", UOE),
    ("admin_reset_upper_case", "POST", "/_trailbox/RESET", UOE),
    ("admin_reset_trailing_dotdot", "POST", "/_trailbox/reset/..", UOE),
]:
    admin(C, name, method, path, "" if method == "POST" else None, 404, code, check=not_found_anything)

# ============================================================================================
# 12. SQL metacharacters: rejected by the model where a pattern applies, otherwise stored and
#     matched literally (never as SQL or LIKE patterns)
# ============================================================================================
C = "sql"
emr(C, "create_name_sql", "POST", "/applications", app_body("cat-sql1", name=SQL), 400, VAL, msg="'name'")
emr(C, "create_name_semicolon", "POST", "/applications", app_body("cat-sql2", name="a;DROP"), 400, VAL, msg="'name'")
emr(C, "create_release_label_sql", "POST", "/applications", app_body("cat-sql3", releaseLabel="emr-7.1.0" + SQL),
    400, VAL, msg="releaseLabel")
emr(C, "create_type_sql", "POST", "/applications", app_body("cat-sql4", type="SPARK" + SQL), 400, VAL)
emr(C, "create_client_token_sql", "POST", "/applications", app_body("x" + SQL), 400, VAL, msg="clientToken")
emr(C, "create_tag_key_sql", "POST", "/applications", app_body("cat-sql5", tags={SQL: "v"}), 400, VAL, msg="tags")
emr(C, "create_tag_value_sql_quote", "POST", "/applications", app_body("cat-sql6", tags={"k": SQL}), 400, VAL,
    msg="tags")
SQLISH_TAG = "x = 1 -- OR 1=1 _ @a:b+c/d"


def _sqlish_tag_check(t, ex):
    app_id = ex.resp.json()["applicationId"]
    status, _, body = t.server.request("GET", f"/applications/{app_id}")
    t.assertEqual(strict_json(body)["application"]["tags"], {"q": SQLISH_TAG})
    t.assertEqual(t.admin_count(f"where=requestParameters.tags.q={q(SQLISH_TAG)}&eventName=CreateApplication"), 1)
    t.assertEqual(t.admin_count(f"where=requestParameters.tags.q={q('x = 1 -- OR 1=1 %')}"), 0)


emr(C, "create_tag_value_sqlish_allowed_chars", "POST", "/applications", app_body("cat-sql7", tags={"q": SQLISH_TAG}),
    200, check=_sqlish_tag_check)
emr(C, "tagresource_sqlish_value_literal", "POST", "/tags/@RUNARN@", json.dumps({"tags": {"s": "1=1 -- _"}}), 200,
    check=lambda t, ex: t.assertEqual(
        strict_json(t.server.request("GET", f"/tags/{t.subst('@RUNARN@')}")[2])["tags"].get("s"), "1=1 -- _"))
emr(C, "untag_key_sql", "DELETE", f"/tags/@APPARN@?tagKeys={q(SQL)}", None, 400, VAL, msg="tagKeys")
SQL_RUN_NAME = "'; DROP TABLE events; -- \" OR 1=1 /*"


def _sql_run_check(t, ex):
    _run_name_roundtrip(SQL_RUN_NAME)(t, ex)
    t.assertEqual(t.admin_count(f"where=requestParameters.name={q(SQL_RUN_NAME)}&eventName=StartJobRun"), 1)
    t.assertEqual(t.admin_count(f"where=requestParameters.name={q(SQL_RUN_NAME[:-3])}"), 0)


emr(C, "startjobrun_name_sql_stored_literally", "POST", "/applications/@APP@/jobruns",
    run_body("cat-sqlrun", name=SQL_RUN_NAME), 200, check=_sql_run_check)
emr(C, "list_states_sql", "GET", f"/applications?states={q('CREATED' + SQL)}", None, 400, VAL, msg="states")
emr(C, "list_next_token_sql", "GET", f"/applications?nextToken={q(SQL)}", None, 400, VAL, msg="nextToken")
emr(C, "listjobruns_mode_sql", "GET", f"/applications/@APP@/jobruns?mode={q('BATCH' + SQL)}", None, 400, VAL)
emr(C, "listjobruns_states_sql", "GET", f"/applications/@APP@/jobruns?states={q('RUNNING' + SQL)}", None, 400, VAL)
emr(C, "getapp_id_sql", "GET", f"/applications/{q(SQL)}", None, 400, VAL, msg="applicationId")
emr(C, "tags_arn_sql", "GET", "/tags/" + q(f"arn:aws:emr-serverless:us-east-1:{ACCOUNT}:/applications/x" + SQL), None,
    400, VAL, msg="resourceArn")
for key in ["EventId", "EventName", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"]:
    for label, value in [("sql", SQL), ("sql_double_quote", 'x" OR "1"="1'), ("percent", "%"), ("underscore", "_"),
                         ("like_pattern", "%a%")]:
        ct(C, f"lookup_{key}_{label}_literal", lookup(key, value), 200, check=no_events)
ct(C, "lookup_ReadOnly_sql", lookup("ReadOnly", "true" + SQL), 400, ILA)
ct(C, "lookup_EventName_single_char_wildcard", lookup("EventName", "CreateApplicatio_"), 200, check=no_events)
ct(C, "lookup_EventName_glob", lookup("EventName", "Create*"), 200, check=no_events)
for f in ["eventName", "username", "resourceName", "resourceType", "eventId", "errorCode", "account", "region",
          "eventSource", "accessKeyId"]:
    admin(C, f"admin_filter_{f}_sql", "GET", f"/_trailbox/events/count?{f}={q(SQL)}", check=zero_count)
    admin(C, f"admin_filter_{f}_percent", "GET", f"/_trailbox/events/count?{f}=%25", check=zero_count)
admin(C, "admin_records_eventname_sql", "GET", f"/_trailbox/events?eventName={q(SQL)}", check=no_records)
admin(C, "admin_where_sql_value", "GET",
      f"/_trailbox/events/count?where=requestParameters.name%3D{q(SQL + ' OR 1=1')}", check=zero_count)
admin(C, "admin_where_sql_path", "GET", f"/_trailbox/events/count?where={q(SQL)}%3D1", check=zero_count)
admin(C, "admin_where_percent", "GET", "/_trailbox/events/count?where=eventName%3D%25", check=zero_count)
admin(C, "admin_where_without_equals", "GET", f"/_trailbox/events/count?where={q(SQL.replace('=', ''))}", None,
      400, VAL)
admin(C, "admin_readonly_sql", "GET", f"/_trailbox/events?readOnly={q('true' + SQL)}", None, 400, VAL)
admin(C, "admin_limit_sql", "GET", f"/_trailbox/events?limit={q('1;--')}", None, 400, VAL)
admin(C, "admin_after_sql", "GET", f"/_trailbox/events?after={q('0 OR 1=1')}", None, 400, VAL)
admin(C, "admin_start_time_sql", "GET", f"/_trailbox/events?startTime={q(SQL)}", None, 400, VAL)
admin(C, "admin_before_sql", "GET", f"/_trailbox/events?before={q('1:1 OR 1=1')}", None, 400, VAL)


def _like_underscore_literal(t):
    """'_' is a LIKE wildcard: two callers whose keys differ only where the other has '_'."""
    for key in ("AKIA_CATALOGUE1", "AKIAXCATALOGUE1"):
        status, _, body = t.server.request("GET", "/applications", headers={"Authorization": SIGNED.format(key=key)})
        t.assertEqual(status, 200, body)
    for attr in ("AccessKeyId", "Username"):
        status, _, body = t.server.request("POST", "/", lookup(attr, "AKIA_CATALOGUE1"), {"X-Amz-Target": LOOKUP})
        t.assertEqual(status, 200, body)
        events = strict_json(body)["Events"]
        t.assertEqual([e.get("AccessKeyId") for e in events], ["AKIA_CATALOGUE1"], attr)
    t.assertEqual(t.admin_count("accessKeyId=AKIA_CATALOGUE1"), 1)
    t.assertEqual(t.admin_count("username=AKIA_CATALOGUE1"), 1)


custom(C, "lookup_and_admin_underscore_is_not_a_wildcard", _like_underscore_literal, events=4)

# ============================================================================================
# 13. X-Amz-Target
# ============================================================================================
C = "target"
for name, target, status, code, events in [
    ("empty", "", 400, UOE, 0),
    ("short_form_accepted", "CloudTrail_20131101.LookupEvents", 200, None, 1),
    ("operation_lower_case", CT_PREFIX + "lookupevents", 400, UOE, 0),
    ("operation_missing", CT_PREFIX, 400, UOE, 0),
    ("operation_unknown", CT_PREFIX + "Nope", 400, UOE, 0),
    ("service_only", "CloudTrail_20131101", 400, UOE, 0),
    ("operation_only", "LookupEvents", 400, UOE, 0),
    ("extra_segment", LOOKUP + ".Extra", 400, UOE, 0),
    ("sql", LOOKUP + SQL, 400, UOE, 0),
    ("traversal", "../../LookupEvents", 400, UOE, 0),
    ("other_service", "AmazonEMRServerless.CreateApplication", 400, UOE, 0),
    ("dynamodb", "DynamoDB_20120810.ListTables", 400, UOE, 0),
    ("wrong_version", "com.amazonaws.cloudtrail.v20991231.CloudTrail_20991231.LookupEvents", 400, UOE, 0),
    ("very_long", "x" * 5000, 400, UOE, 0),
    ("non_ascii", (LOOKUP + "\u00e9").encode("utf-8"), 400, UOE, 0),
    ("internal_operation_name", CT_PREFIX + "__proto__", 400, UOE, 0),
]:
    ct(C, f"target_{name}", "{}", status, code, events, target=target)
admin(C, "target_on_get_root", "GET", "/", None, 404, UOE)

# ============================================================================================
# 14. Malformed Authorization headers (never recorded: README)
# ============================================================================================
C = "authorization"
ISE = "IncompleteSignatureException"
SCOPE = "AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request"
for name, value in [
    ("algorithm_only", "AWS4-HMAC-SHA256"),
    ("algorithm_trailing_space", "AWS4-HMAC-SHA256 "),
    ("bearer", "Bearer abc.def.ghi"),
    ("basic", "Basic dXNlcjpwYXNz"),
    ("sigv2", "AWS AKIAIOSFODNN7EXAMPLE:c2lnbmF0dXJl"),
    ("sha512", f"AWS4-HMAC-SHA512 Credential={SCOPE}, SignedHeaders=host, Signature=ab"),
    ("algorithm_lower_case", f"aws4-hmac-sha256 Credential={SCOPE}, SignedHeaders=host, Signature=ab"),
    ("empty_credential", "AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=ab"),
    ("credential_key_only", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE, SignedHeaders=host, Signature=ab"),
    ("credential_no_terminator",
     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/emr-serverless, SignedHeaders=host, "
     "Signature=ab"),
    ("credential_extra_segment", f"AWS4-HMAC-SHA256 Credential={SCOPE}/extra, SignedHeaders=host, Signature=ab"),
    ("credential_only", f"AWS4-HMAC-SHA256 Credential={SCOPE}"),
    ("missing_signed_headers", f"AWS4-HMAC-SHA256 Credential={SCOPE}, Signature=ab"),
    ("missing_signature", f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host"),
    ("empty_signature_and_headers", f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=, Signature="),
    ("empty_region", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124//emr-serverless/aws4_request, "
                     "SignedHeaders=host, Signature=ab"),
    ("upper_case_region", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/US-EAST-1/emr-serverless/"
                          "aws4_request, SignedHeaders=host, Signature=ab"),
    ("empty_access_key", "AWS4-HMAC-SHA256 Credential=/20261124/us-east-1/emr-serverless/aws4_request, "
                         "SignedHeaders=host, Signature=ab"),
    ("access_key_sql", "AWS4-HMAC-SHA256 Credential=AKIA'; DROP TABLE events;--/20261124/us-east-1/emr-serverless/"
                       "aws4_request, SignedHeaders=host, Signature=ab"),
    ("access_key_space", "AWS4-HMAC-SHA256 Credential=AKIA EXAMPLE/20261124/us-east-1/emr-serverless/aws4_request, "
                         "SignedHeaders=host, Signature=ab"),
    ("access_key_too_long", "AWS4-HMAC-SHA256 Credential=" + "A" * 3000 +
     "/20261124/us-east-1/emr-serverless/aws4_request, SignedHeaders=host, Signature=ab"),
    ("region_sql", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1'--/emr-serverless/"
                   "aws4_request, SignedHeaders=host, Signature=ab"),
    ("region_traversal", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/../../x/emr-serverless/"
                         "aws4_request, SignedHeaders=host, Signature=ab"),
    ("region_too_long", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/" + "a" * 3000 +
     "/emr-serverless/aws4_request, SignedHeaders=host, Signature=ab"),
    ("access_key_invalid_utf8", b"AWS4-HMAC-SHA256 Credential=AKIA\xffKEY/20261124/us-east-1/emr-serverless/"
                                b"aws4_request, SignedHeaders=host, Signature=ab"),
    ("region_invalid_utf8", b"AWS4-HMAC-SHA256 Credential=AKIAKEY/20261124/us-\xffeast-1/emr-serverless/"
                            b"aws4_request, SignedHeaders=host, Signature=ab"),
]:
    emr(C, f"auth_{name}", "GET", "/applications", None, 403, ISE, events=0, headers=[("Authorization", value)])
ct(C, "auth_basic_on_cloudtrail", "{}", 403, ISE, events=0, headers=[("Authorization", "Basic dXNlcjpwYXNz")])
ct(C, "auth_truncated_on_cloudtrail", "{}", 403, ISE, events=0,
   headers=[("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/2026/us-east-1")])
emr(C, "auth_presigned_garbage_credential", "GET", "/applications?X-Amz-Credential=garbage", None, 403, ISE, events=0)
emr(C, "auth_presigned_missing_signature", "GET",
    "/applications?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + q(SCOPE), None, 403, ISE, events=0)
emr(C, "auth_empty_header_is_unsigned", "GET", "/applications", None, 200, headers=[("Authorization", "")],
    check=lambda t, ex: t.assertNotIn("accessKeyId", t.new_records[0]["userIdentity"]))
emr(C, "auth_unverified_signature_accepted", "GET", "/applications", None, 200,
    headers=[("Authorization", f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host, Signature=zz")],
    check=lambda t, ex: t.assertEqual(t.new_records[0]["userIdentity"]["accessKeyId"], "AKIAIOSFODNN7EXAMPLE"))
emr(C, "auth_malformed_on_write_not_recorded", "POST", "/applications", app_body("cat-auth"), 403, ISE, events=0,
    headers=[("Authorization", "AWS4-HMAC-SHA256 Credential=garbage, SignedHeaders=host, Signature=ab")],
    check=lambda t, ex: t.assertEqual(t.admin_count("where=requestParameters.clientToken=cat-auth"), 0))

# ============================================================================================
# 15. Pipelining, slow and disconnecting clients (scripted rows)
# ============================================================================================
C = "connection"
HEALTH = b"GET /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n"
CLOSE_COUNT = b"GET /_trailbox/events/count HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def _pipelined_mixed(t):
    body = app_body("cat-pipe").encode()
    reqs = [HEALTH,
            build_request("POST", "/applications", [], body, close=False),
            build_request("GET", "/applications/00nope", close=False),
            build_request("POST", "/", [("X-Amz-Target", LOOKUP)], "{}", close=False),
            build_request("POST", "/applications", [], "{", close=False),
            build_request("GET", "/nope", close=False),
            build_request("POST", "/applications", [("Transfer-Encoding", "chunked")], chunked(body), close=False),
            CLOSE_COUNT]
    ex = exchange(t.server, b"".join(reqs))
    t.assertEqual(ex.statuses(), [200, 200, 404, 200, 400, 404, 200, 200], ex.raw[-500:])
    t.assertEqual(ex.trailing, b"")
    first, again = ex.responses[1].json(), ex.responses[6].json()
    t.assertEqual(first["applicationId"], again["applicationId"])  # same clientToken: idempotent
    t.assertEqual(ex.responses[4].headers.get("x-amzn-errortype"), SER)
    ids = [r.request_id for r in ex.responses]
    t.assertEqual(len(set(ids)), len(ids))


def _pipelined_in_order(t):
    reqs = [build_request("GET", f"/applications/{t.app}", close=False),
            build_request("GET", "/applications/00nope00", close=False),
            HEALTH,
            build_request("GET", f"/applications/{t.app}/jobruns/{t.run_id}", close=True)]
    ex = exchange(t.server, b"".join(reqs))
    t.assertEqual(ex.statuses(), [200, 404, 200, 200])
    t.assertEqual(ex.responses[0].json()["application"]["applicationId"], t.app)
    t.assertIn("00nope00", ex.responses[1].json()["message"])
    t.assertEqual(ex.responses[2].json()["status"], "ok")
    t.assertEqual(ex.responses[3].json()["jobRun"]["jobRunId"], t.run_id)


def _pipelined_100(t):
    ex = exchange(t.server, HEALTH * 100 + CLOSE_COUNT, timeout=10)
    t.assertEqual(ex.statuses(), [200] * 101)
    t.assertEqual(len({r.request_id for r in ex.responses}), 101)


def _pipelined_then_garbage(t):
    ex = exchange(t.server, HEALTH + b"GARBAGE\r\n\r\n" + HEALTH)
    t.assertEqual(ex.statuses(), [200, 400])  # the request after the broken one is not answered
    t.assertEqual(ex.responses[1].headers.get("connection", "").lower(), "close")
    t.assertTrue(ex.closed)


def _pipelined_then_431(t):
    ex = exchange(t.server, HEALTH + b"GET / HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n" + HEALTH)
    t.assertEqual(ex.statuses(), [200, 431])
    t.assertTrue(ex.closed)


def _pipelined_then_413(t):
    ex = exchange(t.server, HEALTH + build_request("POST", "/applications", [], b"a" * 70000, close=False) + HEALTH)
    t.assertEqual(ex.statuses(), [200, 413])
    t.assertTrue(ex.closed)


def _pipelined_api_error_keeps_connection(t):
    ex = exchange(t.server, build_request("POST", "/applications", [], "{", close=False) + CLOSE_COUNT)
    t.assertEqual(ex.statuses(), [400, 200])


def _byte_at_a_time(t):
    data = build_request("POST", "/applications", [("Content-Type", "application/json")], app_body("cat-bytes"))
    ex = exchange(t.server, None, pieces=[bytes([c]) for c in data])
    t.assertEqual(ex.statuses(), [200])
    t.assertIn("applicationId", ex.resp.json())


def _slow_header_gets_408(t):
    slow = socket.create_connection((t.server.host, t.server.port), timeout=5)
    try:
        slow.sendall(b"POST /applications HTTP/1.1\r\nHost: x\r\n")
        started = time.time()
        status, _, _ = t.server.request("GET", "/_trailbox/health")  # others are served meanwhile
        t.assertEqual(status, 200)
        t.assertLess(time.time() - started, 2.0)  # not stuck behind the slow client
        data = b""
        while True:
            chunk = slow.recv(4096)
            if not chunk:
                break
            data += chunk
        (resp,), _ = parse_responses(data)
        t.assertEqual(resp.status, 408)
        t.assertEqual(resp.headers.get("x-amzn-errortype"), "RequestTimeoutException")
    finally:
        slow.close()


def _disconnect(data_list, linger_reset=False):
    def fn(t):
        for data in data_list:
            s = socket.create_connection((t.server.host, t.server.port), timeout=5)
            if linger_reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.sendall(data)
            s.close()
        t.assertEqual(t.server.request("GET", "/_trailbox/health")[0], 200)
    return fn


def _wait_for_count_to_settle(t, timeout=3.0):
    last, stable_since = t.count(), time.time()
    while time.time() - stable_since < 0.3 and time.time() < stable_since + timeout:
        time.sleep(0.05)
        now = t.count()
        if now != last:
            last, stable_since = now, time.time()
    return last


def _close_mid_response(path_builder, n=10, reset=True, max_events=0):
    def fn(t):
        before = t.count()
        for _ in range(n):
            s = socket.create_connection((t.server.host, t.server.port), timeout=5)
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.sendall(path_builder(t))
            if not reset:
                s.recv(100)  # read the start of the response, then walk away
            s.close()
        t.assertEqual(t.server.request("GET", "/_trailbox/health")[0], 200)
        grown = _wait_for_count_to_settle(t) - before
        t.assertGreaterEqual(grown, 0)
        t.assertLessEqual(grown, max_events)
    return fn


def _parallel_aborts(t):
    errors = []

    def abuser(i):
        try:
            for data in (b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"a",
                         b"GET /_trailbox/eve", build_request("GET", "/_trailbox/events?limit=10000")):
                s = socket.create_connection((t.server.host, t.server.port), timeout=5)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.sendall(data)
                s.close()
        except OSError as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=abuser, args=(i,)) for i in range(16)]
    for th in threads:
        th.start()
    for _ in range(10):  # a well-behaved client keeps being served while the others abort
        status, _, body = t.server.request("GET", f"/applications/{t.app}")
        t.assertEqual(status, 200, body)
    for th in threads:
        th.join()
    t.assertEqual(errors, [])


custom(C, "pipelined_mixed_requests_answered_in_order", _pipelined_mixed, events=5)
custom(C, "pipelined_responses_match_their_requests", _pipelined_in_order, events=3)
custom(C, "pipelined_100_requests", _pipelined_100)
custom(C, "pipelined_then_malformed_request", _pipelined_then_garbage)
custom(C, "pipelined_then_oversize_header", _pipelined_then_431)
custom(C, "pipelined_then_oversize_body", _pipelined_then_413)
custom(C, "pipelined_after_api_error", _pipelined_api_error_keeps_connection, events=1)
custom(C, "request_sent_one_byte_at_a_time", _byte_at_a_time, events=1)
custom(C, "slow_header_gets_408_while_others_served", _slow_header_gets_408)
custom(C, "disconnect_mid_request_line", _disconnect([b"GET /appl", b"POST /applications HT"]))
custom(C, "disconnect_mid_headers", _disconnect([b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Le",
                                                 b"GET /applications HTTP/1.1\r\nHost: x\r\n"]))
custom(C, "disconnect_mid_body", _disconnect([b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 100"
                                              b"\r\n\r\n{\"releaseLabel\":\"emr-7"]))
custom(C, "disconnect_mid_chunked_body", _disconnect([b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:"
                                                      b" chunked\r\n\r\n10\r\n{\"releaseLab"]))
custom(C, "reset_mid_body", _disconnect([b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: " + LOOKUP.encode() +
                                         b"\r\nContent-Length: 40\r\n\r\n{\"Max"], linger_reset=True))
custom(C, "reset_right_after_large_admin_request",
       _close_mid_response(lambda t: build_request("GET", "/_trailbox/events?limit=10000")))
custom(C, "close_after_reading_start_of_large_response",
       _close_mid_response(lambda t: build_request("GET", "/_trailbox/events?limit=10000"), reset=False))
custom(C, "reset_right_after_ui_asset_request",
       _close_mid_response(lambda t: build_request("GET", "/_trailbox/ui/app.js")))
custom(C, "reset_right_after_lookup_events",
       _close_mid_response(lambda t: build_request("POST", "/", [("X-Amz-Target", LOOKUP)], '{"MaxResults":50}'),
                           n=5, max_events=5), events=None)
custom(C, "reset_with_many_pipelined_large_requests",
       _close_mid_response(lambda t: build_request("GET", "/_trailbox/events?limit=10000", close=False) * 50, n=2))
custom(C, "parallel_aborting_clients_while_serving_others", _parallel_aborts, events=10)

# ============================================================================================
# Known server bugs (each row is its own expectedFailure test method; see KNOWN_BUGS)
# ============================================================================================
C = "known_bugs"
SMUGGLED = b"GET /_trailbox/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
for name, coding in [("te_gzip_body_becomes_next_request", "gzip"),
                     ("te_chunked_not_last_body_becomes_next_request", "chunked, gzip"),
                     ("te_identity_body_becomes_next_request", "identity")]:
    raw(C, name, build_request("POST", "/applications", [("Transfer-Encoding", coding)], SMUGGLED, close=False),
        400, BRE)
    KNOWN_BUGS[name] = (
        f"Request smuggling: a request whose Transfer-Encoding ({coding!r}) does not end in chunked is read with an "
        "empty body and its body bytes are parsed as a second request on the same connection. RFC 9112 6.3: the "
        "server MUST answer 400 and close. Reproducer: printf 'POST /applications HTTP/1.1\\r\\nHost: x\\r\\n"
        f"Transfer-Encoding: {coding}\\r\\n\\r\\nPOST /_trailbox/reset HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0"
        "\\r\\n\\r\\n' | nc 127.0.0.1 PORT  -> 400 ValidationException followed by 200 {\"reset\":true}.")
for name, body in [("lookup_start_time_iso_string_is_500", '{"StartTime":"2026-01-01T00:00:00Z"}'),
                   ("lookup_end_time_iso_string_is_500", '{"EndTime":"2030-01-01T00:00:00Z"}'),
                   ("lookup_start_time_date_string_is_500", '{"StartTime":"2026-01-01"}')]:
    ct(C, name, body, 400, SER, also=[(200, None)])
    KNOWN_BUGS[name] = (
        "LookupEvents with a StartTime/EndTime string that looks like a date passes the type check but the service "
        "then reads it as a number: 500 InternalFailure whose message leaks the C++ exception "
        "('[json.exception.type_error.302] type must be number, but is string'). Other strings give 400 "
        "SerializationException. Reproducer: curl -s -XPOST localhost:PORT/ -H 'X-Amz-Target: "
        f"{LOOKUP}' -d '{body}'")
ct(C, "lookup_end_time_overflow_hides_every_event",
   lookup("EventName", "CreateApplication", EndTime=9223372036854775), 200, check=has_events,
   also=[(400, "InvalidTimeRangeException")])
ct(C, "lookup_end_time_1e300_hides_every_event", lookup("EventName", "CreateApplication", EndTime=1e300), 200,
   check=has_events, also=[(400, "InvalidTimeRangeException")])
ct(C, "lookup_start_time_overflow_returns_old_events",
   lookup("EventName", "CreateApplication", StartTime=9223372036854776), 200, check=no_events,
   also=[(400, "InvalidTimeRangeException")])
ct(C, "lookup_start_time_1e16_returns_old_events", lookup("EventName", "CreateApplication", StartTime=1e16), 200,
   check=no_events, also=[(400, "InvalidTimeRangeException")])
for name in ("lookup_end_time_overflow_hides_every_event", "lookup_end_time_1e300_hides_every_event",
             "lookup_start_time_overflow_returns_old_events", "lookup_start_time_1e16_returns_old_events"):
    KNOWN_BUGS[name] = (
        "LookupEvents StartTime/EndTime are converted with static_cast<int64_t>(floor(d)) and then multiplied by "
        "1000 (EndTime: *1000+999) without a range check (api/cloudtrail/service.cpp secondsOf / lookupEvents): "
        "signed overflow (undefined behaviour). A far-future EndTime (9223372036854775, 1e300) returns no events; a "
        "far-future StartTime (9223372036854776, 1e16) wraps negative and returns the whole 90-day history. "
        "Expected: the events in range (or 400 InvalidTimeRangeException). Reproducer: curl -s -XPOST "
        f"localhost:PORT/ -H 'X-Amz-Target: {LOOKUP}' -d '{{\"EndTime\":9223372036854775}}'  -> {{\"Events\":[]}}")
admin(C, "admin_start_time_overflow_counts_everything", "GET", "/_trailbox/events/count?startTime=9223372036854776",
      check=zero_count, also=[(400, VAL)])
admin(C, "admin_end_time_overflow_counts_nothing", "GET", "/_trailbox/events/count?endTime=9223372036854776",
      check=lambda t, ex: t.assertEqual(ex.resp.json()["count"], t.count()), also=[(400, VAL)])
for name in ("admin_start_time_overflow_counts_everything", "admin_end_time_overflow_counts_nothing"):
    KNOWN_BUGS[name] = (
        "/_trailbox/events startTime/endTime in epoch seconds are converted with static_cast<int64_t>(floor(s*1000)) "
        "(api/admin.cpp parseTime) with no range check: values above ~9.22e15 s overflow, so startTime=9223372036854776 "
        "matches every event and endTime=9223372036854776 matches none. Expected: 0 / all (or 400). Reproducer: "
        "curl -s 'localhost:PORT/_trailbox/events/count?startTime=9223372036854776'")
raw(C, "head_response_carries_a_body", b"HEAD /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n" + CLOSE_COUNT, 200,
    methods=("HEAD", "GET"), proto="admin")
KNOWN_BUGS["head_response_carries_a_body"] = (
    "HEAD responses carry the GET body (RFC 9110 9.3.2: the server MUST NOT send content in a HEAD response), so a "
    "keep-alive client reads the body as the start of the next response. Reproducer: printf 'HEAD /_trailbox/health "
    "HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET /_trailbox/events/count HTTP/1.1\\r\\nHost: x\\r\\nConnection: close"
    "\\r\\n\\r\\n' | nc 127.0.0.1 PORT  -> the JSON health body follows the HEAD headers. Same for HEAD on API "
    "routes (404 UnknownOperationException with a body).")
raw(C, "head_unknown_route_carries_a_body", b"HEAD /applications HTTP/1.1\r\nHost: x\r\n\r\n" + CLOSE_COUNT, 404,
    UOE, methods=("HEAD", "GET"), proto="emr")
KNOWN_BUGS["head_unknown_route_carries_a_body"] = KNOWN_BUGS["head_response_carries_a_body"]


# --------------------------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------------------------

class BadInputCatalogue(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = TrailboxServer("--max-body-bytes", str(MAX_BODY), "--max-header-bytes", str(MAX_HEADER),
                                    "--header-timeout-ms", str(HEADER_TIMEOUT_MS),
                                    "--body-timeout-ms", str(BODY_TIMEOUT_MS), "--log-level", "warn").start()
        status, _, body = cls.server.json("POST", "/applications", {
            "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "catalogue-fixture", "name": "catalogue",
            "tags": {"owner": "catalogue"}})
        assert status == 200, body
        cls.app = body["applicationId"]
        status, _, body = cls.server.json("POST", f"/applications/{cls.app}/jobruns", json.loads(
            run_body("catalogue-fixture-run")))
        assert status == 200, body
        cls.run_id = body["jobRunId"]
        cls.app_arn = f"arn:aws:emr-serverless:us-east-1:{ACCOUNT}:/applications/{cls.app}"
        cls.run_arn = f"{cls.app_arn}/jobruns/{cls.run_id}"
        cls.ran = []

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()
        by_category = {}
        for row in CATALOGUE:
            by_category[row.category] = by_category.get(row.category, 0) + 1
        print(f"\ncatalogue: {len(CATALOGUE)} cases ({len(KNOWN_BUGS)} known server bugs) -- " +
              ", ".join(f"{k} {v}" for k, v in by_category.items()), flush=True)

    # helpers used by rows ---------------------------------------------------------------------

    def subst(self, value):
        if value is None:
            return None
        pairs = [("@APPARN@", q(self.app_arn)), ("@RUNARN@", q(self.run_arn)), ("@APP@", self.app),
                 ("@RUN@", self.run_id)]
        if isinstance(value, bytes):
            for k, v in pairs:
                value = value.replace(k.encode(), v.encode())
            return value
        for k, v in pairs:
            value = value.replace(k, v)
        return value

    def count(self):
        status, _, body = self.server.request("GET", "/_trailbox/events/count")
        self.assertEqual(status, 200, body)
        return strict_json(body)["count"]

    def admin_count(self, query):
        status, _, body = self.server.request("GET", "/_trailbox/events/count?" + query)
        self.assertEqual(status, 200, body)
        return strict_json(body)["count"]

    def newest_records(self, n):
        if n <= 0:
            return []
        status, _, body = self.server.request("GET", f"/_trailbox/events?order=desc&limit={n}")
        self.assertEqual(status, 200, body)
        records = strict_json(body)["Records"]  # fails on invalid UTF-8 / lone surrogates / NaN
        self.assertEqual(len(records), n)
        for rec in records:
            for key in ("eventVersion", "eventID", "eventName", "eventTime", "eventSource", "requestID",
                        "userIdentity", "awsRegion", "recipientAccountId"):
                self.assertIn(key, rec)
        return records

    # running one row --------------------------------------------------------------------------

    def _send(self, row):
        if row.raw is not None:
            return exchange(self.server, self.subst(row.raw), methods=row.methods)
        method, path, headers, body = row.request
        headers = [(k, self.subst(v)) for k, v in headers]
        data = build_request(method, self.subst(path), headers, self.subst(body))
        return exchange(self.server, data, methods=(method,))

    def _check_response(self, row, ex):
        self.assertTrue(ex.responses, f"no response; received {ex.raw[:300]!r}")
        self.assertEqual(len(ex.responses), 1,
                         f"expected one response, got {ex.statuses()} (a body parsed as another request?)")
        self.assertEqual(ex.trailing, b"", "bytes after the response (body on HEAD, or garbage)")
        resp = ex.resp
        self.assertRegex(resp.request_id, UUID_RE, "x-amzn-RequestId")
        header_code = resp.headers.get("x-amzn-errortype", "").split(":")[0] or None
        payload = None
        if resp.body and "json" in resp.headers.get("content-type", ""):
            payload = resp.json()
        body_code = None
        if isinstance(payload, dict):
            body_code = (payload.get("__type") or payload.get("code") or "").split("#")[-1] or None
        code = header_code or body_code
        matched = [(s, c) for s, c in row.outcomes if s == resp.status and (c is ANY or c == code)]
        self.assertTrue(matched, f"got {resp.status} {code}, want one of "
                                 f"{[(s, 'ANY' if c is ANY else c) for s, c in row.outcomes]}: {resp.body[:400]!r}")
        if resp.status >= 400:
            self.assertIsInstance(payload, dict, f"error body must be a JSON object: {resp.body[:200]!r}")
            self.assertTrue(payload.get("message") or payload.get("Message"), "error without a message")
            if row.proto == "ct":
                self.assertEqual(body_code, code, "awsJson1_1 clients read the code from the body's __type only")
            elif row.proto == "emr":
                self.assertEqual(header_code, code, "restJson1 clients read the code from x-amzn-ErrorType")
            if row.msg:
                self.assertIn(row.msg, payload.get("message") or payload.get("Message"))
        else:
            self.assertIsNone(header_code)
        return code

    def run_row(self, row):
        before = self.count()
        ex = None
        if row.custom is not None:
            row.custom(self)
        else:
            ex = self._send(row)
            code = self._check_response(row, ex)
        after = self.count()
        if row.events is not None:
            self.assertEqual(after - before, row.events, "events recorded by this row")
        self.new_records = self.newest_records(after - before) if row.events is not None else []
        if ex is not None and row.events == 1 and after - before == 1:
            rec = self.new_records[0]
            self.assertEqual(rec["requestID"], ex.resp.request_id, "the record is the one of this request")
            if ex.resp.status >= 400:
                self.assertEqual(rec.get("errorCode"), code)
                self.assertIsNone(rec.get("responseElements"))
            else:
                self.assertNotIn("errorCode", rec)
        if row.check is not None:
            row.check(self, ex)
        # The server still serves a normal call, and records it as the one and only new event.
        settled = self.count()
        status, headers, body = self.server.request("GET", f"/applications/{self.app}")
        self.assertEqual(status, 200, body)
        self.assertEqual(strict_json(body)["application"]["applicationId"], self.app)
        self.assertEqual(self.count(), settled + 1, "the store keeps recording normal calls")
        last = self.newest_records(1)[0]
        self.assertEqual(last["requestID"], headers["x-amzn-requestid"])

    # tests ------------------------------------------------------------------------------------

    def test_catalogue(self):
        self.assertGreaterEqual(len(CATALOGUE), 100)
        for row in CATALOGUE:
            if row.name in KNOWN_BUGS:
                continue
            with self.subTest(f"{row.category}/{row.name}"):
                self.run_row(row)

    def test_zz_store_integrity_after_catalogue(self):
        """Every record in the store parses strictly, ids are unique, and LookupEvents pages through
        all of them (its CloudTrailEvent strings parse strictly too)."""
        status, _, body = self.server.request("GET", "/_trailbox/events?limit=10000")
        self.assertEqual(status, 200)
        records = strict_json(body)["Records"]
        self.assertEqual(len(records), self.count())
        self.assertEqual(len({r["eventID"] for r in records}), len(records))
        token, pages = None, 0
        while True:
            req = {"MaxResults": 50}
            if token:
                req["NextToken"] = token
            status, _, body = self.server.request("POST", "/", json.dumps(req), {"X-Amz-Target": LOOKUP})
            self.assertEqual(status, 200, body)
            page = strict_json(body)
            for event in page["Events"]:
                record = strict_json(event["CloudTrailEvent"])
                self.assertEqual(record["eventID"], event["EventId"])
            pages += 1
            token = page.get("NextToken")
            if not token or pages > 1000:
                break
        self.assertGreater(pages, 1)


def _known_bug_test(row):
    # Each of these rows exposes a server bug described in KNOWN_BUGS[row.name] (with a reproducer).
    # Marked expectedFailure so the suite stays green; remove the row from KNOWN_BUGS once fixed.
    @unittest.expectedFailure
    def test(self):
        with self.subTest(f"{row.category}/{row.name}"):
            self.run_row(row)
    test.__doc__ = "Known server bug (expected failure).\n\n" + KNOWN_BUGS[row.name]
    return test


for _row in CATALOGUE:
    if _row.name in KNOWN_BUGS:
        setattr(BadInputCatalogue, f"test_known_bug_{_row.name}", _known_bug_test(_row))

if __name__ == "__main__":
    unittest.main()
