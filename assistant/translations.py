"""Vietnamese for the words Gradio itself shows ("Drop File Here", "Error", "Clear" …).

Gradio has no Vietnamese locale: a Vietnamese browser gets its English strings. The app
passes these, keyed as Gradio's own messages are, for every locale a browser may ask for,
so the page is Vietnamese whatever the browser's language.
"""
from __future__ import annotations

#: Gradio's message keys (see its frontend's English locale) and their Vietnamese
GRADIO_VIETNAMESE = {
    "common.clear": "Xoá",
    "common.download": "Tải xuống",
    "common.download_all": "Tải xuống tất cả",
    "common.edit": "Sửa",
    "common.empty": "Trống",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.or": "hoặc",
    "common.remove": "Bỏ",
    "common.submit": "Gửi",
    "common.undo": "Hoàn tác",
    "common.settings": "Cài đặt",
    "common.language": "Ngôn ngữ",
    "common.display_theme": "Giao diện",
    "common.progress": "Tiến độ",
    "common.built_with": "xây dựng bằng",
    "common.built_with_gradio": "Xây dựng bằng Gradio",
    "common.stop_recording": "Dừng ghi",
    "common.record": "Ghi",
    "common.share": "Chia sẻ",
    "common.run": "Chạy",
    "upload_text.click_to_upload": "Bấm để tải lên",
    "upload_text.drop_file": "Thả tệp vào đây",
    "upload_text.drop_csv": "Thả tệp CSV vào đây",
    "upload_text.drop_image": "Thả ảnh vào đây",
    "upload_text.drop_audio": "Thả tệp âm thanh vào đây",
    "upload_text.drop_video": "Thả video vào đây",
    "upload_text.drop_gallery": "Thả tệp vào đây",
    "upload_text.paste_clipboard": "Dán từ bộ nhớ tạm",
    "file.uploading": "Đang tải lên...",
    "chatbot.copy_message": "Chép tin nhắn",
    "chatbot.copied_message": "Đã chép tin nhắn",
    "chatbot.clear": "Xoá",
    "chatbot.retry": "Hỏi lại",
    "chatbot.undo": "Hoàn tác",
    "chatbot.edit": "Sửa",
    "chatbot.submit": "Gửi",
    "chatbot.cancel": "Huỷ",
    "chatbot.like": "Thích",
    "chatbot.dislike": "Không thích",
    "chat_interface.chatbot": "Hỏi đáp",
    "chat_interface.conversation": "Cuộc hỏi đáp",
    "dataframe.sort_column": "Sắp xếp cột",
    "dataframe.sort_ascending": "Sắp xếp tăng dần",
    "dataframe.sort_descending": "Sắp xếp giảm dần",
    "dataframe.clear_sort": "Bỏ sắp xếp",
    "dataframe.filter": "Lọc",
    "dataframe.clear_filter": "Bỏ lọc",
    "dropdown.dropdown": "Danh sách chọn",
    "blocks.lost_connection": "Mất kết nối vì rời trang. Đang kết nối lại...",
    "blocks.waiting_for_inputs": "Đang chờ tải tệp lên xong, vui lòng thử lại.",
    "blocks.long_requests_queue": "Đang có nhiều yêu cầu chờ xử lý.",
    "blocks.connection_can_break": "Trên điện thoại, kết nối có thể ngắt khi chuyển tab hoặc khoá máy.",
    "status.queue_position": "Đang chờ: {position} / {size}",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API hoặc MCP",
    "login.login": "Đăng nhập",
    "login.username": "tên đăng nhập",
    "login.password": "mật khẩu",
    "login.incorrect_credentials": "Sai tên đăng nhập hoặc mật khẩu",
}

#: the locales Gradio's frontend picks from (a browser asking for another gets "en")
GRADIO_LOCALES = ("en", "vi", "fr", "de", "es", "ja", "ko", "zh-CN", "zh-TW", "ru", "th", "id", "pt", "pt-BR")


def gradio_i18n():
    """A ``gr.I18n`` that shows Gradio's own words in Vietnamese in every locale."""
    import gradio as gr

    return gr.I18n(**{locale: GRADIO_VIETNAMESE for locale in GRADIO_LOCALES})
