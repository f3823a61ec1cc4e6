"""The subcommands of `cleaner`, one module each; every module has `register(subparsers)`.

A module's `register` adds its parser and sets `handler` to the function that runs it.
"""
