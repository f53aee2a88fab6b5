//! Any bytes as an error body with any status, as a caller would see it.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 1000;
    let _ = assured::fuzzing::parse_error_body(status, &data[2..]);
});
