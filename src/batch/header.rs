//! The input header: which column holds the id and which each item.
//!
//! Names match after trimming spaces, ignoring ASCII case. Columns that are
//! neither the id nor an item are ignored (and reported). Every answerable
//! item that is scored or required must have a column; an optional item's
//! column may be absent.

use crate::error::Error;
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
    /// Every column's name as the input spells it (trimmed).
    pub(crate) names: Vec<String>,
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
        names: header
            .iter()
            .map(|raw| String::from_utf8_lossy(raw).trim().to_string())
            .collect(),
    };
    Ok((columns, absent))
}
