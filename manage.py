#!/usr/bin/env python
import gc
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemsat.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
    # The command is over and the process ends: every object left is freed with it, so the
    # collector's passes over them at exit (a tenth of a second for this project) are saved.
    gc.freeze()


if __name__ == "__main__":
    main()
