"""The portal's documentation: guides, the API playground (Swagger UI pre-authorised with a
short-lived sandbox key, which also pre-fills GraphiQL) and the API changelog."""
