//! Renderers: one per output format. They turn an assessment into text or
//! view types; they never decide anything and never drop a flag.

pub(crate) mod columns;
pub(crate) mod explain;
pub(crate) mod fhir;
pub(crate) mod handout;
#[cfg(test)]
mod handout_tests;
pub(crate) mod json;
pub(crate) mod markdown;
pub mod note;
pub(crate) mod row;
pub(crate) mod rules_doc;
pub(crate) mod table;
pub(crate) mod trace;
pub(crate) mod view;
pub(crate) mod words;
