//! The catalogue served from memory. Every page and list of items reads
//! the same few tables that change only when an administrator edits them,
//! so each hall's items, departments and served set are loaded once and
//! kept until the catalogue changes.
//!
//! "Changes" is the `catalogue_version` row: database triggers on halls,
//! departments, items, windows and their items bump it in the editing
//! transaction itself, whoever edits (a page, the importer, the command
//! line, another instance sharing the database). A request reads that one
//! row and uses the kept copy when the number matches, so an edit is seen
//! by the very next request on every instance.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::web::Bytes;
use diesel::prelude::*;

use super::models::Category;
use super::repo::{self, Candidate, DepartmentSummary, ServiceFilter};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, ServiceId};
use crate::db::schema::catalogue_version;
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;
use crate::i18n::Lang;

/// Halls kept at once; past it the least recently loaded go (a province
/// has thousands, most rarely browsed).
const HALLS_KEPT: usize = 512;

/// One hall's catalogue as the lists show it.
pub struct HallCatalogue {
    pub hall: Hall,
    pub departments: Vec<DepartmentSummary>,
    pub served: HashSet<ServiceId>,
    /// Active items in catalogue order, with what search reads.
    pub items: Vec<Candidate>,
    /// Per language, each item's category label and time limit.
    texts: [OnceLock<Vec<ItemTexts>>; 2],
    /// `/api/v1/services` bodies without a query, with their tags.
    json: Mutex<HashMap<ListKey, Arc<Body>>>,
}

pub struct ItemTexts {
    pub category: String,
    pub time_limit: String,
}

/// A response body kept with its entity tag.
pub struct Body {
    pub bytes: Bytes,
    pub tag: String,
}

impl HallCatalogue {
    fn load(conn: &mut DbConn, hall: Hall) -> QueryResult<Self> {
        let filter = ServiceFilter {
            hall: Some(hall.id),
            ..ServiceFilter::default()
        };
        Ok(HallCatalogue {
            departments: repo::list_departments(conn, Some(hall.id))?,
            served: repo::served_services(conn, Some(hall.id))?,
            items: repo::candidates(conn, &filter)?,
            hall,
            texts: Default::default(),
            json: Mutex::default(),
        })
    }

    /// The item at `index` of [`Self::items`], labelled in `lang`.
    pub fn texts(&self, lang: Lang) -> &[ItemTexts] {
        let slot = match lang {
            Lang::Zh => &self.texts[0],
            Lang::En => &self.texts[1],
        };
        slot.get_or_init(|| {
            let mut categories: HashMap<Category, String> = HashMap::new();
            self.items
                .iter()
                .map(|(item, ..)| ItemTexts {
                    category: categories
                        .entry(item.category)
                        .or_insert_with(|| item.category.label(lang))
                        .clone(),
                    time_limit: item.time_limit(lang),
                })
                .collect()
        })
    }

    pub fn position(&self, id: ServiceId) -> Option<usize> {
        self.items.iter().position(|(item, ..)| item.id == id)
    }

    pub fn department_name(&self, id: DepartmentId) -> Option<&str> {
        self.departments
            .iter()
            .find(|d| d.department.id == id)
            .map(|d| d.department.short_name.as_str())
    }

    /// The kept body for a list without a query, made by `make` once.
    pub fn json_body(
        &self,
        key: ListKey,
        make: impl FnOnce() -> Result<Bytes, String>,
    ) -> Result<Arc<Body>, String> {
        if let Some(b) = self.json.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(b);
        }
        let bytes = make()?;
        let body = Arc::new(Body {
            tag: crate::web::cache::tag_of(&bytes),
            bytes,
        });
        if let Ok(mut m) = self.json.lock() {
            m.insert(key, body.clone());
        }
        Ok(body)
    }
}

/// Lists of every hall's items kept only up to this size (a province's
/// whole catalogue is not worth its memory).
const ALL_HALLS_KEPT_BYTES: usize = 4 << 20;

type ListKey = (Option<DepartmentId>, Option<Category>);

#[derive(Default)]
struct Kept {
    version: i64,
    halls: Option<Arc<Vec<Hall>>>,
    all_halls_json: HashMap<ListKey, Arc<Body>>,
    by_hall: HashMap<HallId, Arc<HallCatalogue>>,
    loaded: std::collections::VecDeque<HallId>,
}

/// The kept catalogue, shared by every worker of one instance.
#[derive(Clone, Default)]
pub struct Catalogue {
    kept: Arc<Mutex<Kept>>,
}

impl Catalogue {
    /// The number the triggers bump on every catalogue change.
    fn current_version(conn: &mut DbConn) -> QueryResult<i64> {
        catalogue_version::table
            .select(catalogue_version::version)
            .first(conn)
    }

    /// The kept state when it is still current, else emptied for `version`.
    fn fresh(&self, version: i64) -> std::sync::MutexGuard<'_, Kept> {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.version != version {
            *kept = Kept {
                version,
                ..Kept::default()
            };
        }
        kept
    }

    /// Every active hall, in id order.
    pub fn halls(&self, conn: &mut DbConn) -> QueryResult<Arc<Vec<Hall>>> {
        let version = Self::current_version(conn)?;
        if let Some(h) = self.fresh(version).halls.clone() {
            return Ok(h);
        }
        let halls = Arc::new(hall_repo::list_halls(conn)?);
        self.fresh(version).halls = Some(halls.clone());
        Ok(halls)
    }

    /// One hall's catalogue; `None` when there is no such active hall.
    pub fn hall(&self, conn: &mut DbConn, id: HallId) -> QueryResult<Option<Arc<HallCatalogue>>> {
        let version = Self::current_version(conn)?;
        if let Some(c) = self.fresh(version).by_hall.get(&id).cloned() {
            return Ok(Some(c));
        }
        let Some(hall) = hall_repo::find_hall(conn, id)? else {
            return Ok(None);
        };
        let loaded = Arc::new(HallCatalogue::load(conn, hall)?);
        let mut kept = self.fresh(version);
        if kept.by_hall.insert(id, loaded.clone()).is_none() {
            kept.loaded.push_back(id);
        }
        while kept.loaded.len() > HALLS_KEPT {
            if let Some(old) = kept.loaded.pop_front() {
                kept.by_hall.remove(&old);
            }
        }
        Ok(Some(loaded))
    }

    /// The kept body of a list of every hall's items without a query, or
    /// `make`'s (kept when small enough).
    pub fn all_halls_json(
        &self,
        conn: &mut DbConn,
        key: ListKey,
        make: impl FnOnce(&mut DbConn) -> Result<Bytes, crate::error::AppError>,
    ) -> Result<Arc<Body>, crate::error::AppError> {
        let version = Self::current_version(conn)?;
        if let Some(b) = self.fresh(version).all_halls_json.get(&key).cloned() {
            return Ok(b);
        }
        let bytes = make(conn)?;
        let body = Arc::new(Body {
            tag: crate::web::cache::tag_of(&bytes),
            bytes,
        });
        if body.bytes.len() <= ALL_HALLS_KEPT_BYTES {
            self.fresh(version).all_halls_json.insert(key, body.clone());
        }
        Ok(body)
    }

    /// The hall shown when none is chosen: the first city-level hall.
    pub fn default_hall(&self, conn: &mut DbConn) -> QueryResult<Option<Arc<HallCatalogue>>> {
        let halls = self.halls(conn)?;
        let first = halls
            .iter()
            .find(|h| h.level == crate::hall::models::HallLevel::City)
            .map(|h| h.id);
        match first {
            Some(id) => self.hall(conn, id),
            None => Ok(None),
        }
    }
}
