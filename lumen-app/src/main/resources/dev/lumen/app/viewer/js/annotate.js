// Drawing a clinician's annotation on a 2D study — a box, a polygon (click the corners,
// double-click to close) or freehand — with its label, note and author; the study's current
// annotations with their versions; and how every computed explanation of the label agrees
// with them (pointing game, energy inside, IoU), measured by the server.

import { deleteJson, getJson, postJson, putJson } from './api.js';
import { drawSlice } from './render.js';
import { element, fmt } from './dom.js';

const AUTHOR_KEY = 'lumen.author';
const DISPLAY = { colormap: 'gray', opacity: 0, threshold: 1 };

export class AnnotationPanel {
  /**
   * @param container where the panel goes
   * @param study the study's id; pixels its pixels.u8, grey its grey levels
   * @param labels the labels to offer, the first chosen
   * @param modelNames model id to name, for the agreement table
   */
  constructor(container, study, pixels, grey, labels, modelNames) {
    this.study = study;
    this.pixels = pixels;
    this.grey = grey;
    this.modelNames = modelNames;
    this.points = [];
    this.root = element('section', { class: 'annotate' });
    this.root.innerHTML = `
      <h3>Annotate</h3>
      <div class="display">
        <label>Tool <select class="tool"><option value="box">box</option><option value="polygon">polygon</option>
          <option value="freehand">freehand</option></select></label>
        <label>Label <input class="label" list="annotation-labels"></label>
        <label>Author <input class="author"></label>
        <label>Note <input class="note"></label>
        <button class="save" disabled>Save</button><button class="clear">Clear</button>
        <a class="export" href="/api/exports/annotations.zip?study=${study}" download>export masks</a>
      </div>
      <datalist id="annotation-labels"></datalist>
      <div class="label-row"><canvas class="drawing"></canvas><ul class="annotations"></ul></div>
      <h4>Agreement of the computed maps with the annotation</h4>
      <table class="table agreement"></table>
      <div class="status"></div>`;
    container.replaceChildren(this.root);
    this.$ = (selector) => this.root.querySelector(selector);
    this.$('#annotation-labels').replaceChildren(...labels.map((l) => element('option', { value: l })));
    this.$('.label').value = labels[0] ?? '';
    this.$('.author').value = localStorage.getItem(AUTHOR_KEY) ?? '';
    this.canvas = this.$('.drawing');
    this.canvas.width = pixels.width;
    this.canvas.height = pixels.height;
    this.canvas.addEventListener('mousedown', (e) => this.down(e));
    this.canvas.addEventListener('mousemove', (e) => this.move(e));
    this.canvas.addEventListener('mouseup', () => this.up());
    this.canvas.addEventListener('dblclick', () => this.closePolygon());
    this.$('.save').addEventListener('click', () => this.save());
    this.$('.clear').addEventListener('click', () => this.reset());
    this.$('.label').addEventListener('change', () => this.agreement());
    this.refresh();
  }

  /** The mouse position in the study's pixels. */
  at(e) {
    const rect = this.canvas.getBoundingClientRect();
    const x = Math.max(0, Math.min(this.pixels.width, (e.clientX - rect.left) / rect.width * this.pixels.width));
    const y = Math.max(0, Math.min(this.pixels.height, (e.clientY - rect.top) / rect.height * this.pixels.height));
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  down(e) {
    const tool = this.$('.tool').value;
    if (tool === 'polygon') {
      if (this.closed) {
        this.reset();
      }
      this.points.push(this.at(e));
    } else {
      this.reset();
      this.points = [this.at(e)];
      this.dragging = true;
    }
    this.draw();
  }

  move(e) {
    if (!this.dragging) {
      return;
    }
    const p = this.at(e);
    if (this.$('.tool').value === 'box') {
      this.points = [this.points[0], p];
    } else {
      const last = this.points[this.points.length - 1];
      if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= 1) {
        this.points.push(p);
      }
    }
    this.draw();
  }

  up() {
    if (this.dragging) {
      this.dragging = false;
      this.closed = this.$('.tool').value === 'box' ? this.points.length === 2 : this.points.length >= 3;
      this.$('.save').disabled = !this.closed;
      this.draw();
    }
  }

  closePolygon() {
    // the double-click's two clicks added the last corner twice
    this.points = this.points.filter((p, i) => i === 0 || p[0] !== this.points[i - 1][0] || p[1] !== this.points[i - 1][1]);
    this.closed = this.points.length >= 3;
    this.$('.save').disabled = !this.closed;
    this.draw();
  }

  reset() {
    this.points = [];
    this.closed = false;
    this.$('.save').disabled = true;
    this.draw();
  }

  /** The region being drawn as the annotations API takes it. */
  region() {
    if (this.$('.tool').value === 'box') {
      const [[ax, ay], [bx, by]] = this.points;
      return { shape: 'box', box: [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)] };
    }
    return { shape: 'polygon', points: this.points };
  }

  async save() {
    const author = this.$('.author').value.trim();
    if (!author) {
      this.$('.status').textContent = 'give your name as the author';
      return;
    }
    localStorage.setItem(AUTHOR_KEY, author);
    const body = { slice: 0, label: this.$('.label').value, note: this.$('.note').value, author, ...this.region() };
    try {
      if (this.editing) {
        // an edit adds the next version of the annotation; the server refuses it if someone else changed it first
        await putJson(`/api/annotations/${this.editing.id}`, { ...body, version: this.editing.version });
        this.editing = null;
      } else {
        await postJson(`/api/studies/${this.study}/annotations`, body);
      }
      this.reset();
      this.$('.status').textContent = '';
      await this.refresh();
    } catch (error) {
      this.$('.status').textContent = 'not saved: ' + error.message;
    }
  }

  async refresh() {
    this.current = await getJson(`/api/studies/${this.study}/annotations`);
    this.$('.annotations').replaceChildren(...this.current.map((a) => {
      const item = element('li', { 'data-annotation': a.id },
        `${a.label} (${a.shape}) by ${a.author}, version ${a.version}, ${new Date(a.createdAt).toLocaleString()}`
        + (a.note ? ': ' + a.note : '') + ' ');
      const edit = element('button', {}, 'redraw');
      edit.title = 'Draw the region again and save: a new version, the old one kept';
      edit.addEventListener('click', () => {
        this.editing = a;
        this.$('.label').value = a.label;
        this.$('.note').value = a.note;
        this.$('.status').textContent = `redrawing ${a.label} (version ${a.version}): draw, then save`;
      });
      item.appendChild(edit);
      const remove = element('button', {}, 'delete');
      remove.addEventListener('click', async () => {
        const author = encodeURIComponent(this.$('.author').value.trim() || a.author);
        await deleteJson(`/api/annotations/${a.id}?version=${a.version}&author=${author}`);
        await this.refresh();
      });
      item.appendChild(remove);
      return item;
    }));
    this.draw();
    await this.agreement();
  }

  /** The server's agreement of every stored map of the label with its annotations. */
  async agreement() {
    const table = this.$('.agreement');
    const label = this.$('.label').value;
    if (!this.current.some((a) => a.label === label)) {
      table.replaceChildren(element('tr', {}, `No annotation of ${label} yet.`));
      return;
    }
    const rows = await getJson(`/api/studies/${this.study}/agreement?label=${encodeURIComponent(label)}`);
    const head = element('tr');
    head.append(...['method', 'model', 'pointing game', 'energy inside', 'IoU at 0.5'].map((h) => element('th', {}, h)));
    table.replaceChildren(head, ...rows.map((r) => {
      const tr = element('tr', { 'data-method': r.method });
      tr.append(...[r.method, this.modelNames[r.model] ?? r.model, r.pointingGame ? 'hit' : 'miss', fmt(r.energyInside),
        fmt(r.iou)].map((v) => element('td', {}, v)));
      return tr;
    }));
  }

  draw() {
    const { width, height, data } = this.pixels;
    const context = this.canvas.getContext('2d');
    context.putImageData(drawSlice(data, 0, width, height, this.grey, null, DISPLAY, null).slice, 0, 0);
    context.lineWidth = Math.max(1, width / 256);
    const path = (points, close) => {
      context.beginPath();
      points.forEach(([x, y], i) => (i ? context.lineTo(x, y) : context.moveTo(x, y)));
      if (close) {
        context.closePath();
      }
      context.stroke();
    };
    context.strokeStyle = '#00ff78';
    for (const a of this.current ?? []) {
      if (a.shape === 'box') {
        context.strokeRect(a.box[0], a.box[1], a.box[2] - a.box[0], a.box[3] - a.box[1]);
      } else if (a.shape === 'polygon') {
        path(a.points, true);
      }
    }
    context.strokeStyle = '#ffcc00';
    if (this.points.length) {
      if (this.$('.tool').value === 'box' && this.points.length === 2) {
        const [[ax, ay], [bx, by]] = this.points;
        context.strokeRect(ax, ay, bx - ax, by - ay);
      } else {
        path(this.points, this.closed);
      }
    }
  }
}
