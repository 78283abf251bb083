// Load a sprite-sheet atlas with PixiJS' own parser: node atlas_loader.js ATLAS.json
// Prints one JSON object: what @pixi/spritesheet (v7) made of every frame, and the animations
// built from meta.frameTags the way Aseprite defines them (from/to index the frames in order).
// Pixi reads frames only; its `animations` come from TexturePacker's field, which Aseprite
// atlases lack, so they are listed as pixi found them (expected: none).
// The base texture is a bare one of the PNG's real size (read from its IHDR), so Pixi's own
// check that each frame fits inside the texture runs without a canvas or a browser.
const fs = require('fs');
const path = require('path');
const modules = path.resolve(__dirname, '../../node_modules');
const { BaseTexture } = require(path.join(modules, '@pixi/core'));
const { Spritesheet } = require(path.join(modules, '@pixi/spritesheet'));

function pngSize(file) {
  const b = fs.readFileSync(file);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!b.subarray(0, 8).equals(signature) || b.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`${file}: not a PNG`);
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const rect = (r) => ({ x: r.x, y: r.y, w: r.width, h: r.height });

(async () => {
  const file = process.argv[2];
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const image = path.join(path.dirname(file), data.meta.image);
  const size = pngSize(image);
  const base = new BaseTexture(null, size);
  const sheet = new Spritesheet(base, data);
  const textures = await sheet.parse();

  const frames = {};
  for (const [name, t] of Object.entries(textures)) {
    frames[name] = { frame: rect(t.frame), orig: rect(t.orig), trim: t.trim ? rect(t.trim) : null,
                     rotate: t.rotate, valid: t.valid, duration: data.frames[name].duration };
  }
  const order = Object.keys(data.frames);
  const animations = {};
  for (const tag of data.meta.frameTags) {
    const names = order.slice(tag.from, tag.to + 1);
    const missing = names.filter((n) => !(n in textures));
    if (missing.length) throw new Error(`tag ${tag.name}: frames ${missing} not parsed by pixi`);
    animations[tag.name] = { direction: tag.direction, color: tag.color, frames: names,
                             durations: names.map((n) => data.frames[n].duration),
                             rects: names.map((n) => rect(textures[n].frame)) };
  }
  console.log(JSON.stringify({ image: size, resolution: sheet.resolution, order: Object.keys(textures),
                               frames, animations, pixiAnimations: Object.keys(sheet.animations) }));
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
