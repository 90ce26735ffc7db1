//! Fingerprints for incremental builds: a hash of everything a tagged
//! release's model depends on, computed from the tags and the input files
//! alone, so an up-to-date release is skipped before any history is read.
//! Inputs are hashed as parsed values written as JSON (a comment or a
//! reformatted file changes nothing), never as `Debug` text.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::{ReleaseTag, Sources};
use crate::error::{Error, Result};

/// Hashes `value` as compact JSON. The model's types always serialize.
fn hash_json(value: &impl serde::Serialize, h: &mut DefaultHasher) {
    match serde_json::to_vec(value) {
        Ok(bytes) => bytes.hash(h),
        Err(e) => e.to_string().hash(h),
    }
}

impl Sources {
    /// A hash of everything the assembled model of tagged release `i`
    /// depends on besides `salt`: the tag and what it points to, the
    /// previous tag and the previous stable one (which fix the commits and
    /// the rollback target), the release's metadata and change files, the
    /// known issues, the configuration and where paths are shown from.
    /// Reads two tags and their commits; no history.
    pub fn fingerprint(&self, i: usize, salt: u64) -> Result<u64> {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        self.shared_fingerprint().hash(&mut h);
        let tag = &self.tags[i];
        let version = tag.version.to_string();
        let peeled = |t: &ReleaseTag, h: &mut DefaultHasher| {
            let p = self.peel(t)?;
            (
                &t.name,
                &t.target.target,
                &p.commit,
                p.time,
                p.offset_minutes,
            )
                .hash(h);
            Ok::<_, Error>(())
        };
        peeled(tag, &mut h)?;
        let previous = self.previous_of(i);
        match previous.map(|p| &self.tags[p]) {
            Some(prev) => peeled(prev, &mut h)?,
            None => "first".hash(&mut h),
        }
        let prev_stable = self.previous_stable(i);
        prev_stable.map(|t| &t.name).hash(&mut h);
        let meta = self.inputs.releases.get(&version);
        match meta {
            Some(m) => {
                m.path.hash(&mut h);
                hash_json(&m.meta, &mut h);
            }
            None => "no metadata".hash(&mut h),
        }
        let folders = &self.tags[previous.map_or(0, |p| p + 1)..=i];
        for c in folders
            .iter()
            .filter_map(|t| self.inputs.changes.get(&t.version.to_string()))
            .flatten()
        {
            (&c.id, &c.path, &c.body).hash(&mut h);
            hash_json(&c.front, &mut h);
        }
        // The rollback target counts as met only if it is a release tag.
        let last_known_good = meta
            .and_then(|m| m.meta.rollback.last_known_good.clone())
            .or_else(|| prev_stable.map(|t| t.version.to_string()));
        // (A version that does not parse matches no tag, as in readiness.)
        let tagged = last_known_good.map(|v| {
            let v = v.trim_start_matches(self.config.tags.prefix.as_str());
            semver::Version::parse(v).is_ok_and(|v| self.tags.iter().any(|t| t.version == v))
        });
        tagged.hash(&mut h);
        (self.stage.as_str(), self.strict).hash(&mut h);
        Ok(h.finish())
    }

    /// The part of every fingerprint that all releases share.
    fn shared_fingerprint(&self) -> u64 {
        *self.shared_print.get_or_init(|| {
            let mut h = DefaultHasher::new();
            hash_json(&self.config, &mut h);
            // The checklist decides the readiness every page shows.
            format!("{:?}", self.checklist).hash(&mut h);
            for k in &self.inputs.known_issues {
                (&k.path, &k.body).hash(&mut h);
                hash_json(&k.front, &mut h);
            }
            hash_json(&self.project(), &mut h);
            self.root.hash(&mut h);
            h.finish()
        })
    }
}
