"""Task builder for the retail domain (see ``domains/retail/build_tasks.py``)."""
