//! The audit document as Markdown and as HTML, section by section, from its JSON form.

use std::fmt::Write as _;

use serde_json::Value;

/// A section: a title, then rows of cells; the first row is the header.
struct Section {
    title: String,
    note: Option<String>,
    rows: Vec<Vec<String>>,
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "-".to_owned(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn sections(audit: &Value) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut rows = vec![vec!["Domain", "Product", "Field", "Class", "Encrypted", "Copied by"]
        .into_iter()
        .map(String::from)
        .collect()];
    for (domain, fields) in audit["pii_inventory"].as_object().into_iter().flatten() {
        for field in fields.as_array().into_iter().flatten() {
            rows.push(vec![
                domain.clone(),
                text(&field["product"]),
                text(&field["path"]),
                text(&field["class"]),
                // Deterministic encryption leaks equality: a review should see where it is used.
                match (field["encrypted"] == true, field["encryption"].as_str()) {
                    (true, Some("deterministic")) => "yes, deterministic".into(),
                    (true, _) => "yes".into(),
                    (false, _) => "NO".into(),
                },
                text(&field["copied_by"]),
            ]);
        }
    }
    sections.push(Section { title: format!("PII inventory ({} fields)", audit["pii_fields"]), note: None, rows });

    let mut rows = vec![vec!["Domain", "Errors", "Warnings", "Findings"].into_iter().map(String::from).collect()];
    for (domain, found) in audit["policy_findings"].as_object().into_iter().flatten() {
        let list: Vec<String> = found["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| format!("{}: {}", text(&f["code"]), text(&f["message"])))
            .collect();
        rows.push(vec![domain.clone(), text(&found["errors"]), text(&found["warnings"]), list.join("; ")]);
    }
    let note = (rows.len() == 1).then(|| "No findings on the quarter's last day.".to_owned());
    sections.push(Section { title: "Policy findings".into(), note, rows });

    let mut rows =
        vec![vec!["Waiver", "Domain", "Policy", "Expires", "Reason"].into_iter().map(String::from).collect()];
    for (which, key) in [("active", "active"), ("expiring next quarter", "expiring_next_quarter")] {
        for w in audit["waivers"][key].as_array().into_iter().flatten() {
            rows.push(vec![
                which.into(),
                text(&w["domain"]),
                text(&w["policy"]),
                text(&w["expires"]),
                text(&w["reason"]),
            ]);
        }
    }
    let note = (rows.len() == 1).then(|| "No waivers active during the quarter or expiring in the next.".to_owned());
    sections.push(Section { title: "Waivers".into(), note, rows });

    let mut rows = vec![vec!["Product", "Runs", "Quality met", "Freshness met", "SLA compliance"]
        .into_iter()
        .map(String::from)
        .collect()];
    for p in audit["sla_compliance"].as_array().into_iter().flatten() {
        let row = if p["status"] == "measured" {
            vec![
                text(&p["product"]),
                p["runs"].to_string(),
                p["quality_met"].to_string(),
                p["freshness_met"].to_string(),
                format!("{}% ({} of {} runs)", p["compliance_percent"], p["compliant_runs"], p["runs"]),
            ]
        } else {
            vec![text(&p["product"]), String::new(), String::new(), String::new(), text(&p["status"])]
        };
        rows.push(row);
    }
    sections.push(Section {
        title: "SLA compliance".into(),
        note: Some(
            "Compliance is the share of the runs committed in the quarter that met both quality and freshness, \
             read from the validation history (`lakehouse/_validations.sqlite`); a run with unreadable data did \
             not meet quality."
                .into(),
        ),
        rows,
    });

    let contracts = &audit["contract_changes"];
    let mut rows =
        vec![vec!["Date", "Commit", "Product", "Change", "Consumers"].into_iter().map(String::from).collect()];
    for p in contracts["published"].as_array().into_iter().flatten() {
        let change = match (&p["previous"], p["breaking"] == true) {
            (Value::Null, _) => format!("published {}", text(&p["version"])),
            (previous, true) => format!("BREAKING {} -> {}", text(previous), text(&p["version"])),
            (previous, false) => format!("{} -> {}", text(previous), text(&p["version"])),
        };
        rows.push(vec![text(&p["date"]), text(&p["commit"]), text(&p["product"]), change, text(&p["consumers"])]);
    }
    for r in contracts["removed"].as_array().into_iter().flatten() {
        rows.push(vec![
            text(&r["date"]),
            text(&r["commit"]),
            text(&r["product"]),
            format!("removed {}", text(&r["version"])),
            "-".into(),
        ]);
    }
    for d in contracts["deprecated"].as_array().into_iter().flatten() {
        rows.push(vec![
            text(&d["date"]),
            text(&d["commit"]),
            text(&d["product"]),
            format!("deprecated from {}", text(&d["since"])),
            text(&d["consumers"]),
        ]);
    }
    let note = if contracts["available"] == false {
        Some("No git history: contract changes cannot be read.".into())
    } else {
        Some(format!("{} versions published, {} breaking.", contracts["versions_published"], contracts["breaking"]))
    };
    sections.push(Section { title: "Contract changes".into(), note, rows });

    let ownership = &audit["ownership"];
    let mut rows = vec![vec!["Gap".to_owned(), "Products".to_owned()]];
    rows.push(vec!["without a support channel".into(), text(&ownership["without_support"])]);
    for o in ownership["owners_of_many"].as_array().into_iter().flatten() {
        rows.push(vec![format!("{} owns {}", text(&o["owner"]), o["products"]), "-".into()]);
    }
    for d in ownership["deprecated"].as_array().into_iter().flatten() {
        rows.push(vec![
            format!("deprecated since {}, consumed by", text(&d["deprecated"])),
            format!("{}: {}", text(&d["product"]), text(&d["consumers"])),
        ]);
    }
    sections.push(Section {
        title: "Ownership gaps".into(),
        note: Some(format!("Owners of {} or more products are listed.", ownership["many_threshold"])),
        rows,
    });

    let since = &audit["since_previous"];
    let (note, rows) = if since.is_null() {
        (Some("No previous audit filed: this one is the baseline of the trend.".to_owned()), Vec::new())
    } else {
        let rows = vec![
            vec!["Since".to_owned(), text(&since["previous"])],
            vec!["New PII fields".into(), text(&since["new_pii_fields"])],
            vec!["Removed PII fields".into(), text(&since["removed_pii_fields"])],
            vec![
                "New waivers".into(),
                since["new_waivers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|w| format!("{}/{}", text(&w["domain"]), text(&w["policy"])))
                    .collect::<Vec<_>>()
                    .join(", "),
            ],
            vec!["Products added".into(), text(&since["products_added"])],
            vec!["Products removed".into(), text(&since["products_removed"])],
            vec![
                "Policy errors".into(),
                format!("{} -> {}", since["policy_errors"]["before"], since["policy_errors"]["now"]),
            ],
            vec![
                "SLA compliance".into(),
                since["compliance"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        format!("{} {} {}% -> {}%", text(&c["product"]), text(&c["direction"]), c["before"], c["now"])
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ],
        ];
        (None, rows)
    };
    sections.push(Section { title: "Since the previous audit".into(), note, rows });
    sections
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// For the review, as a file in the repository.
pub fn markdown(audit: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Governance audit {}\n\n{} to {}; generated by `cargo xtask audit --quarter {}`.",
        text(&audit["quarter"]),
        text(&audit["period"]["start"]),
        text(&audit["period"]["end"]),
        text(&audit["quarter"])
    );
    for section in sections(audit) {
        let _ = writeln!(out, "\n## {}\n", section.title);
        if let Some(note) = &section.note {
            let _ = writeln!(out, "{note}\n");
        }
        let Some((header, rows)) = section.rows.split_first().filter(|(_, rows)| !rows.is_empty()) else { continue };
        let _ = writeln!(out, "| {} |", header.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(out, "|{}|", vec!["---"; header.len()].join("|"));
        for row in rows {
            let _ = writeln!(out, "| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// For reading in a browser: one self-contained page.
pub fn html(audit: &Value) -> String {
    let quarter = escape(&text(&audit["quarter"]));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Governance audit {quarter}</title>\n\
         <style>body{{font-family:sans-serif;max-width:72em;margin:2em auto}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left}}</style>\n</head>\n<body>\n\
         <h1>Governance audit {quarter}</h1>\n<p>{} to {}</p>\n",
        escape(&text(&audit["period"]["start"])),
        escape(&text(&audit["period"]["end"]))
    );
    for section in sections(audit) {
        let _ = writeln!(out, "<h2>{}</h2>", escape(&section.title));
        if let Some(note) = &section.note {
            let _ = writeln!(out, "<p>{}</p>", escape(note));
        }
        let Some((header, rows)) = section.rows.split_first().filter(|(_, rows)| !rows.is_empty()) else { continue };
        let _ = write!(out, "<table>\n<tr>");
        for c in header {
            let _ = write!(out, "<th>{}</th>", escape(c));
        }
        let _ = writeln!(out, "</tr>");
        for row in rows {
            let _ = write!(out, "<tr>");
            for c in row {
                let _ = write!(out, "<td>{}</td>", escape(c));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</table>");
    }
    out.push_str("</body>\n</html>\n");
    out
}
