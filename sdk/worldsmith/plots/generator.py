"""``plots/quest-v1``: branch-and-bottleneck quests from a Doran & Parberry quest grammar.

A quest opens with a hook (the giver's *motivation*). Each act is a bottleneck hub offering
``branching`` alternative *strategies*; each strategy is a run of ``depth`` *action* beats, and
all of them re-converge at the next act's hub. Lock-and-key gates put a key (a flag) on a side
trip or on one branch and a locked shortcut at a later hub; a ``trust`` counter, raised by kind
choices at the ends of branches, and the keys decide which endings open at the climax. Every
graph is checked with :func:`worldsmith.plots.validate.validate` before it is returned.

>>> from worldsmith.plots.validate import validate
>>> g = QuestGenerator(acts=2, endings=3)(seed=4)
>>> validate(g).ok, len(g.endings)
(True, 3)
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from worldsmith.core.config import Config, param
from worldsmith.core.generator import Generator
from worldsmith.plots.grammar import MOTIVATIONS, derive, strategies_for
from worldsmith.plots.graph import GraphBuilder, slug
from worldsmith.plots.text import THEMES, Text, templates
from worldsmith.plots.validate import validate
from worldsmith.types.plot import Condition, Effect, PlotGraph

TRUST = "trust"


@dataclass(frozen=True)
class QuestConfig(Config):
    """Shape of a quest."""

    acts: int = param(3, lo=1, hi=8, help="acts: bottleneck hubs, each opening alternative strategies")
    branching: int = param(2, lo=2, hi=4, help="alternative strategies (branches) per act")
    depth: int = param(2, lo=1, hi=4, help="action beats per strategy")
    endings: int = param(3, lo=1, hi=6, help="distinct endings")
    locks: int = param(1, lo=0, hi=4, help="lock-and-key gates (a key found early opens a shortcut later)")
    theme: str = param("fantasy", choices=tuple(THEMES), help="vocabulary of names, places and items")
    cast: int = param(3, lo=2, hi=6, help="named characters (the quest giver and allies)")


@dataclass
class _Key:
    item: str
    flag: str
    key_act: int
    lock_act: int
    on_branch: bool


class _Quest:
    """Builds one quest graph from a seeded RNG."""

    def __init__(self, cfg: QuestConfig, rng: random.Random):
        self.cfg, self.rng = cfg, rng
        self.text = Text(cfg.theme, rng)
        names = self.text.sample("name", cfg.cast)
        self.giver, self.allies = names[0], names[1:]
        self.places = self.text.sample("place", cfg.acts + 2)
        self.text.slots = {"giver": names[0], "foe": self.text.pick("foe"),
                           "prize": self.text.pick("prize"), "home": self.places[0]}
        self.b = GraphBuilder(self.text.expand("#title#", place=self.places[-1]))
        self.keys = self._plan_keys()
        self.kinds = self._plan_endings()
        self.abandon_act = rng.randint(1, cfg.acts) if "abandon" in self.kinds else 0
        self.pending: list[tuple[str, str, str]] = []  # (beat, ally, role) leading to the next hub

    def _plan_keys(self) -> list[_Key]:
        items = self.text.sample("item", self.cfg.locks)
        keys: list[_Key] = []
        for i, item in enumerate(items):
            key_act = self.rng.randint(1, self.cfg.acts)
            lock_act = self.rng.randint(key_act, self.cfg.acts)
            taken = sum(k.on_branch and k.key_act == key_act for k in keys)
            on_branch = lock_act > key_act and taken < self.cfg.branching and self.rng.random() < 0.5
            keys.append(_Key(item, f"has_{slug(item)}" + (f"_{i}" if item in items[:i] else ""),
                             key_act, lock_act, on_branch))
        return keys

    def _plan_endings(self) -> list[str]:
        pool = ["triumph", "bitter", "abandon", "strange"] + ["secret"] * min(len(self.keys), 2)
        while len(pool) < self.cfg.endings - 1:
            pool.append("strange")
        return ["plain"] + self.rng.sample(pool, self.cfg.endings - 1)

    @property
    def uses_trust(self) -> bool:
        return "triumph" in self.kinds or "bitter" in self.kinds

    def build(self) -> GraphBuilder:
        motivation = self.rng.choice(MOTIVATIONS)
        hook = self.text.expand(self.rng.choice(templates.HOOKS[motivation]))
        self.b.beat("start", self.text.expand("#start#", hook=hook), "start", act=0,
                    location=self.places[0], cast=[self.giver], role="hook", motivation=motivation)
        self.pending = [("start", self.giver, "hook")]
        for act in range(1, self.cfg.acts + 1):
            self._act(act, motivation if act == 1 else self.rng.choice(MOTIVATIONS))
        self._climax()
        return self.b

    def _enter(self, hub: str, place: str, first: bool) -> None:
        """Connect every pending beat to ``hub``."""
        for beat, ally, role in self.pending:
            if first:
                self.b.choose(beat, hub, self.text.expand("#accept#"))
            elif self.uses_trust and role == "branch":
                exits = [(self.text.expand("#kind#", ally=ally), [Effect(TRUST, "add", 1)]),
                         (self.text.expand("#hard#", ally=ally), [])]
                self.rng.shuffle(exits)
                for text, effects in exits:
                    self.b.choose(beat, hub, text, effects=effects)
            else:
                self.b.choose(beat, hub, self.text.expand("#onward#", next=place))
        self.pending = []

    def _act(self, act: int, motivation: str) -> None:
        hub, place, npc = f"act{act}", self.places[act], self.rng.choice(self.allies)
        self._enter(hub, place, act == 1)
        self.b.beat(hub, self.text.expand("#hub#", place=place, npc=npc), act=act, location=place,
                    cast=[npc], role="hub", motivation=motivation)
        options: list[tuple] = []
        pairs = strategies_for(motivation, self.cfg.branching, self.rng)
        branch_keys = [k for k in self.keys if k.key_act == act and k.on_branch]
        for i, (m, strategy) in enumerate(pairs):
            key = branch_keys[i] if i < len(branch_keys) else None
            options.append(self._branch(act, chr(97 + i), m, strategy, key, place, npc))
        options += [self._side_trip(act, k, place, npc) for k in self.keys
                    if k.key_act == act and not k.on_branch]
        options += [self._lock(act, k, place) for k in self.keys if k.lock_act == act]
        if act == self.abandon_act:
            options.append(self._ending(self.kinds.index("abandon"), act, place, npc))
        self.rng.shuffle(options)
        for target, text, requires, effects in options:
            self.b.choose(hub, target, text, requires, effects)

    def _branch(self, act: int, letter: str, motivation: str, strategy: str, key: _Key | None,
                place: str, npc: str) -> tuple:
        spot, ally = self.text.pick("place"), self.rng.choice(self.allies)
        slots = {"spot": spot, "ally": ally, "place": place, "npc": npc}
        actions = derive(motivation, strategy, self.cfg.depth, self.rng)
        ids = [f"act{act}_{letter}{i + 1}" for i in range(len(actions))]
        for i, (bid, action) in enumerate(zip(ids, actions)):
            text = self.text.expand(self.rng.choice(templates.ACTIONS[action][0]), **slots)
            if key and i == 0:
                text += " " + self.text.expand("Along the way you come by #item.a#.", item=key.item)
            self.b.beat(bid, text, act=act, location=spot, cast=[ally], role="branch",
                        strategy=strategy, action=action)
            if i:
                self.b.choose(ids[i - 1], bid, self.text.expand(
                    self.rng.choice(templates.ACTIONS[action][1]), **slots))
        self.pending.append((ids[-1], ally, "branch"))
        effects = [self.b.set_flag(key.flag)] if key else []
        return ids[0], self.text.expand(self.rng.choice(templates.PITCHES[strategy]), **slots), [], effects

    def _side_trip(self, act: int, key: _Key, place: str, npc: str) -> tuple:
        bid, spot = f"key_{key.flag[4:]}", self.text.pick("place")
        slots = {"spot": spot, "npc": npc, "item": key.item, "place": place}
        self.b.beat(bid, self.text.expand("#key_beat#", **slots), act=act, location=spot,
                    cast=[npc], role="key")
        self.b.choose(bid, f"act{act}", self.text.expand("#return#", **slots),
                      effects=[self.b.set_flag(key.flag)])
        return bid, self.text.expand("#seek_key#", **slots), [Condition(key.flag, "==", False)], []

    def _lock(self, act: int, key: _Key, place: str) -> tuple:
        bid = f"lock_{key.flag[4:]}"
        self.b.flag(key.flag)
        self.b.beat(bid, self.text.expand("#lock_beat#", item=key.item), act=act, location=place,
                    cast=[], role="lock")
        self.pending.append((bid, "", "lock"))
        return bid, self.text.expand("#use_key#", item=key.item), [Condition(key.flag, "==", True)], []

    def _climax(self) -> None:
        act, place, npc = self.cfg.acts + 1, self.places[-1], self.rng.choice(self.allies)
        self._enter("climax", place, False)
        self.b.beat("climax", self.text.expand("#climax#", place=place, npc=npc), act=act,
                    location=place, cast=[self.giver, npc], role="climax")
        for i, kind in enumerate(self.kinds):
            if kind != "abandon":
                self.b.choose("climax", *self._ending(i, act, place, npc))
        if self.uses_trust:
            self.b.counter(TRUST)

    def _ending(self, i: int, act: int, place: str, npc: str) -> tuple:
        kind, bid = self.kinds[i], f"end{i + 1}_{self.kinds[i]}"
        secret = self.kinds[:i].count("secret")
        key = self.keys[secret % len(self.keys)] if self.keys else None
        slots = {"place": place, "npc": npc, "item": key.item if key else ""}
        choices, texts = templates.ENDINGS[kind]
        self.b.beat(bid, self.text.expand(self.rng.choice(texts), **slots), "ending", act=act,
                    location=place, cast=[self.giver], role=kind)
        requires = self._ending_requires(kind, key)
        return bid, self.text.expand(self.rng.choice(choices), **slots), requires, []

    def _ending_requires(self, kind: str, key: _Key | None) -> list[Condition]:
        acts = self.cfg.acts
        if kind == "triumph":
            return [Condition(TRUST, ">=", self.rng.randint(max(1, acts // 2), acts))]
        if kind == "bitter":
            return [Condition(TRUST, "<", self.rng.randint(1, max(1, acts // 2)))]
        if kind == "secret" and key:
            return [Condition(key.flag, "==", True)]
        return []


class QuestGenerator(Generator):
    """Seeded branching quests (:class:`PlotGraph`) that always pass :func:`validate`."""

    id = "plots/quest-v1"
    Config = QuestConfig
    asset_type = PlotGraph
    test_config = {"acts": 2, "endings": 3}
    #: deterministic re-draws allowed if a draft fails validation
    attempts = 8

    def _generate(self, seeds: Sequence[int]) -> list[PlotGraph]:
        return [self._one(seed) for seed in seeds]

    def _one(self, seed: int) -> PlotGraph:
        rng = random.Random(seed)
        for _ in range(self.attempts):
            graph = _Quest(self.config, rng).build().build(self.meta(seed))
            report = validate(graph)
            if report.ok:
                return graph
        raise RuntimeError(f"plots/quest-v1 seed {seed}: no valid draft: {report.errors[:3]}")
