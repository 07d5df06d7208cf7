"""Write the benchmark data set into the database DATABASE_URL names.

    .venv/bin/python -m bench.generate --scale small|full|tenfold [--seed N]

The database must be migrated and hold no earlier bench data (`bench/run`
creates a fresh one). Prints the rows written per table as it goes.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, set Django up and generate the data set."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--scale", choices=["small", "full", "tenfold"], default="small")
    parser.add_argument("--seed", type=int, default=None)
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # Models can be imported only once Django is set up.
    from bench.dataset import DEFAULT_SEED, SCALES, generate

    seed = DEFAULT_SEED if options.seed is None else options.seed
    print(f"Generating the {options.scale} data set from seed {seed}", flush=True)
    generate(
        scale=SCALES[options.scale],
        seed=seed,
        progress=lambda message: print(f"  {message}", flush=True),
    )
    # Fresh statistics, as a database that has been serving for a while would
    # have: without them the planner guesses at row counts.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
