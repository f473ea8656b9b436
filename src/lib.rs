//! carescreen: a care-level screener for behavioral-health intake.
//!
//! Rule sets (YAML) define the instruments, scoring, skip logic, placement
//! policy and referral note; `assess` turns one record's answers into a
//! recommended level with flags, scores and a trace. The library never
//! prints: `cli` is the one place that writes to the terminal.

#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod answers;
pub mod assess;
pub mod batch;
pub mod cases;
pub mod check;
pub mod cli;
pub mod diff;
pub mod disposition;
pub mod error;
pub mod interview;
pub mod messages;
pub mod model;
pub mod output;
pub mod report;
pub mod rules;
pub mod rules_test;
pub mod summary;

pub use answers::Answers;
pub use assess::{assess, Assessment};
pub use cli::run;
pub use model::RuleSet;
