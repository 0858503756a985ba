//! A `flags-server` process for one profile: started on a free port (or the book's, for its
//! scripts), known by its typed ready line, asked for its `/_stats`, killed on drop.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use flags_server::{Profile, Ready, Stats};

use super::options::Delay;
use super::platform;
use super::process::drain;

/// A running server; killed and reaped when dropped, on error paths too.
pub struct ServerProcess {
    child: Child,
    /// Where it listens and its base URL, as it said when ready.
    pub ready: Ready,
}

impl ServerProcess {
    /// A server with `profile`'s settings on `port` (0: a free one), seeded; `delay` replaces
    /// the profile's delays, except on LOCAL, which has none (and has its flags drawn before
    /// it is ready).
    pub fn start(
        bin: &Path,
        profile: Profile,
        port: u16,
        seed: u64,
        delay: Option<Delay>,
    ) -> anyhow::Result<ServerProcess> {
        let mut command = Command::new(bin);
        command
            .args(["--ready", "json", "--port", &port.to_string()])
            .args(["--seed", &seed.to_string()])
            .args(["--profile", profile.label()]);
        if let (Some(delay), true) = (delay, profile != Profile::Local) {
            command.arg("--delay").arg(delay.to_string());
        }
        if profile == Profile::Local {
            // Every flag drawn before it is ready: a LOCAL run has no delay to hide the drawing
            // of a flag on its first request, and the first run would pay for it.
            command.arg("--warm");
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        platform::isolate(&mut command);
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let err_text = match child.stderr.take().context("no stderr").and_then(drain) {
            Ok(text) => text,
            Err(err) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(err);
            }
        };
        let mut lines = BufReader::new(stdout);
        let mut first = String::new();
        let ready = lines
            .read_line(&mut first)
            .ok()
            .and_then(|_| serde_json::from_str::<Ready>(&first).ok());
        // Keep reading whatever else it prints, so a full pipe never blocks it.
        let reader =
            std::thread::Builder::new().spawn(move || io::copy(&mut lines, &mut io::sink()));
        if reader.is_err() {
            let _ = child.kill();
            let _ = child.wait();
            bail!("no thread left to read the server's output");
        }
        let Some(ready) = ready else {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = err_text.join().unwrap_or_default();
            bail!(
                "{} --profile {} did not say it was ready: {}",
                bin.display(),
                profile.label(),
                stderr.trim()
            );
        };
        Ok(ServerProcess { child, ready })
    }

    /// Zero the server's statistics and restart its random sequence from the seed.
    pub fn reset_stats(&self) -> anyhow::Result<()> {
        http(self.ready.addr, "POST", "/_stats/reset").map(drop)
    }

    /// The server's `GET /_stats`.
    pub fn stats(&self) -> anyhow::Result<Stats> {
        let body = http(self.ready.addr, "GET", "/_stats")?;
        serde_json::from_str(&body).context("/_stats is not JSON")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request without a body over a fresh connection; the response body if 2xx.
fn http(addr: SocketAddr, method: &str, path: &str) -> anyhow::Result<String> {
    let mut stream =
        TcpStream::connect(addr).with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .with_context(|| format!("no answer to {method} {path}"))?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with('2') {
        bail!(
            "{method} {path} answered {:?}",
            head.lines().next().unwrap_or("")
        );
    }
    Ok(body.to_string())
}
