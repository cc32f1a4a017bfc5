"""What meptool's files mean: the enums, the incident model and the workspace configuration.

Pydantic models with `extra="forbid"` for the files people write (`incident.yaml`,
`meptool.yaml`) and the closed lists they use. Pure data: this package may import
only the base modules (`meptool.errors`, `meptool.timeutil`); it reads and writes
nothing.
"""
