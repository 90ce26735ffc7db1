//! `relnotes kb` (issue 4).
