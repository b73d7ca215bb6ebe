// One plane of a case as radiologists' viewers show it: the slice and its map side by side or
// as an overlay, a slider and the wheel and arrow keys through the slices, window/level by
// dragging on the image, zoom (ctrl + wheel) and pan (shift + drag), the values under the
// cursor, the finding's mask as an outline, the slice where the map peaks, and a strip with
// each slice's share of the map's heat. Everything is drawn here from the bytes the server
// sent, so the display settings change without a request.

import { drawSlice, greyLevels } from './render.js';

export class PlaneView {
  /**
   * @param container where the view goes
   * @param name the plane's name (axial, coronal, sagittal, image)
   * @param display the shared display settings: {mode, opacity, colormap, threshold}
   * @param onSlice called with the slice whenever it changes
   */
  constructor(container, name, display, onSlice) {
    this.name = name;
    this.display = display;
    this.onSlice = onSlice;
    this.pixels = null;
    this.map = null;
    this.mask = null;
    this.evidence = null;
    this.slice = 0;
    this.window = null;
    this.zoom = 1;
    this.pan = [0, 0];
    this.root = document.createElement('section');
    this.root.className = 'plane';
    this.root.tabIndex = 0;
    this.root.dataset.plane = name;
    this.root.innerHTML = `
      <header><strong>${name}</strong> <span class="slice-label"></span>
        <button class="peak" title="Go to the slice where the map peaks">peak</button>
        <button class="reset" title="Reset zoom, pan and window">reset</button></header>
      <div class="panels">
        <div class="panel"><canvas class="slice-canvas"></canvas></div>
        <div class="panel"><canvas class="map-canvas"></canvas></div>
      </div>
      <canvas class="strip" height="28" title="Each slice's share of the map's heat; click to go there"></canvas>
      <input type="range" class="slider" min="0" value="0">
      <div class="readout">&nbsp;</div>
      <progress class="bar" hidden></progress>
      <div class="status"></div>`;
    container.appendChild(this.root);
    this.sliceCanvas = this.root.querySelector('.slice-canvas');
    this.mapCanvas = this.root.querySelector('.map-canvas');
    this.slider = this.root.querySelector('.slider');
    this.strip = this.root.querySelector('.strip');
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value)));
    this.root.querySelector('.peak').addEventListener('click', () => this.show(this.peakSlice()));
    this.root.querySelector('.reset').addEventListener('click', () => this.reset());
    this.strip.addEventListener('click', (e) => {
      if (this.pixels) {
        this.show(Math.floor(e.offsetX / this.strip.clientWidth * this.pixels.slices));
      }
    });
    this.root.addEventListener('keydown', (e) => this.key(e));
    for (const canvas of [this.sliceCanvas, this.mapCanvas]) {
      canvas.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
      canvas.addEventListener('mousemove', (e) => this.readout(e, canvas));
      canvas.addEventListener('mousedown', (e) => this.drag(e));
    }
  }

  /** Shows {@code message} under the plane (progress, or why the map is missing), with a bar when a job reports how far it is. */
  status(message, progress) {
    this.root.querySelector('.status').textContent = message;
    const bar = this.root.querySelector('.bar');
    bar.hidden = !progress;
    if (progress) {
      bar.max = progress.total;
      bar.value = progress.done;
    }
  }

  /** The study's pixels (from studyPixels); starts at the middle slice. */
  setPixels(pixels, slice) {
    this.pixels = pixels;
    this.map = null;
    this.mask = null;
    this.evidence = null;
    this.window = [(pixels.low + pixels.high) / 2, Math.max(pixels.high - pixels.low, 1e-6)];
    for (const canvas of [this.sliceCanvas, this.mapCanvas]) {
      canvas.width = pixels.width;
      canvas.height = pixels.height;
    }
    this.slider.max = String(pixels.slices - 1);
    this.show(slice ?? Math.floor(pixels.slices / 2), true);
  }

  /** The explanation's compact map (same geometry as the study). */
  setMap(map) {
    if (map && (map.slices !== this.pixels.slices || map.width !== this.pixels.width
        || map.height !== this.pixels.height)) {
      throw new Error(`the map is ${map.slices}x${map.height}x${map.width}, the study ${this.pixels.slices}x`
        + `${this.pixels.height}x${this.pixels.width}`);
    }
    this.map = map;
    this.drawStrip();
    this.draw();
  }

  /**
   * Each slice's share of the plane model's logit (the channels it wins in a max-over-slices
   * head), drawn in the strip instead of the map's heat; null to draw the heat.
   */
  setEvidence(evidence) {
    this.evidence = evidence;
    this.strip.title = evidence ? "Each slice's share of the model's score: the channels it wins in the max over "
      + 'slices (up: for, down: against); click to go there' : "Each slice's share of the map's heat; click to go there";
    this.drawStrip();
  }

  /** A uint8 mask [slices, height, width] drawn as an outline, or null. */
  setMask(mask) {
    this.mask = mask;
    this.draw();
  }

  /** Goes to slice {@code s}. */
  show(s, quiet) {
    if (!this.pixels) {
      return;
    }
    this.slice = Math.max(0, Math.min(this.pixels.slices - 1, s));
    this.slider.value = String(this.slice);
    this.root.querySelector('.slice-label').textContent = `slice ${this.slice + 1} / ${this.pixels.slices}`;
    this.draw();
    this.drawStrip();
    if (!quiet) {
      this.onSlice(this.slice);
    }
  }

  /** The slice holding the map's largest value (the middle one without a map). */
  peakSlice() {
    if (!this.map) {
      return Math.floor(this.pixels.slices / 2);
    }
    const plane = this.map.width * this.map.height;
    let best = 0;
    let bestValue = -1;
    for (let s = 0; s < this.map.slices; s++) {
      for (let i = s * plane; i < (s + 1) * plane; i++) {
        if (this.map.data[i] > bestValue) {
          bestValue = this.map.data[i];
          best = s;
        }
      }
    }
    return best;
  }

  reset() {
    this.zoom = 1;
    this.pan = [0, 0];
    if (this.pixels) {
      this.window = [(this.pixels.low + this.pixels.high) / 2, Math.max(this.pixels.high - this.pixels.low, 1e-6)];
    }
    this.transform();
    this.draw();
  }

  /** Redraws both panels from the bytes: nothing is fetched. */
  draw() {
    if (!this.pixels) {
      return;
    }
    const { width, height, low, high } = this.pixels;
    const offset = this.slice * width * height;
    const overlay = this.display.mode === 'overlay';
    this.root.querySelector('.panels').classList.toggle('single', overlay);
    const grey = greyLevels(low, high, this.window[0], this.window[1]);
    const outline = this.mask ? this.outline(offset, width, height) : null;
    const drawn = drawSlice(this.pixels.data, offset, width, height, grey, this.map ? this.map.data : null,
      this.display, outline);
    this.sliceCanvas.getContext('2d').putImageData(overlay ? drawn.overlaid : drawn.slice, 0, 0);
    this.mapCanvas.getContext('2d').putImageData(drawn.overlaid, 0, 0);
  }

  /** The mask's edge pixels on this slice: inside, with a 4-neighbour outside. */
  outline(offset, width, height) {
    const m = this.mask.data;
    const edge = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (!m[offset + i]) {
          continue;
        }
        const outside = (dx, dy) => {
          const nx = x + dx;
          const ny = y + dy;
          return nx < 0 || ny < 0 || nx >= width || ny >= height || !m[offset + ny * width + nx];
        };
        edge[i] = outside(1, 0) || outside(-1, 0) || outside(0, 1) || outside(0, -1) ? 1 : 0;
      }
    }
    return edge;
  }

  drawStrip() {
    const canvas = this.strip;
    canvas.hidden = !this.pixels || this.pixels.slices < 2;
    canvas.width = canvas.clientWidth || 256;
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.pixels || (!this.map && !this.evidence)) {
      return;
    }
    let values = this.evidence;
    if (!values) {
      const plane = this.map.width * this.map.height;
      values = [];
      for (let s = 0; s < this.map.slices; s++) {
        let sum = 0;
        for (let i = s * plane; i < (s + 1) * plane; i++) {
          sum += this.map.data[i];
        }
        values.push(sum);
      }
    }
    const top = Math.max(...values.map(Math.abs), 1e-9);
    const step = canvas.width / values.length;
    // evidence can be negative: bars grow up from the middle for, down against; heat only up
    const base = this.evidence ? canvas.height / 2 : canvas.height;
    const scale = this.evidence ? canvas.height / 2 : canvas.height;
    values.forEach((v, s) => {
      context.fillStyle = s === this.slice ? '#ffcc00' : v < 0 ? '#bf6c6c' : '#6c8ebf';
      const h = Math.max(1, Math.abs(v) / top * scale);
      context.fillRect(s * step, v < 0 ? base : base - h, Math.max(1, step - 1), h);
    });
  }

  key(e) {
    const moves = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1 };
    if (e.key in moves) {
      this.show(this.slice + moves[e.key]);
    } else if (e.key === 'Home') {
      this.show(0);
    } else if (e.key === 'End') {
      this.show(this.pixels.slices - 1);
    } else {
      return;
    }
    e.preventDefault();
  }

  wheel(e) {
    e.preventDefault();
    if (e.ctrlKey) {
      this.zoom = Math.max(1, Math.min(8, this.zoom * (e.deltaY < 0 ? 1.25 : 0.8)));
      this.transform();
    } else {
      this.show(this.slice + (e.deltaY > 0 ? 1 : -1));
    }
  }

  /** Window/level while dragging on a panel; pan with shift held. */
  drag(e) {
    if (e.button !== 0 || !this.pixels) {
      return;
    }
    e.preventDefault();
    let last = [e.clientX, e.clientY];
    const range = Math.max(this.pixels.high - this.pixels.low, 1e-6);
    const move = (m) => {
      const dx = m.clientX - last[0];
      const dy = m.clientY - last[1];
      last = [m.clientX, m.clientY];
      if (e.shiftKey) {
        this.pan = [this.pan[0] + dx, this.pan[1] + dy];
        this.transform();
      } else {
        this.window = [this.window[0] + dy * range / 256, Math.max(range / 256, this.window[1] + dx * range / 256)];
        this.draw();
      }
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  transform() {
    for (const canvas of [this.sliceCanvas, this.mapCanvas]) {
      canvas.style.transform = `translate(${this.pan[0]}px, ${this.pan[1]}px) scale(${this.zoom})`;
    }
  }

  /** The study's value and the map's under the cursor. */
  readout(e, canvas) {
    if (!this.pixels) {
      return;
    }
    const rect = canvas.getBoundingClientRect();
    const x = Math.floor((e.clientX - rect.left) / rect.width * this.pixels.width);
    const y = Math.floor((e.clientY - rect.top) / rect.height * this.pixels.height);
    if (x < 0 || y < 0 || x >= this.pixels.width || y >= this.pixels.height) {
      return;
    }
    const i = this.slice * this.pixels.width * this.pixels.height + y * this.pixels.width + x;
    const value = this.pixels.low + this.pixels.data[i] / 255 * (this.pixels.high - this.pixels.low);
    const map = this.map ? (this.map.data[i] / 255).toFixed(2) : '–';
    this.root.querySelector('.readout').textContent = `x ${x}, y ${y}: value ${value.toFixed(1)}, map ${map}`;
  }
}
