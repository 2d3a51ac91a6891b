//! `cargo xtask new domain` and `cargo xtask new product`: a domain crate with one example
//! product per layer, or one declaration, that pass `cargo xtask check`, clippy and rustfmt as
//! written. Every name is checked and every file planned before the first is written; no
//! existing file is overwritten (lists such as `xtask/Cargo.toml` get one line added).

mod declaration;
mod edits;
mod names;
mod source;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mesh_core::model::{Availability, Freshness, ProductDescriptor};
use mesh_core::registered_products;

use crate::output::{Failure, Output};
use declaration::ProductSpec;

/// What to scaffold.
#[derive(Debug, clap::Subcommand)]
pub enum NewCommand {
    /// A domain crate under domains/NAME with a bronze, a silver and a gold example product,
    /// linked into `cargo xtask` (one line each in xtask/Cargo.toml and xtask/src/main.rs).
    Domain {
        /// The domain's name, lower snake case.
        name: String,
        /// The owning team's address, for every product of the domain.
        #[arg(long, value_name = "ADDRESS")]
        owner: String,
        /// Where consumers get help, e.g. "#finance-data on Slack".
        #[arg(long, value_name = "CHANNEL")]
        support: Option<String>,
    },
    /// A product declaration in an existing domain crate, with its pipeline stub.
    Product {
        /// The domain it belongs to.
        domain: String,
        /// The product's name, lower snake case.
        name: String,
        /// The lakehouse layer: bronze, silver or gold.
        #[arg(long, value_name = "LAYER", value_parser = ["bronze", "silver", "gold"])]
        layer: String,
        /// An input product (`domain.name`); the first one's fields are copied with their PII
        /// classification. Repeatable; needed for silver and gold.
        #[arg(long = "from", value_name = "INPUT")]
        from: Vec<String>,
    },
}

/// A file the command writes: new, or an existing list with one line added.
struct Planned {
    path: PathBuf,
    text: String,
    new: bool,
}

/// Runs `new domain` or `new product` in the workspace at `root`.
///
/// # Errors
/// A bad name, a taken domain or product, an unknown or invisible input, or a file that cannot
/// be written; nothing is written when the error is found before writing.
pub fn run(command: NewCommand, root: &Path, out: &mut Output) -> Result<(), Failure> {
    let plan = match command {
        NewCommand::Domain { name, owner, support } => plan_domain(root, &name, &owner, support.as_deref())?,
        NewCommand::Product { domain, name, layer, from } => plan_product(root, &domain, &name, &layer, &from)?,
    };
    for planned in &plan {
        if planned.new && planned.path.exists() {
            return Err(
                format!("{} exists; nothing was written (it is never overwritten)", planned.path.display()).into()
            );
        }
    }
    for planned in &plan {
        write(planned)?;
        let what = if planned.new { "Created" } else { "Updated" };
        out.line(format_args!("{what:>9} {}", planned.path.strip_prefix(root).unwrap_or(&planned.path).display()))?;
    }
    out.line(
        "Next: edit the declarations and pipelines (docs/declaring-products.md), then `cargo xtask publish` \
         publishes the new contracts and `cargo xtask check` passes.",
    )
}

fn write(planned: &Planned) -> Result<(), String> {
    use std::io::Write as _;
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", planned.path.display());
    if let Some(parent) = planned.path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    if planned.new {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&planned.path).map_err(fail)?;
        file.write_all(planned.text.as_bytes()).map_err(fail)
    } else {
        std::fs::write(&planned.path, &planned.text).map_err(fail)
    }
}

fn read(path: &Path) -> Result<String, String> {
    crate::files::read_text_file(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn plan_domain(root: &Path, name: &str, owner: &str, support: Option<&str>) -> Result<Vec<Planned>, String> {
    names::check_name("domain", name)?;
    names::check_owner_address(owner)?;
    let dir = root.join("domains").join(name);
    if dir.exists() || registered_products().iter().any(|r| *r.descriptor.domain == *name) {
        return Err(format!(
            "the domain `{name}` exists ({}); add products with `cargo xtask new product {name} ...`",
            dir.display()
        ));
    }
    let pascal = names::type_name(name);
    let manifest = format!(
        "[package]\nname = \"{name}\"\ndescription = \"The {name} domain's data products.\"\nversion.workspace = true\n\
         edition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\npublish.workspace = true\n\n\
         [dependencies]\nmesh-core = {{ workspace = true }}\nmesh-macros = {{ workspace = true }}\n\
         mesh-pipeline = {{ workspace = true }}\n\n[lints]\nworkspace = true\n"
    );
    let lib = format!(
        "//! The {name} domain owns its data and publishes it as products along the lakehouse layers:\n//!\n\
         //! `bronze.{name}_raw` -> `silver.{name}_cleaned` -> `gold.{name}_analytics`\n\npub mod bronze;\npub mod gold;\n\
         pub mod silver;\n"
    );
    let (fields, imports) = declaration::landing_fields();
    let spec = |product: &str, layer: &str, description: &str, sla: [&str; 3], input: Option<&str>| ProductSpec {
        domain: name.to_owned(),
        name: product.to_owned(),
        type_name: names::type_name(product),
        layer: layer.to_owned(),
        owner: owner.to_owned(),
        support: support.map(str::to_owned),
        description: description.to_owned(),
        event_time: Some("received_at".to_owned()),
        sla: sla.map(str::to_owned),
        inputs: input.map(|input| vec![input.to_owned()]).unwrap_or_default(),
        fields: fields.clone(),
        imports: {
            let mut imports = imports.clone();
            if let Some(input) = input {
                let module = if layer == "silver" { "bronze" } else { "silver" };
                imports.insert(format!("crate::{module}::{input}"));
            }
            imports
        },
    };
    let raw = format!("{pascal}Raw");
    let cleaned = format!("{pascal}Cleaned");
    let src = dir.join("src");
    let declarations = [
        (
            "bronze",
            "Raw data, as the source system sends it.",
            spec(
                &format!("{name}_raw"),
                "bronze",
                "Events exactly as the source system sent them, unvalidated.",
                ["5 minutes", "99.9%", ">95%"],
                None,
            ),
        ),
        (
            "silver",
            "Cleaned, conformed data.",
            spec(
                &format!("{name}_cleaned"),
                "silver",
                "The raw events validated and deduplicated: say what a record is and what was removed.",
                ["10 minutes", "99.9%", ">98%"],
                Some(&raw),
            ),
        ),
        (
            "gold",
            "Data products for consumers across the company.",
            spec(
                &format!("{name}_analytics"),
                "gold",
                "The product consumers read: say what one record is and what it is for.",
                ["15 minutes", "99.9%", ">95%"],
                Some(&cleaned),
            ),
        ),
    ];
    let mut plan = vec![
        Planned { path: dir.join("Cargo.toml"), text: manifest, new: true },
        Planned { path: src.join("lib.rs"), text: lib, new: true },
    ];
    for (module, doc, spec) in &declarations {
        plan.push(Planned { path: src.join(format!("{module}.rs")), text: declaration::render(spec, doc), new: true });
    }
    let xtask_manifest = root.join("xtask/Cargo.toml");
    let main = root.join("xtask/src/main.rs");
    plan.push(Planned {
        text: edits::append_to_block(
            &read(&xtask_manifest)?,
            "# The example mesh",
            &format!("{name} = {{ path = \"../domains/{name}\" }}"),
            "xtask/Cargo.toml",
        )?,
        path: xtask_manifest,
        new: false,
    });
    plan.push(Planned {
        text: edits::append_to_block(
            &read(&main)?,
            "// Linking a domain crate",
            &format!("use {name} as _;"),
            "xtask/src/main.rs",
        )?,
        path: main,
        new: false,
    });
    Ok(plan)
}

/// The registered product `id` (`domain.name`).
fn find(id: &str) -> Result<&'static ProductDescriptor, String> {
    let products: Vec<_> = registered_products().into_iter().map(|r| r.descriptor).collect();
    products.iter().find(|p| p.id() == id).copied().ok_or_else(|| {
        let similar: Vec<String> = products
            .iter()
            .map(|p| p.id())
            .filter(|other| other.contains(id.rsplit('.').next().unwrap_or(id)))
            .collect();
        let hint = if similar.is_empty() { String::new() } else { format!(" (did you mean {}?)", similar.join(", ")) };
        format!("--from `{id}`: no such product in the mesh{hint}; name an input as `domain.name`")
    })
}

fn plan_product(root: &Path, domain: &str, name: &str, layer: &str, from: &[String]) -> Result<Vec<Planned>, String> {
    names::check_name("product", name)?;
    let domain_products: Vec<&ProductDescriptor> =
        registered_products().into_iter().map(|r| r.descriptor).filter(|p| *p.domain == *domain).collect();
    let dir = root.join("domains").join(domain);
    let Some(sibling) = domain_products.iter().min_by_key(|p| p.id()) else {
        if dir.join("Cargo.toml").is_file() {
            return Err(format!(
                "this build of the mesh has no product of `{domain}` ({} exists): run the command as \
                 `cargo xtask new product ...`, which rebuilds the command line with the domain's crate",
                dir.display()
            ));
        }
        return Err(format!(
            "the domain `{domain}` has no products in the mesh; create it with `cargo xtask new domain {domain} --owner ADDRESS`"
        ));
    };
    if domain_products.iter().any(|p| *p.name == *name) {
        return Err(format!("the product `{domain}.{name}` exists; choose another name"));
    }
    let module_file = dir.join("src").join(format!("{name}.rs"));
    if module_file.exists() {
        return Err(format!("{} exists; choose another product name", module_file.display()));
    }
    if layer != "bronze" && from.is_empty() {
        return Err(format!("a {layer} product is built from inputs: name at least one with `--from domain.name`"));
    }
    if layer == "bronze" && !from.is_empty() {
        return Err("a bronze product is ingested from the landing folder, not built from inputs: drop --from".into());
    }
    let mut inputs = Vec::new();
    let mut imports = BTreeSet::new();
    let mut crates = BTreeSet::new();
    let mut sla: [String; 3] = ["15 minutes".into(), "99.9%".into(), ">95%".into()];
    let mut loosest: Option<Freshness> = None;
    let mut lowest: Option<Availability> = None;
    let local = |path: String| match path.strip_prefix(&format!("{domain}::")) {
        Some(rest) => format!("crate::{rest}"),
        None => path,
    };
    for id in from {
        let input = find(id)?;
        if !input.visibility.admits(&input.domain, domain) {
            return Err(format!(
                "--from `{id}`: the product is visible to its {} only, so the domain `{domain}` cannot read it; ask its \
                 owners ({}) to add `{domain}` to its `visibility(...)`",
                input.visibility, input.owner
            ));
        }
        if *input.domain != *domain {
            crates.insert(input.domain.to_string());
        }
        inputs.push(input.rust_type.rsplit("::").next().unwrap_or(&input.rust_type).to_owned());
        imports.insert(local(input.rust_type.to_string()));
        loosest = loosest.max(input.sla.freshness);
        lowest = match (lowest, input.sla.availability) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    if let Some(freshness) = loosest {
        sla[0] = freshness.to_string();
    }
    if let Some(availability) = lowest {
        sla[1] = availability.to_string();
    }
    let (fields, field_imports, event_time) = match from.first() {
        None => {
            let (fields, imports) = declaration::landing_fields();
            (fields, imports, Some("received_at".to_owned()))
        }
        Some(first) => {
            let input = find(first)?;
            let (module, type_name) = input.rust_type.rsplit_once("::").unwrap_or(("", &input.rust_type));
            let source = read(&root.join(&*input.source.file))?;
            let (fields, imports) = source::copy_fields(&source, type_name, module)
                .map_err(|e| format!("--from `{first}`: {e} ({})", input.source.file))?;
            let event_time =
                input.event_time.as_deref().filter(|t| fields.iter().any(|f| f.name == *t)).map(str::to_owned);
            (fields, imports, event_time)
        }
    };
    for path in field_imports {
        if let Some(krate) = path.split("::").next().filter(|k| !["mesh_core", "std", "crate", domain].contains(k)) {
            crates.insert(krate.to_owned());
        }
        imports.insert(local(path));
    }
    let spec = ProductSpec {
        domain: domain.to_owned(),
        name: name.to_owned(),
        type_name: names::type_name(name),
        layer: layer.to_owned(),
        owner: sibling.owner.to_string(),
        support: sibling.support.as_deref().map(str::to_owned),
        description: "Say what one record is, what it is built from and who it is for.".to_owned(),
        event_time,
        sla,
        inputs,
        fields,
        imports,
    };
    let lib = dir.join("src/lib.rs");
    let mut plan = vec![
        Planned {
            text: declaration::render(&spec, &format!("The `{domain}.{name}` data product.")),
            path: module_file,
            new: true,
        },
        Planned {
            text: edits::insert_sorted(&read(&lib)?, "pub mod ", &format!("pub mod {name};"), "lib.rs")?,
            path: lib,
            new: false,
        },
    ];
    let manifest_path = dir.join("Cargo.toml");
    let mut manifest = read(&manifest_path)?;
    let before = manifest.clone();
    for krate in &crates {
        let declared = manifest
            .lines()
            .any(|l| l.starts_with(&format!("{krate} =")) || l.starts_with(&format!("{} =", krate.replace('_', "-"))));
        if !declared {
            manifest =
                edits::add_dependency(&manifest, &format!("{krate} = {{ path = \"../{krate}\" }}"), "Cargo.toml")?;
        }
    }
    if manifest != before {
        plan.push(Planned { path: manifest_path, text: manifest, new: false });
    }
    Ok(plan)
}
