//! Where in a rules file a problem is: a YAML path built one step at a
//! time, so no check spells out path syntax by hand.
//!
//! `Loc::top("placement").key("rules").index(2).key("when")` renders as
//! `placement.rules[2].when`, the form diagnostics have always shown.

use std::fmt;

/// A YAML location below a file's top level, kept in its rendered form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Loc(String);

impl Loc {
    /// A top-level key of a file: `levels`, `note_template`.
    pub(super) fn top(key: &str) -> Loc {
        Loc(key.to_string())
    }

    /// A location written earlier (an `Origin` path), to go on from.
    pub(super) fn resume(rendered: &str) -> Loc {
        Loc(rendered.to_string())
    }

    /// A mapping key below this location: `….when`, `….answers.phq9_1`.
    pub(super) fn key(&self, key: &str) -> Loc {
        let mut path = self.0.clone();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        Loc(path)
    }

    /// A sequence element below this location: `…[3]`.
    pub(super) fn index(&self, index: usize) -> Loc {
        use fmt::Write;
        let mut path = self.0.clone();
        let _ = write!(path, "[{index}]");
        Loc(path)
    }

    /// The rendered path, for `Place::Path` and `Origin`.
    pub(super) fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Loc;

    #[test]
    fn renders_as_yaml_paths() {
        let rule = Loc::top("placement").key("rules").index(2);
        assert_eq!(rule.to_string(), "placement.rules[2]");
        assert_eq!(
            rule.key("when").key("all").index(0).key("item").to_string(),
            "placement.rules[2].when.all[0].item"
        );
        assert_eq!(Loc::top("levels").index(1).to_string(), "levels[1]");
        assert_eq!(Loc::default().key("name").to_string(), "name");
        assert_eq!(
            Loc::resume("flags[0]").key("when").into_string(),
            "flags[0].when"
        );
    }
}
