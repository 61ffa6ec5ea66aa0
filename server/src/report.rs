//! Reports: a portal's figures for a range of days in its time zone (the business hours'),
//! by day or by week, overall, per queue and per agent, and a weekday × hour grid of when chats
//! start. Computed from what the store recorded as each chat went ([`crate::store::ChatFacts`]):
//!
//! - a chat counts on the day (in the zone) it was created; *answered* when an agent accepted
//!   it, *missed* when it ended without (the queue's time ran out, or the visitor left while
//!   waiting);
//! - *wait*: created → first accepted; *first response*: accepted → the first agent message
//!   after it; *duration*: accepted → ended; each as a median and a 90th percentile
//!   (nearest rank), in milliseconds;
//! - per agent: the chats they first accepted;
//! - ratings: good and bad counts, the share good, and the latest comments.
//!
//! Days are the zone's calendar days, so a day of a daylight-saving change has 23 or 25 hours.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::store::{ChatFacts, RatingComment, TicketFacts};

/// Longest range one report covers, in days.
pub const MAX_DAYS: i32 = 400;

/// Whether periods are days or weeks (Monday to Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
}

/// What a report covers: `from` to `to`, both included, in `zone`.
#[derive(Debug, Clone)]
pub struct Range {
    pub from: Date,
    pub to: Date,
    pub zone: TimeZone,
    pub by: Period,
}

impl Range {
    /// The range's first and last instant (end excluded), ms since the epoch.
    pub fn bounds_ms(&self) -> Result<(i64, i64), String> {
        let after = self.to.tomorrow().map_err(|e| e.to_string())?;
        Ok((
            start_of(self.from, &self.zone)?,
            start_of(after, &self.zone)?,
        ))
    }

    /// The first day of the period `date` is in.
    fn period_of(&self, date: Date) -> Date {
        match self.by {
            Period::Day => date,
            Period::Week => monday_of(date),
        }
    }
}

/// The first instant of `date` in `zone` (midnight, or the first time after a gap).
fn start_of(date: Date, zone: &TimeZone) -> Result<i64, String> {
    Ok(zone
        .to_ambiguous_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .map_err(|e| e.to_string())?
        .as_millisecond())
}

fn monday_of(date: Date) -> Date {
    let back = date.weekday().to_monday_zero_offset();
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// The figures of a set of chats (and tickets).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub chats: u64,
    pub answered: u64,
    pub missed: u64,
    pub tickets: u64,
    pub wait_median_ms: Option<i64>,
    pub wait_p90_ms: Option<i64>,
    pub first_response_median_ms: Option<i64>,
    pub first_response_p90_ms: Option<i64>,
    pub duration_median_ms: Option<i64>,
    pub duration_p90_ms: Option<i64>,
    pub messages: i64,
    pub transfers: i64,
    pub rated_good: u64,
    pub rated_bad: u64,
    /// Good ratings over all ratings; none without ratings.
    pub good_share: Option<f64>,
}

/// Figures being gathered.
#[derive(Default)]
struct Tally {
    figures: Figures,
    waits: Vec<i64>,
    responses: Vec<i64>,
    durations: Vec<i64>,
}

impl Tally {
    fn add_chat(&mut self, chat: &ChatFacts) {
        let f = &mut self.figures;
        f.chats += 1;
        f.messages += chat.messages;
        f.transfers += chat.transfers;
        match chat.accepted_at {
            Some(accepted) => {
                f.answered += 1;
                self.waits.push(accepted - chat.created_at);
                if let Some(first) = chat.first_response_at {
                    self.responses.push(first - accepted);
                }
                if let Some(ended) = chat.ended_at {
                    self.durations.push(ended - accepted);
                }
            }
            None if matches!(chat.status.as_str(), "ended" | "missed") => f.missed += 1,
            None => {}
        }
        match chat.rating {
            Some(1) => f.rated_good += 1,
            Some(_) => f.rated_bad += 1,
            None => {}
        }
    }

    fn finish(mut self) -> Figures {
        let f = &mut self.figures;
        (f.wait_median_ms, f.wait_p90_ms) = spread(&mut self.waits);
        (f.first_response_median_ms, f.first_response_p90_ms) = spread(&mut self.responses);
        (f.duration_median_ms, f.duration_p90_ms) = spread(&mut self.durations);
        let rated = f.rated_good + f.rated_bad;
        f.good_share = (rated > 0).then(|| f.rated_good as f64 / rated as f64);
        self.figures
    }
}

/// The median (the mean of the two middle values when there is an even number) and the 90th
/// percentile (nearest rank) of `values`.
fn spread(values: &mut [i64]) -> (Option<i64>, Option<i64>) {
    if values.is_empty() {
        return (None, None);
    }
    values.sort_unstable();
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    };
    let rank = (n * 9).div_ceil(10).max(1);
    (Some(median), Some(values[rank - 1]))
}

/// Figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodFigures {
    /// Its first day, `YYYY-MM-DD`.
    pub start: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Figures of one queue or agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedFigures {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A rating's comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    pub conversation_id: String,
    pub rating: &'static str,
    pub comment: String,
    pub rated_at: Option<i64>,
    pub queue_id: Option<String>,
    pub agent_id: Option<String>,
}

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub zone: String,
    pub from: String,
    pub to: String,
    pub by: Period,
    pub overall: Figures,
    /// Every period of the range, those without chats included.
    pub periods: Vec<PeriodFigures>,
    pub queues: Vec<NamedFigures>,
    pub agents: Vec<NamedFigures>,
    /// Chats started, by weekday (Monday first) and hour of the day, in the zone.
    pub hours: Vec<[u64; 24]>,
    /// The ratings' comments, the latest [`MAX_COMMENTS`], newest first.
    pub comments: Vec<Comment>,
}

/// What a report is computed from: the range's chats, tickets and rating comments (the latest
/// [`MAX_COMMENTS`]), and the names of the portal's queues and agents, as `(id, name)` in the
/// order to list them (others are listed after, by id).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub chats: Vec<ChatFacts>,
    pub tickets: Vec<TicketFacts>,
    pub comments: Vec<RatingComment>,
    pub queues: Vec<(String, String)>,
    pub agents: Vec<(String, String)>,
}

/// Most rating comments a report lists.
pub const MAX_COMMENTS: i64 = 200;

/// Reads what a report needs from the store, as the admin API does: the chats and tickets of
/// `[start, end)` (a [`Range::bounds_ms`]).
pub async fn gather(
    store: &dyn crate::store::Store,
    portal_id: &str,
    (start, end): (i64, i64),
) -> Result<Facts, crate::store::StoreError> {
    Ok(Facts {
        chats: store.chat_facts(portal_id, start, end).await?,
        tickets: store.ticket_facts(portal_id, start, end).await?,
        comments: store
            .rating_comments(portal_id, start, end, MAX_COMMENTS)
            .await?,
        queues: store
            .queues(portal_id)
            .await?
            .into_iter()
            .map(|q| (q.id, q.name))
            .collect(),
        agents: store
            .agents(portal_id)
            .await?
            .into_iter()
            .map(|a| (a.user_id, a.display_name))
            .collect(),
    })
}

/// Computes the report of `range` from `facts`.
pub fn compute(range: &Range, facts: &Facts) -> Report {
    let (chats, tickets) = (&facts.chats, &facts.tickets);
    let zone = &range.zone;
    let local =
        |ms: i64| zone.to_datetime(jiff::Timestamp::from_millisecond(ms).unwrap_or_default());
    let mut starts = Vec::new();
    let mut day = range.period_of(range.from);
    while day <= range.to {
        starts.push(day);
        let next = match range.by {
            Period::Day => day.tomorrow(),
            Period::Week => day.checked_add(jiff::Span::new().days(7)),
        };
        let Ok(next) = next else { break };
        day = next;
    }
    let mut overall = Tally::default();
    let mut periods: Vec<Tally> = starts.iter().map(|_| Tally::default()).collect();
    let mut by_queue = Keyed::new(&facts.queues);
    let mut by_agent = Keyed::new(&facts.agents);
    let mut hours = vec![[0u64; 24]; 7];
    let period_index = |date: Date| starts.binary_search(&range.period_of(date)).ok();
    for chat in chats {
        let at = local(chat.created_at);
        overall.add_chat(chat);
        if let Some(i) = period_index(at.date()) {
            periods[i].add_chat(chat);
        }
        by_queue.tally(chat.queue_id.as_deref()).add_chat(chat);
        if let Some(agent) = &chat.accepted_by {
            by_agent.tally(Some(agent)).add_chat(chat);
        }
        let weekday = at.weekday().to_monday_zero_offset() as usize;
        hours[weekday][at.hour() as usize] += 1;
    }
    for ticket in tickets {
        overall.figures.tickets += 1;
        if let Some(i) = period_index(local(ticket.created_at).date()) {
            periods[i].figures.tickets += 1;
        }
        by_queue.tally(ticket.queue_id.as_deref()).figures.tickets += 1;
    }
    let comments = facts
        .comments
        .iter()
        .map(|c| Comment {
            conversation_id: c.conversation_id.clone(),
            rating: if c.rating == 1 { "good" } else { "bad" },
            comment: c.comment.clone(),
            rated_at: c.rated_at,
            queue_id: c.queue_id.clone(),
            agent_id: c.agent_id.clone(),
        })
        .collect();
    Report {
        zone: zone.iana_name().unwrap_or("UTC").to_string(),
        from: range.from.to_string(),
        to: range.to.to_string(),
        by: range.by,
        overall: overall.finish(),
        periods: starts
            .iter()
            .zip(periods)
            .map(|(start, tally)| PeriodFigures {
                start: start.to_string(),
                figures: tally.finish(),
            })
            .collect(),
        queues: by_queue.finish(),
        agents: by_agent.finish(),
        hours,
        comments,
    }
}

/// Tallies by id (queue, agent), named.
struct Keyed {
    names: Vec<(String, String)>,
    tallies: Vec<(String, Tally)>,
}

impl Keyed {
    fn new(names: &[(String, String)]) -> Self {
        Self {
            names: names.to_vec(),
            tallies: Vec::new(),
        }
    }

    fn tally(&mut self, id: Option<&str>) -> &mut Tally {
        let id = id.unwrap_or_default();
        let at = match self.tallies.iter().position(|(k, _)| k == id) {
            Some(at) => at,
            None => {
                self.tallies.push((id.to_string(), Tally::default()));
                self.tallies.len() - 1
            }
        };
        &mut self.tallies[at].1
    }

    /// Those named first, in the names' order, then the others by id; only those with chats
    /// or tickets.
    fn finish(self) -> Vec<NamedFigures> {
        let mut out: Vec<NamedFigures> = Vec::new();
        let mut rest = self.tallies;
        for (id, name) in &self.names {
            if let Some(at) = rest.iter().position(|(k, _)| k == id) {
                let (_, tally) = rest.remove(at);
                out.push(NamedFigures {
                    id: id.clone(),
                    name: name.clone(),
                    figures: tally.finish(),
                });
            }
        }
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        for (id, tally) in rest {
            let name = if id.is_empty() {
                "(none)".to_string()
            } else {
                format!("(deleted) {id}")
            };
            out.push(NamedFigures {
                id,
                name,
                figures: tally.finish(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn median_and_90th_percentile_by_nearest_rank() {
        assert_eq!(spread(&mut []), (None, None));
        assert_eq!(spread(&mut [5]), (Some(5), Some(5)));
        assert_eq!(spread(&mut [30, 10]), (Some(20), Some(30)));
        assert_eq!(spread(&mut [3, 1, 2]), (Some(2), Some(3)));
        let mut hundred: Vec<i64> = (1..=100).rev().collect();
        assert_eq!(spread(&mut hundred), (Some(50), Some(90)));
    }
}
