//! The integration tests: one binary, one harness.

mod harness;

mod architecture;
mod bad_input;
mod batch;
mod diff;
mod explain;
mod fhir;
mod interview_pty;
mod loinc;
mod mapping;
mod output;
mod properties;
mod rule_checks;
mod safety;
mod sessions;
mod sessions_worklist;
mod wording;
mod wording_es;
