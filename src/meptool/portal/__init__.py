"""The client portal (SPEC.md 9): one static, self-contained site per client.

- `wording`: every word the client reads that meptool chooses itself;
- `visible`: what the client may see of an incident (and nothing else);
- `feeds`: the Atom and iCalendar feeds;
- `site`: the pages, rendered through the one Jinja environment;
- `build`: the incremental build (what changed since the last one);
- `output`: where the site may be written, its manifest, the temporary tree and the swap;
- `settings`: what the portal keeps between builds (facts of `meptool.yaml`, stat keys).
"""
