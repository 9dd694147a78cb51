//! One file per screen: each adds its update (`*_action`) and its drawing
//! (`draw_*`) to [`super::app::App`].

pub mod attention;
pub mod board;
pub mod decisions;
pub mod detail;
pub mod heatmap;
pub mod panels;
pub mod portfolio;
