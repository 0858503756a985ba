//! `--board` on a real pseudo-terminal, against the built-in server on a free port.
flags_common::board_tests!(env!("CARGO_BIN_EXE_flags-combinators"));
