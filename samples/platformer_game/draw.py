"""Drawing the platformer: procedural tile art, the hero and enemies from ``sprites/lpc-v3``
characters (walk, slash, hurt; a 4 x 4 walk SpriteBatch works too), coins, flags, the HUD and the
quest boxes."""
from __future__ import annotations

import functools
import math

import pygame
from _common import ACCENT, BG, DIM, FG, PANEL, animations_of, font, rgba_surface, text, wrap

from platformer_game.world import HURT_STEPS, SLASH_STEPS, STEP, Body, Dialog, World

TILE = 32
SPRITE = 56
SLASH_FRAME = 0.08  # seconds per slash frame (the LPC sheet's 80 ms)
HURT_FRAMES = 6  # the LPC hurt animation: knocked down in 6 frames, one per step
SKY_TOP, SKY_LOW = (92, 148, 252), (170, 210, 255)
COLOURS = {"X": (160, 82, 45), "S": (200, 96, 40), "?": (240, 190, 40), "Q": (150, 110, 70),
           "<": (60, 170, 60), ">": (40, 140, 40), "[": (60, 170, 60), "]": (40, 140, 40),
           "B": (60, 60, 70), "b": (90, 90, 100)}


@functools.cache
def tile_image(ch: str) -> pygame.Surface | None:
    """A TILE x TILE picture of tile character ``ch`` (``None`` for empty space), cached."""
    if ch not in COLOURS:
        return None
    img = pygame.Surface((TILE, TILE))
    base = COLOURS[ch]
    img.fill(base)
    dark = tuple(max(0, v - 50) for v in base)
    light = tuple(min(255, v + 50) for v in base)
    if ch == "S":  # bricks: mortar lines
        for y in (0, TILE // 2):
            pygame.draw.line(img, dark, (0, y), (TILE, y), 2)
        for x, y in ((TILE // 2, 0), (0, TILE // 2), (TILE - 1, TILE // 2)):
            pygame.draw.line(img, dark, (x, y), (x, y + TILE // 2), 2)
    elif ch == "X":  # ground: a bevelled block
        pygame.draw.line(img, light, (1, 1), (TILE - 2, 1), 2)
        pygame.draw.line(img, light, (1, 1), (1, TILE - 2), 2)
        pygame.draw.circle(img, dark, (TILE - 8, TILE - 8), 3)
    elif ch in "?Q":
        pygame.draw.rect(img, dark, img.get_rect().inflate(-6, -6), 2, border_radius=3)
        if ch == "?":
            img.blit(font(30).render("?", True, (120, 60, 20)), (10, 6))
    elif ch in "<>[]":  # pipe: highlight stripe, a lip on the top pieces
        pygame.draw.rect(img, (140, 230, 120), (6 if ch in "<[" else 2, 0, 5, TILE))
        if ch in "<>":
            pygame.draw.rect(img, dark, (0, 0, TILE, 5))
    pygame.draw.rect(img, dark, img.get_rect(), 1)
    return img


def level_surface(world: World) -> pygame.Surface:
    """The level's solid tiles on a transparent surface."""
    surf = pygame.Surface((world.w * TILE, world.h * TILE), pygame.SRCALPHA)
    for r in range(world.h):
        for c in range(world.w):
            redraw_tile(surf, world, r, c)
    return surf


def redraw_tile(surf: pygame.Surface, world: World, r: int, c: int) -> None:
    """Repaint one tile (after a ? block was bumped)."""
    img = tile_image(world.vocab.chars[world.tiles[r, c]])
    surf.fill((0, 0, 0, 0), (c * TILE, r * TILE, TILE, TILE))
    if img is not None:
        surf.blit(img, (c * TILE, r * TILE))


Pose = tuple[str, int]  # (animation, frame index)


class Cast:
    """Frames at SPRITE pixels per animation and direction: the hero (character 0, every
    animation the batch has) and the enemies (the others, walking, tinted red so they read as
    foes)."""

    def __init__(self, batch):
        def scaled(frames):
            return [pygame.transform.smoothscale(rgba_surface(f), (SPRITE, SPRITE)) for f in frames]

        chars = [{a: {d: scaled(fs) for d, fs in dirs.items()} for a, dirs in c.items()}
                 for c in animations_of(batch)] if batch is not None else []
        self.hero = chars[:1]
        self.enemies = [{"walk": {d: [_tint(f) for f in fs] for d, fs in c["walk"].items()}}
                        for c in chars[1:] or chars]

    def frame(self, who: int, face: int, step: int, moving: bool, pose: Pose = ("walk", 0)) -> pygame.Surface | None:
        """The frame of the hero (``who`` 0) or enemy ``who - 1`` facing ``face`` (-1 left,
        1 right): frame ``pose[1]`` of animation ``pose[0]`` (hurt faces down), or of the walk
        at ``step`` (an lpc-v3 walk stands on frame 0 and steps through 1-8); ``None`` when no
        sprites have landed."""
        if not self.hero:
            return None
        character = self.hero[0] if who == 0 else self.enemies[(who - 1) % len(self.enemies)]
        animation, index = pose if pose[0] in character else ("walk", 0)
        dirs = character[animation]
        frames = dirs.get("right" if face > 0 else "left") or next(iter(dirs.values()))
        if animation != "walk":
            return frames[min(index, len(frames) - 1)]
        cycle = frames[1:] if len(frames) == 9 else frames
        return cycle[step % len(cycle)] if moving else frames[0]


def hero_pose(world: World, frac: float) -> Pose:
    """The hero's animation and frame: knocked down (hurt) for the first steps after a hit, a
    slash while one lasts, else walking."""
    since_hit = HURT_STEPS - world.hurt
    if world.hurt and since_hit < HURT_FRAMES:
        return "hurt", since_hit
    if world.slash:
        return "slash", int(((SLASH_STEPS - world.slash) + frac) * STEP / SLASH_FRAME)
    return "walk", 0


def _tint(img: pygame.Surface) -> pygame.Surface:
    out = img.copy()
    out.fill((255, 120, 120, 255), special_flags=pygame.BLEND_RGBA_MULT)
    return out


def glide(body: Body, frac: float) -> pygame.Vector2:
    """The body's pixel position, part way from its previous cell to its current one."""
    r0, c0 = body.prev
    return pygame.Vector2(c0 + (body.c - c0) * frac, r0 + (body.r - r0) * frac) * TILE


def draw_body(screen: pygame.Surface, cast: Cast, who: int, body: Body, frac: float, cam: pygame.Vector2,
              step: int, colour: tuple[int, int, int], pose: Pose = ("walk", 0)) -> None:
    """A character standing in its cell (a coloured block when no sprites have landed)."""
    pos = glide(body, frac) - cam
    img = cast.frame(who, body.face, step, body.prev != (body.r, body.c), pose)
    if img is None:
        pygame.draw.rect(screen, colour, (pos.x + 6, pos.y + 2, TILE - 12, TILE - 2), border_radius=6)
        return
    screen.blit(img, (pos.x + (TILE - SPRITE) / 2, pos.y + TILE - SPRITE + 4))


def draw_world(screen: pygame.Surface, world: World, tiles: pygame.Surface, cast: Cast, frac: float,
               top: int, t: float) -> None:
    """Sky, tiles, coins, flags, enemies and the hero, with the camera on the hero."""
    w, h = screen.get_size()
    for y in range(0, h, 8):
        k = y / h
        colour = [int(a + (b - a) * k) for a, b in zip(SKY_TOP, SKY_LOW)]
        pygame.draw.rect(screen, colour, (0, y, w, 8))
    hero = glide(world.hero, frac)
    cam = pygame.Vector2(max(0, min(hero.x - w / 3, world.w * TILE - w)), -top)
    for i in range(world.w // 12 + 2):  # clouds, scrolling at half speed
        x = (i * 12 * TILE + (i * 97) % 160) / 2 - cam.x / 2
        y = top + (i * 53) % 120 + 20
        for dx, dy, rad in ((0, 8, 18), (22, 0, 24), (46, 8, 18)):
            pygame.draw.circle(screen, (250, 250, 255), (x + dx, y + dy), rad)
    screen.blit(tiles, (-cam.x, top))
    for r, c in world.coins:
        squeeze = abs(math.sin(t * 4 + c)) * 10 + 2
        pygame.draw.ellipse(screen, (255, 215, 0), (c * TILE - cam.x + 16 - squeeze / 2, r * TILE - cam.y + 6,
                                                    squeeze, 20))
    for r, c in [*world.checkpoints, (world.h - 2, world.w - 1)]:
        x, y = c * TILE - cam.x + 14, (r + 1) * TILE - cam.y
        goal = c == world.w - 1
        pygame.draw.line(screen, (240, 240, 240), (x, y), (x, y - (5 if goal else 3) * TILE), 3)
        pygame.draw.polygon(screen, (40, 200, 80) if goal else ACCENT,
                            [(x, y - (5 if goal else 3) * TILE), (x + 26, y - (4.6 if goal else 2.6) * TILE),
                             (x, y - (4.2 if goal else 2.2) * TILE)])
    step = world.stats.steps
    for i, enemy in enumerate(world.enemies):
        draw_body(screen, cast, 1 + i, enemy, frac, cam, step // 2, (200, 60, 60))
    pose = hero_pose(world, frac)
    if not world.hurt or pose[0] == "hurt" or step % 2:  # blinks while invulnerable, once back up
        draw_body(screen, cast, 0, world.hero, frac, cam, step, (255, 255, 255), pose)


def draw_dialog(screen: pygame.Surface, dialog: Dialog, title: str) -> None:
    """A quest box: the beat's text and its numbered options."""
    box = pygame.Rect(0, 0, min(720, screen.get_width() - 40), 0)
    lines = wrap(dialog.text, box.w - 32, 22)[:8]
    options = [wrap(f"{i + 1}. {o}", box.w - 48, 22)[:2] for i, o in enumerate(dialog.options[:9])]
    box.h = 70 + 22 * len(lines) + sum(22 * len(o) + 4 for o in options)
    box.midtop = (screen.get_width() // 2, 48)  # high up: the hero stays in view
    pygame.draw.rect(screen, PANEL, box, border_radius=10)
    pygame.draw.rect(screen, ACCENT, box, 3, border_radius=10)
    text(screen, title, (box.x + 16, box.y + 12), 24, ACCENT)
    y = box.y + 42
    for line in lines:
        text(screen, line, (box.x + 16, y), 22, FG)
        y += 22
    y += 8
    for option in options:
        for k, line in enumerate(option):
            text(screen, line, (box.x + 24 + (18 if k else 0), y), 22, ACCENT)
            y += 22
        y += 4


def draw_hud(screen: pygame.Surface, parts: list[str], right: str) -> None:
    """The top bar: stats on the left, the background generation state on the right."""
    pygame.draw.rect(screen, BG, (0, 0, screen.get_width(), 36))
    text(screen, "   ".join(parts), (10, 10), 22, FG)
    width = font(20).size(right)[0]
    text(screen, right, (screen.get_width() - width - 10, 11), 20, DIM)
