//! Cycle detection between recipes.
//!
//! A recipe that reaches itself through its sub-recipes has no finite cost,
//! so the book refuses it and reports the loop by recipe names, in the
//! order a cook would follow it.

use std::collections::BTreeMap;

use super::{Entry, Resolved};
use crate::error::CostingError;

/// Depth-first search over sub-recipe edges; each back edge is a cycle,
/// reported from the repeated recipe round to itself ("A → B → A").
pub(super) fn find_cycles(entries: &BTreeMap<String, Entry>) -> Vec<CostingError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        OnStack,
        Done,
    }
    fn visit<'a>(
        key: &'a str,
        entries: &'a BTreeMap<String, Entry>,
        state: &mut BTreeMap<&'a str, State>,
        stack: &mut Vec<&'a str>,
        cycles: &mut Vec<CostingError>,
    ) {
        state.insert(key, State::OnStack);
        stack.push(key);
        if let Some(entry) = entries.get(key) {
            for line in &entry.lines {
                let Resolved::SubRecipe { key: next, .. } = line else {
                    continue;
                };
                match state.get(next.as_str()) {
                    Some(State::Done) => {}
                    Some(State::OnStack) => {
                        let start = stack.iter().position(|k| *k == next).unwrap_or(0);
                        let name =
                            |k: &str| entries.get(k).map_or(k.to_owned(), |e| e.name.to_string());
                        let mut path: Vec<String> =
                            stack[start..].iter().map(|k| name(k)).collect();
                        path.push(name(next));
                        cycles.push(CostingError::Cycle { path });
                    }
                    None => visit(next, entries, state, stack, cycles),
                }
            }
        }
        stack.pop();
        state.insert(key, State::Done);
    }

    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for key in entries.keys() {
        if !state.contains_key(key.as_str()) {
            visit(key, entries, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    cycles
}
