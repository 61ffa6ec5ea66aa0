//! A portal's settings over the admin API: they reach the chat profile at once, bad values are
//! refused by field with nothing changed, and pre-chat answers are checked against the form
//! and reach the agent and tickets.

use reqwest::Method;
use serde_json::json;

use crate::common::TestServer;
use crate::journey::visitor;
use crate::socket::agent_token;

#[tokio::test]
async fn portal_settings_show_in_the_chat_profile_at_once() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let profile_path = format!(
        "/v1/chatcustomer/getsettingandqueues?key={}",
        server.facts.widget_key
    );
    // Read once, so that the settings are cached before they change.
    let (_, before) = server.call(Method::GET, &profile_path, None, None).await;
    assert_eq!(before["chatProfile"]["portal"], "Parlor Demo");

    let change = json!({
        "name": "Acme Tea",
        "color": "#0F766E",
        "greeting": "Hello! Ask us about tea.",
        "reply_time_text": "We usually reply in a few minutes",
        "offline_message": "We are away; leave a message.",
        "position": "left",
        "language": "vi",
        "allowed_origins": ["https://acme.example"],
        "business_hours": "Mon-Sun 00:00-24:00 Europe/Berlin",
        "closed_dates": ["2030-12-25"],
        "prechat_fields": {
            "fields": [{"id": "order", "type": "text", "label": {"en": "Order number", "vi": "Mã đơn"}}],
            "consent": {"en": "I accept the privacy policy"}
        }
    });
    let (status, answer) = server
        .call(
            Method::PATCH,
            "/v1/admin/portal",
            Some(&admin),
            Some(change),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["portal"]["color"], "#0f766e");

    let (_, after) = server.call(Method::GET, &profile_path, None, None).await;
    // No Origin header: the server's own pages are allowed whatever the list says.
    let p = &after["chatProfile"];
    assert_eq!(p["portal"], "Acme Tea", "{after}");
    assert_eq!(p["background"], "#0f766e");
    assert_eq!(p["greeting"], "Hello! Ask us about tea.");
    assert_eq!(p["reply_time_text"], "We usually reply in a few minutes");
    assert_eq!(p["offline_message"], "We are away; leave a message.");
    assert_eq!(p["position"], "left");
    assert_eq!(p["language"], "vi");
    assert_eq!(p["hour"], "Mon-Sun 00:00-24:00 Europe/Berlin");
    assert_eq!(p["prechat"]["fields"][0]["label"]["vi"], "Mã đơn");
    assert_eq!(p["prechat"]["consent"]["en"], "I accept the privacy policy");
}

#[tokio::test]
async fn bad_settings_are_refused_by_field_and_nothing_changes() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let (_, before) = server
        .call(Method::GET, "/v1/admin/portal", Some(&admin), None)
        .await;
    let bad = [
        (json!({"name": ""}), 422, "name"),
        (json!({"name": "x".repeat(101)}), 422, "name"),
        (json!({"color": "blue"}), 422, "color"),
        (json!({"logo_url": "javascript:alert(1)"}), 422, "logo_url"),
        (json!({"language": "fr"}), 422, "language"),
        (json!({"position": "top"}), 422, "position"),
        (json!({"greeting": "x".repeat(501)}), 422, "greeting"),
        (json!({"agent_max_serve": 0}), 422, "agent_max_serve"),
        (
            json!({"allowed_origins": ["not an origin"]}),
            422,
            "allowed_origins",
        ),
        (
            json!({"identity_verification": "yes"}),
            400,
            "identity_verification",
        ),
        (
            json!({"business_hours": "Mon 09:00-17:00 Mars/Olympus"}),
            422,
            "business_hours",
        ),
        (json!({"closed_dates": ["2026-02-30"]}), 422, "closed_dates"),
        (
            json!({"prechat_fields": {"fields": [{"id": "email", "type": "text", "label": {"en": "E"}}]}}),
            422,
            "prechat_fields",
        ),
        (json!({"colour": "#000000"}), 400, "colour"),
        // One bad field spoils the whole change: the good one is not applied either.
        (json!({"name": "Fine", "color": "nope"}), 422, "color"),
    ];
    for (body, status, field) in bad {
        let (got, answer) = server
            .call(
                Method::PATCH,
                "/v1/admin/portal",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_ne!(answer["r"], 0);
        assert!(
            answer["msg"].as_str().unwrap().contains(field),
            "{body}: {answer}"
        );
    }
    let (status, answer) = server
        .call(Method::PATCH, "/v1/admin/portal", Some(&admin), None)
        .await;
    assert_eq!(status, 400, "{answer}");
    let huge = json!({ "greeting": "x".repeat(100_000) });
    let (status, answer) = server
        .call(Method::PATCH, "/v1/admin/portal", Some(&admin), Some(huge))
        .await;
    assert_eq!((status, answer["r"].clone()), (413, json!(1)), "{answer}");
    let (_, after) = server
        .call(Method::GET, "/v1/admin/portal", Some(&admin), None)
        .await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn prechat_answers_are_checked_against_the_form_and_reach_the_agent() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let form = json!({
        "fields": [
            {"id": "order", "type": "text", "label": {"en": "Order number"}, "required": true},
            {"id": "plan", "type": "select", "label": {"en": "Plan"}, "options": ["Free", "Pro"]}
        ],
        "consent": {"en": "I agree"}
    });
    let (status, _) = server
        .call(
            Method::PATCH,
            "/v1/admin/portal",
            Some(&admin),
            Some(json!({ "prechat_fields": form })),
        )
        .await;
    assert_eq!(status, 200);
    let (mut ann, ann_id) = visitor(&server, "browser-fields").await;
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    // Missing a required answer, an unknown option, or no consent: refused, nothing stored.
    for fields in [
        json!({"plan": "Pro", "consent": "true"}),
        json!({"order": "A-1", "plan": "Gold", "consent": "true"}),
        json!({"order": "A-1"}),
    ] {
        let reply = ann
            .request(70, json!({"name": "Ann", "fields": fields}))
            .await;
        assert_eq!(reply["r"], 400, "{fields}: {reply}");
    }
    let reply = ann
        .request(70, json!({"name": "Ann", "useragent": ua, "fields": {"order": "A-1", "plan": "Pro", "consent": "true"}}))
        .await;
    assert_eq!(reply["r"], 0, "{reply}");
    // The agent sees the answers with their labels, and the browser in words.
    let mut alice = crate::journey::agent(&server, 0).await;
    let info = alice.request(56, json!({"userIds": ann_id})).await;
    let details = &info["users"][0]["details"];
    assert_eq!(details["browser"], "Chrome 131 on Windows", "{info}");
    assert_eq!(
        details["fields"],
        json!([{"label": "Order number", "value": "A-1"}, {"label": "Plan", "value": "Pro"}])
    );

    // A ticket carries the answers: those given with it, or the visitor's from their chat.
    let ticket = |extra: &str| {
        format!(
            "/v1/chatcustomer/generateticket?key={}&username=Ann&email=ann@example.com&note=Call%20me{extra}",
            server.facts.widget_key
        )
    };
    let (status, _) = server
        .call(
            Method::GET,
            &ticket("&fields=%7B%22plan%22%3A%22Pro%22%7D"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 400, "the required answer is missing");
    let given = "&fields=%7B%22order%22%3A%22B-2%22%2C%22consent%22%3A%22true%22%7D";
    let (status, _) = server.call(Method::GET, &ticket(given), None, None).await;
    assert_eq!(status, 200);
    let (status, _) = server
        .call(Method::GET, &ticket("&userId=browser-fields"), None, None)
        .await;
    assert_eq!(status, 200);
    let (_, tickets) = server
        .call(Method::GET, "/v1/agent/tickets", Some(&admin), None)
        .await;
    // (Both were made within a few milliseconds: compare without their order.)
    let mut answers: Vec<String> = tickets["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["fields"].to_string())
        .collect();
    answers.sort();
    let mut expected = vec![
        json!([{"label": "Order number", "value": "A-1"}, {"label": "Plan", "value": "Pro"}])
            .to_string(),
        json!([{"label": "Order number", "value": "B-2"}]).to_string(),
    ];
    expected.sort();
    assert_eq!(answers, expected);
    let mail = server.outbox().pop().unwrap();
    assert!(mail.contains("Order number: A-1"), "{mail}");
}
