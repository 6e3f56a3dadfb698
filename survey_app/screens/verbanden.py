"""Verbanden: two questions against each other (cross table or grade by group) and a model of the grade."""

from survey_app import ui_dashboard as ud

ctx = ud.page_setup("verbanden", "relations_title", intro_key="relations_intro")
if ctx.df.empty:
    ud.no_data()
else:
    ud.render_relations(ctx)
    ud.render_model_builder(ctx)
