"""Running a demo: one fresh process per run, its output as events, its limits, and its end."""
