//! The pre-chat form a portal's admins configure: name and email always (required), phone
//! (optional), then their own fields and an optional consent checkbox. The chat profile carries
//! it as `prechat` (a Parlor extension), and the widget renders and checks it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::read::{FromJson, flag, list, some_text, text};

/// Most custom fields a form may have.
pub const MAX_FIELDS: usize = 10;
/// Most options a select field may have.
pub const MAX_OPTIONS: usize = 30;
/// Longest label, option or consent text, in characters.
pub const MAX_LABEL: usize = 300;
/// Longest answer to a field, in characters.
pub const MAX_ANSWER: usize = 500;

/// Text in each language the widget speaks; `vi` falls back to `en` when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// English.
    pub en: String,
    /// Vietnamese.
    #[serde(default)]
    pub vi: String,
}

impl Labels {
    /// The text for `language`, falling back to English.
    pub fn get(&self, language: &str) -> &str {
        if language == "vi" && !self.vi.trim().is_empty() {
            &self.vi
        } else {
            &self.en
        }
    }
}

/// What kind of input a custom field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// One of `options`.
    Select,
    /// A yes/no box; "required" means it must be ticked.
    Checkbox,
}

/// A custom field of the pre-chat form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable key of the answer (`company`, `order_number`): 1–32 of `a-z 0-9 _`.
    pub id: String,
    /// The input.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// The label shown above it.
    pub label: Labels,
    /// Whether the form cannot be sent without it.
    #[serde(default)]
    pub required: bool,
    /// A select's choices (the answer is the chosen text, in English).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// The whole configurable part of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrechatForm {
    /// Custom fields, in order, after name, email and phone.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// When set, a checkbox with this text the visitor must tick to start a chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Labels>,
}

/// Ids the form keeps for its own fields.
const RESERVED: [&str; 4] = ["name", "email", "phone", "consent"];

impl PrechatForm {
    /// Checks what an admin sends; the error names the field and what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.fields.len() > MAX_FIELDS {
            return Err(format!("at most {MAX_FIELDS} fields"));
        }
        let mut seen = Vec::new();
        for field in &self.fields {
            let id = &field.id;
            let well_formed = !id.is_empty()
                && id.len() <= 32
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                return Err(format!("field id `{id}` must be 1 to 32 of a-z, 0-9 and _"));
            }
            if RESERVED.contains(&id.as_str()) || seen.contains(&id) {
                return Err(format!("field id `{id}` is taken"));
            }
            seen.push(id);
            check_labels(&format!("field `{id}` label"), &field.label)?;
            match field.kind {
                FieldKind::Select if field.options.is_empty() => {
                    return Err(format!("field `{id}` is a select without options"));
                }
                FieldKind::Select if field.options.len() > MAX_OPTIONS => {
                    return Err(format!("field `{id}` has more than {MAX_OPTIONS} options"));
                }
                FieldKind::Text | FieldKind::Checkbox if !field.options.is_empty() => {
                    return Err(format!("field `{id}` takes no options"));
                }
                _ => {}
            }
            for option in &field.options {
                if option.trim().is_empty() || option.chars().count() > MAX_LABEL {
                    return Err(format!(
                        "field `{id}` has an option that is empty or too long"
                    ));
                }
            }
        }
        if let Some(consent) = &self.consent {
            check_labels("consent", consent)?;
        }
        Ok(())
    }

    /// Checks a visitor's answers (field id → text; `"true"` for a ticked box) against the
    /// form; returns the answers to keep, with their English labels, in the form's order.
    pub fn check_answers(
        &self,
        answers: &[(String, String)],
    ) -> Result<Vec<(String, String)>, String> {
        let answer = |id: &str| {
            answers
                .iter()
                .find(|(key, _)| key == id)
                .map(|(_, value)| value.trim())
                .filter(|v| !v.is_empty())
        };
        let mut kept = Vec::new();
        for field in &self.fields {
            let value = answer(&field.id);
            let value = match (field.kind, value) {
                (FieldKind::Checkbox, Some("true")) => Some("yes"),
                (FieldKind::Checkbox, _) => None,
                (_, value) => value,
            };
            match value {
                None if field.required => {
                    return Err(format!("`{}` is required", field.label.en));
                }
                None => {}
                Some(value) if value.chars().count() > MAX_ANSWER => {
                    return Err(format!("`{}` is too long", field.label.en));
                }
                Some(value)
                    if field.kind == FieldKind::Select
                        && !field.options.iter().any(|o| o == value) =>
                {
                    return Err(format!("`{}` has no option `{value}`", field.label.en));
                }
                Some(value) => kept.push((field.label.en.clone(), value.to_string())),
            }
        }
        if self.consent.is_some() && answer("consent") != Some("true") {
            return Err("consent is required".into());
        }
        Ok(kept)
    }
}

fn check_labels(what: &str, labels: &Labels) -> Result<(), String> {
    if labels.en.trim().is_empty() {
        return Err(format!("{what} needs English text"));
    }
    if labels.en.chars().count() > MAX_LABEL || labels.vi.chars().count() > MAX_LABEL {
        return Err(format!("{what} is longer than {MAX_LABEL} characters"));
    }
    Ok(())
}

impl FromJson for Labels {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            en: some_text(v, "en")?,
            vi: text(v, "vi"),
        })
    }
}

impl FromJson for Field {
    fn from_json(v: &Value) -> Option<Self> {
        let kind = match v.get("type")?.as_str()? {
            "text" => FieldKind::Text,
            "select" => FieldKind::Select,
            "checkbox" => FieldKind::Checkbox,
            _ => return None,
        };
        Some(Self {
            id: some_text(v, "id")?,
            kind,
            label: Labels::from_json(v.get("label")?)?,
            required: flag(v, "required"),
            options: v
                .get("options")
                .and_then(Value::as_array)
                .map(|all| {
                    all.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

impl FromJson for PrechatForm {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            fields: list(v, "fields"),
            consent: v.get("consent").and_then(Labels::from_json),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PrechatForm {
        serde_json::from_str(
            r#"{"fields":[
                {"id":"company","type":"text","label":{"en":"Company","vi":"Công ty"},"required":true},
                {"id":"plan","type":"select","label":{"en":"Plan"},"options":["Free","Pro"]},
                {"id":"news","type":"checkbox","label":{"en":"Newsletter"}}],
              "consent":{"en":"I agree to the privacy policy"}}"#,
        )
        .unwrap()
    }

    fn answers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_good_form_validates_and_labels_fall_back_to_english() {
        let form = form();
        form.validate().unwrap();
        assert_eq!(form.fields[0].label.get("vi"), "Công ty");
        assert_eq!(form.fields[1].label.get("vi"), "Plan");
    }

    #[test]
    fn bad_forms_are_refused_with_the_field_named() {
        let mut bad = form();
        bad.fields[1].options.clear();
        assert!(bad.validate().unwrap_err().contains("plan"));
        let mut bad = form();
        bad.fields[0].id = "email".into();
        assert!(bad.validate().unwrap_err().contains("taken"));
        let mut bad = form();
        bad.fields[0].id = "Has Space".into();
        assert!(bad.validate().is_err());
        let mut bad = form();
        bad.fields[2].label.en = " ".into();
        assert!(bad.validate().is_err());
        assert!(serde_json::from_str::<PrechatForm>(r#"{"fields":[],"extra":1}"#).is_err());
    }

    #[test]
    fn answers_are_checked_and_kept_with_their_labels() {
        let form = form();
        let kept = form
            .check_answers(&answers(&[
                ("company", " Acme "),
                ("plan", "Pro"),
                ("news", "true"),
                ("consent", "true"),
                ("other", "ignored"),
            ]))
            .unwrap();
        assert_eq!(
            kept,
            answers(&[("Company", "Acme"), ("Plan", "Pro"), ("Newsletter", "yes")])
        );
        assert!(
            form.check_answers(&answers(&[("consent", "true")]))
                .is_err()
        );
        assert!(
            form.check_answers(&answers(&[("company", "A"), ("consent", "false")]))
                .is_err()
        );
        assert!(
            form.check_answers(&answers(&[
                ("company", "A"),
                ("plan", "Gold"),
                ("consent", "true")
            ]))
            .unwrap_err()
            .contains("Gold")
        );
    }
}
