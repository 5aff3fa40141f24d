"""The one way YAML becomes data, and data becomes models, in slmvllm.

Every YAML input (requirements, rule sets, model catalogues) goes through
`read_source` -> `parse_yaml` -> `validate`. The policy, documented in docs/input-policy.md:

* PyYAML only composes the node graph (safe: no Python objects are ever built);
  this module builds plain data from the nodes itself, so it controls every
  case: duplicate keys, tags, aliases, nesting, and how plain scalars read.
* Plain scalars follow the YAML 1.2 core schema, stricter still: `yes`, `no`,
  `on`, `off` stay text; `1:30` stays text; `0755` stays text (leading zero);
  dates stay text; decimal integers (with optional `_` between digits) and
  decimal floats are numbers; `.nan` and `.inf` are errors.
* Quoted scalars are always text. Models are strict: a quoted "5" is not an
  integer, a bare 3.10 is not text. Text typed at a prompt or given to --set
  goes through `parse_text`, which reads numbers with the same grammar.
* Any explicit tag other than `!!str` is an error; so are aliases that refer
  to themselves, documents that expand to too many values, nesting deeper than
  `MAX_DEPTH`, files over `MAX_BYTES`, binary or non-UTF-8 files, several
  documents in one file, and empty files.
"""
