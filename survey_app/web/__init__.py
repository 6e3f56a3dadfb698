"""The web app: Streamlit entry point, navigation (the one place pages are registered), launcher and thin page scripts."""
