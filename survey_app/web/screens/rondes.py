"""Rondes: set up a round, print the invitation letters, follow the responses, preview the questionnaire."""

from survey_app.dashboard import rounds

rounds.page(rounds.current_access())
