"""Storage faults of the real binary: disk full and a read-only database while it runs, and unusable
database files at start-up.

Running (README, store/store.hpp): a call must record its CloudTrail event in the same transaction as
its state change, so when nothing can be written every recorded call (reads included: they record an
event too) fails with a 5xx AWS error -- EMR Serverless `500 InternalServerException`
(x-amzn-ErrorType), CloudTrail `500 InternalFailure` (__type) -- and changes nothing; health and the
admin event reads (no recording) keep working; once space (or write access) returns, calls succeed
again without a restart.

How the faults are made, as root without touching the host:
  * Disk full: the database lives on its own small tmpfs (`mount -t tmpfs -o size=24m`), filled with
    a filler file until ENOSPC. SQLite keeps committing on a full disk for as long as it finds room
    in what is already allocated: the WAL file's tail (including the frames a failed commit managed
    to write), and the WAL itself once a checkpoint has copied it into the database and it starts
    over. Those commits are legitimate (they are stored, and the test checks they are whole), but
    whether a given call still fits would depend on timing. So the test first opens a read
    transaction on the database, as a long reader would: while it is open the WAL cannot be
    recycled, and every commit needs new room. It then drives CreateApplication until the first
    500 and the smallest write there is (one page: moving the clock) until it fails too; from
    there no commit of any size fits, and every recorded call must fail. Where mounting is not
    permitted, the fallback
    is RLIMIT_FSIZE=0 set on the running server with prlimit(2) (every write() then fails with EFBIG);
    the server is started through `sh -c "trap '' XFSZ; exec trailbox"` so SIGXFSZ is ignored (the
    ignored disposition survives exec) instead of killing it. TRAILBOX_FAULTS_DISKFULL=rlimit forces
    the fallback.
  * Read-only: as root, chmod does not stop writes, remounting a filesystem read-only is refused
    while the server holds files open for writing (EBUSY), and a read-only bind mount does not affect
    descriptors already open. `chattr +i` on ext4 does: since Linux 5.x ext4 refuses writes to an
    immutable file through descriptors opened before (EPERM). The database file, its -wal and the
    directory are made immutable; the -shm file is left alone (it is mmap'ed, and a write fault on an
    immutable mapping is SIGBUS, which would kill the server instead of testing it). Where the temp
    directory does not enforce it (tmpfs, some overlayfs), a small loop-mounted ext4 image is used;
    failing that the test is skipped.

Start-up: garbage over the header, a file truncated in the middle, data pages overwritten with
random bytes, and a newer schema must all exit 3 with a clear message and leave the file as it was;
a valid WAL left behind by a crash must be opened and its data kept.
"""
import contextlib
import errno
import http.client
import json
import os
import random
import resource
import selectors
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from trailbox_fixture import TrailboxServer, binary

ROLE = "arn:aws:iam::123456789012:role/EMRServerlessRole"
CT_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."
TIMINGS = "app_creating=0,app_starting=0,app_stopping=0,run_running=600000"


def run_quiet(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cloudtrail(server, operation, body):
    status, headers, data = server.request(
        "POST", "/", json.dumps(body),
        {"X-Amz-Target": CT_PREFIX + operation, "Content-Type": "application/x-amz-json-1.1"})
    return status, headers, (json.loads(data) if data else None)


def create_app(server, token, **extra):
    body = {"name": token, "releaseLabel": "emr-7.1.0", "type": "SPARK", "clientToken": token}
    body.update(extra)
    return server.json("POST", "/applications", body)


def store_snapshot(db_path):
    """Everything a call could change, read from the file with a read-only connection."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        resources = conn.execute("SELECT kind, account, region, id, state, client_token, doc FROM resources "
                                 "ORDER BY kind, id").fetchall()
        meta = conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        events = conn.execute("SELECT count(*), max(seq) FROM events").fetchone()
        return {"resources": resources, "meta": meta, "events": events}
    finally:
        conn.close()


def integrity(db_path):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


class StorageFault(unittest.TestCase):
    """Shared scenario: a running server with some state, a fault, calls that must fail and change
    nothing, then recovery without a restart."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trailbox-faults-")
        self.server = None

    def tearDown(self):
        if self.server and self.server.proc and self.server.proc.poll() is None:
            self.server.kill()

    # -- helpers ---------------------------------------------------------------------------------

    def start(self, db_path, env=None):
        self.server = TrailboxServer("--log-level", "warn", "--s3-dir", os.path.join(self.dir, "s3"),
                                     db=db_path, timings=TIMINGS, env=env).start()
        return self.server

    def baseline(self):
        """A STARTED application with a job run and a tag, and a trail."""
        s = self.server
        status, _, app = create_app(s, "base-app")
        self.assertEqual(status, 200, app)
        self.app_id, self.app_arn = app["applicationId"], app["arn"]
        self.assertEqual(s.json("POST", f"/applications/{self.app_id}/start")[0], 200)
        status, _, run = s.json("POST", f"/applications/{self.app_id}/jobruns", {
            "clientToken": "base-run", "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}})
        self.assertEqual(status, 200, run)
        status, _, _ = s.json("POST", "/tags/" + urllib.parse.quote(self.app_arn, safe=""), {"tags": {"base": "1"}})
        self.assertEqual(status, 200)
        status, _, trail = cloudtrail(s, "CreateTrail", {"Name": "base-trail", "S3BucketName": "bucket"})
        self.assertEqual(status, 200, trail)
        self.assertEqual(s.json("GET", "/applications/" + self.app_id)[2]["application"]["state"], "STARTED")

    def assert_emr_internal_error(self, response, what):
        status, headers, body = response
        self.assertEqual(status, 500, f"{what}: {status} {body}")
        self.assertEqual(headers.get("x-amzn-errortype"), "InternalServerException", what)
        self.assertIn("message", body, what)
        self.assertTrue(headers.get("x-amzn-requestid"), what)

    def assert_cloudtrail_internal_error(self, response, what):
        status, _, body = response
        self.assertEqual(status, 500, f"{what}: {status} {body}")
        self.assertEqual(body.get("__type"), "InternalFailure", f"{what}: {body}")

    def calls_that_must_fail(self, tag):
        """Every kind of recorded call; returns the request ids the server gave them."""
        s = self.server
        arn_path = "/tags/" + urllib.parse.quote(self.app_arn, safe="")
        request_ids = []

        def emr(what, response):
            self.assert_emr_internal_error(response, what)
            request_ids.append(response[1]["x-amzn-requestid"])

        emr("CreateApplication", create_app(s, f"{tag}-app"))
        emr("CreateApplication rejected by validation (its event must be recorded too)",
            create_app(s, f"{tag}-bad", releaseLabel="emr-0.0.0"))
        emr("StartJobRun", s.json("POST", f"/applications/{self.app_id}/jobruns", {
            "clientToken": f"{tag}-run", "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}}))
        emr("TagResource", s.json("POST", arn_path, {"tags": {f"{tag}-key": "v"}}))
        emr("StopApplication", s.json("POST", f"/applications/{self.app_id}/stop"))
        emr("GetApplication (a read, recorded)", s.json("GET", "/applications/" + self.app_id))
        emr("ListApplications (a read, recorded)", s.json("GET", "/applications"))
        self.assert_cloudtrail_internal_error(
            cloudtrail(s, "CreateTrail", {"Name": f"{tag}-trail", "S3BucketName": "bucket"}), "CreateTrail")
        self.assert_cloudtrail_internal_error(cloudtrail(s, "LookupEvents", {}), "LookupEvents")
        self.assert_cloudtrail_internal_error(cloudtrail(s, "DescribeTrails", {}), "DescribeTrails")
        # Moving the clock is a write of trailbox's own; it must fail and leave the clock alone.
        offset = s.json("GET", "/_trailbox/clock")[2]["offsetMs"]
        status, _, body = s.json("POST", "/_trailbox/clock", {"minutes": 5})
        self.assertGreaterEqual(status, 500, body)
        self.assertEqual(s.json("GET", "/_trailbox/clock")[2]["offsetMs"], offset)
        return request_ids

    def assert_still_serving_reads(self):
        s = self.server
        status, _, health = s.json("GET", "/_trailbox/health")
        self.assertEqual(status, 200)
        self.assertEqual(health["status"], "ok")
        status, _, body = s.json("GET", "/_trailbox/events?eventName=CreateApplication")
        self.assertEqual(status, 200, body)
        self.assertIn("base-app", [e["requestParameters"]["clientToken"] for e in body["Records"]])

    def assert_recovered(self, tag, failed_request_ids, pid):
        """Same process, calls succeed again, the failed calls left no trace."""
        s = self.server
        self.assertIsNone(s.proc.poll(), "the server died")
        self.assertEqual(s.proc.pid, pid, "the server was restarted")
        deadline = time.time() + 10
        while True:  # the first call after the fault may still meet it (e.g. a checkpoint in progress)
            status, _, app = create_app(s, f"{tag}-app-{int(time.time() * 1000)}")
            if status == 200 or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(status, 200, app)
        status, _, got = s.json("GET", "/applications/" + app["applicationId"])
        self.assertEqual(status, 200, got)
        status, _, run = s.json("POST", f"/applications/{self.app_id}/jobruns", {
            "clientToken": f"{tag}-run-after", "executionRoleArn": ROLE,
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bucket/job.py"}}})
        self.assertEqual(status, 200, run)
        status, _, _ = s.json("POST", "/tags/" + urllib.parse.quote(self.app_arn, safe=""), {"tags": {f"{tag}-after": "v"}})
        self.assertEqual(status, 200)
        status, _, trail = cloudtrail(s, "CreateTrail", {"Name": f"{tag}-trail-after", "S3BucketName": "bucket"})
        self.assertEqual(status, 200, trail)
        status, _, found = cloudtrail(s, "LookupEvents", {"LookupAttributes": [
            {"AttributeKey": "ResourceName", "AttributeValue": app["arn"]}]})
        self.assertEqual(status, 200, found)
        self.assertIn("CreateApplication", [e["EventName"] for e in found["Events"]])
        status, _, body = s.json("POST", "/_trailbox/clock", {"seconds": 1})
        self.assertEqual(status, 200, body)
        # Nothing of the failed calls was stored, then or since.
        events = s.events(limit=10000)
        stored_ids = {e["requestID"] for e in events}
        self.assertEqual(stored_ids & set(failed_request_ids), set())
        tokens = {(e.get("requestParameters") or {}).get("clientToken") for e in events}
        self.assertEqual(tokens & {f"{tag}-app", f"{tag}-bad", f"{tag}-run"}, set(), "a failed call left an event")
        tags = s.json("GET", "/tags/" + urllib.parse.quote(self.app_arn, safe=""))[2]["tags"]
        self.assertNotIn(f"{tag}-key", tags)
        self.assertIn(f"{tag}-after", tags)
        names = [t["Name"] for t in cloudtrail(s, "DescribeTrails", {})[2]["trailList"]]
        self.assertNotIn(f"{tag}-trail", names)
        self.assertIn(f"{tag}-trail-after", names)

    def run_fault_scenario(self, db_path, inject, lift, saturate=False):
        s = self.server
        pid = s.proc.pid
        inject()
        try:
            saturated = []
            if saturate:
                saturated = self.saturate()
                self.saturate_small()
            before = store_snapshot(db_path)
            failed_ids = self.calls_that_must_fail("fault")
            self.assert_still_serving_reads()
            self.assertEqual(store_snapshot(db_path), before, "a failed call changed the store")
        finally:
            lift()
        self.assert_recovered("fault", failed_ids, pid)
        # The calls that did succeed while the disk was filling up are all there, whole.
        stored = {e["requestID"]: e for e in s.events(eventName="CreateApplication", limit=10000)}
        for token, status, rid, app_id in saturated:
            if status == 200:
                self.assertIn(rid, stored, token)
                self.assertEqual(s.json("GET", "/applications/" + app_id)[0], 200, token)
            else:
                self.assertNotIn(rid, stored, token)
        self.assertEqual(s.stop(), 0)
        self.assertEqual(integrity(db_path), ["ok"])

    def saturate_small(self, limit=2000):
        """Then the smallest write there is (moving the clock rewrites one page of the meta table)
        until it fails too: the WAL's last slack is used up and no commit of any size fits."""
        s = self.server
        for n in range(limit):
            offset = s.json("GET", "/_trailbox/clock")[2]["offsetMs"]
            status, _, body = s.json("POST", "/_trailbox/clock", {"ms": 1})
            if status != 200:
                self.assertGreaterEqual(status, 500, body)
                self.assertEqual(s.json("GET", "/_trailbox/clock")[2]["offsetMs"], offset)
                print(f"{n} one-page writes fitted after that", file=sys.stderr, flush=True)
                return
            self.assertEqual(body["offsetMs"], offset + 1)
        self.fail(f"{limit} one-page writes succeeded on a full disk")

    def saturate(self, limit=400):
        """Calls until the first one fails: SQLite reuses the room left in its WAL first."""
        results = []
        for i in range(limit):
            token = f"fill-{i}"
            status, headers, body = create_app(self.server, token)
            results.append((token, status, headers.get("x-amzn-requestid"),
                            body.get("applicationId") if status == 200 else None))
            if status != 200:
                self.assert_emr_internal_error((status, headers, body), "CreateApplication on a full disk")
                print(f"\n{i} CreateApplication calls fitted in the room left before the first 500",
                      file=sys.stderr, flush=True)
                return results
        self.fail(f"{limit} calls succeeded on a full disk")


class DiskFull(StorageFault):
    def setUp(self):
        super().setUp()
        self.mnt = os.path.join(self.dir, "mnt")
        os.mkdir(self.mnt)
        self.mode = os.environ.get("TRAILBOX_FAULTS_DISKFULL")
        self.mounted = False
        if self.mode != "rlimit":
            out = run_quiet(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", self.mnt])
            self.mounted = out.returncode == 0
            self.mode = "tmpfs" if self.mounted else "rlimit"
            if not self.mounted:
                print(f"\ncannot mount a tmpfs ({out.stderr.strip()}); using RLIMIT_FSIZE", file=sys.stderr)

    def tearDown(self):
        super().tearDown()
        if self.mounted:
            if run_quiet(["umount", self.mnt]).returncode != 0:
                run_quiet(["umount", "-l", self.mnt])
        shutil.rmtree(self.dir, ignore_errors=True)

    def fill(self):
        filler = os.path.join(self.mnt, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for chunk in (1 << 20, 4096, 512, 1):
                block = b"\xa5" * chunk
                while True:
                    try:
                        if os.write(fd, block) == 0:
                            break
                    except OSError as e:
                        self.assertEqual(e.errno, errno.ENOSPC)
                        break
        finally:
            os.close(fd)
        self.assertLess(shutil.disk_usage(self.mnt).free, 4096)
        return filler

    def test_disk_full_fails_calls_with_5xx_changes_nothing_and_recovers_without_restart(self):
        db = os.path.join(self.mnt, "store.db")
        if self.mode == "tmpfs":
            self.start(db)
            self.baseline()
            holder = {}

            def inject():
                # A reader holding a snapshot (as a long LookupEvents would) keeps the WAL from being
                # recycled, so that every commit needs room the full disk does not have.
                reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                reader.execute("BEGIN")
                reader.execute("SELECT count(*) FROM events").fetchone()
                holder["reader"] = reader
                holder["filler"] = self.fill()

            def lift():
                if "filler" in holder:
                    os.remove(holder["filler"])
                holder["reader"].close()
        else:
            wrapper = os.path.join(self.dir, "trailbox-nofsize.sh")
            with open(wrapper, "w") as f:
                f.write(f"#!/bin/sh\ntrap '' XFSZ\nexec '{binary()}' \"$@\"\n")
            os.chmod(wrapper, 0o755)
            real = os.environ.get("TRAILBOX_BIN")
            os.environ["TRAILBOX_BIN"] = wrapper
            try:
                self.start(db)
            finally:
                if real is None:
                    del os.environ["TRAILBOX_BIN"]
                else:
                    os.environ["TRAILBOX_BIN"] = real
            self.baseline()
            pid = self.server.proc.pid
            soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)

            def inject():
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, hard))

            def lift():
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))
        self.run_fault_scenario(db, inject, lift, saturate=True)


def immutable_enforced(directory):
    """Whether chattr +i in `directory` stops writes through an already open descriptor."""
    probe = os.path.join(directory, ".immutable-probe")
    fd = os.open(probe, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"x")
        if run_quiet(["chattr", "+i", probe]).returncode != 0:
            return False
        try:
            os.pwrite(fd, b"y", 0)
            return False
        except OSError as e:
            return e.errno in (errno.EPERM, errno.EACCES, errno.EROFS)
        finally:
            run_quiet(["chattr", "-i", probe])
    finally:
        os.close(fd)
        os.remove(probe)


class ReadOnlyDatabase(StorageFault):
    def setUp(self):
        super().setUp()
        self.mnt = None
        self.immutable = []
        base = os.path.join(self.dir, "data")
        os.mkdir(base)
        if shutil.which("chattr") and immutable_enforced(base):
            self.data = base
            return
        # Fall back to an ext4 image on a loop device.
        image = os.path.join(self.dir, "ext4.img")
        with open(image, "wb") as f:
            f.truncate(32 << 20)
        self.mnt = os.path.join(self.dir, "mnt")
        os.mkdir(self.mnt)
        if (run_quiet(["mkfs.ext4", "-q", "-F", image]).returncode != 0
                or run_quiet(["mount", "-o", "loop", image, self.mnt]).returncode != 0):
            self.mnt = None
            self.skipTest("chattr +i is not enforced here and no ext4 image can be mounted")
        self.data = self.mnt
        if not immutable_enforced(self.data):
            self.skipTest("chattr +i is not enforced on open files, even on ext4")

    def tearDown(self):
        super().tearDown()
        for path in self.immutable:
            run_quiet(["chattr", "-i", path])
        if self.mnt:
            if run_quiet(["umount", self.mnt]).returncode != 0:
                run_quiet(["umount", "-l", self.mnt])
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_read_only_database_fails_calls_with_5xx_changes_nothing_and_recovers_without_restart(self):
        db = os.path.join(self.data, "store.db")
        self.start(db)
        self.baseline()
        # The -shm file is left writable on purpose (see the module docstring).
        targets = [p for p in (db, db + "-wal") if os.path.exists(p)] + [self.data]

        def inject():
            # As root the mode bits alone stop nothing; they are made read-only all the same.
            for path in targets[:-1]:
                os.chmod(path, 0o444)
            for path in targets:
                out = run_quiet(["chattr", "+i", path])
                self.assertEqual(out.returncode, 0, out.stderr)
                self.immutable.append(path)

        def lift():
            for path in targets:
                run_quiet(["chattr", "-i", path])
            for path in targets[:-1]:
                os.chmod(path, 0o644)
            self.immutable.clear()

        self.run_fault_scenario(db, inject, lift)


# --- start-up: files that cannot be used --------------------------------------------------------

def start_and_classify(db_path, cwd, timeout=10):
    """Runs the binary on `db_path`. Returns (exit code, or None if it started serving; stdout;
    stderr). A server that starts prints its address first; it is then killed at once, so that it
    writes as little as possible to the file it should have refused."""
    proc = subprocess.Popen([binary(), "--port", "0", "--db", db_path, "--log-level", "warn",
                             "--s3-dir", os.path.join(cwd, "s3")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready = sel.select(timeout)
    first = proc.stdout.readline() if ready else ""
    if first.startswith("http://") or not ready:
        proc.kill()
        out, err = proc.communicate()
        return None, first + out, err
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, first + out, err


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def file_state(path):
    return read_bytes(path), sorted(os.listdir(os.path.dirname(path)))


class StartUp(unittest.TestCase):
    """Each test works on a copy of one populated store, closed cleanly (no WAL)."""

    @classmethod
    def setUpClass(cls):
        cls.golden_dir = tempfile.mkdtemp(prefix="trailbox-golden-")
        cls.golden = os.path.join(cls.golden_dir, "golden.db")
        server = TrailboxServer("--log-level", "warn", "--s3-dir", os.path.join(cls.golden_dir, "s3"),
                                db=cls.golden, timings=TIMINGS).start()
        try:
            conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
            for i in range(300):
                conn.request("POST", "/applications", json.dumps(
                    {"name": f"golden-{i}", "releaseLabel": "emr-7.1.0", "type": "SPARK",
                     "clientToken": f"golden-{i}", "tags": {"n": str(i)}}))
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 200
            conn.close()
        finally:
            assert server.stop() == 0
        conn = sqlite3.connect(cls.golden)
        cls.app_count = conn.execute("SELECT count(*) FROM resources WHERE kind='application'").fetchone()[0]
        cls.event_count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        cls.page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        # Leaf pages holding rows of the two big tables (not the schema, not meta).
        cls.data_pages = {name: [p for (p,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (name,))]
            for name in ("events", "resources")}
        cls.small_pages = {p for (p,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name IN ('sqlite_schema', 'sqlite_master', 'meta')")}
        conn.close()
        assert cls.app_count == 300 and cls.event_count == 300
        assert not os.path.exists(cls.golden + "-wal")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.golden_dir, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="trailbox-startup-")
        self.db = os.path.join(self.dir, "store.db")
        shutil.copy(self.golden, self.db)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def assert_refused_untouched(self, expected_words):
        before = file_state(self.db)
        code, out, err = start_and_classify(self.db, self.dir)
        self.assertEqual(code, 3, f"expected exit 3, got {'a running server' if code is None else code}; "
                                  f"stderr {err.strip()!r}")
        self.assertEqual(out, "", "nothing may be printed on stdout (no address) when the store is refused")
        self.assertIn("cannot open the store", err)
        self.assertIn(self.db, err)
        self.assertTrue(any(w in err.lower() for w in expected_words), f"unclear message: {err!r}")
        after = file_state(self.db)
        self.assertEqual(after[1], before[1], "files were added or removed next to the store")
        self.assertTrue(after[0] == before[0], "the refused file was modified")
        return err

    def test_garbage_over_the_header_exits_3_and_leaves_the_file_alone(self):
        with open(self.db, "r+b") as f:
            f.write(random.Random(7).randbytes(100))
        self.assert_refused_untouched(["not a database", "corrupt", "malformed"])

    def test_a_file_truncated_in_the_middle_exits_3_and_leaves_the_file_alone(self):
        size = os.path.getsize(self.db)
        for keep in (size // 2, size - self.page_size, size // 2 + 1234):
            with self.subTest(keep=keep):
                shutil.copy(self.golden, self.db)
                with open(self.db, "r+b") as f:
                    f.truncate(keep)
                self.assert_refused_untouched(["malformed", "corrupt", "truncated"])

    # BUG: trailbox only reads the schema and the meta table at start-up (store/schema.cpp
    # checkCompatible/readVersion, then Router::create reads meta), so a file whose data pages
    # are corrupt starts and serves: reads of the damaged tables then fail with 500s (or, for a
    # page that still parses, return wrong data), instead of a clear refusal at start-up (exit 3).
    @unittest.expectedFailure
    def test_random_data_pages_overwritten_exit_3_and_leave_the_file_alone(self):
        rng = random.Random(11)
        pages = [p for name in ("events", "resources") for p in rng.sample(self.data_pages[name], 2)]
        self.assertFalse(set(pages) & self.small_pages)
        with open(self.db, "r+b") as f:
            for page in pages:
                f.seek((page - 1) * self.page_size)
                f.write(rng.randbytes(self.page_size))
        self.assert_refused_untouched(["malformed", "corrupt"])

    def test_a_newer_schema_exits_3_names_the_reason_and_leaves_the_file_alone(self):
        conn = sqlite3.connect(self.db)
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
        conn.commit()
        conn.close()
        err = self.assert_refused_untouched(["newer trailbox"])
        self.assertIn("999", err)

    def test_a_newer_schema_still_in_the_wal_is_refused_and_nothing_is_lost(self):
        # Another trailbox crashed after writing schema 999 (and a row) that only its WAL holds.
        # python's sqlite checkpoints and deletes the WAL when its last connection closes, so the
        # files are copied while the connection is still open: db + WAL, as a crash leaves them.
        crashed = os.path.join(self.dir, "crashed")
        os.mkdir(crashed)
        conn = sqlite3.connect(self.db)
        self.assertEqual(conn.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
        conn.execute("INSERT INTO meta(key, value) VALUES('from-the-future', 'kept')")
        conn.commit()
        for suffix in ("", "-wal"):
            shutil.copy(self.db + suffix, os.path.join(crashed, "store.db" + suffix))
        conn.close()
        db = os.path.join(crashed, "store.db")
        code, out, err = start_and_classify(db, crashed)
        self.assertEqual(code, 3, err)
        self.assertIn("newer trailbox", err)
        check = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            meta = dict(check.execute("SELECT key, value FROM meta"))
            self.assertEqual(meta["schema_version"], "999")
            self.assertEqual(meta["from-the-future"], "kept")
            self.assertEqual(check.execute("SELECT count(*) FROM events").fetchone()[0], self.event_count)
            self.assertEqual([r[0] for r in check.execute("PRAGMA integrity_check")], ["ok"])
        finally:
            check.close()

    # A read-write connection, on closing, would checkpoint the WAL into the file and delete it;
    # Store::open looks through a read-only connection first.
    def test_a_newer_schema_still_in_the_wal_leaves_both_files_byte_for_byte(self):
        crashed = os.path.join(self.dir, "crashed")
        os.mkdir(crashed)
        conn = sqlite3.connect(self.db)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
        conn.commit()
        for suffix in ("", "-wal"):
            shutil.copy(self.db + suffix, os.path.join(crashed, "store.db" + suffix))
        conn.close()
        db = os.path.join(crashed, "store.db")
        before = {name: read_bytes(os.path.join(crashed, name)) for name in os.listdir(crashed)}
        code, _, err = start_and_classify(db, crashed)
        self.assertEqual(code, 3, err)
        after = {name: read_bytes(os.path.join(crashed, name)) for name in os.listdir(crashed) if name in before}
        self.assertEqual(sorted(after), sorted(before), "a file of the refused store was removed")
        for name in before:
            self.assertTrue(after[name] == before[name], f"{name} was modified")

    def test_a_valid_wal_left_by_a_crash_is_opened_and_its_data_kept(self):
        server = TrailboxServer("--log-level", "warn", "--s3-dir", os.path.join(self.dir, "s3"),
                                db=self.db, timings=TIMINGS).start()
        crashed = os.path.join(self.dir, "crashed")
        os.mkdir(crashed)
        try:
            # A reader holding an old snapshot keeps the server's checkpointer from copying the new
            # frames into the database file: what follows exists only in the WAL.
            reader = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
            reader.execute("BEGIN")
            self.assertEqual(reader.execute("SELECT count(*) FROM events").fetchone()[0], self.event_count)
            created = []
            for i in range(25):
                status, _, app = create_app(server, f"in-wal-{i}")
                self.assertEqual(status, 200, app)
                created.append(app["applicationId"])
            time.sleep(0.1)  # several checkpointer passes
            self.assertEqual(server.kill(), -signal.SIGKILL)
            # As a crash leaves them: the database and its WAL (the -shm index is rebuilt from the WAL).
            for suffix in ("", "-wal"):
                shutil.copy(self.db + suffix, os.path.join(crashed, "store.db" + suffix))
            reader.close()
        finally:
            if server.proc.poll() is None:
                server.kill()
        db = os.path.join(crashed, "store.db")
        self.assertGreater(os.path.getsize(db + "-wal"), 32)
        # Proof that the new data lives only in the WAL: the database file alone does not have it.
        alone = os.path.join(self.dir, "alone.db")
        shutil.copy(db, alone)
        conn = sqlite3.connect(f"file:{alone}?mode=ro", uri=True)
        self.assertEqual(conn.execute("SELECT count(*) FROM resources WHERE kind='application'").fetchone()[0],
                         self.app_count)
        conn.close()

        server = TrailboxServer("--log-level", "warn", "--s3-dir", os.path.join(crashed, "s3"),
                                db=db, timings=TIMINGS).start()
        try:
            for app_id in created:
                status, _, body = server.json("GET", "/applications/" + app_id)
                self.assertEqual(status, 200, body)
            tokens = [e["requestParameters"]["clientToken"] for e in server.events(eventName="CreateApplication",
                                                                                   limit=10000)]
            self.assertEqual(len(tokens), self.app_count + len(created))
            self.assertEqual(tokens[-len(created):], [f"in-wal-{i}" for i in range(len(created))])
            status, _, page = server.json("GET", "/applications?maxResults=50")
            self.assertEqual(status, 200, page)
        finally:
            self.assertEqual(server.stop(), 0)
        self.assertEqual(integrity(db), ["ok"])


if __name__ == "__main__":
    unittest.main()
