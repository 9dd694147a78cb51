//! Everything a user can do, as one enum. Keys resolve to actions through
//! the keymap ([`super::keymap`]); `App::update` applies them.

/// Defines the action enum with the stable names used in the config file.
macro_rules! actions {
    ($($variant:ident => $name:literal;)+) => {
        /// One thing a user can ask for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),+ }

        impl Action {
            /// Every action, in declaration order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];
            /// The name used in the config file (`[keys.MODE] NAME = "KEY"`).
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }
            /// Parse a config-file action name.
            pub fn parse(s: &str) -> Option<Action> {
                match s.trim() { $($name => Some(Action::$variant),)+ _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit";
    Help => "help";
    Back => "back";
    Open => "open";
    Up => "up";
    Down => "down";
    PageUp => "page-up";
    PageDown => "page-down";
    Top => "top";
    Bottom => "bottom";
    Left => "focus-left";
    Right => "focus-right";
    NextScreen => "next-screen";
    PrevScreen => "prev-screen";
    ScreenPortfolio => "screen-portfolio";
    ScreenAssessment => "screen-assessment";
    ScreenScaffolding => "screen-scaffolding";
    ScreenHardening => "screen-hardening";
    ScreenDecisions => "screen-decisions";
    ScreenAttention => "screen-attention";
    Detail => "pilot-detail";
    Filter => "filter";
    Group => "group";
    SortNext => "sort";
    SortReverse => "sort-reverse";
    ToggleHeatmap => "heatmap";
    Why => "why-not-ready";
    AddPilot => "add-pilot";
    EditPilot => "edit-pilot";
    PhaseNext => "phase-next";
    PhasePrev => "phase-prev";
    ToggleDone => "toggle-done";
    StateTodo => "state-todo";
    StateDoing => "state-doing";
    StateDone => "state-done";
    StateNa => "state-na";
    StateBlocked => "state-blocked";
    NotYet => "not-yet";
    Skip => "skip";
    Note => "note";
    Owner => "owner";
    ClearOwner => "clear-owner";
    Rights => "decision-rights";
    Vendor => "vendor";
    Programme => "programme-checklist";
    Shortlist => "shortlist";
    Score => "score";
    Selection => "selection-scores";
    AddMetric => "add-metric";
    MetricValue => "metric-value";
    Decide => "decide";
    Communicated => "communicated";
    Workshop => "workshop";
    Undo => "undo";
    History => "history";
    Messages => "messages";
    Reference => "reference";
    Export => "export";
    Import => "import";
    LoadDemo => "load-demo";
    Refresh => "refresh";
    Submit => "submit";
    NextField => "next-field";
    PrevField => "prev-field";
    Yes => "yes";
    No => "no";
    NewPerson => "new-person";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.name()), "duplicate name {}", a.name());
            assert_eq!(Action::parse(a.name()), Some(*a));
        }
        assert_eq!(Action::parse("nope"), None);
    }
}
