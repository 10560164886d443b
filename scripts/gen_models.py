#!/usr/bin/env python3
"""Regenerate the service models trailbox validates against.

trailbox enforces every constraint of the AWS service models (required members, types,
lengths, ranges, patterns, enums, unions) from data rather than hand-written checks. This
script extracts that data from the botocore package installed on the developer's machine and
writes it, stripped of documentation, to api/<service>/<service>_model.json. The output is
committed, so building trailbox never needs botocore; run this script again after upgrading
botocore to pick up new members, enums or operations.

Usage: python3 scripts/gen_models.py
"""
import gzip
import json
import os
import sys

SERVICES = {
    # name in botocore      api version   output file
    "emr-serverless": ("2021-07-13", "api/emr_serverless/emr_serverless_model.json"),
    "cloudtrail": ("2013-11-01", "api/cloudtrail/cloudtrail_model.json"),
}

# Keys that carry constraints or wire layout; everything else (documentation, examples,
# deprecation notes) is dropped.
SHAPE_KEYS = {"type", "members", "required", "min", "max", "pattern", "enum", "member", "key",
              "value", "union", "sensitive", "timestampFormat", "exception", "error", "fault"}
MEMBER_KEYS = {"shape", "location", "locationName", "idempotencyToken", "jsonvalue"}
OPERATION_KEYS = {"name", "http", "input", "output", "errors"}


def strip(d, keep):
    return {k: v for k, v in d.items() if k in keep}


def convert(model):
    shapes = {}
    for name, shape in model["shapes"].items():
        out = strip(shape, SHAPE_KEYS)
        if "members" in out:
            out["members"] = {m: strip(spec, MEMBER_KEYS) for m, spec in out["members"].items()}
        for k in ("member", "key", "value"):
            if k in out:
                out[k] = {"shape": out[k]["shape"]}
        shapes[name] = out
    operations = {}
    for name, op in model["operations"].items():
        out = strip(op, OPERATION_KEYS)
        out["errors"] = [e["shape"] for e in op.get("errors", [])]
        for k in ("input", "output"):
            if k in out:
                out[k] = out[k]["shape"]
        operations[name] = out
    meta = strip(model["metadata"], {"apiVersion", "protocol", "jsonVersion", "targetPrefix",
                                      "signingName", "endpointPrefix", "serviceId"})
    return {"metadata": meta, "operations": operations, "shapes": shapes}


def main():
    import botocore  # noqa: imported late so --help works without it
    root = os.path.join(os.path.dirname(botocore.__file__), "data")
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for service, (version, target) in SERVICES.items():
        src = os.path.join(root, service, version, "service-2.json.gz")
        with gzip.open(src) as f:
            model = json.load(f)
        out = convert(model)
        out["metadata"]["botocoreVersion"] = botocore.__version__
        path = os.path.join(top, target)
        with open(path, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print(f"{service}: {len(out['operations'])} operations, {len(out['shapes'])} shapes -> {target}")


if __name__ == "__main__":
    sys.exit(main())
