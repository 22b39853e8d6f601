//! The bare baseline of the sign-in benchmark (scripts/bench/signin.sh):
//! raw argon2id at onestop's parameters (19 MiB, 2 passes, 1 lane) on one
//! core, one reused memory. Prints hashes per second.
//!
//!   cargo run --release --example argon2_rate -- [seconds]

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Block, Params, Version};

fn main() -> Result<(), argon2::Error> {
    let secs: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let params = Params::new(19 * 1024, 2, 1, Some(32))?;
    let mut memory = vec![Block::new(); params.block_count()];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = [0u8; 32];
    let (start, mut n) = (Instant::now(), 0u32);
    while start.elapsed() < Duration::from_secs_f64(secs) {
        argon2.hash_password_into_with_memory(
            b"Wuhai-hall-2026",
            b"onestop-bench-salt",
            &mut out,
            &mut memory,
        )?;
        n += 1;
    }
    println!("{:.1}", f64::from(n) / start.elapsed().as_secs_f64());
    Ok(())
}
