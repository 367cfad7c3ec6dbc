"""The name Excel knows the worksheet functions by (xlwings.conf: UDF Modules = kaikaku_udfs).

Classic xlwings imports this module by name and registers every function with an `__xlfunc__` it finds in it, so
a re-export is enough: the functions themselves live in the library (`kaikaku_xl.udfs`), which never imports
this folder.
"""

from kaikaku_xl.udfs import *  # noqa: F403
from kaikaku_xl.udfs import __all__  # noqa: F401
