"""The server side of ``bench/gateway.py``: settings and URLs of the benchmarked server."""
