"""The domain packages: ``tautrait.domains.<name>`` is the folder ``domains/<name>/``.

This package has no modules of its own. Its ``__path__`` is the ``domains/`` folder of
every data root (:func:`tautrait.paths.find_dirs`: ``TAUTRAIT_DATA_PATH`` first, then
the checkout or the wheel's copy), so a domain is imported by name, like any package,
from wherever it lives, and the first root that has a name wins. Adding a domain is
adding a folder; nothing lists them. :func:`tautrait.domain.loader.load_domain` re-reads
the data path before each import, so a root added to ``TAUTRAIT_DATA_PATH`` later in the
process is seen too.

Inside a domain, modules import each other relatively (``from .schema import Order``);
that is also how mypy, which checks ``domains/`` as top-level packages, resolves them.
"""

from tautrait import paths

__path__ = [str(folder) for folder in paths.find_dirs("domains")]
