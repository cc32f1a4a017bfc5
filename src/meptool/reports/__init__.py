"""Retrospectives and the portfolio: facts across incidents and the documents that show them.

`retrodoc` writes one incident's retrospective (the team's and the client's
version), `portfolio` folds the facts of many incidents as they stream by, and
`portfoliodoc` turns them into tables and SVG charts. It may import
`meptool.writing`, `meptool.incident`, `meptool.files`, `meptool.model` and the base
modules (and `meptool.updates.check` for the rules a client document must pass);
never the CLI.
"""
