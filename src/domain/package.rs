//! Which commits belong to a package of a monorepo. A commit belongs to the
//! packages whose files it changes, compared with its first parent (a
//! merge, too, belongs to the packages whose files it brings in); a
//! Conventional Commit scope that names a package overrides the paths: the
//! commit belongs to that package alone.

use crate::domain::config::{Config, Package};
use crate::domain::input::ReleaseMeta;
use crate::domain::model::{Project, Release};
use crate::error::{Error, Result};

/// One package's rule, ready to apply.
#[derive(Debug, Clone)]
pub struct PackageFilter {
    pub id: String,
    /// The folder the package lives in (its first path up to any glob
    /// character), where its CHANGELOG.md goes.
    pub folder: Option<String>,
    globs: globset::GlobSet,
    /// The other packages' ids: a scope naming one takes the commit away.
    others: Vec<String>,
}

impl PackageFilter {
    pub fn new(package: &Package, all: &[Package]) -> Result<Self> {
        let mut b = globset::GlobSetBuilder::new();
        for g in &package.paths {
            let glob = globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .map_err(|e| {
                    Error::usage(
                        format!(
                            "package `{}`: `{g}` is not a glob: {}",
                            package.id,
                            e.kind()
                        ),
                        "fix `paths` in .relnotes/config.yaml",
                    )
                })?;
            b.add(glob);
            // `services/api` names the folder: everything below it too.
            if !g.contains(['*', '?', '[', '{']) {
                let below = format!("{}/**", g.trim_end_matches('/'));
                if let Ok(glob) = globset::Glob::new(&below) {
                    b.add(glob);
                }
            }
        }
        let globs = b.build().map_err(|e| {
            Error::usage(
                format!("package `{}`: {e}", package.id),
                "fix `paths` in .relnotes/config.yaml",
            )
        })?;
        let folder = package.paths.first().and_then(|g| {
            let parts: Vec<&str> = g
                .split('/')
                .take_while(|part| !part.contains(['*', '?', '[', '{']))
                .filter(|part| !part.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join("/"))
        });
        Ok(PackageFilter {
            id: package.id.clone(),
            folder,
            globs,
            others: all
                .iter()
                .filter(|p| p.id != package.id)
                .map(|p| p.id.clone())
                .collect(),
        })
    }

    /// Whether a commit with this Conventional Commit `scope` that changes
    /// `paths` belongs to the package.
    pub fn owns(&self, scope: Option<&str>, paths: &[String]) -> bool {
        match scope {
            Some(s) if s == self.id => true,
            Some(s) if self.others.iter().any(|o| o == s) => false,
            _ => paths.iter().any(|p| self.globs.is_match(p)),
        }
    }
}

/// One product release and the package releases it bundles.
pub struct Product {
    /// The file name without `.yaml` (`2026.04`).
    pub version: String,
    pub meta: ReleaseMeta,
    /// The metadata file, as paths are shown.
    pub path: String,
    pub project: String,
    pub parts: Vec<Part>,
}

/// A package release in a product.
pub struct Part {
    pub package: String,
    pub project: Project,
    pub config: Config,
    pub release: Release,
}

impl Product {
    /// Every package release is ready.
    pub fn ready(&self) -> bool {
        self.parts.iter().all(|p| p.release.readiness.ready)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(id: &str, paths: &[&str]) -> Package {
        Package {
            id: id.into(),
            name: None,
            paths: paths.iter().map(|p| p.to_string()).collect(),
            tag: format!("{id}-{{version}}"),
            audiences: None,
            segments: None,
        }
    }

    #[test]
    fn paths_decide_and_a_package_scope_overrides_them() {
        let all = [
            package("api", &["services/api"]),
            package("web", &["apps/web/**", "shared/*.css"]),
        ];
        let api = PackageFilter::new(&all[0], &all).unwrap();
        let web = PackageFilter::new(&all[1], &all).unwrap();
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(api.owns(None, &p(&["services/api/src/main.rs"])));
        assert!(!api.owns(None, &p(&["services/apis/x.rs"])));
        assert!(web.owns(Some("ui"), &p(&["apps/web/index.ts"])));
        assert!(web.owns(None, &p(&["shared/site.css"])));
        assert!(
            !web.owns(None, &p(&["shared/deep/site.css"])),
            "* stays in its folder"
        );
        // A commit touching both belongs to both...
        let both = p(&["services/api/a.rs", "apps/web/b.ts"]);
        assert!(api.owns(None, &both) && web.owns(None, &both));
        // ...unless its scope names one of them.
        assert!(api.owns(Some("api"), &both) && !web.owns(Some("api"), &both));
        assert!(web.owns(Some("web"), &p(&["README.md"])));
        assert!(!api.owns(None, &p(&["README.md"])));
        assert_eq!(api.folder.as_deref(), Some("services/api"));
        assert_eq!(web.folder.as_deref(), Some("apps/web"));
    }
}
