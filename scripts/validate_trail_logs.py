#!/usr/bin/env python3
"""Validate a trail's delivered log files against its signed digest files, as
`aws cloudtrail validate-logs` does against S3: every digest's RSA signature (SHA256withRSA over
digestEndTime, bucket/key, the digest's SHA-256 and the previous digest's signature), the chain of
digests (previousDigestHashValue / previousDigestSignature), and the SHA-256 of every log file a
digest lists.

Usage:
  scripts/validate_trail_logs.py --s3-dir trailbox-s3 --trail-arn arn:aws:cloudtrail:us-east-1:123456789012:trail/my-trail \\
      --endpoint http://127.0.0.1:4566 [--bucket my-bucket] [--prefix my/prefix] [--public-key-file key.der]

The public key comes from the server's CloudTrail ListPublicKeys (--endpoint) or from a file holding
the DER key (--public-key-file). Exit status: 0 when everything is valid, 1 when something is
invalid or missing, 2 on usage errors.
"""
import argparse
import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request


def list_public_keys(endpoint):
    req = urllib.request.Request(
        endpoint.rstrip("/") + "/", data=b"{}", method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys"})
    with urllib.request.urlopen(req) as resp:
        keys = json.loads(resp.read())["PublicKeyList"]
    return {k["Fingerprint"]: base64.b64decode(k["Value"]) for k in keys}


def verify_rsa(public_der, message, signature_hex):
    signature = bytes.fromhex(signature_hex)
    try:
        import rsa  # the AWS CLI's own dependency, when present
        try:
            rsa.verify(message, signature, rsa.PublicKey.load_pkcs1(public_der, format="DER"))
            return True
        except rsa.pkcs1.VerificationError:
            return False
    except ImportError:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: os.path.join(tmp, name) for name in ("key.der", "key.pem", "sig", "msg")}
        open(paths["key.der"], "wb").write(public_der)
        open(paths["sig"], "wb").write(signature)
        open(paths["msg"], "wb").write(message)
        subprocess.run(["openssl", "rsa", "-RSAPublicKey_in", "-inform", "DER", "-in", paths["key.der"],
                        "-pubout", "-out", paths["key.pem"]], check=True, capture_output=True)
        out = subprocess.run(["openssl", "dgst", "-sha256", "-verify", paths["key.pem"], "-signature", paths["sig"],
                              paths["msg"]], capture_output=True)
        return out.returncode == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--s3-dir", required=True, help="trailbox's --s3-dir")
    parser.add_argument("--trail-arn", required=True)
    parser.add_argument("--bucket", help="the trail's S3 bucket (default: the only bucket holding its digests)")
    parser.add_argument("--prefix", default="", help="the trail's S3 key prefix")
    parser.add_argument("--endpoint", help="trailbox URL, for ListPublicKeys")
    parser.add_argument("--public-key-file", help="DER public key instead of --endpoint")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    parts = args.trail_arn.split(":")
    if len(parts) != 6 or not parts[5].startswith("trail/"):
        parser.error("--trail-arn must look like arn:aws:cloudtrail:<region>:<account>:trail/<name>")
    home_region, account, trail = parts[3], parts[4], parts[5][len("trail/"):]
    if args.public_key_file:
        der = open(args.public_key_file, "rb").read()
        keys = {hashlib.md5(der).hexdigest(): der}
    elif args.endpoint:
        keys = list_public_keys(args.endpoint)
    else:
        parser.error("give --endpoint or --public-key-file")

    buckets = [args.bucket] if args.bucket else sorted(
        b for b in os.listdir(args.s3_dir) if not b.startswith("."))
    prefix = (args.prefix.rstrip("/") + "/") if args.prefix else ""
    digests = []  # (region, endTime, bucket, key)
    for bucket in buckets:
        base = os.path.join(args.s3_dir, bucket, prefix + f"AWSLogs/{account}/CloudTrail-Digest")
        if not os.path.isdir(base):
            continue
        for root, _, files in os.walk(base):
            for name in files:
                marker = f"_CloudTrail-Digest_"
                if not name.endswith(".json.gz") or marker not in name or f"_{trail}_{home_region}_" not in name:
                    continue
                path = os.path.join(root, name)
                key = os.path.relpath(path, os.path.join(args.s3_dir, bucket))
                region = name.split(marker)[1].split("_")[0]
                digests.append((region, name.rsplit("_", 1)[1], bucket, key))
    if not digests:
        print(f"No digest files found for {args.trail_arn} under {args.s3_dir}")
        return 1

    invalid = 0
    valid_digests = valid_logs = 0
    previous = {}  # region -> (hash, signature)
    for region, _, bucket, key in sorted(digests):
        path = os.path.join(args.s3_dir, bucket, key)
        raw = gzip.open(path).read()
        digest = json.loads(raw)
        meta_path = os.path.join(args.s3_dir, ".s3-metadata", bucket, key + ".json")
        meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
        where = f"s3://{bucket}/{key}"
        problems = []
        if "signature" not in meta:
            problems.append("no signature in the object's metadata")
        fingerprint = digest.get("digestPublicKeyFingerprint")
        if fingerprint not in keys:
            problems.append(f"no public key with fingerprint {fingerprint}")
        prev_sig = digest.get("previousDigestSignature") or "null"
        if "signature" in meta and fingerprint in keys:
            to_sign = (f"{digest['digestEndTime']}\n{bucket}/{key}\n{hashlib.sha256(raw).hexdigest()}\n{prev_sig}"
                       .encode())
            if not verify_rsa(keys[fingerprint], to_sign, meta["signature"]):
                problems.append("signature verification failed")
        if region in previous:
            want_hash, want_sig = previous[region]
            if digest.get("previousDigestHashValue") != want_hash or digest.get("previousDigestSignature") != want_sig:
                problems.append("does not chain to the previous digest")
        previous[region] = (hashlib.sha256(raw).hexdigest(), meta.get("signature"))
        if problems:
            invalid += 1
            print(f"Digest file\t{where}\tINVALID: {'; '.join(problems)}")
        else:
            valid_digests += 1
            if args.verbose:
                print(f"Digest file\t{where}\tvalid")
        for log in digest.get("logFiles", []):
            log_path = os.path.join(args.s3_dir, log["s3Bucket"], log["s3Object"])
            log_where = f"s3://{log['s3Bucket']}/{log['s3Object']}"
            if not os.path.exists(log_path):
                invalid += 1
                print(f"Log file\t{log_where}\tINVALID: not found")
                continue
            try:
                content = gzip.open(log_path).read()
            except OSError:
                invalid += 1
                print(f"Log file\t{log_where}\tINVALID: not a gzip file")
                continue
            if hashlib.sha256(content).hexdigest() != log["hashValue"]:
                invalid += 1
                print(f"Log file\t{log_where}\tINVALID: hash value doesn't match")
            else:
                valid_logs += 1
                if args.verbose:
                    print(f"Log file\t{log_where}\tvalid")
    print(f"Results: {valid_digests}/{len(digests)} digest files valid, {valid_logs} log files valid, "
          f"{invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
