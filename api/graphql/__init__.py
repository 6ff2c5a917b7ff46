"""GraphQL API v1 at ``/v1/graphql``: a second face of the same marketplace, services and gateway.

No rule, query or permission of its own: resolvers read through the domain's selectors and write
through its services, objects render through the same functions as REST
(``marketplace.rendering``, ``events.Event.as_payload``, the webhook renderers), and every request
passes ``api.bases.ApiView`` — authentication, tenant and live/sandbox schema from the key, rate
limits with the query's computed cost (``api.graphql.cost``), metering as one call on the route
``/v1/graphql``. Modules:

- ``schema``: the ``strawberry.Schema`` and its limits (depth, aliases, tokens, parser caches);
- ``types``: object types, enums, scalars, connections; ``queries``, ``mutations``,
  ``subscriptions``: the root types;
- ``pagination``: Relay connections over the REST keyset cursors (the same tokens);
- ``cost``: the documented cost formula, computed before the gateway takes its tokens;
- ``errors``: domain errors → GraphQL errors whose ``extensions.code`` is the REST problem code;
- ``views``: the HTTP endpoint (and GraphiQL for browsers); ``ws``: graphql-transport-ws.
"""
