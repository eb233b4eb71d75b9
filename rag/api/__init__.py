"""The HTTP API and web page: `create_app(settings)` builds it, `server.run` serves it."""
