"""The ``plots`` family's manifest: what it declares to the SDK (see :mod:`worldsmith.core.family`)."""
from worldsmith.core.family import Family, GeneratorSpec

FAMILY = Family(
    name="plots",
    generators=(
        GeneratorSpec("plots/quest-v1", "worldsmith.plots.generator:QuestGenerator",
                      "branching quest graphs: branch-and-bottleneck acts with lock-and-key gates"),
    ),
    asset_types={"PlotGraph": "worldsmith.types.plot:PlotGraph"},
    exporters={"PlotGraph": "worldsmith.plots.export"},
)
