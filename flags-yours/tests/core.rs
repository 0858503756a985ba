//! The core behaviour checks: every code counted, `-m` requests in flight and never more, as
//! the server sees them. Ignored until you have written `supervisor`; then run them with
//! `cargo test -p flags-yours -- --include-ignored` (and `cargo xtask check` for the rest).
flags_common::core_tests!(ignore, env!("CARGO_BIN_EXE_flags-yours"));
