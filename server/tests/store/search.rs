//! Search over conversations: words in messages, visitors and tickets, and the filters.

use std::sync::Arc;

use parlor_server::store::search::words;
use parlor_server::store::{Label, NewTicket, Rating, SearchQuery, Status, Store, Visitor};

use super::*;

fn query(typed: &str) -> SearchQuery {
    SearchQuery {
        portal_id: "portal-a".into(),
        words: words(typed),
        limit: 20,
        ..SearchQuery::default()
    }
}

async fn found(store: &Arc<dyn Store>, query: SearchQuery) -> Vec<String> {
    let mut ids: Vec<String> = store
        .search(&query)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.conv_id)
        .collect();
    ids.sort();
    ids
}

pub async fn search_finds_words_in_messages_visitors_and_tickets(store: Arc<dyn Store>) {
    store.create_portal(&new_portal("a")).await.unwrap();
    store.create_portal(&new_portal("b")).await.unwrap();
    for (id, name, email) in [
        ("ann", "Ann Lee", "ann@example.com"),
        ("ben", "Ben Trần", "ben@shop.example"),
        ("cat", "Cat", ""),
    ] {
        store
            .upsert_visitor(&Visitor {
                name: name.into(),
                email: email.into(),
                ..Visitor::new(id, "portal-a")
            })
            .await
            .unwrap();
    }
    let ann = chat(&store, "a", "ann").await;
    let ben = chat(&store, "a", "ben").await;
    let cat = chat(&store, "a", "cat").await;
    let mut seqs = Vec::new();
    for (conv, sender, local, said) in [
        (&ann, "ann", "1", "Hello, I need a refund for order 4471"),
        (&ann, "agent-bob-a", "2", "Refunds take five days"),
        (&ben, "ben", "3", "Tiếng Việt được không?"),
        (&cat, "cat", "4", "Where is my parcel?"),
    ] {
        let (message, _) = store
            .append_message(&text(conv, sender, local, said))
            .await
            .unwrap();
        seqs.push(message.seq);
    }
    // A photo's caption-less content is not text: it is not searched.
    let mut photo = text(&cat, "cat", "5", "refund");
    photo.kind = 2;
    store.append_message(&photo).await.unwrap();
    store
        .create_ticket(&NewTicket {
            portal_id: "portal-a".into(),
            visitor_id: Some("cat".into()),
            conv_id: Some(cat.clone()),
            queue_id: Some("sales-a".into()),
            name: "Cat".into(),
            email: "cat@example.com".into(),
            phone: String::new(),
            note: "Please call me about the invoice".into(),
            fields: "[]".into(),
        })
        .await
        .unwrap();
    // Another portal's chat with the same words is never found.
    let other = store
        .create_conversation(&parlor_server::store::NewConversation {
            id: "conv-b".into(),
            portal_id: "portal-b".into(),
            queue_id: "sales-b".into(),
            creator: "zed".into(),
            create_local_id: None,
            custom_data: String::new(),
        })
        .await
        .unwrap()
        .0;
    store
        .append_message(&text(&other.id, "zed", "9", "refund please"))
        .await
        .unwrap();

    // Words, as prefixes, all required, case and diacritics aside on SQLite's side.
    assert_eq!(found(&store, query("REFUND")).await, [ann.as_str()]);
    assert_eq!(found(&store, query("refund 4471")).await, [ann.as_str()]);
    assert!(found(&store, query("refund parcel")).await.is_empty());
    assert_eq!(found(&store, query("tiếng")).await, [ben.as_str()]);
    // The visitor's name and email, and a ticket's text.
    assert_eq!(found(&store, query("lee")).await, [ann.as_str()]);
    assert_eq!(found(&store, query("shop")).await, [ben.as_str()]);
    assert_eq!(found(&store, query("invoice")).await, [cat.as_str()]);
    // Query syntax is only ever words.
    assert_eq!(
        found(&store, query("refund\" OR \"parcel")).await,
        Vec::<String>::new()
    );

    // The hit: the first matching message, its text; else the ticket's.
    let hits = store.search(&query("refund")).await.unwrap();
    assert_eq!(
        (hits[0].hit_seq, hits[0].hit_text.as_deref()),
        (Some(seqs[0]), Some("Hello, I need a refund for order 4471"))
    );
    assert_eq!(hits[0].visitor_name.as_deref(), Some("Ann Lee"));
    let hits = store.search(&query("invoice")).await.unwrap();
    assert_eq!(
        (hits[0].hit_seq, hits[0].hit_text.as_deref()),
        (None, Some("Please call me about the invoice"))
    );

    // Filters without words: status, agent, rating, label, queue, dates.
    store.assign_agent(&ann, "agent-bob-a").await.unwrap();
    store
        .finish_conversation(&ben, Status::Missed, "system")
        .await
        .unwrap();
    store.rate_conversation(&ann, 0, "Slow").await.unwrap();
    store
        .save_label(&Label {
            id: "l-vip".into(),
            portal_id: "portal-a".into(),
            name: "VIP".into(),
            color: "#000000".into(),
            created_at: 0,
        })
        .await
        .unwrap();
    store
        .set_conversation_labels(&cat, &["l-vip".into()])
        .await
        .unwrap();
    let all = found(&store, query("")).await;
    assert_eq!(all, {
        let mut all = vec![ann.clone(), ben.clone(), cat.clone()];
        all.sort();
        all
    });
    let with = |f: fn(&mut SearchQuery)| {
        let mut q = query("");
        f(&mut q);
        q
    };
    assert_eq!(
        found(&store, with(|q| q.status = Some("missed".into()))).await,
        [ben.as_str()]
    );
    assert_eq!(
        found(&store, with(|q| q.agent_id = Some("agent-bob-a".into()))).await,
        [ann.as_str()]
    );
    assert_eq!(
        found(&store, with(|q| q.rating = Some(Rating::Bad))).await,
        [ann.as_str()]
    );
    assert!(
        found(&store, with(|q| q.rating = Some(Rating::Good)))
            .await
            .is_empty()
    );
    assert_eq!(
        found(&store, with(|q| q.label_id = Some("l-vip".into()))).await,
        [cat.as_str()]
    );
    assert!(
        found(&store, with(|q| q.queue_id = Some("support-a".into())))
            .await
            .is_empty()
    );
    let created = store.conversation(&cat).await.unwrap().unwrap().created_at;
    let mut later = query("");
    later.from = Some(created + 1);
    assert!(found(&store, later).await.is_empty());
    let mut before = query("");
    before.to = Some(created + 1);
    assert_eq!(found(&store, before).await.len(), 3);

    // Newest first, paged.
    let mut order = Vec::new();
    for id in [&ann, &ben, &cat] {
        let c = store.conversation(id).await.unwrap().unwrap();
        order.push((c.created_at, c.id));
    }
    order.sort_by(|a, b| b.cmp(a));
    let mut paged = Vec::new();
    for offset in 0..3 {
        let mut page = query("");
        page.limit = 1;
        page.offset = offset;
        paged.extend(
            store
                .search(&page)
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.conv_id),
        );
    }
    assert_eq!(
        paged,
        order.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    );
}
