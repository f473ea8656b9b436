//! The integration tests: one binary, one harness.

mod harness;

mod batch;
mod properties;
mod rule_checks;
