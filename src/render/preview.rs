//! Rendering of the preview shell (`relnotes preview`): index, error banner,
//! readiness panel. Owned by issue 5.
