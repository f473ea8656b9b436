//! carescreen: a care-level screener for behavioral-health intake.
//!
//! Rule sets (YAML) define the instruments, scoring, skip logic, placement
//! policy and referral note; `assess` turns one record's answers into a
//! recommended level with flags, scores and a trace. The library never
//! prints: `cli` is the one place that writes to the terminal.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

// The public surface is what the binary, the integration tests and the
// benches use; everything else is the crate's own.
pub mod assess;
pub mod batch;
pub mod error;
pub mod report;
pub mod rules;

mod answers;
mod cases;
mod check;
mod cli;
mod diff;
mod disposition;
mod explain;
mod interview;
mod mapping;
mod messages;
mod model;
mod output;
mod rules_test;
mod sessions;
mod summary;

pub use answers::Answers;
pub use assess::{assess, Assessment};
pub use cli::run;
pub use model::RuleSet;
