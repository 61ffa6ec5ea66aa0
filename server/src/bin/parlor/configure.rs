//! `parlor configure`: the first portal's hours and origins, and a queue's timeouts, from the
//! command line.

use parlor_server::hours::Hours;

use crate::cli::Place;

pub async fn configure(
    place: &Place,
    business_hours: Option<String>,
    allowed_origins: Option<String>,
    queue: Option<String>,
    answer_timeout: Option<u64>,
    queue_timeout: Option<u64>,
) -> Result<(), String> {
    let store = place.open_existing().await?;
    let portal = store
        .first_portal()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the data folder has no portal")?;
    if business_hours.is_some() || allowed_origins.is_some() {
        let hours = business_hours.unwrap_or(portal.business_hours.clone());
        Hours::parse(&hours).map_err(|e| format!("--business-hours: {e}"))?;
        let origins = allowed_origins.unwrap_or(portal.allowed_origins.clone());
        store
            .configure_portal(&portal.id, hours.trim(), origins.trim())
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "Business hours:  {}",
            if hours.trim().is_empty() {
                "always open"
            } else {
                hours.trim()
            }
        );
        println!(
            "Allowed origins: {}",
            if origins.trim().is_empty() {
                "any"
            } else {
                origins.trim()
            }
        );
    }
    if queue.is_some() && answer_timeout.is_none() && queue_timeout.is_none() {
        return Err("--queue needs --answer-timeout and/or --queue-timeout".into());
    }
    if let Some(wanted) = queue {
        let queues = store.queues(&portal.id).await.map_err(|e| e.to_string())?;
        let found = queues
            .iter()
            .find(|q| q.id == wanted || q.name.eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| format!("no queue named {wanted}"))?;
        let current = store
            .queue(&portal.id, &found.id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the queue vanished")?;
        let answer = answer_timeout.map_or(current.answer_timeout_ms, |s| (s.max(1) * 1000) as i64);
        let waiting = queue_timeout.map_or(current.queue_timeout_ms, |s| (s.max(1) * 1000) as i64);
        store
            .configure_queue(&found.id, answer, waiting)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "Queue {}: answer timeout {} s, queue timeout {} s",
            found.name,
            answer / 1000,
            waiting / 1000
        );
    }
    store.close().await;
    Ok(())
}
