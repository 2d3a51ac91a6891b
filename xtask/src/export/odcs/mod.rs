//! ODCS v3.1.0 (Open Data Contract Standard): one `DataContract` document per product, from the
//! typed contract and the product's Avro schema (for logical types and nested records). What
//! ODCS has no key for goes to `customProperties`: the standard forbids unknown keys.

mod quality;

use serde::Serialize;
use serde_json::Value;

use mesh_core::Contract;

use quality::Quality;

/// The ODCS version written.
pub const API_VERSION: &str = "v3.1.0";

/// A data contract document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataContract {
    api_version: &'static str,
    kind: &'static str,
    id: String,
    name: String,
    version: String,
    status: &'static str,
    domain: String,
    data_product: String,
    description: Description,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    schema: Vec<SchemaObject>,
    support: Vec<SupportItem>,
    team: Team,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<Role>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sla_properties: Vec<SlaProperty>,
    servers: Vec<Server>,
    custom_properties: Vec<CustomProperty>,
}

#[derive(Debug, Serialize)]
struct Description {
    purpose: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SchemaObject {
    name: String,
    logical_type: &'static str,
    physical_type: &'static str,
    physical_name: String,
    description: String,
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    quality: Vec<Quality>,
}

/// A field (or, under `items`, an array's element, which has no name).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Property {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    logical_type: &'static str,
    physical_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_type_options: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unique: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Box<Property>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    quality: Vec<Quality>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    custom_properties: Vec<CustomProperty>,
}

#[derive(Debug, Serialize)]
struct SupportItem {
    channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    tool: &'static str,
}

#[derive(Debug, Serialize)]
struct Team {
    name: String,
    members: Vec<TeamMember>,
}

#[derive(Debug, Serialize)]
struct TeamMember {
    username: String,
    role: &'static str,
}

#[derive(Debug, Serialize)]
struct Role {
    role: String,
    access: &'static str,
    description: String,
}

#[derive(Debug, Serialize)]
struct SlaProperty {
    property: &'static str,
    value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    element: Option<String>,
}

#[derive(Debug, Serialize)]
struct Server {
    server: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'static str,
    path: String,
    format: &'static str,
}

#[derive(Debug, Serialize)]
struct CustomProperty {
    property: &'static str,
    value: Value,
}

/// The ODCS document of a product; `schema_json` is its Avro schema.
pub fn contract(contract: &Contract, schema_json: &str) -> DataContract {
    let c = contract;
    let id = format!("{}.{}", c.domain, c.name);
    let avro: Value = serde_json::from_str(schema_json).unwrap_or(Value::Null);
    let avro_fields = avro["fields"].as_array().cloned().unwrap_or_default();
    let properties = c
        .fields
        .iter()
        .map(|field| {
            let avro_type = avro_fields.iter().find(|f| f["name"] == field.name.as_str()).map(|f| &f["type"]);
            let mut property = property(Some(&field.name), avro_type.unwrap_or(&Value::Null), &field.name, c);
            property.description = Some(field.doc.clone());
            property.physical_type = field.avro_type.clone();
            property.logical_type_options =
                quality::logical_type_options(&c.quality, &field.name, property.logical_type);
            property.unique = quality::is_unique(&c.quality, &field.name).then_some(true);
            property.quality = quality::field_checks(&c.quality, &field.name, property.logical_type);
            if let Some(pii) = &field.pii {
                property.classification = Some(pii.class.as_str().to_string());
                property.custom_properties.extend(encryption_properties(pii.encryption()));
            }
            property
        })
        .collect();
    let mut quality: Vec<Quality> = c.sla.quality_score.map(Quality::quality_score).into_iter().collect();
    quality.extend(quality::product_checks(&c.quality));
    let mut sla = Vec::new();
    if let Some(freshness) = c.sla.freshness {
        let seconds = freshness.as_secs();
        let (value, unit) = match seconds {
            s if s % 86_400 == 0 => (s / 86_400, "d"),
            s if s % 3_600 == 0 => (s / 3_600, "h"),
            s if s % 60 == 0 => (s / 60, "m"),
            s => (s, "s"),
        };
        sla.push(SlaProperty {
            property: "latency",
            value: value.into(),
            unit: Some(unit),
            element: c.sla.freshness_field.as_ref().map(|f| format!("{}.{f}", c.name)),
        });
    }
    if let Some(availability) = c.sla.availability {
        sla.push(SlaProperty {
            property: "availability",
            value: availability.to_string().into(),
            unit: None,
            element: None,
        });
    }
    let mut support = Vec::new();
    if let Some(channel) = &c.support {
        support.push(SupportItem {
            channel: channel.clone(),
            url: None,
            tool: if channel.to_ascii_lowercase().contains("slack") { "slack" } else { "other" },
        });
    }
    support.push(SupportItem { channel: c.owner.clone(), url: Some(format!("mailto:{}", c.owner)), tool: "email" });
    let mut custom = vec![
        CustomProperty { property: "layer", value: c.layer.as_str().into() },
        CustomProperty { property: "visibility", value: c.access.visibility.to_string().into() },
        CustomProperty { property: "compatibility", value: c.schema.compatibility.as_str().into() },
        CustomProperty { property: "schemaFingerprint", value: c.schema.fingerprint.clone().into() },
        CustomProperty {
            property: "inputs",
            value: c.inputs.iter().map(|i| format!("{}@{}", i.product, i.requirement)).collect::<Vec<_>>().into(),
        },
    ];
    if let Some(auth) = &c.access.authentication {
        custom.push(CustomProperty { property: "authentication", value: auth.clone().into() });
    }
    if let Some(date) = &c.deprecated {
        custom.push(CustomProperty { property: "deprecatedFrom", value: date.clone().into() });
    }
    DataContract {
        api_version: API_VERSION,
        kind: "DataContract",
        version: c.schema.version.to_string(),
        status: if c.deprecated.is_some() { "deprecated" } else { "active" },
        domain: c.domain.clone(),
        data_product: c.name.clone(),
        name: c.name.clone(),
        description: Description { purpose: c.description.clone(), usage: c.access.read.clone() },
        tags: c.tags.clone(),
        schema: vec![SchemaObject {
            name: c.name.clone(),
            logical_type: "object",
            physical_type: "table",
            physical_name: id.clone(),
            description: c.description.clone(),
            properties,
            quality,
        }],
        support,
        team: Team { name: c.domain.clone(), members: vec![TeamMember { username: c.owner.clone(), role: "owner" }] },
        roles: c
            .access
            .read
            .iter()
            .map(|grant| Role { role: grant.clone(), access: "read", description: format!("Read access to {id}") })
            .collect(),
        sla_properties: sla,
        servers: vec![Server {
            server: "lakehouse",
            kind: "local",
            description: "The mesh's lakehouse: Avro container files of the current version, listed by the newest _manifests/ file",
            path: format!("lakehouse/{}/{}/{}/data/*.avro", c.layer.as_str(), c.domain, c.name),
            format: "avro",
        }],
        custom_properties: custom,
        id,
    }
}

/// The ODCS property of an Avro type; `path` locates nested personal data (`field.sub`,
/// `field[].sub`) in the contract's `nested_pii`.
fn property(name: Option<&str>, avro: &Value, path: &str, contract: &Contract) -> Property {
    let (avro, required) = match avro.as_array() {
        Some(branches) => {
            let non_null: Vec<&Value> = branches.iter().filter(|b| *b != "null").collect();
            (non_null.first().copied().unwrap_or(&Value::Null), non_null.len() == branches.len())
        }
        None => (avro, true),
    };
    let kind = avro.get("type").unwrap_or(avro).as_str().unwrap_or("");
    let logical = avro.get("logicalType").and_then(Value::as_str).unwrap_or("");
    let logical_type = match (kind, logical) {
        (_, "timestamp-millis" | "timestamp-micros" | "local-timestamp-millis" | "local-timestamp-micros") => {
            "timestamp"
        }
        (_, "date") => "date",
        (_, "time-millis" | "time-micros") => "time",
        (_, "decimal") | ("float" | "double", _) => "number",
        ("int" | "long", _) => "integer",
        ("boolean", _) => "boolean",
        ("record", _) => "object",
        ("array", _) => "array",
        ("map", _) => "object",
        _ => "string",
    };
    let nested = contract.fields.iter().flat_map(|f| &f.nested_pii).find(|n| n.path == path);
    let mut property = Property {
        name: name.map(str::to_string),
        logical_type,
        physical_type: if logical.is_empty() { kind.to_string() } else { format!("{kind} ({logical})") },
        description: avro.get("doc").and_then(Value::as_str).map(str::to_string),
        logical_type_options: None,
        required: name.map(|_| required),
        unique: None,
        classification: nested.map(|n| n.class.as_str().to_string()),
        properties: Vec::new(),
        items: None,
        quality: Vec::new(),
        custom_properties: nested.map(|n| encryption_properties(n.encryption())).unwrap_or_default(),
    };
    if kind == "record" {
        property.properties = avro["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let sub = f["name"].as_str().unwrap_or("");
                let mut p = property_of(sub, &f["type"], &format!("{path}.{sub}"), contract);
                p.description = f["doc"].as_str().map(str::to_string);
                p
            })
            .collect();
    }
    if kind == "array" {
        property.items = Some(Box::new(self::property(None, &avro["items"], &format!("{path}[]"), contract)));
    }
    property
}

fn property_of(name: &str, avro: &Value, path: &str, contract: &Contract) -> Property {
    property(Some(name), avro, path, contract)
}

/// A personal-data property's `encryptedAtRest`, and how (`randomized` or `deterministic`) when it is.
fn encryption_properties(encryption: Option<mesh_core::model::Encryption>) -> Vec<CustomProperty> {
    let mut properties = vec![CustomProperty { property: "encryptedAtRest", value: encryption.is_some().into() }];
    if let Some(mode) = encryption {
        properties.push(CustomProperty { property: "encryption", value: mode.name().into() });
    }
    properties
}
