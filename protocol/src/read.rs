//! Reading wire values by hand, field by field, as the browser SDK does: a hand-written
//! decoder is a fraction of the size of serde's generated one in the widget's wasm (see
//! `docs/performance.md`, "Widget size"). A missing or mistyped optional field reads as its
//! default, as `#[serde(default)]` has it; [`FromJson::from_json`] answers `None` only when a
//! required one is.
//!
//! The server keeps decoding with serde; the tests below check both readings agree.

use serde_json::Value;

/// A wire type the browser SDK reads without serde.
pub trait FromJson: Sized {
    /// The value, or `None` when `value` lacks a required field or has the wrong shape.
    fn from_json(value: &Value) -> Option<Self>;
}

/// `value[key]` as text, empty when missing or not a string.
pub fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `value[key]` as text, `None` when missing or not a string.
pub fn some_text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// `value[key]` as a whole number, 0 when missing or not one.
pub fn int(value: &Value, key: &str) -> i64 {
    value.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// `value[key]` as a flag, false when missing or not a boolean.
pub fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// `value[key]` as a list of `T`, skipping entries that do not read; empty when missing.
pub fn list<T: FromJson>(value: &Value, key: &str) -> Vec<T> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(T::from_json).collect())
        .unwrap_or_default()
}

/// A small unsigned number (`u8`, `u32`), 0 when missing, negative or too large.
pub fn small<T: TryFrom<i64> + Default>(value: &Value, key: &str) -> T {
    T::try_from(int(value, key)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::FromJson;
    use crate::prechat::{Field, FieldKind, Labels, PrechatForm};
    use crate::rest::{ChatProfile, ChatProfileReply, Queue, RestError};

    /// The hand-written reading and serde's agree on `wire`.
    fn agree(wire: serde_json::Value) -> ChatProfileReply {
        let by_serde: ChatProfileReply = serde_json::from_value(wire.clone()).unwrap();
        let by_hand = ChatProfileReply::from_json(&wire).expect("reads");
        assert_eq!(by_hand, by_serde);
        by_hand
    }

    #[test]
    fn a_full_chat_profile_reads_as_serde_reads_it() {
        let profile = ChatProfileReply {
            r: 0,
            chat_profile: ChatProfile {
                id: "p1".into(),
                portal: "Acme".into(),
                project_id: "p1".into(),
                language: "vi".into(),
                background: "#2563eb".into(),
                logo_url: "https://acme.example/logo.png".into(),
                auto_create_ticket: 1,
                popup_answer_url: String::new(),
                agent_max_serve: 4,
                enabled: 1,
                business_hour_id: "bh".into(),
                hour: "Mon-Fri 08:00-17:00 +07:00".into(),
                facebook_as_livechat: 0,
                zalo_as_livechat: 0,
                position: "left".into(),
                greeting: "Xin chào".into(),
                offline_message: "Closed".into(),
                reply_time_text: "Replies in minutes".into(),
                identity_verification: 1,
                prechat: PrechatForm {
                    fields: vec![
                        Field {
                            id: "plan".into(),
                            kind: FieldKind::Select,
                            label: Labels {
                                en: "Plan".into(),
                                vi: "Gói".into(),
                            },
                            required: true,
                            options: vec!["Free".into(), "Pro".into()],
                        },
                        Field {
                            id: "news".into(),
                            kind: FieldKind::Checkbox,
                            label: Labels {
                                en: "News".into(),
                                vi: String::new(),
                            },
                            required: false,
                            options: vec![],
                        },
                    ],
                    consent: Some(Labels {
                        en: "I agree".into(),
                        vi: "Tôi đồng ý".into(),
                    }),
                },
                typing_preview: 1,
            },
            queues: vec![
                Queue {
                    id: "q1".into(),
                    name: "Sales".into(),
                    agents_online: Some(2),
                },
                Queue {
                    id: "q2".into(),
                    name: "Support".into(),
                    agents_online: None,
                },
            ],
        };
        assert_eq!(agree(serde_json::to_value(&profile).unwrap()), profile);
    }

    #[test]
    fn a_stringeex_profile_without_parlors_fields_reads_with_defaults() {
        let wire = serde_json::json!({"r": 0, "chatProfile": {"id": "p1", "portal": "Acme",
            "language": "en", "background": "#2563eb", "logo_url": "", "auto_create_ticket": 1,
            "enabled": 1}, "queues": [{"id": "q1", "name": "Sales"}]});
        let read = agree(wire);
        assert_eq!(read.queues[0].agents_online, None);
        assert_eq!(read.chat_profile.prechat, PrechatForm::default());
    }

    #[test]
    fn a_profile_missing_a_required_field_does_not_read() {
        let wire = serde_json::json!({"r": 0, "chatProfile": {"id": "p1"}, "queues": []});
        assert!(serde_json::from_value::<ChatProfileReply>(wire.clone()).is_err());
        assert_eq!(ChatProfileReply::from_json(&wire), None);
        let error = serde_json::json!({"r": 2, "msg": "no portal has this widget key"});
        assert_eq!(
            RestError::from_json(&error),
            Some(RestError {
                r: 2,
                msg: "no portal has this widget key".into()
            })
        );
    }
}
