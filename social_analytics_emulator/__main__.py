"""``python -m social_analytics_emulator``: the same as the ``social-analytics-emulator`` console script."""
from .server import main

main()
