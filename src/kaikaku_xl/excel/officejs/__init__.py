"""The xlwings Server project folder of kaikaku-xl (XLWINGS_PROJECT_DIR points here; see ../server.py).

xlwings Server imports `custom_functions` and `custom_scripts` as top-level packages from this folder and takes
`templates/taskpane.html` from it; nothing of xlwings Server is copied here.
"""
