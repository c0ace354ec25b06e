"""``tautrait traits eval``: measuring the simulated users themselves.

The seed paper (000, sections 4 and 6.1) asks four questions of a trait simulator —
realism, fidelity, stability and compositionality — and answers them with human and
LLM judges over conversations that share contexts and seeds. This package generates
such conversations for every simulator method of the harness (steered, mTAD, prompt),
always reads them with offline measures (a standardised trait score and its
dose-response and drift, fluency, diversity), and with a judge model runs the paper's
four judged protocols. One concept per module:

- :mod:`~tautrait.traiteval.contexts` — the evaluation contexts (intent, background,
  agent role) from ``traits/eval/contexts.json``;
- :mod:`~tautrait.traiteval.conversations` — the plan and the conversations;
- :mod:`~tautrait.traiteval.measures` — offline measures;
- :mod:`~tautrait.traiteval.judge` — judge protocols and strict answer parsing
  (prompts in ``prompts/*.md.j2``);
- :mod:`~tautrait.traiteval.elo` — Elo ratings over shuffled comparison orders;
- :mod:`~tautrait.traiteval.report` — the JSON file and the Markdown tables;
- :mod:`~tautrait.traiteval.evaluate` — one evaluation from end to end.
"""
