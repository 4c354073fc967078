"""The session console's logic, apart from its screen (``screens/console.py``):
history (``history``), the prompt and built-ins (``prompt``), results and
failures in words (``words``). No widget here."""
