//! Any bytes as a providers page, and its `next` link as the paginator reads it.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = assured::fuzzing::decode_page(data);
});
