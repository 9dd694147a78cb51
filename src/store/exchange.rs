//! Queries for import and verification (placeholder while it is being written).
