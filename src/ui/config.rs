//! The optional config file: key and colour overrides and mouse support.
//! Defaults are compiled in; the file (`config.toml` in the platform config
//! directory, or the path in `LASTMILE_CONFIG`) overrides parts of them.
//! Unknown modes, actions, roles and keys, and two actions on one key, are
//! refused with a message naming the file and line.

use super::action::Action;
use super::keymap::{Key, Keymap, Mode};
use super::theme::{parse_color, Theme};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The commented example shipped with lastmile.
pub const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

/// Everything the UI takes from configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub keymap: Keymap,
    pub theme: Theme,
    /// Capture the mouse (clicks and wheel). Off: the terminal keeps its
    /// own text selection.
    pub mouse: bool,
    /// The file the overrides came from, if any.
    pub path: Option<PathBuf>,
    /// Who the user is (`name = "..."`): recorded on every change when
    /// `--as` is not given. The workbench asks and saves it here when it
    /// cannot be known.
    pub name: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keymap: Keymap::default(),
            theme: Theme::from_env(),
            name: None,
            mouse: true,
            path: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    mouse: Option<bool>,
    name: Option<Spanned<String>>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyList>>>,
    #[serde(default)]
    theme: BTreeMap<Spanned<String>, Spanned<String>>,
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].matches('\n').count() + 1
}

/// Where the config file is looked for: `LASTMILE_CONFIG`, else the
/// platform config directory.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LASTMILE_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "lastmile").map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Load the config from [`default_path`]. A missing file in the default
    /// place is fine; a missing `LASTMILE_CONFIG` file is an error.
    pub fn load() -> Result<Config, String> {
        let explicit = std::env::var_os("LASTMILE_CONFIG").is_some_and(|p| !p.is_empty());
        let Some(path) = default_path() else {
            return Ok(Config::default());
        };
        if !path.exists() {
            if explicit {
                return Err(format!(
                    "the config file {} (from LASTMILE_CONFIG) does not exist: create it (see assets/config.example.toml) or unset LASTMILE_CONFIG",
                    path.display()
                ));
            }
            return Ok(Config::default());
        }
        Config::load_file(&path)
    }

    /// Load one config file.
    pub fn load_file(path: &Path) -> Result<Config, String> {
        let src = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
        let mut c = Config::parse(&src, &path.display().to_string())?;
        c.path = Some(path.to_path_buf());
        Ok(c)
    }

    /// Remember the user's name in the config file (`name = "..."` at its
    /// top, the file and its folder created when missing; a name already
    /// there is replaced). Returns the file written.
    pub fn save_name(&mut self, name: &str) -> Result<PathBuf, String> {
        let path = self
            .path
            .clone()
            .or_else(default_path)
            .ok_or_else(|| "there is no config folder on this system: pass --as NAME instead".to_string())?;
        let old = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read the config file {}: {e}", path.display())),
        };
        let line = format!("name = {}\n", toml::Value::String(name.to_string()));
        const HEADER: &str = "# Who you are: recorded on every change (lastmile asked once).";
        let is_name = |l: &str| {
            let t = l.trim_start().trim_start_matches('"');
            t.strip_prefix("name")
                .is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with('='))
        };
        let kept: String = old
            .lines()
            .filter(|l| !is_name(l) && l.trim() != HEADER)
            .map(|l| format!("{l}\n"))
            .collect();
        let text = format!("{HEADER}\n{line}{kept}");
        // Never write a file lastmile could not read back.
        Config::parse(&text, &path.display().to_string())?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
        }
        // Written beside it, then renamed over it: a full disk or a crash
        // never leaves a config file cut short.
        let tmp = path.with_extension("toml.lastmile-tmp");
        std::fs::write(&tmp, &text)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("cannot write the config file {}: {e}", path.display())
            })?;
        self.name = Some(name.to_string());
        self.path = Some(path.clone());
        Ok(path)
    }

    /// Parse config text; `origin` names it in messages.
    pub fn parse(src: &str, origin: &str) -> Result<Config, String> {
        let at = |offset: usize| format!("config file {origin}, line {}", line_of(src, offset));
        let raw: Raw = toml::from_str(src).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(src, s.start));
            format!(
                "config file {origin}, line {line}: {}",
                e.message().trim().replace('\n', " ")
            )
        })?;
        let mut config = Config::default();
        if let Some(m) = raw.mouse {
            config.mouse = m;
        }
        if let Some(n) = &raw.name {
            let name =
                crate::text::validate_name("name", n.get_ref()).map_err(|e| format!("{}: {e}", at(n.span().start)))?;
            config.name = Some(name);
        }
        // Where each (mode, key) was bound by the file, for messages.
        let mut user_lines: BTreeMap<(Mode, Key), (usize, Action)> = BTreeMap::new();
        for (mode_name, table) in &raw.keys {
            let mode = Mode::parse(mode_name.get_ref()).ok_or_else(|| {
                format!(
                    "{}: there is no key mode '{}': use one of {}",
                    at(mode_name.span().start),
                    crate::text::sanitize(mode_name.get_ref()),
                    Mode::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")
                )
            })?;
            for (action_name, keys) in table {
                let here = at(action_name.span().start);
                let line = line_of(src, action_name.span().start);
                let action = Action::parse(action_name.get_ref()).ok_or_else(|| {
                    format!("{here}: there is no action '{}' (the help overlay, ?, lists them; the example config names every one)", crate::text::sanitize(action_name.get_ref()))
                })?;
                if !config.keymap.has(mode, action) {
                    let modes: Vec<&str> = Mode::ALL
                        .iter()
                        .filter(|m| config.keymap.has(**m, action))
                        .map(|m| m.name())
                        .collect();
                    return Err(format!(
                        "{here}: the action '{}' cannot be bound in [keys.{}]; it belongs in {}",
                        action.name(),
                        mode.name(),
                        if modes.is_empty() {
                            "no mode".to_string()
                        } else {
                            modes
                                .iter()
                                .map(|m| format!("[keys.{m}]"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ));
                }
                let names = match keys.get_ref() {
                    KeyList::One(s) => vec![s.clone()],
                    KeyList::Many(v) => v.clone(),
                };
                let mut parsed = Vec::new();
                for n in &names {
                    let k = Key::parse(n).map_err(|e| format!("{here}: {e}"))?;
                    if let Some((other_line, other)) = user_lines.get(&(mode, k)) {
                        if *other != action {
                            return Err(format!(
                                "{here}: the key '{k}' is bound twice in [keys.{}]: to '{}' on line {other_line} and to '{}' here; give one of them another key",
                                mode.name(),
                                other.name(),
                                action.name()
                            ));
                        }
                    }
                    user_lines.insert((mode, k), (line, action));
                    parsed.push(k);
                }
                config.keymap.set_keys(mode, action, parsed);
            }
        }
        if let Some((mode, key, a, b)) = config.keymap.duplicates().into_iter().next() {
            let (line, mine, other) = match (
                user_lines.get(&(mode, key)),
                user_lines
                    .iter()
                    .find(|((m, _), (_, act))| *m == mode && (*act == a || *act == b)),
            ) {
                (Some((l, act)), _) => (*l, *act, if *act == a { b } else { a }),
                (None, Some((_, (l, act)))) => (*l, *act, if *act == a { b } else { a }),
                (None, None) => (1, a, b),
            };
            return Err(format!(
                "config file {origin}, line {line}: the key '{key}' in [keys.{}] would mean both '{}' and '{}' (its default); bind '{}' to another key too, or choose a free key",
                mode.name(),
                mine.name(),
                other.name(),
                other.name()
            ));
        }
        for (role, value) in &raw.theme {
            let here = at(role.span().start);
            let color = parse_color(value.get_ref()).map_err(|e| format!("{here}: {e}"))?;
            if !config.theme.set(role.get_ref(), color) {
                return Err(format!(
                    "{here}: there is no colour role '{}': use one of {}",
                    crate::text::sanitize(role.get_ref()),
                    Theme::ROLES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_example_parses() {
        Config::parse(EXAMPLE, "config.example.toml").unwrap();
    }
}
