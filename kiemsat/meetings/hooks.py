"""Wiring into the shared registries: Hôm nay, reminders, the demo, the work calendar."""

from __future__ import annotations

ACTIONS = {
    "meetings.conference_record": "ghi hội nghị",
    "meetings.conference_update": "sửa thông tin hội nghị",
    "meetings.conference_delete": "xóa hội nghị",
    "meetings.participant_add": "thêm người dự",
    "meetings.participant_remove": "bỏ người dự",
    "meetings.document_attach": "đính kèm tài liệu hội nghị",
    "meetings.document_delete": "xóa tài liệu hội nghị",
    "meetings.result_add": "ghi kết quả công bố",
    "meetings.result_delete": "xóa kết quả công bố",
    "meetings.conclusion_add": "ghi kết luận",
    "meetings.task_add": "giao nhiệm vụ",
    "meetings.task_report": "báo cáo tiến độ nhiệm vụ",
    "meetings.task_confirm": "xác nhận hoàn thành nhiệm vụ",
    "meetings.task_reopen": "trả lại nhiệm vụ để tiếp tục thực hiện",
    "meetings.task_delete": "xóa nhiệm vụ",
    "meetings.task_due_recompute": "tính lại hạn nhiệm vụ theo lịch làm việc",
}
FIELDS = {"bridge_points": "Điểm cầu", "result": "Kết quả công bố", "person": "Người dự"}


def connect() -> None:
    from kiemsat.audit import render
    from kiemsat.meetings import search
    from kiemsat.meetings.reminders import task_reminders, task_work
    from kiemsat.org import plugins, reminders, today

    render.register(actions=ACTIONS, fields=FIELDS)
    search.connect()
    reminders.register(task_reminders)
    today.register_due(task_work)
    plugins.add(plugins.DEMO_BUILDERS, "kiemsat.meetings.demo.build_demo")
    plugins.add(plugins.CALENDAR_LISTENERS, "kiemsat.meetings.task_services.calendar_changed")
