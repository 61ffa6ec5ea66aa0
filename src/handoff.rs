//! The widget ships as two modules built from this crate: the *front* (without the `chat`
//! feature: launcher, queue picker, pre-chat form) that a visitor's browser loads to open the
//! widget, and the *chat* module (everything) that the loader fetches once the panel opens. When
//! the visitor goes past the form (starts the chat, or is led to the ticket form, or has a chat
//! in progress) the front hands over: it emits [`EVENT`] with a [`Handoff`], the loader mounts
//! the chat module with it in its options, and the chat module goes on from there. What the
//! visitor typed travels with it: name, email and phone in the browser's storage, as always,
//! and the portal's own fields' answers in the handoff.

use leptos::prelude::*;
use parlor_client::json;
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::context::Ctx;
use crate::journey::{Stage, TicketReason};
use crate::pairs::Pairs;

/// The event the front emits to hand over; the loader takes it (it is not a page event).
pub const EVENT: &str = "parlor:handoff";

/// Where the chat module goes on from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handoff {
    /// `start` (the form was sent: start the chat), `resume` (a chat in progress), or the
    /// ticket form's reason (`nobody`, `closed`, `no-answer`). Empty: no handoff.
    pub to: String,
    /// The chosen queue's id.
    pub queue: String,
    /// The portal's own fields' answers, as a JSON object of texts (for `start`).
    pub answers: String,
}

impl Handoff {
    /// Reads the options' `handoff` object; missing, it is no handoff.
    pub fn from_js(options: &JsValue) -> Self {
        use crate::options::text;
        let handoff = js_sys::Reflect::get(options, &JsValue::from_str("handoff"))
            .unwrap_or(JsValue::UNDEFINED);
        if !handoff.is_object() {
            return Self::default();
        }
        Self {
            to: text(&handoff, "to"),
            queue: text(&handoff, "queue"),
            answers: text(&handoff, "answers"),
        }
    }

    /// The answers it carries.
    pub fn answers(&self) -> Pairs {
        let Some(Value::Object(map)) = json::parse(&self.answers) else {
            return Pairs::new();
        };
        map.into_iter()
            .filter_map(|(key, value)| value.as_str().map(|v| (key, v.to_string())))
            .collect()
    }

    /// The screen the chat module opens on; `None` for its usual start (a chat in progress, or
    /// none: the first screen).
    pub fn stage(&self) -> Option<Stage> {
        Some(match self.to.as_str() {
            "start" => Stage::PreChat,
            "nobody" => Stage::Ticket(TicketReason::Nobody),
            "closed" => Stage::Ticket(TicketReason::Closed),
            "no-answer" => Stage::Ticket(TicketReason::NoAnswer),
            _ => return None,
        })
    }

    /// What to say for a screen the front does not have.
    #[cfg(not(feature = "chat"))]
    pub fn to_stage(stage: &Stage) -> &'static str {
        match stage {
            Stage::Ticket(TicketReason::Nobody) => "nobody",
            Stage::Ticket(TicketReason::Closed) => "closed",
            Stage::Ticket(TicketReason::NoAnswer) => "no-answer",
            _ => "resume",
        }
    }
}

impl Ctx {
    /// Hands the visitor over to the chat module (see the module's doc): `to` and the answers
    /// of the form, if it was sent.
    #[cfg(not(feature = "chat"))]
    pub(crate) fn hand_over(&self, to: &str, answers: Option<&Pairs>) {
        let queue = self.queue.get_untracked().unwrap_or_default();
        let answers = answers.map(encode).unwrap_or_default();
        self.emit(
            EVENT,
            &[("to", to), ("queue", &queue), ("answers", &answers)],
        );
    }

    /// The handoff the chat module was mounted with, once: the pre-chat form takes it to send
    /// itself with the visitor's answers.
    #[cfg(feature = "chat")]
    pub(crate) fn take_start(&self) -> Option<Pairs> {
        self.setup
            .try_update_value(|(options, _)| {
                (options.handoff.to == "start")
                    .then(|| std::mem::take(&mut options.handoff).answers())
            })
            .flatten()
    }
}

/// The answers as a handoff carries them: a JSON object of texts, the unanswered left out.
#[cfg(any(test, not(feature = "chat")))]
fn encode(answers: &Pairs) -> String {
    json::stringify(&crate::fields::to_json(answers))
}

/// In the front: the screens past the form are the chat module's, so reaching one hands over.
#[cfg(not(feature = "chat"))]
pub(crate) fn hand_over_past_the_form(ctx: Ctx) {
    parlor_ui::watch(move || {
        let stage = ctx.stage.get();
        if !matches!(stage, Stage::PickQueue | Stage::PreChat) {
            ctx.hand_over(Handoff::to_stage(&stage), None);
        }
    });
}

#[cfg(test)]
mod tests {
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{Handoff, encode};
    use crate::journey::{Stage, TicketReason};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[wasm_bindgen_test]
    fn the_answers_arrive_as_the_visitor_gave_them_in_the_loaders_options() {
        let answers = pairs(&[
            ("order", "A-17 \"rush\""),
            ("topic", "Giao hàng"),
            ("consent", "true"),
            ("note", "  "),
        ]);
        let options = js_sys::Object::new();
        let handoff = js_sys::Object::new();
        for (key, value) in [
            ("to", "start".to_string()),
            ("queue", "q2".to_string()),
            ("answers", encode(&answers)),
        ] {
            js_sys::Reflect::set(&handoff, &key.into(), &value.into()).unwrap();
        }
        js_sys::Reflect::set(&options, &"handoff".into(), &handoff).unwrap();

        let read = Handoff::from_js(&options);
        assert_eq!(read.queue, "q2");
        assert_eq!(read.stage(), Some(Stage::PreChat));
        // Every answer given (a blank one was never an answer), by field: order is no matter.
        let mut given = read.answers();
        given.sort();
        let mut expected = answers[..3].to_vec();
        expected.sort();
        assert_eq!(given, expected);
    }

    #[wasm_bindgen_test]
    fn options_without_a_handoff_start_as_usual_and_reasons_lead_to_the_ticket_form() {
        let none = Handoff::from_js(&js_sys::Object::new().into());
        assert_eq!(none, Handoff::default());
        assert_eq!(none.stage(), None);
        assert!(none.answers().is_empty());
        assert_eq!(Handoff::from_js(&JsValue::NULL).stage(), None);
        for (to, reason) in [
            ("nobody", TicketReason::Nobody),
            ("closed", TicketReason::Closed),
            ("no-answer", TicketReason::NoAnswer),
        ] {
            let handoff = Handoff {
                to: to.into(),
                ..Handoff::default()
            };
            assert_eq!(handoff.stage(), Some(Stage::Ticket(reason)));
        }
        let resume = Handoff {
            to: "resume".into(),
            ..Handoff::default()
        };
        assert_eq!(resume.stage(), None);
    }
}
