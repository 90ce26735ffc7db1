//! Rendering of the knowledge-base site (`relnotes kb`): its own templates,
//! fed from the release model. Owned by issue 4.
