//! Every file of one release's output, as (path, content): the pages of
//! each audience in each format, the Release Readiness Checklist of its
//! type and `release.json`. `build` writes them and `preview` serves them,
//! so both always show the same thing.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{pages, PageSpec, ReleaseCache, Renderer, Work};
use crate::domain::checklist::{Checklist, TypeName};
use crate::domain::config::{Config, Format};
use crate::domain::model::{Project, Release};
use crate::domain::readiness::document;
use crate::error::{Error, Result};

/// The checklist document of each release type in each format, rendered
/// once per run: every release links to the one of its type.
pub struct ChecklistPages(BTreeMap<(TypeName, Format), String>);

impl ChecklistPages {
    pub fn new(
        renderer: &Renderer,
        project: &Project,
        config: &Config,
        checklist: &Checklist,
        formats: &[Format],
    ) -> Result<Self> {
        let mut out = BTreeMap::new();
        for t in TypeName::ALL {
            let doc = document(checklist, config, Some(t));
            for &f in formats {
                out.insert((t, f), renderer.render_checklist(&project.name, &doc, f)?);
            }
        }
        Ok(ChecklistPages(out))
    }

    fn get(&self, t: TypeName, f: Format) -> Option<&String> {
        self.0.get(&(t, f))
    }
}

/// `X/release.json` and `relnotes context`: the model of one release.
#[derive(Serialize)]
pub struct ReleaseJson<'a> {
    pub project: &'a Project,
    pub release: &'a Release,
}

/// Rendered files, as (path below the output directory, content).
pub type Files = Vec<(String, String)>;

/// Every file `build` writes for one release, as (path below the output
/// directory, content), in a fixed order.
pub fn render_release(
    renderer: &Renderer,
    project: &Project,
    config: &Config,
    release: &Release,
    checklists: &ChecklistPages,
    formats: &[Format],
) -> Result<Vec<(String, String)>> {
    render_release_with(
        renderer,
        project,
        config,
        release,
        checklists,
        formats,
        &[],
        false,
    )
    .map(|(files, _)| files)
}

/// [`render_release`], and besides its files the pages of `also` (each in
/// its format), rendered from the same template values: the announcement
/// e-mails of a tag-time build need both formats of a few pages, whatever
/// formats the build writes. Returns (files, `also` as (path, content)).
/// With `parallel`, the template values, the pages and `release.json` are
/// made on every core: at tag time the one release being built is all the
/// work there is. (When many releases are built at once, each stays on one
/// thread, its values in one core's cache.)
#[allow(clippy::too_many_arguments)]
pub fn render_release_with(
    renderer: &Renderer,
    project: &Project,
    config: &Config,
    release: &Release,
    checklists: &ChecklistPages,
    formats: &[Format],
    also: &[(PageSpec, Format)],
    parallel: bool,
) -> Result<(Files, Files)> {
    // One cache serves every format: Markdown templates read only the `md`
    // side of each text, so the HTML made for the HTML pages does no harm.
    let richest = if formats
        .iter()
        .chain(also.iter().map(|(_, f)| f))
        .any(|f| *f == Format::Html)
    {
        Format::Html
    } else {
        Format::Md
    };
    let cache = if parallel {
        ReleaseCache::new_parallel(config, release, richest)
    } else {
        ReleaseCache::new(config, release, richest)
    };
    crate::trace::release_phase(&release.version, "template values built");
    let specs = pages(config, release);
    let wanted: Vec<(&PageSpec, Format)> = formats
        .iter()
        .flat_map(|&format| {
            specs
                .iter()
                .filter(move |spec| spec.template(format).is_some())
                .map(move |spec| (spec, format))
        })
        .chain(also.iter().map(|(spec, format)| (spec, *format)))
        .collect();
    let path = |spec: &PageSpec, format: Format| {
        format!("{}/{}.{}", release.version, spec.path, format.ext())
    };
    let work = Work(parallel);
    let (rendered, json) = work.join(
        || {
            work.map(&wanted, |&(spec, format)| {
                let text = renderer.render(project, config, release, &cache, spec, format)?;
                Ok((path(spec, format), text))
            })
            .into_iter()
            .collect::<Result<Vec<_>>>()
        },
        || release_json(project, release),
    );
    let mut out = rendered?;
    let extra = out.split_off(out.len() - also.len());
    if let Some(t) = release.readiness.release_type {
        for &format in formats {
            if let Some(text) = checklists.get(t, format) {
                out.push((
                    format!("{}/checklist.{}", release.version, format.ext()),
                    text.clone(),
                ));
            }
        }
    }
    out.push((format!("{}/release.json", release.version), json?));
    Ok((out, extra))
}

/// `release.json`: the model of one release, pretty-printed, with a final
/// newline.
pub fn release_json(project: &Project, release: &Release) -> Result<String> {
    let mut json = Vec::with_capacity(256 * 1024);
    let mut out = serde_json::Serializer::with_formatter(&mut json, Indented::default());
    ReleaseJson { project, release }
        .serialize(&mut out)
        .map_err(|e| Error::json("the release model", e))?;
    json.push(b'\n');
    String::from_utf8(json).map_err(|e| Error::json("the release model", e))
}

/// serde_json's pretty layout (two spaces a level), each line break and
/// its indentation written at once: `release.json` runs to hundreds of
/// megabytes over a long history, and serde_json's own pretty printer
/// writes the indentation two spaces at a time. A test holds the two equal.
#[derive(Default)]
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    /// A line break and the indentation of the current depth.
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        const LINE: &[u8] = b"\n                                                                ";
        let mut spaces = 2 * self.depth;
        let first = spaces.min(LINE.len() - 1);
        w.write_all(&LINE[..1 + first])?;
        spaces -= first;
        while spaces > 0 {
            let n = spaces.min(LINE.len() - 1);
            w.write_all(&LINE[1..1 + n])?;
            spaces -= n;
        }
        Ok(())
    }
}

impl Indented {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// `]` or `}`, on a line of its own unless the container is empty.
    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    /// An element or a key starts a line, after a comma unless it is first.
    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    #[test]
    fn the_layout_is_serde_jsons_pretty_one() {
        let deep = (0..40).fold(
            serde_json::json!("leaf"),
            |v, k| serde_json::json!({ "level": k, "list": [v, [], {}, [1, [2, {"a": null}]]] }),
        );
        let samples = [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"a": [], "b": {}, "c": [1, 2, {"d": "e\n\"f\""}], "g": {"h": [[]]}}),
            deep,
        ];
        for v in samples {
            let mut ours = Vec::new();
            v.serialize(&mut serde_json::Serializer::with_formatter(
                &mut ours,
                super::Indented::default(),
            ))
            .unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
    }
}
