//! The object model: identities (`ObjRef`), the kinds the doctor reads, and lenient typed views of
//! those objects. Views accept what a manifest or an API server may hold (every field optional where
//! the API defaults it) so that the analyzers, not the decoder, decide what is wrong.

pub mod objects;
pub mod objref;
pub mod rbac;
pub mod refs;
pub mod registration;
pub mod release;
pub mod selector;

pub use objects::*;
pub use objref::{Kind, ObjRef};
pub use registration::{Generation, Registration};
pub use release::{Release, Releases};
