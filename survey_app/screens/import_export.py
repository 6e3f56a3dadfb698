"""Import en export: read a response file into a round (with mapping and validation); download data and reports."""

from survey_app import ui_dashboard as ud

ctx = ud.page_setup("import_export", "io_title", intro_key="io_intro")
ud.render_import(ctx)
ud.render_export(ctx)
