//! `flags-server`: the book's test servers in one binary.
//!
//! Prints the base URL on its first line (or, with `--ready json`, `flags_server::Ready` as
//! JSON), then serves until Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use flags_server::{
    Config, Fault, FaultRates, Profile, parse_delay, parse_error_rate, parse_faults, parse_timeout,
    stderr_line, stderr_line_after_ctrl_c,
};

/// What the first line of stdout says once the server listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ReadyLine {
    /// The base URL: `http://127.0.0.1:PORT/flags`.
    Url,
    /// `flags_server::Ready` as JSON: base_url, addr, profile, max_connections.
    Json,
}

/// The help's list of faults, from `Fault::ALL`.
fn faults_help() -> String {
    let mut help = String::from(
        "Faults (--faults NAME=P,...; each P from 0 to 1, adding up to at most 1; unnamed ones are 0):\n",
    );
    for fault in Fault::ALL {
        help += &format!("  {:<10}{}\n", fault.name(), fault.description());
    }
    help + "They apply to GETs under /flags/, after the delay (stall: instead of it); rate 1 means every one.
Example: flags-server --faults reset=0.05,truncate=0.05,stall=0.02,slow=0.1"
}

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Serves flag GIFs and metadata like the Fluent Python test servers",
    after_help = faults_help()
)]
struct Args {
    /// Which server to imitate: its delays, errors, faults and port (any case)
    #[arg(long, value_enum, ignore_case = true, default_value = "local")]
    profile: Profile,
    /// Port to listen on; 0 picks a free one [default: 8000, 8001, 8002 or 8003 by profile]
    #[arg(long)]
    port: Option<u16>,
    /// Address to listen on; anything but loopback must be asked for here
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Serve this directory (the book's flags.zip unpacked: DIR/br/br.gif ...) instead of the built-in flags
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Delay of each GET in seconds: MIN or MIN..MAX, e.g. 0.5..5 [default: by profile]
    #[arg(long, value_name = "MIN[..MAX]", value_parser = parse_delay)]
    delay: Option<(Duration, Duration)>,
    /// Share of GETs answered 418, from 0 to 1 [default: 0.25 for error, else 0]
    #[arg(long, value_name = "P", value_parser = parse_error_rate)]
    error_rate: Option<f64>,
    /// Faults, e.g. reset=0.05,truncate=0.05,stall=0.02,slow=0.1 (see below) [default: by profile]
    #[arg(long, value_name = "NAME=P,...", value_parser = parse_faults)]
    faults: Option<FaultRates>,
    /// Seed for delays, errors and faults: the same seed gives the same sequence in request order
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Connections open at once; more are accepted and closed at once
    #[arg(long, value_name = "N", default_value_t = flags_server::DEFAULT_MAX_CONNECTIONS,
          value_parser = parse_max_connections)]
    max_connections: usize,
    /// Seconds a client may take to send its request headers (0.001 to 3600)
    #[arg(long, value_name = "SECS", default_value = "10",
          value_parser = |s: &str| parse_timeout("header timeout", s))]
    header_timeout: Duration,
    /// Seconds a client may read nothing of its answers before it is disconnected (0.001 to 3600)
    #[arg(long, value_name = "SECS", default_value = "10",
          value_parser = |s: &str| parse_timeout("send timeout", s))]
    send_timeout: Duration,
    /// Print one line per request on stderr: time, profile, method, path, status, delay or fault
    #[arg(short, long)]
    verbose: bool,
    /// The first line of stdout: the base URL, or the same and more as one line of JSON
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "url")]
    ready: ReadyLine,
    /// Draw every flag before the ready line, not beside the first requests: for measuring,
    /// so that no run pays for the drawing or shares the CPU with it
    #[arg(long)]
    warm: bool,
}

fn parse_max_connections(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected a whole number of at least 1, got {s:?}")),
    }
}

/// The configuration the arguments ask for.
fn config(args: Args) -> Config {
    let mut config = Config::new(args.profile);
    config.delay = args.delay;
    config.error_rate = args.error_rate;
    config.faults = args.faults;
    config.seed = args.seed;
    config.root = args.root;
    config.bind = args.bind;
    config.port = args.port.unwrap_or(args.profile.default_port());
    config.max_connections = args.max_connections;
    config.header_timeout = args.header_timeout;
    config.send_timeout = args.send_timeout;
    config.log_requests = args.verbose;
    config
}

/// The settings in one line, for stderr.
fn summary(config: &Config, addr: SocketAddr, max_connections: usize) -> String {
    let (min, max) = config.effective_delay();
    let f = config.effective_faults();
    let flags = config
        .root
        .as_ref()
        .map_or("built-in".to_string(), |r| r.display().to_string());
    let seed = config
        .seed
        .map_or("from the clock".to_string(), |s| s.to_string());
    format!(
        "{} server, {flags} flags, delay {:.3}..{:.3} s, error rate {}, faults {}, seed {seed}, at most {}; stats at http://{addr}/_stats; Ctrl-C stops",
        config.profile.label(),
        min.as_secs_f64(),
        max.as_secs_f64(),
        config.effective_error_rate(),
        f.spec(),
        connections(max_connections),
    )
}

/// "1 connection", "20000 connections".
fn connections(n: usize) -> String {
    if n == 1 {
        "1 connection".into()
    } else {
        format!("{n} connections")
    }
}

/// Every check first, then the runtime: a limit too low to start is one line and exit 2,
/// before anything is bound, printed on stdout, or asked of the system.
fn main() -> ExitCode {
    let args = Args::parse();
    let (ready_line, warm) = (args.ready, args.warm);
    let mut config = config(args);
    if let Err(e) = config.validate() {
        stderr_line(&format!("error: {e}"));
        return ExitCode::from(2);
    }
    let limit = flags_server::connection_limit(&config);
    if let Some(error) = limit.error() {
        stderr_line(&error);
        return ExitCode::from(2);
    }
    if let Some(note) = limit.note() {
        stderr_line(&note);
    }
    config.max_connections = limit.effective;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => {
            let code = runtime.block_on(serve(config, ready_line, warm));
            // Work left on the blocking pool (a file read under --root) is not waited for.
            runtime.shutdown_timeout(Duration::from_millis(100));
            code
        }
        Err(e) => {
            stderr_line(&format!("error: cannot start the server's runtime: {e}"));
            ExitCode::from(1)
        }
    }
}

/// Binds, says where on stdout, serves until Ctrl-C or SIGTERM.
async fn serve(config: Config, ready_line: ReadyLine, warm: bool) -> ExitCode {
    let addr = SocketAddr::new(config.bind, config.port);
    let listener = match flags_server::listen(addr) {
        Ok(listener) => listener,
        Err(e) => {
            stderr_line(&format!("error: cannot listen on {addr}: {e}"));
            return ExitCode::from(1);
        }
    };
    // Handled from now on, before anyone can know where the server listens.
    let stop = flags_server::stop_signal();
    let addr = listener.local_addr().unwrap_or(addr);
    let ready = flags_server::ready(addr, &config);
    if warm && config.root.is_none() {
        flags_server::warm_up();
    }
    let line = match ready_line {
        ReadyLine::Url => ready.base_url.clone(),
        ReadyLine::Json => serde_json::to_string(&ready).unwrap_or_default(),
    };
    // A closed stdout loses the line, not the server: it may be found by its port.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    drop(out);
    stderr_line(&summary(&config, addr, config.max_connections));
    if config.root.is_none() && !warm {
        // Each flag is drawn on its first request; drawing them all now, off the runtime's
        // threads, saves those first requests the wait. No thread to spare: they wait.
        let _ = std::thread::Builder::new().spawn(flags_server::warm_up);
    }
    let served = flags_server::serve(listener, config, stop).await;
    match served {
        Ok(()) => {
            stderr_line_after_ctrl_c("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            stderr_line(&format!("error: server failed: {e}"));
            ExitCode::from(1)
        }
    }
}
