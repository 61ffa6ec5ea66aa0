//! Small string maps (answers by field id, names by user id) kept as lists of pairs: a few
//! entries each, where a list costs the bundle far less code than a `HashMap`.

/// Keys to values; each key at most once.
pub type Pairs = Vec<(String, String)>;

/// The value of `key`.
pub fn value<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Sets `key` to `value`.
pub fn set(pairs: &mut Pairs, key: String, value: String) {
    match pairs.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => pairs.push((key, value)),
    }
}
