//! The synthetic customers every product's events are about. A customer is a pure function of
//! (seed, index), so nothing per customer is stored but two index lists: who orders and who
//! marketing reaches.

use super::render::{push_padded, push_u64};
use super::rng::{derive, Rng};

const TAG_CUSTOMER: u64 = 0xC057;
const TAG_BUYER: u64 = 0xB0B;
const TAG_TOUCHED: u64 = 0x70C4;
const TAG_ORDER: u64 = 0x0DE5;

/// The most customers: ids are `C` and six digits.
pub const MAX_CUSTOMERS: u32 = 999_999;
/// Shares of the population that order and that marketing reaches; independent, so some
/// customers are only in sales and some only in marketing.
const BUYER_RATE: f64 = 0.80;
const TOUCHED_RATE: f64 = 0.85;

const FIRST_NAMES: &[&str] = &[
    "alice", "bob", "carla", "david", "emma", "felix", "grace", "hugo", "ines", "jonas", "karin", "liam", "mia",
    "noah", "olga", "paul", "quinn", "rosa", "sven", "tara", "umar", "vera", "walt", "xenia", "yusuf", "zoe", "anna",
    "ben", "clara", "dan", "eva", "finn", "gina", "hans", "ida", "jack", "lena", "max", "nina", "otto",
];
const LAST_NAMES: &[&str] = &[
    "smith", "jones", "miller", "meyer", "martin", "bernard", "dubois", "jansen", "devries", "bakker", "taylor",
    "brown", "wilson", "schmidt", "fischer", "weber", "wagner", "becker", "hoffmann", "petit", "durand", "leroy",
    "moreau", "visser", "smit", "mulder", "evans", "walker", "wright", "clark", "lewis", "young", "hall", "king",
    "scott", "green", "baker", "adams", "nelson", "carter",
];
/// Only the domains RFC 2606 reserves, so no message can ever reach a real mailbox.
const DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];
/// Street names that no real address has.
const STREETS: &[&str] = &["Example", "Sample", "Test", "Demo", "Placeholder", "Fictional", "Imaginary", "Synthetic"];
const STREET_KINDS: &[&str] = &["Street", "Road", "Avenue", "Lane", "Way"];

/// Where a customer lives, which fixes the currency they pay in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    De,
    Fr,
    Gb,
    Nl,
    Us,
}

impl Country {
    pub fn code(self) -> &'static str {
        match self {
            Self::De => "DE",
            Self::Fr => "FR",
            Self::Gb => "GB",
            Self::Nl => "NL",
            Self::Us => "US",
        }
    }

    pub fn currency(self) -> &'static str {
        match self {
            Self::De | Self::Fr | Self::Nl => "EUR",
            Self::Gb => "GBP",
            Self::Us => "USD",
        }
    }
}

/// How a system spelled an email address. Every variant but `Lower` has an upper-case letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    Lower,
    /// `Alice.Smith7@example.com`
    Names,
    /// `alice.smith7@Example.com`
    Domain,
    /// `Alice.Smith7@Example.com`
    NamesAndDomain,
    /// `ALICE.SMITH7@EXAMPLE.COM`
    Upper,
}

impl Casing {
    const MIXED: [Casing; 4] = [Casing::Names, Casing::Domain, Casing::NamesAndDomain, Casing::Upper];

    /// A mixed casing with probability `rate`, else lower case.
    pub fn draw(rng: &mut Rng, rate: f64) -> Self {
        if rng.chance(rate) {
            *rng.pick(&Self::MIXED)
        } else {
            Self::Lower
        }
    }
}

/// One synthetic customer.
#[derive(Debug, Clone, Copy)]
pub struct Customer {
    /// 0-based; the id is `C` and `index + 1` in six digits.
    pub index: u32,
    pub country: Country,
    traits: u64,
}

impl Customer {
    fn new(seed: u64, index: u32) -> Self {
        let traits = derive(&[seed, TAG_CUSTOMER, u64::from(index)]);
        let country = match traits % 10 {
            0..=2 => Country::De,
            3 | 4 => Country::Fr,
            5 | 6 => Country::Gb,
            7 => Country::Nl,
            _ => Country::Us,
        };
        Self { index, country, traits }
    }

    /// `traits` bits from `shift` on, reduced to `0..n`.
    fn trait_below(&self, shift: u32, n: usize) -> usize {
        ((self.traits >> shift) % n as u64) as usize
    }

    /// `C000042`.
    pub fn push_id(&self, line: &mut Vec<u8>) {
        line.push(b'C');
        push_padded(line, u64::from(self.index) + 1, 6);
    }

    /// `first.last42@example.com` spelled as `casing` says. The number is the customer's own,
    /// so no two customers share an address.
    pub fn push_email(&self, line: &mut Vec<u8>, casing: Casing) {
        let start = line.len();
        line.extend_from_slice(FIRST_NAMES[self.trait_below(8, FIRST_NAMES.len())].as_bytes());
        line.push(b'.');
        line.extend_from_slice(LAST_NAMES[self.trait_below(16, LAST_NAMES.len())].as_bytes());
        push_u64(line, u64::from(self.index) + 1);
        line.push(b'@');
        let at = line.len();
        line.extend_from_slice(DOMAINS[self.trait_below(24, DOMAINS.len())].as_bytes());
        let email = &mut line[start..];
        let at = at - start;
        match casing {
            Casing::Lower => {}
            Casing::Upper => email.make_ascii_uppercase(),
            Casing::Names | Casing::Domain | Casing::NamesAndDomain => {
                let names = casing != Casing::Domain;
                let domain = casing != Casing::Names;
                if names {
                    email[0].make_ascii_uppercase();
                    if let Some(dot) = email.iter().position(|&b| b == b'.') {
                        email[dot + 1].make_ascii_uppercase();
                    }
                }
                if domain {
                    email[at].make_ascii_uppercase();
                }
            }
        }
    }

    /// The shipping address as a JSON object: `{"street":..,"postcode":..,"country":..}`.
    pub fn push_address(&self, line: &mut Vec<u8>) {
        line.extend_from_slice(b"{\"street\":\"");
        push_u64(line, 1 + (self.traits >> 32) % 200);
        line.push(b' ');
        line.extend_from_slice(STREETS[self.trait_below(40, STREETS.len())].as_bytes());
        line.push(b' ');
        line.extend_from_slice(STREET_KINDS[self.trait_below(44, STREET_KINDS.len())].as_bytes());
        line.extend_from_slice(b"\",\"postcode\":\"");
        self.push_postcode(line);
        line.extend_from_slice(b"\",\"country\":\"");
        line.extend_from_slice(self.country.code().as_bytes());
        line.extend_from_slice(b"\"}");
    }

    /// A postcode of the country's form (`10115`, `1234 AB`, `AB1 2CD`), from the customer's bits.
    fn push_postcode(&self, line: &mut Vec<u8>) {
        const LETTERS: &[u8] = b"ABDEFGHJLNPRSTUWXYZ";
        let bits = derive(&[self.traits]);
        let letter = |n: u32| LETTERS[((bits >> (n * 5)) % LETTERS.len() as u64) as usize];
        match self.country {
            Country::De | Country::Fr | Country::Us => push_padded(line, 10_000 + bits % 89_999, 5),
            Country::Nl => {
                push_u64(line, 1000 + bits % 9000);
                line.extend_from_slice(&[b' ', letter(4), letter(5)]);
            }
            Country::Gb => {
                let digits = bits >> 40;
                line.extend_from_slice(&[letter(1), letter(2), b'1' + (digits % 9) as u8, b' ']);
                line.extend_from_slice(&[b'1' + (digits / 9 % 9) as u8, letter(3), letter(6)]);
            }
        }
    }
}

/// The customers of one seed.
pub struct Population {
    seed: u64,
    size: u32,
    buyers: Vec<u32>,
    touched: Vec<u32>,
}

impl Population {
    /// `size` customers (1..=[`MAX_CUSTOMERS`]).
    pub fn new(seed: u64, size: u32) -> Self {
        let pick = |tag: u64, rate: f64| -> Vec<u32> {
            let chosen: Vec<u32> =
                (0..size).filter(|&index| Rng::from_parts(&[seed, tag, u64::from(index)]).chance(rate)).collect();
            // A tiny population might draw nobody; everyone then orders (or is reached).
            if chosen.is_empty() {
                (0..size).collect()
            } else {
                chosen
            }
        };
        Self { seed, size, buyers: pick(TAG_BUYER, BUYER_RATE), touched: pick(TAG_TOUCHED, TOUCHED_RATE) }
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    pub fn customer(&self, index: u32) -> Customer {
        Customer::new(self.seed, index)
    }

    /// Any customer, uniformly (product usage).
    pub fn any(&self, rng: &mut Rng) -> Customer {
        self.customer(rng.below(u64::from(self.size)) as u32)
    }

    /// A customer marketing reaches, uniformly.
    pub fn touched(&self, rng: &mut Rng) -> Customer {
        self.customer(*rng.pick(&self.touched))
    }

    pub fn is_touched(&self, index: u32) -> bool {
        self.touched.binary_search(&index).is_ok()
    }

    /// Who places order `index` of `day` (days since the epoch): stateless, so that marketing can
    /// aim a touch at an order that a later day's file holds.
    pub fn order_customer(&self, day: i64, index: u64) -> Customer {
        let mut rng = Rng::from_parts(&[self.seed, TAG_ORDER, day as u64, index]);
        self.customer(*rng.pick(&self.buyers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut line = Vec::new();
        write(&mut line);
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn every_casing_but_lower_has_an_upper_case_letter_and_the_same_address() {
        let customers = Population::new(3, 50);
        for index in 0..50 {
            let customer = customers.customer(index);
            let lower = text(|l| customer.push_email(l, Casing::Lower));
            assert!(
                lower.ends_with("@example.com") || lower.ends_with("@example.org") || lower.ends_with("@example.net")
            );
            assert!(lower.contains(&format!("{}@", index + 1)), "{lower}");
            for casing in Casing::MIXED {
                let mixed = text(|l| customer.push_email(l, casing));
                assert_ne!(mixed, lower, "{casing:?}");
                assert_eq!(mixed.to_lowercase(), lower, "{casing:?}");
            }
        }
    }

    #[test]
    fn postcodes_have_their_country_form() {
        let customers = Population::new(1, 400);
        let mut seen = 0;
        for index in 0..400 {
            let customer = customers.customer(index);
            let address: serde_json::Value = serde_json::from_str(&text(|l| customer.push_address(l))).unwrap();
            let postcode = address["postcode"].as_str().unwrap();
            let shape: String = postcode
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        '9'
                    } else if c == ' ' {
                        ' '
                    } else {
                        'A'
                    }
                })
                .collect();
            let expected = match customer.country {
                Country::De | Country::Fr | Country::Us => "99999",
                Country::Nl => "9999 AA",
                Country::Gb => "AA9 9AA",
            };
            assert_eq!(shape, expected, "{postcode}");
            assert_eq!(address["country"], customer.country.code());
            seen |= 1 << customer.country as u32;
        }
        assert_eq!(seen, 0b11111, "every country occurs");
    }

    #[test]
    fn buyers_and_reached_customers_overlap_but_differ() {
        let customers = Population::new(9, 2000);
        let buyers = customers.buyers.len();
        assert!((1500..1700).contains(&buyers), "{buyers}");
        let only_buyers = customers.buyers.iter().filter(|&&b| !customers.is_touched(b)).count();
        let only_touched = customers.touched.iter().filter(|&&t| customers.buyers.binary_search(&t).is_err()).count();
        assert!(only_buyers > 100 && only_touched > 100, "{only_buyers} {only_touched}");
        let order = customers.order_customer(20_000, 7);
        assert_eq!(order.index, customers.order_customer(20_000, 7).index);
        assert!(customers.buyers.binary_search(&order.index).is_ok());
        // One customer who, drawn neither, still orders and is reached.
        let one = Population::new(0, 1);
        assert_eq!((one.buyers.len(), one.touched.len()), (1, 1));
    }
}
