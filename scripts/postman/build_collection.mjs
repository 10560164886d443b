#!/usr/bin/env node
// Generates trailbox.postman_collection.json (Postman collection format v2.1) and
// trailbox.postman_environment.json next to this file.
//
//   node scripts/postman/build_collection.mjs          # rewrite both files
//   node scripts/postman/build_collection.mjs --check  # exit 1 if the committed files are stale
//
// The collection runs top to bottom against a fresh trailbox (scripts/run.sh, or
// tests/e2e/postman/run_newman.sh): every EMR Serverless operation, every CloudTrail operation
// trailbox implements, a few AWS-shaped errors and trailbox's own admin endpoints. Time is moved
// forward with POST /_trailbox/clock instead of waiting. It never calls POST /_trailbox/reset, so
// it can be pointed at a server that holds other data; ids are captured from responses.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const COLLECTION_FILE = join(here, "trailbox.postman_collection.json");
const ENVIRONMENT_FILE = join(here, "trailbox.postman_environment.json");

const CT_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

// ---------------------------------------------------------------------------------------------
// Script snippets (JavaScript run by Postman / newman)
// ---------------------------------------------------------------------------------------------

const test = (name, ...lines) =>
  [`pm.test(${JSON.stringify(name)}, function () {`, ...lines.map((l) => "  " + l), "});"].join("\n");

const status = (code) => test(`status is ${code}`, `pm.response.to.have.status(${code});`);

const requestIdHeader = test(
  "x-amzn-RequestId header is a UUID",
  'pm.expect(pm.response.headers.get("x-amzn-RequestId"), "x-amzn-RequestId").to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);',
);

const contentType = (type) =>
  test(`Content-Type is ${type}`, `pm.expect(pm.response.headers.get("Content-Type")).to.include(${JSON.stringify(type)});`);

const emptyObject = test("body is an empty JSON object", "pm.expect(pm.response.json()).to.eql({});");

const ID_RE = "/^00[0-9a-z]{14}$/";
const idTest = (expr, what) => test(`${what} matches ^00[0-9a-z]{14}$`, `pm.expect(${expr}).to.match(${ID_RE});`);

// The usual opening of a success test script.
const ok = (type = "application/json") => [status(200), requestIdHeader, contentType(type), "const body = pm.response.json();"];

// EMR Serverless (restJson1) error: status, x-amzn-ErrorType header, {"message": ...}.
const emrError = (code, httpStatus, messageIncludes) => [
  status(httpStatus),
  requestIdHeader,
  test(
    `x-amzn-ErrorType is ${code}`,
    `pm.expect(pm.response.headers.get("x-amzn-ErrorType").split(":")[0]).to.eql(${JSON.stringify(code)});`,
  ),
  test(
    "body has a message",
    "const body = pm.response.json();",
    'pm.expect(body.message).to.be.a("string").and.not.be.empty;',
    ...(messageIncludes ? [`pm.expect(body.message).to.include(${messageIncludes});`] : []),
  ),
];

// CloudTrail (awsJson1_1) error: 400, body __type (mandatory for botocore) and Message.
const ctError = (code, messageIncludes) => [
  status(400),
  requestIdHeader,
  contentType("application/x-amz-json-1.1"),
  test(
    `__type is ${code}`,
    "const body = pm.response.json();",
    `pm.expect(body.__type.split("#").pop()).to.eql(${JSON.stringify(code)});`,
    'pm.expect(body.Message || body.message).to.be.a("string").and.not.be.empty;',
    ...(messageIncludes ? [`pm.expect(body.Message || body.message).to.include(${messageIncludes});`] : []),
  ),
];

const v = (name) => `pm.collectionVariables.get(${JSON.stringify(name)})`;
const env = (name) => `pm.variables.get(${JSON.stringify(name)})`;
const set = (name, expr) => `pm.collectionVariables.set(${JSON.stringify(name)}, ${expr});`;

// Percent-encodes an ARN as one path segment (":" -> %3A, "/" -> %2F), as the SDKs do for the
// {resourceArn} label of /tags/{resourceArn}.
const encodeArn = (from, to) => `${set(to, `encodeURIComponent(${v(from)})`)}`;

// ---------------------------------------------------------------------------------------------
// Request builders
// ---------------------------------------------------------------------------------------------

function url(path, query = []) {
  // path: "/applications/{{applicationId}}"; query: [[key, value], ...]
  const segments = path.split("/").filter((s) => s !== "");
  const qs = query.map(([k, val]) => `${k}=${val}`).join("&");
  const out = {
    raw: "{{baseUrl}}" + path + (qs ? "?" + qs : ""),
    host: ["{{baseUrl}}"],
    path: segments,
  };
  if (query.length) out.query = query.map(([key, value]) => ({ key, value }));
  return out;
}

function item({ name, description, method, path, query = [], headers = [], body, prerequest = [], tests }) {
  const request = { method, header: headers, url: url(path, query), description };
  if (body !== undefined) {
    request.body = {
      mode: "raw",
      raw: typeof body === "string" ? body : JSON.stringify(body, null, 2),
      options: { raw: { language: "json" } },
    };
  }
  const event = [];
  if (prerequest.length) {
    event.push({ listen: "prerequest", script: { type: "text/javascript", exec: prerequest.join("\n").split("\n") } });
  }
  event.push({ listen: "test", script: { type: "text/javascript", exec: tests.join("\n").split("\n") } });
  return { name, event, request, response: [] };
}

const jsonHeader = [{ key: "Content-Type", value: "application/json" }];

// An EMR Serverless (restJson1) request. A body means Content-Type application/json.
function emr(opts) {
  return item({ ...opts, headers: opts.body !== undefined ? jsonHeader : [] });
}

// A CloudTrail (awsJson1_1) request: POST / with X-Amz-Target.
function ct({ name, operation, description, body = {}, prerequest, tests }) {
  return item({
    name,
    description,
    method: "POST",
    path: "/",
    headers: [
      { key: "X-Amz-Target", value: CT_TARGET + operation },
      { key: "Content-Type", value: "application/x-amz-json-1.1" },
    ],
    body,
    prerequest,
    tests,
  });
}

// POST /_trailbox/clock: moves emulated time forward instead of waiting.
function advanceClock(seconds, why) {
  return item({
    name: `trailbox: advance clock ${seconds} s`,
    description:
      `Moves trailbox's emulated clock forward by ${seconds} seconds (POST /_trailbox/clock) so that ${why} ` +
      "without the collection having to wait.",
    method: "POST",
    path: "/_trailbox/clock",
    headers: jsonHeader,
    body: { seconds },
    tests: [
      ...ok(),
      test(
        `the offset grew by ${seconds} s`,
        'pm.expect(body.offsetMs).to.be.a("number");',
        'const before = Number(pm.collectionVariables.get("clockOffsetMs") || 0);',
        `pm.expect(body.offsetMs - before).to.be.at.least(${seconds * 1000});`,
      ),
      set("clockOffsetMs", "body.offsetMs"),
    ],
  });
}

const folder = (name, description, items) => ({ name, description, item: items });

// ---------------------------------------------------------------------------------------------
// EMR Serverless
// ---------------------------------------------------------------------------------------------

const appPath = "/applications/{{applicationId}}";
const sessionAppPath = "/applications/{{sessionApplicationId}}";

const getApplication = (name, expectedState, extra = []) =>
  emr({
    name,
    description: `GetApplication — GET /applications/{applicationId}. Expects the batch application in state ${expectedState}.`,
    method: "GET",
    path: appPath,
    tests: [
      ...ok(),
      test(
        `application is ${expectedState}`,
        `pm.expect(body.application.applicationId).to.eql(${v("applicationId")});`,
        `pm.expect(body.application.state).to.eql(${JSON.stringify(expectedState)});`,
      ),
      ...extra,
    ],
  });

const getJobRun = (name, runVar, expected, description, extra = []) =>
  emr({
    name,
    description,
    method: "GET",
    path: `${appPath}/jobruns/{{${runVar}}}`,
    tests: [
      ...ok(),
      test(
        `job run state is ${Array.isArray(expected) ? "one of " + expected.join(", ") : expected}`,
        `pm.expect(body.jobRun.jobRunId).to.eql(${v(runVar)});`,
        `pm.expect(body.jobRun.applicationId).to.eql(${v("applicationId")});`,
        Array.isArray(expected)
          ? `pm.expect(body.jobRun.state).to.be.oneOf(${JSON.stringify(expected)});`
          : `pm.expect(body.jobRun.state).to.eql(${JSON.stringify(expected)});`,
      ),
      ...extra,
    ],
  });

const getSession = (name, expected, description) =>
  emr({
    name,
    description,
    method: "GET",
    path: `${sessionAppPath}/sessions/{{sessionId}}`,
    tests: [
      ...ok(),
      test(
        `session state is ${Array.isArray(expected) ? "one of " + expected.join(", ") : expected}`,
        `pm.expect(body.session.sessionId).to.eql(${v("sessionId")});`,
        `pm.expect(body.session.applicationId).to.eql(${v("sessionApplicationId")});`,
        Array.isArray(expected)
          ? `pm.expect(body.session.state).to.be.oneOf(${JSON.stringify(expected)});`
          : `pm.expect(body.session.state).to.eql(${JSON.stringify(expected)});`,
      ),
      test(
        "session fields",
        'pm.expect(body.session.releaseLabel).to.eql("emr-7.13.0");',
        `pm.expect(body.session.executionRoleArn).to.eql(${env("executionRoleArn")});`,
        `pm.expect(body.session.createdBy).to.eql("arn:aws:iam::" + ${env("accountId")} + ":user/trailbox");`,
        `pm.expect(body.session.arn).to.eql(${v("sessionApplicationArn")} + "/sessions/" + ${v("sessionId")});`,
        'pm.expect(body.session.createdAt).to.be.a("number");',
      ),
    ],
  });

const listTagsForResource = (name, expected, absent, description) =>
  emr({
    name,
    description,
    method: "GET",
    path: "/tags/{{applicationArnEncoded}}",
    prerequest: [encodeArn("applicationArn", "applicationArnEncoded")],
    tests: [
      ...ok(),
      test(
        "tags are as expected",
        `pm.expect(body.tags).to.eql(${JSON.stringify(expected)});`,
        ...absent.map((k) => `pm.expect(body.tags).to.not.have.property(${JSON.stringify(k)});`),
      ),
    ],
  });

const emrItems = [
  emr({
    name: "CreateApplication",
    description:
      "CreateApplication — POST /applications. Creates the Spark batch application the rest of the folder uses and " +
      "captures applicationId, applicationArn and the response's x-amzn-RequestId (checked later against the " +
      "CloudTrail event's requestID).",
    method: "POST",
    path: "/applications",
    body: {
      name: "postman-batch",
      releaseLabel: "emr-7.1.0",
      type: "SPARK",
      clientToken: "{{$guid}}",
      tags: { team: "postman" },
    },
    tests: [
      ...ok(),
      idTest("body.applicationId", "applicationId"),
      test(
        "name and arn",
        'pm.expect(body.name).to.eql("postman-batch");',
        `pm.expect(body.arn).to.eql("arn:aws:emr-serverless:" + ${env("region")} + ":" + ${env("accountId")} + ":/applications/" + body.applicationId);`,
      ),
      set("applicationId", "body.applicationId"),
      set("applicationArn", "body.arn"),
      set("createApplicationRequestId", 'pm.response.headers.get("x-amzn-RequestId")'),
    ],
  }),
  advanceClock(2, "the new application goes from CREATING to CREATED (1 s)"),
  getApplication("GetApplication", "CREATED", [
    test(
      "defaults the service fills in",
      'pm.expect(body.application.name).to.eql("postman-batch");',
      `pm.expect(body.application.arn).to.eql(${v("applicationArn")});`,
      'pm.expect(body.application.releaseLabel).to.eql("emr-7.1.0");',
      'pm.expect(body.application.type).to.eql("Spark");',
      'pm.expect(body.application.architecture).to.eql("X86_64");',
      "pm.expect(body.application.autoStartConfiguration).to.eql({ enabled: true });",
      "pm.expect(body.application.autoStopConfiguration).to.eql({ enabled: true, idleTimeoutMinutes: 15 });",
      'pm.expect(body.application.tags).to.eql({ team: "postman" });',
      'pm.expect(body.application.createdAt).to.be.a("number");',
      'pm.expect(body.application.updatedAt).to.be.a("number");',
    ),
  ]),
  emr({
    name: "ListApplications",
    description: "ListApplications — GET /applications?states=CREATED. The batch application is listed as CREATED.",
    method: "GET",
    path: "/applications",
    query: [
      ["states", "CREATED"],
      ["maxResults", "50"],
    ],
    tests: [
      ...ok(),
      test(
        "the application is listed as CREATED",
        'pm.expect(body.applications).to.be.an("array");',
        `const app = body.applications.find((a) => a.id === ${v("applicationId")});`,
        "pm.expect(app, 'application in the list').to.be.an('object');",
        'pm.expect(app.state).to.eql("CREATED");',
        'pm.expect(app.type).to.eql("Spark");',
        `pm.expect(app.arn).to.eql(${v("applicationArn")});`,
        'body.applications.forEach((a) => pm.expect(a.state).to.eql("CREATED"));',
      ),
    ],
  }),
  emr({
    name: "UpdateApplication",
    description:
      "UpdateApplication — PATCH /applications/{applicationId} (allowed in CREATED or STOPPED). Raises the auto-stop " +
      "idle timeout and sets a maximum capacity.",
    method: "PATCH",
    path: appPath,
    body: {
      clientToken: "{{$guid}}",
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 30 },
      maximumCapacity: { cpu: "16 vCPU", memory: "64 GB" },
    },
    tests: [
      ...ok(),
      test(
        "the update is applied",
        `pm.expect(body.application.applicationId).to.eql(${v("applicationId")});`,
        'pm.expect(body.application.state).to.eql("CREATED");',
        "pm.expect(body.application.autoStopConfiguration).to.eql({ enabled: true, idleTimeoutMinutes: 30 });",
        'pm.expect(body.application.maximumCapacity.cpu).to.eql("16 vCPU");',
        'pm.expect(body.application.maximumCapacity.memory).to.eql("64 GB");',
      ),
    ],
  }),
  emr({
    name: "StartApplication",
    description: "StartApplication — POST /applications/{applicationId}/start, no body. The application goes STARTING.",
    method: "POST",
    path: `${appPath}/start`,
    tests: [...ok(), emptyObject],
  }),
  advanceClock(2, "the application goes from STARTING to STARTED (1 s)"),
  getApplication("GetApplication (STARTED)", "STARTED"),
  emr({
    name: "StartJobRun",
    description:
      "StartJobRun — POST /applications/{applicationId}/jobruns. Submits a Spark job that succeeds (trailbox's default " +
      "outcome for BATCH runs) and captures jobRunId.",
    method: "POST",
    path: `${appPath}/jobruns`,
    body: {
      clientToken: "{{$guid}}",
      name: "postman-pi",
      executionRoleArn: "{{executionRoleArn}}",
      jobDriver: {
        sparkSubmit: {
          entryPoint: "s3://postman-bucket/scripts/pi.py",
          entryPointArguments: ["100"],
          sparkSubmitParameters: "--conf spark.executor.cores=1",
        },
      },
      tags: { team: "postman" },
    },
    tests: [
      ...ok(),
      idTest("body.jobRunId", "jobRunId"),
      test(
        "applicationId and arn",
        `pm.expect(body.applicationId).to.eql(${v("applicationId")});`,
        `pm.expect(body.arn).to.eql(${v("applicationArn")} + "/jobruns/" + body.jobRunId);`,
      ),
      set("jobRunId", "body.jobRunId"),
      set("jobRunArn", "body.arn"),
    ],
  }),
  getJobRun(
    "GetJobRun",
    "jobRunId",
    ["SUBMITTED", "PENDING", "SCHEDULED", "RUNNING"],
    "GetJobRun — GET /applications/{applicationId}/jobruns/{jobRunId}. Right after submission the run is not finished yet.",
    [
      test(
        "job run fields",
        'pm.expect(body.jobRun.name).to.eql("postman-pi");',
        `pm.expect(body.jobRun.arn).to.eql(${v("jobRunArn")});`,
        `pm.expect(body.jobRun.executionRole).to.eql(${env("executionRoleArn")});`,
        `pm.expect(body.jobRun.createdBy).to.eql("arn:aws:iam::" + ${env("accountId")} + ":user/trailbox");`,
        'pm.expect(body.jobRun.releaseLabel).to.eql("emr-7.1.0");',
        'pm.expect(body.jobRun.mode).to.eql("BATCH");',
        "pm.expect(body.jobRun.executionTimeoutMinutes).to.eql(720);",
        'pm.expect(body.jobRun.jobDriver.sparkSubmit.entryPoint).to.eql("s3://postman-bucket/scripts/pi.py");',
        'pm.expect(body.jobRun).to.not.have.property("totalExecutionDurationSeconds");',
      ),
    ],
  ),
  advanceClock(5, "the job run finishes (it ends about 3.5 s after submission)"),
  getJobRun(
    "GetJobRun (SUCCESS)",
    "jobRunId",
    "SUCCESS",
    "GetJobRun — the run has gone SUBMITTED → PENDING → SCHEDULED → RUNNING → SUCCESS.",
    [
      test(
        "a finished run has its end time and duration",
        'pm.expect(body.jobRun.startedAt).to.be.a("number");',
        'pm.expect(body.jobRun.endedAt).to.be.a("number");',
        "pm.expect(body.jobRun.endedAt).to.be.at.least(body.jobRun.startedAt);",
        'pm.expect(body.jobRun.totalExecutionDurationSeconds).to.be.a("number");',
      ),
    ],
  ),
  emr({
    name: "ListJobRuns",
    description: "ListJobRuns — GET /applications/{applicationId}/jobruns?states=SUCCESS.",
    method: "GET",
    path: `${appPath}/jobruns`,
    query: [
      ["states", "SUCCESS"],
      ["maxResults", "10"],
    ],
    tests: [
      ...ok(),
      test(
        "the finished run is listed",
        'pm.expect(body.jobRuns).to.be.an("array");',
        `const run = body.jobRuns.find((r) => r.id === ${v("jobRunId")});`,
        "pm.expect(run, 'job run in the list').to.be.an('object');",
        'pm.expect(run.state).to.eql("SUCCESS");',
        `pm.expect(run.applicationId).to.eql(${v("applicationId")});`,
        `pm.expect(run.arn).to.eql(${v("jobRunArn")});`,
      ),
    ],
  }),
  emr({
    name: "ListJobRunAttempts",
    description: "ListJobRunAttempts — GET /applications/{applicationId}/jobruns/{jobRunId}/attempts. One attempt, SUCCESS.",
    method: "GET",
    path: `${appPath}/jobruns/{{jobRunId}}/attempts`,
    tests: [
      ...ok(),
      test(
        "one successful attempt",
        "pm.expect(body.jobRunAttempts).to.have.lengthOf(1);",
        "const attempt = body.jobRunAttempts[0];",
        `pm.expect(attempt.id).to.eql(${v("jobRunId")});`,
        "pm.expect(attempt.attempt).to.eql(1);",
        'pm.expect(attempt.state).to.eql("SUCCESS");',
        'pm.expect(body).to.not.have.property("nextToken");',
      ),
    ],
  }),
  emr({
    name: "GetDashboardForJobRun",
    description:
      "GetDashboardForJobRun — GET /applications/{applicationId}/jobruns/{jobRunId}/dashboard. Returns a link (valid " +
      "one hour) to a page served by trailbox; captured as dashboardUrl and opened in the admin folder.",
    method: "GET",
    path: `${appPath}/jobruns/{{jobRunId}}/dashboard`,
    tests: [
      ...ok(),
      test(
        "url points at the run's dashboard",
        'pm.expect(body.url).to.be.a("string");',
        `pm.expect(body.url).to.match(/^https?:\\/\\//);`,
        `pm.expect(body.url).to.include("/applications/" + ${v("applicationId")} + "/jobruns/" + ${v("jobRunId")});`,
      ),
      set("dashboardUrl", "body.url"),
    ],
  }),
  emr({
    name: "StartJobRun (hanging, to cancel)",
    description:
      'StartJobRun with the reserved tag "trailbox:outcome": "HANG": the run stays RUNNING until cancelled. Captures ' +
      "cancelJobRunId.",
    method: "POST",
    path: `${appPath}/jobruns`,
    body: {
      clientToken: "{{$guid}}",
      name: "postman-hang",
      executionRoleArn: "{{executionRoleArn}}",
      jobDriver: { sparkSubmit: { entryPoint: "s3://postman-bucket/scripts/stream.py" } },
      tags: { "trailbox:outcome": "HANG" },
    },
    tests: [
      ...ok(),
      idTest("body.jobRunId", "jobRunId"),
      test("applicationId", `pm.expect(body.applicationId).to.eql(${v("applicationId")});`),
      set("cancelJobRunId", "body.jobRunId"),
    ],
  }),
  emr({
    name: "CancelJobRun",
    description: "CancelJobRun — DELETE /applications/{applicationId}/jobruns/{jobRunId}. The run goes CANCELLING.",
    method: "DELETE",
    path: `${appPath}/jobruns/{{cancelJobRunId}}`,
    tests: [
      ...ok(),
      test(
        "returns the ids",
        `pm.expect(body.applicationId).to.eql(${v("applicationId")});`,
        `pm.expect(body.jobRunId).to.eql(${v("cancelJobRunId")});`,
      ),
    ],
  }),
  advanceClock(2, "the cancelled run goes from CANCELLING to CANCELLED (1 s)"),
  getJobRun(
    "GetJobRun (CANCELLED)",
    "cancelJobRunId",
    "CANCELLED",
    "GetJobRun — the hanging run is CANCELLED.",
    [test("stateDetails says why", 'pm.expect(body.jobRun.stateDetails).to.match(/cancel/i);')],
  ),
  emr({
    name: "CreateApplication (interactive, for sessions)",
    description:
      "CreateApplication for interactive sessions: releaseLabel emr-7.13.0 (sessions need 7.13.0 or later) and " +
      "interactiveConfiguration.sessionEnabled true. Captures sessionApplicationId.",
    method: "POST",
    path: "/applications",
    body: {
      name: "postman-interactive",
      releaseLabel: "emr-7.13.0",
      type: "SPARK",
      clientToken: "{{$guid}}",
      interactiveConfiguration: { sessionEnabled: true },
    },
    tests: [
      ...ok(),
      idTest("body.applicationId", "applicationId"),
      test("name", 'pm.expect(body.name).to.eql("postman-interactive");'),
      set("sessionApplicationId", "body.applicationId"),
      set("sessionApplicationArn", "body.arn"),
    ],
  }),
  advanceClock(2, "the interactive application is CREATED"),
  emr({
    name: "StartSession",
    description:
      "StartSession — POST /applications/{applicationId}/sessions. Auto-start starts the application. Captures sessionId.",
    method: "POST",
    path: `${sessionAppPath}/sessions`,
    body: {
      clientToken: "{{$guid}}",
      name: "postman-notebook",
      executionRoleArn: "{{executionRoleArn}}",
      idleTimeoutMinutes: 60,
    },
    tests: [
      ...ok(),
      idTest("body.sessionId", "sessionId"),
      test(
        "applicationId and arn",
        `pm.expect(body.applicationId).to.eql(${v("sessionApplicationId")});`,
        `pm.expect(body.arn).to.eql(${v("sessionApplicationArn")} + "/sessions/" + body.sessionId);`,
      ),
      set("sessionId", "body.sessionId"),
      set("sessionArn", "body.arn"),
    ],
  }),
  advanceClock(5, "the application starts and the session goes STARTING → STARTED → IDLE"),
  getSession(
    "GetSession",
    "IDLE",
    "GetSession — GET /applications/{applicationId}/sessions/{sessionId}. The started session is IDLE.",
  ),
  emr({
    name: "GetSessionEndpoint",
    description:
      "GetSessionEndpoint — GET /applications/{applicationId}/sessions/{sessionId}/endpoint. Endpoint URL and a " +
      "short-lived auth token.",
    method: "GET",
    path: `${sessionAppPath}/sessions/{{sessionId}}/endpoint`,
    tests: [
      ...ok(),
      test(
        "endpoint and auth token",
        `pm.expect(body.applicationId).to.eql(${v("sessionApplicationId")});`,
        `pm.expect(body.sessionId).to.eql(${v("sessionId")});`,
        "pm.expect(body.endpoint).to.match(/^https?:\\/\\//);",
        'pm.expect(body.authToken).to.be.a("string").and.not.be.empty;',
        'pm.expect(body.authTokenExpiresAt).to.be.a("number");',
      ),
    ],
  }),
  emr({
    name: "GetResourceDashboard",
    description:
      "GetResourceDashboard — GET /applications/{applicationId}/dashboard?resourceId={sessionId}&resourceType=SESSION.",
    method: "GET",
    path: `${sessionAppPath}/dashboard`,
    query: [
      ["resourceId", "{{sessionId}}"],
      ["resourceType", "SESSION"],
    ],
    tests: [
      ...ok(),
      test(
        "url points at the session's dashboard",
        "pm.expect(body.url).to.match(/^https?:\\/\\//);",
        `pm.expect(body.url).to.include("/sessions/" + ${v("sessionId")});`,
      ),
    ],
  }),
  emr({
    name: "ListSessions",
    description: "ListSessions — GET /applications/{applicationId}/sessions.",
    method: "GET",
    path: `${sessionAppPath}/sessions`,
    query: [["maxResults", "10"]],
    tests: [
      ...ok(),
      test(
        "the session is listed",
        'pm.expect(body.sessions).to.be.an("array");',
        `const s = body.sessions.find((x) => x.sessionId === ${v("sessionId")});`,
        "pm.expect(s, 'session in the list').to.be.an('object');",
        'pm.expect(s.state).to.eql("IDLE");',
        `pm.expect(s.arn).to.eql(${v("sessionArn")});`,
      ),
    ],
  }),
  emr({
    name: "TerminateSession",
    description: "TerminateSession — DELETE /applications/{applicationId}/sessions/{sessionId}. The session goes TERMINATING.",
    method: "DELETE",
    path: `${sessionAppPath}/sessions/{{sessionId}}`,
    tests: [
      ...ok(),
      test(
        "returns the ids",
        `pm.expect(body.applicationId).to.eql(${v("sessionApplicationId")});`,
        `pm.expect(body.sessionId).to.eql(${v("sessionId")});`,
      ),
    ],
  }),
  advanceClock(2, "the session goes from TERMINATING to TERMINATED (1 s)"),
  getSession("GetSession (TERMINATED)", "TERMINATED", "GetSession — the session is TERMINATED."),
  emr({
    name: "TagResource",
    description:
      "TagResource — POST /tags/{resourceArn}. The pre-request script percent-encodes the application ARN as one path " +
      "segment (encodeURIComponent: ':' → %3A, '/' → %2F).",
    method: "POST",
    path: "/tags/{{applicationArnEncoded}}",
    prerequest: [encodeArn("applicationArn", "applicationArnEncoded")],
    body: { tags: { env: "dev", owner: "postman" } },
    tests: [...ok(), emptyObject],
  }),
  listTagsForResource(
    "ListTagsForResource",
    { team: "postman", env: "dev", owner: "postman" },
    [],
    "ListTagsForResource — GET /tags/{resourceArn}. The creation tag plus the two added by TagResource.",
  ),
  emr({
    name: "UntagResource",
    description: "UntagResource — DELETE /tags/{resourceArn}?tagKeys=env&tagKeys=owner (repeated query key).",
    method: "DELETE",
    path: "/tags/{{applicationArnEncoded}}",
    query: [
      ["tagKeys", "env"],
      ["tagKeys", "owner"],
    ],
    prerequest: [encodeArn("applicationArn", "applicationArnEncoded")],
    tests: [...ok(), emptyObject],
  }),
  listTagsForResource(
    "ListTagsForResource (after UntagResource)",
    { team: "postman" },
    ["env", "owner"],
    "ListTagsForResource — only the creation tag is left.",
  ),
  emr({
    name: "StopApplication",
    description:
      "StopApplication — POST /applications/{applicationId}/stop, no body (allowed once no run is active). The " +
      "application goes STOPPING.",
    method: "POST",
    path: `${appPath}/stop`,
    tests: [...ok(), emptyObject],
  }),
  advanceClock(2, "the application goes from STOPPING to STOPPED (1 s)"),
  getApplication("GetApplication (STOPPED)", "STOPPED"),
  emr({
    name: "DeleteApplication",
    description: "DeleteApplication — DELETE /applications/{applicationId} (allowed in CREATED or STOPPED).",
    method: "DELETE",
    path: appPath,
    tests: [...ok(), emptyObject],
  }),
  getApplication("GetApplication (TERMINATED)", "TERMINATED"),
];

// ---------------------------------------------------------------------------------------------
// CloudTrail
// ---------------------------------------------------------------------------------------------

const ctOk = () => ok("application/x-amz-json-1.1");

const getTrailStatus = (name, description, checks) =>
  ct({
    name,
    operation: "GetTrailStatus",
    description,
    body: { Name: "{{trailName}}" },
    tests: [...ctOk(), ...checks],
  });

const listTags = (name, expected, description) =>
  ct({
    name,
    operation: "ListTags",
    description,
    body: { ResourceIdList: ["{{trailArn}}"] },
    tests: [
      ...ctOk(),
      test(
        "the trail's tags",
        "pm.expect(body.ResourceTagList).to.have.lengthOf(1);",
        `pm.expect(body.ResourceTagList[0].ResourceId).to.eql(${v("trailArn")});`,
        "const tags = {}; body.ResourceTagList[0].TagsList.forEach((t) => { tags[t.Key] = t.Value; });",
        `pm.expect(tags).to.eql(${JSON.stringify(expected)});`,
      ),
    ],
  });

const lookupByResource = {
  LookupAttributes: [{ AttributeKey: "ResourceName", AttributeValue: "{{applicationArn}}" }],
  MaxResults: 5,
};

const ctItems = [
  ct({
    name: "LookupEvents (CreateApplication)",
    operation: "LookupEvents",
    description:
      "LookupEvents with EventName=CreateApplication. The CreateApplication call of the EMR Serverless folder is in " +
      "Event history with requestID equal to that response's x-amzn-RequestId, recorded as the unsigned caller " +
      '(IAM user "trailbox").',
    body: {
      LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "CreateApplication" }],
      MaxResults: 50,
    },
    tests: [
      ...ctOk(),
      test(
        "only CreateApplication events, newest first",
        'pm.expect(body.Events).to.be.an("array").that.is.not.empty;',
        'body.Events.forEach((e) => pm.expect(e.EventName).to.eql("CreateApplication"));',
        "for (let i = 1; i < body.Events.length; i++) pm.expect(body.Events[i - 1].EventTime).to.be.at.least(body.Events[i].EventTime);",
      ),
      test(
        "the CreateApplication call is recorded with the response's request id",
        `const requestId = ${v("createApplicationRequestId")};`,
        "pm.expect(requestId, 'captured x-amzn-RequestId').to.be.a('string').and.not.be.empty;",
        "const event = body.Events.find((e) => JSON.parse(e.CloudTrailEvent).requestID === requestId);",
        "pm.expect(event, 'event with requestID ' + requestId).to.be.an('object');",
        "const record = JSON.parse(event.CloudTrailEvent);",
        'pm.expect(record.eventSource).to.eql("emr-serverless.amazonaws.com");',
        'pm.expect(record.eventName).to.eql("CreateApplication");',
        `pm.expect(record.awsRegion).to.eql(${env("region")});`,
        `pm.expect(record.recipientAccountId).to.eql(${env("accountId")});`,
        'pm.expect(record.eventVersion).to.eql("1.08");',
        "pm.expect(record.readOnly).to.eql(false);",
        'pm.expect(record.userIdentity.type).to.eql("IAMUser");',
        `pm.expect(record.userIdentity.arn).to.eql("arn:aws:iam::" + ${env("accountId")} + ":user/trailbox");`,
        `pm.expect(record.responseElements.applicationId).to.eql(${v("applicationId")});`,
        'pm.expect(record.requestParameters.releaseLabel).to.eql("emr-7.1.0");',
        'pm.expect(event.Username).to.eql("trailbox");',
        'pm.expect(event.ReadOnly).to.eql("false");',
        'pm.expect(event.EventSource).to.eql("emr-serverless.amazonaws.com");',
        "pm.expect(event.EventId).to.eql(record.eventID);",
        'pm.expect(event.EventTime).to.be.a("number");',
        `pm.expect(event.Resources).to.deep.include({ ResourceType: "AWS::EMRServerless::Application", ResourceName: ${v("applicationArn")} });`,
      ),
    ],
  }),
  ct({
    name: "LookupEvents (by ResourceName, page 1)",
    operation: "LookupEvents",
    description:
      "LookupEvents with ResourceName=<application ARN> and MaxResults=5: the batch application saw more than five " +
      "calls, so a NextToken comes back. Captures it and the page's event ids.",
    body: lookupByResource,
    tests: [
      ...ctOk(),
      test(
        "a full page about the application, with a NextToken",
        "pm.expect(body.Events).to.have.lengthOf(5);",
        `body.Events.forEach((e) => pm.expect(e.Resources.map((r) => r.ResourceName)).to.include(${v("applicationArn")}));`,
        'pm.expect(body.NextToken).to.be.a("string").and.not.be.empty;',
      ),
      set("lookupNextToken", "body.NextToken"),
      set("lookupPage1EventIds", "JSON.stringify(body.Events.map((e) => e.EventId))"),
    ],
  }),
  ct({
    name: "LookupEvents (by ResourceName, page 2)",
    operation: "LookupEvents",
    description: "LookupEvents, next page: the same parameters plus the NextToken of page 1.",
    body: { ...lookupByResource, NextToken: "{{lookupNextToken}}" },
    tests: [
      ...ctOk(),
      test(
        "the next page continues without repeating events",
        'pm.expect(body.Events).to.be.an("array").that.is.not.empty;',
        `const seen = JSON.parse(${v("lookupPage1EventIds")});`,
        "body.Events.forEach((e) => pm.expect(seen).to.not.include(e.EventId));",
        `body.Events.forEach((e) => pm.expect(e.Resources.map((r) => r.ResourceName)).to.include(${v("applicationArn")}));`,
        `if (body.NextToken !== undefined) pm.expect(body.NextToken).to.not.eql(${v("lookupNextToken")});`,
      ),
    ],
  }),
  ct({
    name: "CreateTrail",
    operation: "CreateTrail",
    description:
      "CreateTrail — a trail named postman-trail-<timestamp> (set by the pre-request script) delivering to a bucket. " +
      "Created stopped: logging starts with StartLogging.",
    prerequest: [set("trailName", '"postman-trail-" + Date.now()')],
    body: {
      Name: "{{trailName}}",
      S3BucketName: "{{s3BucketName}}",
      TagsList: [{ Key: "team", Value: "postman" }],
    },
    tests: [
      ...ctOk(),
      test(
        "trail settings and defaults",
        `pm.expect(body.Name).to.eql(${v("trailName")});`,
        `pm.expect(body.S3BucketName).to.eql(${env("s3BucketName")});`,
        `pm.expect(body.TrailARN).to.eql("arn:aws:cloudtrail:" + ${env("region")} + ":" + ${env("accountId")} + ":trail/" + ${v("trailName")});`,
        "pm.expect(body.IncludeGlobalServiceEvents).to.eql(true);",
        "pm.expect(body.IsMultiRegionTrail).to.eql(false);",
        "pm.expect(body.LogFileValidationEnabled).to.eql(false);",
        "pm.expect(body.IsOrganizationTrail).to.eql(false);",
      ),
      set("trailArn", "body.TrailARN"),
    ],
  }),
  ct({
    name: "GetTrail",
    operation: "GetTrail",
    description: "GetTrail — the trail's settings, with HomeRegion and the Has*Selectors flags.",
    body: { Name: "{{trailName}}" },
    tests: [
      ...ctOk(),
      test(
        "the trail",
        `pm.expect(body.Trail.Name).to.eql(${v("trailName")});`,
        `pm.expect(body.Trail.TrailARN).to.eql(${v("trailArn")});`,
        `pm.expect(body.Trail.HomeRegion).to.eql(${env("region")});`,
        "pm.expect(body.Trail.HasCustomEventSelectors).to.eql(false);",
        "pm.expect(body.Trail.HasInsightSelectors).to.eql(false);",
      ),
    ],
  }),
  ct({
    name: "DescribeTrails",
    operation: "DescribeTrails",
    description: "DescribeTrails with trailNameList=[trail name].",
    body: { trailNameList: ["{{trailName}}"], includeShadowTrails: true },
    tests: [
      ...ctOk(),
      test(
        "exactly the named trail",
        "pm.expect(body.trailList).to.have.lengthOf(1);",
        `pm.expect(body.trailList[0].Name).to.eql(${v("trailName")});`,
        `pm.expect(body.trailList[0].TrailARN).to.eql(${v("trailArn")});`,
        `pm.expect(body.trailList[0].HomeRegion).to.eql(${env("region")});`,
      ),
    ],
  }),
  ct({
    name: "ListTrails",
    operation: "ListTrails",
    description: "ListTrails — {TrailARN, Name, HomeRegion} of every trail visible in the region.",
    tests: [
      ...ctOk(),
      test(
        "the trail is listed",
        `pm.expect(body.Trails).to.deep.include({ TrailARN: ${v("trailArn")}, Name: ${v("trailName")}, HomeRegion: ${env("region")} });`,
      ),
    ],
  }),
  ct({
    name: "UpdateTrail",
    operation: "UpdateTrail",
    description: "UpdateTrail — adds an S3 key prefix and turns on log file validation (digest files).",
    body: { Name: "{{trailName}}", S3KeyPrefix: "postman", EnableLogFileValidation: true },
    tests: [
      ...ctOk(),
      test(
        "the update is applied",
        `pm.expect(body.Name).to.eql(${v("trailName")});`,
        'pm.expect(body.S3KeyPrefix).to.eql("postman");',
        "pm.expect(body.LogFileValidationEnabled).to.eql(true);",
        `pm.expect(body.TrailARN).to.eql(${v("trailArn")});`,
      ),
    ],
  }),
  ct({
    name: "StartLogging",
    operation: "StartLogging",
    description: "StartLogging — the trail delivers the events recorded from now on.",
    body: { Name: "{{trailName}}" },
    tests: [...ctOk(), emptyObject],
  }),
  getTrailStatus("GetTrailStatus (logging)", "GetTrailStatus — IsLogging true; nothing delivered yet.", [
    test(
      "logging, not yet delivered",
      "pm.expect(body.IsLogging).to.eql(true);",
      'pm.expect(body.StartLoggingTime).to.be.a("number");',
      "pm.expect(body.TimeLoggingStarted).to.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$/);",
      'pm.expect(body.LatestDeliveryAttemptTime).to.eql("");',
      'pm.expect(body).to.not.have.property("LatestDeliveryTime");',
    ),
  ]),
  ct({
    name: "PutEventSelectors",
    operation: "PutEventSelectors",
    description: "PutEventSelectors — one basic selector: write-only management events.",
    body: {
      TrailName: "{{trailName}}",
      EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }],
    },
    tests: [
      ...ctOk(),
      test(
        "the selectors are returned",
        `pm.expect(body.TrailARN).to.eql(${v("trailArn")});`,
        "pm.expect(body.EventSelectors).to.have.lengthOf(1);",
        'pm.expect(body.EventSelectors[0].ReadWriteType).to.eql("WriteOnly");',
        "pm.expect(body.EventSelectors[0].IncludeManagementEvents).to.eql(true);",
      ),
    ],
  }),
  ct({
    name: "GetEventSelectors",
    operation: "GetEventSelectors",
    description: "GetEventSelectors — the selector just put.",
    body: { TrailName: "{{trailName}}" },
    tests: [
      ...ctOk(),
      test(
        "write-only management events",
        `pm.expect(body.TrailARN).to.eql(${v("trailArn")});`,
        "pm.expect(body.EventSelectors).to.have.lengthOf(1);",
        'pm.expect(body.EventSelectors[0].ReadWriteType).to.eql("WriteOnly");',
        'pm.expect(body).to.not.have.property("AdvancedEventSelectors");',
      ),
    ],
  }),
  ct({
    name: "AddTags",
    operation: "AddTags",
    description: "AddTags — ResourceId is the trail ARN.",
    body: { ResourceId: "{{trailArn}}", TagsList: [{ Key: "env", Value: "dev" }] },
    tests: [...ctOk(), emptyObject],
  }),
  listTags("ListTags", { team: "postman", env: "dev" }, "ListTags — the creation tag and the added one."),
  ct({
    name: "RemoveTags",
    operation: "RemoveTags",
    description: "RemoveTags — removes the env tag.",
    body: { ResourceId: "{{trailArn}}", TagsList: [{ Key: "env" }] },
    tests: [...ctOk(), emptyObject],
  }),
  listTags("ListTags (after RemoveTags)", { team: "postman" }, "ListTags — only the creation tag is left."),
  ct({
    name: "ListPublicKeys",
    operation: "ListPublicKeys",
    description: "ListPublicKeys — the key that signs digest files (base64 DER, matched by fingerprint).",
    tests: [
      ...ctOk(),
      test(
        "one public key",
        'pm.expect(body.PublicKeyList).to.be.an("array").that.is.not.empty;',
        "const key = body.PublicKeyList[0];",
        "pm.expect(key.Value).to.match(/^[A-Za-z0-9+\\/]+=*$/);",
        "pm.expect(key.Fingerprint).to.match(/^[0-9a-f]{32}$/);",
        'pm.expect(key.ValidityStartTime).to.be.a("number");',
        "pm.expect(key.ValidityEndTime).to.be.above(key.ValidityStartTime);",
      ),
    ],
  }),
  item({
    name: "trailbox: deliver trail logs now",
    description:
      "POST /_trailbox/trails/deliver?digest=true — trailbox's admin endpoint that delivers pending log files (and, " +
      "with digest=true, a digest file) at once instead of every 5 minutes. Files go to <s3-dir>/<bucket>/<key>.",
    method: "POST",
    path: "/_trailbox/trails/deliver",
    query: [["digest", "true"]],
    tests: [
      ...ok(),
      test(
        "a log file was delivered for the trail",
        'pm.expect(body.logFiles).to.be.an("array");',
        "pm.expect(body.errors).to.eql([]);",
        `const prefix = "postman/AWSLogs/" + ${env("accountId")} + "/CloudTrail/" + ${env("region")} + "/";`,
        "pm.expect(body.logFiles.some((k) => k.startsWith(prefix) && k.endsWith('.json.gz')), prefix).to.eql(true);",
      ),
    ],
  }),
  getTrailStatus("GetTrailStatus (delivered)", "GetTrailStatus — after the delivery the Latest* fields are set.", [
    test(
      "delivery times",
      "pm.expect(body.IsLogging).to.eql(true);",
      'pm.expect(body.LatestDeliveryTime).to.be.a("number");',
      "pm.expect(body.LatestDeliveryAttemptTime).to.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$/);",
      "pm.expect(body.LatestDeliveryAttemptSucceeded).to.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$/);",
      'pm.expect(body).to.not.have.property("LatestDeliveryError");',
    ),
  ]),
  ct({
    name: "StopLogging",
    operation: "StopLogging",
    description: "StopLogging — the trail stops delivering.",
    body: { Name: "{{trailName}}" },
    tests: [...ctOk(), emptyObject],
  }),
  getTrailStatus("GetTrailStatus (stopped)", "GetTrailStatus — IsLogging false, with the stop time.", [
    test(
      "not logging",
      "pm.expect(body.IsLogging).to.eql(false);",
      'pm.expect(body.StopLoggingTime).to.be.a("number");',
      "pm.expect(body.TimeLoggingStopped).to.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$/);",
    ),
  ]),
  ct({
    name: "DeleteTrail",
    operation: "DeleteTrail",
    description: "DeleteTrail — the trail is gone (its delivered files stay, as objects in S3 do).",
    body: { Name: "{{trailName}}" },
    tests: [...ctOk(), emptyObject],
  }),
];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const errorItems = [
  emr({
    name: "GetApplication (unknown id) → 404 ResourceNotFoundException",
    description:
      "restJson1 error: status from the model (404), code in the x-amzn-ErrorType header, {\"message\": ...} body.",
    method: "GET",
    path: "/applications/00zzzzzzzzzzzzzz",
    tests: emrError("ResourceNotFoundException", 404, '"00zzzzzzzzzzzzzz"'),
  }),
  emr({
    name: "CreateApplication (unknown release label) → 400 ValidationException",
    description: "CreateApplication with a releaseLabel that names no EMR release.",
    method: "POST",
    path: "/applications",
    body: { name: "postman-bad", releaseLabel: "emr-0.0.1", type: "SPARK", clientToken: "{{$guid}}" },
    tests: emrError("ValidationException", 400, '"emr-0.0.1"'),
  }),
  emr({
    name: "ListApplications (maxResults=100) → 400 ValidationException",
    description: "maxResults must be 1–50; the server enforces the maximum (botocore only checks the minimum).",
    method: "GET",
    path: "/applications",
    query: [["maxResults", "100"]],
    tests: emrError("ValidationException", 400, '"maxResults"'),
  }),
  emr({
    name: "UpdateApplication (STARTED) → 400 ValidationException",
    description:
      "An application can only be updated in CREATED or STOPPED; the interactive application was started by StartSession.",
    method: "PATCH",
    path: sessionAppPath,
    body: { clientToken: "{{$guid}}", autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 20 } },
    tests: emrError("ValidationException", 400, '"STARTED"'),
  }),
  emr({
    name: "CancelJobRun (already finished) → 400 ValidationException",
    description: "A job run that ended (SUCCESS) cannot be cancelled.",
    method: "DELETE",
    path: `${appPath}/jobruns/{{jobRunId}}`,
    tests: emrError("ValidationException", 400, '"SUCCESS"'),
  }),
  ct({
    name: "LookupEvents (two attributes) → InvalidLookupAttributesException",
    operation: "LookupEvents",
    description: "LookupAttributes can contain only one item; awsJson1_1 errors are 400 with the code in the body's __type.",
    body: {
      LookupAttributes: [
        { AttributeKey: "EventName", AttributeValue: "CreateApplication" },
        { AttributeKey: "Username", AttributeValue: "trailbox" },
      ],
    },
    tests: ctError("InvalidLookupAttributesException"),
  }),
  ct({
    name: "LookupEvents (MaxResults=51) → InvalidMaxResultsException",
    operation: "LookupEvents",
    description: "MaxResults must be 1–50.",
    body: { MaxResults: 51 },
    tests: ctError("InvalidMaxResultsException"),
  }),
  ct({
    name: "GetTrail (deleted trail) → TrailNotFoundException",
    operation: "GetTrail",
    description: "The trail deleted at the end of the CloudTrail folder is unknown now.",
    body: { Name: "{{trailName}}" },
    tests: ctError(
      "TrailNotFoundException",
      `"Unknown trail: " + ${v("trailName")} + " for the user: " + ${env("accountId")}`,
    ),
  }),
  item({
    name: "Unknown X-Amz-Target → UnknownOperationException",
    description: "An X-Amz-Target naming no CloudTrail operation.",
    method: "POST",
    path: "/",
    headers: [
      { key: "X-Amz-Target", value: CT_TARGET + "NoSuchOperation" },
      { key: "Content-Type", value: "application/x-amz-json-1.1" },
    ],
    body: {},
    tests: ctError("UnknownOperationException"),
  }),
];

// ---------------------------------------------------------------------------------------------
// trailbox admin
// ---------------------------------------------------------------------------------------------

const adminItems = [
  item({
    name: "Health",
    description: "GET /_trailbox/health — the Docker HEALTHCHECK.",
    method: "GET",
    path: "/_trailbox/health",
    tests: [
      ...ok(),
      test(
        "status ok",
        'pm.expect(body.status).to.eql("ok");',
        "pm.expect(body.now).to.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$/);",
      ),
    ],
  }),
  item({
    name: "Clock (read)",
    description: "GET /_trailbox/clock — emulated now and the offset from real time (the collection moved it forward).",
    method: "GET",
    path: "/_trailbox/clock",
    tests: [
      ...ok(),
      test(
        "now, nowMs and offsetMs",
        "pm.expect(body.now).to.match(/^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$/);",
        'pm.expect(body.nowMs).to.be.a("number");',
        'pm.expect(body.offsetMs).to.be.at.least(Number(pm.collectionVariables.get("clockOffsetMs") || 0));',
        "pm.expect(body.nowMs).to.be.at.least(Date.now() + body.offsetMs - 60000);",
      ),
      set("clockOffsetMs", "body.offsetMs"),
    ],
  }),
  advanceClock(60, "emulated time is a minute ahead (the clock only moves forward)"),
  item({
    name: "Events (CreateApplication)",
    description:
      "GET /_trailbox/events?eventName=CreateApplication — raw CloudTrail records, oldest first, as a trail log file " +
      "holds them. The batch application's record carries the request id of its response.",
    method: "GET",
    path: "/_trailbox/events",
    query: [
      ["eventName", "CreateApplication"],
      ["eventSource", "emr-serverless.amazonaws.com"],
      ["limit", "1000"],
    ],
    tests: [
      ...ok(),
      test(
        "records of CreateApplication, with the captured request id",
        'pm.expect(body.Records).to.be.an("array").that.is.not.empty;',
        'body.Records.forEach((r) => pm.expect(r.eventName).to.eql("CreateApplication"));',
        `const record = body.Records.find((r) => r.requestID === ${v("createApplicationRequestId")});`,
        "pm.expect(record, 'record of the batch application').to.be.an('object');",
        `pm.expect(record.responseElements.applicationId).to.eql(${v("applicationId")});`,
        'pm.expect(record.requestParameters.tags).to.eql({ team: "postman" });',
        'const failed = body.Records.find((r) => r.requestParameters.releaseLabel === "emr-0.0.1");',
        "pm.expect(failed, 'the rejected CreateApplication is recorded too').to.be.an('object');",
        'pm.expect(failed.errorCode).to.eql("ValidationException");',
        "pm.expect(failed.responseElements).to.eql(null);",
      ),
      test("x-trailbox-last-seq header", 'pm.expect(pm.response.headers.get("x-trailbox-last-seq")).to.match(/^\\d+$/);'),
    ],
  }),
  item({
    name: "Events count (errors only)",
    description: "GET /_trailbox/events/count?errorsOnly=true — the calls of the Errors folder are recorded too.",
    method: "GET",
    path: "/_trailbox/events/count",
    query: [["errorsOnly", "true"]],
    tests: [...ok(), test("at least the Errors folder's calls", "pm.expect(body.count).to.be.at.least(8);")],
  }),
  item({
    name: "Resources",
    description: "GET /_trailbox/resources — every application, job run and session with its state.",
    method: "GET",
    path: "/_trailbox/resources",
    tests: [
      ...ok(),
      test(
        "the collection's resources and their final states",
        `const app = body.applications.find((a) => a.applicationId === ${v("applicationId")});`,
        'pm.expect(app.state).to.eql("TERMINATED");',
        `const run = body.jobRuns.find((r) => r.jobRunId === ${v("jobRunId")});`,
        'pm.expect(run.state).to.eql("SUCCESS");',
        `const cancelled = body.jobRuns.find((r) => r.jobRunId === ${v("cancelJobRunId")});`,
        'pm.expect(cancelled.state).to.eql("CANCELLED");',
        `const session = body.sessions.find((s) => s.sessionId === ${v("sessionId")});`,
        'pm.expect(session.state).to.eql("TERMINATED");',
      ),
    ],
  }),
  item({
    name: "Config",
    description: "GET /_trailbox/config — the running configuration, lifecycle timings included.",
    method: "GET",
    path: "/_trailbox/config",
    tests: [
      ...ok(),
      test(
        "account, region and timings",
        `pm.expect(body.defaultAccountId).to.eql(${env("accountId")});`,
        `pm.expect(body.defaultRegion).to.eql(${env("region")});`,
        'pm.expect(body.timings).to.be.an("object");',
        'pm.expect(body.timings.app_creating).to.be.a("number");',
      ),
    ],
  }),
  item({
    name: "Job run dashboard page",
    description: "Opens the URL GetDashboardForJobRun returned: an HTML page served by trailbox.",
    method: "GET",
    path: "",
    tests: [
      status(200),
      requestIdHeader,
      contentType("text/html"),
      test("names the job run", `pm.expect(pm.response.text()).to.include(${v("jobRunId")});`),
    ],
  }),
];
// The dashboard URL is absolute (it was returned by the server).
adminItems[adminItems.length - 1].request.url = "{{dashboardUrl}}";

// ---------------------------------------------------------------------------------------------
// Collection and environment
// ---------------------------------------------------------------------------------------------

const variables = [
  ["baseUrl", "http://127.0.0.1:4566", "trailbox endpoint (the environment overrides it)"],
  ["accountId", "123456789012", "account of unsigned requests (the environment overrides it)"],
  ["region", "us-east-1", "region of unsigned requests (the environment overrides it)"],
  ["executionRoleArn", "arn:aws:iam::123456789012:role/EMRServerlessJobRole", "role for job runs and sessions"],
  ["s3BucketName", "postman-trail-logs", "bucket the trail delivers to"],
  ["applicationId", "", "captured: batch application"],
  ["applicationArn", "", "captured"],
  ["applicationArnEncoded", "", "pre-request: encodeURIComponent(applicationArn)"],
  ["createApplicationRequestId", "", "captured: x-amzn-RequestId of CreateApplication"],
  ["jobRunId", "", "captured"],
  ["jobRunArn", "", "captured"],
  ["cancelJobRunId", "", "captured: the run that is cancelled"],
  ["dashboardUrl", "", "captured: GetDashboardForJobRun url"],
  ["sessionApplicationId", "", "captured: interactive application"],
  ["sessionApplicationArn", "", "captured"],
  ["sessionId", "", "captured"],
  ["sessionArn", "", "captured"],
  ["trailName", "", "pre-request: postman-trail-<timestamp>"],
  ["trailArn", "", "captured"],
  ["lookupNextToken", "", "captured: LookupEvents NextToken"],
  ["lookupPage1EventIds", "", "captured"],
  ["clockOffsetMs", "", "captured: trailbox clock offset"],
];

const collection = {
  info: {
    _postman_id: "6f0d5a52-8c5e-4a33-9d5c-7472a11b0c01",
    name: "trailbox",
    description:
      "AWS EMR Serverless (restJson1) and CloudTrail (awsJson1_1) against trailbox, the local emulator. Requests are " +
      "unsigned: trailbox treats them as IAM user \"trailbox\" in account 123456789012, region us-east-1.\n\n" +
      "Run the folders in order against a fresh server (`scripts/run.sh`, or `tests/e2e/postman/run_newman.sh`, which " +
      "starts one). Time is moved forward with POST /_trailbox/clock instead of waiting; ids are captured from " +
      "responses into collection variables. Generated by scripts/postman/build_collection.mjs: edit that file, not " +
      "this one.",
    schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
  },
  item: [
    folder(
      "EMR Serverless",
      "All 22 EMR Serverless operations (restJson1: operation = method + path, JSON bodies, errors in x-amzn-ErrorType).",
      emrItems,
    ),
    folder(
      "CloudTrail",
      "Every CloudTrail operation trailbox implements: LookupEvents (Event history) and the trail APIs. awsJson1_1: " +
        "POST / with X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>.",
      ctItems,
    ),
    folder("Errors", "AWS-shaped errors of both protocols.", errorItems),
    folder(
      "trailbox admin",
      "trailbox's own endpoints under /_trailbox/ (no signature). POST /_trailbox/reset is deliberately not part of " +
        "the collection.",
      adminItems,
    ),
  ],
  variable: variables.map(([key, value, description]) => ({ key, value, type: "string", description })),
};

const environment = {
  id: "0b7f3c1e-2d4a-4f7e-8a55-9c3d1e2f4a60",
  name: "trailbox (local)",
  values: [
    { key: "baseUrl", value: "http://127.0.0.1:4566", type: "default", enabled: true },
    { key: "accountId", value: "123456789012", type: "default", enabled: true },
    { key: "region", value: "us-east-1", type: "default", enabled: true },
    {
      key: "executionRoleArn",
      value: "arn:aws:iam::123456789012:role/EMRServerlessJobRole",
      type: "default",
      enabled: true,
    },
    { key: "s3BucketName", value: "postman-trail-logs", type: "default", enabled: true },
  ],
  _postman_variable_scope: "environment",
};

const outputs = [
  [COLLECTION_FILE, JSON.stringify(collection, null, 2) + "\n"],
  [ENVIRONMENT_FILE, JSON.stringify(environment, null, 2) + "\n"],
];

if (process.argv.includes("--check")) {
  let stale = false;
  for (const [file, text] of outputs) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${file} is not what scripts/postman/build_collection.mjs generates; run it and commit the result`);
      stale = true;
    }
  }
  process.exit(stale ? 1 : 0);
}
for (const [file, text] of outputs) writeFileSync(file, text);
const count = (f) => f.item.length;
console.log(
  `wrote ${COLLECTION_FILE} (${collection.item.map((f) => `${f.name}: ${count(f)}`).join(", ")}) and ${ENVIRONMENT_FILE}`,
);
