//! The Release Readiness Checklist as data. The built-in checklist
//! (`templates/checklist.yaml`) lists every item of the release guide: its
//! section, role, stage, the release types it applies to, and how it is
//! answered (a check field of the release metadata, or a named computed
//! rule). `.relnotes/checklist.yaml` adapts it. This module describes and
//! merges the two; the sources layer reads them, and the readiness
//! evaluation walks the result.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::input::ReleaseType;
use crate::domain::readiness::{Section, Stage};
use crate::domain::text::locate;
use crate::error::{nearest, Error, Result};

/// A checklist file: the built-in one, or the project's changes to it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ChecklistFile {
    /// Role id -> the name the reports show (`legal: Legal`).
    pub roles: BTreeMap<String, String>,
    /// Items, in report order. In the project's file: new items, appended
    /// to the built-in ones, or items that replace a built-in item of the
    /// same id where it stands.
    pub items: Vec<ItemDef>,
    /// Ids of built-in items the project does not use.
    pub drop: Vec<String>,
    /// Id -> a new title for a built-in item.
    pub rename: BTreeMap<String, String>,
    /// The sign-offs every release needs (default: `signoffs.required` of
    /// config.yaml).
    pub signoffs: Option<Vec<String>>,
    /// What changes for a release type.
    pub profiles: BTreeMap<TypeName, Profile>,
}

/// A release type, as profiles and items name it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TypeName {
    Major,
    Minor,
    Patch,
    Hotfix,
}

impl TypeName {
    pub const ALL: [TypeName; 4] = [
        TypeName::Major,
        TypeName::Minor,
        TypeName::Patch,
        TypeName::Hotfix,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TypeName::Major => "major",
            TypeName::Minor => "minor",
            TypeName::Patch => "patch",
            TypeName::Hotfix => "hotfix",
        }
    }

    pub fn of(t: ReleaseType) -> TypeName {
        match t {
            ReleaseType::Major => TypeName::Major,
            ReleaseType::Minor => TypeName::Minor,
            ReleaseType::Patch => TypeName::Patch,
            ReleaseType::Hotfix => TypeName::Hotfix,
        }
    }
}

/// One item of the checklist.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    /// Stable id (`requirements.ci`); reports and `drop` use it.
    pub id: String,
    pub section: Section,
    /// A role id (`qa`, `devops`, or one of `roles:`).
    pub role: String,
    pub title: String,
    /// When the item must be met.
    #[serde(default)]
    pub stage: Stage,
    /// The release types it applies to (default: all).
    #[serde(default)]
    pub types: Vec<TypeName>,
    /// Applies only to releases with customer-facing changes.
    #[serde(default)]
    pub customer_facing: bool,
    /// A check field of the release metadata (`requirements.ci`), or one of
    /// the project's own checks (`checks.legal_review`).
    #[serde(default)]
    pub field: Option<String>,
    /// A computed rule of relnotes (`relnotes checklist` lists them).
    #[serde(default)]
    pub rule: Option<String>,
    /// For a field: how it is filled in, shown in the hint.
    #[serde(default)]
    pub example: Option<String>,
}

/// What changes for one release type.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    /// The sign-offs this type needs (default: those of every release).
    pub signoffs: Option<Vec<String>>,
    /// The sign-offs it needs when it has no customer-facing changes
    /// (default: the same as `signoffs`).
    pub internal_signoffs: Option<Vec<String>>,
    /// Items that do not apply to this type (reported as not applicable).
    pub drop: Vec<String>,
}

/// How an item is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    /// A check field of the release metadata.
    Field(String),
    /// A computed rule.
    Rule(String),
}

impl ItemDef {
    pub fn answered(&self) -> Answered {
        match (&self.field, &self.rule) {
            (Some(f), _) => Answered::Field(f.clone()),
            (None, Some(r)) => Answered::Rule(r.clone()),
            // Refused when the checklist is read.
            (None, None) => Answered::Rule(String::new()),
        }
    }

    /// Whether the item applies to releases of type `t`.
    pub fn applies_to(&self, t: TypeName) -> bool {
        self.types.is_empty() || self.types.contains(&t)
    }
}

/// The effective checklist of a project: the built-in one with the
/// project's changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    pub roles: BTreeMap<String, String>,
    pub items: Vec<ItemDef>,
    /// `None`: config.yaml's `signoffs.required`.
    pub signoffs: Option<Vec<String>>,
    pub profiles: BTreeMap<TypeName, Profile>,
    /// The project's file, when there is one (relative path, for reports).
    pub customized_by: Option<String>,
}

/// Where a checklist file came from, for error messages.
pub struct Origin<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

/// What the evaluation knows how to answer: the computed rules and the
/// metadata's check fields. Given by the readiness module.
pub struct Known<'a> {
    pub rules: &'a [&'a str],
    pub fields: &'a [&'a str],
}

impl Checklist {
    /// The built-in checklist, checked against what the evaluation knows.
    pub fn builtin(file: ChecklistFile, origin: &Origin<'_>, known: &Known<'_>) -> Result<Self> {
        let list = Checklist {
            roles: file.roles,
            items: file.items,
            signoffs: file.signoffs,
            profiles: file.profiles,
            customized_by: None,
        };
        list.validate(origin, known)?;
        Ok(list)
    }

    /// This checklist with the project's changes applied.
    pub fn customize(
        mut self,
        file: ChecklistFile,
        origin: &Origin<'_>,
        known: &Known<'_>,
        shown_as: String,
    ) -> Result<Self> {
        self.check_references(&file, origin)?;
        self.items.retain(|i| !file.drop.contains(&i.id));
        for item in &mut self.items {
            if let Some(t) = file.rename.get(&item.id) {
                item.title = t.clone();
            }
        }
        for item in file.items {
            match self.items.iter_mut().find(|i| i.id == item.id) {
                Some(slot) => *slot = item,
                None => self.items.push(item),
            }
        }
        self.roles.extend(file.roles);
        if file.signoffs.is_some() {
            self.signoffs = file.signoffs;
        }
        for (t, p) in file.profiles {
            let mine = self.profiles.entry(t).or_default();
            if p.signoffs.is_some() {
                mine.signoffs = p.signoffs;
            }
            if p.internal_signoffs.is_some() {
                mine.internal_signoffs = p.internal_signoffs;
            }
            mine.drop.extend(p.drop);
        }
        self.customized_by = Some(shown_as);
        self.validate(origin, known)?;
        Ok(self)
    }

    /// The project's file names only items that exist, and each of its own
    /// items once.
    fn check_references(&self, file: &ChecklistFile, origin: &Origin<'_>) -> Result<()> {
        let at = |needle: &str, after: &str| {
            let from = locate(origin.text, after, 1).0;
            locate(origin.text, needle, from)
        };
        let ids: Vec<String> = self.items.iter().map(|i| i.id.clone()).collect();
        let unknown_id = |id: &str, key: &str| {
            Error::at(
                origin.path,
                at(id, &format!("{key}:")),
                format!("{key}: there is no checklist item `{id}`"),
                match nearest(id, ids.iter().map(String::as_str)) {
                    Some(n) => format!(
                        "did you mean `{n}`? `relnotes checklist --format json` lists every id"
                    ),
                    None => "`relnotes checklist --format json` lists every id".to_string(),
                },
            )
        };
        let mut own = std::collections::BTreeSet::new();
        for item in &file.items {
            if !own.insert(item.id.as_str()) {
                let first = locate(origin.text, &item.id, 1).0;
                return Err(Error::at(
                    origin.path,
                    locate(origin.text, &item.id, first + 1),
                    format!("the checklist item `{}` is listed twice", item.id),
                    "give each item its own id",
                ));
            }
        }
        for id in &file.drop {
            if !ids.contains(id) {
                return Err(unknown_id(id, "drop"));
            }
        }
        for id in file.rename.keys() {
            if !ids.contains(id) {
                return Err(unknown_id(id, "rename"));
            }
        }
        for p in file.profiles.values() {
            for id in &p.drop {
                if !ids.contains(id) && !file.items.iter().any(|i| &i.id == id) {
                    return Err(unknown_id(id, "drop"));
                }
            }
        }
        Ok(())
    }

    /// Every item answered by exactly one known field or rule, ids unique
    /// and usable, roles named.
    fn validate(&self, origin: &Origin<'_>, known: &Known<'_>) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        for item in &self.items {
            // Where the item is, found only for an error: valid lists
            // (every run reads the built-in one) are not searched.
            let err = |message: String, hint: String| {
                let at = locate(origin.text, &format!("id: {}", item.id), 1);
                let at = if at == (1, 1) {
                    locate(origin.text, &item.id, 1)
                } else {
                    at
                };
                Error::at(origin.path, at, message, hint)
            };
            if let Some(problem) = crate::domain::text::id_problem(&item.id.replace('.', "-")) {
                return Err(err(
                    format!("checklist item id `{}` {problem}", item.id),
                    "use letters, digits, `-`, `_` and `.`, for example `legal.review`".into(),
                ));
            }
            if !seen.insert(item.id.as_str()) {
                return Err(err(
                    format!("the checklist item `{}` is listed twice", item.id),
                    "give each item its own id".into(),
                ));
            }
            match (&item.field, &item.rule) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(err(
                        format!(
                            "checklist item `{}` needs exactly one of `field` and `rule`",
                            item.id
                        ),
                        "answer it with a check field (`field: checks.legal_review`) or a rule of relnotes".into(),
                    ))
                }
                (Some(f), None) => {
                    let custom = f
                        .strip_prefix("checks.")
                        .is_some_and(|k| crate::domain::text::id_problem(k).is_none());
                    if !custom && !known.fields.contains(&f.as_str()) {
                        return Err(err(
                            format!("checklist item `{}`: `{f}` is not a check field of the release metadata", item.id),
                            format!(
                                "use `checks.<name>` for a check of your own (written under `checks:` in the release metadata){}",
                                match nearest(f, known.fields.iter().copied()) {
                                    Some(n) => format!(", or did you mean `{n}`?"),
                                    None => String::new(),
                                }
                            ),
                        ));
                    }
                }
                (None, Some(r)) => {
                    if !known.rules.contains(&r.as_str()) {
                        return Err(err(
                            format!("checklist item `{}`: relnotes has no rule `{r}`", item.id),
                            match nearest(r, known.rules.iter().copied())
                                .filter(|n| strsim::jaro_winkler(r, n) >= 0.85)
                            {
                                Some(n) => format!("did you mean `{n}`? `relnotes checklist --format json` shows each item's rule"),
                                None => "name one of relnotes' rules (`relnotes checklist` says what each checks), or answer the item with a check of your own: `field: checks.<name>`".into(),
                            },
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The name reports show for a role id.
    pub fn role_name(&self, id: &str) -> String {
        match self.roles.get(id) {
            Some(name) => name.clone(),
            None => crate::domain::readiness::role_name(id),
        }
    }

    /// The sign-offs a release of type `t` needs when it is customer-facing:
    /// its profile's, else the checklist's, else config.yaml's.
    pub fn signoffs_for(&self, t: TypeName, config: &crate::domain::config::Config) -> Vec<String> {
        self.profile(t)
            .signoffs
            .or_else(|| self.signoffs.clone())
            .unwrap_or_else(|| config.signoffs.required.clone())
    }

    /// The profile of a release type (empty when it has none).
    pub fn profile(&self, t: TypeName) -> Profile {
        self.profiles.get(&t).cloned().unwrap_or_default()
    }

    /// The items that apply to a release of type `t`, in report order.
    pub fn items_for(&self, t: TypeName) -> impl Iterator<Item = &ItemDef> {
        let profile = self.profile(t);
        self.items
            .iter()
            .filter(move |i| i.applies_to(t) && !profile.drop.contains(&i.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: Known<'static> = Known {
        rules: &["signoffs", "notes_drafted"],
        fields: &["requirements.ci"],
    };

    fn parse(text: &str) -> ChecklistFile {
        serde_yaml::from_str(text).unwrap()
    }

    fn base() -> Checklist {
        let text = "items:\n  - { id: requirements.ci, section: pre-release, role: qa, title: CI passed, field: requirements.ci }\n  - { id: notes.drafted, section: pre-release, role: release, title: Notes, rule: notes_drafted }\n";
        Checklist::builtin(
            parse(text),
            &Origin {
                path: Path::new("builtin.yaml"),
                text,
            },
            &KNOWN,
        )
        .unwrap()
    }

    fn customize(text: &str) -> Result<Checklist> {
        base().customize(
            parse(text),
            &Origin {
                path: Path::new(".relnotes/checklist.yaml"),
                text,
            },
            &KNOWN,
            ".relnotes/checklist.yaml".into(),
        )
    }

    #[test]
    fn a_project_adds_drops_renames_and_replaces_items() {
        let list = customize("roles: { legal: Legal }\nitems:\n  - { id: legal.review, section: pre-release, role: legal, title: Legal review, field: checks.legal_review }\n  - { id: notes.drafted, section: content, role: release, title: Notes written, rule: notes_drafted }\nrename: { requirements.ci: CI is green }\n").unwrap();
        let ids: Vec<&str> = list.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["requirements.ci", "notes.drafted", "legal.review"]);
        assert_eq!(list.items[0].title, "CI is green");
        assert_eq!(list.items[1].section, Section::Content);
        assert_eq!(list.role_name("legal"), "Legal");
        assert_eq!(list.role_name("qa"), "QA");
        let list = customize("drop: [requirements.ci]\n").unwrap();
        assert_eq!(list.items.len(), 1);
    }

    #[test]
    fn profiles_drop_items_for_one_type_only() {
        let list = customize("profiles:\n  patch: { drop: [notes.drafted] }\n").unwrap();
        assert_eq!(list.items_for(TypeName::Patch).count(), 1);
        assert_eq!(list.items_for(TypeName::Major).count(), 2);
    }

    #[test]
    fn unknown_ids_rules_and_fields_are_located_errors() {
        let e = customize("drop:\n  - requirements.cj\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("requirements.ci"), "{e}");
        let e = customize(
            "items:\n  - { id: x.y, section: content, role: qa, title: X, rule: notes_drafed }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(":2:") && e.contains("notes_drafted"), "{e}");
        let e = customize("items:\n  - { id: x.y, section: content, role: qa, title: X, field: requirements.cj }\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("checks.<name>") && e.contains("requirements.ci"),
            "{e}"
        );
        let e = customize("items:\n  - { id: x.y, section: content, role: qa, title: X }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("exactly one of"), "{e}");
        let e = customize("items:\n  - { id: x.y, section: content, role: qa, title: X, rule: notes_drafted }\n  - { id: x.y, section: content, role: qa, title: Y, rule: notes_drafted }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("listed twice"), "{e}");
    }
}
