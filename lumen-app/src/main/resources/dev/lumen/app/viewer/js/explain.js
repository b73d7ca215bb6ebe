// The explain page: upload a study (or pick one), choose a model or an ensemble, a method and
// its settings; the predictions sorted, then per label above the threshold the study, its map
// and its boxes; one summary with every such label's boxes in its colour; and 2–4 methods side
// by side, LIME with its pros and cons. A volume (NIfTI, a DICOM series as a ZIP, a 3D .npy)
// is explained by volume models and shown per label in a slice viewer with its map. Long
// methods show their progress and can be cancelled.

import { cancelJob, compactMap, explanation, getJson, npyArray, postJson, studyPixels, uploadStudy } from './api.js';
import { AnnotationPanel } from './annotate.js';
import { PlaneView } from './plane-view.js';
import { LABEL_COLOURS } from './colormaps.js';
import { drawSlice, greyLevels } from './render.js';
import { regions } from './regions.js';
import { element } from './dom.js';

const DISPLAY = { colormap: 'jet', opacity: 0.5, threshold: 0 };
const VOLUME_DISPLAY = { mode: 'side', ...DISPLAY };

function canvasOf(imageData, caption) {
  const figure = element('figure');
  const canvas = element('canvas');
  canvas.width = imageData.width;
  canvas.height = imageData.height;
  canvas.getContext('2d').putImageData(imageData, 0, 0);
  figure.appendChild(canvas);
  figure.appendChild(element('figcaption', {}, caption));
  return { figure, canvas };
}

function drawBoxes(canvas, boxes, colour, caption) {
  const context = canvas.getContext('2d');
  context.strokeStyle = colour;
  context.fillStyle = colour;
  context.lineWidth = Math.max(1, canvas.width / 200);
  context.font = `${Math.max(10, canvas.width / 22)}px sans-serif`;
  for (const b of boxes) {
    const [x0, y0, x1, y1] = b.box;
    context.strokeRect(x0, y0, x1 - x0, y1 - y0);
    context.fillText(caption(b), x0 + 2, Math.max(12, y0 - 3));
  }
}

/** A study's name in the pickers, volumes marked. */
function studyName(study) {
  return study.name + (study.kind === 'volume' ? ' (volume)' : '');
}

export class ExplainPage {
  constructor(root, state, save) {
    this.root = root;
    this.state = state;
    this.save = save;
    this.jobs = new Set();
    root.innerHTML = `
      <div class="explain">
        <aside>
          <label>Upload a study (PNG, JPEG, DICOM, .npy) or a volume (NIfTI, a DICOM series as .zip)
            <input id="upload" type="file" accept=".png,.jpg,.jpeg,.dcm,.dicom,.npy,.nii,.nii.gz,.gz,.zip"></label>
          <label>or a registered one <select id="study"></select></label>
          <fieldset id="models"><legend>Models (several make an ensemble)</legend></fieldset>
          <label>Method <select id="method"></select></label>
          <label>Settings (JSON) <textarea id="settings" rows="2" placeholder='{"limeSamples": 500}'></textarea></label>
          <label>Mode <select id="mode"><option value="class">class based</option>
            <option value="combined">combined</option></select></label>
          <label>Prediction threshold <input id="threshold" type="number" min="0" max="1" step="0.05" value="0.5"></label>
          <label>Box threshold <input id="box" type="range" min="0.05" max="1" step="0.05" value="0.5"></label>
          <label>Compare methods (2–4) <select id="compare" multiple size="6"></select></label>
          <div class="find"><button id="run">Explain</button><button id="cancel" hidden>Cancel</button></div>
          <div id="status" class="status"></div>
        </aside>
        <main>
          <h3>Predictions</h3><ol id="predictions" class="predictions"></ol>
          <div id="labels"></div>
          <h3 id="summary-title" hidden>Summary</h3><div id="summary"></div>
          <div id="compare-view" class="compare"></div>
          <div id="annotate"></div>
        </main>
      </div>`;
    this.$ = (id) => root.querySelector('#' + id);
  }

  async start() {
    const [studies, models, methods] = await Promise.all([getJson('/api/studies'), getJson('/api/models'),
      getJson('/api/methods')]);
    this.models = models;
    this.$('study').replaceChildren(...studies.map((s) => {
      const o = element('option', { value: s.id }, studyName(s));
      o.selected = s.id === this.state.study;
      return o;
    }));
    const chosen = (this.state.models ?? this.models[0]?.id ?? '').split(',');
    this.$('models').append(...this.models.map((m) => {
      const label = element('label', { class: 'check' });
      const box = element('input', { type: 'checkbox', value: m.id });
      box.checked = chosen.includes(m.id);
      label.append(box, ' ' + m.name + (m.volume ? ' (volume)' : ''));
      return label;
    }));
    for (const id of ['method', 'compare']) {
      this.$(id).replaceChildren(...Object.keys(methods).map((m) => element('option', { value: m, title: methods[m] }, m)));
    }
    this.$('method').value = this.state.method || 'gradcam';
    for (const m of (this.state.compare ?? '').split(',')) {
      const o = [...this.$('compare').options].find((x) => x.value === m);
      if (o) {
        o.selected = true;
      }
    }
    this.$('upload').addEventListener('change', () => this.upload());
    this.$('run').addEventListener('click', () => this.run());
    this.$('cancel').addEventListener('click', () => [...this.jobs].forEach((j) => cancelJob(j)));
    this.$('box').addEventListener('input', () => this.redrawBoxes());
  }

  status(text) {
    this.$('status').textContent = text;
  }

  async upload() {
    const file = this.$('upload').files[0];
    if (!file) {
      return;
    }
    try {
      const study = await uploadStudy(file);
      const option = element('option', { value: study.id }, studyName(study));
      this.$('study').prepend(option);
      this.$('study').value = study.id;
      this.status('uploaded ' + study.name);
    } catch (error) {
      this.status('upload refused: ' + error.message);
    }
  }

  async run() {
    const study = this.$('study').value;
    const models = [...this.$('models').querySelectorAll('input:checked')].map((b) => b.value);
    const method = this.$('method').value;
    const compare = [...this.$('compare').selectedOptions].map((o) => o.value).slice(0, 4);
    let settings = {};
    try {
      settings = this.$('settings').value.trim() ? JSON.parse(this.$('settings').value) : {};
    } catch (error) {
      this.status('the settings are not JSON: ' + error.message);
      return;
    }
    if (!study || models.length === 0) {
      this.status('choose a study and at least one model');
      return;
    }
    this.state = { study, models: models.join(','), method, compare: compare.join(',') };
    this.save(this.state);
    this.settings = settings;
    this.$('cancel').hidden = false;
    try {
      await this.explain(study, models, method, compare);
      this.status('');
    } catch (error) {
      this.status(error.message);
    } finally {
      this.$('cancel').hidden = true;
    }
  }

  async explain(study, models, method, compare) {
    this.pixels = await studyPixels(study);
    const volume = this.pixels.slices !== 1;
    const members = models.map((id) => this.models.find((m) => m.id === id));
    if (members.some((m) => Boolean(m.volume) !== volume)) {
      throw new Error(volume ? 'this study is a volume: choose volume models' : 'this study is an image: choose image '
        + 'models');
    }
    if (members.some((m) => JSON.stringify(m.labels) !== JSON.stringify(members[0].labels))) {
      throw new Error('the models of an ensemble must share their labels');
    }
    const predictions = await Promise.all(models.map((model) => postJson('/api/predictions', { model, study })));
    const labels = members[0].labels;
    const probability = labels.map((_, i) => predictions.reduce((sum, p) => sum + p.body.scores[i].probability, 0)
      / predictions.length);
    const order = labels.map((l, i) => i).sort((a, b) => probability[b] - probability[a]);
    const threshold = Number(this.$('threshold').value);
    this.$('predictions').replaceChildren(...order.map((i) => element('li',
      { class: probability[i] >= threshold ? 'called' : '' }, `${labels[i]} ${probability[i].toFixed(3)}`)));
    const called = order.filter((i) => probability[i] >= threshold);
    const { width, height, low, high } = this.pixels;
    this.grey = greyLevels(low, high, (low + high) / 2, Math.max(high - low, 1e-6));
    this.rows = [];
    const rows = this.$('labels');
    rows.replaceChildren();
    if (volume) {
      await this.explainVolume(study, models, method, compare, called.map((i) => [labels[i], probability[i]]),
        labels[called[0] ?? order[0]]);
      if (called.length === 0) {
        rows.appendChild(element('p', {}, `No label reaches the threshold ${threshold}.`));
      }
      return;
    }
    for (const [n, i] of called.entries()) {
      const map = await this.meanMap(study, models, method, labels[i]);
      const row = { label: labels[i], probability: probability[i], map, colour: LABEL_COLOURS[n % LABEL_COLOURS.length] };
      this.rows.push(row);
      if (this.$('mode').value === 'class') {
        const drawn = drawSlice(this.pixels.data, 0, width, height, this.grey, map, DISPLAY, null);
        const line = element('div', { class: 'label-row', 'data-label': labels[i] });
        line.appendChild(element('h4', {}, `${labels[i]} ${probability[i].toFixed(3)}`));
        line.appendChild(canvasOf(drawn.slice, 'study').figure);
        line.appendChild(canvasOf(drawn.overlaid, method).figure);
        row.boxCanvas = canvasOf(drawn.slice, 'boxes');
        line.appendChild(row.boxCanvas.figure);
        rows.appendChild(line);
      }
    }
    this.redrawBoxes();
    if (called.length === 0) {
      rows.appendChild(element('p', {}, `No label reaches the threshold ${threshold}.`));
    }
    await this.compare(study, models, compare, labels[called[0] ?? order[0]]);
    new AnnotationPanel(this.$('annotate'), study, this.pixels, this.grey, order.map((i) => labels[i]),
      Object.fromEntries(this.models.map((m) => [m.id, m.name])));
  }

  /**
   * A volume: per called label ({@code [label, probability]}) a slice viewer of the volume with
   * the label's map, and the methods compared on {@code compareLabel} in viewers side by side;
   * no boxes or annotation panel, which draw on one plane.
   */
  async explainVolume(study, models, method, compare, called, compareLabel) {
    this.rows = null;
    this.$('summary-title').hidden = true;
    this.$('summary').replaceChildren();
    this.$('annotate').replaceChildren();
    for (const [label, probability] of called) {
      const line = element('div', { class: 'volume-row', 'data-label': label });
      line.appendChild(element('h4', {}, `${label} ${probability.toFixed(3)}`));
      this.$('labels').appendChild(line);
      await this.volumeView(line, study, models, method, label);
    }
    const view = this.$('compare-view');
    view.replaceChildren();
    if (compare.length > 0) {
      view.appendChild(element('h3', {}, `Methods compared on ${compareLabel}`));
      const line = element('div', { class: 'volume-row' });
      view.appendChild(line);
      for (const m of compare) {
        await this.volumeView(line, study, models, m, compareLabel);
      }
    }
  }

  /**
   * A slice viewer in {@code container} of the study with the members' mean map of {@code label}
   * by {@code method}, opened at the slice where the map peaks.
   */
  async volumeView(container, study, models, method, label) {
    const view = new PlaneView(container, method, VOLUME_DISPLAY, () => {});
    view.setPixels(this.pixels);
    const { slices, width, height } = this.pixels;
    view.setMap({ slices, width, height, data: await this.meanMap(study, models, method, label) });
    view.show(view.peakSlice(), true);
    view.status(`${method} of ${label}`);
  }

  /** The mean of the members' normalised maps of {@code label}, as bytes. */
  async meanMap(study, models, method, label) {
    const maps = [];
    for (const model of models) {
      const e = await explanation({ model, study, method, labels: [label], settings: this.settings },
        (job) => this.status(`${method} of ${label}: ${job.state}`
          + (job.progress ? ` ${job.progress.stage} ${job.progress.done}/${job.progress.total}` : '')),
        (id) => this.jobs.add(id));
      maps.push({ explanation: e, map: await compactMap(e.files.compact) });
    }
    const mean = new Uint8Array(maps[0].map.data.length);
    for (let i = 0; i < mean.length; i++) {
      mean[i] = Math.round(maps.reduce((sum, m) => sum + m.map.data[i], 0) / maps.length);
    }
    mean.explanations = maps.map((m) => m.explanation);
    return mean;
  }

  /** Each label's boxes at the box threshold, and the summary with all of them in their colours. */
  redrawBoxes() {
    if (!this.rows) {
      return;
    }
    const { width, height } = this.pixels;
    const level = Number(this.$('box').value);
    const summary = canvasOf(drawSlice(this.pixels.data, 0, width, height, this.grey, null, DISPLAY, null).slice,
      'every label above the threshold');
    for (const row of this.rows) {
      const boxes = regions(row.map, width, height, level);
      row.boxes = boxes;
      if (row.boxCanvas) {
        row.boxCanvas.canvas.getContext('2d').putImageData(drawSlice(this.pixels.data, 0, width, height, this.grey,
          null, DISPLAY, null).slice, 0, 0);
        drawBoxes(row.boxCanvas.canvas, boxes, row.colour, (b) => b.confidence.toFixed(2));
      }
      drawBoxes(summary.canvas, boxes.slice(0, 3), row.colour, () => `${row.label} ${row.probability.toFixed(2)}`);
    }
    this.$('summary-title').hidden = this.rows.length === 0;
    this.$('summary').replaceChildren(summary.figure);
  }

  /** Up to four methods side by side on one label; LIME with its pros and cons. */
  async compare(study, models, methods, label) {
    const view = this.$('compare-view');
    view.replaceChildren();
    if (methods.length === 0) {
      return;
    }
    view.appendChild(element('h3', {}, `Methods compared on ${label}`));
    const line = element('div', { class: 'label-row' });
    view.appendChild(line);
    const { width, height } = this.pixels;
    for (const method of methods) {
      const map = await this.meanMap(study, models, method, label);
      line.appendChild(canvasOf(drawSlice(this.pixels.data, 0, width, height, this.grey, map, DISPLAY, null).overlaid,
        method).figure);
      const lime = map.explanations[0].files.lime;
      if (lime && models.length === 1) {
        const details = await getJson(lime);
        const segments = await npyArray(map.explanations[0].files.segments);
        line.appendChild(this.limeView(details, segments, 'for'));
        line.appendChild(this.limeView(details, segments, 'against'));
        line.appendChild(this.limeView(details, segments, 'region only'));
      }
    }
  }

  /**
   * LIME's five superpixels most for the label (tinted green), most against it (red), or the
   * five most for it alone with the rest hidden ("region only").
   */
  limeView(details, segments, view) {
    const { width, height } = this.pixels;
    const [, sh, sw] = segments.shape;
    const pros = view !== 'against';
    const ranked = details.weights.map((w, i) => [w, i]).filter(([w]) => (pros ? w > 0 : w < 0))
      .sort((a, b) => Math.abs(b[0]) - Math.abs(a[0])).slice(0, 5).map(([, i]) => i);
    const picture = drawSlice(this.pixels.data, 0, width, height, this.grey, null, DISPLAY, null).slice;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = ranked.includes(segments.data[Math.floor(y * sh / height) * sw + Math.floor(x * sw / width)]);
        const o = 4 * (y * width + x);
        if (view === 'region only') {
          if (!inside) {
            picture.data[o] = picture.data[o + 1] = picture.data[o + 2] = 0;
          }
        } else if (inside) {
          picture.data[o] = pros ? picture.data[o] * 0.5 : 255;
          picture.data[o + 1] = pros ? 255 : picture.data[o + 1] * 0.5;
          picture.data[o + 2] *= 0.5;
        }
      }
    }
    return canvasOf(picture, 'lime: ' + view).figure;
  }
}
