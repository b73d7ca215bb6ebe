// Drawing a slice and its map from the bytes the server sent: the grey levels under a window,
// the map in a colormap blended over them above a threshold, and an outline in one colour.

import { COLORMAPS } from './colormaps.js';

const OUTLINE = [0, 255, 120];

/** The grey level of every stored byte under a window (centre, width in the study's values). */
export function greyLevels(low, high, centre, width) {
  const out = new Uint8ClampedArray(256);
  for (let b = 0; b < 256; b++) {
    const value = low + b / 255 * (high - low);
    out[b] = 255 * (value - (centre - width / 2)) / width;
  }
  return out;
}

/**
 * The slice alone and the slice with its map, as two ImageData.
 *
 * @param pixels the study's bytes; offset: where the slice starts; width, height its size
 * @param grey the grey level of each byte (greyLevels)
 * @param map the map's bytes (same geometry) or null
 * @param display {colormap, opacity, threshold}
 * @param outline per pixel 1 where the outline goes, or null
 */
export function drawSlice(pixels, offset, width, height, grey, map, display, outline) {
  const lut = COLORMAPS[display.colormap];
  const threshold = Math.round(display.threshold * 255);
  const alpha = display.opacity;
  const slice = new ImageData(width, height);
  const overlaid = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const g = grey[pixels[offset + i]];
    const m = map ? map[offset + i] : 0;
    const o = 4 * i;
    const edge = outline && outline[i];
    let r = g;
    let gg = g;
    let b = g;
    if (m > 0 && m >= threshold) {
      r = (1 - alpha) * g + alpha * lut[3 * m];
      gg = (1 - alpha) * g + alpha * lut[3 * m + 1];
      b = (1 - alpha) * g + alpha * lut[3 * m + 2];
    }
    slice.data[o] = edge ? OUTLINE[0] : g;
    slice.data[o + 1] = edge ? OUTLINE[1] : g;
    slice.data[o + 2] = edge ? OUTLINE[2] : g;
    slice.data[o + 3] = 255;
    overlaid.data[o] = edge ? OUTLINE[0] : r;
    overlaid.data[o + 1] = edge ? OUTLINE[1] : gg;
    overlaid.data[o + 2] = edge ? OUTLINE[2] : b;
    overlaid.data[o + 3] = 255;
  }
  return { slice, overlaid };
}
