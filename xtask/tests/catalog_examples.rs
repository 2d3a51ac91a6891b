//! The catalog's example records, built by the real binary: the product's own sample records, with
//! every personal-data value (nested ones by path) replaced by its class and never printed.

use std::process::Command;

use serde_json::Value;

fn xtask(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

#[test]
fn example_records_are_the_samples_with_personal_data_masked() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    xtask(&["catalog", "--out", site.to_str().unwrap(), "--lakehouse", dir.path().join("none").to_str().unwrap()]);
    let page = std::fs::read_to_string(site.join("products/sales.sales_cleaned.html")).unwrap();
    let section = &page[page.find(r#"id="examples""#).unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let shown: Vec<Value> = section
        .split("<pre><code>")
        .skip(1)
        .map(|block| serde_json::from_str(&unescape(&block[..block.find("</code>").unwrap()])).unwrap())
        .collect();

    // The same records as the sample generator writes with the catalog's seed, through `dump`.
    let file = dir.path().join("sample.avro");
    xtask(&["sample", "sales.sales_cleaned", "--rows", "3", "--seed", "1", "--out", file.to_str().unwrap()]);
    let dumped: Vec<Value> = xtask(&["dump", file.to_str().unwrap(), "--product", "sales.sales_cleaned"])
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(shown.len(), 3);
    for (shown, real) in shown.iter().zip(&dumped) {
        assert_eq!(shown["customer_email"], "<pii:direct>");
        assert_eq!(shown["order_id"], real["order_id"], "non-personal values are the sample's");
        assert_eq!(shown["amount"], real["amount"]);
        if !real["shipping_address"].is_null() {
            assert_eq!(shown["shipping_address"]["street"], "<pii:direct>");
            assert_eq!(shown["shipping_address"]["postcode"], "<pii:indirect>");
            assert_eq!(shown["shipping_address"]["country"], real["shipping_address"]["country"]);
        }
        // No personal value appears anywhere on the page.
        for value in
            [&real["customer_email"], &real["shipping_address"]["street"], &real["shipping_address"]["postcode"]]
        {
            if let Some(value) = value.as_str() {
                assert!(!unescape(&page).contains(value), "a personal value is printed on the page");
            }
        }
    }
    assert!(dumped.iter().any(|r| !r["shipping_address"].is_null()), "the sample has a nested address to mask");
}

#[test]
fn each_product_page_shows_the_spark_sql_that_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let lake = dir.path().join("lake");
    xtask(&["catalog", "--out", site.to_str().unwrap(), "--lakehouse", lake.to_str().unwrap()]);
    let page = unescape(&std::fs::read_to_string(site.join("products/customer.customer_360.html")).unwrap());
    // The statements `cargo xtask sql` prints, up to its check query, with the lakehouse folder as location.
    let printed = xtask(&["sql", "customer.customer_360", "--dialect", "spark", "--lakehouse", lake.to_str().unwrap()]);
    let table = &printed[printed.find("CREATE EXTERNAL TABLE").unwrap()..];
    let table = &table[..table.find(";\n").unwrap()];
    assert!(page.contains(table), "the page's DDL is `cargo xtask sql`'s");
    assert!(table.contains(&format!("LOCATION '{}/gold/customer/customer_360/data'", lake.display())), "{table}");
    assert!(page.contains("GRANT SELECT ON TABLE `customer`.`customer_360` TO `customer`;"));
}
