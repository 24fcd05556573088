"""The server's views, one module per face of it (as datasette splits its own): the SPARQL endpoint, the stored
queries, linked data, and the pages. Each reads its request, runs jobs on the worker pool through the app's ``Site``
and raises ``airm.errors`` for anything that goes wrong; app.py's one handler answers those."""
