//! Generated from `spec/assured.yaml` by `build/codegen.rs`: each
//! operation's path (`paths`), and for each list its typed query parameters
//! (`ListProvidersParams`, ...) and its one-page handler method. A query
//! parameter added to the spec appears here with no handwritten edit.

include!(concat!(env!("OUT_DIR"), "/operations.rs"));
