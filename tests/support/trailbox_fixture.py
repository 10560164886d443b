"""Start the real trailbox binary on a free port and talk to it, for integration and e2e tests.

The binary is taken from $TRAILBOX_BIN (CTest sets it) or build/server/trailbox. The server is
started with --port 0; its first stdout line is the bound address, which is all a fixture needs.
The remaining stdout (JSON log lines) is collected in `logs` for assertions.
"""
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BIN = os.path.join(ROOT, "build", "server", "trailbox")


def binary():
    return os.environ.get("TRAILBOX_BIN", DEFAULT_BIN)


class TrailboxServer:
    def __init__(self, *args, db=":memory:", env=None, timings=None):
        self.args = list(args)
        self.db = db
        self.env = dict(os.environ)
        # Keep the caller's environment from configuring the server by accident.
        for key in list(self.env):
            if key.startswith("TRAILBOX_") and key != "TRAILBOX_BIN":
                del self.env[key]
        if env:
            self.env.update(env)
        self.timings = timings
        self.proc = None
        self.url = None
        self.host = None
        self.port = None
        self.logs = []
        self.stderr = []

    def start(self, timeout=10):
        cmd = [binary(), "--port", "0", "--db", self.db] + self.args
        if self.timings:
            cmd += ["--timings", self.timings]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, text=True)
        deadline = time.time() + timeout
        line = self.proc.stdout.readline()
        if not line.startswith("http://"):
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise RuntimeError(f"trailbox did not print its address: {line!r} {err!r}")
        self.url = line.strip()
        parsed = urllib.parse.urlparse(self.url)
        self.host, self.port = parsed.hostname, parsed.port
        threading.Thread(target=self._drain, args=(self.proc.stdout, self.logs), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr), daemon=True).start()
        while time.time() < deadline:
            try:
                status, _, _ = self.request("GET", "/_trailbox/health")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("trailbox did not become healthy")

    @staticmethod
    def _drain(stream, sink):
        for line in stream:
            sink.append(line.rstrip("\n"))

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- HTTP -------------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None):
        status, hdrs, data = self.request(method, path, body, headers)
        return status, hdrs, (json.loads(data) if data else None)

    def events(self, **filters):
        query = urllib.parse.urlencode(filters)
        status, _, body = self.json("GET", "/_trailbox/events" + ("?" + query if query else ""))
        assert status == 200, body
        return body["Records"]

    def advance(self, seconds):
        status, _, body = self.json("POST", "/_trailbox/clock", {"seconds": seconds})
        assert status == 200, body
        return body

    def reset(self):
        status, _, body = self.json("POST", "/_trailbox/reset")
        assert status == 200, body


def aws_env(access_key="AKIAIOSFODNN7EXAMPLE", region="us-east-1", token=None):
    """Environment for the AWS CLI / boto3 that never reads the developer's own configuration."""
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    })
    env.pop("AWS_PROFILE", None)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    else:
        env.pop("AWS_SESSION_TOKEN", None)
    return env


def boto3_client(server, service, access_key="AKIAIOSFODNN7EXAMPLE", region="us-east-1", token=None):
    import boto3
    from botocore.config import Config
    session = boto3.session.Session(
        aws_access_key_id=access_key,
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        aws_session_token=token,
        region_name=region,
    )
    return session.client(service, endpoint_url=server.url,
                          config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))
