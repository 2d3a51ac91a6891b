"""The baseline of the validate benchmark: reading the same container files with Python fastavro.

Only reads (every record decoded into a dict, counted); no rule is checked, so the comparison
favours fastavro. Prints one JSON line: records and the seconds spent after the imports.

    python3 read_fastavro.py FILE.avro...
"""

import json
import sys
import time

import fastavro


def main():
    started = time.monotonic()
    records = 0
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            for _ in fastavro.reader(f):
                records += 1
    print(json.dumps({"records": records, "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
