//! The sync: a user's meetings, webinars and cloud recordings from Zoom into the local index.
//!
//! - **Incremental.** Zoom's list endpoints have no "changed since", so every sync lists the
//!   meetings and webinars (a page is up to 300 items: 5,000 meetings are 17 calls), and only
//!   the recordings of the days since the last completed sync (one call for a day's worth),
//!   with the whole range relisted every [`SyncOptions::full_every`] to notice deletions made
//!   without a webhook. An item whose digest has not changed is not written: a second sync of
//!   unchanged data writes no index row.
//! - **Resumable.** A sync is a list of steps (meetings, webinars, one step per month of
//!   recordings). Each completed step is recorded; a sync stopped by an error, a crash or a
//!   dropped caller resumes at the first step not recorded, relisting that step (Zoom's page
//!   tokens last 15 minutes) and writing only what is not already stored. Rows are keyed by
//!   user, kind and Zoom id, so nothing is ever duplicated.
//! - **Polite.** Every call goes through the client's rate limiter and retry policy (429s,
//!   `Retry-After`, daily limits); progress is reported per page.
//! - **One at a time per user**, across processes: a lease in the database
//!   (`zoom_sdk_leases`, owner kind `sync`), renewed while the sync runs, released at the end
//!   (also when the caller is dropped), taken over only after it lapses.

use super::index::LocalIndex;
use super::item::{IndexedItem, ItemKind};
use super::sync_state::{Checkpoint, KindCounts, LastSync, SkippedKind, SyncFailure, SyncStep};
use crate::api::{ListMeetings, ListRecordings, ListWebinars};
use crate::error::{Error, Result};
use crate::models::{ListMeetingsType, Page};
use crate::ZoomSession;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A progress callback: called after every page.
pub type ProgressFn = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

/// Where a sync is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SyncProgress {
    /// The kind being listed.
    pub kind: ItemKind,
    /// Items of this kind listed so far in this run.
    pub done: u64,
    /// How many Zoom says there are, once every listing of this kind has started.
    pub total: Option<u64>,
    /// The step being run (1-based).
    pub step: usize,
    /// Steps in the run.
    pub steps: usize,
}

/// What to do when another process is syncing the same user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnBusy {
    /// Wait up to this long for it to finish, then sync (quickly: it is incremental).
    Wait(Duration),
    /// Return at once with [`SyncOutcome::Busy`].
    Skip,
}

/// How to sync.
#[derive(Clone)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Which kinds (default: all three).
    pub kinds: Vec<ItemKind>,
    /// Relist every recording of [`SyncOptions::recordings_days`], not only the recent ones.
    pub full: bool,
    /// How far back recordings are synced (default 365 days).
    pub recordings_days: u32,
    /// Relist the whole recordings range when the last full listing is older than this
    /// (default 7 days).
    pub full_every: Duration,
    /// Days relisted before the last synced day (default 2: late uploads, time zones).
    pub overlap_days: u32,
    /// Also list past meetings (`type=previous_meetings`; default true).
    pub past_meetings: bool,
    /// Items per page (1 to 300; default 300, Zoom's largest).
    pub page_size: u32,
    /// When another process syncs the same user (default: wait up to a minute).
    pub on_busy: OnBusy,
    /// How long the lease lasts without renewal (default 60 s; renewed every third of it).
    pub lease_ttl: Duration,
    progress: Option<ProgressFn>,
}

impl std::fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncOptions")
            .field("kinds", &self.kinds)
            .field("full", &self.full)
            .field("recordings_days", &self.recordings_days)
            .field("full_every", &self.full_every)
            .field("overlap_days", &self.overlap_days)
            .field("past_meetings", &self.past_meetings)
            .field("page_size", &self.page_size)
            .field("on_busy", &self.on_busy)
            .field("lease_ttl", &self.lease_ttl)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            kinds: ItemKind::ALL.to_vec(),
            full: false,
            recordings_days: 365,
            full_every: Duration::from_secs(7 * 24 * 3600),
            overlap_days: 2,
            past_meetings: true,
            page_size: 300,
            on_busy: OnBusy::Wait(Duration::from_secs(60)),
            lease_ttl: Duration::from_secs(60),
            progress: None,
        }
    }
}

impl SyncOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only these kinds.
    pub fn kinds(mut self, kinds: impl IntoIterator<Item = ItemKind>) -> Self {
        self.kinds = kinds.into_iter().collect();
        self
    }
    /// Relist all recordings of the range.
    pub fn full(mut self, full: bool) -> Self {
        self.full = full;
        self
    }
    /// How far back recordings go (1 to 3650 days).
    pub fn recordings_days(mut self, days: u32) -> Self {
        self.recordings_days = days.clamp(1, 3650);
        self
    }
    /// How often the whole recordings range is relisted.
    pub fn full_every(mut self, every: Duration) -> Self {
        self.full_every = every;
        self
    }
    /// List past meetings too.
    pub fn past_meetings(mut self, on: bool) -> Self {
        self.past_meetings = on;
        self
    }
    /// Items per page (clamped to 1..=300).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n.clamp(1, 300);
        self
    }
    /// What to do when another process syncs the user.
    pub fn on_busy(mut self, on_busy: OnBusy) -> Self {
        self.on_busy = on_busy;
        self
    }
    /// The lease's lifetime (at least 3 s).
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_secs(3));
        self
    }
    /// Call `f` after every page.
    pub fn on_progress(mut self, f: impl Fn(&SyncProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }
}

/// How a sync ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SyncOutcome {
    /// Every step ran.
    Completed,
    /// Another process is syncing this user ([`OnBusy::Skip`], or the wait ran out).
    Busy {
        /// Who holds the lease.
        holder: String,
        /// Until when, unless renewed.
        until: DateTime<Utc>,
    },
}

/// What a sync did.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SyncReport {
    /// The application's user.
    pub user_id: String,
    /// Completed, or busy elsewhere; flattened in JSON (`"outcome": "busy", "holder": ..,
    /// "until": ..`).
    #[serde(flatten)]
    pub outcome: SyncOutcome,
    /// The run (the same across resumed attempts).
    pub run_id: Option<String>,
    /// Whether this call resumed an interrupted run.
    pub resumed: bool,
    /// Whether the run relisted the whole recordings range.
    pub full_recordings: bool,
    /// Steps in the run.
    pub steps: usize,
    /// Per kind, over the whole run (the steps of earlier attempts included).
    pub counts: BTreeMap<ItemKind, KindCounts>,
    /// List calls made to Zoom by this call.
    pub api_calls: u64,
    /// Milliseconds this call took.
    pub duration_ms: u64,
    /// Kinds Zoom would not list for this user, and why.
    pub skipped: Vec<SkippedKind>,
}

impl SyncReport {
    /// Rows written, over every kind.
    pub fn written(&self) -> u64 {
        self.counts.values().map(KindCounts::written).sum()
    }
}

/// The user's sync lease, renewed in the background until released or dropped.
pub(crate) struct LeaseGuard {
    index: LocalIndex,
    user_id: String,
    holder: String,
    lost: Arc<AtomicBool>,
    renewer: tokio::task::JoinHandle<()>,
    released: bool,
}

impl LeaseGuard {
    fn check(&self) -> Result<()> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(Error::storage(
                "the sync lease lapsed and another process took this user's sync over",
            ));
        }
        Ok(())
    }

    async fn release(mut self) {
        self.renewer.abort();
        self.released = true;
        if let Err(e) = self.index.release_lease(&self.user_id, &self.holder).await {
            tracing::warn!(error = %e, "zoom.sync: could not release the lease; it lapses on its own");
        }
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        self.renewer.abort();
        // A dropped caller: release in the background so the next sync need not wait it out.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let (index, user, holder) = (
                self.index.clone(),
                self.user_id.clone(),
                self.holder.clone(),
            );
            rt.spawn(async move {
                let _ = index.release_lease(&user, &holder).await;
            });
        }
    }
}

enum Acquired {
    Lease(LeaseGuard),
    Busy(String, DateTime<Utc>),
}

async fn acquire(index: &LocalIndex, user_id: &str, options: &SyncOptions) -> Result<Acquired> {
    let holder = format!("pid{}-{:016x}", std::process::id(), rand::random::<u64>());
    let started = Instant::now();
    let max_wait = match options.on_busy {
        OnBusy::Wait(d) => d,
        OnBusy::Skip => Duration::ZERO,
    };
    loop {
        match index
            .take_lease(user_id, &holder, options.lease_ttl)
            .await?
        {
            None => break,
            Some((other, until)) => {
                let waited = started.elapsed();
                if waited >= max_wait {
                    return Ok(Acquired::Busy(other, until));
                }
                tokio::time::sleep((max_wait - waited).min(Duration::from_millis(200))).await;
            }
        }
    }
    let lost = Arc::new(AtomicBool::new(false));
    let renewer = {
        let (index, user, holder, lost, ttl) = (
            index.clone(),
            user_id.to_string(),
            holder.clone(),
            lost.clone(),
            options.lease_ttl,
        );
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(ttl / 3).await;
                match index.renew_lease(&user, &holder, ttl).await {
                    Ok(true) => {}
                    Ok(false) => {
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "zoom.sync: lease renewal failed; retrying")
                    }
                }
            }
        })
    };
    Ok(Acquired::Lease(LeaseGuard {
        index: index.clone(),
        user_id: user_id.to_string(),
        holder,
        lost,
        renewer,
        released: false,
    }))
}

/// Progress per kind across the steps of a run.
struct Progress {
    callback: Option<ProgressFn>,
    steps: usize,
    /// kind -> (done, known total, listings not yet started, a total was unknown)
    kinds: HashMap<ItemKind, (u64, u64, usize, bool)>,
}

impl Progress {
    fn new(cp: &Checkpoint, options: &SyncOptions) -> Self {
        let mut kinds: HashMap<ItemKind, (u64, u64, usize, bool)> = HashMap::new();
        for (i, step) in cp.steps.iter().enumerate() {
            let e = kinds.entry(step.kind()).or_default();
            if i >= cp.done {
                e.2 += match step {
                    SyncStep::Meetings if options.past_meetings => 2,
                    _ => 1,
                };
            }
        }
        for (kind, c) in &cp.counts {
            let e = kinds.entry(*kind).or_default();
            e.0 += c.fetched;
            e.1 += c.fetched;
        }
        Self {
            callback: options.progress.clone(),
            steps: cp.steps.len(),
            kinds,
        }
    }

    fn listing_started(&mut self, kind: ItemKind, total: Option<u64>) {
        let e = self.kinds.entry(kind).or_default();
        e.2 = e.2.saturating_sub(1);
        match total {
            Some(t) => e.1 += t,
            None => e.3 = true,
        }
    }

    fn page(&mut self, kind: ItemKind, n: usize, step: usize) {
        let e = self.kinds.entry(kind).or_default();
        e.0 += n as u64;
        if let Some(cb) = &self.callback {
            let p = SyncProgress {
                kind,
                done: e.0,
                total: (e.2 == 0 && !e.3).then_some(e.1.max(e.0)),
                step: step + 1,
                steps: self.steps,
            };
            cb(&p);
        }
    }
}

/// One run of a user's sync.
pub(crate) struct Run<'a> {
    pub index: &'a LocalIndex,
    pub session: &'a ZoomSession,
    pub user_id: &'a str,
    pub host_email: &'a str,
    pub options: &'a SyncOptions,
}

/// What one step did.
#[derive(Default)]
struct StepResult {
    counts: KindCounts,
    calls: u64,
    skipped: Option<SkippedKind>,
}

fn plan(
    state: &super::sync_state::SyncState,
    options: &SyncOptions,
    now: DateTime<Utc>,
) -> (Vec<SyncStep>, bool) {
    let mut steps = Vec::new();
    if options.kinds.contains(&ItemKind::Meeting) {
        steps.push(SyncStep::Meetings);
    }
    if options.kinds.contains(&ItemKind::Webinar) {
        steps.push(SyncStep::Webinars);
    }
    let mut full = false;
    if options.kinds.contains(&ItemKind::Recording) {
        let today = now.date_naive();
        let earliest = today - chrono::Duration::days(i64::from(options.recordings_days));
        let stale = state
            .recordings_full_at
            .is_none_or(|t| (now - t).to_std().unwrap_or(Duration::MAX) >= options.full_every);
        full = options.full || stale || state.recordings_through.is_none();
        let from = match state.recordings_through {
            Some(through) if !full => {
                (through - chrono::Duration::days(i64::from(options.overlap_days))).max(earliest)
            }
            _ => earliest,
        };
        steps.extend(
            crate::api::recordings::windows(from, today)
                .into_iter()
                .map(|(from, to)| SyncStep::Recordings { from, to }),
        );
    }
    (steps, full)
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now)
}

/// Zoom answers that mean "this user cannot list this kind", not "the sync failed": no
/// webinar plan (code 200), a scope not granted (4711), not allowed (403).
fn unavailable(e: &Error) -> Option<String> {
    let api = e.api_error()?;
    (api.status == 403 || matches!(api.code, Some(200) | Some(4711) | Some(4700)))
        .then(|| api.to_string())
}

impl Run<'_> {
    /// Run (or resume) the user's sync under `lease`.
    pub async fn run(&self, lease: &LeaseGuard) -> Result<SyncReport> {
        let started = Instant::now();
        let now = Utc::now();
        let mut state = self.index.state(self.user_id).await?;
        let (mut cp, resumed) = match state.current.take() {
            Some(mut cp)
                if (now - cp.started_at) < chrono::Duration::hours(24)
                    && cp
                        .steps
                        .iter()
                        .all(|s| self.options.kinds.contains(&s.kind())) =>
            {
                cp.resumed += 1;
                (cp, true)
            }
            _ => {
                let (steps, full) = plan(&state, self.options, now);
                state.current_elapsed_ms = 0;
                (
                    Checkpoint {
                        run_id: format!("{:x}", now.timestamp_millis()),
                        started_at: now,
                        steps,
                        done: 0,
                        full_recordings: full,
                        counts: BTreeMap::new(),
                        api_calls: 0,
                        resumed: 0,
                        skipped: Vec::new(),
                    },
                    false,
                )
            }
        };
        let mut progress = Progress::new(&cp, self.options);
        let mut calls = 0u64;
        while cp.done < cp.steps.len() {
            lease.check()?;
            let step = cp.steps[cp.done].clone();
            let mut result = StepResult::default();
            let outcome = self.step(&step, cp.done, &mut result, &mut progress).await;
            calls += result.calls;
            cp.api_calls += result.calls;
            if let Err(e) = outcome {
                let elapsed = state.current_elapsed_ms + started.elapsed().as_millis() as u64;
                state.last = Some(last_sync(&cp, elapsed, false));
                state.last_error = Some(SyncFailure {
                    at: Utc::now(),
                    kind: e.kind().name().to_string(),
                    message: e.to_string(),
                });
                state.current_elapsed_ms = elapsed;
                state.current = Some(cp);
                if let Err(se) = self.index.save_state(self.user_id, &state).await {
                    tracing::warn!(error = %se, "zoom.sync: could not record the failed step");
                }
                return Err(e);
            }
            cp.counts
                .entry(step.kind())
                .or_default()
                .add(&result.counts);
            cp.skipped.extend(result.skipped);
            cp.done += 1;
            if cp.done < cp.steps.len() {
                state.current = Some(cp.clone());
                self.index.save_state(self.user_id, &state).await?;
            }
        }
        let elapsed = state.current_elapsed_ms + started.elapsed().as_millis() as u64;
        if cp.steps.iter().any(|s| s.kind() == ItemKind::Recording) {
            state.recordings_through = Some(now.date_naive());
            if cp.full_recordings {
                state.recordings_full_at = Some(cp.started_at);
            }
        }
        state.last = Some(last_sync(&cp, elapsed, true));
        state.last_error = None;
        state.current = None;
        state.current_elapsed_ms = 0;
        self.index.save_state(self.user_id, &state).await?;
        Ok(SyncReport {
            user_id: self.user_id.to_string(),
            outcome: SyncOutcome::Completed,
            run_id: Some(cp.run_id),
            resumed,
            full_recordings: cp.full_recordings,
            steps: cp.steps.len(),
            counts: cp.counts,
            api_calls: calls,
            duration_ms: started.elapsed().as_millis() as u64,
            skipped: cp.skipped,
        })
    }

    async fn step(
        &self,
        step: &SyncStep,
        n: usize,
        r: &mut StepResult,
        progress: &mut Progress,
    ) -> Result<()> {
        let page_size = self.options.page_size;
        match step {
            SyncStep::Meetings => {
                let existing = self
                    .index
                    .digests(self.user_id, ItemKind::Meeting, None)
                    .await?;
                let mut seen = HashSet::new();
                let mut kinds = vec![ListMeetingsType::Scheduled];
                if self.options.past_meetings {
                    kinds.push(ListMeetingsType::PreviousMeetings);
                }
                for t in kinds {
                    let first = ListMeetings::new().meeting_type(t).page_size(page_size);
                    self.listing(
                        ItemKind::Meeting,
                        n,
                        first,
                        &existing,
                        &mut seen,
                        r,
                        progress,
                        |q| async move {
                            let page = self.session.meetings().list("me", &q).await?;
                            Ok(map_page(page, |m| {
                                IndexedItem::from_meeting(m, self.host_email)
                            }))
                        },
                    )
                    .await?;
                }
                self.sweep(ItemKind::Meeting, &existing, &seen, r).await
            }
            SyncStep::Webinars => {
                let existing = self
                    .index
                    .digests(self.user_id, ItemKind::Webinar, None)
                    .await?;
                let mut seen = HashSet::new();
                let first = ListWebinars::new().page_size(page_size);
                let listed = self
                    .listing(
                        ItemKind::Webinar,
                        n,
                        first,
                        &existing,
                        &mut seen,
                        r,
                        progress,
                        |q| async move {
                            let page = self.session.webinars().list("me", &q).await?;
                            Ok(map_page(page, |w| {
                                IndexedItem::from_webinar(w, self.host_email)
                            }))
                        },
                    )
                    .await;
                match listed {
                    Err(e) if r.counts.fetched == 0 && unavailable(&e).is_some() => {
                        // Nothing can be listed: keep what the index has (a plan may lapse
                        // and come back) and say why.
                        r.skipped = Some(SkippedKind {
                            kind: ItemKind::Webinar,
                            reason: unavailable(&e).unwrap_or_default(),
                        });
                        Ok(())
                    }
                    Err(e) => Err(e),
                    Ok(()) => self.sweep(ItemKind::Webinar, &existing, &seen, r).await,
                }
            }
            SyncStep::Recordings { from, to } => {
                let range = (day_start(*from), day_start(*to + chrono::Duration::days(1)));
                let existing = self
                    .index
                    .digests(self.user_id, ItemKind::Recording, Some(range))
                    .await?;
                let mut seen = HashSet::new();
                let first = ListRecordings::new(*from, *to).page_size(page_size);
                self.listing(
                    ItemKind::Recording,
                    n,
                    first,
                    &existing,
                    &mut seen,
                    r,
                    progress,
                    |q| async move {
                        let page = self.session.recordings().list("me", &q).await?;
                        Ok(map_page(page, |m| {
                            IndexedItem::from_recording(m, self.host_email)
                        }))
                    },
                )
                .await?;
                self.sweep(ItemKind::Recording, &existing, &seen, r).await
            }
        }
    }

    /// List every page of one listing, writing what changed after each page.
    #[allow(clippy::too_many_arguments)]
    async fn listing<Q, F, Fut>(
        &self,
        kind: ItemKind,
        step: usize,
        first: Q,
        existing: &HashMap<String, String>,
        seen: &mut HashSet<String>,
        r: &mut StepResult,
        progress: &mut Progress,
        fetch: F,
    ) -> Result<()>
    where
        Q: crate::api::PageQuery,
        F: Fn(Q) -> Fut,
        Fut: std::future::Future<Output = Result<Page<IndexedItem>>>,
    {
        let mut query = first;
        let mut first_page = true;
        loop {
            r.calls += 1;
            let page = fetch(query.clone()).await?;
            if first_page {
                progress.listing_started(kind, page.total_records);
                first_page = false;
            }
            let n = page.items.len();
            self.apply(page.items, existing, seen, &mut r.counts)
                .await?;
            progress.page(kind, n, step);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => query = query.with_page_token(Some(t)),
                None => return Ok(()),
            }
        }
    }

    /// Write the items of a page that are new or changed.
    async fn apply(
        &self,
        items: Vec<IndexedItem>,
        existing: &HashMap<String, String>,
        seen: &mut HashSet<String>,
        counts: &mut KindCounts,
    ) -> Result<()> {
        // Each changed item with its digest (computed once) and whether the index had it.
        let mut changed: Vec<(IndexedItem, String, bool)> = Vec::new();
        for item in items {
            counts.fetched += 1;
            // Listed twice in one run (a meeting both scheduled and past): the first wins.
            if !seen.insert(item.item_id.clone()) {
                continue;
            }
            let digest = item.digest();
            match existing.get(&item.item_id) {
                Some(d) if *d == digest => counts.unchanged += 1,
                old => {
                    let is_new = old.is_none();
                    changed.push((item, digest, is_new));
                }
            }
        }
        let rows: Vec<(&IndexedItem, &str)> =
            changed.iter().map(|(i, d, _)| (i, d.as_str())).collect();
        let written = self.index.write(self.user_id, &rows, &[]).await?;
        for (wrote, (_, _, is_new)) in written.into_iter().zip(&changed) {
            match (wrote, is_new) {
                (false, _) => counts.unchanged += 1,
                (true, true) => counts.inserted += 1,
                (true, false) => counts.updated += 1,
            }
        }
        Ok(())
    }

    /// Remove what the index has and Zoom no longer listed.
    async fn sweep(
        &self,
        kind: ItemKind,
        existing: &HashMap<String, String>,
        seen: &HashSet<String>,
        r: &mut StepResult,
    ) -> Result<()> {
        let gone: Vec<(ItemKind, String)> = existing
            .keys()
            .filter(|k| !seen.contains(*k))
            .map(|k| (kind, k.clone()))
            .collect();
        for chunk in gone.chunks(500) {
            self.index.write(self.user_id, &[], chunk).await?;
        }
        r.counts.deleted += gone.len() as u64;
        Ok(())
    }
}

fn map_page<T>(page: Page<T>, f: impl Fn(&T) -> IndexedItem) -> Page<IndexedItem> {
    Page {
        items: page.items.iter().map(f).collect(),
        next_page_token: page.next_page_token,
        total_records: page.total_records,
        page_size: page.page_size,
    }
}

fn last_sync(cp: &Checkpoint, elapsed_ms: u64, completed: bool) -> LastSync {
    LastSync {
        run_id: cp.run_id.clone(),
        started_at: cp.started_at,
        finished_at: Utc::now(),
        duration_ms: elapsed_ms,
        completed,
        steps_done: cp.done,
        steps: cp.steps.len(),
        counts: cp.counts.clone(),
        api_calls: cp.api_calls,
        skipped: cp.skipped.clone(),
    }
}

/// Sync `run.user_id` under its lease (taken here).
pub(crate) async fn sync(run: Run<'_>) -> Result<SyncReport> {
    let started = Instant::now();
    match acquire(run.index, run.user_id, run.options).await? {
        Acquired::Busy(holder, until) => Ok(SyncReport {
            user_id: run.user_id.to_string(),
            outcome: SyncOutcome::Busy { holder, until },
            run_id: None,
            resumed: false,
            full_recordings: false,
            steps: 0,
            counts: BTreeMap::new(),
            api_calls: 0,
            duration_ms: started.elapsed().as_millis() as u64,
            skipped: Vec::new(),
        }),
        Acquired::Lease(lease) => {
            let result = run.run(&lease).await;
            lease.release().await;
            result
        }
    }
}
