//! Delivery metrics: the four DORA keys and the rework rate, per service, team and
//! organisation, over a window of days and each ISO week of it.
//!
//! # Inputs
//!
//! Three kinds of events ([`Change`], [`Deployment`], [`Incident`]), read from the bulk
//! format (JSON lines, see [`read_changes`]) or built by the caller, go into a [`History`].
//! The history accepts them in any order, ignores an exact repeat and replaces an event
//! sent again with other content (same id; for a change, same repository and sha). An
//! [`Ownership`] says which team owns each service; events of other services are kept but
//! counted nowhere, and [`History::unmapped`] lists them with the reason.
//!
//! # Definitions
//!
//! All times are UTC. The window is the days `[end - days + 1, end]` (by default the 90
//! days up to the date of the latest deployment's `finished_at`); its buckets are the whole
//! window and each ISO week (Monday to Sunday) clipped to it, `days` being the window days
//! in the bucket. Each figure places an event in a bucket by one timestamp, named below.
//! Which environments are production is the history's setting ([`HistoryConfig`],
//! `production` by default); other environments never count.
//!
//! - **Deployment frequency**: successful production deployments by `finished_at`
//!   (redeploys, rollbacks and hotfixes included), and that count per day of the bucket.
//! - **Lead time for changes**: a change is deployed by the successful production
//!   deployment with the smallest `finished_at`, over all the data, whose `commits` list
//!   holds it (same repository and sha). Its lead time is that `finished_at` minus the
//!   change's `committed_at`, counted once, in that deployment's bucket. Median and 90th
//!   percentile by linear interpolation at position `q·(n−1)` of the sorted whole seconds
//!   (numpy's default), in hours.
//! - **Change failure rate**: production deployments that failed (status `failure`, or
//!   named by some deployment's `rollback_of`, or by some incident's
//!   `caused_by_deployment`, whenever that came) over all production deployments, by
//!   `finished_at`.
//! - **Failed deployment recovery time**: for each failed production deployment, the time
//!   from its `finished_at` to that of the next successful production deployment of the same
//!   service (strictly later, possibly after the window); median, in hours. Failures not yet
//!   followed by a success are left out (`failed_deployments - recovered_deployments`).
//! - **Rework rate**: production deployments with `fixes` set over all production
//!   deployments, by `finished_at`.
//! - **Incident recovery time**, beside the deployment-based one: incidents by `opened_at`,
//!   and the median time from opened to resolved of those resolved.
//!
//! A team's figures are computed over all the events of its services (its median is over
//! all its changes, not a median of medians), the organisation's over all owned services.
//! Counts are never absent; a ratio with nothing to divide by and a quantile of nothing are
//! `None`, never a false zero.
//!
//! [`report`] returns one [`Row`] per entity and bucket; [`write_csv`] writes them in the
//! reference computation's CSV format. [`PerformanceLevels`] reads each figure against the
//! DORA report's performance levels, kept as data by report year.
//!
//! # Example
//!
//! ```
//! use kiosque_delivery::{read_deployments, report, History, Ownership, Window};
//!
//! let bulk = r#"{"id":1,"repository":"example/api","service":"api","environment":"production","started_at":"2024-03-04T10:00:00Z","finished_at":"2024-03-04T10:10:00Z","status":"success","commits":[],"rollback_of":null,"fixes":null}"#;
//! let mut history = History::default();
//! for deployment in read_deployments(bulk.as_bytes(), "deployments.jsonl") {
//!     history.insert_deployment(&deployment?);
//! }
//! let ownership: Ownership = [("api", "team-a")].into_iter().collect();
//! let report = report(&history, &ownership, Window { end: None, days: 7 })?;
//! // Rows: organisation, team-a, api; each for the window and for ISO weeks 2024-W09 and W10.
//! assert_eq!(report.rows.len(), 9);
//! assert_eq!(report.rows[0].deployments, 1);
//! assert_eq!(report.rows[0].lead_time_median_hours, None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design
//!
//! The history maintains, as events arrive, the facts a report needs: each commit's first
//! successful production deployment, each service's production deployments and incidents
//! sorted by time, and which deployment ids were rolled back or caused an incident. A report
//! then only binary-searches each service's lists for the window and walks the slice once
//! (services in parallel), so its cost follows the window, not the history.
//!
//! For storage, the history also derives plain facts per production deployment
//! ([`DeploymentFact`]) and says which ones each insertion touched
//! ([`History::take_touched`]); [`report_facts`] computes the same report from facts read
//! back, so a store keeps a table of facts current at ingest and a report reads only its
//! window. [`webhooks`] turns GitHub and GitLab payloads into events and checks their
//! signatures.
//!
//! The bulk reader cuts its input into chunks at line ends and parses each chunk's lines on
//! all cores with a purpose-built JSON scanner (no generic JSON tree), handing events out in
//! file order while the next chunk is parsed. Errors name `file:line:column`.
//!
//! No I/O happens here beyond reading a [`std::io::BufRead`] the caller opens, and writing
//! CSV to a [`std::io::Write`] it passes.

mod csv;
mod event;
mod facts;
mod history;
mod json;
mod levels;
mod ownership;
mod read;
mod report;
mod time;
pub mod webhooks;

pub use csv::{write_csv, CsvColumns};
pub use event::{Change, Deployment, Event, Incident, Status};
pub use facts::{DeploymentFact, Facts, IncidentFact};
pub use history::{DeployedChange, DeploymentFacts, FirstDeployment, History, HistoryConfig, Inserted, Unmapped};
pub use levels::{Metric, Performance, PerformanceLevels, RowLevels, Thresholds};
pub use ownership::Ownership;
pub use read::{read_changes, read_deployments, read_incidents, EventReader, ReadError};
pub use report::{report, report_facts, Bucket, Report, ReportError, Row, Scope, Window};
pub use time::{timestamp_from_rfc3339, Date};
