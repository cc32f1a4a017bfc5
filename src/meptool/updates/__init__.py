"""Client updates: what they say, how they are written, checked, approved and sent.

`compose` decides what an update says (its context, kind and next promise),
`render` writes it from the templates, `check` (with `check_patterns` and
`secret_scan`) is the pre-send check, `mail` builds RFC 5322 messages, `drafts`
numbers, logs and approves drafts, `sending` delivers them by SMTP. It may import
`meptool.writing`, `meptool.incident`, `meptool.files`, `meptool.model` and the base
modules; never `reports`, `portal` nor the CLI.
"""
