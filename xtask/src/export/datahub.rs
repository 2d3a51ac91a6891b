//! DataHub metadata: the JSON file DataHub's `file` source ingests, a list of metadata change
//! proposals. Per product: properties, schema (with glossary terms on personal-data fields),
//! ownership, tags, domain and upstream lineage; plus one glossary term per PII class and one
//! domain entity per mesh domain.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use mesh_core::Contract;

/// The data platform the mesh's datasets are filed under.
const PLATFORM: &str = "urn:li:dataPlatform:mesh";

/// Who DataHub records as having written the lineage.
const ACTOR: &str = "urn:li:corpuser:datahub";

/// A dataset's URN.
pub fn dataset_urn(id: &str) -> String {
    format!("urn:li:dataset:({PLATFORM},{id},PROD)")
}

fn term_urn(class: &str) -> String {
    format!("urn:li:glossaryTerm:PII.{class}")
}

fn proposal(entity_type: &str, urn: &str, aspect_name: &str, aspect: Value) -> Value {
    json!({
        "entityType": entity_type,
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect_name,
        "aspect": { "json": aspect },
    })
}

/// Every proposal for the products: `(contract, Avro schema JSON)` each.
pub fn metadata(products: &[(Contract, String)]) -> Vec<Value> {
    let audit = json!({ "time": 0, "actor": ACTOR });
    let mut out = Vec::new();
    let mut classes = BTreeSet::new();
    let mut domains = BTreeSet::new();
    for (c, schema_json) in products {
        let id = format!("{}.{}", c.domain, c.name);
        let urn = dataset_urn(&id);
        domains.insert(c.domain.clone());
        out.push(proposal(
            "dataset",
            &urn,
            "datasetProperties",
            json!({
                "name": c.name,
                "qualifiedName": id,
                "description": c.description,
                "customProperties": {
                    "layer": c.layer.as_str(),
                    "version": c.schema.version.to_string(),
                    "compatibility": c.schema.compatibility.as_str(),
                    "freshness": c.sla.freshness.map(|f| f.to_string()).unwrap_or_default(),
                    "availability": c.sla.availability.map(|a| a.to_string()).unwrap_or_default(),
                    "qualityScore": c.sla.quality_score.map(|q| q.to_string()).unwrap_or_default(),
                    "visibility": c.access.visibility.to_string(),
                    "support": c.support.clone().unwrap_or_default(),
                },
            }),
        ));
        let avro: Value = serde_json::from_str(schema_json).unwrap_or(Value::Null);
        let mut named = BTreeMap::new();
        named_types(&avro, &mut named);
        let fields: Vec<Value> = c
            .fields
            .iter()
            .map(|f| {
                let mut field = json!({
                    "fieldPath": f.name,
                    "nativeDataType": f.avro_type,
                    "type": { "type": { type_class(field_type(&avro, &f.name), &named): {} } },
                    "description": f.doc,
                    "nullable": f.avro_type.starts_with("union<null"),
                    "recursive": false,
                    "isPartOfKey": false,
                });
                let mut terms: Vec<String> = f.pii.iter().map(|p| p.class.as_str().to_string()).collect();
                terms.extend(f.nested_pii.iter().map(|n| n.class.as_str().to_string()));
                terms.sort();
                terms.dedup();
                if !terms.is_empty() {
                    classes.extend(terms.iter().cloned());
                    field["glossaryTerms"] = json!({
                        "terms": terms.iter().map(|t| json!({ "urn": term_urn(t) })).collect::<Vec<_>>(),
                        "auditStamp": audit,
                    });
                }
                field
            })
            .collect();
        out.push(proposal(
            "dataset",
            &urn,
            "schemaMetadata",
            json!({
                "schemaName": id,
                "platform": PLATFORM,
                "version": 0,
                "created": audit,
                "lastModified": audit,
                "hash": c.schema.fingerprint,
                "platformSchema": { "com.linkedin.schema.OtherSchema": { "rawSchema": schema_json } },
                "fields": fields,
            }),
        ));
        out.push(proposal(
            "dataset",
            &urn,
            "ownership",
            json!({
                "owners": [{ "owner": format!("urn:li:corpGroup:{}", c.owner), "type": "DATAOWNER" }],
                "lastModified": audit,
            }),
        ));
        if !c.tags.is_empty() {
            out.push(proposal(
                "dataset",
                &urn,
                "globalTags",
                json!({ "tags": c.tags.iter().map(|t| json!({ "tag": format!("urn:li:tag:{t}") })).collect::<Vec<_>>() }),
            ));
        }
        out.push(proposal("dataset", &urn, "domains", json!({ "domains": [format!("urn:li:domain:{}", c.domain)] })));
        if !c.inputs.is_empty() {
            out.push(proposal(
                "dataset",
                &urn,
                "upstreamLineage",
                json!({
                    "upstreams": c.inputs.iter().map(|i| json!({
                        "auditStamp": audit,
                        "dataset": dataset_urn(&i.product),
                        "type": "TRANSFORMED",
                    })).collect::<Vec<_>>(),
                }),
            ));
        }
    }
    for class in &classes {
        out.push(proposal(
            "glossaryTerm",
            &term_urn(class),
            "glossaryTermInfo",
            json!({
                "name": format!("PII {class}"),
                "definition": format!("Personal data of class `{class}`, as the mesh's declarations classify fields."),
                "termSource": "INTERNAL",
            }),
        ));
    }
    for domain in &domains {
        out.push(proposal(
            "domain",
            &format!("urn:li:domain:{domain}"),
            "domainProperties",
            json!({ "name": domain, "description": format!("The {domain} domain of the mesh.") }),
        ));
    }
    out
}

/// The Avro type of the record's field `name`.
fn field_type<'a>(record: &'a Value, name: &str) -> &'a Value {
    record["fields"].as_array().into_iter().flatten().find(|f| f["name"] == name).map_or(&Value::Null, |f| &f["type"])
}

/// Every named type (record, enum, fixed) in the schema, by name and full name: its kind.
fn named_types(schema: &Value, named: &mut BTreeMap<String, String>) {
    match schema {
        Value::Array(branches) => branches.iter().for_each(|b| named_types(b, named)),
        Value::Object(object) => {
            if let (Some(name), Some(kind)) =
                (object.get("name").and_then(Value::as_str), object.get("type").and_then(Value::as_str))
            {
                if ["record", "enum", "fixed"].contains(&kind) {
                    named.insert(name.to_string(), kind.to_string());
                    if let Some(namespace) = object.get("namespace").and_then(Value::as_str) {
                        named.insert(format!("{namespace}.{name}"), kind.to_string());
                    }
                }
            }
            for child in ["type", "items", "values", "fields"] {
                if let Some(value) = object.get(child) {
                    named_types(value, named);
                }
            }
        }
        _ => {}
    }
}

/// DataHub's type class for an Avro type (a nullable union counts as its other branch).
fn type_class(avro: &Value, named: &BTreeMap<String, String>) -> &'static str {
    let avro = match avro.as_array() {
        Some(branches) => branches.iter().find(|b| *b != "null").unwrap_or(&Value::Null),
        None => avro,
    };
    let kind = avro.get("type").unwrap_or(avro).as_str().unwrap_or("");
    let kind = named.get(kind).map_or(kind, String::as_str);
    match (kind, avro.get("logicalType").and_then(Value::as_str).unwrap_or("")) {
        (_, "date" | "timestamp-millis" | "timestamp-micros" | "local-timestamp-millis" | "local-timestamp-micros") => {
            "com.linkedin.schema.DateType"
        }
        (_, "time-millis" | "time-micros") => "com.linkedin.schema.TimeType",
        (_, "decimal") | ("int" | "long" | "float" | "double", _) => "com.linkedin.schema.NumberType",
        ("boolean", _) => "com.linkedin.schema.BooleanType",
        ("bytes" | "fixed", _) => "com.linkedin.schema.BytesType",
        ("enum", _) => "com.linkedin.schema.EnumType",
        ("array", _) => "com.linkedin.schema.ArrayType",
        ("map", _) => "com.linkedin.schema.MapType",
        ("record", _) => "com.linkedin.schema.RecordType",
        _ => "com.linkedin.schema.StringType",
    }
}
