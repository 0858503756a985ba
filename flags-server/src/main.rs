//! `flags-server`: the book's test servers in one binary.
//!
//! Prints the base URL on its first line, then serves until Ctrl-C.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{CommandFactory, Parser, error::ErrorKind};
use flags_server::{Config, Profile, parse_delay, parse_error_rate};

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Serves flag GIFs and metadata like the Fluent Python test servers"
)]
struct Args {
    /// local (no faults, port 8000), delay (0.5..5 s per GET, port 8001) or error (0.5 s, 25% 418s, port 8002)
    #[arg(long, default_value = "local", value_parser = parse_profile)]
    profile: Profile,
    /// Port to listen on; 0 picks a free one [default: 8000, 8001 or 8002 by profile]
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
    /// Seed for delays and errors: the same seed gives the same sequence in request order
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    Profile::from_label(s).ok_or_else(|| format!("expected local, delay or error, got {s:?}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(root) = &args.root
        && !root.is_dir()
    {
        Args::command()
            .error(
                ErrorKind::ValueValidation,
                format!("--root {}: not a directory", root.display()),
            )
            .exit();
    }
    let profile = args.profile;
    let config = Config {
        profile,
        delay: args.delay,
        error_rate: args.error_rate,
        seed: args.seed,
        root: args.root,
        bind: args.bind,
        port: args.port.unwrap_or(profile.default_port()),
    };
    if config.root.is_none() {
        flags_server::warm_up();
    }
    let addr = SocketAddr::new(config.bind, config.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    println!("http://{addr}/flags");
    let (min, max) = config.delay.unwrap_or(profile.default_delay());
    eprintln!(
        "{} server, {} flags, delay {:.3}..{:.3} s, error rate {}, seed {}; stats at http://{addr}/_stats; Ctrl-C stops",
        profile.label(),
        config
            .root
            .as_ref()
            .map_or("built-in".to_string(), |r| r.display().to_string()),
        min.as_secs_f64(),
        max.as_secs_f64(),
        config.error_rate.unwrap_or(profile.default_error_rate()),
        config
            .seed
            .map_or("from the clock".to_string(), |s| s.to_string()),
    );
    flags_server::serve(listener, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("server failed")?;
    eprintln!("stopped");
    Ok(())
}
