"""The client call (SPEC.md 8): prepare it, invite to it, record what the client said and expects.

- `brief`: what the lead's internal brief says (the template context);
- `invite`: the iCalendar invitation and the mail that carries it;
- `core`: `call prepare`, `call record`, `call list`;
- `expectations`: `expect add|met|declined`.
"""
