"""Hostile-input catalogue: a table of bad requests, each sent to the real binary over a raw socket.

One row per case; every row becomes its own test method (so each is a separate pass/fail) that
asserts the exact status and error code of the answer (x-amzn-ErrorType, else the body's __type),
and then that

* the connection is left in a sane state (closed after `Connection: close`, otherwise still
  carrying a normal request: no response smuggled into another one's body),
* the row recorded exactly the expected number of CloudTrail events, and every event recorded since
  the previous row is valid JSON (strict: UTF-8, no NaN, no lone surrogates),
* the server still serves a normal request (CreateApplication + GetApplication, and the application
  created before the catalogue started is still there),
* the number of recorded events only grew, the SQLite store passes `PRAGMA integrity_check` and
  still has all its tables.

Rows are grouped by category (the prefix of their name). Rows generated from the botocore model:
a wrong JSON type in each member (top level and nested) of CreateApplication, StartJobRun,
UpdateApplication and LookupEvents, and SQL metacharacters in each field that reaches a store query.

A row whose expectation trailbox does not meet yet carries `bug=...` and runs as an expected
failure; the text says what is wrong.
"""
import dataclasses
import itertools
import json
import os
import re
import socket
import sqlite3
import struct
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from typing import Any, Callable, List, Optional

from trailbox_fixture import TrailboxServer

CT_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
LOOKUP = CT_PREFIX + "LookupEvents"
MAX_BODY = 65536
MAX_HEADER = 8192
HEADER_TIMEOUT_MS = 500
BODY_TIMEOUT_MS = 1000
TABLES = {"meta", "strings", "events", "event_resources", "event_resource_types", "resources"}
ROLE = "arn:aws:iam::123456789012:role/catalogue"
SIGNED = ("AWS4-HMAC-SHA256 Credential={key}/20261124/us-east-1/emr-serverless/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=" + "ab" * 32)
_tokens = itertools.count(1)


def token(prefix="tok"):
    return f"{prefix}{next(_tokens)}x{os.getpid()}"


# --- strict JSON -----------------------------------------------------------------------------

def strict_json(data):
    """json.loads that also refuses what JSON does not allow but Python accepts: invalid UTF-8,
    NaN/Infinity, lone surrogates."""
    if isinstance(data, bytes):
        data = data.decode("utf-8")  # raises on invalid UTF-8

    def no_constant(name):
        raise ValueError(f"{name} is not JSON")

    value = json.loads(data, parse_constant=no_constant)

    def walk(v):
        if isinstance(v, str):
            v.encode("utf-8")  # raises on lone surrogates
        elif isinstance(v, list):
            for item in v:
                walk(item)
        elif isinstance(v, dict):
            for k, item in v.items():
                k.encode("utf-8")
                walk(item)

    walk(value)
    return value


# --- HTTP over a raw socket ------------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def request_id(self):
        return self.headers.get("x-amzn-requestid")

    def json(self):
        return strict_json(self.body)

    @property
    def code(self):
        if "x-amzn-errortype" in self.headers:
            return self.headers["x-amzn-errortype"].split(":")[0]
        try:
            payload = json.loads(self.body)
        except ValueError:
            return None
        if isinstance(payload, dict) and "__type" in payload:
            return str(payload["__type"]).split("#")[-1]
        return None

    def closes(self):
        return self.headers.get("connection", "").lower() == "close"

    def __repr__(self):
        return f"<{self.status} {self.headers} {self.body[:300]!r}>"


def parse_response(buf, head_request=False):
    """(Response, rest) when `buf` starts with a complete response, else (None, buf)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None, buf
    head = buf[:end].decode("latin-1")
    lines = head.split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise AssertionError(f"not an HTTP response: {buf[:200]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "transfer-encoding" in headers:
        raise AssertionError(f"unexpected Transfer-Encoding in a trailbox response: {head!r}")
    length = 0 if head_request else int(headers.get("content-length", "0"))
    if len(buf) < end + 4 + length:
        return None, buf
    return Response(int(m.group(1)), headers, buf[end + 4:end + 4 + length]), buf[end + 4 + length:]


class Exchange:
    """What came back on one connection: the responses, whether the server closed it, leftovers."""

    def __init__(self, sock):
        self.sock = sock
        self.responses: List[Response] = []
        self.closed = False
        self.leftover = b""


def _sender(sock, parts, pause):
    try:
        for i, part in enumerate(parts):
            if i and pause:
                time.sleep(pause)
            sock.sendall(part)
    except OSError:
        pass  # the server answered early and closed: what it said is read by the caller


def exchange(server, data, count=1, heads=(), timeout=5.0, pause=0.0):
    """Sends `data` (bytes, or a list of parts sent `pause` seconds apart) on a fresh connection,
    concurrently reads until `count` responses were parsed, the server closed or `timeout` passed.
    `heads`: indexes of responses that answer HEAD requests (no body)."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    parts = data if isinstance(data, list) else [data]
    sender = threading.Thread(target=_sender, args=(sock, parts, pause), daemon=True)
    sender.start()
    out = Exchange(sock)
    buf = b""
    deadline = time.time() + timeout
    while len(out.responses) < count and time.time() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            out.closed = True
            break
        if not chunk:
            out.closed = True
            break
        buf += chunk
        while len(out.responses) < count:
            r, buf = parse_response(buf, len(out.responses) in heads)
            if r is None:
                break
            out.responses.append(r)
    out.leftover = buf
    sender.join(timeout)
    return out


def check_connection_after(test, out):
    """After the expected responses: a response that said `Connection: close` must be followed by
    the server closing; otherwise the connection must still carry a normal request."""
    sock = out.sock
    if out.closed or not out.responses:
        return
    if out.responses[-1].closes():
        sock.settimeout(3)
        try:
            rest = out.leftover + sock.recv(65536)
        except ConnectionResetError:
            rest = out.leftover
        except socket.timeout:
            test.fail("the server said Connection: close but kept the connection open")
        test.assertEqual(rest, b"", "bytes after a response that closes the connection")
        return
    sock.settimeout(5)
    sock.sendall(b"GET /_trailbox/health HTTP/1.1\r\nHost: catalogue\r\n\r\n")
    buf = out.leftover
    response = None
    while response is None:
        chunk = sock.recv(65536)
        test.assertTrue(chunk, f"the server closed a keep-alive connection (pending {buf[:200]!r})")
        buf += chunk
        response, buf = parse_response(buf)
    test.assertEqual(response.status, 200, f"keep-alive connection out of step: {response!r}")
    test.assertEqual(buf, b"", "extra bytes on the keep-alive connection")


@dataclasses.dataclass
class RequestTemplate:
    """A request; placeholders @APP@, @RUN@ (ids), @ARN@, @ARNQ@ (the application ARN
    percent-encoded as one segment) and @ARNQ_LOWER@ (the same with lower-case escapes) are filled
    in when it is sent, before Content-Length is computed."""
    method: str
    path: str
    body: Any
    headers: dict
    close: bool

    def build(self, ctx):
        body = self.body
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = ctx.fill(body).encode("utf-8", "surrogatepass")
        elif isinstance(body, bytes):
            body = ctx.fill_bytes(body)
        raw = f"{self.method} {ctx.fill(self.path)} HTTP/1.1\r\nHost: catalogue\r\n".encode("utf-8", "surrogateescape")
        for name, value in self.headers.items():
            v = value if isinstance(value, bytes) else ctx.fill(value).encode("utf-8", "surrogateescape")
            raw += name.encode() + b": " + v + b"\r\n"
        if body is not None:
            if "Content-Type" not in self.headers:
                raw += b"Content-Type: application/json\r\n"
            raw += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        if self.close:
            raw += b"Connection: close\r\n"
        return raw + b"\r\n" + (body or b"")


def request(method, path, body=None, headers=None, close=False):
    return RequestTemplate(method, path, body, headers or {}, close)


def ct(body, target=LOOKUP, headers=None):
    h = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
    h.update(headers or {})
    return request("POST", "/", body, h)


def q(value):
    return urllib.parse.quote(value, safe="")


# --- rows -----------------------------------------------------------------------------------

@dataclasses.dataclass
class Row:
    name: str
    request: Any = None                  # RequestTemplate | bytes | list of bytes parts | callable(ctx)
    status: Optional[int] = None         # expected status of the first response
    code: Optional[str] = None           # expected error code; None = success (no error code)
    recorded: Optional[int] = None       # events the row adds (None: not checked)
    check: Optional[Callable] = None     # check(test, exchange) for anything else
    record: Optional[Callable] = None    # record(test, event) on the row's (first) recorded event
    count: int = 1                       # responses expected on the connection
    heads: tuple = ()                    # indexes of responses to HEAD requests
    pause: float = 0.0                   # between the parts of a multi-part request
    timeout: float = 5.0
    action: Optional[Callable] = None    # action(test) replaces the send/expect step
    bug: Optional[str] = None            # a known trailbox bug: the row runs as an expected failure
    keep: bool = True                    # check the connection after the responses


ROWS: List[Row] = []


def row(name, *args, **kwargs):
    r = Row(name, *args, **kwargs)
    assert all(r.name != other.name for other in ROWS), r.name
    ROWS.append(r)
    return r


def create_body(**extra):
    body = {"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": token("c")}
    body.update(extra)
    return body


def run_body(**extra):
    body = {"clientToken": token("r"), "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}}
    body.update(extra)
    return body


def lookup_record(test, event):
    """The same event as LookupEvents serves it: the CloudTrailEvent string must hold strict JSON equal to
    the record /_trailbox/events returned."""
    status, _, body = test.server.request(
        "POST", "/",
        json.dumps({"LookupAttributes": [{"AttributeKey": "EventId", "AttributeValue": event["eventID"]}]}),
        {"X-Amz-Target": LOOKUP, "Content-Type": "application/x-amz-json-1.1"})
    test.assertEqual(status, 200, body)
    events = strict_json(body)["Events"]
    test.assertEqual(len(events), 1)
    recorded = strict_json(events[0]["CloudTrailEvent"])
    test.assertEqual(recorded["requestParameters"], event["requestParameters"])
    return recorded


def records(expected, member="name"):
    """The row's event records `member` of requestParameters as `expected`, in both read paths."""
    def check(test, event):
        test.assertEqual(event["requestParameters"][member], expected)
        test.assertEqual(lookup_record(test, event)["requestParameters"][member], expected)
    return check


def bad_http(name, data, **kw):
    kw.setdefault("recorded", 0)
    row(name, data, 400, "BadRequestException", **kw)


# -- malformed and truncated JSON --------------------------------------------------------------

VALID_CREATE = json.dumps({"name": "trunc", "releaseLabel": "emr-7.1.0", "type": "SPARK",
                           "clientToken": "truncated", "tags": {"k": "v"}})
MALFORMED = {
    "open_brace": "{",
    "unterminated_string": '{"releaseLabel": "emr-7.1.0',
    "missing_value": '{"releaseLabel": "emr-7.1.0", "type": ',
    "missing_colon": '{"releaseLabel" "emr-7.1.0"}',
    "colon_no_value": '{"a":}',
    "single_quotes": "{'releaseLabel': 'emr-7.1.0'}",
    "trailing_comma": '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "tc",}',
    "unquoted_key": '{releaseLabel: "emr-7.1.0"}',
    "two_documents": '{"a": 1}{"b": 2}',
    "trailing_garbage": '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "tg"} x',
    "nan": '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "nan", "x": NaN}',
    "infinity": '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "inf", "x": -Infinity}',
    "leading_zero": '{"x": 01}',
    "leading_dot": '{"x": .5}',
    "hex_number": '{"x": 0x10}',
    "comment": '/* c */ {"releaseLabel": "emr-7.1.0"}',
    "bad_escape": '{"name": "\\x41"}',
    "short_unicode_escape": '{"name": "\\u12"}',
    "raw_control_char": '{"name": "tab\there"}',
    "raw_newline_in_string": '{"name": "a\nb"}',
    "lone_high_surrogate_escape": '{"name": "\\ud800"}',
    "lone_low_surrogate_escape": '{"name": "\\udc00x"}',
    "unclosed_array": '{"tags": ["a", "b"}',
    "mismatched_brackets": '{"tags": {"a": "b"]}',
    "bare_word": "releaseLabel",
    "truncated_literal": "tru",
}
for case, text in MALFORMED.items():
    row(f"malformed_json_create_{case}", request("POST", "/applications", text), 400, "SerializationException",
        recorded=1)
for cut in (1, 10, len(VALID_CREATE) // 2, len(VALID_CREATE) - 2, len(VALID_CREATE) - 1):
    row(f"truncated_json_create_at_{cut}", request("POST", "/applications", VALID_CREATE[:cut]), 400,
        "SerializationException", recorded=1)
VALID_LOOKUP = json.dumps({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "X"}],
                           "MaxResults": 5})
for cut in (1, len(VALID_LOOKUP) // 2, len(VALID_LOOKUP) - 1):
    row(f"truncated_json_lookup_at_{cut}", ct(VALID_LOOKUP[:cut]), 400, "SerializationException", recorded=1)
row("malformed_json_lookup_single_quotes", ct("{'MaxResults': 5}"), 400, "SerializationException", recorded=1)
row("malformed_json_start_job_run", request("POST", "/applications/@APP@/jobruns", '{"clientToken": "x",'), 400,
    "SerializationException", recorded=1)
row("malformed_json_update_application", request("PATCH", "/applications/@APP@", '{"clientToken": '), 400,
    "SerializationException", recorded=1)
row("malformed_json_tag_resource", request("POST", "/tags/@ARNQ@", '{"tags": {"a": }'), 400,
    "SerializationException", recorded=1)
row("malformed_json_admin_clock", request("POST", "/_trailbox/clock", '{"seconds": '), 400,
    "SerializationException", recorded=0)
row("malformed_json_empty_body_create_is_missing_members", request("POST", "/applications", ""), 400,
    "ValidationException", recorded=1)
row("malformed_json_blank_body_create_is_missing_members", request("POST", "/applications", " \r\n\t "), 400,
    "ValidationException", recorded=1)

# -- JSON of the wrong type at the top level ---------------------------------------------------

TOP_LEVEL = {"array": "[]", "array_of_object": '[{"releaseLabel": "emr-7.1.0"}]', "string": '"text"',
             "number": "42", "true": "true", "null": "null"}
for case, text in TOP_LEVEL.items():
    row(f"top_level_{case}_create_application", request("POST", "/applications", text), 400,
        "SerializationException", recorded=1)
    row(f"top_level_{case}_lookup_events", ct(text), 400, "SerializationException", recorded=1)
for case in ("array", "string", "number"):
    row(f"top_level_{case}_start_job_run", request("POST", "/applications/@APP@/jobruns", TOP_LEVEL[case]), 400,
        "SerializationException", recorded=1)
    row(f"top_level_{case}_update_application", request("PATCH", "/applications/@APP@", TOP_LEVEL[case]), 400,
        "SerializationException", recorded=1)
    row(f"top_level_{case}_tag_resource", request("POST", "/tags/@ARNQ@", TOP_LEVEL[case]), 400,
        "SerializationException", recorded=1)
row("top_level_array_admin_clock", request("POST", "/_trailbox/clock", "[]"), 400, "SerializationException",
    recorded=0)


# -- JSON of the wrong type in each member (generated from the botocore model) ------------------

def _wrong(shape, top):
    """Values of the wrong JSON type for a shape: (label, value) pairs; two at the top level."""
    t = shape.type_name
    first = {
        "string": ("number", 12345), "boolean": ("string", "true"), "integer": ("string", "12"),
        "long": ("string", "12"), "timestamp": ("boolean", True), "list": ("object", {"a": "b"}),
        "map": ("array", ["a"]), "structure": ("string", "text"), "blob": ("number", 1),
        "double": ("string", "1.5"), "float": ("string", "1.5"),
    }[t]
    second = {
        "string": ("array", ["x"]), "boolean": ("number", 0), "integer": ("fraction", 1.5),
        "long": ("object", {"n": 1}), "timestamp": ("object", {"t": 1}), "list": ("string", "x"),
        "map": ("number", 1), "structure": ("array", []), "blob": ("object", {}),
        "double": ("boolean", False), "float": ("boolean", False),
    }[t]
    return [first, second] if top else [first]


def _members(shape, path, depth, out, seen):
    """(path, shape) for every body member reachable from `shape`: path steps are ('m', name),
    ('i',) for a list item and ('v',) for a map value. Recursive shapes are followed once."""
    if depth > 4:
        return
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue  # labels and query strings are not JSON
            p = path + [("m", name)]
            out.append((p, member))
            key = (shape.name, name)
            if key not in seen:
                _members(member, p, depth + 1, out, seen | {key})
    elif shape.type_name == "list":
        _members(shape.member, path + [("i",)], depth + 1, out, seen)
    elif shape.type_name == "map":
        _members(shape.value, path + [("v",)], depth + 1, out, seen)


def _place(steps, value):
    if not steps:
        return value
    inner = _place(steps[1:], value)
    if steps[0][0] == "m":
        return {steps[0][1]: inner}
    if steps[0][0] == "i":
        return [inner]
    return {"Driver": inner}


def _path_text(steps):
    text = ""
    for s in steps:
        text += ("." + s[1]) if s[0] == "m" else ("[0]" if s[0] == "i" else "{k}")
    return text.lstrip(".")


def _member_rows():
    import botocore.session
    session = botocore.session.get_session()
    emr = session.get_service_model("emr-serverless")
    trail = session.get_service_model("cloudtrail")
    targets = [
        ("create_application", emr.operation_model("CreateApplication"),
         lambda body: request("POST", "/applications", body), create_body),
        ("start_job_run", emr.operation_model("StartJobRun"),
         lambda body: request("POST", "/applications/@APP@/jobruns", body), run_body),
        ("update_application", emr.operation_model("UpdateApplication"),
         lambda body: request("PATCH", "/applications/@APP@", body), lambda: {"clientToken": token("u")}),
        ("lookup_events", trail.operation_model("LookupEvents"), ct, dict),
    ]
    for label, op, make, base in targets:
        members = []
        _members(op.input_shape, [], 0, members, frozenset())
        for steps, shape in members:
            for kind, value in _wrong(shape, len(steps) == 1):
                body = base()
                top = steps[0][1]
                body[top] = _place(steps, value)[top]
                row(f"wrong_type_{label}_{_path_text(steps)}_{kind}", make(body), 400, "SerializationException",
                    recorded=1)


_member_rows()

# Query-string members that cannot be converted are constraint violations (the string arrived; it
# is not a number, a boolean, a timestamp or an enum value).
for case, path in {
    "max_results_word": "/applications?maxResults=ten",
    "max_results_fraction": "/applications?maxResults=1.5",
    "max_results_huge": "/applications?maxResults=99999999999999999999",
    "max_results_int32_overflow": "/applications?maxResults=2147483648",
    "created_at_after_not_a_date": "/applications/@APP@/jobruns?createdAtAfter=yesterday",
    "created_at_before_epoch_number": "/applications/@APP@/jobruns?createdAtBefore=1700000000",
    "attempt_word": "/applications/@APP@/jobruns/@RUN@?attempt=first",
    "states_unknown": "/applications?states=RUNNINGISH",
}.items():
    row(f"wrong_type_query_{case}", request("GET", path), 400, "ValidationException", recorded=1)

# -- invalid UTF-8 and NUL bytes ---------------------------------------------------------------

for case, raw_value in {"ff": b"\xff", "overlong_slash": b"\xc0\xaf", "utf16_surrogate": b"\xed\xa0\x80",
                        "truncated_sequence": b"\xe2\x82"}.items():
    body = b'{"name": "a' + raw_value + b'b", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "u8"}'
    row(f"utf8_raw_{case}_in_json_name", request("POST", "/applications", body), 400, "SerializationException",
        recorded=1)
row("utf8_raw_invalid_in_json_tag_key", request("POST", "/tags/@ARNQ@", b'{"tags": {"k\xfe": "v"}}'), 400,
    "SerializationException", recorded=1)
row("utf8_raw_invalid_in_lookup_value",
    ct(b'{"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "\xff\xfe"}]}'), 400,
    "SerializationException", recorded=1)
row("nul_in_application_name", request("POST", "/applications", create_body(name="a\u0000b")), 400,
    "ValidationException", recorded=1, record=records("a\x00b"))
row("nul_in_tag_key", request("POST", "/applications", create_body(tags={"k\u0000": "v"})), 400,
    "ValidationException", recorded=1, record=records({"k\x00": "v"}, "tags"))
row("nul_in_tag_value", request("POST", "/tags/@ARNQ@", {"tags": {"k": "v\u0000"}}), 400, "ValidationException",
    recorded=1, record=records({"k": "v\x00"}, "tags"))


def _run_name_round_trips(name):
    def check(test, out):
        run_id = out.responses[0].json()["jobRunId"]
        status, _, body = test.server.request("GET", f"/applications/{test.ctx.app}/jobruns/{run_id}")
        test.assertEqual(status, 200, body)
        test.assertEqual(strict_json(body)["jobRun"]["name"], name)
    return check


row("nul_in_job_run_name_round_trips", request("POST", "/applications/@APP@/jobruns", run_body(name="x\u0000y")),
    200, None, recorded=1, record=records("x\x00y"), check=_run_name_round_trips("x\x00y"))
row("nul_escaped_surrogate_pair_in_job_run_name_round_trips",
    request("POST", "/applications/@APP@/jobruns", '{"clientToken": "sp1", "executionRoleArn": "' + ROLE +
            '", "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/x.py"}}, "name": "\\ud83d\\ude00"}'),
    200, None, recorded=1, record=records("\U0001F600"), check=_run_name_round_trips("\U0001F600"))
row("nul_in_application_id_path", request("GET", "/applications/abc%00def"), 400, "ValidationException",
    recorded=1, record=records("abc\x00def", "applicationId"))
row("utf8_invalid_in_application_id_path", request("GET", "/applications/%ff%fe"), 400, "ValidationException",
    recorded=1, record=records("\ufffd\ufffd", "applicationId"))
row("utf8_invalid_in_job_run_id_path", request("GET", "/applications/@APP@/jobruns/ab%c3"), 400,
    "ValidationException", recorded=1, record=records("ab\ufffd", "jobRunId"))
row("utf8_invalid_in_arn_path", request("GET", "/tags/" + q("arn:aws:emr-serverless:us-east-1:123456789012:"
                                                              "/applications/") + "%ff" * 10), 400,
    "ValidationException", recorded=1)
row("nul_in_next_token_query", request("GET", "/applications?nextToken=a%00b"), 400, "ValidationException",
    recorded=1, record=records("a\x00b", "nextToken"))
row("utf8_invalid_in_next_token_query", request("GET", "/applications?nextToken=%ff%fe"), 400,
    "ValidationException", recorded=1, record=records("\ufffd\ufffd", "nextToken"))
row("utf8_invalid_in_states_query", request("GET", "/applications?states=%80"), 400, "ValidationException",
    recorded=1, record=records(["\ufffd"], "states"))
row("utf8_invalid_in_untag_keys_query", request("DELETE", "/tags/@ARNQ@?tagKeys=%ff&tagKeys=ok"), 400,
    "ValidationException", recorded=1, record=records(["\ufffd", "ok"], "tagKeys"))
row("utf8_invalid_and_nul_in_unknown_query_key", request("GET", "/applications?a%00%ff=1"), 200, None, recorded=1)
row("utf8_invalid_and_nul_in_admin_filter", request("GET", "/_trailbox/events?eventName=%ff%00"), 200, None,
    recorded=0, check=lambda t, out: t.assertEqual(out.responses[0].json()["Records"], []))


def _user_agent_recorded(test, event):
    test.assertEqual(event["userAgent"], "ua-\ufffd\ufffd-end")
    test.assertEqual(lookup_record(test, event)["userAgent"], "ua-\ufffd\ufffd-end")


def _dashboard_url_is_json(test, out):
    url = out.responses[0].json()["url"]
    test.assertTrue(url.startswith("http://evil\ufffd"), url)


row("utf8_invalid_in_user_agent_header",
    request("GET", "/applications", headers={"User-Agent": b"ua-\xff\xfe-end"}), 200, None, recorded=1,
    record=_user_agent_recorded)
row("utf8_invalid_in_host_header_reflected_in_dashboard_url",
    b"GET /applications/@APP@/jobruns/@RUN@/dashboard HTTP/1.1\r\nHost: evil\xff\xfe:1\r\n\r\n", 200, None,
    recorded=1, check=_dashboard_url_is_json)
row("utf8_invalid_in_x_amz_target", ct("{}", target=b"CloudTrail_20131101.Look\xffupEvents"), 400,
    "UnknownOperationException", recorded=0)
row("utf8_invalid_in_security_token",
    request("GET", "/applications", headers={"Authorization": SIGNED.format(key="ASIACATALOGUE0000001"),
                                             "X-Amz-Security-Token": b"tok\xff\xfeen"}), 200, None, recorded=1)
bad_http("nul_in_header_value", b"GET /applications HTTP/1.1\r\nHost: x\r\nUser-Agent: a\x00b\r\n\r\n")
bad_http("nul_in_request_target", b"GET /applications/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n")
bad_http("nul_in_header_name", b"GET /applications HTTP/1.1\r\nHost: x\r\nX-A\x00b: 1\r\n\r\n")
row("utf8_raw_invalid_in_request_target", b"GET /applications/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", 400,
    "ValidationException", recorded=1, record=records("\ufffd\ufffd", "applicationId"))

# -- extreme numbers ---------------------------------------------------------------------------


def _with(body, fragment):
    """`body` (a dict) as JSON text with `fragment` (raw JSON text, e.g. an exotic number) appended."""
    return json.dumps(body)[:-1] + ", " + fragment + "}"


for case, number in {"int32_plus_one": "2147483648", "int32_min_minus_one": "-2147483649", "fraction": "0.5",
                     "huge_double": "1e308", "overflowing_double": "1e400", "many_digits": "1" + "0" * 400,
                     "uint64_max": "18446744073709551615"}.items():
    row(f"extreme_number_idle_timeout_{case}",
        request("POST", "/applications",
                _with(create_body(),
                      '"autoStopConfiguration": {"enabled": true, "idleTimeoutMinutes": ' + number + "}")),
        400, "SerializationException", recorded=1)
for case, number, want in (("int64_max", "9223372036854775807", "ValidationException"),
                           ("int64_min", "-9223372036854775808", "ValidationException"),
                           ("two_to_63", "9223372036854775808", "SerializationException"),
                           ("two_to_64", "18446744073709551616", "SerializationException"),
                           ("negative_huge", "-1e300", "SerializationException")):
    row(f"extreme_number_execution_timeout_{case}",
        request("POST", "/applications/@APP@/jobruns", _with(run_body(), '"executionTimeoutMinutes": ' + number)),
        400, want, recorded=1)
row("extreme_number_execution_timeout_max_allowed",
    request("POST", "/applications/@APP@/jobruns", _with(run_body(), '"executionTimeoutMinutes": 1e6')),
    200, None, recorded=1)
row("extreme_number_integral_float_accepted",
    request("POST", "/applications",
            _with(create_body(), '"autoStopConfiguration": {"enabled": true, "idleTimeoutMinutes": 1E1}')),
    200, None, recorded=1)
row("extreme_number_max_concurrent_runs_int32_max",
    request("POST", "/applications", create_body(schedulerConfiguration={"maxConcurrentRuns": 2147483647})), 400,
    "ValidationException", recorded=1)
row("extreme_number_max_concurrent_runs_int32_min",
    request("POST", "/applications", create_body(schedulerConfiguration={"maxConcurrentRuns": -2147483648})), 400,
    "ValidationException", recorded=1)
row("extreme_number_worker_count_int64_max",
    request("POST", "/applications", create_body(initialCapacity={"Driver": {
        "workerCount": 9223372036854775807, "workerConfiguration": {"cpu": "2 vCPU", "memory": "4 GB"}}})),
    400, "ValidationException", recorded=1)
for case, number, want in (("zero", "0", "InvalidMaxResultsException"),
                           ("fifty_one", "51", "InvalidMaxResultsException"),
                           ("negative", "-1", "InvalidMaxResultsException"),
                           ("int32_overflow", "2147483648", "SerializationException"),
                           ("fraction", "2.5", "SerializationException"),
                           ("huge", "1e300", "SerializationException"),
                           ("underflow_to_zero", "1e-400", "InvalidMaxResultsException")):
    row(f"extreme_number_lookup_max_results_{case}", ct('{"MaxResults": ' + number + "}"), 400, want, recorded=1)
row("extreme_number_lookup_max_results_exponent_ok", ct('{"MaxResults": 5e0}'), 200, None, recorded=1,
    check=lambda t, out: t.assertLessEqual(len(out.responses[0].json()["Events"]), 5))


def _events(n_min, n_max=None, key="Events"):
    def check(test, out):
        got = len(out.responses[0].json()[key])
        test.assertGreaterEqual(got, n_min)
        if n_max is not None:
            test.assertLessEqual(got, n_max)
    return check


# A StartTime in the far future selects nothing; one in the far past is clamped to the 90-day window
# (README); an EndTime in the far future selects everything, one in the far past nothing.
for member, case, number, expect in (
        ("StartTime", "1e300", "1e300", _events(0, 0)),
        ("StartTime", "9_3e18", "9.3e18", _events(0, 0)),
        ("StartTime", "1e17", "1e17", _events(0, 0)),
        ("StartTime", "minus_1e300", "-1e300", _events(1)),
        ("StartTime", "zero", "0", _events(1)),
        ("EndTime", "1e300", "1e300", _events(1)),
        ("EndTime", "9_3e18", "9.3e18", _events(1)),
        ("EndTime", "minus_1e300", "-1e300", _events(0, 0)),
        ("EndTime", "zero", "0", _events(0, 0))):
    row(f"extreme_number_lookup_{member}_{case}", ct('{"' + member + '": ' + number + ', "MaxResults": 3}'), 200,
        None, recorded=1, check=expect)
for member in ("StartTime", "EndTime"):
    row(f"extreme_number_lookup_{member}_iso_string",
        ct('{"' + member + '": "2024-01-02T03:04:05Z", "MaxResults": 1}'), 200, None, recorded=1)
for param, case, value, status, code, check in (
        ("startTime", "1e300", "1e300", 200, None, _events(0, 0, key="Records")),
        ("endTime", "1e300", "1e300", 200, None, _events(1, key="Records")),
        ("startTime", "minus_1e300", "-1e300", 200, None, _events(1, key="Records")),
        ("endTime", "minus_1e300", "-1e300", 200, None, _events(0, 0, key="Records")),
        ("startTime", "inf", "inf", 400, "ValidationException", None),
        ("startTime", "nan", "nan", 400, "ValidationException", None),
        ("endTime", "year_5000", "95617584000", 200, None, _events(1, key="Records")),
        ("startTime", "year_5000", "95617584000", 200, None, _events(0, 0, key="Records"))):
    row(f"extreme_number_admin_{param}_{case}", request("GET", f"/_trailbox/events?limit=5&{param}={value}"), status,
        code, recorded=0, check=check)
for case, value in (("limit_10001", "limit=10001"), ("limit_zero", "limit=0"), ("limit_huge", "limit=1" + "0" * 30),
                    ("after_huge", "after=" + "9" * 30)):
    row(f"extreme_number_admin_{case}", request("GET", "/_trailbox/events?" + value), 400, "ValidationException",
        recorded=0)
for case, body in (("seconds_1e308", '{"seconds": 1e308}'), ("negative_ms", '{"ms": -1}'),
                   ("hours_beyond_limit", '{"hours": 2777778}'), ("string_seconds", '{"seconds": "5"}')):
    row(f"extreme_number_admin_clock_{case}", request("POST", "/_trailbox/clock", body), 400, "ValidationException",
        recorded=0)
for case, value in (("inf", "inf"), ("nan", "nan"), ("1e999", "1e999")):
    row(f"extreme_number_admin_clock_query_{case}", request("POST", "/_trailbox/clock?seconds=" + value), 400,
        "ValidationException", recorded=0)

# -- deeply nested JSON ------------------------------------------------------------------------

row("deep_nesting_64_levels_in_unknown_member_is_fine",
    request("POST", "/applications", _with(create_body(), '"unknownMember": ' + "[" * 63 + "]" * 63)), 200, None,
    recorded=1)
row("deep_nesting_65_levels_create",
    request("POST", "/applications", _with(create_body(), '"unknownMember": ' + "[" * 64 + "]" * 64)), 400,
    "SerializationException", recorded=1)
row("deep_nesting_30000_arrays_create", request("POST", "/applications", "[" * 30000 + "]" * 30000), 400,
    "SerializationException", recorded=1)
row("deep_nesting_10000_objects_create", request("POST", "/applications", '{"a":' * 10000 + "1" + "}" * 10000), 400,
    "SerializationException", recorded=1)
row("deep_nesting_unbalanced_create", request("POST", "/applications", "[" * 60000), 400, "SerializationException",
    recorded=1)
row("deep_nesting_configuration_overrides_start_job_run",
    request("POST", "/applications/@APP@/jobruns",
            _with(run_body(), '"configurationOverrides": ' + '{"applicationConfiguration": [' * 40 + "]}" * 40)),
    400, "SerializationException", recorded=1)
row("deep_nesting_brackets_inside_strings_are_not_nesting",
    request("POST", "/applications/@APP@/jobruns", run_body(name="[" * 200 + "{" * 50)), 200, None, recorded=1)
row("deep_nesting_lookup_events", ct('{"LookupAttributes": ' + "[" * 20000 + "]" * 20000 + "}"), 400,
    "SerializationException", recorded=1)
row("deep_nesting_admin_clock_arrays", request("POST", "/_trailbox/clock", "[" * 30000 + "]" * 30000), 400,
    "SerializationException", recorded=0)
# A deep but valid object: it parses (nlohmann's parser is iterative) and names no unit.
row("deep_nesting_admin_clock_objects", request("POST", "/_trailbox/clock", '{"a":' * 10000 + "1" + "}" * 10000),
    400, "ValidationException", recorded=0)

# -- duplicate keys ----------------------------------------------------------------------------


def _app_is(**expected):
    def check(test, out):
        app_id = out.responses[0].json()["applicationId"]
        status, _, body = test.server.request("GET", f"/applications/{app_id}")
        test.assertEqual(status, 200, body)
        app = strict_json(body)["application"]
        for key, value in expected.items():
            test.assertEqual(app.get(key), value)
    return check


row("duplicate_key_name_last_wins",
    request("POST", "/applications", '{"name": "first", "releaseLabel": "emr-7.1.0", "type": "SPARK", '
                                     '"clientToken": "dup1", "name": "second"}'),
    200, None, recorded=1, check=_app_is(name="second"), record=records("second"))
row("duplicate_key_invalid_value_last",
    request("POST", "/applications", '{"name": "ok", "releaseLabel": "emr-7.1.0", "type": "SPARK", '
                                     '"clientToken": "dup2", "name": "not ok!"}'),
    400, "ValidationException", recorded=1, record=records("not ok!"))
row("duplicate_key_wrong_type_overridden",
    request("POST", "/applications", '{"clientToken": 5, "releaseLabel": "emr-7.1.0", "type": "SPARK", '
                                     '"clientToken": "dup3"}'), 200, None, recorded=1)
row("duplicate_key_in_tags_map",
    request("POST", "/applications", '{"releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "dup4", '
                                     '"tags": {"k": "a", "k": "b"}}'),
    200, None, recorded=1, check=_app_is(tags={"k": "b"}))
row("duplicate_key_lookup_max_results", ct('{"MaxResults": 100, "MaxResults": 2}'), 200, None, recorded=1,
    check=lambda t, out: t.assertLessEqual(len(out.responses[0].json()["Events"]), 2))
row("duplicate_query_parameter_first_wins", request("GET", "/applications?maxResults=1&maxResults=100"), 200, None,
    recorded=1, check=lambda t, out: t.assertLessEqual(len(out.responses[0].json()["applications"]), 1))

# -- oversize headers, bodies and URLs -------------------------------------------------------------

row("oversize_single_header", b"GET /applications HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEADER + 100) +
    b"\r\n\r\n", 431, "RequestHeaderFieldsTooLarge", recorded=0)
row("oversize_many_headers", b"GET /applications HTTP/1.1\r\nHost: x\r\n" +
    b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 50) for i in range(300)) + b"\r\n", 431,
    "RequestHeaderFieldsTooLarge", recorded=0)
row("oversize_url", b"GET /applications?nextToken=" + b"a" * (MAX_HEADER + 10) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    431, "RequestHeaderFieldsTooLarge", recorded=0)
row("oversize_path_label", b"GET /applications/" + b"a" * (MAX_HEADER + 10) + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    431, "RequestHeaderFieldsTooLarge", recorded=0)
row("oversize_method", b"A" * (MAX_HEADER + 10) + b" / HTTP/1.1\r\nHost: x\r\n\r\n", 431,
    "RequestHeaderFieldsTooLarge", recorded=0)
row("oversize_long_url_under_limit_next_token", request("GET", "/applications?nextToken=" + "a" * 6000), 400,
    "ValidationException", recorded=1)
row("oversize_long_application_id_under_limit", request("GET", "/applications/" + "a" * 6000), 400,
    "ValidationException", recorded=1)
row("oversize_body_content_length", [b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1), b"{" + b" " * 1000],
    413, "RequestEntityTooLargeException", recorded=0)
row("oversize_body_lookup_events", [b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: " + LOOKUP.encode() +
                                    b"\r\nContent-Length: 10000000\r\n\r\n", b"{}"],
    413, "RequestEntityTooLargeException", recorded=0)
row("oversize_body_content_length_overflow", b"POST /applications HTTP/1.1\r\nHost: x\r\n"
                                             b"Content-Length: 99999999999999999999999\r\n\r\n{}",
    400, "BadRequestException", recorded=0)
row("oversize_body_exactly_at_limit",
    request("POST", "/applications",
            (lambda b: b[:-1] + ', "pad": "' + "p" * (MAX_BODY - len(b) - 11) + '"}')(json.dumps(create_body()))),
    200, None, recorded=1)


def _chunks(body, size):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


BIG = json.dumps(create_body(name="big"))[:-1].encode() + b', "pad": "' + b"p" * (MAX_BODY + 10) + b'"}'
row("oversize_chunked_body", [b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                              _chunks(BIG, 8192)], 413, "RequestEntityTooLargeException", recorded=0)

# -- conflicting Content-Length and Transfer-Encoding, chunked bodies -------------------------------

CHUNK_BODY = json.dumps(create_body(name="chunky")).encode()
bad_http("framing_content_length_and_chunked", b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                               b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
bad_http("framing_chunked_and_content_length", b"POST /applications HTTP/1.1\r\nHost: x\r\n"
                                               b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n")
bad_http("framing_two_different_content_lengths", b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                                  b"Content-Length: 3\r\n\r\n{}}")
bad_http("framing_negative_content_length", b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}")
bad_http("framing_non_numeric_content_length", b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 2x\r\n"
                                               b"\r\n{}")
# RFC 9110 8.6 lets a recipient take a list of identical values as that value.
row("framing_content_length_list_of_identical_values",
    b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}", 400, "ValidationException",
    recorded=1)
bad_http("framing_chunked_not_last_encoding", b"POST /applications HTTP/1.1\r\nHost: x\r\n"
                                              b"Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n")
bad_http("framing_unknown_transfer_encoding", b"POST /applications HTTP/1.1\r\nHost: x\r\n"
                                              b"Transfer-Encoding: gzip\r\n\r\n{}")
SMUGGLED = b"GET /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n"
bad_http("framing_unknown_transfer_encoding_smuggles_a_request",
         b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" + SMUGGLED, count=2, check=lambda t, out: t.assertEqual(len(out.responses), 1, out.responses))
bad_http("framing_unknown_transfer_encoding_with_content_length",
         b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
         % len(SMUGGLED) + SMUGGLED, count=2,
         check=lambda t, out: t.assertEqual(len(out.responses), 1, out.responses))
bad_http("chunked_bad_size", b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"zz\r\n{}\r\n0\r\n\r\n")
bad_http("chunked_size_overflow", b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                                  b"\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n")
bad_http("chunked_missing_crlf_after_data", b"POST /applications HTTP/1.1\r\nHost: x\r\n"
                                            b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n")
row("chunked_body_accepted", b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
    _chunks(CHUNK_BODY, 7), 200, None, recorded=1, check=_app_is(name="chunky"))
row("chunked_one_byte_chunks", b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
    _chunks(json.dumps(create_body(name="bytewise")).encode(), 1), 200, None, recorded=1,
    check=_app_is(name="bytewise"))
row("chunked_with_extensions_and_trailer",
    b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
    b"%x;name=value\r\n" % len(CHUNK_BODY) + CHUNK_BODY + b"\r\n0\r\nX-Trailer: t\r\n\r\n", 200, None, recorded=1)
row("chunked_uppercase_encoding", b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: CHUNKED\r\n\r\n" +
    _chunks(json.dumps(create_body(name="upper")).encode(), 16), 200, None, recorded=1)
row("chunked_lookup_events", b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: " + LOOKUP.encode() +
    b"\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunks(b'{"MaxResults": 1}', 3), 200, None, recorded=1)
row("chunked_body_never_finished", [b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    b"5\r\n{\"nam"], 408, "RequestTimeoutException", recorded=0, timeout=4)
row("framing_content_length_longer_than_body",
    [b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}"], 408, "RequestTimeoutException",
    recorded=0, timeout=4)
row("framing_content_length_shorter_than_body_rest_is_next_request",
    b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}GARBAGE / HTTP/9\r\n\r\n",
    400, "ValidationException", recorded=1, count=2,
    check=lambda t, out: (t.assertEqual(len(out.responses), 2, out.responses),
                          t.assertEqual(out.responses[1].status, 400),
                          t.assertEqual(out.responses[1].code, "BadRequestException")))
row("framing_expect_100_continue_body_sent_anyway",
    request("POST", "/applications", create_body(name="expect"), {"Expect": "100-continue"}), 200, None, recorded=1)

# -- malformed HTTP, unknown methods and paths ----------------------------------------------------

bad_http("malformed_http_header_without_colon", b"GET /applications HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")
bad_http("malformed_http_space_before_colon", b"GET /applications HTTP/1.1\r\nHost : x\r\n\r\n")
bad_http("malformed_http_invalid_method_characters", b"GE(T /applications HTTP/1.1\r\nHost: x\r\n\r\n")
bad_http("malformed_http_bad_version", b"GET /applications HTTP/x.y\r\nHost: x\r\n\r\n")
bad_http("malformed_http_missing_version", b"GET /applications\r\nHost: x\r\n\r\n")
bad_http("malformed_http_tls_client_hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)) +
         b"\r\n\r\n")
bad_http("malformed_http_binary_garbage", bytes(range(1, 32)) + b"\r\n\r\n")
# RFC 9112 5.2 lets a server replace obs-fold with spaces instead of rejecting it.
row("malformed_http_obsolete_line_folding_is_unfolded",
    b"GET /applications HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n", 200, None, recorded=1)
for method in ("BREW", "PUT", "TRACE", "get", "PROPFIND"):
    row(f"unknown_method_{method}", request(method, "/applications"), 404, "UnknownOperationException", recorded=0)
row("unknown_method_on_admin", request("PUT", "/_trailbox/reset"), 404, "UnknownOperationException", recorded=0)
row("unknown_method_delete_applications", request("DELETE", "/applications"), 404, "UnknownOperationException",
    recorded=0)
row("unknown_method_get_on_reset", request("GET", "/_trailbox/reset"), 404, "UnknownOperationException",
    recorded=0)
row("unknown_method_head_has_no_body", b"HEAD /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n", 200, None, recorded=0,
    heads=(0,))
row("unknown_method_head_on_emr_route", b"HEAD /applications HTTP/1.1\r\nHost: x\r\n\r\n", 404,
    "UnknownOperationException", recorded=0, heads=(0,))
row("unknown_path_no_leading_slash", request("GET", "applications"), 404, "UnknownOperationException", recorded=0)
row("unknown_path_no_leading_slash_admin", request("GET", "_trailbox/health"), 404, "UnknownOperationException",
    recorded=0)
for case, path in {"root_get": "/", "nope": "/nope", "trailing_slash": "/applications/",
                   "double_slash": "//applications", "empty_segment": "/applications//jobruns",
                   "extra_segment": "/applications/@APP@/unknown", "too_deep": "/applications/@APP@/jobruns/@RUN@/x/y",
                   "tags_without_arn": "/tags", "upper_case": "/Applications", "star": "*",
                   "encoded_slash_in_first_segment": "/applications%2F@APP@",
                   "admin_unknown": "/_trailbox/nope", "admin_encoded_slash": "/_trailbox%2Fhealth",
                   "dot_segment": "/./applications", "query_only": "?maxResults=1"}.items():
    row(f"unknown_path_{case}", request("GET", path), 404, "UnknownOperationException", recorded=0)
row("unknown_path_post_root_without_target", request("POST", "/", "{}"), 400, "UnknownOperationException",
    recorded=0)

# -- path traversal and encoded separators in ids, ARNs and admin paths ------------------------------

ARN_PREFIX = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/"
for case, path, status, code, recorded in (
        ("application_id_dot_dot_encoded", "/applications/..%2F..%2Fetc%2Fpasswd", 400, "ValidationException", 1),
        ("application_id_dot_dot_percent_encoded", "/applications/%2e%2e", 400, "ValidationException", 1),
        ("application_id_dot_dot_raw", "/applications/../applications", 404, "UnknownOperationException", 0),
        ("application_id_with_encoded_slash_is_one_label", "/applications/@APP@%2Fjobruns", 400,
         "ValidationException", 1),
        ("application_id_backslash", "/applications/..%5C..%5Cwindows", 400, "ValidationException", 1),
        ("application_id_double_encoded", "/applications/%252e%252e%252f", 400, "ValidationException", 1),
        ("job_run_id_traversal", "/applications/@APP@/jobruns/..%2F..%2F@APP@", 400, "ValidationException", 1),
        ("job_run_id_encoded_query", "/applications/@APP@/jobruns/abc%3Fattempt%3D1", 400, "ValidationException", 1),
        ("arn_unencoded_slashes", "/tags/" + ARN_PREFIX + "@APP@", 404, "UnknownOperationException", 0),
        ("arn_dot_dot_app", "/tags/" + q(ARN_PREFIX + "../../@APP@"), 400, "ValidationException", 1),
        ("arn_traversal_in_region", "/tags/" + q("arn:aws:emr-serverless:../..:123456789012:/applications/@APP@"),
         404, "ResourceNotFoundException", 1),
        ("arn_other_account", "/tags/" + q("arn:aws:emr-serverless:us-east-1:111122223333:/applications/@APP@"),
         404, "ResourceNotFoundException", 1),
        ("arn_double_encoded_slashes", "/tags/" + q(ARN_PREFIX).replace("%", "%25") + "@APP@", 400,
         "ValidationException", 1),
        ("arn_trailing_nul", "/tags/" + q(ARN_PREFIX + "@APP@") + "%00", 400, "ValidationException", 1),
        ("arn_job_run_traversal", "/tags/" + q(ARN_PREFIX + "@APP@/jobruns/../../x"), 400, "ValidationException", 1),
        ("admin_dot_dot", "/_trailbox/../_trailbox/health", 404, "UnknownOperationException", 0),
        ("admin_encoded_dot_dot", "/_trailbox/%2e%2e/_trailbox/health", 404, "UnknownOperationException", 0),
        ("admin_ui_traversal", "/_trailbox/ui/../../../../etc/passwd", 404, "UnknownOperationException", 0),
        ("admin_ui_encoded_traversal", "/_trailbox/ui/..%2F..%2F..%2Fetc%2Fpasswd", 404, "UnknownOperationException",
         0),
        ("admin_health_nul", "/_trailbox/health%00", 404, "UnknownOperationException", 0),
        ("admin_dashboard_traversal", "/_trailbox/dashboard/applications/..%2F..%2F/jobruns/x", 404,
         "ResourceNotFoundException", 0),
        ("admin_dashboard_short", "/_trailbox/dashboard/..%2F..%2Fetc/passwd", 404, "ResourceNotFoundException", 0),
        ("admin_dashboard_dot_dot_segments", "/_trailbox/dashboard/applications/../../../jobruns/x", 404,
         "ResourceNotFoundException", 0),
):
    row(f"traversal_{case}", request("GET", path), status, code, recorded=recorded)
row("traversal_arn_valid_encoded_baseline", request("GET", "/tags/@ARNQ@"), 200, None, recorded=1)
row("traversal_arn_valid_lowercase_escapes", request("GET", "/tags/@ARNQ_LOWER@"), 200, None, recorded=1)
row("traversal_post_events_dot_dot_reset_does_not_reset", request("POST", "/_trailbox/events/../reset"), 404,
    "UnknownOperationException", recorded=0)
row("traversal_post_reset_encoded_slash", request("POST", "/_trailbox%2Freset"), 404, "UnknownOperationException",
    recorded=0)
row("traversal_post_reset_trailing_slash", request("POST", "/_trailbox/reset/"), 404, "UnknownOperationException",
    recorded=0)
row("traversal_post_reset_double_slash", request("POST", "/_trailbox//reset"), 404, "UnknownOperationException",
    recorded=0)
row("traversal_malformed_percent_escape_in_query", request("GET", "/applications?maxResults=%zz"), 400,
    "SerializationException", recorded=0)
row("traversal_malformed_percent_escape_in_admin_query", request("GET", "/_trailbox/events?eventName=%zz&limit=1"),
    400, "SerializationException", recorded=0)
row("traversal_malformed_percent_escape_in_admin_count", request("GET", "/_trailbox/events/count?eventName=%zz"),
    400, "SerializationException", recorded=0)
row("traversal_malformed_percent_escape_in_label", request("GET", "/applications/%zz"), 400, "ValidationException",
    recorded=1, record=records("%zz", "applicationId"))

# -- SQL metacharacters in every field that reaches a query -----------------------------------------

SQL = {"drop_table": "'; DROP TABLE events; --", "or_true": "' OR '1'='1' --", "percent": "%", "underscore": "_",
       "double_quote": '"', "backslash": "\\", "delete_resources": "x\"); DELETE FROM resources; --"}


def _empty(key):
    def check(test, out):
        test.assertEqual(out.responses[0].json()[key], [])
    return check


for case, p in SQL.items():
    app_name_ok = re.fullmatch(r"[A-Za-z0-9._/#-]+", p) is not None
    tag_ok = re.fullmatch(r"[A-Za-z0-9 /_.:=+@-]+", p) is not None
    token_ok = re.fullmatch(r"[A-Za-z0-9._-]+", p) is not None
    row(f"sql_{case}_application_id_path", request("GET", "/applications/" + q(p)), 400, "ValidationException",
        recorded=1, record=records(p, "applicationId"))
    row(f"sql_{case}_delete_application_id_path", request("DELETE", "/applications/" + q(p)), 400,
        "ValidationException", recorded=1)
    row(f"sql_{case}_job_run_id_path", request("GET", "/applications/@APP@/jobruns/" + q(p)), 400,
        "ValidationException", recorded=1, record=records(p, "jobRunId"))
    row(f"sql_{case}_list_job_runs_application_id", request("GET", "/applications/" + q(p) + "/jobruns"), 400,
        "ValidationException", recorded=1)
    row(f"sql_{case}_session_id_path", request("GET", "/applications/@APP@/sessions/" + q(p)), 400,
        "ValidationException", recorded=1)
    row(f"sql_{case}_arn_application_part", request("GET", "/tags/" + q(ARN_PREFIX + p + "abcdef")), 400,
        "ValidationException", recorded=1)
    row(f"sql_{case}_arn_region_part",
        request("GET", "/tags/" + q("arn:aws:emr-serverless:" + p + ":123456789012:/applications/@APP@")), 404,
        "ResourceNotFoundException", recorded=1)
    row(f"sql_{case}_application_name", request("POST", "/applications", create_body(name=p)),
        200 if app_name_ok else 400, None if app_name_ok else "ValidationException", recorded=1,
        check=_app_is(name=p) if app_name_ok else None, record=records(p))
    row(f"sql_{case}_job_run_name", request("POST", "/applications/@APP@/jobruns", run_body(name=p)), 200, None,
        recorded=1, check=_run_name_round_trips(p), record=records(p))
    row(f"sql_{case}_tag_key", request("POST", "/tags/@ARNQ@", {"tags": {p: "v"}}),
        200 if tag_ok else 400, None if tag_ok else "ValidationException", recorded=1)
    row(f"sql_{case}_tag_value", request("POST", "/tags/@ARNQ@", {"tags": {"k": p}}),
        200 if tag_ok else 400, None if tag_ok else "ValidationException", recorded=1)
    row(f"sql_{case}_untag_key", request("DELETE", "/tags/@ARNQ@?tagKeys=" + q(p)),
        200 if tag_ok else 400, None if tag_ok else "ValidationException", recorded=1)
    row(f"sql_{case}_client_token", request("POST", "/applications", create_body(clientToken=p)),
        200 if token_ok else 400, None if token_ok else "ValidationException", recorded=1,
        record=records(p, "clientToken"))
    row(f"sql_{case}_list_applications_next_token", request("GET", "/applications?nextToken=" + q(p)), 400,
        "ValidationException", recorded=1, record=records(p, "nextToken"))
    row(f"sql_{case}_list_job_runs_next_token", request("GET", "/applications/@APP@/jobruns?nextToken=" + q(p)),
        400, "ValidationException", recorded=1)
    row(f"sql_{case}_list_applications_states", request("GET", "/applications?states=" + q(p)), 400,
        "ValidationException", recorded=1)
    row(f"sql_{case}_lookup_next_token", ct({"NextToken": p}), 400, "InvalidNextTokenException", recorded=1)
    for key in ("EventId", "EventName", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"):
        row(f"sql_{case}_lookup_{key}", ct({"LookupAttributes": [{"AttributeKey": key, "AttributeValue": p}]}), 200,
            None, recorded=1, check=_empty("Events"),
            record=lambda t, e, p=p: t.assertEqual(e["requestParameters"]["lookupAttributes"][0]["attributeValue"], p))
    row(f"sql_{case}_lookup_ReadOnly", ct({"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": p}]}),
        400, "InvalidLookupAttributesException", recorded=1)
    row(f"sql_{case}_lookup_attribute_key", ct({"LookupAttributes": [{"AttributeKey": p, "AttributeValue": "x"}]}),
        400, "InvalidLookupAttributesException", recorded=1)
    for param in ("eventName", "eventSource", "username", "accessKeyId", "resourceType", "resourceName", "eventId",
                  "errorCode", "account", "region"):
        row(f"sql_{case}_admin_events_{param}", request("GET", f"/_trailbox/events?{param}={q(p)}"), 200, None,
            recorded=0, check=_empty("Records"))
    row(f"sql_{case}_admin_events_count", request("GET", f"/_trailbox/events/count?eventName={q(p)}"), 200, None,
        recorded=0, check=lambda t, out: t.assertEqual(out.responses[0].json()["count"], 0))
    row(f"sql_{case}_admin_events_where", request("GET", f"/_trailbox/events?where={q('requestParameters.zz=' + p)}"),
        200, None, recorded=0, check=_empty("Records"))
    row(f"sql_{case}_admin_events_read_only", request("GET", f"/_trailbox/events?readOnly={q(p)}"), 400,
        "ValidationException", recorded=0)
    row(f"sql_{case}_admin_dashboard", request("GET", f"/_trailbox/dashboard/applications/{q(p)}/jobruns/{q(p)}"),
        404, "ResourceNotFoundException", recorded=0)
    row(f"sql_{case}_user_agent", request("GET", "/applications", headers={"User-Agent": p}), 200, None, recorded=1,
        record=lambda t, e, p=p: t.assertEqual(e["userAgent"], p))

# -- bogus X-Amz-Target ---------------------------------------------------------------------------

for case, target in {"empty": "", "operation_only": "LookupEvents", "unknown_operation": CT_PREFIX + "NoSuchOperation",
                     "wrong_case": CT_PREFIX + "lookupevents", "other_service": "DynamoDB_20120810.ListTables",
                     "sql_suffix": CT_PREFIX + "LookupEvents'; DROP TABLE events; --", "dot_only": ".",
                     "prefix_only": "CloudTrail_20131101.", "doubled": LOOKUP + ".LookupEvents",
                     "emr_operation": "CloudTrail_20131101.CreateApplication", "long": CT_PREFIX + "A" * 6000,
                     "spaces": " " + LOOKUP + " x", "wrong_version": "CloudTrail_20991231.LookupEvents"}.items():
    row(f"x_amz_target_{case}", ct("{}", target=target), 400, "UnknownOperationException", recorded=0)
row("x_amz_target_short_form_accepted", ct('{"MaxResults": 1}', target="CloudTrail_20131101.LookupEvents"), 200,
    None, recorded=1)
row("x_amz_target_unimplemented_operation", ct("{}", target=CT_PREFIX + "CreateEventDataStore"), 400,
    "UnsupportedOperationException", recorded=0)
row("x_amz_target_on_get", request("GET", "/", headers={"X-Amz-Target": LOOKUP}), 404, "UnknownOperationException",
    recorded=0)

# -- malformed Authorization ------------------------------------------------------------------------

for case, auth in {
    "algorithm_only": "AWS4-HMAC-SHA256",
    "credential_only": "AWS4-HMAC-SHA256 Credential=AKIAX/20261124/us-east-1/emr-serverless/aws4_request",
    "basic": "Basic dXNlcjpwYXNz",
    "bearer": "Bearer abc.def.ghi",
    "sigv2": "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
    "short_scope": "AWS4-HMAC-SHA256 Credential=AKIA/2026/us-east-1, SignedHeaders=host, Signature=abc",
    "wrong_terminator": SIGNED.format(key="AKIAX").replace("aws4_request", "aws5_request"),
    "extra_scope_part": SIGNED.format(key="AKIAX").replace("/aws4_request", "/x/aws4_request"),
    "bad_date": SIGNED.format(key="AKIAX").replace("20261124", "2026112"),
    "sql_in_access_key": SIGNED.format(key="AKIA'; DROP TABLE events; --"),
    "sql_in_region": SIGNED.format(key="AKIAX").replace("us-east-1", "us-east-1' OR '1'='1"),
    "traversal_in_region": SIGNED.format(key="AKIAX").replace("us-east-1", "..%2F.."),
    "empty_access_key": SIGNED.format(key=""),
    "huge_access_key": SIGNED.format(key="A" * 3000),
    "missing_signature": SIGNED.format(key="AKIAX").split(", Signature")[0],
}.items():
    row(f"authorization_{case}", request("GET", "/applications", headers={"Authorization": auth}), 403,
        "IncompleteSignatureException", recorded=0)
row("authorization_invalid_utf8_access_key",
    request("GET", "/applications", headers={"Authorization": SIGNED.format(key="AKIA\udcff\udcfe")}), 403,
    "IncompleteSignatureException", recorded=0)
row("authorization_malformed_on_cloudtrail",
    ct("{}", headers={"Authorization": "AWS4-HMAC-SHA256 Credential=broken"}), 403, "IncompleteSignatureException",
    recorded=0)
row("authorization_malformed_presigned_query",
    request("GET", "/applications?X-Amz-Credential=AKIAX%2Fbroken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                   "&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"), 403, "IncompleteSignatureException", recorded=0)


# -- pipelined requests ---------------------------------------------------------------------------

def _statuses(*expected):
    def check(test, out):
        test.assertEqual([r.status for r in out.responses], list(expected), out.responses)
        ids = [r.request_id for r in out.responses]
        test.assertEqual(len(set(ids)), len(ids), "request ids must be distinct")
    return check


HEALTH = b"GET /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n"
row("pipelined_three_gets", HEALTH + HEALTH + b"GET /applications/00nope HTTP/1.1\r\nHost: x\r\nConnection: close"
    b"\r\n\r\n", 200, None, count=3, recorded=1, check=_statuses(200, 200, 404))


def _pipelined_mixed(ctx):
    return (request("POST", "/applications", create_body(name="pipelined")).build(ctx) +
            ct('{"MaxResults": 1}').build(ctx) + request("GET", "/nope").build(ctx) +
            request("POST", "/applications", "{").build(ctx) +
            request("GET", "/applications/@APP@", close=True).build(ctx))


row("pipelined_mixed_bodies_and_errors", _pipelined_mixed, 200, None, count=5, recorded=4,
    check=_statuses(200, 200, 404, 400, 200))


def _in_order(test, out):
    test.assertEqual(len(out.responses), 40)
    for i, r in enumerate(out.responses):
        test.assertEqual(r.status, 404)
        test.assertIn(f"00nope{i}x".encode(), r.body, f"response {i} out of order")


row("pipelined_forty_in_order",
    b"".join(b"GET /applications/00nope%dx HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(40)), 404,
    "ResourceNotFoundException", count=40, recorded=40, check=_in_order)
row("pipelined_malformed_in_the_middle_ends_the_connection",
    HEALTH + b"GET /applications HTTP/1.1\r\nBroken Header\r\n\r\n" + HEALTH, 200, None, count=3, recorded=0,
    check=lambda t, out: (t.assertEqual([r.status for r in out.responses], [200, 400]),
                          t.assertEqual(out.responses[1].code, "BadRequestException"),
                          t.assertTrue(out.closed)), keep=False)
row("pipelined_chunked_then_get",
    b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
    _chunks(json.dumps(create_body(name="pipechunk")).encode(), 10) + HEALTH, 200, None, count=2, recorded=1,
    check=_statuses(200, 200))
row("pipelined_head_then_get", b"HEAD /_trailbox/health HTTP/1.1\r\nHost: x\r\n\r\n" + HEALTH, 200, None, count=2,
    heads=(0,), recorded=0, check=_statuses(200, 200))
row("pipelined_split_across_sends", [HEALTH[:7], HEALTH[7:20], HEALTH[20:] + HEALTH[:10], HEALTH[10:]], 200, None,
    count=2, pause=0.02, recorded=0, check=_statuses(200, 200))

# -- slow clients ---------------------------------------------------------------------------------

row("timeout_header_never_finished", [b"GET /applications HTTP/1.1\r\nHost: x\r\n"], 408, "RequestTimeoutException",
    recorded=0, timeout=4)
row("timeout_request_line_never_finished", [b"GET /applica"], 408, "RequestTimeoutException", recorded=0, timeout=4)
row("timeout_header_trickled_byte_by_byte_still_times_out",
    [bytes([c]) for c in b"GET /applications HTTP/1.1\r\nHost: x\r\nX-Slow: 1234567890\r\n\r\n"], 408,
    "RequestTimeoutException", recorded=0, pause=0.05, timeout=4)
row("timeout_body_trickled_still_times_out",
    [b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n"] + [b" "] * 39, 408,
    "RequestTimeoutException", recorded=0, pause=0.05, timeout=6)
row("timeout_body_never_finished", [b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"rel"],
    408, "RequestTimeoutException", recorded=0, timeout=4)


# -- clients that go away ---------------------------------------------------------------------------

def _send_and_close(data, reset=False):
    def action(test):
        s = socket.create_connection((test.server.host, test.server.port), timeout=5)
        if reset:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.sendall(data)
        s.close()
        time.sleep(0.1)
    return action


row("disconnect_immediately", action=_send_and_close(b""), recorded=0)
row("disconnect_mid_request_line", action=_send_and_close(b"POST /applica"), recorded=0)
row("disconnect_mid_header", action=_send_and_close(b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Le"),
    recorded=0)
row("disconnect_mid_body", action=_send_and_close(
    b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"releaseLabel\": \"emr"), recorded=0)
row("disconnect_mid_chunked_body", action=_send_and_close(
    b"POST /applications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"releaseLa"), recorded=0)
row("disconnect_mid_body_with_reset", action=_send_and_close(
    b"POST /applications HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"rel", reset=True), recorded=0)


def _disconnect_before_response(test):
    before = test.count()
    s = socket.create_connection((test.server.host, test.server.port), timeout=5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.sendall(request("POST", "/applications", create_body(name="gone")).build(test.ctx))
    s.close()
    # A complete request is still processed (and recorded) although nobody waits for the answer.
    deadline = time.time() + 5
    while test.count() < before + 1 and time.time() < deadline:
        time.sleep(0.02)
    test.assertEqual(test.count(), before + 1)


row("disconnect_after_full_request_before_response", action=_disconnect_before_response, recorded=1)


def _ensure_events(test, n):
    have = test.count()
    one = b"GET /applications?maxResults=1 HTTP/1.1\r\nHost: x\r\n\r\n"
    while have < n:
        batch = min(500, n - have)
        out = exchange(test.server, one * batch, count=batch, timeout=30)
        out.sock.close()
        test.assertEqual(len(out.responses), batch)
        have = test.count()


def _disconnect_mid_response(reset):
    def action(test):
        _ensure_events(test, 3000)
        for _ in range(3):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(10)
            s.connect((test.server.host, test.server.port))
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.sendall(b"GET /_trailbox/events?limit=10000 HTTP/1.1\r\nHost: x\r\n\r\n")
            head = s.recv(100)
            test.assertTrue(head.startswith(b"HTTP/1.1 200"), head)
            time.sleep(0.05)  # the server is now blocked writing a multi-megabyte body
            s.close()
        # A well-behaved reader of the same response still gets all of it.
        status, _, body = test.server.request("GET", "/_trailbox/events?limit=10000")
        test.assertEqual(status, 200)
        test.assertGreaterEqual(len(strict_json(body)["Records"]), 3000)
    return action


row("disconnect_mid_response_close", action=_disconnect_mid_response(False))
row("disconnect_mid_response_reset", action=_disconnect_mid_response(True))


def _never_reads(test):
    # A client asks for a large response and never reads it; everyone else is still served.
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((test.server.host, test.server.port))
    try:
        s.sendall(b"GET /_trailbox/events?limit=10000 HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        status, _, body = test.server.request("GET", "/_trailbox/health")
        test.assertEqual(status, 200, body)
    finally:
        s.close()


row("disconnect_client_never_reads_response", action=_never_reads)


# --- the test class --------------------------------------------------------------------------

class Context:
    def __init__(self, app, run, arn):
        self.app, self.run, self.arn = app, run, arn

    def fill(self, text):
        lower = q(self.arn).replace("%3A", "%3a").replace("%2F", "%2f")
        text = text.replace("%40APP%40", self.app).replace("%40RUN%40", self.run)
        return (text.replace("@APP@", self.app).replace("@RUN@", self.run).replace("@ARNQ_LOWER@", lower)
                .replace("@ARNQ@", q(self.arn)).replace("@ARN@", self.arn))

    def fill_bytes(self, data):
        return self.fill(data.decode("latin-1")).encode("latin-1")


class BadInputCatalogue(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="trailbox-catalogue-")
        cls.db = os.path.join(cls.tmp.name, "catalogue.db")
        cls.server = TrailboxServer(
            "--max-body-bytes", str(MAX_BODY), "--max-header-bytes", str(MAX_HEADER),
            "--header-timeout-ms", str(HEADER_TIMEOUT_MS), "--body-timeout-ms", str(BODY_TIMEOUT_MS),
            "--log-level", "warn", db=cls.db,
            timings="app_creating=0,app_starting=0,run_submitted=0,run_pending=0,run_scheduled=0").start()
        status, _, body = cls.server.json("POST", "/applications", {
            "name": "catalogue-anchor", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "anchor",
            "autoStopConfiguration": {"enabled": False}})
        assert status == 200, body
        app = body["applicationId"]
        status, _, body = cls.server.json("POST", f"/applications/{app}/jobruns", run_body(name="anchor-run"))
        assert status == 200, body
        cls.ctx = Context(app, body["jobRunId"], body["arn"].rsplit("/jobruns/", 1)[0])
        cls.last_seq = 0
        cls.last_count = 0
        cls.sanity = itertools.count(1)
        status, headers, _ = cls.server.request("GET", "/_trailbox/events?limit=10000")
        assert status == 200
        cls.last_seq = int(headers["x-trailbox-last-seq"])

    @classmethod
    def tearDownClass(cls):
        bugs = sum(1 for r in ROWS if r.bug)
        sizes = ", ".join(f"{c} {sum(1 for r in ROWS if category(r) == c)}" for c in CATEGORIES)
        print(f"\nhostile-input catalogue: {len(ROWS)} rows ({sizes}); {bugs} known-bug rows run as expected "
              f"failures", file=sys.stderr)
        code = cls.server.stop()
        cls.tmp.cleanup()
        if code != 0:
            raise AssertionError(f"trailbox exited with {code}: {cls.server.stderr[-20:]}")

    # -- helpers --------------------------------------------------------------------------

    def count(self):
        status, _, body = self.server.request("GET", "/_trailbox/events/count")
        self.assertEqual(status, 200, body)
        return strict_json(body)["count"]

    def new_records(self):
        """Every record committed since the previous call, parsed strictly."""
        cls = type(self)
        status, headers, body = self.server.request("GET", f"/_trailbox/events?after={cls.last_seq}&limit=10000")
        self.assertEqual(status, 200, body[:300])
        found = strict_json(body)["Records"]
        if found:
            cls.last_seq = int(headers["x-trailbox-last-seq"])
        for record in found:
            self.assertIsInstance(record, dict)
            self.assertRegex(record.get("eventID", ""), r"^[0-9a-f-]{36}$")
        return found

    def assertStillServing(self):
        name = f"sanity{next(self.sanity)}"
        status, _, body = self.server.json("POST", "/applications", {
            "name": name, "releaseLabel": "emr-7.1.0", "type": "HIVE", "clientToken": token("s")})
        self.assertEqual(status, 200, body)
        status, _, got = self.server.json("GET", f"/applications/{body['applicationId']}")
        self.assertEqual(status, 200, got)
        self.assertEqual(got["application"]["name"], name)
        status, _, anchor = self.server.json("GET", f"/applications/{self.ctx.app}")
        self.assertEqual(status, 200, anchor)
        self.assertEqual(anchor["application"]["name"], "catalogue-anchor")

    def assertStoreIntact(self):
        self.new_records()
        count = self.count()
        self.assertGreaterEqual(count, type(self).last_count, "the number of recorded events went down")
        type(self).last_count = count
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            self.assertLessEqual(TABLES, tables, "a table disappeared")
        finally:
            con.close()

    def assertAnswer(self, row, r):
        head = 0 in row.heads
        self.assertEqual(r.status, row.status, r)
        self.assertRegex(r.request_id or "", r"^[0-9a-f-]{36}$", r)
        if head:
            self.assertEqual(r.body, b"")
        if row.code is None:
            self.assertNotIn("x-amzn-errortype", r.headers, r)
            if not head and r.headers.get("content-type", "").endswith("json"):
                r.json()
            return
        self.assertEqual(r.code, row.code, r)
        if not head:
            payload = r.json()  # an AWS-shaped error: a JSON object with a message
            self.assertIsInstance(payload, dict, r)
            self.assertTrue(payload.get("message") or payload.get("Message"), r)

    def run_row(self, row):
        if row.action:
            row.action(self)
        else:
            data = row.request(self.ctx) if callable(row.request) else row.request
            if isinstance(data, RequestTemplate):
                data = data.build(self.ctx)
            elif isinstance(data, list):
                data = [self.ctx.fill_bytes(d) for d in data]
            else:
                data = self.ctx.fill_bytes(data)
            out = exchange(self.server, data, count=row.count, heads=row.heads, timeout=row.timeout,
                           pause=row.pause)
            try:
                self.assertTrue(out.responses, f"no response (closed={out.closed}, got {out.leftover[:200]!r})")
                self.assertAnswer(row, out.responses[0])
                if row.keep:
                    check_connection_after(self, out)
            finally:
                out.sock.close()
        # Events are committed before the response is sent: what the row recorded is there now.
        found = self.new_records()
        if row.recorded is not None:
            self.assertEqual(len(found), row.recorded, [r.get("eventName") for r in found])
        if row.record:
            self.assertTrue(found, "the row should have recorded an event")
            row.record(self, found[0])
        if row.check and not row.action:
            row.check(self, out)

    def run_catalogue_row(self, row):
        try:
            self.run_row(row)
        finally:
            self.assertIsNone(self.server.proc.poll(), "trailbox exited")
            self.assertStillServing()
            self.assertStoreIntact()


def _make_test(row):
    def test(self):
        self.run_catalogue_row(row)
    test.__doc__ = row.name
    # TRAILBOX_CATALOGUE_STRICT=1 runs the known-bug rows as ordinary tests (to see them fail, or pass once fixed).
    return unittest.expectedFailure(test) if row.bug and not os.environ.get("TRAILBOX_CATALOGUE_STRICT") else test


CATEGORIES = ["malformed_json", "truncated_json", "top_level", "wrong_type", "utf8", "nul", "extreme_number",
              "deep_nesting", "duplicate", "oversize", "framing", "chunked", "malformed_http", "unknown_method",
              "unknown_path", "traversal", "sql", "x_amz_target", "authorization", "pipelined", "timeout", "disconnect"]


def category(r):
    return max((c for c in CATEGORIES if r.name.startswith(c + "_")), key=len)


assert all(category(r) for r in ROWS)
for _index, _row in enumerate(ROWS):
    setattr(BadInputCatalogue, f"test_{_index:04d}_" + re.sub(r"\W+", "_", _row.name), _make_test(_row))


if __name__ == "__main__":
    unittest.main()
