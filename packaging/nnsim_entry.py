"""Entry script of the frozen app: the same ``nnsim`` command line as the installed package.

PyInstaller freezes this file; it only hands over to nnsim.cli.main so that ``nnsim``,
``nnsim --smoke`` and the headless subcommands behave exactly as in a pip install.
"""

import multiprocessing
import sys

from nnsim.cli import main

if __name__ == "__main__":
    # joblib (pulled in by scikit-learn) may start worker processes; a frozen app must
    # let multiprocessing recognise those children instead of re-running the app.
    multiprocessing.freeze_support()
    sys.exit(main())
