//! What personal data looks like: whole values that are emails, E.164 phone numbers, IBANs (with a
//! valid checksum), payment card numbers (Luhn) or IP addresses.

use std::fmt;

/// A kind of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `name@example.com`.
    Email,
    /// `+4915123456789`.
    Phone,
    /// `DE89 3704 0044 0532 0130 00`.
    Iban,
    /// 13 to 19 digits passing the Luhn check.
    Card,
    /// IPv4 or IPv6.
    Ip,
}

impl Kind {
    /// The kind in a sentence: "email addresses".
    pub fn plural(self) -> &'static str {
        match self {
            Self::Email => "email addresses",
            Self::Phone => "phone numbers (E.164)",
            Self::Iban => "IBANs",
            Self::Card => "payment card numbers",
            Self::Ip => "IP addresses",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

/// The kind of personal data `text` is, if any.
pub fn classify(text: &str) -> Option<Kind> {
    let text = text.trim();
    if is_email(text) {
        Some(Kind::Email)
    } else if is_phone(text) {
        Some(Kind::Phone)
    } else if is_iban(text) {
        Some(Kind::Iban)
    } else if is_card(text) {
        Some(Kind::Card)
    } else if text.parse::<std::net::IpAddr>().is_ok() {
        Some(Kind::Ip)
    } else {
        None
    }
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let local_ok = !local.is_empty() && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let labels: Vec<&str> = domain.split('.').collect();
    local_ok
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

fn is_phone(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else { return false };
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

fn is_iban(text: &str) -> bool {
    let compact: Vec<u8> = text.bytes().filter(|b| *b != b' ').collect();
    if !(15..=34).contains(&compact.len())
        || !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
        || !compact.iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return false;
    }
    // ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1.
    let mut remainder = 0u32;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let value = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') + 10 };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

fn is_card(text: &str) -> bool {
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b' ' || b == b'-') {
        return false;
    }
    let digits: Vec<u32> = text.bytes().filter(u8::is_ascii_digit).map(|b| u32::from(b - b'0')).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_recognised_and_near_misses_are_not() {
        assert_eq!(classify("a.b+c@mail.example.org"), Some(Kind::Email));
        assert_eq!(classify("+4915123456789"), Some(Kind::Phone));
        assert_eq!(classify("DE89 3704 0044 0532 0130 00"), Some(Kind::Iban));
        assert_eq!(classify("4111 1111 1111 1111"), Some(Kind::Card));
        assert_eq!(classify("192.168.0.1"), Some(Kind::Ip));
        assert_eq!(classify("2001:db8::1"), Some(Kind::Ip));
        for miss in [
            "not an email@",
            "a@b",
            "+0123456789",
            "DE88 3704 0044 0532 0130 00",
            "4111 1111 1111 1112",
            "cust-000014",
            "300.1.1.1",
            "mesh1.r.1.0a1b2c3d.AAAA",
            "a534a6a6-b7fd-4b63-90ba-d0da572baaf1",
        ] {
            assert_eq!(classify(miss), None, "{miss}");
        }
    }
}
