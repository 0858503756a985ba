//! `flags-server`: the book's test servers in one binary.
//!
//! Prints the base URL on its first line, then serves until Ctrl-C.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use flags_server::{
    Config, FaultRates, Profile, parse_delay, parse_error_rate, parse_faults, parse_timeout,
};

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Serves flag GIFs and metadata like the Fluent Python test servers",
    after_help = "Faults (--faults NAME=P,...; each P from 0 to 1, adding up to at most 1; unnamed ones are 0):
  reset     close the connection with no answer (an RST)
  truncate  send the headers and half the body, then close
  stall     never answer; hold the connection open (10 minutes at most)
  slow      trickle the body at 50 bytes/s (a flag then takes 12 to 70 s)
They apply to GETs under /flags/, after the delay (stall: instead of it); rate 1 means every one.
Example: flags-server --faults reset=0.05,truncate=0.05,stall=0.02,slow=0.1"
)]
struct Args {
    /// local (no faults, port 8000), delay (0.5..5 s per GET, port 8001), error (0.5 s, 25% 418s, port 8002)
    /// or chaos (0.5..5 s, reset=0.05,truncate=0.05,stall=0.02,slow=0.05, port 8003)
    #[arg(long, default_value = "local", value_parser = parse_profile)]
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
    /// What the first line of stdout is: the base URL (text), or a JSON object (json) for programs
    #[arg(long, value_enum, default_value = "text")]
    ready: ReadyLine,
    /// Print one line per request on stderr: time, profile, method, path, status, delay or fault
    #[arg(short, long)]
    verbose: bool,
}

/// How the ready line is written.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ReadyLine {
    Text,
    Json,
}

fn parse_max_connections(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected a whole number of at least 1, got {s:?}")),
    }
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    Profile::from_label(s)
        .ok_or_else(|| format!("expected local, delay, error or chaos, got {s:?}"))
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
        "{} server, {flags} flags, delay {:.3}..{:.3} s, error rate {}, faults reset={},truncate={},stall={},slow={}, seed {seed}, at most {max_connections} connections; stats at http://{addr}/_stats; Ctrl-C stops",
        config.profile.label(),
        min.as_secs_f64(),
        max.as_secs_f64(),
        config.effective_error_rate(),
        f.reset,
        f.truncate,
        f.stall,
        f.slow,
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let ready_line = args.ready;
    let mut config = config(args);
    // Every value is checked before anything is bound or printed on stdout.
    if let Err(e) = config.validate() {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(2));
    }
    let limit = flags_server::connection_limit(&config);
    if let Some(note) = limit.note() {
        eprintln!("{note}");
    }
    config.max_connections = limit.effective;
    let addr = SocketAddr::new(config.bind, config.port);
    let listener =
        flags_server::listen(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    let ready = flags_server::Ready::new(addr);
    match ready_line {
        ReadyLine::Text => println!("{}", ready.base_url),
        ReadyLine::Json => println!("{}", serde_json::to_string(&ready)?),
    }
    eprintln!("{}", summary(&config, addr, limit.effective));
    if config.root.is_none() {
        // Each flag is drawn on its first request; drawing them all now, off the runtime's
        // threads, saves those first requests the wait.
        std::thread::spawn(flags_server::warm_up);
    }
    flags_server::serve(listener, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("server failed")?;
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}
