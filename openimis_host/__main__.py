import sys

from openimis_host.cli import main

sys.exit(main())
