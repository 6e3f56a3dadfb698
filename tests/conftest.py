pytest_plugins = ["db_fixtures"]
