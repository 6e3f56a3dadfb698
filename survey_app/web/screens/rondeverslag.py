"""Rondeverslag: the round report (.docx, .html) of the chosen selection, for roles without Import en export."""

from survey_app.dashboard import context, import_export

ctx = context.page_setup("rondeverslag", "report_header")
import_export.render_report_page(ctx)
