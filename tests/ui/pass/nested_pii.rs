// Personal data declared on nested records' fields reaches the product that
// nests them: through options, arrays, maps, a record from another crate
// (`sales::types::PostalAddress`) and a record nested in itself.
use std::collections::BTreeMap;

use mesh_core::DataProduct;
use mesh_macros::{data_product, AvroEnum, AvroRecord};

/// How a contact may be reached.
#[derive(AvroEnum)]
pub enum Preference {
    /// By email.
    Email,
    /// By phone.
    Phone,
}

/// A way to reach a person, and who referred them.
#[derive(AvroRecord)]
pub struct Contact {
    /// The contact's address.
    #[pii(direct, encrypted)]
    pub email: String,
    /// The contact's phone number.
    #[pii(direct)]
    pub phone: Option<String>,
    /// How the contact prefers to be reached.
    pub preference: Preference,
    /// The contacts this one referred: a record nested in itself.
    pub referred: Vec<Contact>,
}

/// Customers with their addresses and contacts.
#[data_product(
    domain = "crm",
    version = "1.0.0",
    owner = "crm-data@company.com",
    layer = "silver",
    support = "#crm-data on Slack",
    sla(freshness = "1 hour", availability = "99.5%")
)]
pub struct CustomersCleaned {
    /// The customer.
    pub customer_id: String,
    /// Where parcels go.
    pub shipping_address: Option<sales::types::PostalAddress>,
    /// Every way to reach the customer.
    pub contacts: Vec<Contact>,
    /// Contacts by role, e.g. `billing`.
    pub contacts_by_role: BTreeMap<String, Vec<Contact>>,
    /// How the customer prefers to be reached.
    pub preference: Preference,
}

fn main() {
    let paths: Vec<(String, String, bool)> = CustomersCleaned::DESCRIPTOR
        .pii_fields()
        .into_iter()
        .map(|found| (found.path, found.pii.class.to_string(), found.pii.encrypted_at_rest()))
        .collect();
    let expected = [
        ("shipping_address.street", "direct", true),
        ("shipping_address.postcode", "indirect", true),
        ("contacts[].email", "direct", true),
        ("contacts[].phone", "direct", false),
        ("contacts_by_role{}[].email", "direct", true),
        ("contacts_by_role{}[].phone", "direct", false),
    ];
    let expected: Vec<(String, String, bool)> =
        expected.iter().map(|(path, class, encrypted)| (path.to_string(), class.to_string(), *encrypted)).collect();
    assert_eq!(paths, expected);
}
