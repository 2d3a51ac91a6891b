//! Personal data encrypted at rest, through the typed container files: what is stored, who can
//! read it back, and the exact error of every way reading can fail. Values of personal data never
//! appear in assertion messages.

use std::io::Cursor;
use std::process::Command;
use std::sync::Arc;

use mesh_core::codec::crypto::{token_mode, Encryption, KeyProvider, LocalKeyring, REDACTED};
use mesh_core::codec::{
    to_datum, Compression, ContainerError, ContainerReader, ContainerRecord, ContainerWriter, Redacted, Sample,
    SampleRng, SchemaReader,
};
use mesh_macros::data_product;
use sales::gold::SalesAnalytics;
use sales::silver::SalesCleaned;

// Files as a writer without encryption leaves them, shared with xtask's scan and dump tests.
#[path = "../../xtask/tests/support/unencrypted.rs"]
mod unencrypted;

/// Contacts of a CRM: an email joined on (deterministic) and an optional phone (randomized).
#[data_product(domain = "crm", version = "1.0.0", owner = "crm@company.com", layer = "silver")]
#[derive(Debug, Clone, PartialEq)]
pub struct Contacts {
    /// The contact.
    pub id: String,
    /// Their email, joined on across products of the domain.
    #[pii(direct, encrypted, deterministic)]
    pub email: String,
    /// Their phone, if given.
    #[pii(direct, encrypted)]
    pub phone: Option<String>,
}

/// `Contacts` as version 1.1.0 will be: a field added after the encrypted ones, so that a file of
/// `Contacts` is read through a resolution plan, which opens the encrypted fields itself.
mod next {
    use mesh_macros::data_product;

    /// The contacts of a CRM, with where each was met.
    #[data_product(domain = "crm", version = "1.1.0", owner = "crm@company.com", layer = "silver")]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Contacts {
        /// The contact.
        pub id: String,
        /// Their email, joined on across products of the domain.
        #[pii(direct, encrypted, deterministic)]
        pub email: String,
        /// Their phone, if given.
        #[pii(direct, encrypted)]
        pub phone: Option<String>,
        /// Where they were met, added in 1.1.0.
        pub source: Option<String>,
    }
}

/// A keyring of its own, in a temporary folder.
struct Keys {
    dir: tempfile::TempDir,
    keyring: Arc<LocalKeyring>,
}

fn keys() -> Keys {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(LocalKeyring::new(dir.path().join("keyring.json")));
    Keys { dir, keyring }
}

fn samples<T: Sample>(n: usize, seed: u64) -> Vec<T> {
    let mut rng = SampleRng::new(seed);
    (0..n).map(|_| T::sample(&mut rng, "")).collect()
}

fn write<T: ContainerRecord>(records: &[T], keys: &Keys, codec: Compression) -> Vec<u8> {
    let mut writer = ContainerWriter::<T, _>::new(Vec::new(), codec).unwrap();
    writer.set_key_provider(keys.keyring.clone());
    writer.set_block_bytes(2000);
    for record in records {
        writer.append(record).unwrap();
    }
    writer.finish().unwrap()
}

/// Whether two lists hold the same records (compared as their plaintext datums).
fn same<T: mesh_core::codec::AvroCodec>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| to_datum(a) == to_datum(b))
}

fn read<T: ContainerRecord>(file: &[u8], keys: &Keys) -> Result<Vec<T>, ContainerError> {
    let mut reader = ContainerReader::<T, _>::new(Cursor::new(file.to_vec()), "orders.avro")?;
    reader.set_key_provider(keys.keyring.clone());
    reader.collect()
}

/// The first error reading `file` with `keys`, as printed.
fn read_error<T: ContainerRecord>(file: &[u8], keys: &Keys) -> String {
    match read::<T>(file, keys) {
        Ok(records) => panic!("{} records read where an error was expected", records.len()),
        Err(error) => error.to_string(),
    }
}

/// The blocks of a deflate container file inflated (by miniz_oxide, not our reader), end to end;
/// nothing for a file of another codec.
fn inflated_blocks(file: &[u8]) -> Vec<u8> {
    if !file.windows(7).any(|w| w == b"deflate") {
        return Vec::new();
    }
    let sync = &file[file.len() - 16..];
    let mut at = file.windows(16).position(|w| w == sync).unwrap() + 16;
    let mut inflated = Vec::new();
    while at < file.len() {
        let mut reader = mesh_core::codec::Reader::new(&file[at..]);
        let (_count, size) = (reader.read_long().unwrap(), reader.read_long().unwrap() as usize);
        at += reader.offset();
        inflated.extend(miniz_oxide::inflate::decompress_to_vec(&file[at..at + size]).unwrap());
        at += size + 16;
    }
    inflated
}

#[test]
fn no_byte_of_an_encrypted_value_is_stored_and_every_value_reads_back() {
    let keys = keys();
    let mut records: Vec<SalesCleaned> = samples(200, 3);
    // Values found nowhere else in a record, so any occurrence in the file would be a leak.
    for (i, record) in records.iter_mut().enumerate() {
        record.customer_email = format!("known.person.{i:03}@example.org");
        record.shipping_address = Some(sales::types::PostalAddress {
            street: format!("{i} Secret Street"),
            postcode: format!("ZZ{i:03} 9QQ"),
            country: "GB".into(),
        });
    }
    let mut plaintexts: Vec<String> = records.iter().map(|r| r.customer_email.clone()).collect();
    let addresses = records.iter().filter_map(|r| r.shipping_address.as_ref());
    plaintexts.extend(addresses.flat_map(|a| [a.street.clone(), a.postcode.clone()]));
    assert_eq!(plaintexts.len(), 600);
    for codec in [Compression::Null, Compression::Deflate] {
        let file = write(&records, &keys, codec);
        // Deflated bytes would hide a plaintext value as well as a token: search what they inflate to.
        let stored = [file.clone(), inflated_blocks(&file)].concat();
        let leaked =
            plaintexts.iter().filter(|value| stored.windows(value.len()).any(|w| w == value.as_bytes())).count();
        assert_eq!(leaked, 0, "{codec}: {leaked} encrypted values found in the file's bytes");
        let read: Vec<SalesCleaned> = read(&file, &keys).unwrap();
        assert!(same(&read, &records), "{codec}: the records read back differ from those written");
    }
}

#[test]
fn fastavro_reads_the_encrypted_files_and_sees_tokens_where_values_were() {
    let keys = keys();
    let records: Vec<SalesAnalytics> = samples(50, 4);
    let path = keys.dir.path().join("orders.avro");
    std::fs::write(&path, write(&records, &keys, Compression::Deflate)).unwrap();
    let script = "import fastavro, json, sys\n\
                  for record in fastavro.reader(open(sys.argv[1], 'rb')):\n\
                  \x20   print(json.dumps({'order_id': str(record['order_id']), 'email': record['customer_email']}))";
    let output = Command::new("python3").args(["-c", script]).arg(&path).output().expect("python3 runs");
    assert!(output.status.success(), "fastavro failed: {}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), records.len());
    for (line, record) in lines.iter().zip(&records) {
        assert_eq!(line["order_id"], record.order_id.to_string());
        let stored = line["email"].as_str().unwrap();
        assert_eq!(token_mode(stored), Some(Encryption::Randomized), "fastavro reads a token");
        assert!(!stored.contains(&record.customer_email), "a token never holds its value");
    }
    // The schema in the file says how, for every reader.
    let header = SchemaReader::open(&path).unwrap().header().schema_json.clone();
    let schema: serde_json::Value = serde_json::from_str(&header).unwrap();
    let email = schema["fields"].as_array().unwrap().iter().find(|f| f["name"] == "customer_email").unwrap();
    assert_eq!(email["mesh.encryption"], "AES-256-GCM-SIV");
    assert_eq!(email["mesh.key"], "domain:sales");
}

#[test]
fn deterministic_values_repeat_their_tokens_and_randomized_ones_never_do() {
    let keys = keys();
    let same = Contacts { id: "c1".into(), email: "same@example.org".into(), phone: Some("+4915100000000".into()) };
    let records = vec![same.clone(), Contacts { id: "c2".into(), ..same.clone() }];
    let file = write(&records, &keys, Compression::Null);
    let tokens = |prefix: &str| {
        let text = String::from_utf8_lossy(&file);
        let mut found: Vec<String> = text
            .match_indices(prefix)
            .map(|(at, _)| text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect())
            .collect();
        found.sort();
        found
    };
    let deterministic = tokens("mesh1.d.");
    assert_eq!(deterministic.len(), 2);
    assert_eq!(deterministic[0], deterministic[1], "equal emails, equal tokens (joinable)");
    let randomized = tokens("mesh1.r.");
    assert_eq!(randomized.len(), 2);
    assert_ne!(randomized[0], randomized[1], "equal phones, different tokens");
    assert!(read::<Contacts>(&file, &keys).unwrap() == records);
}

#[test]
fn a_rotated_key_writes_new_files_and_older_files_stay_readable() {
    let keys = keys();
    let records: Vec<SalesAnalytics> = samples(20, 5);
    let before = write(&records, &keys, Compression::Null);
    assert_eq!(keys.keyring.rotate("sales").unwrap(), 2);
    let after = write(&records, &keys, Compression::Null);
    let text = |file: &[u8]| String::from_utf8_lossy(file).into_owned();
    assert!(text(&before).contains("mesh1.r.1.") && !text(&before).contains("mesh1.r.2."));
    assert!(text(&after).contains("mesh1.r.2.") && !text(&after).contains("mesh1.r.1."));
    assert!(same(&read::<SalesAnalytics>(&before, &keys).unwrap(), &records));
    assert!(same(&read::<SalesAnalytics>(&after, &keys).unwrap(), &records));
}

#[test]
fn a_missing_or_wrong_key_and_a_changed_byte_are_exact_errors_at_the_record() {
    let keys = keys();
    let records: Vec<SalesAnalytics> = samples(20, 6);
    let file = write(&records, &keys, Compression::Null);
    let keyring_path = |keys: &Keys| keys.keyring.path().display().to_string();

    // Another keyring, without the domain's keys at all.
    let empty = self::keys();
    // The email follows the 16-byte uuid (its length and text) and the customer id.
    let at = 37 + 1 + records[0].customer_id.len();
    assert_eq!(
        read_error::<SalesAnalytics>(&file, &empty),
        format!(
            "orders.avro, block 0, record 0: field `customer_email` needs data key sales v1, which keyring {} (no \
             such file) does not have: use the keyring the data was written with (MESH_KEYRING) (at byte {at})",
            keyring_path(&empty)
        )
    );
    // Another keyring whose sales key v1 is another key.
    let other = self::keys();
    other.keyring.current_key("sales").unwrap();
    assert_eq!(
        read_error::<SalesAnalytics>(&file, &other),
        format!(
            "orders.avro, block 0, record 0: field `customer_email` was encrypted with another data key sales v1 than \
             the one in keyring {}: use the keyring the data was written with (MESH_KEYRING) (at byte {at})",
            keyring_path(&other)
        )
    );
    // A rotated keyring still has v1; one that lost v1 (a version the file needs) does not.
    let rotated = self::keys();
    std::fs::copy(keys.keyring.path(), rotated.keyring.path()).unwrap();
    rotated.keyring.rotate("sales").unwrap();
    assert!(same(&read::<SalesAnalytics>(&file, &rotated).unwrap(), &records));

    // One changed character of the third record's token.
    let prefix = b"mesh1.r.1.";
    let third = (0..file.len()).filter(|&at| file[at..].starts_with(prefix)).nth(2).unwrap();
    let mut tampered = file.clone();
    let at = third + 30;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    // The third record's email, in the block: after the first two records and its uuid and id.
    let at = mesh_tests::stored_len(&records[0])
        + mesh_tests::stored_len(&records[1])
        + 37
        + 1
        + records[2].customer_id.len();
    assert_eq!(
        read_error::<SalesAnalytics>(&tampered, &keys),
        format!(
            "orders.avro, block 0, record 2: field `customer_email` fails authentication with data key sales v1: the \
             stored ciphertext was changed after it was written, so the record is not returned (at byte {at})"
        )
    );
    // The records before it were read; nothing of the changed one is returned.
    let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(tampered), "orders.avro").unwrap();
    reader.set_key_provider(keys.keyring.clone());
    let read: Vec<Result<SalesAnalytics, ContainerError>> = reader.collect();
    assert_eq!(read.len(), 3);
    assert!(
        read[0].as_ref().is_ok_and(|r| to_datum(r) == to_datum(&records[0])) && read[1].is_ok() && read[2].is_err()
    );
}

#[test]
fn skipping_corrupt_blocks_skips_a_tampered_value_but_stops_at_once_without_the_right_keys() {
    let keys = keys();
    let records: Vec<SalesAnalytics> = samples(200, 8);
    let file = write(&records, &keys, Compression::Null);
    let read_skipping = |file: &[u8], keys: &Keys| {
        let mut reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file.to_vec()), "orders.avro").unwrap();
        reader.set_key_provider(keys.keyring.clone());
        reader.skip_corrupt_blocks();
        let read: Vec<Result<SalesAnalytics, ContainerError>> = reader.collect();
        let errors: Vec<String> = read.iter().filter_map(|r| r.as_ref().err()).map(ToString::to_string).collect();
        (read.len() - errors.len(), errors)
    };
    let (all, errors) = read_skipping(&file, &keys);
    assert_eq!((all, errors.len()), (200, 0));
    // Every block ends with the file's sync marker, which the header holds once too.
    let sync = &file[file.len() - 16..];
    let blocks = (0..file.len()).filter(|&at| file[at..].starts_with(sync)).count() - 1;
    assert!(blocks > 3, "the file has several blocks ({blocks})");

    // A changed value is corruption: its block is reported skipped, the others read.
    let mut tampered = file.clone();
    let at = (0..file.len()).filter(|&at| file[at..].starts_with(b"mesh1.r.1.")).nth(5).unwrap() + 30;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let (read, errors) = read_skipping(&tampered, &keys);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("skipped") && errors[0].contains("fails authentication"), "{errors:#?}");
    // The sixth record's value changed: the first block's five records before it were read, the
    // rest of that block is lost, every other block read.
    let first_block = file.windows(16).position(|w| w == sync).unwrap() + 16;
    let in_first = mesh_core::codec::Reader::new(&file[first_block..]).read_long().unwrap() as usize;
    assert!(in_first > 5, "the changed value is in the first block ({in_first} records)");
    assert_eq!(read, 200 - (in_first - 5));

    // A keyring without the file's key would fail every block alike: one error, no skipping.
    let other = self::keys();
    other.keyring.current_key("sales").unwrap();
    let (read, errors) = read_skipping(&file, &other);
    assert_eq!((read, errors.len()), (0, 1), "{errors:#?}");
    assert!(
        errors[0].starts_with(
            "orders.avro, block 0, record 0: field `customer_email` was encrypted with another data key sales v1"
        ),
        "{errors:#?}"
    );
}

#[test]
fn without_keys_a_reader_redacts_and_never_shows_plaintext() {
    let keys = keys();
    let records: Vec<SalesAnalytics> = samples(10, 7);
    let file = write(&records, &keys, Compression::Null);
    let reader = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file), "orders.avro").unwrap();
    // A redacted record is no `SalesAnalytics`: it cannot be written or used as one by mistake.
    let read: Vec<Redacted<SalesAnalytics>> = reader.redacted().map(Result::unwrap).collect();
    for (read, written) in read.iter().map(Redacted::record).zip(&records) {
        assert_eq!(read.customer_email, REDACTED);
        assert_eq!(read.order_id, written.order_id);
        assert!(read.amount == written.amount && read.line_items == written.line_items);
    }
}

#[test]
fn a_file_from_before_encryption_reads_with_keys_and_is_refused_to_a_redacting_reader() {
    let keys = keys();
    let (records, file) = unencrypted::unencrypted_file::<SalesAnalytics>(10, 8, false);
    assert!(same(&read::<SalesAnalytics>(&file, &keys).unwrap(), &records), "read through the plan, as stored");
    let mut redacting = ContainerReader::<SalesAnalytics, _>::new(Cursor::new(file), "old.avro").unwrap().redacted();
    let Some(Err(error)) = redacting.next() else { panic!("the plaintext record was read") };
    let error = error.to_string();
    assert!(
        error.starts_with(
            "old.avro, block 0, record 0: field `customer_email` is marked encrypted (randomized) but its stored value \
             is not mesh ciphertext: the file was written by another tool or without encryption; rewrite it with the \
             product's typed writer"
        ),
        "{error}"
    );
}

#[test]
fn an_older_version_s_encrypted_fields_open_through_the_resolution_plan_or_stay_redacted() {
    let keys = keys();
    let contacts: Vec<Contacts> = (0..30)
        .map(|i| Contacts {
            id: format!("c{i}"),
            email: format!("person.{i}@example.org"),
            phone: (i % 3 != 0).then(|| format!("+4420700{i:05}")),
        })
        .collect();
    let file = write(&contacts, &keys, Compression::Deflate);
    let mut reader = ContainerReader::<next::Contacts, _>::new(Cursor::new(file.clone()), "contacts.avro").unwrap();
    reader.set_key_provider(keys.keyring.clone());
    assert!(reader.is_resolving(), "1.0.0's file is read as 1.1.0 through a plan");
    let read: Vec<next::Contacts> = reader.map(Result::unwrap).collect();
    assert_eq!(read.len(), contacts.len());
    for (read, written) in read.iter().zip(&contacts) {
        let expected = (&written.id, &written.email, &written.phone, None);
        assert!((&read.id, &read.email, &read.phone, read.source.clone()) == expected, "{} differs", written.id);
    }
    // Without keys the plan redacts the same fields, and never shows what they hold.
    let redacted = ContainerReader::<next::Contacts, _>::new(Cursor::new(file), "contacts.avro").unwrap().redacted();
    for (read, written) in redacted.map(Result::unwrap).zip(&contacts) {
        let read = read.record();
        // Compared without printing: a failure would show plaintext.
        let phone_redacted = read.phone.as_deref() == written.phone.as_ref().map(|_| REDACTED);
        assert!(read.id == written.id && read.email == REDACTED && phone_redacted, "{} not redacted", written.id);
    }
}
