//! A small builder for running the real binary: arguments, stdin, files in
//! a temporary folder, and checks on status, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_carescreen");

/// The project folder; relative fixture paths start here.
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) struct Test {
    args: Vec<String>,
    stdin: Vec<u8>,
    dir: Option<tempfile::TempDir>,
    cwd: PathBuf,
    env: Vec<(String, String)>,
}

/// What a run produced.
#[derive(Debug)]
pub(crate) struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    /// A run in the project folder.
    pub(crate) fn new() -> Test {
        Test {
            args: Vec::new(),
            stdin: Vec::new(),
            dir: None,
            cwd: root().to_path_buf(),
            env: Vec::new(),
        }
    }

    /// A run in a fresh temporary folder.
    pub(crate) fn in_temp_dir() -> Test {
        let dir = tempfile::tempdir().expect("temp dir");
        let cwd = dir.path().to_path_buf();
        Test {
            args: Vec::new(),
            stdin: Vec::new(),
            dir: Some(dir),
            cwd,
            env: Vec::new(),
        }
    }

    pub(crate) fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Set an environment variable for the run (`TZ`).
    pub(crate) fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub(crate) fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Test {
        self.stdin = bytes.into();
        self
    }

    /// Write a file into the temporary folder.
    #[track_caller]
    pub(crate) fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Test {
        assert!(self.dir.is_some(), "file() needs in_temp_dir()");
        std::fs::write(self.cwd.join(name), contents).expect("write file");
        self
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.cwd.join(name)
    }

    #[track_caller]
    pub(crate) fn run(&self) -> Output {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .args(&self.args)
            .current_dir(&self.cwd)
            .env("NO_COLOR", "1")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start carescreen");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = self.stdin.clone();
        // Feed stdin from another thread, so a command writing much output
        // before it has read all its input cannot deadlock the pipes. A
        // command may exit before reading its input; that is not a failure.
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("wait");
        let _ = feeder.join();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Output {
    #[track_caller]
    pub(crate) fn code(self, expected: i32) -> Output {
        assert_eq!(
            self.code, expected,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn stderr_is(self, expected: &str) -> Output {
        assert_eq!(self.stderr, expected, "stderr");
        self
    }

    #[track_caller]
    pub(crate) fn stderr_has(self, part: &str) -> Output {
        assert!(
            self.stderr.contains(part),
            "stderr lacks {part:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn stdout_has(self, part: &str) -> Output {
        assert!(
            self.stdout.contains(part),
            "stdout lacks {part:?}:\n{}",
            self.stdout
        );
        self
    }

    /// stdout parsed as CSV with a header: one map per row.
    #[track_caller]
    pub(crate) fn csv_rows(&self) -> Vec<std::collections::HashMap<String, String>> {
        let mut reader = csv::Reader::from_reader(self.stdout.as_bytes());
        let header = reader.headers().expect("header").clone();
        reader
            .records()
            .map(|r| {
                let r = r.expect("record");
                header
                    .iter()
                    .map(String::from)
                    .zip(r.iter().map(String::from))
                    .collect()
            })
            .collect()
    }
}
