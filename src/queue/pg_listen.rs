//! LISTEN on a libpq connection of its own, sleeping in `poll(2)` on the
//! connection's socket until PostgreSQL sends something: a call made on
//! another instance reaches this one's boards as soon as it arrives,
//! instead of at the next turn of a polling loop. diesel does not expose
//! its connection's socket, hence libpq (already linked for diesel) here.

use std::ffi::{CStr, CString};
use std::time::Duration;

use pq_sys::{
    ConnStatusType, ExecStatusType, PGconn, PQclear, PQconnectdb, PQconsumeInput, PQerrorMessage,
    PQexec, PQfinish, PQfreemem, PQnotifies, PQresultStatus, PQsocket, PQstatus,
};

/// A connection that has run `LISTEN channel`.
pub struct Listener {
    conn: *mut PGconn,
}

// SAFETY: the connection is used by one thread at a time (the listener's
// own); libpq connections may move between threads.
unsafe impl Send for Listener {}

impl Drop for Listener {
    fn drop(&mut self) {
        // SAFETY: `conn` came from PQconnectdb and is finished once.
        unsafe { PQfinish(self.conn) }
    }
}

fn error_of(conn: *const PGconn) -> String {
    // SAFETY: PQerrorMessage returns a NUL-terminated string owned by conn.
    unsafe { CStr::from_ptr(PQerrorMessage(conn)) }
        .to_string_lossy()
        .trim()
        .to_string()
}

impl Listener {
    /// Connects to `url` and listens on `channel` (a plain identifier).
    pub fn connect(url: &str, channel: &str) -> Result<Self, String> {
        let info = CString::new(url).map_err(|_| "the URL holds a NUL byte".to_string())?;
        // SAFETY: `info` is a valid C string; the result is checked below.
        let conn = unsafe { PQconnectdb(info.as_ptr()) };
        if conn.is_null() {
            return Err("out of memory".into());
        }
        let listener = Listener { conn };
        // SAFETY: conn is a live connection object.
        if unsafe { PQstatus(conn) } != ConnStatusType::CONNECTION_OK {
            return Err(error_of(conn));
        }
        let sql = CString::new(format!("LISTEN {channel}"))
            .map_err(|_| "the channel holds a NUL byte".to_string())?;
        // SAFETY: conn is live, sql a valid C string; the result is cleared.
        unsafe {
            let res = PQexec(conn, sql.as_ptr());
            let ok = !res.is_null() && PQresultStatus(res) == ExecStatusType::PGRES_COMMAND_OK;
            PQclear(res);
            if !ok {
                return Err(error_of(conn));
            }
        }
        Ok(listener)
    }

    /// Waits up to `timeout` for notifications and returns their payloads
    /// (none when the time passed quietly); an error when the connection
    /// is lost.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<String>, String> {
        let mut payloads = self.drain();
        if !payloads.is_empty() {
            return Ok(payloads);
        }
        // SAFETY: conn is live.
        let fd = unsafe { PQsocket(self.conn) };
        if fd < 0 {
            return Err("the connection has no socket".into());
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd for the duration of the call.
        let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            return if e.kind() == std::io::ErrorKind::Interrupted {
                Ok(Vec::new())
            } else {
                Err(e.to_string())
            };
        }
        if ready == 0 {
            return Ok(Vec::new());
        }
        // SAFETY: conn is live.
        if unsafe { PQconsumeInput(self.conn) } == 0 {
            return Err(error_of(self.conn));
        }
        payloads.extend(self.drain());
        Ok(payloads)
    }

    /// The notifications libpq has already read.
    fn drain(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            // SAFETY: conn is live; each notice is read then freed once.
            unsafe {
                let n = PQnotifies(self.conn);
                if n.is_null() {
                    break;
                }
                out.push(CStr::from_ptr((*n).extra).to_string_lossy().into_owned());
                PQfreemem(n.cast());
            }
        }
        out
    }
}
