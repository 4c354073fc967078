"""Action forms: fork, run a command, sessions, tunnels, filesystems, resize, read a file, release.

``actions`` opens them (from pane keys and the command palette); each form is
a ``FormScreen`` (``base``) validating with ``validation``.
"""
