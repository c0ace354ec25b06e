"""``tautrait serve``: the steered user simulator over HTTP, for every client and run.

:mod:`~tautrait.serve.settings` holds the server's options, :mod:`~tautrait.serve.service`
the model side (one worker batching every request), :mod:`~tautrait.serve.protocol` the
wire formats and :mod:`~tautrait.serve.app` the FastAPI application. FastAPI and uvicorn
are an optional extra (``pip install 'tautrait[server]'``), imported by the app only.
"""
