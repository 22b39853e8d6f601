//! Password hashing off the async workers, with a bound on how many hashes
//! run at once: a sign-in storm waits briefly for a place and is then told
//! to slow down (429) instead of starving every other page. Each running
//! hash borrows one of at most `concurrent` working memories, so memory
//! stays at `concurrent` × 19 MiB however many threads the storm touches.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::password::{self, Memory};
use crate::error::AppError;

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    memories: Arc<Mutex<Vec<Memory>>>,
    wait: Duration,
}

impl Hasher {
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        Hasher {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            memories: Arc::default(),
            wait,
        }
    }

    /// One hash per core: each takes ~20 ms of CPU.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Hasher::new(cores, Duration::from_secs(3))
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::TooManyRequests)?
            .map_err(|_| AppError::Unavailable)?;
        let memories = self.memories.clone();
        let out = actix_web::rt::task::spawn_blocking(move || {
            // A permit holder always finds a memory or makes the pool's next.
            let taken = memories.lock().ok().and_then(|mut m| m.pop());
            let mut memory = taken.unwrap_or_default();
            let out = work(&mut memory);
            if let Ok(mut m) = memories.lock() {
                m.push(memory);
            }
            // Held until the memory is back, even when the caller went away.
            drop(permit);
            out
        })
        .await
        .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?;
        Ok(out)
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move |memory| password::hash_with(&password, memory))
            .await?
            .map_err(AppError::Internal)
    }

    /// Verifies against `stored`, or against a dummy hash when there is no
    /// account, so that both take the same time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move |memory| match stored {
            Some(h) => password::verify_with(&password, &h, memory),
            None => {
                password::verify_with(&password, password::dummy_hash(), memory);
                false
            }
        })
        .await
    }
}
