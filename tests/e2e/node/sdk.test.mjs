// End to end with the AWS SDK for JavaScript v3 (@aws-sdk/client-emr-serverless and
// @aws-sdk/client-cloudtrail): the SDK's own serializers, its awsJson1_1 short X-Amz-Target form,
// fractional StartTime/EndTime, and its strict response parsing (expectNumber/expectObject).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  EMRServerlessClient, CreateApplicationCommand, GetApplicationCommand, StartJobRunCommand,
  GetJobRunCommand, CancelJobRunCommand, ListJobRunsCommand, ListJobRunAttemptsCommand,
  TagResourceCommand, ListTagsForResourceCommand, UntagResourceCommand, StartApplicationCommand,
  StopApplicationCommand, DeleteApplicationCommand, ListApplicationsCommand, StartSessionCommand,
  GetSessionCommand, TerminateSessionCommand, GetDashboardForJobRunCommand,
  ValidationException, ResourceNotFoundException, ConflictException,
} from "@aws-sdk/client-emr-serverless";
import { CloudTrailClient, LookupEventsCommand, InvalidLookupAttributesException } from "@aws-sdk/client-cloudtrail";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.TRAILBOX_BIN ?? path.join(here, "..", "..", "..", "build", "server", "trailbox");
const ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole";
const credentials = { accessKeyId: "AKIAJSSDKEXAMPLE0001", secretAccessKey: "secret" };

let server;
let endpoint;
let emr;
let ct;

async function admin(method, p, body) {
  const res = await fetch(endpoint + p, { method, body: body ? JSON.stringify(body) : undefined });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}
const advance = (seconds) => admin("POST", "/_trailbox/clock", { seconds });

before(async () => {
  server = spawn(bin, ["--port", "0", "--db", ":memory:", "--log-level", "warn"], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: server.stdout });
  endpoint = await new Promise((resolve, reject) => {
    lines.once("line", resolve);
    server.once("exit", (code) => reject(new Error(`trailbox exited with ${code}`)));
  });
  assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  emr = new EMRServerlessClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
  ct = new CloudTrailClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
});

after(() => {
  server?.kill("SIGTERM");
});

async function newApp(extra = {}) {
  const out = await emr.send(new CreateApplicationCommand({ releaseLabel: "emr-7.1.0", type: "SPARK", ...extra }));
  await advance(2);
  return out.applicationId;
}

test("application and job run lifecycle through the JS SDK", async () => {
  const created = await emr.send(new CreateApplicationCommand({ name: "js-app", releaseLabel: "emr-7.1.0", type: "SPARK" }));
  assert.match(created.applicationId, /^00[0-9a-z]{14}$/);
  assert.match(created.$metadata.requestId, /^[0-9a-f-]{36}$/);
  await advance(2);
  const app = (await emr.send(new GetApplicationCommand({ applicationId: created.applicationId }))).application;
  assert.equal(app.state, "CREATED");
  assert.equal(app.type, "Spark");
  assert.ok(app.createdAt instanceof Date, "timestamps arrive as epoch numbers and parse to Date");

  const run = await emr.send(new StartJobRunCommand({
    applicationId: created.applicationId, executionRoleArn: ROLE, name: "js-run",
    jobDriver: { sparkSubmit: { entryPoint: "s3://bucket/app.jar", entryPointArguments: ["1"] } },
    retryPolicy: { maxAttempts: 2 }, tags: { "trailbox:failed-attempts": "1" },
  }));
  await advance(20);
  const job = (await emr.send(new GetJobRunCommand({ applicationId: created.applicationId, jobRunId: run.jobRunId }))).jobRun;
  assert.equal(job.state, "SUCCESS");
  assert.equal(job.attempt, 2);
  assert.ok(job.endedAt instanceof Date);
  const attempts = await emr.send(new ListJobRunAttemptsCommand({ applicationId: created.applicationId, jobRunId: run.jobRunId }));
  assert.deepEqual(attempts.jobRunAttempts.map((a) => [a.attempt, a.state]), [[2, "SUCCESS"], [1, "FAILED"]]);

  const hanging = await emr.send(new StartJobRunCommand({
    applicationId: created.applicationId, executionRoleArn: ROLE,
    jobDriver: { sparkSubmit: { entryPoint: "s3://bucket/app.jar" } }, tags: { "trailbox:outcome": "HANG" },
  }));
  await advance(60);
  assert.equal((await emr.send(new GetJobRunCommand({ applicationId: created.applicationId, jobRunId: hanging.jobRunId }))).jobRun.state, "RUNNING");
  await assert.rejects(emr.send(new StopApplicationCommand({ applicationId: created.applicationId })), ValidationException);
  const cancelled = await emr.send(new CancelJobRunCommand({ applicationId: created.applicationId, jobRunId: hanging.jobRunId }));
  assert.equal(cancelled.jobRunId, hanging.jobRunId);
  await advance(2);
  const runs = await emr.send(new ListJobRunsCommand({ applicationId: created.applicationId, states: ["CANCELLED"] }));
  assert.deepEqual(runs.jobRuns.map((r) => r.id), [hanging.jobRunId]);
  await emr.send(new StopApplicationCommand({ applicationId: created.applicationId }));
  await advance(2);
  await emr.send(new DeleteApplicationCommand({ applicationId: created.applicationId }));
  const listed = await emr.send(new ListApplicationsCommand({ states: ["TERMINATED"] }));
  assert.ok(listed.applications.some((a) => a.id === created.applicationId));
});

test("modeled errors map to the SDK's exception classes", async () => {
  await assert.rejects(emr.send(new GetApplicationCommand({ applicationId: "00nonexistent000" })), ResourceNotFoundException);
  await assert.rejects(emr.send(new CreateApplicationCommand({ releaseLabel: "emr-1.0.0", type: "SPARK" })), ValidationException);
  await emr.send(new CreateApplicationCommand({ releaseLabel: "emr-7.1.0", type: "SPARK", clientToken: "js-token" }));
  await assert.rejects(emr.send(new CreateApplicationCommand({ releaseLabel: "emr-7.2.0", type: "SPARK", clientToken: "js-token" })), ConflictException);
  await assert.rejects(ct.send(new LookupEventsCommand({ LookupAttributes: [
    { AttributeKey: "EventName", AttributeValue: "a" }, { AttributeKey: "EventName", AttributeValue: "b" }] })),
  InvalidLookupAttributesException);
});

test("tags on ARNs the SDK percent-encodes into the path", async () => {
  const appId = await newApp();
  const arn = `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${appId}`;
  await emr.send(new TagResourceCommand({ resourceArn: arn, tags: { team: "data", env: "test" } }));
  await emr.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["env"] }));
  assert.deepEqual((await emr.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { team: "data" });
});

test("sessions and dashboards", async () => {
  const appId = await newApp({ releaseLabel: "emr-7.13.0", interactiveConfiguration: { sessionEnabled: true } });
  await emr.send(new StartApplicationCommand({ applicationId: appId }));
  const session = await emr.send(new StartSessionCommand({ applicationId: appId, executionRoleArn: ROLE }));
  await advance(5);
  const got = (await emr.send(new GetSessionCommand({ applicationId: appId, sessionId: session.sessionId }))).session;
  assert.ok(["STARTED", "IDLE"].includes(got.state), got.state);
  await emr.send(new TerminateSessionCommand({ applicationId: appId, sessionId: session.sessionId }));
  await advance(2);
  assert.equal((await emr.send(new GetSessionCommand({ applicationId: appId, sessionId: session.sessionId }))).session.state, "TERMINATED");
  const run = await emr.send(new StartJobRunCommand({ applicationId: appId, executionRoleArn: ROLE, jobDriver: { sparkSubmit: { entryPoint: "s3://b/x.py" } } }));
  const dash = await emr.send(new GetDashboardForJobRunCommand({ applicationId: appId, jobRunId: run.jobRunId }));
  const page = await fetch(dash.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), new RegExp(run.jobRunId));
});

test("LookupEvents with the JS SDK (short X-Amz-Target, fractional times)", async () => {
  const appId = await newApp({ name: "lookup-me" });
  const start = new Date(Date.now() - 3600 * 1000 + 123);  // JS sends getTime()/1000: fractional seconds
  const events = await ct.send(new LookupEventsCommand({
    LookupAttributes: [{ AttributeKey: "ResourceName", AttributeValue: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${appId}` }],
    StartTime: start, EndTime: new Date(Date.now() + 3600 * 1000),
  }));
  assert.deepEqual(events.Events.map((e) => e.EventName), ["CreateApplication"]);
  const e = events.Events[0];
  assert.ok(e.EventTime instanceof Date);
  assert.equal(e.ReadOnly, "false");
  assert.equal(e.AccessKeyId, credentials.accessKeyId);
  assert.equal(e.Username, credentials.accessKeyId);
  const record = JSON.parse(e.CloudTrailEvent);
  assert.equal(record.userAgent.includes("aws-sdk-js"), true, record.userAgent);
  assert.equal(record.requestParameters.name, "lookup-me");
  // LookupEvents itself is recorded, as AWS does, with the short target the SDK sent.
  const own = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: "EventSource", AttributeValue: "cloudtrail.amazonaws.com" }] }));
  assert.ok(own.Events.length >= 1);
  assert.equal(own.Events[0].EventName, "LookupEvents");
  assert.equal(own.Events[0].ReadOnly, "true");
});
