"""gunicorn reads ./gunicorn.conf.py when started without `-c`: ShortsGen's settings, which
live in shortsgen/gunicorn.conf.py (beside the Django settings they share).

So `gunicorn shortsgen.wsgi`, run from this directory, serves with the same configuration as
`gunicorn -c shortsgen/gunicorn.conf.py shortsgen.wsgi`.
"""

import runpy
from pathlib import Path

globals().update(
    (name, value)
    for name, value in runpy.run_path(
        str(Path(__file__).resolve().parent / "shortsgen" / "gunicorn.conf.py")
    ).items()
    if not name.startswith("_")
)
