//! Renderers: one per output format. They turn an assessment into text or
//! view types; they never decide anything and never drop a flag.

pub mod explain;
pub mod json;
pub mod markdown;
pub mod note;
pub mod row;
pub mod rules_doc;
pub mod table;
pub mod trace;
pub mod view;
pub mod words;
