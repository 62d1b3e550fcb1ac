"""`python -m retrieval.cli`: the same as the `storybot` command."""

from retrieval.cli.main import main

raise SystemExit(main())
