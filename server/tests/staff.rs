//! Agents' accounts: invitations by mail, roles, deactivation that signs out at once and hands
//! the chats back to their queue, the last admin, sign-in throttling, and an agent's own
//! account.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::journey::{agent, push_of, visitor};
use crate::socket::Client;
use crate::socket::agent_token;

async fn login(server: &TestServer, email: &str, password: &str) -> (u16, Value) {
    server
        .call(
            Method::POST,
            "/v1/agent/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
}

/// The invitation link's token from the newest mail in the outbox.
fn invitation_token(server: &TestServer) -> String {
    // The body is quoted-printable: undo its soft line breaks and its `=3D` for `=`.
    let mail = server
        .outbox()
        .pop()
        .expect("an invitation mail")
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = mail.find("#invite=").expect("a link with its token") + "#invite=".len();
    mail[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn an_invited_agent_sets_a_password_once_and_signs_in() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let sales = server.facts.queues[0].id.clone();
    let (status, created) = server
        .call(
            Method::POST,
            "/v1/admin/agents",
            Some(&admin),
            Some(json!({"email": "Carol@Example.com", "display_name": "Carol", "queues": [sales]})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["agent"]["email"], "carol@example.com");
    assert_eq!(created["agent"]["invited"], true);
    assert_eq!(created["agent"]["role"], "agent");
    assert_eq!(created["agent"]["queues"], json!([sales]));
    let mail = server.outbox().pop().unwrap();
    assert!(mail.contains("To: carol@example.com"), "{mail}");
    assert!(mail.contains("Parlor Demo"));
    let token = invitation_token(&server);

    // Before the invitation is used, no password works.
    assert_eq!(login(&server, "carol@example.com", "").await.0, 400);
    assert_eq!(login(&server, "carol@example.com", "!").await.0, 401);
    // A weak password is refused and the invitation stays usable.
    let (status, _) = server
        .call(
            Method::POST,
            "/v1/agent/invitation",
            None,
            Some(json!({"token": token, "password": "short"})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, accepted) = server
        .call(
            Method::POST,
            "/v1/agent/invitation",
            None,
            Some(json!({"token": token, "password": "green tea every day"})),
        )
        .await;
    assert_eq!(
        (status, accepted["email"].clone()),
        (200, json!("carol@example.com"))
    );
    let (status, signed_in) = login(&server, "carol@example.com", "green tea every day").await;
    assert_eq!(
        (status, signed_in["role"].clone()),
        (200, json!("agent")),
        "{signed_in}"
    );
    // Single use.
    let (status, again) = server
        .call(
            Method::POST,
            "/v1/agent/invitation",
            None,
            Some(json!({"token": token, "password": "another password"})),
        )
        .await;
    assert_eq!(status, 404, "{again}");
    // The same email cannot be invited twice.
    let (status, _) = server
        .call(
            Method::POST,
            "/v1/admin/agents",
            Some(&admin),
            Some(json!({"email": "carol@example.com"})),
        )
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn an_invitation_expires_after_seven_days() {
    let server = TestServer::start().await;
    let store = server.store().await;
    let bob = &server.facts.agents[1].user_id;
    let now = parlor_server::hours::now_ms();
    let expires = now + parlor_server::admin::INVITATION_LIFETIME_MS;
    let hash = parlor_server::admin::token_hash("t1");
    store.create_invitation(&hash, bob, expires).await.unwrap();
    assert_eq!(store.redeem_invitation(&hash, expires).await.unwrap(), None);
    assert_eq!(
        store.redeem_invitation(&hash, expires - 1).await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(
        store.redeem_invitation(&hash, now).await.unwrap(),
        None,
        "used"
    );
}

/// A visitor opens a chat in Sales while only Bob is connected, and Bob takes it: answers
/// Bob's and the visitor's sockets and the chat's id.
async fn bob_takes_a_chat(server: &TestServer, browser: &str) -> (Client, Client, Value) {
    let sales = server.facts.queues[0].id.clone();
    let mut bob = agent(server, 1).await;
    let (mut visitor, _) = visitor(server, browser).await;
    let created = visitor
        .request(41, json!({"name": sales, "localDbId": "c1"}))
        .await;
    let conv = created["convId"].clone();
    let offer = push_of(&mut bob, 64).await;
    assert_eq!(offer["convId"], conv);
    let accepted = bob
        .request(65, json!({"convId": conv, "answer": true}))
        .await;
    assert_eq!(accepted["r"], 0, "{accepted}");
    (bob, visitor, conv)
}

#[tokio::test]
async fn a_deactivated_agent_is_signed_out_and_their_chat_goes_to_a_colleague() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let bob_id = server.facts.agents[1].user_id.clone();
    let (mut bob, mut ann, conv) = bob_takes_a_chat(&server, "browser-ann").await;

    let mut alice = agent(&server, 0).await;
    let (status, changed) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/agents/{bob_id}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(
        (status, changed["agent"]["active"].clone()),
        (200, json!(false))
    );
    // Bob's socket closes with the sign-out code; he can neither sign in nor reconnect.
    assert_eq!(bob.close_code().await, Some(4009));
    let bob_login = &server.facts.agents[1];
    let (status, _) = login(&server, &bob_login.email, &bob_login.password).await;
    assert_eq!(status, 401);
    // The chat is back in the queue: Alice is offered it, and the visitor saw Bob leave.
    let offer = push_of(&mut alice, 64).await;
    assert_eq!(offer["convId"], conv);
    let left = push_of(&mut ann, 45).await;
    assert_eq!(left["type"], 100, "{left}");
    let accepted = alice
        .request(65, json!({"convId": conv, "answer": true}))
        .await;
    assert_eq!(accepted["r"], 0, "{accepted}");
    // Reactivated, Bob signs in again.
    server
        .call(
            Method::PATCH,
            &format!("/v1/admin/agents/{bob_id}"),
            Some(&admin),
            Some(json!({"active": true})),
        )
        .await;
    assert_eq!(
        login(&server, &bob_login.email, &bob_login.password)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn the_last_admin_stays_and_roles_change_what_an_agent_may_do() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let alice_id = server.facts.agents[0].user_id.clone();
    let bob_id = server.facts.agents[1].user_id.clone();
    for body in [json!({"role": "agent"}), json!({"active": false})] {
        let (status, answer) = server
            .call(
                Method::PATCH,
                &format!("/v1/admin/agents/{alice_id}"),
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!((status, answer["r"].clone()), (409, json!(7)), "{answer}");
    }
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/agents/{alice_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 409);
    // Bob becomes an admin: now Alice may step down, and Bob runs the settings.
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/agents/{bob_id}"),
            Some(&admin),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, 200);
    let bob = agent_token(&server, 1).await;
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/agents/{alice_id}"),
            Some(&bob),
            Some(json!({"role": "agent"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .call(Method::GET, "/v1/admin/portal", Some(&admin), None)
        .await;
    assert_eq!(status, 403, "Alice's token now belongs to an agent");
    // A deleted agent leaves the lists, and their token no longer works anywhere.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/v1/admin/agents/{alice_id}"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, agents) = server
        .call(Method::GET, "/v1/admin/agents", Some(&bob), None)
        .await;
    assert_eq!(agents["agents"].as_array().unwrap().len(), 1, "{agents}");
    let (status, _) = server
        .call(Method::GET, "/v1/agent/me", Some(&admin), None)
        .await;
    assert_eq!(status, 401);
    // Bad values are refused by field.
    for body in [
        json!({"max_chats": 0}),
        json!({"role": "owner"}),
        json!({"email": "x@example.com"}),
    ] {
        let (status, answer) = server
            .call(
                Method::PATCH,
                &format!("/v1/admin/agents/{bob_id}"),
                Some(&bob),
                Some(body.clone()),
            )
            .await;
        assert!(matches!(status, 400 | 422), "{body}: {answer}");
    }
}

#[tokio::test]
async fn five_wrong_passwords_make_sign_in_wait() {
    let server = TestServer::start().await;
    let bob = &server.facts.agents[1];
    for _ in 0..4 {
        assert_eq!(login(&server, &bob.email, "wrong password").await.0, 401);
    }
    let response = reqwest::Client::new()
        .post(format!("{}/v1/agent/login", server.url))
        .json(&json!({"email": bob.email.to_uppercase(), "password": "wrong again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 30);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["r"], 5);
    // Even the right password waits now; another agent is not affected.
    assert_eq!(login(&server, &bob.email, &bob.password).await.0, 429);
    let alice = &server.facts.agents[0];
    assert_eq!(login(&server, &alice.email, &alice.password).await.0, 200);
}

#[tokio::test]
async fn an_agent_changes_their_own_name_and_password() {
    let server = TestServer::start().await;
    let bob = &server.facts.agents[1];
    let token = agent_token(&server, 1).await;
    let (status, me) = server
        .call(Method::GET, "/v1/agent/me", Some(&token), None)
        .await;
    assert_eq!((status, me["agent"]["role"].clone()), (200, json!("agent")));
    let (status, _) = server
        .call(
            Method::PATCH,
            "/v1/agent/me",
            Some(&token),
            Some(json!({"password": "a brand new password", "old_password": "wrong"})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, me) = server
        .call(
            Method::PATCH,
            "/v1/agent/me",
            Some(&token),
            Some(json!({"display_name": "Robert", "password": "a brand new password", "old_password": bob.password})),
        )
        .await;
    assert_eq!(
        (status, me["agent"]["display_name"].clone()),
        (200, json!("Robert"))
    );
    assert_eq!(login(&server, &bob.email, &bob.password).await.0, 401);
    assert_eq!(
        login(&server, &bob.email, "a brand new password").await.0,
        200
    );
    // A visitor has no agent account.
    let visitor = crate::socket::visitor_token(&server, "browser-me").await;
    let (status, _) = server
        .call(Method::GET, "/v1/agent/me", Some(&visitor), None)
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn deactivating_an_agent_who_is_offline_still_hands_their_chat_back() {
    let server = TestServer::start().await;
    let admin = agent_token(&server, 0).await;
    let bob_id = server.facts.agents[1].user_id.clone();
    let (bob, _ann, conv) = bob_takes_a_chat(&server, "browser-offline-agent").await;
    drop(bob); // Bob closes his laptop; the chat stays his.

    let mut alice = agent(&server, 0).await;
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/admin/agents/{bob_id}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 200);
    let offer = push_of(&mut alice, 64).await;
    assert_eq!(offer["convId"], conv);
}
