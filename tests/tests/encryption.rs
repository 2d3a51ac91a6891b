//! Field-level encryption of `#[pii(..., encrypted)]` fields: the typed writer stores ciphertext,
//! the typed reader decrypts it with the domain's key, and each way a read can go wrong (wrong,
//! missing or rotated key, a changed byte) has its own exact error. Every test uses its own
//! keyring in a temporary folder; the emails are made up.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use mesh_core::codec::crypto::{KeyProvider, LocalKeyring, REDACTED};
use mesh_core::codec::{to_datum, Compression, ContainerReader, ContainerWriter, Sample, SampleRng};
use sales::gold::SalesAnalytics;

fn emails(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("person.{i}@example.test")).collect()
}

fn records(count: usize) -> Vec<SalesAnalytics> {
    let mut rng = SampleRng::new(7);
    emails(count)
        .into_iter()
        .map(|email| SalesAnalytics { customer_email: email, ..SalesAnalytics::sample(&mut rng, "") })
        .collect()
}

fn keyring(dir: &Path, name: &str) -> Arc<LocalKeyring> {
    Arc::new(LocalKeyring::new(dir.join(name)))
}

/// Writes `records` uncompressed (so that plaintext, if any, would be in the raw bytes).
fn write(path: &Path, records: &[SalesAnalytics], keys: Arc<dyn KeyProvider>) {
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ContainerWriter::<SalesAnalytics, _>::new(file, Compression::Null).unwrap();
    writer.set_key_provider(keys);
    for record in records {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap();
}

/// The records of the file, as plaintext datums (the product type has no `PartialEq`).
fn read(path: &Path, keys: Arc<dyn KeyProvider>) -> Result<Vec<Vec<u8>>, String> {
    let mut reader = ContainerReader::<SalesAnalytics, _>::open(path).map_err(|e| e.to_string())?;
    reader.set_key_provider(keys);
    reader.map(|r| r.map(|r| to_datum(&r)).map_err(|e| e.to_string())).collect()
}

fn datums(records: &[SalesAnalytics]) -> Vec<Vec<u8>> {
    records.iter().map(to_datum).collect()
}

#[test]
fn no_plaintext_of_an_encrypted_value_is_in_the_file_and_the_typed_reader_gets_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keyring(dir.path(), "keyring.json");
    let (path, written) = (dir.path().join("orders.avro"), records(50));
    write(&path, &written, keys.clone());
    let bytes = std::fs::read(&path).unwrap();
    for email in emails(50) {
        for part in [email.as_str(), email.split('@').next().unwrap()] {
            assert!(!bytes.windows(part.len()).any(|w| w == part.as_bytes()), "a plaintext email is in the file");
        }
    }
    // Unencrypted fields are stored as they are.
    assert!(bytes.windows(written[0].customer_id.len()).any(|w| w == written[0].customer_id.as_bytes()));
    assert_eq!(read(&path, keys).unwrap(), datums(&written));
}

#[test]
fn randomized_encryption_gives_equal_emails_different_ciphertexts() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keyring(dir.path(), "keyring.json");
    let path = dir.path().join("orders.avro");
    let mut same = records(2);
    same[1].customer_email = same[0].customer_email.clone();
    write(&path, &same, keys.clone());
    let bytes = std::fs::read(&path).unwrap();
    let tokens: Vec<&[u8]> = tokens(&bytes).collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1]);
    assert_eq!(read(&path, keys).unwrap(), datums(&same));
}

/// Each stored ciphertext token, `mesh1.` up to the end of its base64.
fn tokens(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let starts: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i..].starts_with(b"mesh1.")).collect();
    starts.into_iter().map(move |start| {
        let len = bytes[start..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'))
            .unwrap_or(bytes.len() - start);
        &bytes[start..start + len]
    })
}

#[test]
fn a_keyring_of_other_keys_is_the_wrong_key_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.avro");
    write(&path, &records(3), keyring(dir.path(), "writer.json"));
    let other = keyring(dir.path(), "other.json");
    other.rotate("sales").unwrap();
    let error = read(&path, other.clone()).unwrap_err();
    assert_eq!(
        error,
        format!(
            "{}, block 0, record 0: field `customer_email` was encrypted with another data key sales v1 than the \
             one in keyring {}: use the keyring the data was written with (MESH_KEYRING) (at byte {})",
            path.display(),
            other.path().display(),
            offset_of_email(&error)
        )
    );
}

/// The byte offset an error names (records differ in length, so it is read back, then checked).
fn offset_of_email(error: &str) -> usize {
    let offset = error.rsplit("(at byte ").next().unwrap().trim_end_matches(')').parse().unwrap();
    assert!(offset > 16, "the offset points past the order id, at the email");
    offset
}

#[test]
fn a_keyring_without_the_domain_key_is_the_missing_key_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.avro");
    write(&path, &records(3), keyring(dir.path(), "writer.json"));
    let empty = keyring(dir.path(), "empty.json");
    empty.rotate("marketing").unwrap();
    let error = read(&path, empty.clone()).unwrap_err();
    assert_eq!(
        error,
        format!(
            "{}, block 0, record 0: field `customer_email` needs data key sales v1, which keyring {} does not have: \
             use the keyring the data was written with (MESH_KEYRING) (at byte {})",
            path.display(),
            empty.path().display(),
            offset_of_email(&error)
        )
    );
    let absent = keyring(dir.path(), "absent.json");
    let error = read(&path, absent.clone()).unwrap_err();
    assert!(error.contains(&format!("which keyring {} (no such file) does not have", absent.path().display())));
}

#[test]
fn after_rotation_new_files_use_the_new_key_and_old_files_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keyring(dir.path(), "keyring.json");
    let (old, new) = (dir.path().join("old.avro"), dir.path().join("new.avro"));
    let written = records(4);
    write(&old, &written, keys.clone());
    assert_eq!(keys.rotate("sales").unwrap(), 2);
    write(&new, &written, keys.clone());
    let version = |path: &Path| {
        let bytes = std::fs::read(path).unwrap();
        let versions: Vec<String> =
            tokens(&bytes).map(|t| String::from_utf8_lossy(t).split('.').nth(2).unwrap().to_owned()).collect();
        versions
    };
    assert_eq!(version(&old), ["1"; 4]);
    assert_eq!(version(&new), ["2"; 4]);
    assert_eq!(read(&old, keys.clone()).unwrap(), datums(&written));
    assert_eq!(read(&new, keys.clone()).unwrap(), datums(&written));
    assert_eq!(keys.versions().unwrap()["sales"], [1, 2]);
}

#[test]
fn a_changed_ciphertext_byte_fails_that_record_with_an_authentication_error() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keyring(dir.path(), "keyring.json");
    let path = dir.path().join("orders.avro");
    write(&path, &records(3), keys.clone());
    let mut bytes = std::fs::read(&path).unwrap();
    // The second record's token: one base64 character past its header changes to another.
    let start = (0..bytes.len()).filter(|&i| bytes[i..].starts_with(b"mesh1.")).nth(1).unwrap();
    let at = start + "mesh1.r.1.01234567.".len() + 10;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&path, &bytes).unwrap();
    let mut reader = ContainerReader::<SalesAnalytics, _>::open(&path).unwrap();
    reader.set_key_provider(keys);
    assert!(reader.next().unwrap().is_ok(), "the first record is untouched");
    let error = reader.next().unwrap().err().unwrap().to_string();
    assert_eq!(
        error,
        format!(
            "{}, block 0, record 1: field `customer_email` fails authentication with data key sales v1: the \
             stored ciphertext was changed after it was written; the record is not returned (at byte {})",
            path.display(),
            offset_of_email(&error)
        )
    );
}

#[test]
fn a_redacting_reader_shows_encrypted_fields_as_encrypted_without_any_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.avro");
    let written = records(3);
    write(&path, &written, keyring(dir.path(), "keyring.json"));
    let mut reader = ContainerReader::<SalesAnalytics, _>::open(&path).unwrap();
    reader.redact_encrypted();
    let read: Vec<SalesAnalytics> = reader.map(Result::unwrap).collect();
    assert!(read.iter().all(|r| r.customer_email == REDACTED));
    assert_eq!(read[2].customer_id, written[2].customer_id);
}

#[test]
fn a_keyring_is_created_owner_only_and_one_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keyring(dir.path(), "keys/keyring.json");
    assert_eq!(keys.rotate("sales").unwrap(), 1);
    let mode = std::fs::metadata(keys.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    std::fs::set_permissions(keys.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        keys.key("sales", 1).unwrap_err().to_string_lossy(),
        format!(
            "keyring {0}: is readable by others (mode 644); a keyring must be owner-only: run `chmod 600 {0}`",
            keys.path().display()
        )
    );
}

trait Lossy {
    fn to_string_lossy(&self) -> String;
}

impl Lossy for mesh_core::codec::crypto::CryptoErrorKind {
    fn to_string_lossy(&self) -> String {
        mesh_core::codec::crypto::CryptoError { field: String::new(), kind: self.clone() }.to_string()
    }
}

#[test]
fn fastavro_reads_the_encrypted_file_and_sees_only_ciphertext() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.avro");
    let written = records(5);
    write(&path, &written, keyring(dir.path(), "keyring.json"));
    let script = "import sys, fastavro\n\
                  rows = list(fastavro.reader(open(sys.argv[1], 'rb')))\n\
                  print(len(rows))\n\
                  for r in rows: print(r['customer_email'].split('.')[0], r['customer_email'].split('.')[1], r['customer_id'])\n";
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs (installed by `cargo xtask test`)");
    assert!(output.status.success(), "fastavro failed: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("5"));
    for (line, record) in lines.zip(&written) {
        assert_eq!(line, format!("mesh1 r {}", record.customer_id));
    }
}
