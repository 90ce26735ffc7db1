//! The text report of `relnotes check`: the readiness items of a release
//! grouped by role, with a mark, the reason and a hint for each.

use crate::domain::model::Release;
use crate::domain::readiness::{Readiness, Status};

/// The text report of `relnotes check`, grouped by role.
pub fn check_text(project: &str, release: &Release, r: &Readiness) -> String {
    let mut s = String::new();
    let c = &r.counts;
    s.push_str(&format!(
        "{project} {} ({} stage{}): {}\n{} met, {} not met, {} pending, {} warning(s), {} not applicable\n",
        release.version,
        r.stage.as_str(),
        if r.strict { ", strict" } else { "" },
        if r.ready { "READY" } else { "NOT READY" },
        c.met,
        c.not_met,
        c.pending,
        c.warning,
        c.not_applicable
    ));
    for role in r.roles() {
        s.push_str(&format!("\n{role}\n"));
        for i in r.by_role(&role) {
            let mark = match (i.status, i.blocking) {
                (_, true) => "[NOT MET] ",
                (Status::Met, _) => "[met]     ",
                (Status::NotMet, _) => "[NOT MET] ",
                (Status::Pending, _) => "[pending] ",
                (Status::NotApplicable, _) => "[n/a]     ",
                (Status::Warning, _) => "[warning] ",
            };
            s.push_str(&format!("  {mark}{}: {}\n", i.title, i.reason));
            if let Some(h) = &i.hint {
                s.push_str(&format!("             hint: {h}\n"));
            }
        }
    }
    s
}

/// ANSI colours for the status marks of the text report.
pub fn colorize(text: &str) -> String {
    const RESET: &str = "\x1b[0m";
    let mut out = text.to_string();
    for (mark, colour) in [
        ("[NOT MET]", "\x1b[1;31m"),
        ("[met]", "\x1b[32m"),
        ("[pending]", "\x1b[33m"),
        ("[warning]", "\x1b[33m"),
        ("[n/a]", "\x1b[2m"),
        ("NOT READY", "\x1b[1;31m"),
    ] {
        out = out.replace(mark, &format!("{colour}{mark}{RESET}"));
    }
    out.replace(": READY", &format!(": \x1b[1;32mREADY{RESET}"))
}
