//! The behaviour every downloader shows, against the built-in server on a free port.
flags_common::behaviour_tests!(env!("CARGO_BIN_EXE_flags-combinators"));
