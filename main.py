"""Run the connector from a checkout: `python main.py spec` (same as the `source-social-analytics` script)."""
from source_social_analytics.run import run

if __name__ == "__main__":
    run()
