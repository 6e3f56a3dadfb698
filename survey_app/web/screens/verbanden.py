"""Verbanden: two questions against each other (cross table or grade by group) and a model of the grade."""

from survey_app.dashboard import context, relations

ctx = context.page_setup("verbanden", "relations_title", intro_key="relations_intro")
if ctx.empty:
    context.no_data()
else:
    relations.render_relations(ctx)
    relations.render_model_builder(ctx)
