#!/usr/bin/python3
"""Validates certkit JSON Lines against tests/schema/<kind>.schema.json.

usage: validate.py [FILE ...]   (stdin when none)

Every line must be a JSON object whose "kind" has a schema here; a kind
without a schema is an error (every record kind is documented).  Exits 0
when every record is valid, 1 otherwise, printing one line per problem.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)

try:
    import jsonschema
except ImportError:
    # The Debian package lives in the system interpreter; a pyenv python3
    # first on PATH does not see it.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.stderr.write("validate.py: python3-jsonschema is not installed\n")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))


def load_schemas():
    schemas = {}
    for name in os.listdir(HERE):
        if name.endswith(".schema.json"):
            with open(os.path.join(HERE, name), encoding="utf-8") as f:
                schemas[name] = json.load(f)
    return schemas


def main():
    schemas = load_schemas()
    store = {}
    for name, s in schemas.items():
        store[name] = s
        store["file://" + os.path.join(HERE, name)] = s
        if "$id" in s:
            store[s["$id"]] = s
    validators = {}
    bad = 0
    count = 0
    files = sys.argv[1:] or ["-"]
    for path in files:
        fp = sys.stdin if path == "-" else open(path, encoding="utf-8")
        for lineno, line in enumerate(fp, 1):
            line = line.strip()
            if not line:
                continue
            count += 1
            where = "%s:%d" % (path, lineno)
            try:
                rec = json.loads(line)
            except ValueError as e:
                print("%s: not JSON: %s" % (where, e))
                bad += 1
                continue
            kind = rec.get("kind") if isinstance(rec, dict) else None
            name = "%s.schema.json" % kind
            if name not in schemas:
                print("%s: no schema for kind %r" % (where, kind))
                bad += 1
                continue
            if kind not in validators:
                resolver = jsonschema.RefResolver(
                    base_uri="file://" + os.path.join(HERE, name),
                    referrer=schemas[name], store=store)
                cls = jsonschema.validators.validator_for(schemas[name])
                validators[kind] = cls(schemas[name], resolver=resolver)
            errors = sorted(validators[kind].iter_errors(rec), key=lambda e: list(e.path))
            for e in errors[:5]:
                print("%s: %s: %s at /%s" % (where, kind, e.message,
                                              "/".join(str(p) for p in e.path)))
            if errors:
                bad += 1
        if fp is not sys.stdin:
            fp.close()
    if bad:
        print("validate.py: %d of %d records invalid" % (bad, count))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
