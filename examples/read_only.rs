//! The speed baseline for batch scoring: read a CSV file with the csv crate,
//! counting byte records, and nothing else. `scripts/perf.sh` times
//! `carescreen score` against it on the same file.
//!
//!     cargo run --release --example read_only -- FILE.csv

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line baseline: printing is its job

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: read_only FILE.csv");
        return ExitCode::from(2);
    };
    let mut reader = match csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&path)
    {
        Ok(reader) => reader,
        Err(err) => {
            eprintln!("read_only: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => rows += 1,
            Ok(false) => break,
            Err(err) => {
                eprintln!("read_only: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{rows}");
    ExitCode::SUCCESS
}
