"""The client call (SPEC.md 8): prepare it, invite to it, record what the client said and expects.

- `core`: the flags `call prepare` and `call record` share, parsed and checked;
- `brief`: what the lead's internal brief and the invitation say (template contexts);
- `invite`: the iCalendar invitation and the mail that carries it;
- `prepare`: `call prepare`; `record`: `call record` and `call list`;
- `expectations`: `expect add|met|declined|answer`.

It builds on the updates (mail, rendering, checks, approval and sending); they
never import it.
"""
