"""The client portal (SPEC.md 9): one static, self-contained site per client.

- `wording`: every word the client reads that meptool chooses itself;
- `visible`: what the client may see of an incident (and nothing else);
- `feeds`: the Atom and iCalendar feeds;
- `site`: the pages, rendered through the one Jinja environment;
- `build`: the incremental build (what changed since the last one);
- `record`: the record of the last build (SQLite in `.meptool/cache/`) and the code's fingerprint;
- `reader`: the changed incidents, read through the cache of parsed files;
- `pages`: an incident's pages and a client's home and feeds, here or in forked workers;
- `output`: where the site may be written, its manifest, the temporary tree and the swap;
- `settings`: what the portal keeps between builds (facts of `meptool.yaml`, stat keys).
"""
