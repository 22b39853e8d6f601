//! Password hashing off the async workers, with a bound on how many hashes
//! run at once: a sign-in storm waits briefly for a place and is then told
//! to slow down (429) instead of starving every other page.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::password;
use crate::error::AppError;

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    wait: Duration,
}

impl Hasher {
    pub fn new(concurrent: usize, wait: Duration) -> Self {
        Hasher {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
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
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::TooManyRequests)?
            .map_err(|_| AppError::Unavailable)?;
        let out = actix_web::rt::task::spawn_blocking(work)
            .await
            .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?;
        drop(permit);
        Ok(out)
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || password::hash(&password))
            .await?
            .map_err(AppError::Internal)
    }

    /// Verifies against `stored`, or against a dummy hash when there is no
    /// account, so that both take the same time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move || match stored {
            Some(h) => password::verify(&password, &h),
            None => {
                password::verify(&password, password::dummy_hash());
                false
            }
        })
        .await
    }
}
