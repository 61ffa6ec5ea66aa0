//! The chat module's words (the `chat` feature): what the front never shows.

use std::ops::Deref;

use super::{EN, Lang, Texts, VI, with_count, with_name};

/// The sentences of the chat module's screens (waiting, conversation, end, ticket), with the
/// front's through `Deref`.
#[derive(Debug)]
pub struct ChatTexts {
    front: &'static Texts,
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

impl Deref for ChatTexts {
    type Target = Texts;

    fn deref(&self) -> &Texts {
        self.front
    }
}

impl Lang {
    /// "You are 3rd in line · about 2 minutes": the visitor's place in the queue and, when
    /// known, the estimated wait in milliseconds.
    pub fn place_in_line(self, position: usize, estimate_ms: Option<u64>) -> String {
        let t = self.chat_texts();
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

    /// The chat module's words in this language, the front's included.
    pub fn chat_texts(self) -> &'static ChatTexts {
        match self {
            Lang::En => &EN_CHAT,
            Lang::Vi => &VI_CHAT,
        }
    }
}

/// English.
pub static EN_CHAT: ChatTexts = ChatTexts {
    front: &EN,
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
pub static VI_CHAT: ChatTexts = ChatTexts {
    front: &VI,
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
