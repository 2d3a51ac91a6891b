"""The baseline of the validate benchmark: reading the same container files with Python fastavro.

Reads every record into a dict and opens the top-level fields the file's schema marks encrypted,
as the typed reader does (AES-256-GCM-SIV or AES-256-SIV through the `cryptography` package, the
domain's data keys read as JSON from stdin: {"domain": ..., "keys": {"<version>": "<hex>"}}); no
rule is checked, so the comparison favours fastavro. Prints one JSON line: records and the seconds
spent after the imports.

    python3 read_fastavro.py FILE.avro... < KEYS_JSON
"""

import base64
import json
import sys
import time

import fastavro
from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV, AESSIV


def opener(domain, keys):
    aad = f"mesh field v1 {domain}".encode()
    ciphers = {int(v): (AESGCMSIV(bytes.fromhex(k)[:32]), AESSIV(bytes.fromhex(k)[32:])) for v, k in keys.items()}

    def open_token(token):
        if token is None:
            return None
        _, mode, version, _, text = token.split(".", 4)
        sealed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        gcm, siv = ciphers[int(version)]
        if mode == "r":
            return gcm.decrypt(sealed[:12], sealed[12:], aad).decode()
        return siv.decrypt(sealed, [aad]).decode()

    return open_token


def main():
    request = json.loads(sys.stdin.read())
    open_token = opener(request["domain"], request["keys"])
    started = time.monotonic()
    records = 0
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            reader = fastavro.reader(f)
            encrypted = [field["name"] for field in reader.writer_schema["fields"] if "mesh.encryption" in field]
            for record in reader:
                for name in encrypted:
                    record[name] = open_token(record[name])
                records += 1
    print(json.dumps({"records": records, "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
