"""One router per concern; `app.py` includes them all."""

from rag.api.routes import ask, documents, health, page

routers = [ask.router, documents.router, health.router, page.router]
