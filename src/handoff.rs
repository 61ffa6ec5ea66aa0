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
#[cfg(feature = "chat")]
use serde_json::Value;
#[cfg(feature = "chat")]
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
    #[cfg(feature = "chat")]
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
    #[cfg(feature = "chat")]
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
    #[cfg(feature = "chat")]
    pub fn stage(&self) -> Option<Stage> {
        Some(match self.to.as_str() {
            "start" => Stage::PreChat,
            "nobody" => Stage::Ticket(TicketReason::Nobody),
            "closed" => Stage::Ticket(TicketReason::Closed),
            "no-answer" => Stage::Ticket(TicketReason::NoAnswer),
            _ => return None,
        })
    }

    /// Whether the front hands over, and to what: when it has reached a screen it does not
    /// have (the ticket form's reason, or `resume` for a chat in progress), once the panel is
    /// open. Not before: a page whose visitor never opens the chat never loads the chat module
    /// (the first screen of a portal whose one queue has nobody online is the ticket form).
    #[cfg(any(test, not(feature = "chat")))]
    pub fn due(open: bool, stage: &Stage) -> Option<&'static str> {
        if !open {
            return None;
        }
        Some(match stage {
            Stage::PickQueue | Stage::PreChat => return None,
            Stage::Ticket(TicketReason::Nobody) => "nobody",
            Stage::Ticket(TicketReason::Closed) => "closed",
            Stage::Ticket(TicketReason::NoAnswer) => "no-answer",
            Stage::Waiting | Stage::Chat | Stage::Ended | Stage::TicketSent => "resume",
        })
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

    /// Taking over from the front: opens on the queue and the screen it left the visitor at,
    /// and says whether it did (a `resume`, or no handoff, is the usual start).
    #[cfg(feature = "chat")]
    pub(crate) fn take_over(&self) -> bool {
        let handoff = self.setup.with_value(|(o, _)| o.handoff.clone());
        let Some(stage) = handoff.stage() else {
            return false;
        };
        self.queue.set(Some(handoff.queue));
        self.stage.set(stage);
        true
    }

    /// The front is never handed anything.
    #[cfg(not(feature = "chat"))]
    pub(crate) fn take_over(&self) -> bool {
        false
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

/// In the front: the screens past the form are the chat module's, so reaching one with the
/// panel open, or opening the panel on one, hands over ([`Handoff::due`]).
#[cfg(not(feature = "chat"))]
pub(crate) fn hand_over_past_the_form(ctx: Ctx) {
    parlor_ui::watch(move || {
        if let Some(to) = ctx
            .stage
            .with(|stage| Handoff::due(ctx.controls.open.get(), stage))
        {
            ctx.hand_over(to, None);
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
    fn the_front_hands_over_past_the_form_and_only_with_the_panel_open() {
        for stage in [Stage::PickQueue, Stage::PreChat] {
            assert_eq!(Handoff::due(true, &stage), None);
        }
        let nobody = Stage::Ticket(TicketReason::Nobody);
        // Left alone at the ticket form, the page does not load the chat module.
        assert_eq!(Handoff::due(false, &nobody), None);
        assert_eq!(Handoff::due(false, &Stage::Waiting), None);
        for (stage, to) in [
            (nobody, "nobody"),
            (Stage::Ticket(TicketReason::Closed), "closed"),
            (Stage::Ticket(TicketReason::NoAnswer), "no-answer"),
            (Stage::Waiting, "resume"),
            (Stage::Chat, "resume"),
        ] {
            assert_eq!(Handoff::due(true, &stage), Some(to));
            // What the front says is where the chat module goes on from.
            let handoff = Handoff {
                to: to.into(),
                ..Handoff::default()
            };
            let expected = matches!(stage, Stage::Ticket(_)).then_some(stage);
            assert_eq!(handoff.stage(), expected);
        }
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
