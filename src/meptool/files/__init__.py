"""Files on disk: YAML, the workspace, the store and the cache.

The only place that reads or writes YAML (`yamlio`, its fast event loop `yamlfast`,
the parsed document they share `yamldoc`, targeted edits `yamledit`), turns
validation errors into located problems (`validation`), writes atomically under a
lock (`store`), keeps the cache of parsed files (`cache`, `bulk`, `freshness`),
decides where outputs may go (`outputs`), and knows the
workspace itself: where it is, its folders, its configuration (`workspace`,
`scaffold`). It may import the base modules and `meptool.model`; it never imports
the incident operations, the documents or the CLI — what the cache stores is
computed by a function handed to it.
"""
