//! The behaviour every downloader must show, checked against its own binary, the built-in
//! server and misbehaving servers on free ports. In a downloader's `tests/`,
//! `flags_common::behaviour_tests!(env!("CARGO_BIN_EXE_flags-seq"));` makes one `#[test]` of
//! each check (`core_tests!` and `hardening_tests!` each half of them), and `flags_common::board_tests!(...)` one of each `--board` check.
//!
//! - `core.rs`: the core, that a student's downloader passes from its first working version:
//!   every code counted, `-m` requests in flight and never more;
//! - `behaviour.rs`: the book's behaviour beyond it, faults, Ctrl-C, files always whole;
//! - `environment.rs`: what the environment or a hostile server may do (every redirect form,
//!   a closed or full stderr, a full stdout, names with format characters, a bad `--trace` or a
//!   FIFO nobody reads, few descriptors or threads, SIGTERM and SIGHUP);
//! - `board.rs`: `--board` on a real pseudo-terminal;
//! - `hostile.rs`: raw misbehaving servers; `tools.rs`: runs of the downloader and what they left.
//!
//! Each check is a plain `pub fn name(bin: &str)`; the macros below only stamp out the
//! `#[test]` wrappers, and `every_check_is_stamped_out` (a test of this crate) fails when a
//! check is missing from them: a check cannot exist without running.
//!
//! Nothing here measures time: a run that does not end within `HANG` is killed and reported as
//! hung, which only catches a downloader that never ends.

mod behaviour;
mod board;
mod core;
mod environment;
mod hostile;
mod tools;

pub use behaviour::*;
pub use board::*;
pub use core::*;
pub use environment::*;
pub use hostile::{Hostile, Reply, cc_and_file};
pub use tools::*;

/// One `#[test]` per check named, each running `flags_common::testkit::<check>(bin)`.
#[macro_export]
macro_rules! stamp_tests {
    // First: an attribute before `$bin` would also parse as part of an expression.
    (#[$attr:meta] $bin:expr; $($check:ident),* $(,)?) => {
        $(
            #[test]
            #[$attr]
            fn $check() {
                $crate::testkit::$check($bin);
            }
        )*
    };
    ($bin:expr; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                $crate::testkit::$check($bin);
            }
        )*
    };
}

/// One `#[test]` per check of the core and of the hardening, for the downloader `bin`.
#[macro_export]
macro_rules! behaviour_tests {
    ($bin:expr) => {
        $crate::core_tests!($bin);
        $crate::hardening_tests!($bin);
    };
}

/// One `#[test]` per core check (`core.rs`) for the downloader `bin`; with `ignore` first,
/// each is ignored unless asked for (`cargo test -- --include-ignored`), for a crate shipped
/// unwritten.
#[macro_export]
macro_rules! core_tests {
    (ignore, $bin:expr) => {
        $crate::stamp_tests!(
            #[ignore = "write flags-yours first, then: cargo test -p flags-yours -- --include-ignored"]
            $bin;
            every_code_gives_194_flags_equal_to_the_servers,
            requests_in_flight_reach_m_and_never_pass_it,
        );
    };
    ($bin:expr) => {
        $crate::stamp_tests!(
            $bin;
            every_code_gives_194_flags_equal_to_the_servers,
            requests_in_flight_reach_m_and_never_pass_it,
        );
    };
}

/// One `#[test]` per hardening check (`behaviour.rs` and `environment.rs`) for the downloader
/// `bin`.
#[macro_export]
macro_rules! hardening_tests {
    ($bin:expr) => {
        $crate::stamp_tests!(
            $bin;
            error_profile_counts_add_up_and_only_ok_flags_are_saved,
            verbose_says_what_happened_to_each_code,
            metadata_names_files_by_country,
            a_server_that_goes_away_gives_errors_not_a_hang,
            ctrl_c_reports_what_finished_and_exits_130,
            ctrl_c_cuts_a_retry_pause_short,
            retries_turn_errors_into_downloads_and_are_reported,
            a_reset_connection_is_an_error,
            a_truncated_body_is_an_error_and_no_file,
            a_server_that_never_answers_times_out,
            a_body_that_trickles_times_out,
            chaos_counts_add_up_and_only_whole_flags_are_saved,
            killed_at_any_moment_leaves_only_whole_flags,
            an_unreachable_server_is_said_once,
            a_dest_that_cannot_be_written_fails_before_any_request,
            usage_errors_exit_2_with_one_error_line_and_the_usage,
            help_explains_the_servers_and_the_fallback,
            only_a_200_with_a_body_is_a_flag,
            a_body_over_max_size_stops_at_once_as_an_error,
            a_planted_symlink_is_never_written_through,
            cleanup_removes_only_leftovers_of_runs_that_are_over,
            two_runs_into_one_dest_both_end_whole,
            a_run_never_overwrites_a_flag_it_saved,
            a_closed_stdout_ends_the_run_quietly,
            a_trace_that_cannot_be_written_is_a_warning_and_exit_1,
            redirects_to_other_schemes_are_refused_whatever_their_case,
            a_redirect_chain_ends_within_one_timeout,
            a_relative_redirect_is_followed_and_saves_the_right_flag,
            a_redirect_with_an_endless_body_is_never_read,
            a_closed_or_full_stderr_never_stops_a_run,
            names_with_format_characters_show_what_they_are,
            a_bad_trace_makes_no_dest_and_a_run_that_never_starts_keeps_the_old_trace,
            a_low_open_files_limit_lowers_m_with_a_note,
            scarce_descriptors_are_refused_in_one_line_or_enough_for_every_code,
            scarce_threads_never_panic,
            a_full_stdout_is_an_error_said_once_and_the_run_goes_on,
            sigterm_and_sighup_stop_the_run_with_128_plus_the_signal,
            a_trace_fifo_without_a_reader_is_refused_at_once,
            the_built_in_server_is_said_in_one_short_line,
        );
    };
}

/// One `#[test]` per `--board` check (`board.rs`) for the downloader `bin`.
#[macro_export]
macro_rules! board_tests {
    ($bin:expr) => {
        $crate::stamp_tests!(
            $bin;
            board_final_frame_shows_the_counts,
            board_cells_change_state_during_a_run,
            board_ctrl_c_leaves_the_terminal_clean_and_exits_130,
            board_in_a_small_terminal_falls_back_to_the_bar,
            board_without_a_terminal_prints_what_it_always_did,
        );
    };
}

#[cfg(test)]
mod tests {
    /// Every `pub fn <check>(bin: &str)` of the check files is named in the macro that runs it
    /// (the core's twice: ignored and not).
    #[test]
    fn every_check_is_stamped_out() {
        let macros = include_str!("mod.rs");
        let from_core = macros.split("macro_rules! core_tests").nth(1).unwrap();
        let (core, rest) = from_core
            .split_once("macro_rules! hardening_tests")
            .unwrap();
        let (hardening, board) = rest.split_once("macro_rules! board_tests").unwrap();
        for (file, text, stamped, times) in [
            ("core.rs", include_str!("core.rs"), core, 2),
            ("behaviour.rs", include_str!("behaviour.rs"), hardening, 1),
            (
                "environment.rs",
                include_str!("environment.rs"),
                hardening,
                1,
            ),
            ("board.rs", include_str!("board.rs"), board, 1),
        ] {
            let checks = text
                .lines()
                .filter_map(|line| line.strip_prefix("pub fn "))
                .filter_map(|rest| rest.split_once("(bin: &str)"))
                .map(|(name, _)| name);
            for check in checks {
                let line = format!("            {check},\n");
                assert_eq!(
                    stamped.matches(&line).count(),
                    times,
                    "{file}: {check} is not run as it should be"
                );
            }
        }
    }
}
