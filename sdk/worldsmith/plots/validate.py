"""Validate a plot graph over its state space (beat x variable values), not just its edges.

``validate(graph)`` walks every reachable state breadth first and reports: beats and endings
never reached, dead ends (a non-ending state with no enabled choice), softlocks (a state from
which no ending can be reached), choices whose requirements never hold, plus metrics: state
count, shortest and longest path to an ending, and the branching factor.

>>> from worldsmith.types.plot import PlotGraph, Beat, Choice
>>> g = PlotGraph(beats=[Beat("a", "Go?", "start"), Beat("b", "Done.", "ending")],
...               choices=[Choice("a", "b", "Go")])
>>> r = validate(g)
>>> r.ok, r.states, r.min_path, r.max_path
(True, 2, 1, 1)
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from worldsmith.types.plot import EFFECT_OPS, KINDS, OPS, PlotGraph

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: words that cannot name a variable in Ink, Yarn or SugarCube
RESERVED = frozenset({"true", "false", "not", "and", "or", "mod", "has", "hasnt", "VAR", "CONST",
                      "LIST", "temp", "return", "function", "else", "END", "DONE", "visited",
                      "to", "is", "eq", "neq", "gt", "gte", "lt", "lte", "xor", "null", "if"})
MAX_STATES = 200_000


@dataclass
class Report:
    """The result of :func:`validate`: ``ok`` when ``errors`` is empty, plus the measured metrics."""

    errors: list[str] = field(default_factory=list)
    beats: int = 0
    choices: int = 0
    endings: int = 0
    states: int = 0
    endings_reached: list[str] = field(default_factory=list)
    min_path: int | None = None
    max_path: int | None = None  # None when the state graph has a cycle (paths unbounded)
    branching_mean: float = 0.0
    branching_max: int = 0

    @property
    def ok(self) -> bool:
        """True when the graph has no errors."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {"ok": self.ok, **{k: getattr(self, k) for k in self.__dataclass_fields__}}


def validate(graph: PlotGraph, max_states: int = MAX_STATES) -> Report:
    """Check ``graph`` structurally and over its reachable state space; never raises on bad graphs."""
    report = Report(beats=len(graph.beats), choices=len(graph.choices),
                    endings=sum(b.kind == "ending" for b in graph.beats))
    report.errors = _structure_errors(graph)
    if not report.errors:
        _explore(graph, report, max_states)
    return report


def _structure_errors(graph: PlotGraph) -> list[str]:
    errors: list[str] = []
    ids = [b.id for b in graph.beats]
    known = set(ids)
    if len(known) != len(ids):
        errors.append("duplicate beat ids: " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    errors += [f"beat {b.id!r}: id is not an ASCII identifier" for b in graph.beats if not IDENT.match(b.id)]
    errors += [f"beat {b.id!r}: kind {b.kind!r} is not one of {KINDS}" for b in graph.beats if b.kind not in KINDS]
    starts = [b.id for b in graph.beats if b.kind == "start"]
    if len(starts) != 1:
        errors.append(f"expected exactly one start beat, got {len(starts)}")
    for name, value in graph.variables.items():
        if not IDENT.match(name) or name in RESERVED or keyword.iskeyword(name):
            errors.append(f"variable {name!r}: not a usable identifier")
        if not isinstance(value, (bool, int)):
            errors.append(f"variable {name!r}: initial value must be a bool or an int, got {value!r}")
    for i, c in enumerate(graph.choices):
        where = f"choice {i} ({c.source} -> {c.target})"
        errors += [f"{where}: unknown beat {end!r}" for end in (c.source, c.target) if end not in known]
        if c.target in starts:
            errors.append(f"{where}: enters the start beat")
        errors += _term_errors(where, graph.variables, c.requires, OPS, "requires")
        errors += _term_errors(where, graph.variables, c.effects, EFFECT_OPS, "effects")
    for b in graph.beats:
        if b.kind == "ending" and graph.choices_from(b.id):
            errors.append(f"beat {b.id!r}: an ending has choices")
    return errors


def _term_errors(where: str, variables: dict, terms: list, ops: Any, what: str) -> list[str]:
    errors = []
    for t in terms:
        if t.var not in variables:
            errors.append(f"{where}: {what} an undeclared variable {t.var!r}")
        elif t.op not in ops:
            errors.append(f"{where}: {what} op {t.op!r} is not one of {tuple(ops)}")
        elif type(t.value) is not type(variables[t.var]) or (t.op == "add" and isinstance(t.value, bool)):
            errors.append(f"{where}: {what} {t.var} {t.op} {t.value!r} mixes types")
    return errors


def _compile(graph: PlotGraph):
    """Beats as indices, choices as (index, target, conditions, effects) over a value tuple."""
    index = {b.id: i for i, b in enumerate(graph.beats)}
    slot = {name: i for i, name in enumerate(graph.variables)}
    out: list[list[tuple]] = [[] for _ in graph.beats]
    for ci, c in enumerate(graph.choices):
        conds = tuple((slot[t.var], OPS[t.op], t.value) for t in c.requires)
        effects = tuple((slot[t.var], t.op == "add", t.value) for t in c.effects)
        out[index[c.source]].append((ci, index[c.target], conds, effects))
    return index, out


def _explore(graph: PlotGraph, report: Report, max_states: int) -> None:
    """Breadth-first search over states ``(beat, values)``, numbered in discovery order."""
    index, out = _compile(graph)
    start = (index[graph.start], tuple(graph.variables.values()))
    number = {start: 0}
    states, succ, depth = [start], [], [0]
    used = [False] * len(graph.choices)
    for i, (beat, values) in enumerate(states):  # ``states`` grows while we walk it
        nexts = []
        for ci, target, conds, effects in out[beat]:
            if all(op(values[v], want) for v, op, want in conds):
                used[ci] = True
                new = list(values)
                for v, add, x in effects:
                    new[v] = new[v] + x if add else x
                nxt = (target, tuple(new))
                j = number.get(nxt)
                if j is None:
                    j = number[nxt] = len(states)
                    states.append(nxt)
                    depth.append(depth[i] + 1)
                nexts.append(j)
        succ.append(nexts)
        if len(states) > max_states:
            report.errors.append(f"state space exceeds {max_states} states (unbounded counter?)")
            return
    _judge(graph, report, [b for b, _ in states], succ, depth, used)


def _judge(graph, report, beat_of: list[int], succ: list[list[int]], depth: list[int], used: list[bool]) -> None:
    beats = graph.beats
    ending = [b.kind == "ending" for b in beats]
    report.states = len(succ)
    seen = set(beat_of)
    report.errors += [f"{'ending' if ending[i] else 'beat'} {b.id!r} is unreachable"
                      for i, b in enumerate(beats) if i not in seen]
    end_states = [s for s, b in enumerate(beat_of) if ending[b]]
    report.endings_reached = [beats[i].id for i in sorted(seen) if ending[i]]
    dead = sorted({beats[b].id for s, b in enumerate(beat_of) if not succ[s] and not ending[b]})
    report.errors += [f"beat {d!r} is a dead end in some state (no enabled choice)" for d in dead]
    seen_ids = {beats[i].id for i in seen}
    report.errors += [f"choice {i} ({c.source} -> {c.target}, {c.text!r}) can never be taken"
                      for i, c in enumerate(graph.choices) if not used[i] and c.source in seen_ids]
    alive = _reaching(succ, end_states)
    stuck = sorted({beats[b].id for s, b in enumerate(beat_of) if not alive[s] and succ[s]})
    report.errors += [f"beat {d!r} can loop forever without reaching an ending" for d in stuck]
    if end_states:
        report.min_path = min(depth[s] for s in end_states)
        report.max_path = _longest(succ, end_states)
    fan = [len(succ[s]) for s, b in enumerate(beat_of) if not ending[b]]
    report.branching_mean = round(sum(fan) / len(fan), 3) if fan else 0.0
    report.branching_max = max(fan, default=0)


def _reaching(succ: list[list[int]], targets: list[int]) -> list[bool]:
    """For each state, whether some state in ``targets`` is reachable from it."""
    back: list[list[int]] = [[] for _ in succ]
    for s, nexts in enumerate(succ):
        for t in nexts:
            back[t].append(s)
    alive = [False] * len(succ)
    for t in targets:
        alive[t] = True
    queue = list(targets)
    for s in queue:  # ``queue`` grows while we walk it
        for p in back[s]:
            if not alive[p]:
                alive[p] = True
                queue.append(p)
    return alive


def _longest(succ: list[list[int]], end_states: list[int]) -> int | None:
    """Longest start -> ending path in choices, or None if the state graph has a cycle."""
    indeg = [0] * len(succ)
    for nexts in succ:
        for t in nexts:
            indeg[t] += 1
    order = [s for s, d in enumerate(indeg) if d == 0]
    longest = [0] * len(succ)
    for s in order:  # Kahn's algorithm; ``order`` grows while we walk it
        here = longest[s] + 1
        for t in succ[s]:
            if longest[t] < here:
                longest[t] = here
            indeg[t] -= 1
            if not indeg[t]:
                order.append(t)
    if len(order) != len(succ):
        return None
    return max(longest[s] for s in end_states)
