"""What a project lead does with an incident: open, list, move, explain, plan, learn.

Opening, listing and validating the workspace's incidents (`registry`), the
lifecycle and its timeline (`lifecycle`), root cause, corrective plan, client
feedback, the summary `incident list` shows, the timing facts of an incident
(`timing`: milestones, durations, update gaps), the portfolio's facts of one
incident (`facts`), the blameless client view (`redact`), and reading every
incident through the cache (`reading`, which tells the cache what to keep).
It may import `meptool.files`, `meptool.model` and the base modules; never the
documents (`writing`, `updates`, `reports`…) nor the CLI.
"""
