//! The queue picker, mounted in a real (headless) browser.

use leptos::prelude::*;
use parlor_client::protocol::rest::Queue;
use parlor_widget::QueuePicker;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn queue(id: &str, name: &str) -> Queue {
    Queue {
        id: id.to_string(),
        name: name.to_string(),
        agents_online: None,
    }
}

/// A fresh container in the document, so each test reads only its own DOM.
fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn buttons(root: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
    let list = root.query_selector_all("button").unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

#[wasm_bindgen_test]
async fn lists_every_queue_in_order_and_reports_the_one_picked() {
    let root = container();
    let picked = RwSignal::new(None::<Queue>);
    let queues = vec![queue("q1", "Sales"), queue("q2", "Support")];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <QueuePicker queues=queues.clone() on_pick=Callback::new(move |q| picked.set(Some(q))) /> }
    });
    tick().await;

    let names: Vec<String> = buttons(&root)
        .iter()
        .map(|b| b.text_content().unwrap())
        .collect();
    assert_eq!(names, ["Sales", "Support"]);
    assert!(
        root.text_content()
            .unwrap()
            .contains("Who would you like to talk to?")
    );

    buttons(&root)[1].click();
    tick().await;
    assert_eq!(picked.get_untracked(), Some(queue("q2", "Support")));
}

#[wasm_bindgen_test]
async fn says_so_when_no_queue_is_open() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), || {
        view! { <QueuePicker queues=Vec::new() on_pick=Callback::new(|_| {}) /> }
    });
    tick().await;
    assert!(buttons(&root).is_empty());
    assert!(
        root.text_content()
            .unwrap()
            .contains("No team is taking chats right now.")
    );
}

#[wasm_bindgen_test]
async fn queue_names_are_text_never_markup() {
    let root = container();
    let queues = vec![queue("q1", "<img src=x onerror=alert(1)>Sales")];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <QueuePicker queues=queues.clone() on_pick=Callback::new(|_| {}) /> }
    });
    tick().await;
    assert!(root.query_selector("img").unwrap().is_none());
    assert_eq!(
        buttons(&root)[0].text_content().unwrap(),
        "<img src=x onerror=alert(1)>Sales"
    );
}

async fn tick() {
    // Lets Leptos's scheduled work (effects, event handlers' updates) run.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL))
        .await
        .unwrap();
}
