"""Validates ODCS files against the official ODCS v3.1.0 JSON Schema (shipped in the
open-data-contract-standard package) and prints one JSON line per file: its errors."""
import importlib.resources
import json
import sys

import jsonschema
import yaml

schema = json.loads(importlib.resources.files("open_data_contract_standard").joinpath("schema.json").read_text())
assert "v3.1.0" in schema["properties"]["apiVersion"]["enum"], "the installed package is not ODCS v3.1.0"
validator = jsonschema.Draft201909Validator(schema)
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(document)]
    print(json.dumps({"file": path, "errors": errors}))
