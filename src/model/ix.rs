//! Typed indexes into the rule set: a flag index cannot look up a placement
//! rule. Each index is a plain `usize` underneath (`#[repr(transparent)]`),
//! and `IxVec<I, T>` is a `Vec<T>` that only its own index type reads, so
//! the typing costs nothing at run time.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// An index type: a `usize` with a name.
pub trait Ix: Copy + Eq + Ord + fmt::Debug {
    /// The index at this position.
    fn new(at: usize) -> Self;
    /// The position this index stands for.
    fn get(self) -> usize;
}

macro_rules! ix {
    ($(#[$doc:meta])* $vis:vis $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(transparent)]
        $vis struct $name(usize);

        impl $name {
            /// The index at this position.
            #[inline]
            pub(crate) const fn new(at: usize) -> Self {
                $name(at)
            }

            /// The position this index stands for.
            #[inline]
            pub(crate) const fn get(self) -> usize {
                self.0
            }
        }

        impl Ix for $name {
            #[inline]
            fn new(at: usize) -> Self {
                $name::new(at)
            }
            #[inline]
            fn get(self) -> usize {
                $name::get(self)
            }
        }

        /// The position, as a number.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

ix!(
    /// Index of a flag in `RuleSet::flags` (public: assessments give
    /// their raised flags by index).
    pub FlagIx
);
ix!(
    /// Index of a placement rule in `RuleSet::rules`.
    pub(crate) RuleIx
);
ix!(
    /// Index of a scale in `RuleSet::scales` (and of its band).
    pub(crate) ScaleIx
);
ix!(
    /// Index of a rating in `RuleSet::ratings`.
    pub(crate) RatingIx
);
ix!(
    /// Index of a domain in `RuleSet::domains`.
    pub(crate) DomainIx
);

/// A table read by one index type only.
pub struct IxVec<I, T> {
    raw: Vec<T>,
    ix: PhantomData<fn(I) -> I>,
}

impl<I: Ix, T> IxVec<I, T> {
    #[inline]
    pub(crate) const fn new() -> Self {
        IxVec {
            raw: Vec::new(),
            ix: PhantomData,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    #[inline]
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.raw.iter()
    }

    #[inline]
    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.raw.iter_mut()
    }

    /// Every entry with its index, in order.
    #[inline]
    pub fn iter_ix(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator + Clone {
        self.raw.iter().enumerate().map(|(at, t)| (I::new(at), t))
    }

    /// Every index, in order.
    #[inline]
    pub fn ixs(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + Clone {
        (0..self.raw.len()).map(I::new)
    }

    /// The entry at `ix`, if there is one.
    #[inline]
    pub fn get(&self, ix: I) -> Option<&T> {
        self.raw.get(ix.get())
    }

    /// The entry at `ix`, if there is one, to change.
    #[inline]
    pub(crate) fn get_mut(&mut self, ix: I) -> Option<&mut T> {
        self.raw.get_mut(ix.get())
    }

    /// Append an entry.
    #[inline]
    pub(crate) fn push(&mut self, t: T) {
        self.raw.push(t)
    }

    #[inline]
    pub(crate) fn clear(&mut self) {
        self.raw.clear()
    }

    #[inline]
    pub(crate) fn extend(&mut self, ts: impl IntoIterator<Item = T>) {
        self.raw.extend(ts)
    }

    /// The entries as a plain slice, for code that reads them all in
    /// order.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        &self.raw
    }
}

impl<I: Ix, T: Clone> IxVec<I, T> {
    /// `len` copies of `t`.
    #[inline]
    pub(crate) fn filled(t: T, len: usize) -> Self {
        IxVec::from(vec![t; len])
    }
}

impl<I, T> From<Vec<T>> for IxVec<I, T> {
    #[inline]
    fn from(raw: Vec<T>) -> Self {
        IxVec {
            raw,
            ix: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IxVec<I, T> {
    #[inline]
    fn from_iter<It: IntoIterator<Item = T>>(ts: It) -> Self {
        IxVec::from(ts.into_iter().collect::<Vec<T>>())
    }
}

impl<I: Ix, T> Index<I> for IxVec<I, T> {
    type Output = T;
    #[inline]
    fn index(&self, ix: I) -> &T {
        &self.raw[ix.get()]
    }
}

impl<I: Ix, T> IndexMut<I> for IxVec<I, T> {
    #[inline]
    fn index_mut(&mut self, ix: I) -> &mut T {
        &mut self.raw[ix.get()]
    }
}

impl<'a, I, T> IntoIterator for &'a IxVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.raw.iter()
    }
}

impl<I, T> IntoIterator for IxVec<I, T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.raw.into_iter()
    }
}

impl<I, T> Default for IxVec<I, T> {
    #[inline]
    fn default() -> Self {
        IxVec::from(Vec::new())
    }
}

impl<I, T: Clone> Clone for IxVec<I, T> {
    #[inline]
    fn clone(&self) -> Self {
        IxVec::from(self.raw.clone())
    }
}

impl<I, T: PartialEq> PartialEq for IxVec<I, T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<I, T: Eq> Eq for IxVec<I, T> {}

impl<I, T: fmt::Debug> fmt::Debug for IxVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.raw.fmt(f)
    }
}
