//! The widget's words, in English and Vietnamese. The language comes from `data-locale`, or the
//! browser's, and falls back to English.

#[cfg(feature = "chat")]
mod chat;

#[cfg(feature = "chat")]
pub use chat::ChatTexts;

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Vietnamese.
    Vi,
}

impl Lang {
    /// The language of a BCP 47 tag (`vi`, `vi-VN`, `en-GB`…); English for anything else.
    pub fn from_tag(tag: &str) -> Self {
        // The primary subtag, up to a `-` or `_`: compared byte by byte (a split on a set of
        // characters is a searcher of its own in the wasm).
        match tag.as_bytes() {
            [v, i, rest @ ..]
                if v.eq_ignore_ascii_case(&b'v')
                    && i.eq_ignore_ascii_case(&b'i')
                    && matches!(rest.first(), None | Some(b'-' | b'_')) =>
            {
                Lang::Vi
            }
            _ => Lang::En,
        }
    }

    /// The tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Vi => "vi",
        }
    }

    /// The front's words in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Vi => &VI,
        }
    }
}

/// The sentences of the front's screens (launcher, queue picker, pre-chat form); the chat
/// module's own are in `ChatTexts`, so that the front carries only these. `{name}` and
/// `{count}` are filled in where they appear.
#[derive(Debug)]
pub struct Texts {
    pub open_chat: &'static str,
    pub close_chat: &'static str,
    pub default_title: &'static str,
    pub loading: &'static str,
    pub unavailable: &'static str,
    pub pick_prompt: &'static str,
    pub no_queue: &'static str,
    pub prechat_intro: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub optional: &'static str,
    pub start_chat: &'static str,
    pub starting: &'static str,
    pub name_required: &'static str,
    /// A required pre-chat field left empty; `{name}` is its label.
    pub field_required: &'static str,
    /// The consent box left unticked.
    pub consent_required: &'static str,
    /// The greeting when the portal has none of its own.
    pub greeting: &'static str,
    /// The portal verifies visitors' identity and the page gave no token.
    pub sign_in_first: &'static str,
    pub email_required: &'static str,
    pub email_invalid: &'static str,
}

/// English.
pub static EN: Texts = Texts {
    open_chat: "Open chat",
    close_chat: "Close chat",
    default_title: "Chat with us",
    loading: "Loading…",
    unavailable: "Chat is unavailable right now. Please try again later.",
    pick_prompt: "Who would you like to talk to?",
    no_queue: "No team is taking chats right now.",
    prechat_intro: "Tell us who you are, and we will connect you.",
    name: "Name",
    email: "Email",
    phone: "Phone",
    optional: "(optional)",
    start_chat: "Start chat",
    starting: "Starting…",
    name_required: "Please enter your name.",
    field_required: "Please answer “{name}”.",
    consent_required: "Please tick the box to agree.",
    greeting: "Hi! How can we help?",
    sign_in_first: "Please sign in on this site first: chat starts with your account here.",
    email_required: "Please enter your email.",
    email_invalid: "Please enter a valid email address, like name@example.com.",
};

/// Vietnamese.
pub static VI: Texts = Texts {
    open_chat: "Mở trò chuyện",
    close_chat: "Đóng trò chuyện",
    default_title: "Trò chuyện với chúng tôi",
    loading: "Đang tải…",
    unavailable: "Hiện không thể trò chuyện. Vui lòng thử lại sau.",
    pick_prompt: "Bạn muốn trò chuyện với bộ phận nào?",
    no_queue: "Hiện không có bộ phận nào nhận trò chuyện.",
    prechat_intro: "Cho chúng tôi biết bạn là ai, chúng tôi sẽ kết nối ngay.",
    name: "Họ tên",
    email: "Email",
    phone: "Số điện thoại",
    optional: "(không bắt buộc)",
    start_chat: "Bắt đầu trò chuyện",
    starting: "Đang bắt đầu…",
    name_required: "Vui lòng nhập họ tên.",
    field_required: "Vui lòng trả lời “{name}”.",
    consent_required: "Vui lòng đánh dấu ô để đồng ý.",
    greeting: "Xin chào! Chúng tôi có thể giúp gì cho bạn?",
    sign_in_first: "Vui lòng đăng nhập vào trang này trước: cuộc trò chuyện dùng tài khoản của bạn tại đây.",
    email_required: "Vui lòng nhập email.",
    email_invalid: "Vui lòng nhập email hợp lệ, ví dụ ten@example.com.",
};

/// Fills `{name}` in a sentence.
pub fn with_name(sentence: &str, name: &str) -> String {
    fill(sentence, "{name}", name)
}

/// Fills `{count}` in a sentence.
pub fn with_count(sentence: &str, count: usize) -> String {
    fill(sentence, "{count}", &count.to_string())
}

/// `sentence` with each `key` (a `{…}` placeholder) replaced by `value`. By hand, looking for
/// the `{` of each: `str::replace` brings a substring search routine to the wasm for this.
fn fill(sentence: &str, key: &str, value: &str) -> String {
    let mut filled = String::with_capacity(sentence.len() + value.len());
    let mut rest = sentence;
    while let Some(at) = rest.find('{') {
        filled.push_str(&rest[..at]);
        rest = &rest[at..];
        match rest.strip_prefix(key) {
            Some(after) => {
                filled.push_str(value);
                rest = after;
            }
            None => {
                filled.push('{');
                rest = &rest[1..];
            }
        }
    }
    filled.push_str(rest);
    filled
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{with_count, with_name};

    #[wasm_bindgen_test]
    fn placeholders_are_filled_wherever_they_are_and_other_braces_stay() {
        assert_eq!(with_name("Mở {name}", "tệp.pdf"), "Mở tệp.pdf");
        assert_eq!(with_name("{name} joined; {name}", "Ann"), "Ann joined; Ann");
        assert_eq!(with_name("{x} {name", "Ann"), "{x} {name");
        assert_eq!(with_name("{name}", "{name}"), "{name}");
        assert_eq!(with_count("{count} tin chưa đọc", 3), "3 tin chưa đọc");
    }
}
