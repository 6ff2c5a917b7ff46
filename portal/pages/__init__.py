"""The portal's data pages: dashboard, API keys, usage, request logs, webhooks.

Each page is a ``portal.access.PortalView`` (login, membership, role, live/sandbox mode) that
runs in the schema of the mode being shown (``DataPageView``); reads are selectors, writes are
the domain's services.
"""
