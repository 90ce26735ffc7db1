//! `relnotes feed`: Atom feeds of the customer release notes, for all
//! customers and for each segment, into `<output dir>/feeds/`.

use std::path::PathBuf;

use super::cli::FeedArgs;
use super::Global;
use crate::domain::input::Audience;
use crate::engine::staging::{Mode, Staging};
use crate::engine::Target;
use crate::error::{Error, Result};
use crate::render::feed::{customer_feed, FeedSite};
use crate::Outcome;

pub fn run(g: &Global, args: FeedArgs) -> Result<Outcome> {
    if let Some(u) = &args.url {
        if crate::render::markdown::safe_url(u).is_none_or(|s| !s.starts_with("http")) {
            return Err(Error::usage(
                format!("--url `{u}` is not a web address"),
                "give where the pages are published, for example --url https://example.com/releases",
            ));
        }
    }
    let sources = super::load(g, Some(&Target::All))?;
    if !sources.config.writes_for(Audience::Customer) {
        return Err(sources
            .config
            .not_written_for(Audience::Customer, "customer feed"));
    }
    let out: PathBuf = match args.out {
        Some(o) => o,
        None => sources.root.join(&sources.config.output.dir).join("feeds"),
    };
    let assembled = sources.assemble(&Target::All)?;
    for r in &assembled.releases {
        g.warn(super::release_word(r), &r.version, &r.warnings);
    }
    let staging = Staging::new(&out, Mode::Replace, &sources.protected())?;
    let mut names = vec![("customer.xml".to_string(), None)];
    for id in sources.config.segments.keys() {
        names.push((
            format!("customer-{}.xml", crate::domain::text::slug(id)),
            Some(id.as_str()),
        ));
    }
    // The feeds' path below the output folder decides relative links.
    let folder = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "feeds".into());
    for (name, segment) in &names {
        let path = format!("{folder}/{name}");
        let site = FeedSite {
            base_url: args.url.as_deref(),
            path: &path,
        };
        let text = customer_feed(
            &assembled.project,
            &sources.config,
            &assembled.releases,
            *segment,
            &site,
        )?;
        staging.write(name, text.as_bytes())?;
    }
    staging.commit()?;
    g.say(format!(
        "wrote {} Atom feed(s) to {}",
        names.len(),
        out.display()
    ));
    Ok(Outcome::Success)
}
