//! The seqs of one conversation's messages already reported, kept as a sorted list: messages
//! mostly arrive in order, so a new seq goes at the end, and the browser is spared the code of
//! a `BTreeSet` (some 3 KB of wasm).

/// Seqs in increasing order, each at most once.
#[derive(Debug, Default)]
pub(crate) struct Seqs(Vec<i64>);

impl Seqs {
    /// Records `seq`; answers whether it is new.
    pub(crate) fn insert(&mut self, seq: i64) -> bool {
        match self.0.last() {
            Some(&last) if seq > last => {
                self.0.push(seq);
                true
            }
            None => {
                self.0.push(seq);
                true
            }
            Some(_) => match self.0.binary_search(&seq) {
                Ok(_) => false,
                Err(at) => {
                    self.0.insert(at, seq);
                    true
                }
            },
        }
    }

    /// The highest seq recorded.
    pub(crate) fn last(&self) -> Option<&i64> {
        self.0.last()
    }
}

#[cfg(test)]
mod tests {
    use super::Seqs;

    #[test]
    fn each_seq_is_new_once_in_whatever_order_it_comes() {
        let mut seqs = Seqs::default();
        assert_eq!(seqs.last(), None);
        assert!(seqs.insert(5));
        assert!(seqs.insert(7));
        assert!(seqs.insert(6), "an older seq that was missed is new");
        assert!(seqs.insert(1));
        assert!(!seqs.insert(6), "a seq seen before is not");
        assert!(!seqs.insert(7));
        assert!(!seqs.insert(1));
        assert_eq!(seqs.last(), Some(&7));
        assert_eq!(seqs.0, vec![1, 5, 6, 7]);
    }
}
