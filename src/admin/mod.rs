//! Administration (`/admin`): the hall's configuration, accounts, the audit
//! trail and statistics — one page file per kind of record. Every form
//! saves through its feature's write path ([`crate::catalog::edit`],
//! [`crate::hall::edit`]) in the [`editor`] flow; who may see and change
//! what is decided by [`Scope`] alone.

pub mod account;
pub mod accounts;
pub mod appeals;
pub mod audit_page;
pub mod calendar;
pub mod case_exchange;
pub mod csv_io;
pub mod departments;
pub mod devices;
pub mod editor;
pub mod halls;
pub mod hours;
pub mod item_files;
pub mod items;
pub mod matrix;
pub mod messages;
pub mod report;
pub mod scope;
pub mod stats;
pub mod stats_cases;
pub mod stats_csv;
pub mod stats_items;
pub mod stats_pages;
pub mod svg;
pub mod today;
pub mod waitlist;
pub mod windows;

pub use scope::Scope;

/// Every admin page.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    today::configure(cfg);
    stats_pages::configure(cfg);
    stats_csv::configure(cfg);
    case_exchange::configure(cfg);
    halls::configure(cfg);
    hours::configure(cfg);
    calendar::configure(cfg);
    departments::configure(cfg);
    windows::configure(cfg);
    item_files::configure(cfg);
    items::configure(cfg);
    matrix::configure(cfg);
    accounts::configure(cfg);
    account::configure(cfg);
    audit_page::configure(cfg);
    messages::configure(cfg);
    devices::configure(cfg);
    waitlist::configure(cfg);
    appeals::configure(cfg);
    csv_io::configure(cfg);
}
