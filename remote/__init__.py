"""Adapters from the phone to the district server over HTTP (httpx). Imports only `app`."""
