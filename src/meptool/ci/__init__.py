"""CI: reading the pipeline that failed, and writing back to it.

`pipeline` reads GitHub Actions, GitLab CI and generic `CI_*`/`MEPTOOL_*` variables
to open an incident (`--from-ci`); `output` writes the step summary, outputs and
annotations back. It may import `meptool.incident`, `meptool.files`,
`meptool.model` and the base modules; never the documents nor the CLI.
"""
