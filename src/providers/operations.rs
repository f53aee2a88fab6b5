//! Generated from `spec/assured.yaml` by `build/operations.rs` and `build/bodies.rs`: each
//! operation's path (`paths`) and its method on `Providers`; for each list its typed query
//! parameters (`ListProvidersParams`, ...), for each other operation its typed path ids and
//! checked body. A query parameter, a body field or an operation added to the spec appears here
//! with no handwritten edit.

include!(concat!(env!("OUT_DIR"), "/operations.rs"));
