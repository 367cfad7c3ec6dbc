"""master.readers: one reader per table of the master (settings, plan_info, items, measures, yearly, status,
ledger, effect_plan, revisions, grade_scale). Each is a function of the table that reports what it cannot use
into the shared ProblemLog (base.py); the % reading rule (percent.py) is shared with collect. master.load runs
them in order as named steps."""
