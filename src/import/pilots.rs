//! Importing a pilot inventory from CSV (placeholder while it is being written).
