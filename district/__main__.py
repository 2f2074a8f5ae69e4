"""`python -m district`: the district's command line."""

from district.cli import main

raise SystemExit(main())
