"""No settings: gunicorn's own defaults, for the tooling's servers (`--config
python:tools.gunicorn_defaults`), which give every option on their command line. Without a
`--config`, gunicorn would read the project's ./gunicorn.conf.py, made for production."""
