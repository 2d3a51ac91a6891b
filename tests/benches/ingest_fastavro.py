"""The baseline of the pipelines benchmark: bronze ingestion in Python with fastavro.

Reads every *.jsonl file of a landing folder, parses each line with json.loads, checks it against
the product's schema the way the Rust ingestion does (every field present with the right type,
timestamps as RFC 3339 text or epoch numbers), encrypts the fields the schema marks encrypted as
the typed writer does (AES-256-GCM-SIV through the `cryptography` package, the same token format,
a data key of 96 bytes read as hex from stdin), quarantines what does not fit, and writes the rest
with fastavro's writer (deflate, as the lakehouse does). Prints one JSON line: lines, records,
quarantined and the seconds spent after the imports.

    python3 ingest_fastavro.py SCHEMA.avsc LANDING_DIR OUT.avro < KEY_HEX
"""

import base64
import datetime
import glob
import json
import os
import sys
import time

import fastavro
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV


def timestamp_millis(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError("no offset")
        return int(moment.timestamp() * 1000)
    raise ValueError("not a timestamp")


def sealer(key, domain):
    """Seals text as mesh-crypto's randomized tokens: nonce, ciphertext and tag, base64url."""
    cipher = AESGCMSIV(key[:32])
    fingerprint = cipher.encrypt(bytes(12), b"", b"mesh key check")[:4].hex()
    prefix = f"mesh1.r.1.{fingerprint}."
    aad = f"mesh field v1 {domain}".encode()
    pool, used = b"", 0

    def seal(text):
        nonlocal pool, used
        if used == len(pool):
            pool, used = os.urandom(12 * 341), 0
        nonce = pool[used:used + 12]
        used += 12
        sealed = nonce + cipher.encrypt(nonce, text.encode(), aad)
        return prefix + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    return seal


def converter(field, seal):
    kind = field["type"]
    if isinstance(kind, dict) and kind.get("logicalType") == "timestamp-millis":
        return timestamp_millis
    if kind == "string":
        encrypted = "mesh.encryption" in field

        def text(value):
            if not isinstance(value, str):
                raise ValueError("not a string")
            return seal(value) if encrypted else value
        return text
    raise SystemExit(f"the baseline handles string and timestamp-millis fields only, not {kind}")


def main():
    schema_path, landing, out_path = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    seal = sealer(bytes.fromhex(sys.stdin.read().strip()), schema["namespace"])
    fields = [(field["name"], converter(field, seal)) for field in schema["fields"]]
    parsed = fastavro.parse_schema(schema)
    started = time.perf_counter()
    lines = quarantined = 0

    def read():
        nonlocal lines, quarantined
        for path in sorted(glob.glob(os.path.join(landing, "*.jsonl"))):
            with open(path, encoding="utf-8") as f:
                for line in f:
                    lines += 1
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                        yield {name: convert(value[name]) for name, convert in fields}
                    except (ValueError, KeyError, TypeError):
                        quarantined += 1

    with open(out_path, "wb") as out:
        count = 0
        def counted():
            nonlocal count
            for record in read():
                count += 1
                yield record
        fastavro.writer(out, parsed, counted(), codec="deflate")
    seconds = time.perf_counter() - started
    print(json.dumps({"lines": lines, "records": count, "quarantined": quarantined, "seconds": seconds}))


if __name__ == "__main__":
    main()
