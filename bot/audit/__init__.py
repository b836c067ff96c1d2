"""`reprobot audit`: many repositories checked one by one or side by side, and one report.

sources -> targets (sources.py) -> one clone, facts and `reprobot check` each (execute.py,
in parallel slots: pool.py) -> DIR/reports/<owner>+<name>.json -> audit.json, audit.csv and
index.html (table.py, causes.py, page.py). `reprobot audit merge` joins the reports of
several audits (the chunks of a fanned-out workflow) into one.
"""
