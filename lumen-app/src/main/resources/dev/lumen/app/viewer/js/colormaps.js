// Colour maps as 256-entry RGB tables: jet as its three ramps, the others interpolated between
// their published colours at ninths of the range.

const STOPS = {
  viridis: [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129],
    [92, 200, 99], [170, 220, 50], [253, 231, 37]],
  inferno: [[0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85], [227, 89, 51],
    [249, 140, 10], [249, 201, 50], [252, 255, 164]],
};

function clamp(v) {
  return Math.max(0, Math.min(1, v));
}

function table(colour) {
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colour(i / 255);
    out[3 * i] = r;
    out[3 * i + 1] = g;
    out[3 * i + 2] = b;
  }
  return out;
}

function interpolated(stops) {
  return (v) => {
    const at = v * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(at));
    const t = at - i;
    return stops[i].map((c, k) => c + t * (stops[i + 1][k] - c));
  };
}

export const COLORMAPS = {
  jet: table((v) => [clamp(1.5 - Math.abs(4 * v - 3)), clamp(1.5 - Math.abs(4 * v - 2)),
    clamp(1.5 - Math.abs(4 * v - 1))].map((c) => 255 * c)),
  viridis: table(interpolated(STOPS.viridis)),
  inferno: table(interpolated(STOPS.inferno)),
  gray: table((v) => [255 * v, 255 * v, 255 * v]),
};

/** One colour per label where several are drawn together (boxes, ROC curves). */
export const LABEL_COLOURS = ['#ff5a5a', '#4fd1ff', '#ffd24f', '#8cff66', '#d68cff', '#ff9f40', '#ffffff'];
