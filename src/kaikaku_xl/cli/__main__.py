"""`python -m kaikaku_xl.cli`: the `kaikaku` command without its script (tests start it as a process)."""

import sys

from kaikaku_xl.cli.program import main

sys.exit(main())
