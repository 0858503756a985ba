//! Misbehaving HTTP servers for the checks: plain `std` sockets on a free port, one thread per
//! connection, answering each request as the check says (a status with no body, a redirect
//! anywhere, a body that never ends...). Every answer closes its connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What the server sends for one request.
pub enum Reply {
    /// A status line, extra header lines (each ending `\r\n`) and a body with its length.
    Status(u16, String, Vec<u8>),
    /// A chunked body that never ends.
    Endless,
    /// A 302 to this `Location`, with a chunked body that never ends.
    EndlessRedirect(String),
    /// A `Content-Length` of 2 GiB, then bytes until the client goes away.
    Huge,
    /// The reply, after a pause.
    After(Duration, Box<Reply>),
}

impl Reply {
    /// A 200 with the built-in server's flag for `cc`, or a 404 when `cc` is no country.
    pub fn flag(cc: &str) -> Reply {
        match flags_server::flag_gif(cc) {
            Some(gif) => Reply::Status(200, "Content-Type: image/gif\r\n".into(), gif.to_vec()),
            None => Reply::empty(404),
        }
    }

    /// A 200 with a `metadata.json` naming the country `country`.
    pub fn metadata(cc: &str, country: &str) -> Reply {
        let json = serde_json::json!({ "iso_cc": cc, "country": country });
        let body = serde_json::to_vec(&json).expect("JSON");
        Reply::Status(200, "Content-Type: application/json\r\n".into(), body)
    }

    /// A status with no body, e.g. 204, 304 or 404.
    pub fn empty(status: u16) -> Reply {
        Reply::Status(status, String::new(), Vec::new())
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Status(status, format!("Location: {location}\r\n"), Vec::new())
    }
}

/// A request's path cut up: `/flags/br/br.gif` gives `("BR", "br.gif")`.
pub fn cc_and_file(path: &str) -> (String, String) {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("").to_string();
    let cc = parts.next().unwrap_or("").to_ascii_uppercase();
    (cc, file)
}

type Answer = dyn Fn(&str) -> Reply + Send + Sync;

/// A server that answers every request with `answer(path)`, until dropped.
pub struct Hostile {
    addr: SocketAddr,
    base_url: String,
    stop: Arc<AtomicBool>,
}

impl Hostile {
    pub fn start(answer: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let addr = listener.local_addr().expect("the bound address");
        let stop = Arc::new(AtomicBool::new(false));
        let answer: Arc<Answer> = Arc::new(answer);
        let stopped = Arc::clone(&stop);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (answer, stopped) = (Arc::clone(&answer), Arc::clone(&stopped));
                std::thread::spawn(move || serve(conn, &*answer, &stopped));
            }
        });
        Hostile {
            addr,
            base_url: format!("http://{addr}/flags"),
            stop,
        }
    }

    /// `http://127.0.0.1:PORT/flags`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wake the accept loop
    }
}

fn serve(mut conn: TcpStream, answer: &Answer, stop: &AtomicBool) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut reply = answer(&path);
    while let Reply::After(pause, later) = reply {
        std::thread::sleep(pause);
        reply = *later;
    }
    let _ = match reply {
        Reply::Status(status, headers, body) => {
            let length = match status {
                204 | 304 => String::new(),
                _ => format!("Content-Length: {}\r\n", body.len()),
            };
            let head =
                format!("HTTP/1.1 {status} Whatever\r\n{headers}{length}Connection: close\r\n\r\n");
            conn.write_all(head.as_bytes())
                .and_then(|()| conn.write_all(&body))
        }
        Reply::Endless => endless(&mut conn, "200 OK\r\nContent-Type: image/gif", stop),
        Reply::EndlessRedirect(location) => endless(
            &mut conn,
            &format!("302 Found\r\nLocation: {location}"),
            stop,
        ),
        Reply::After(..) => unreachable!("waited for above"),
        Reply::Huge => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n\
                        Content-Length: 2147483648\r\nConnection: close\r\n\r\n";
            let chunk = [b'G'; 0x10000];
            conn.write_all(head.as_bytes()).and_then(|()| {
                while !stop.load(Ordering::SeqCst) {
                    conn.write_all(&chunk)?;
                }
                Ok(())
            })
        }
    };
}

/// `status_and_headers`, then a chunked body that never ends, until the client goes away.
fn endless(
    conn: &mut TcpStream,
    status_and_headers: &str,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status_and_headers}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let chunk = [b"10000\r\n".as_slice(), &[b'G'; 0x10000], b"\r\n"].concat();
    conn.write_all(head.as_bytes())?;
    while !stop.load(Ordering::SeqCst) {
        conn.write_all(&chunk)?;
    }
    Ok(())
}
