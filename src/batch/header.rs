//! The input header: which column holds the id and which each item.
//!
//! Names match after trimming spaces, ignoring ASCII case. Columns that are
//! neither the id nor an item are ignored (and reported). Every answerable
//! item that is scored or required must have a column; an optional item's
//! column may be absent.

use std::sync::Arc;

use crate::error::Error;
use crate::mapping::Mapping;
use crate::model::{ItemIdx, RuleSet};

/// Where each input column goes.
pub(crate) struct Columns {
    pub(crate) width: usize,
    pub(crate) id: usize,
    /// The id column's name as the input spells it (used for the output).
    pub(crate) id_name: String,
    /// (column, item), in item order.
    pub(crate) items: Vec<(usize, ItemIdx)>,
    pub(crate) ignored: Vec<String>,
    /// Columns copied to the output after the id: (column, name as the
    /// input spells it).
    pub(crate) keep: Vec<(usize, String)>,
    /// The mapping the columns are read through, if any, and where its
    /// `only_if` column is.
    pub(crate) mapping: Option<Arc<Mapping>>,
    pub(crate) only_if: Option<usize>,
    /// Every column's name as the input spells it (trimmed).
    pub(crate) names: Vec<String>,
    /// The `retracted` column (safety answers the client took back), if
    /// the input has one.
    pub(crate) retracted: Option<usize>,
}

impl Columns {
    /// The input's name for the column an item is read from.
    pub(crate) fn name_of(&self, item: ItemIdx) -> Option<&str> {
        let &(j, _) = self.items.iter().find(|&&(_, i)| i == item)?;
        self.names.get(j).map(String::as_str)
    }
}

/// Map the header, refusing one without a column for a needed item.
pub(crate) fn map_header(
    rules: &RuleSet,
    header: &csv::ByteRecord,
    id_column: &str,
) -> Result<Columns, Error> {
    let (columns, absent) = read_header(rules, header, id_column)?;
    if absent.is_empty() {
        return Ok(columns);
    }
    Err(Error::MissingColumns {
        id_column: None,
        columns: absent.iter().map(|&i| rules.items[i].id.clone()).collect(),
    })
}

/// Map the header, with the needed items it has no column for (answerable
/// and scored or required), in item order. A missing id column is an
/// error (with the needed items missing too).
pub(crate) fn read_header(
    rules: &RuleSet,
    header: &csv::ByteRecord,
    id_column: &str,
) -> Result<(Columns, Vec<ItemIdx>), Error> {
    if rules.item_index(&id_column.to_ascii_lowercase()).is_some() {
        return Err(Error::Usage(format!(
            "the id column `{id_column}` is also an item of the rule set; name the id column with --id-column"
        )));
    }
    let mut id = None;
    let mut retracted = None;
    let mut id_name = id_column.to_string();
    let mut items: Vec<(usize, ItemIdx)> = Vec::new();
    let mut ignored = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (j, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(Error::DuplicateColumn { column: name });
        }
        seen.push(name.clone());
        if name == id_column.to_ascii_lowercase() {
            id = Some(j);
            id_name = String::from_utf8_lossy(raw).trim().to_string();
        } else if name == crate::answers::RETRACTED_COLUMN {
            retracted = Some(j);
        } else if let Some(index) = rules
            .item_index(&name)
            .filter(|&i| rules.items[i].is_answerable())
        {
            items.push((j, index));
        } else {
            ignored.push(name);
        }
    }
    let absent: Vec<ItemIdx> = (0..rules.items.len())
        .filter(|&index| {
            let item = &rules.items[index];
            let needed = item.is_answerable() && (item.required || !item.scales.is_empty());
            needed && !items.iter().any(|&(_, i)| i == index)
        })
        .collect();
    let Some(id) = id else {
        let mut columns = vec![id_column.to_string()];
        columns.extend(absent.iter().map(|&i| rules.items[i].id.clone()));
        return Err(Error::MissingColumns {
            id_column: Some(id_column.to_string()),
            columns,
        });
    };
    // Rule order, so parse errors are found in item order.
    items.sort_by_key(|&(_, index)| index);
    let columns = Columns {
        width: header.len(),
        id,
        id_name,
        items,
        ignored,
        keep: Vec::new(),
        only_if: None,
        mapping: None,
        names: header
            .iter()
            .map(|raw| String::from_utf8_lossy(raw).trim().to_string())
            .collect(),
        retracted,
    };
    Ok((columns, absent))
}

/// Map the header through a mapping (`--map`): its id column, its
/// sources for items, its `keep` and `only_if` columns.
pub(crate) fn map_with(
    rules: &RuleSet,
    mapping: &Arc<Mapping>,
    header: &csv::ByteRecord,
) -> Result<Columns, Error> {
    let names = names(header)?;
    let placed = mapping.place(rules, &names)?;
    // A mapped export may carry the safety answers taken back as well.
    let retracted = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(crate::answers::RETRACTED_COLUMN))
        .filter(|j| !placed.items.iter().any(|(c, _)| c == j) && *j != placed.id);
    let mut columns = Columns {
        width: header.len(),
        id: placed.id,
        id_name: names[placed.id].clone(),
        items: placed.items,
        ignored: placed.ignored,
        keep: Vec::new(),
        only_if: placed.only_if,
        mapping: Some(Arc::clone(mapping)),
        names: names.clone(),
        retracted,
    };
    columns.items.sort_by_key(|&(_, index)| index);
    let keep: Vec<String> = placed.keep.iter().map(|&j| names[j].clone()).collect();
    add_keep(rules, &mut columns, header, &keep)?;
    Ok(columns)
}

/// The header's names, trimmed; a name given twice (ignoring case) is an error.
fn names(header: &csv::ByteRecord) -> Result<Vec<String>, Error> {
    let names: Vec<String> = header
        .iter()
        .map(|raw| String::from_utf8_lossy(raw).trim().to_string())
        .collect();
    for (j, name) in names.iter().enumerate() {
        if names[..j].iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(Error::DuplicateColumn {
                column: name.to_ascii_lowercase(),
            });
        }
    }
    Ok(names)
}

/// Add columns copied to the output after the id (`--keep`, a mapping's
/// `keep`): each must be in the header, once, and not be the id column;
/// they are no longer reported as ignored. A kept column may not take an
/// output column's name (the output would have two).
pub(crate) fn add_keep(
    rules: &RuleSet,
    columns: &mut Columns,
    header: &csv::ByteRecord,
    keep: &[String],
) -> Result<(), Error> {
    let names = names(header)?;
    let outputs = crate::report::row::header(rules, &columns.id_name);
    let taken = |k: &str| {
        k.eq_ignore_ascii_case("note") || outputs[1..].iter().any(|o| o.eq_ignore_ascii_case(k))
    };
    let mut absent = Vec::new();
    for name in keep {
        let Some(j) = names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name.trim()))
        else {
            absent.push(name.trim().to_string());
            continue;
        };
        if taken(&names[j]) {
            return Err(Error::Usage(format!(
                "the kept column `{}` has the name of an output column; keep another column",
                names[j]
            )));
        }
        if j == columns.id {
            return Err(Error::Usage(format!(
                "`{name}` is the id column, written first already; keep other columns"
            )));
        }
        if !columns.keep.iter().any(|&(k, _)| k == j) {
            columns.keep.push((j, names[j].clone()));
        }
        columns
            .ignored
            .retain(|i| !i.eq_ignore_ascii_case(&names[j]));
    }
    if !absent.is_empty() {
        let names: Vec<String> = absent.iter().map(|a| format!("`{a}`")).collect();
        return Err(Error::Usage(format!(
            "input header: no column {} to keep (--keep, or the mapping's `keep`)",
            names.join(", ")
        )));
    }
    Ok(())
}
