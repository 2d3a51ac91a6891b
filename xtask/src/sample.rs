//! `cargo xtask sample PRODUCT --rows N --out FILE [--seed S] [--codec null|deflate|snappy|zstandard]`:
//! synthetic records of a product, written through its typed container writer.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use mesh_core::codec::Compression;
use mesh_core::{registered_codecs, CodecRegistration};

/// The registered codec of `product`, given as `domain.name` or as a name no other product shares.
pub fn find_product(product: &str) -> Result<&'static CodecRegistration, String> {
    let all: Vec<_> = registered_codecs().collect();
    let matches: Vec<_> = all
        .iter()
        .copied()
        .filter(|r| r.product == product || r.product.split_once('.').is_some_and(|(_, name)| name == product))
        .collect();
    match matches.as_slice() {
        [only] => Ok(only),
        [] => {
            let mut ids: Vec<_> = all.iter().map(|r| r.product).collect();
            ids.sort_unstable();
            Err(format!("no product `{product}` is linked; the products are: {}", ids.join(", ")))
        }
        several => {
            let ids: Vec<_> = several.iter().map(|r| r.product).collect();
            Err(format!("`{product}` is ambiguous: write one of {}", ids.join(", ")))
        }
    }
}

pub fn run(product: &str, rows: u64, out: &Path, seed: u64, codec: &str) -> Result<(), String> {
    let codec = Compression::from_name(codec).ok_or_else(|| {
        let names: Vec<&str> = Compression::SUPPORTED.iter().map(|codec| codec.name()).collect();
        format!("unknown codec `{codec}`: use one of {}", names.join(", "))
    })?;
    let registration = find_product(product)?;
    let file = File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    (registration.write_sample)(&mut writer, rows, seed, codec)
        .and_then(|()| writer.flush())
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    errln!(
        "wrote {rows} records of {} to {} ({size} bytes, {codec}, seed {seed})",
        registration.product,
        out.display()
    );
    Ok(())
}
