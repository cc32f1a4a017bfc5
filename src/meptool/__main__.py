"""`python -m meptool`."""

from meptool.cli import main

raise SystemExit(main())
