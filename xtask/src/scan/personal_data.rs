//! What personal data looks like, value by value: whole values that are email addresses, E.164
//! phone numbers, IBANs (with a valid checksum), payment card numbers (Luhn, a card network's
//! first digit) or IP addresses. Each test first rejects on a byte or two, since almost every
//! value a scan sees is none of them.

use std::fmt;

/// A kind of personal data; its discriminant indexes per-kind counts, in [`Kind::ALL`]'s order.
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
    /// Every kind, in report order.
    pub const ALL: [Kind; 5] = [Kind::Email, Kind::Phone, Kind::Iban, Kind::Card, Kind::Ip];

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

/// The kind of personal data the whole of `value` is, if any.
pub fn classify(value: &[u8]) -> Option<Kind> {
    let value = value.trim_ascii();
    let (&first, _) = value.split_first()?;
    if first == b'+' {
        return is_phone(value).then_some(Kind::Phone);
    }
    if value.contains(&b'@') {
        return is_email(value).then_some(Kind::Email);
    }
    if first.is_ascii_uppercase() {
        return is_iban(value).then_some(Kind::Iban);
    }
    if first.is_ascii_digit() && is_card(value) {
        return Some(Kind::Card);
    }
    is_ip(value).then_some(Kind::Ip)
}

fn is_email(value: &[u8]) -> bool {
    let Some(at) = value.iter().position(|&b| b == b'@') else { return false };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let local_ok = !local.is_empty() && local.iter().all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(b));
    let mut labels = domain.split(|&b| b == b'.');
    let all_ok = labels.clone().all(|l| !l.is_empty() && l.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-'));
    let top = labels.next_back().unwrap_or_default();
    local_ok && all_ok && domain.contains(&b'.') && top.len() >= 2 && top.iter().all(u8::is_ascii_alphabetic)
}

fn is_phone(value: &[u8]) -> bool {
    let digits = &value[1..];
    (8..=15).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) && digits[0] != b'0'
}

fn is_iban(value: &[u8]) -> bool {
    if value.len() < 15 || value.len() > 42 {
        return false;
    }
    // Without its spaces, read again as needed rather than copied: most values tested are no IBAN.
    let compact = || value.iter().copied().filter(|b| *b != b' ');
    if !(15..=34).contains(&compact().count()) || !compact().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return false;
    }
    let mut head = compact();
    let country_and_check: [u8; 4] = std::array::from_fn(|_| head.next().unwrap_or(0));
    if !country_and_check[..2].iter().all(u8::is_ascii_uppercase)
        || !country_and_check[2..].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    // ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1.
    let mut remainder = 0u32;
    for b in compact().skip(4).chain(country_and_check) {
        remainder = if b.is_ascii_digit() {
            (remainder * 10 + u32::from(b - b'0')) % 97
        } else {
            (remainder * 100 + u32::from(b - b'A') + 10) % 97
        };
    }
    remainder == 1
}

fn is_card(value: &[u8]) -> bool {
    if value.len() < 13 || value.len() > 23 || !value.iter().all(|b| b.is_ascii_digit() || *b == b' ' || *b == b'-') {
        return false;
    }
    let digits: Vec<u32> = value.iter().filter(|b| b.is_ascii_digit()).map(|b| u32::from(b - b'0')).collect();
    // Card networks' numbers start with 2 to 6 (Mastercard, Amex, Visa, Discover...): a long
    // number starting otherwise is an identifier, whatever its checksum.
    if !(13..=19).contains(&digits.len()) || !(2..=6).contains(&digits[0]) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2 == 1, d * 2) {
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
            (false, _) => d,
        })
        .sum();
    sum.is_multiple_of(10)
}

fn is_ip(value: &[u8]) -> bool {
    value.len() >= 2
        && value.len() <= 45
        && value.iter().all(|b| b.is_ascii_hexdigit() || *b == b'.' || *b == b':')
        && std::str::from_utf8(value).is_ok_and(|text| text.parse::<std::net::IpAddr>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_recognised_and_near_misses_are_not() {
        for (value, kind) in [
            ("a.b+c@mail.example.org", Kind::Email),
            (" jane@example.com ", Kind::Email),
            ("+4915123456789", Kind::Phone),
            ("DE89 3704 0044 0532 0130 00", Kind::Iban),
            ("GB82WEST12345698765432", Kind::Iban),
            ("4111 1111 1111 1111", Kind::Card),
            ("5500-0000-0000-0004", Kind::Card),
            ("192.168.0.1", Kind::Ip),
            ("2001:db8::1", Kind::Ip),
        ] {
            assert_eq!(classify(value.as_bytes()), Some(kind), "{value}");
        }
        for miss in [
            "",
            "not an email@",
            "a@b",
            "jane@example.c0m",
            "+0123456789",
            "+49 151 23",
            "DE88 3704 0044 0532 0130 00",
            "4111 1111 1111 1112",
            "9111111111111111113",
            "1234567890123",
            "cust-000014",
            "C000042",
            "300.1.1.1",
            "cafe",
            "mesh1.r.1.0a1b2c3d.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "a534a6a6-b7fd-4b63-90ba-d0da572baaf1",
            "alpha bravo",
        ] {
            assert_eq!(classify(miss.as_bytes()), None, "{miss}");
        }
    }
}
