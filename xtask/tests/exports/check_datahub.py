"""Parses a DataHub metadata file with DataHub's own models (acryl-datahub): through the file
source, as `datahub ingest` reads it, and each proposal into its typed aspect. Prints a JSON
summary of what the models saw, for the Rust test to check."""
import json
import sys

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.source.file import FileSourceConfig, GenericFileSource

path = sys.argv[1]
source = GenericFileSource(PipelineContext(run_id="mesh-export-test"), FileSourceConfig(path=path))
workunits = list(source.get_workunits())
with open(path, encoding="utf-8") as f:
    raw = json.load(f)
summary = {"workunits": len(workunits), "proposals": len(raw), "aspects": {}, "field_types": {}, "pii_terms": {},
           "upstreams": {}, "owners": {}, "platform_schema": set()}
for obj in raw:
    mcp = MetadataChangeProposalWrapper.from_obj(obj)
    assert mcp.validate(), f"{obj['entityUrn']} {obj['aspectName']} does not validate"
    aspect = mcp.aspect
    name = type(aspect).__name__
    summary["aspects"][name] = summary["aspects"].get(name, 0) + 1
    if name == "SchemaMetadataClass":
        summary["platform_schema"].add(type(aspect.platformSchema).__name__)
        for field in aspect.fields:
            key = f"{aspect.schemaName}.{field.fieldPath}"
            summary["field_types"][key] = type(field.type.type).__name__
            if field.glossaryTerms:
                summary["pii_terms"][key] = [t.urn for t in field.glossaryTerms.terms]
    if name == "UpstreamLineageClass":
        summary["upstreams"][mcp.entityUrn] = sorted(u.dataset for u in aspect.upstreams)
    if name == "OwnershipClass":
        summary["owners"][mcp.entityUrn] = [o.owner for o in aspect.owners]
summary["platform_schema"] = sorted(summary["platform_schema"])
print(json.dumps(summary))
