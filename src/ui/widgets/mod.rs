//! Small reusable pieces: text editing, list scrolling, marks.

pub mod chips;
pub mod list;
pub mod textbuf;
pub mod textscroll;
