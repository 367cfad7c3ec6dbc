"""All rules of DOMAIN.md, as pure functions over pandas frames. No file I/O, no xlwings.

evaluate.py runs one evaluation (frames in, frames out); rates, grades, measures, items, cumulative, effects,
effect_plan, revisions and rollups hold the rules it applies; narratives says which items need a written account.
"""
