"""Workflows (refresh, validate, report, export): each takes a workbook engine and settings, none knows Excel."""
