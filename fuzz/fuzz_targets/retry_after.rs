//! Any text as a `Retry-After` header value.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = assured::fuzzing::parse_retry_after(text);
    }
});
