//! A small map kept as a list of pairs: the client holds a handful of entries per map (open
//! requests, conversations), for which a scan is as fast as hashing and costs the browser far
//! fewer bytes of code than `HashMap`.

/// Keys to values, in insertion order; each key at most once.
#[derive(Debug)]
pub(crate) struct Table<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K: PartialEq, V> Table<K, V> {
    fn position<Q>(&self, key: &Q) -> Option<usize>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.entries.iter().position(|(k, _)| k.borrow() == key)
    }

    /// The value of `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.position(key).map(|at| &self.entries[at].1)
    }

    /// Sets `key` to `value`.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        match self.position(&key) {
            Some(at) => self.entries[at].1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Takes `key`'s value out.
    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.position(key).map(|at| self.entries.swap_remove(at).1)
    }

    /// `key`'s value, made with `Default` if there is none yet.
    pub(crate) fn entry(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        let at = match self.position(&key) {
            Some(at) => at,
            None => {
                self.entries.push((key, V::default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[at].1
    }

    /// Every entry.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Removes every entry.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn keeps_one_value_per_key() {
        let mut table = Table::default();
        table.insert("a".to_string(), 1);
        table.insert("b".to_string(), 2);
        table.insert("a".to_string(), 3);
        assert_eq!(table.get("a"), Some(&3));
        *table.entry("c".to_string()) += 5;
        *table.entry("c".to_string()) += 1;
        assert_eq!(table.get("c"), Some(&6));
        assert_eq!(table.remove("b"), Some(2));
        assert_eq!(table.get("b"), None);
        assert_eq!(table.iter().count(), 2);
        table.clear();
        assert_eq!(table.get("a"), None);
    }
}
