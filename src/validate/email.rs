//! Django's `EmailValidator`, which the server runs on every email field, and the IDNA 2003
//! codec of Python's it uses for a domain that is not ASCII.

use stringprep::tables as t;
use unicode_normalization::UnicodeNormalization;

use crate::error::InvalidInput;

/// Django's `EmailValidator`, as the server runs it after DRF strips the value: at most 320
/// characters; a dot-atom or quoted local part; then `localhost`, `[an IP address]`, or a domain
/// that Django 4.2 to 5.1 take (ASCII labels ending in one of 2 to 63 characters, checked again
/// as Python's IDNA 2003 codec encodes them when not ASCII) or that Django 5.2 takes (Unicode
/// labels as they are). Which one a server runs is not known, so either will do; the server
/// refuses what its own does not take.
pub(crate) fn check_email(field: &str, email: &str) -> Result<(), InvalidInput> {
    use std::sync::LazyLock;
    // The `regex` crate, whose matching takes linear time: a backtracking engine (regress was
    // here) took 0.2 s, in a release build, on a 47-character domain that fails at its last label.
    fn regex(pattern: &str) -> regex::Regex {
        regex::Regex::new(&format!("(?i){pattern}")).expect("a valid pattern")
    }
    static USER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex(concat!(
            r"^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*",
            r#"|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$"#,
        ))
    });
    // Django's `[A-Z0-9-]{2,63}(?<!-)` for the last label, without the look-behind `regex` lacks.
    static DOMAIN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex(r"^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{1,62}[A-Z0-9]$")
    });
    // Django 5.2's, which takes Unicode labels as they are (no IDNA), its look-arounds
    // written out: a label does not start or end with `-`.
    static UNICODE_DOMAIN: LazyLock<regex::Regex> = LazyLock::new(|| {
        let u = r"\x{a1}-\x{ffff}";
        let (char, letter) = (format!("[a-z{u}0-9]"), format!("[a-z{u}]"));
        let label = format!("(?:{char}(?:[a-z{u}0-9-]{{0,61}}{char})?)");
        let tld = format!("(?:{letter}[a-z{u}-]{{0,61}}{letter}|xn--[a-z0-9]{{1,59}})");
        regex(&format!(r"^{label}(?:\.{label})*\.{tld}$"))
    });
    // Python's `re` also matches `ı` and `İ` to `[A-Z]` when ignoring case; `regex` does not.
    let matches = |regex: &regex::Regex, text: &str| match text.contains(['ı', 'İ']) {
        true => regex.is_match(&text.replace('ı', "i").replace('İ', "I")),
        false => regex.is_match(text),
    };
    let domain_ok = |domain: &str| {
        matches(&DOMAIN, domain)
            || domain
                .strip_prefix('[')
                .and_then(|d| d.strip_suffix(']'))
                .is_some_and(|ip| ip.parse::<std::net::IpAddr>().is_ok())
    };
    let email = super::drf_trim(email);
    let valid = email.chars().count() <= 320
        && email.rsplit_once('@').is_some_and(|(user, domain)| {
            matches(&USER, user)
                && (domain == "localhost"
                    || domain_ok(domain)
                    || matches(&UNICODE_DOMAIN, domain)
                    || !domain.is_ascii() && idna2003(domain).is_some_and(|a| domain_ok(&a)))
        });
    valid
        .then_some(())
        .ok_or_else(|| InvalidInput::new(field, "must be a valid email address"))
}

/// `domain` as Python's `"idna"` codec encodes it (IDNA 2003, RFC 3490), `None` where it raises.
/// Not UTS-46 (the `idna` crate's): that one refuses domains Django takes, a zero-width joiner
/// or an Arabic-Indic digit in a Latin label among them.
fn idna2003(domain: &str) -> Option<String> {
    let mut labels: Vec<&str> = domain
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.last() == Some(&"");
    if trailing_dot {
        labels.pop();
    }
    let labels: Vec<String> = labels
        .into_iter()
        .map(label_to_ascii)
        .collect::<Option<_>>()?;
    Some(labels.join(".") + if trailing_dot { "." } else { "" })
}

/// RFC 3490's ToASCII as Python runs it: nameprep (RFC 3491) allowing unassigned code points,
/// no STD3 rules, then punycode, and 1 to 63 bytes.
fn label_to_ascii(label: &str) -> Option<String> {
    let fits = |label: String| (1..64).contains(&label.len()).then_some(label);
    if label.is_ascii() {
        return fits(label.to_string());
    }
    // Python's tables are Unicode 3.2's: NFKC does not decompose a code point unassigned there,
    // and it has no direction.
    let new = t::unassigned_code_point;
    // Python's `map_table_b2` lowercases with today's Unicode before RFC 3454's table: a capital
    // whose lowercase is new since 3.2 (Cherokee, Georgian Asomtavruli, `Ӏ`, `Ↄ`, `Ⅎ`) becomes
    // that new letter, with no direction, and a new capital its old lowercase, folded (`ẞ`, `ss`).
    let mut mapped: Vec<char> = Vec::with_capacity(label.len());
    for c in label.chars().filter(|&c| !t::commonly_mapped_to_nothing(c)) {
        let lower = c.to_lowercase();
        if new(c) || lower.clone().all(new) {
            mapped.extend(lower.flat_map(t::case_fold_for_nfkc));
        } else {
            mapped.extend(t::case_fold_for_nfkc(c));
        }
    }
    let mut label = String::new();
    for run in mapped.split_inclusive(|&c| new(c)) {
        let (run, unassigned) = match run.split_last() {
            Some((&c, run)) if new(c) => (run, Some(c)),
            _ => (run, None),
        };
        label.extend(run.iter().copied().nfkc());
        label.extend(unassigned);
    }
    let prohibited = |c: char| {
        t::non_ascii_space_character(c)
            || t::non_ascii_control_character(c)
            || t::private_use(c)
            || t::non_character_code_point(c)
            || t::surrogate_code(c)
            || t::inappropriate_for_plain_text(c)
            || t::inappropriate_for_canonical_representation(c)
            || t::change_display_properties_or_deprecated(c)
            || t::tagging_character(c)
    };
    // D.1 and D.2 are Unicode 3.2's in Python (`ucd_3_2_0.bidirectional`); the `stringprep` crate
    // asks `unicode-bidi` (today's Unicode). The code points left after NFKC whose L-ness differs
    // (unicode-bidi 0.3.18, Unicode 16); no R or AL differs but in C.2.2, which is refused anyway.
    let r_or_al = |c: char| !new(c) && t::bidi_r_or_al(c);
    let l = |c: char| {
        !new(c)
            && match c {
                '\u{17B4}' | '\u{17B5}' | '\u{1885}' | '\u{1886}' => true,
                '\u{0CBF}'
                | '\u{0CC6}'
                | '\u{1734}'
                | '\u{2132}'
                | '\u{2800}'..='\u{28FF}'
                | '\u{302E}'
                | '\u{302F}' => false,
                c => t::bidi_l(c),
            }
    };
    let bidi_ok = !label.contains(r_or_al)
        || !label.contains(l) && label.starts_with(r_or_al) && label.ends_with(r_or_al);
    if label.chars().any(prohibited) || !bidi_ok {
        return None;
    }
    if label.is_ascii() {
        return fits(label);
    }
    if label.starts_with("xn--") {
        return None;
    }
    fits(format!("xn--{}", idna::punycode::encode_str(&label)?))
}

#[cfg(test)]
#[path = "../../tests/unit/email.rs"]
mod tests;
