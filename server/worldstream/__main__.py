"""`python -m worldstream` is the `worldstream` command."""

import sys

from worldstream.cli.main import main

sys.exit(main())
