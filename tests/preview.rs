//! `relnotes preview` (issue 5).
