"""Import en export: read a response file into a round (with mapping and validation); download data and reports."""

from survey_app.dashboard import context, import_export

# importing stays possible whatever the filters; the report section checks whether its figures wait
ctx = context.page_setup("import_export", "io_title", intro_key="io_intro", hold=False)
import_export.render_import(ctx)
import_export.render_export(ctx)
