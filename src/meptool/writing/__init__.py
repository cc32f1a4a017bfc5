"""Writing documents: the one Jinja environment, its filters, words per language, charts.

`templating` builds the only Jinja environment (package templates + the workspace's
`templates_dir`, sandboxed, strict, autoescaped); `filters` and `labels` are the
filters and words it registers; `charts` and `timelinechart` compute SVG geometry;
`export` copies templates out for customising. It may import `meptool.incident`,
`meptool.files`, `meptool.model` and the base modules; never a document kind
(`updates`, `reports`, `calls`, `portal`) nor the CLI.
"""
