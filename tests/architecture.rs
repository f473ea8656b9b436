//! The code's shape: dependencies between modules point one way, and files
//! stay about one concern long.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of the library (`assess::lanes`) with its source, test
/// modules cut off.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
                let rel = path.strip_prefix(&root).expect("under src");
                let name = rel
                    .with_extension("")
                    .to_string_lossy()
                    .replace('\\', "/")
                    .trim_end_matches("/mod")
                    .replace('/', "::");
                if name == "lib" || name == "main" || name.ends_with("tests") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                let code = match text.find("#[cfg(test)]\nmod tests {") {
                    Some(at) => text[..at].to_string(),
                    None => text,
                };
                out.insert(name, code);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// The longest module name that `path` (`a::b::c`) starts with.
fn resolve<'a>(modules: &'a BTreeMap<String, String>, path: &str) -> Option<&'a str> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|k| parts[..k].join("::"))
        .find_map(|m| modules.get_key_value(&m).map(|(k, _)| k.as_str()))
}

/// What each module uses of the others (`crate::` and `super::` paths). A
/// parent depends on its children (it declares them, and may re-export
/// them); a child's use of its ancestors is that structure, not a cycle.
fn dependencies(modules: &BTreeMap<String, String>) -> BTreeMap<&str, BTreeSet<&str>> {
    let related = |a: &str, b: &str| {
        a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
    };
    let mut deps = BTreeMap::new();
    for (name, code) in modules {
        let parent = name.rsplit_once("::").map_or("", |(p, _)| p);
        let mut uses = BTreeSet::new();
        for (prefix, base) in [("crate::", String::new()), ("super::", parent.to_string())] {
            for (at, _) in code.match_indices(prefix) {
                // Only a path's own start, not `foo_crate::`.
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                for rest in paths(&code[at + prefix.len()..]) {
                    let path = match base.as_str() {
                        "" => rest,
                        base => format!("{base}::{rest}"),
                    };
                    if let Some(m) = resolve(modules, path.trim_end_matches(':')) {
                        if !related(name, m) {
                            uses.insert(m);
                        }
                    }
                }
            }
        }
        let children = modules.keys().filter(|m| {
            m.strip_prefix(name.as_str())
                .and_then(|rest| rest.strip_prefix("::"))
                .is_some_and(|rest| !rest.contains("::"))
        });
        uses.extend(children.map(String::as_str));
        deps.insert(name.as_str(), uses);
    }
    deps
}

/// The module paths at the start of `text` (what follows `crate::`): one
/// path, or each path of a group, `{a::X, b::{Y, Z}}`.
fn paths(text: &str) -> Vec<String> {
    let path_char = |c: char| c.is_ascii_lowercase() || c == '_' || c == ':' || c.is_ascii_digit();
    let Some(group) = text.strip_prefix('{') else {
        return vec![text.chars().take_while(|&c| path_char(c)).collect()];
    };
    // The group's top-level parts, up to its closing brace.
    let (mut depth, mut parts, mut part) = (0, Vec::new(), String::new());
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut part));
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    parts.push(part);
    parts
        .iter()
        .map(|p| p.trim().chars().take_while(|&c| path_char(c)).collect())
        .collect()
}

#[test]
fn a_group_of_paths_is_read_path_by_path() {
    assert_eq!(paths("model::RuleSet;"), ["model::"]);
    assert_eq!(
        paths("{answers::Answers, model::{Cmp, Test}};"),
        ["answers::", "model::"]
    );
}

#[test]
fn no_module_depends_on_itself_through_another() {
    let modules = modules();
    assert!(
        modules.contains_key("assess::lanes"),
        "the walk finds nested modules"
    );
    let deps = dependencies(&modules);
    assert!(
        deps["cli"].contains("batch"),
        "the scan sees uses: {:?}",
        deps["cli"]
    );
    // A depth-first search for a path back to where it started.
    let mut cycles = Vec::new();
    for &start in deps.keys() {
        let mut stack = vec![(start, vec![start])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for &next in &deps[at] {
                if next == start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn no_source_file_is_much_over_a_thousand_lines() {
    let modules = modules();
    let long: Vec<String> = modules
        .iter()
        .map(|(name, code)| (name, code.lines().count()))
        .filter(|&(_, lines)| lines > 1_050)
        .map(|(name, lines)| format!("{name}: {lines} lines"))
        .collect();
    assert!(long.is_empty(), "split by concern:\n{}", long.join("\n"));
}
