"""Parallax backgrounds from noise: a sky gradient, clouds and rolling hills, each tileable.

Noise here is periodic by construction (random Fourier coefficients at integer frequencies with
a power-law falloff), so every layer repeats seamlessly along x, as Tiled's ``repeatx`` and a
scrolling camera need.

>>> import numpy as np
>>> layers = backgrounds(np.random.default_rng(0), 224, "day")
>>> [(b.name, b.image.shape, b.parallax) for b in layers]
[('sky', (224, 1024, 4), 0.0), ('clouds', (224, 1024, 4), 0.2), ('hills', (224, 1024, 4), 0.5)]
"""
from __future__ import annotations

import numpy as np

from worldsmith.types.scene import Background

WIDTH = 1024  # pixels; each layer repeats along x
SKIES = {  # top colour, horizon colour, cloud colour, far hills, near hills
    "day": ((92, 148, 252), (190, 224, 255), (255, 255, 255), (120, 170, 200), (70, 150, 80)),
    "dusk": ((60, 50, 120), (250, 150, 110), (255, 210, 200), (120, 90, 130), (70, 80, 90)),
    "night": ((10, 12, 40), (40, 50, 100), (120, 130, 170), (26, 32, 66), (22, 40, 52)),
}


def periodic_noise(rng: np.random.Generator, shape: tuple[int, int], falloff: float) -> np.ndarray:
    """``(h, w)`` noise that tiles in both directions, scaled to unit spread over three standard
    deviations and clipped to [-1, 1]; larger ``falloff`` is smoother.

    >>> n = periodic_noise(np.random.default_rng(1), (8, 16), 2.0)
    >>> n.shape, float(n.max()) <= 1.0
    ((8, 16), True)
    """
    h, w = shape
    fy, fx = np.fft.fftfreq(h)[:, None] * h, np.fft.rfftfreq(w)[None, :] * w
    radius = np.sqrt(fx * fx + fy * fy)
    amp = np.where(radius > 0, 1.0 / np.maximum(radius, 1.0) ** falloff, 0.0)
    spec = amp * (rng.standard_normal(radius.shape) + 1j * rng.standard_normal(radius.shape))
    out = np.fft.irfft2(spec, s=shape)
    np.divide(out, 3 * out.std() + 1e-12, out=out)
    return np.clip(out, -1.0, 1.0, out=out)


def _ridge(rng: np.random.Generator, base: float, amp: float, falloff: float) -> np.ndarray:
    """A tileable 1D height profile (rows from the top), one value per column."""
    return base + amp * periodic_noise(rng, (1, WIDTH), falloff)[0]


def _fill_below(profile: np.ndarray, height: int, colour: tuple[int, int, int]) -> np.ndarray:
    """RGBA layer: ``colour`` below ``profile`` (shaded darker with depth), transparent above."""
    shade = np.arange(height)[:, None] - profile[None, :]                  # (h, w): rows under the ridge
    inside = shade >= 0
    np.divide(shade, 60.0, out=shade)                                       # in place from here: a fresh
    np.clip(shade, 0, 1, out=shade)                                         # array costs more than its sums
    np.multiply(shade, 0.35, out=shade)
    np.subtract(1.0, shade, out=shade)                                      # 1 - 0.35 * depth
    np.multiply(shade, inside, out=shade)                                   # 0 above the ridge
    return _rgba(shade, colour, inside, 255)


def _rgba(shade: np.ndarray, colour: tuple, alpha: np.ndarray, opaque: int) -> np.ndarray:
    """A ``(h, w, 4)`` uint8 layer: ``colour`` times ``shade`` ``(h, w)``, alpha ``alpha * opaque``
    (through one float scratch array: fresh arrays cost more than their products)."""
    img, scratch = np.empty((*shade.shape, 4), np.uint8), np.empty_like(shade)
    for k, value in enumerate(colour):
        img[..., k] = np.multiply(shade, float(value), out=scratch)
    img[..., 3] = np.multiply(alpha, opaque, out=scratch)
    return img


def sky(height: int, top: tuple, horizon: tuple) -> np.ndarray:
    """An opaque vertical gradient from ``top`` to ``horizon``."""
    t = np.linspace(0.0, 1.0, height)[:, None, None] ** 1.5
    rgb = (1 - t) * np.asarray(top, float) + t * np.asarray(horizon, float)   # (h, 1, 3): one colour a row
    img = np.empty((height, WIDTH, 4), np.uint8)
    img[..., :3] = rgb.astype(np.uint8)
    img[..., 3] = 255
    return img


def clouds(rng: np.random.Generator, height: int, colour: tuple) -> np.ndarray:
    """Puffy clouds in the upper half: thresholded periodic noise in a band below the top edge,
    lit from above (a darker underside)."""
    alpha = periodic_noise(rng, (height, WIDTH), 1.7)                      # (h, w), worked in place
    y = np.linspace(0, 1, height)[:, None]
    band = np.clip(1.0 - np.abs(y - 0.22) / 0.2, 0, 1) ** 0.5
    np.multiply(alpha, band, out=alpha)
    np.subtract(alpha, 0.12, out=alpha)
    np.multiply(alpha, 6.0, out=alpha)
    np.clip(alpha, 0, 1, out=alpha)
    shade = np.multiply(alpha, 0.5)
    np.subtract(1, shade, out=shade)
    np.multiply(0.25 * np.clip((y - 0.15) / 0.3, 0, 1), shade, out=shade)
    np.subtract(1.0, shade, out=shade)                                      # lit from above
    return _rgba(shade, colour, alpha, 235)


def hills(rng: np.random.Generator, height: int, far: tuple, near: tuple) -> np.ndarray:
    """Two ranges of rolling hills, a paler far range behind a darker near one."""
    back = _fill_below(_ridge(rng, height * 0.45, height * 0.12, 2.5), height, far)
    front = _fill_below(_ridge(rng, height * 0.62, height * 0.08, 2.0), height, near)
    np.copyto(back, front, where=front[..., 3:] > 0)
    return back


def backgrounds(rng: np.random.Generator, height: int, theme: str) -> list[Background]:
    """Sky (fixed), clouds (0.2) and hills (0.5) for a scene ``height`` pixels tall."""
    top, horizon, cloud, far, near = SKIES[theme]
    return [Background("sky", sky(height, top, horizon), 0.0),
            Background("clouds", clouds(rng, height, cloud), 0.2),
            Background("hills", hills(rng, height, far, near), 0.5)]
