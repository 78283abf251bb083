"""Binary glTF 2.0 built from numpy arrays, and Wavefront OBJ bytes of a trimesh scene.

:class:`Glb` packs vertex attributes, indices and embedded PNG images into the one binary
chunk, with the accessors, buffer views (each marked with its glTF target, as validators
expect), meshes, materials, samplers and textures that point into it; :meth:`Glb.glb` adds the
caller's node tree and scene. The same calls give the same bytes.

>>> import numpy as np
>>> g = Glb()
>>> quad = np.array([[0, 0, 0], [1, 0, 0], [0, 0, 1], [1, 0, 1]], np.float32)
>>> mat = g.material(material("ground", base_color=(0.2, 0.6, 0.2, 1.0)))
>>> mesh = g.mesh("quad", {"POSITION": quad}, np.array([0, 2, 1, 2, 3, 1]), mat)
>>> data = g.glb([{"name": "quad", "mesh": mesh}], "demo", "doctest")
>>> data[:4], len(data) % 4
(b'glTF', 0)
"""
from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
import trimesh

ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963
NEAREST, LINEAR, LINEAR_MIPMAP_LINEAR = 9728, 9729, 9987
CLAMP_TO_EDGE = 33071
_COMPONENT = {np.dtype(np.float32): 5126, np.dtype(np.uint32): 5125, np.dtype(np.uint16): 5123}
_TYPE = {1: "SCALAR", 2: "VEC2", 3: "VEC3", 4: "VEC4"}


def material(name: str, base_color: tuple[float, float, float, float] | None = None,
             texture: int | None = None, alpha_mode: str = "OPAQUE") -> dict[str, Any]:
    """A rough, non-metallic material: ``base_color`` (linear RGBA factor), ``texture`` (index
    of a base-colour texture, read through ``TEXCOORD_0``), ``alpha_mode`` as glTF names it."""
    pbr: dict[str, Any] = {"metallicFactor": 0.0, "roughnessFactor": 1.0}
    if base_color is not None:
        pbr["baseColorFactor"] = [round(float(v), 6) for v in base_color]
    if texture is not None:
        pbr["baseColorTexture"] = {"index": texture}
    out: dict[str, Any] = {"name": name, "pbrMetallicRoughness": pbr}
    if alpha_mode != "OPAQUE":
        out["alphaMode"] = alpha_mode
    return out


def srgb_to_linear(srgb: np.ndarray) -> np.ndarray:
    """Linear-light values of sRGB-encoded values in [0, 1] (the IEC 61966-2-1 curve).

    >>> srgb_to_linear(np.array([0.0, 0.5, 1.0])).round(4).tolist()
    [0.0, 0.214, 1.0]
    """
    s = np.asarray(srgb, dtype=np.float64)
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


class Glb:
    """A glTF 2.0 document under construction whose data all lives in one binary buffer."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self.tree: dict[str, list[dict[str, Any]]] = {
            key: [] for key in ("accessors", "bufferViews", "meshes", "materials", "images", "samplers",
                                "textures")}

    def _append(self, key: str, item: dict[str, Any]) -> int:
        self.tree[key].append(item)
        return len(self.tree[key]) - 1

    def _view(self, data: bytes, target: int | None) -> int:
        view: dict[str, Any] = {"buffer": 0, "byteOffset": self._size, "byteLength": len(data)}
        if target is not None:
            view["target"] = target
        pad = -len(data) % 4
        self._chunks += [data, b"\0" * pad]
        self._size += len(data) + pad
        return self._append("bufferViews", view)

    def accessor(self, array: np.ndarray, target: int = ARRAY_BUFFER, bounds: bool = False) -> int:
        """An accessor over ``array`` ((count,) or (count, 1-4) of float32, uint16 or uint32);
        ``bounds`` adds its per-component min and max (glTF requires them for POSITION)."""
        a = np.ascontiguousarray(array)
        width = 1 if a.ndim == 1 else a.shape[1]
        acc: dict[str, Any] = {"bufferView": self._view(a.tobytes(), target),
                               "componentType": _COMPONENT[a.dtype], "count": len(a), "type": _TYPE[width]}
        if bounds:
            cols = a.reshape(len(a), width)
            acc["min"], acc["max"] = cols.min(0).tolist(), cols.max(0).tolist()
        return self._append("accessors", acc)

    def texture(self, png: bytes, mag: int, min_: int, wrap: int = CLAMP_TO_EDGE) -> int:
        """A texture of the embedded ``png`` with its own sampler (filters and wrap as glTF codes)."""
        image = self._append("images", {"bufferView": self._view(png, None), "mimeType": "image/png"})
        sampler = self._append("samplers", {"magFilter": mag, "minFilter": min_, "wrapS": wrap, "wrapT": wrap})
        return self._append("textures", {"sampler": sampler, "source": image})

    def material(self, mat: dict[str, Any]) -> int:
        """Add a material (see :func:`material`); returns its index."""
        return self._append("materials", mat)

    def mesh(self, name: str, attributes: dict[str, np.ndarray], indices: np.ndarray, material: int) -> int:
        """A one-primitive triangle mesh: float32 ``attributes`` by glTF semantic, ``indices``
        (stored as uint16 where they fit, else uint32) and the material index."""
        idx = np.asarray(indices).reshape(-1)
        idx = idx.astype(np.uint16 if idx.max(initial=0) < 0xFFFF else np.uint32)
        attrs = {k: self.accessor(np.asarray(v, np.float32), bounds=k == "POSITION") for k, v in attributes.items()}
        primitive = {"attributes": attrs, "indices": self.accessor(idx, ELEMENT_ARRAY_BUFFER), "material": material}
        return self._append("meshes", {"name": name, "primitives": [primitive]})

    def glb(self, nodes: list[dict[str, Any]], scene_name: str, generator: str) -> bytes:
        """The ``.glb`` file: ``nodes`` (node 0 is the root of the one scene ``scene_name``)."""
        tree: dict[str, Any] = {"asset": {"version": "2.0", "generator": generator}, "scene": 0,
                                "scenes": [{"name": scene_name, "nodes": [0]}], "nodes": nodes,
                                **{k: v for k, v in self.tree.items() if v}}
        binary = b"".join(self._chunks)
        tree["buffers"] = [{"byteLength": len(binary)}]
        text = json.dumps(tree, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 4)
        total = 12 + 8 + len(text) + 8 + len(binary)
        return b"".join([struct.pack("<4sII", b"glTF", 2, total), struct.pack("<I4s", len(text), b"JSON"), text,
                         struct.pack("<I4s", len(binary), b"BIN\0"), binary])


def obj_bytes(scene: trimesh.Scene) -> bytes:
    """Wavefront OBJ text of ``scene`` with vertex colours and normals, no textures, no header."""
    text = trimesh.exchange.obj.export_obj(scene, include_color=True, include_normals=True,
                                           include_texture=False, header=None)
    return text.encode()
