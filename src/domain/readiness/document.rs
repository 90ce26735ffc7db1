//! The Release Readiness Checklist as a document for people: every item of
//! the effective checklist, by section, with who owns it, when it must be
//! met and how relnotes decides it. `relnotes checklist` prints it, the
//! knowledge base publishes it, and each release's readiness page links to
//! the one of its type.

use serde::Serialize;

use super::{rules::RULES, Section, Stage};
use crate::domain::checklist::{Answered, Checklist, ItemDef, TypeName};
use crate::domain::config::Config;

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The release type the document is for; `None`: every type, with
    /// each item's types noted.
    pub release_type: Option<&'static str>,
    /// The project's file that adapts the built-in checklist.
    pub customized_by: Option<String>,
    pub sections: Vec<DocSection>,
    /// What differs per release type (on the document for every type).
    pub profiles: Vec<DocProfile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocSection {
    pub title: String,
    pub items: Vec<DocItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocItem {
    pub id: String,
    pub title: String,
    pub role: String,
    /// `pre-release`, `post-deploy` or `incident`.
    pub stage: &'static str,
    /// How relnotes decides it.
    pub how: String,
    /// The computed rule that answers it, or
    pub rule: Option<String>,
    /// the check field of the release metadata.
    pub field: Option<String>,
    /// Only when the release has customer-facing changes.
    pub customer_facing: bool,
    /// The types it applies to, when not all.
    pub types: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocProfile {
    pub release_type: &'static str,
    pub signoffs: Vec<String>,
    /// The sign-offs without customer-facing changes, when fewer.
    pub internal_signoffs: Option<Vec<String>>,
    /// Items that do not apply to this type.
    pub dropped: Vec<String>,
}

/// The checklist for releases of type `only` (`None`: every type).
pub fn document(checklist: &Checklist, config: &Config, only: Option<TypeName>) -> Document {
    let mut sections: Vec<DocSection> = Vec::new();
    let items: Vec<&ItemDef> = match only {
        Some(t) => checklist.items_for(t).collect(),
        None => checklist.items.iter().collect(),
    };
    for def in items {
        let title = heading(def.section);
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(DocSection {
                title: title.clone(),
                items: Vec::new(),
            });
        }
        let section = sections.last_mut().expect("pushed above");
        section
            .items
            .extend(doc_items(checklist, config, only, def));
    }
    let profiles = match only {
        Some(_) => Vec::new(),
        None => TypeName::ALL
            .iter()
            .filter_map(|t| {
                let p = checklist.profiles.get(t)?;
                Some(DocProfile {
                    release_type: t.as_str(),
                    signoffs: names(checklist, &checklist.signoffs_for(*t, config)),
                    internal_signoffs: p.internal_signoffs.as_ref().map(|s| names(checklist, s)),
                    dropped: p.drop.clone(),
                })
            })
            .collect(),
    };
    Document {
        release_type: only.map(TypeName::as_str),
        customized_by: checklist.customized_by.clone(),
        sections,
        profiles,
    }
}

/// A section's heading: the guide's name for it, capitalized.
fn heading(s: Section) -> String {
    let name = s.as_str();
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn names(checklist: &Checklist, roles: &[String]) -> Vec<String> {
    roles.iter().map(|r| checklist.role_name(r)).collect()
}

/// The document's lines for one item: one per sign-off for the sign-off
/// rule, else one.
fn doc_items(
    checklist: &Checklist,
    config: &Config,
    only: Option<TypeName>,
    def: &ItemDef,
) -> Vec<DocItem> {
    let stage = match def.stage {
        Stage::PreRelease => "pre-release",
        Stage::PostDeploy => "post-deploy",
        Stage::Incident => "incident",
    };
    let item = |id: String, title: String, role: String, how: String, customer_facing| DocItem {
        id,
        title,
        role,
        stage,
        how,
        rule: def.rule.clone(),
        field: def.field.clone(),
        customer_facing,
        types: def.types.iter().map(|t| t.as_str()).collect(),
    };
    match def.answered() {
        Answered::Rule(r) if r == "signoffs" => {
            let t = only.unwrap_or(TypeName::Major);
            let all = checklist.signoffs_for(t, config);
            let internal = only.and_then(|t| checklist.profile(t).internal_signoffs);
            all.iter()
                .map(|role| {
                    let name = checklist.role_name(role);
                    let only_customer = internal.as_ref().is_some_and(|i| !i.contains(role));
                    item(
                        format!("signoff.{role}"),
                        def.title.replace("{role}", &name),
                        name,
                        format!("`signoffs.{role}` in the release metadata is approved, with who (`by`) and when (`at`)"),
                        def.customer_facing || only_customer,
                    )
                })
                .collect()
        }
        Answered::Rule(r) => {
            let how = RULES
                .iter()
                .find(|(n, ..)| *n == r)
                .map(|(_, _, d)| d.to_string())
                .unwrap_or_default();
            vec![item(
                def.id.clone(),
                def.title.clone(),
                checklist.role_name(&def.role),
                how,
                def.customer_facing,
            )]
        }
        Answered::Field(f) => {
            let how = match f.strip_prefix("checks.") {
                Some(own) => format!(
                    "`checks.{own}` in the release metadata is done (yes, a link or a note)"
                ),
                None => format!("`{f}` in the release metadata is done (yes, a link or a note)"),
            };
            vec![item(
                def.id.clone(),
                def.title.clone(),
                checklist.role_name(&def.role),
                how,
                def.customer_facing,
            )]
        }
    }
}
