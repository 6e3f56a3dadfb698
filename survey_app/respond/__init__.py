"""The respondent flow: pure flow logic (flow.py) and its Streamlit widgets (widgets.py)."""
