//! Errors.

use std::fmt;

/// A request the spec does not allow, with every offending field: which one (by JSON path,
/// e.g. `payer.accountNo`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    problems: Vec<FieldProblem>,
}

pub use smilepayz_rules::FieldProblem;

impl ValidationError {
    /// An error holding these problems, in the order of their paths (problems of one field
    /// keep the order they were found in): the same problems give the same error whichever
    /// check found them.
    pub fn new(mut problems: Vec<FieldProblem>) -> Self {
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        ValidationError { problems }
    }

    /// Every offending field, in the order of their paths.
    pub fn problems(&self) -> &[FieldProblem] {
        &self.problems
    }

    /// The problem of the field at `path`, if it has one.
    pub fn field(&self, path: &str) -> Option<&FieldProblem> {
        self.problems.iter().find(|p| p.path == path)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.problems.is_empty() {
            return f.write_str("the request breaks the spec");
        }
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}
