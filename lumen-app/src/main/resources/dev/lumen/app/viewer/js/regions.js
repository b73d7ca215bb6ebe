// Regions of a map as Lumen's API defines them (boxes.json): the pixels at or above a
// threshold split into 8-connected components, each with its box [x0, y0, x1, y1) and its
// confidence, the highest heat inside it; most confident first.

export function regions(map, width, height, threshold) {
  const level = Math.round(threshold * 255);
  const seen = new Uint8Array(width * height);
  const out = [];
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || map[start] < level || map[start] === 0) {
      continue;
    }
    let x0 = width;
    let y0 = height;
    let x1 = 0;
    let y1 = 0;
    let best = 0;
    let pixels = 0;
    const queue = [start];
    seen[start] = 1;
    while (queue.length) {
      const i = queue.pop();
      const x = i % width;
      const y = (i - x) / width;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
      best = Math.max(best, map[i]);
      pixels++;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          const n = ny * width + nx;
          if (nx >= 0 && ny >= 0 && nx < width && ny < height && !seen[n] && map[n] >= level && map[n] > 0) {
            seen[n] = 1;
            queue.push(n);
          }
        }
      }
    }
    out.push({ box: [x0, y0, x1, y1], confidence: best / 255, pixels });
  }
  return out.sort((a, b) => b.confidence - a.confidence || b.pixels - a.pixels);
}
