"""How ``RunLog`` tags its stored entries (shared by its modules)."""

STDERR_MARK = "\x00"  # first char of a stored stderr line (never in sanitized text)
# A stored entry "\x01stderr" / "\x01stdout" is the label row at the top of a
# block of that stream: the API returns the two streams apart, so the log
# shows them as blocks in the order they arrived and never interleaves them.
LABEL_MARK = "\x01"
LABELS = {"stderr": LABEL_MARK + "stderr", "stdout": LABEL_MARK + "stdout"}
GUTTER = 1  # cells before each line: "▌" for stderr, blank for stdout
