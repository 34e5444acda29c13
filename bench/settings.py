"""Settings of the benchmark's server: production settings plus the bench-only raw-SQL view.

Only `make bench` serves these (DJANGO_SETTINGS_MODULE=bench.settings); production URLs never
include the raw view."""

import warnings

from shortsgen.settings import *  # noqa: F403

# whitenoise looks for collected static files, which the benchmark does not need.
warnings.filterwarnings("ignore", "No directory at")

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
