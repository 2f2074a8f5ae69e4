"""The district server of UnionPass (工会通): registry, town issuers, cards, lists and the CLI.

`district.web.create_app(settings)` builds the ASGI app; `python -m district` is the CLI.
Nothing here connects or reads anything at import time.
"""
