from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "kiemsat.emulation"
    verbose_name = "Thi đua"

    def ready(self) -> None:
        from kiemsat.audit import render
        from kiemsat.emulation.today import self_assessment_section
        from kiemsat.org import plugins, today

        render.register(
            actions={
                "emulation.covenant_link": "gắn giao ước thi đua",
                "emulation.evidence_add": "tải tệp minh chứng điểm thi đua",
                "emulation.evidence_delete": "xóa tệp minh chứng điểm thi đua",
                "emulation.exclusion_record": "ghi đơn vị không xét thi đua",
                "emulation.score_adjust": "điều chỉnh điểm thi đua",
                "emulation.score_import": "nhập điểm thi đua từ tệp",
                "emulation.score_self_assess": "tự chấm điểm thi đua",
                "emulation.proposal_remove": "bỏ đề nghị danh hiệu thi đua",
                "emulation.proposal_save": "ghi đề nghị danh hiệu thi đua",
                "emulation.scores_lock": "duyệt và khóa điểm thi đua của cụm",
                "emulation.scores_reopen": "mở lại điểm thi đua của cụm",
                "emulation.sheet_load": "nạp bảng tiêu chí chấm điểm",
                "emulation.sheet_replace": "thay bảng tiêu chí chấm điểm",
                "emulation.term_create": "mở năm thi đua của cụm",
                "emulation.term_set_officers": "cử cụm trưởng, cụm phó",
            },
            fields={
                "covenant": "Giao ước thi đua",
                "members": "Các đơn vị thành viên",
                "leaves": "Số tiêu chí chấm điểm",
                "bands": "Số mức xếp loại",
                "criterion": "Tiêu chí",
                "unit": "Đơn vị",
                "title": "Danh hiệu",
                "votes_for": "Số phiếu đồng ý",
                "voters": "Số đơn vị biểu quyết",
            },
        )

        today.register(self_assessment_section)
        plugins.add(plugins.DEMO_BUILDERS, "kiemsat.emulation.demo.build")
