"""Reads the exported mesh artifacts with other implementations than ours:
every .avsc with Apache Avro's Python library, every contract with PyYAML.

Usage: python3 .ci/validate_artifacts.py EXPORT_DIR
"""
import json
import pathlib
import sys

import avro.schema
import yaml

SEED_KEYS = {"name", "domain", "owner", "sla", "schema", "access"}


def main(root: pathlib.Path) -> int:
    index = json.loads((root / "index.json").read_text())
    problems = []
    for product in index["products"]:
        schema_text = (root / product["schema"]).read_text()
        try:
            avro.schema.parse(schema_text)
        except Exception as error:  # any parse failure is a finding, whatever its class
            problems.append(f"{product['schema']}: Apache Avro (Python) rejects the schema: {error}")
        contract = yaml.safe_load((root / product["contract"]).read_text())["data_product"]
        missing = SEED_KEYS - contract.keys()
        if missing:
            problems.append(f"{product['contract']}: missing seed keys {sorted(missing)}")
        if contract["schema"]["format"] != "Avro" or str(contract["schema"]["version"]) != product["version"]:
            problems.append(f"{product['contract']}: schema block does not match the index")
        for key, value in contract["sla"].items():
            if value is not None and not isinstance(value, str):
                problems.append(f"{product['contract']}: sla.{key} reads as {value!r}, not as the written text")
    for problem in problems:
        print(f"error: {problem}")
    print(f"validated {len(index['products'])} products with avro (Python) and PyYAML: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
