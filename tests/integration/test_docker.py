"""The Docker image and the compose stack, checked without a container engine (none runs on the
build machines):

* the Dockerfile builds with exactly the scripts CI runs (scripts/install_deps.sh and
  scripts/build.sh, which .ci/run -> scripts/test.sh also go through), does no build step of its
  own, and copies the binary it builds to the path its ENTRYPOINT runs;
* the binary, configured only by the environment variables that scripts/docker-compose.yml and the
  Dockerfile set (no flags), honours every one of them: each is a documented option, shows in
  /_trailbox/config and changes behaviour (bound address, database file, default account and
  region in recorded events, log level, timings), and the health check the compose file and the
  Dockerfile run succeeds.

Only the database directory and the port are moved (to a temporary directory and a free port), as
the volume mount and the port mapping would.
"""
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from trailbox_fixture import binary

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def dockerfile_instructions():
    """(instruction, arguments) pairs, continuation lines joined and comments dropped."""
    out, current = [], ""
    for line in read("Dockerfile").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        current += (" " if current else "") + stripped.rstrip("\\").strip()
        if not stripped.endswith("\\"):
            word, _, rest = current.partition(" ")
            out.append((word.upper(), rest.strip()))
            current = ""
    return out


def compose_service(name):
    """The mapping of one service of scripts/docker-compose.yml, for the subset of YAML it uses
    (block mappings, block lists of scalars, flow lists of strings, quoted scalars)."""
    lines = [l for l in read("scripts/docker-compose.yml").splitlines() if l.strip() and not l.lstrip().startswith("#")]

    def scalar(text):
        text = text.strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            return text[1:-1]
        if text.startswith("["):
            return [scalar(x) for x in re.findall(r'"[^"]*"|\'[^\']*\'|[^,\[\]\s][^,\[\]]*', text)]
        return text

    def block(start, indent):
        result, i = None, start
        while i < len(lines):
            line = lines[i]
            depth = len(line) - len(line.lstrip())
            if depth < indent:
                break
            body = line.strip()
            if body.startswith("- "):
                result = result if isinstance(result, list) else []
                result.append(scalar(body[2:]))
                i += 1
                continue
            key, _, value = body.partition(":")
            result = result if isinstance(result, dict) else {}
            if value.strip() in ("", "|"):
                nxt = i + 1
                child_indent = len(lines[nxt]) - len(lines[nxt].lstrip()) if nxt < len(lines) else indent
                if value.strip() == "|" or child_indent <= depth:
                    result[key] = None
                    i = nxt
                    while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) > depth:
                        i += 1
                    continue
                result[key], i = block(nxt, child_indent)
            else:
                result[key] = scalar(value)
                i += 1
        return result, i

    doc, _ = block(0, 0)
    return doc["services"][name]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dockerfile(unittest.TestCase):
    def test_builds_with_the_scripts_ci_runs_and_nothing_else(self):
        instructions = dockerfile_instructions()
        runs = [args for word, args in instructions if word == "RUN"]
        stages = [args for word, args in instructions if word == "FROM"]
        self.assertEqual(len(stages), 2, "two stages")
        self.assertTrue(all(s.startswith("debian:bookworm-slim") for s in stages), stages)
        build_runs = " && ".join(runs)
        self.assertIn("bash scripts/install_deps.sh", build_runs)
        self.assertRegex(build_runs, r"\bbash scripts/build\.sh\b")
        self.assertRegex(build_runs, r"install_deps\.sh --runtime")
        # No build or install step of its own: those live in the scripts, where CI exercises them.
        for forbidden in ("apt-get install", "apt install", "cmake ", "make ", "g++", "clang++", "pip ", "npm "):
            self.assertNotIn(forbidden, build_runs, f"the Dockerfile runs {forbidden!r} itself")
        # Every script it runs exists, and is the one CI goes through.
        for script in set(re.findall(r"scripts/[\w.-]+\.sh", build_runs)):
            self.assertTrue(os.path.isfile(os.path.join(ROOT, script)), script)
        ci = read(".ci/run")
        self.assertRegex(ci, r"bash scripts/test\.sh")
        test_sh = read("scripts/test.sh")
        self.assertRegex(test_sh, r"bash scripts/build\.sh")
        self.assertRegex(read("scripts/build.sh"), r"bash scripts/install_deps\.sh")
        # The binary it builds is the one it runs.
        copies = [args for word, args in instructions if word == "COPY" and args.startswith("--from=build")]
        self.assertEqual(len(copies), 1, copies)
        _, built, installed = copies[0].split()
        self.assertRegex(build_runs, re.escape(os.path.dirname(os.path.dirname(built))))
        entry = [args for word, args in instructions if word == "ENTRYPOINT"]
        self.assertEqual(json.loads(entry[0]), [installed])
        health = [args for word, args in instructions if word == "HEALTHCHECK"]
        self.assertEqual(len(health), 1)
        self.assertIn("/_trailbox/health", health[0])
        for word, args in instructions:
            if word == "COPY" and not args.startswith("--from"):
                for source in shlex.split(args)[:-1]:
                    if source != ".":
                        self.assertTrue(os.path.exists(os.path.join(ROOT, source)), source)


class ComposeEnvironment(unittest.TestCase):
    """Starts the binary the way the image runs it in the compose stack: no flags, only the
    environment (the Dockerfile's ENV, then the compose file's, which wins)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trailbox-compose-")
        self.proc = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.proc:
            self.proc.communicate()
        shutil.rmtree(self.dir, ignore_errors=True)

    def environment(self):
        env = {}
        for word, args in dockerfile_instructions():
            if word == "ENV":
                for item in shlex.split(args):
                    key, _, value = item.partition("=")
                    env[key] = value
        service = compose_service("trailbox")
        env.update({k: str(v) for k, v in service["environment"].items()})
        return env, service

    def test_the_binary_honours_every_variable_the_compose_file_sets(self):
        env, service = self.environment()
        compose_vars = set(service["environment"])
        self.assertTrue(compose_vars, "the compose file configures trailbox by environment")
        self.assertTrue(all(k.startswith("TRAILBOX_") for k in env), env)

        # Each variable is one of the binary's documented options.
        help_text = subprocess.run([binary(), "--help"], capture_output=True, text=True, check=True).stdout
        readme = read("README.md")
        for key in env:
            flag = "--" + key[len("TRAILBOX_"):].lower().replace("_", "-")
            self.assertIn(flag + " ", help_text, f"{key}: no {flag} option")
            self.assertIn(f"`{key}`", readme, f"{key} is not documented in the README")

        # The volume and the port mapping, as a container would see them.
        db_dir = os.path.join(self.dir, "data")
        os.mkdir(db_dir)
        self.assertTrue(env["TRAILBOX_DB"].startswith("/data/"), env["TRAILBOX_DB"])
        env["TRAILBOX_DB"] = os.path.join(db_dir, os.path.basename(env["TRAILBOX_DB"]))
        port = free_port()
        self.assertEqual(service["ports"][0].rsplit(":", 2)[-1], env["TRAILBOX_PORT"])
        env["TRAILBOX_PORT"] = str(port)

        run_env = {k: v for k, v in os.environ.items() if not k.startswith("TRAILBOX_")}
        run_env.update(env)
        self.proc = subprocess.Popen([binary()], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=run_env, cwd=self.dir)
        first = self.proc.stdout.readline().strip()
        self.assertEqual(first, f"http://{env['TRAILBOX_HOST']}:{port}")
        base = f"http://127.0.0.1:{port}"

        def get(path):
            with urllib.request.urlopen(base + path, timeout=10) as r:
                return r.status, json.loads(r.read())

        # The health check of the compose file and of the image.
        health = service["healthcheck"]["test"]
        self.assertEqual(health[:2], ["CMD", "curl"])
        url = health[-1].replace("4566", str(port))
        if shutil.which("curl"):
            self.assertEqual(subprocess.run(health[1:-1] + [url], capture_output=True).returncode, 0)
        self.assertEqual(get("/_trailbox/health")[0], 200)

        # Every variable shows in the running configuration ...
        _, config = get("/_trailbox/config")
        checks = {
            "TRAILBOX_HOST": lambda v: self.assertEqual(config["host"], v),
            "TRAILBOX_PORT": lambda v: self.assertEqual(config["port"], int(v)),
            "TRAILBOX_DB": lambda v: self.assertEqual(config["db"], v),
            "TRAILBOX_REGION": lambda v: self.assertEqual(config["defaultRegion"], v),
            "TRAILBOX_ACCOUNT_ID": lambda v: self.assertEqual(config["defaultAccountId"], v),
            "TRAILBOX_LOG_LEVEL": lambda v: self.assertEqual(config["logLevel"], v),
            "TRAILBOX_TIMINGS": lambda v: [self.assertEqual(config["timings"][name], int(ms))
                                           for name, ms in (p.split("=") for p in v.split(","))],
        }
        for key, value in env.items():
            self.assertIn(key, checks, f"no check for {key}: add one here")
            checks[key](value)

        # ... and in behaviour: unsigned calls are the default account's, in the default region, kept
        # in the database file on the volume, and logged as JSON lines at the configured level.
        req = urllib.request.Request(base + "/applications", method="POST", data=json.dumps(
            {"name": "compose", "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": "compose-1"}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            app = json.loads(r.read())
        self.assertIn(f":{env['TRAILBOX_ACCOUNT_ID']}:", app["arn"])
        self.assertIn(f":{env['TRAILBOX_REGION']}:", app["arn"])
        _, events = get("/_trailbox/events?eventName=CreateApplication")
        self.assertEqual(events["Records"][0]["recipientAccountId"], env["TRAILBOX_ACCOUNT_ID"])
        self.assertEqual(events["Records"][0]["awsRegion"], env["TRAILBOX_REGION"])
        self.assertTrue(os.path.isfile(env["TRAILBOX_DB"]))
        self.proc.terminate()
        out, _ = self.proc.communicate(timeout=15)
        self.assertEqual(self.proc.returncode, 0)
        lines = [json.loads(l) for l in out.splitlines() if l.strip()]
        requests = [l for l in lines if l.get("msg") == "request"]
        if env["TRAILBOX_LOG_LEVEL"] in ("debug", "info"):
            self.assertTrue(any(l.get("operation") == "CreateApplication" and l.get("status") == 200
                                for l in requests), lines)
            for line in requests:
                for field in ("time", "requestId", "operation", "status", "latencyMs", "caller"):
                    self.assertIn(field, line)
        else:
            self.assertEqual(requests, [])
        # The data is on the volume: a new process finds the application.
        self.proc = subprocess.Popen([binary()], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=run_env, cwd=self.dir)
        self.assertEqual(self.proc.stdout.readline().strip(), first)
        status, got = get(f"/applications/{app['applicationId']}")
        self.assertEqual(got["application"]["name"], "compose")

    def test_the_example_client_points_at_the_trailbox_service(self):
        client = compose_service("example-client")
        self.assertEqual(client["depends_on"]["trailbox"]["condition"], "service_healthy")
        env = client["environment"]
        self.assertEqual(env["AWS_ENDPOINT_URL"], "http://trailbox:" + compose_service("trailbox")["environment"]["TRAILBOX_PORT"])
        self.assertEqual(compose_service("trailbox")["environment"]["TRAILBOX_HOST"], "0.0.0.0")


if __name__ == "__main__":
    unittest.main()
