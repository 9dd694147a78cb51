//! The terminal workbench (ratatui + crossterm).

use crate::playbook::Playbook;
use crate::store::Store;
use chrono::NaiveDate;

/// Open the terminal UI on `store` until the user quits.
pub fn run(store: Store, playbook: Playbook, today: NaiveDate) -> color_eyre::Result<()> {
    let _ = (store, playbook, today);
    println!("The terminal workbench is not built yet.");
    Ok(())
}
