//! Product releases of a monorepo: a file at the top of `.relnotes/releases/`
//! (`2026.04.yaml`) whose `packages` name the package versions it bundles.
//! Each package's release is assembled as `--package` would; the product is
//! ready when every one of them is.

use std::path::Path;

use super::{shown_root, Sources, Target};
use crate::domain::package::{Part, Product};
use crate::domain::readiness::Stage;
use crate::error::{Error, Result};
use crate::sources::files::Guard;
use crate::sources::git::Repo;

/// Every product release of the repository at (or above) `path`, in file
/// name order (none when it is not a monorepo).
pub fn products(path: &Path) -> Result<Vec<Product>> {
    products_at(path, Stage::PreRelease, false)
}

/// [`products`] with the package releases' readiness evaluated at `stage`
/// (and `strict`: warnings block), for `relnotes check --product`.
pub fn products_at(path: &Path, stage: Stage, strict: bool) -> Result<Vec<Product>> {
    let repo = Repo::open(path)?;
    let workdir = repo.workdir();
    let dir = shown_root(&workdir).join(".relnotes");
    let guard = Guard::new(&workdir, Default::default());
    let config = crate::sources::files::load_config(&guard, &dir)?;
    if config.packages.is_empty() {
        return Ok(Vec::new());
    }
    let guard = guard.with_limits(config.limits.clone());
    let project = config.project_name(&workdir);
    let mut out = Vec::new();
    for (version, file) in crate::sources::files::load_products(&guard, &dir)? {
        let mut parts = Vec::new();
        for (id, v) in &file.meta.packages {
            let Some(p) = config.packages.iter().find(|p| &p.id == id) else {
                let at = crate::domain::text::locate(&file.text, id, 1);
                return Err(Error::at(
                    &file.path,
                    at,
                    format!("packages: no package `{id}` in .relnotes/config.yaml"),
                    format!("name one of: {}", config.package_ids()),
                ));
            };
            let tag = Target::Tag(p.tag.replace("{version}", v));
            let sources =
                Sources::load_package(path, Some(&tag), Some(id))?.with_readiness(stage, strict);
            let mut assembled = sources.assemble(&tag)?;
            if assembled.releases.is_empty() {
                continue;
            }
            parts.push(Part {
                package: id.clone(),
                project: assembled.project,
                config: sources.config.clone(),
                release: assembled.releases.remove(0),
            });
        }
        out.push(Product {
            version,
            path: file.path.to_string_lossy().replace('\\', "/"),
            meta: file.meta,
            project: project.clone(),
            parts,
        });
    }
    Ok(out)
}
