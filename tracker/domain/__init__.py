"""The pure core: text in, values out. Imports neither Flask, SQLAlchemy, requests nor urllib3."""
