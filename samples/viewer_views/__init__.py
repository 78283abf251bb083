"""The viewer's tabs, in key order (1 = Sprites, 2 = Levels, 3 = Scenes, 4 = Plot)."""
from viewer_views.levels import LevelsView
from viewer_views.plot import PlotView
from viewer_views.scenes import ScenesView
from viewer_views.sprites import SpritesView

VIEWS = (SpritesView, LevelsView, ScenesView, PlotView)
