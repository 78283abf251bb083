"""Binary glTF 2.0 and Wavefront OBJ bytes of a trimesh scene, with the node tree the caller
builds.

trimesh writes the meshes, accessors and buffers; :func:`glb_bytes` then replaces its node tree
and scene with the caller's (node 0 is the root), names the generator, sets the materials, gives
each primitive its material and marks every buffer view with its glTF target (vertex attributes
or indices), which validators expect.

>>> import trimesh
>>> scene = trimesh.Scene()
>>> _ = scene.add_geometry(trimesh.creation.box(), geom_name="box", node_name="box")
>>> data = glb_bytes(scene, lambda mesh: [{"name": "box", "mesh": mesh["box"]}], "demo", "doctest",
...                  [material("ground")], lambda name: 0)
>>> data[:4]
b'glTF'
"""
from __future__ import annotations

from typing import Any, Callable

import trimesh

ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER = 34962, 34963


def material(name: str) -> dict[str, Any]:
    """A rough, non-metallic material that shows the vertex colours as they are."""
    return {"name": name, "pbrMetallicRoughness": {"metallicFactor": 0.0, "roughnessFactor": 1.0}}


def glb_bytes(scene: trimesh.Scene, nodes: Callable[[dict[str, int]], list[dict[str, Any]]], scene_name: str,
              generator: str, materials: list[dict[str, Any]], material_of: Callable[[str], int]) -> bytes:
    """The ``.glb`` of ``scene`` with the nodes ``nodes(mesh index by name)`` (the root first), one
    scene ``scene_name``, ``materials``, and mesh ``name``'s primitives drawn with
    ``materials[material_of(name)]``."""

    def post(tree: dict[str, Any]) -> None:
        mesh_index = {m["name"]: i for i, m in enumerate(tree["meshes"])}
        tree["nodes"] = nodes(mesh_index)
        tree["scenes"] = [{"name": scene_name, "nodes": [0]}]
        tree["asset"]["generator"] = generator
        tree["materials"] = materials
        for mesh in tree["meshes"]:
            for prim in mesh["primitives"]:
                prim["material"] = material_of(mesh["name"])
                tree["bufferViews"][tree["accessors"][prim["indices"]]["bufferView"]]["target"] = \
                    ELEMENT_ARRAY_BUFFER
                for acc in prim["attributes"].values():
                    tree["bufferViews"][tree["accessors"][acc]["bufferView"]]["target"] = ARRAY_BUFFER

    return trimesh.exchange.gltf.export_glb(scene, include_normals=True, tree_postprocessor=post)


def obj_bytes(scene: trimesh.Scene) -> bytes:
    """Wavefront OBJ text of ``scene`` with vertex colours and normals, no textures, no header."""
    text = trimesh.exchange.obj.export_obj(scene, include_color=True, include_normals=True,
                                           include_texture=False, header=None)
    return text.encode()
