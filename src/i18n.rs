//! The widget's words, in English and Vietnamese. The language comes from `data-locale`, or the
//! browser's, and falls back to English.

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
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("vi") {
            Lang::Vi
        } else {
            Lang::En
        }
    }

    /// The tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Vi => "vi",
        }
    }

    /// "You are 3rd in line · about 2 minutes": the visitor's place in the queue and, when
    /// known, the estimated wait in milliseconds.
    pub fn place_in_line(self, position: usize, estimate_ms: Option<u64>) -> String {
        let t = self.texts();
        let place = match self {
            Lang::En => {
                let suffix = match (position % 100, position % 10) {
                    (11..=13, _) => "th",
                    (_, 1) => "st",
                    (_, 2) => "nd",
                    (_, 3) => "rd",
                    _ => "th",
                };
                format!("{position}{suffix}")
            }
            Lang::Vi => position.to_string(),
        };
        let mut line = with_name(t.place, &place);
        if let Some(ms) = estimate_ms {
            let minutes = ((ms + 30_000) / 60_000) as usize;
            let wait = match (ms, minutes) {
                (0..60_000, _) => t.wait_soon.to_string(),
                (_, 1) => t.wait_minute.to_string(),
                _ => with_count(t.wait_minutes, minutes),
            };
            line.push_str(" · ");
            line.push_str(&wait);
        }
        line
    }

    /// The widget's words in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Vi => &VI,
        }
    }
}

/// Every sentence the widget shows. `{name}` and `{count}` are filled in where they appear.
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
    pub waiting: &'static str,
    pub waiting_hint: &'static str,
    /// The visitor's place in the queue; `{name}` is the place as the language says it.
    pub place: &'static str,
    /// Estimates of the wait: under a minute, about one, about `{count}`.
    pub wait_soon: &'static str,
    pub wait_minute: &'static str,
    pub wait_minutes: &'static str,
    pub joined: &'static str,
    pub left: &'static str,
    pub composer_label: &'static str,
    pub messages_label: &'static str,
    pub composer_placeholder: &'static str,
    pub send: &'static str,
    pub attach: &'static str,
    pub cancel_upload: &'static str,
    pub uploading: &'static str,
    pub end_chat: &'static str,
    pub end_confirm: &'static str,
    pub end_yes: &'static str,
    pub end_no: &'static str,
    pub ended: &'static str,
    pub rate_prompt: &'static str,
    pub good: &'static str,
    pub bad: &'static str,
    pub comment: &'static str,
    pub send_rating: &'static str,
    pub rating_thanks: &'static str,
    pub transcript_prompt: &'static str,
    pub send_transcript: &'static str,
    pub transcript_sent: &'static str,
    pub new_chat: &'static str,
    pub ticket_no_answer: &'static str,
    pub ticket_closed: &'static str,
    pub ticket_nobody: &'static str,
    pub description: &'static str,
    pub description_required: &'static str,
    pub send_ticket: &'static str,
    pub ticket_sent: &'static str,
    pub offline: &'static str,
    pub sending: &'static str,
    pub sent: &'static str,
    pub delivered: &'static str,
    pub read: &'static str,
    pub failed: &'static str,
    pub typing: &'static str,
    pub preview_notice: &'static str,
    pub you: &'static str,
    pub agent: &'static str,
    pub new_message_from: &'static str,
    pub unread: &'static str,
    pub back: &'static str,
    pub error: &'static str,
    pub open_attachment: &'static str,
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
    waiting: "Connecting you…",
    waiting_hint: "We usually reply in a few minutes. You can write your question now.",
    place: "You are {name} in line",
    wait_soon: "less than a minute",
    wait_minute: "about a minute",
    wait_minutes: "about {count} minutes",
    joined: "{name} joined the chat",
    left: "{name} left the chat",
    composer_label: "Message",
    messages_label: "Messages",
    composer_placeholder: "Write a message…",
    send: "Send",
    attach: "Attach a file",
    cancel_upload: "Cancel",
    uploading: "Uploading {name}…",
    end_chat: "End chat",
    end_confirm: "End this chat?",
    end_yes: "End chat",
    end_no: "Keep chatting",
    ended: "The chat has ended.",
    rate_prompt: "How was this chat?",
    good: "Good",
    bad: "Bad",
    comment: "Comment",
    send_rating: "Send rating",
    rating_thanks: "Thank you for your feedback.",
    transcript_prompt: "Email me the transcript",
    send_transcript: "Send transcript",
    transcript_sent: "The transcript is on its way to {name}.",
    new_chat: "Start a new chat",
    ticket_no_answer: "Sorry, nobody could answer in time. Leave a message and we will reply by email.",
    ticket_closed: "We are closed right now. Leave a message and we will reply by email.",
    ticket_nobody: "Nobody is online right now. Leave a message and we will reply by email.",
    description: "How can we help?",
    description_required: "Please tell us how we can help.",
    send_ticket: "Send message",
    ticket_sent: "Thank you! We received your message and will reply by email.",
    offline: "Connection lost. Reconnecting… What you write will be sent when it is back.",
    sending: "Sending",
    sent: "Sent",
    delivered: "Delivered",
    read: "Read",
    failed: "Not sent",
    typing: "{name} is typing…",
    preview_notice: "Agents can see what you type before you send it.",
    you: "You",
    agent: "Agent",
    new_message_from: "New message from {name}: ",
    unread: "{count} unread",
    back: "Back",
    error: "Something went wrong: ",
    open_attachment: "Open {name}",
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
    waiting: "Đang kết nối…",
    waiting_hint: "Chúng tôi thường trả lời trong vài phút. Bạn có thể đặt câu hỏi ngay.",
    place: "Bạn đang ở vị trí thứ {name}",
    wait_soon: "dưới một phút",
    wait_minute: "khoảng một phút",
    wait_minutes: "khoảng {count} phút",
    joined: "{name} đã tham gia",
    left: "{name} đã rời cuộc trò chuyện",
    composer_label: "Tin nhắn",
    messages_label: "Các tin nhắn",
    composer_placeholder: "Nhập tin nhắn…",
    send: "Gửi",
    attach: "Đính kèm tệp",
    cancel_upload: "Hủy",
    uploading: "Đang tải lên {name}…",
    end_chat: "Kết thúc",
    end_confirm: "Kết thúc cuộc trò chuyện này?",
    end_yes: "Kết thúc",
    end_no: "Tiếp tục trò chuyện",
    ended: "Cuộc trò chuyện đã kết thúc.",
    rate_prompt: "Bạn thấy cuộc trò chuyện thế nào?",
    good: "Tốt",
    bad: "Chưa tốt",
    comment: "Nhận xét",
    send_rating: "Gửi đánh giá",
    rating_thanks: "Cảm ơn bạn đã góp ý.",
    transcript_prompt: "Gửi nội dung trò chuyện qua email",
    send_transcript: "Gửi nội dung",
    transcript_sent: "Nội dung trò chuyện đang được gửi tới {name}.",
    new_chat: "Bắt đầu cuộc trò chuyện mới",
    ticket_no_answer: "Xin lỗi, chưa ai kịp trả lời. Hãy để lại lời nhắn, chúng tôi sẽ trả lời qua email.",
    ticket_closed: "Hiện chúng tôi đã nghỉ. Hãy để lại lời nhắn, chúng tôi sẽ trả lời qua email.",
    ticket_nobody: "Hiện không có ai trực tuyến. Hãy để lại lời nhắn, chúng tôi sẽ trả lời qua email.",
    description: "Chúng tôi có thể giúp gì cho bạn?",
    description_required: "Vui lòng cho biết bạn cần giúp gì.",
    send_ticket: "Gửi lời nhắn",
    ticket_sent: "Cảm ơn bạn! Chúng tôi đã nhận được lời nhắn và sẽ trả lời qua email.",
    offline: "Mất kết nối. Đang kết nối lại… Tin nhắn của bạn sẽ được gửi khi có mạng.",
    sending: "Đang gửi",
    sent: "Đã gửi",
    delivered: "Đã nhận",
    read: "Đã xem",
    failed: "Chưa gửi được",
    typing: "{name} đang nhập…",
    preview_notice: "Nhân viên có thể thấy nội dung bạn đang nhập trước khi bạn gửi.",
    you: "Bạn",
    agent: "Nhân viên",
    new_message_from: "Tin nhắn mới từ {name}: ",
    unread: "{count} tin chưa đọc",
    back: "Quay lại",
    error: "Đã có lỗi: ",
    open_attachment: "Mở {name}",
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
