// The evaluation dashboard: a dataset's evaluations; for one, per label the AUC and ROC curve,
// the confusion counts at a threshold slider (a cell opens the case browser on its cases), the
// explanation scores of every method evaluated with its quality measures, and the mean quality
// curves (deletion, insertion, ROAD, pixel flipping) of every method on the chosen label.

import { getJson } from './api.js';
import { LABEL_COLOURS } from './colormaps.js';
import { CELLS, counts } from './confusion.js';
import { element, fmt } from './dom.js';

/** The fields of a method's scores the table shows first, and those it does not show as columns. */
const AGREEMENT = ['pointingGame', 'energyInside', 'iou'];
const NOT_COLUMNS = ['cases', 'curves', ...AGREEMENT];
/** The margin of a plot's axes inside its canvas, in pixels. */
const PLOT_MARGIN = 34;

/** ROC points [fpr, tpr] of scores against truth, from the highest threshold down (ties together). */
export function roc(scores, truth) {
  const order = scores.map((s, i) => i).sort((a, b) => scores[b] - scores[a]);
  const positives = truth.filter((t) => t).length;
  const negatives = truth.length - positives;
  const points = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    truth[order[k]] ? tp++ : fp++;
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]]) {
      points.push([negatives ? fp / negatives : 0, positives ? tp / positives : 0]);
    }
  }
  return points;
}

export class Dashboard {
  constructor(root, state, save) {
    this.root = root;
    this.state = state;
    this.save = save;
    root.innerHTML = `
      <div class="explain">
        <aside>
          <label>Dataset <select id="dataset"></select></label>
          <label>Evaluation <select id="evaluation"></select></label>
          <label>Label <select id="label"></select></label>
          <label>Threshold <span id="threshold-value"></span>
            <input id="threshold" type="range" min="0" max="1" step="0.01" value="0.5"></label>
          <div id="status" class="status"></div>
        </aside>
        <main>
          <h3>AUC</h3><table id="aucs" class="table"></table>
          <h3>ROC</h3><canvas id="roc" width="360" height="360"></canvas>
          <h3>Confusion at the threshold</h3><table id="confusion" class="table confusion"></table>
          <div id="explanations"></div>
          <div id="quality-curves" hidden>
            <h3>Quality curves <select id="curve"></select></h3>
            <canvas id="curves" width="480" height="360"></canvas>
          </div>
        </main>
      </div>`;
    this.$ = (id) => root.querySelector('#' + id);
  }

  async start() {
    this.datasets = (await getJson('/api/datasets')).filter((d) => d.kind !== 'folder');
    this.$('dataset').replaceChildren(...this.datasets.map((d) => element('option', { value: d.id }, d.name)));
    if (this.state.dataset) {
      this.$('dataset').value = this.state.dataset;
    }
    this.$('dataset').addEventListener('change', () => this.openDataset());
    this.$('evaluation').addEventListener('change', () => this.openEvaluation());
    this.$('label').addEventListener('change', () => this.show());
    this.$('curve').addEventListener('change', () => this.show());
    this.$('threshold').value = this.state.threshold ?? 0.5;
    this.$('threshold').addEventListener('input', () => this.show());
    await this.openDataset();
  }

  async openDataset() {
    this.dataset = this.datasets.find((d) => d.id === this.$('dataset').value);
    const evaluations = await getJson('/api/evaluations?dataset=' + this.dataset.id);
    this.$('evaluation').replaceChildren(...evaluations.map((e) => element('option', { value: e.id },
      new Date(e.createdAt).toLocaleString() + ' ' + JSON.stringify(e.models).replace(/["{}[\]]/g, ''))));
    if (evaluations.some((e) => e.id === this.state.evaluation)) {
      this.$('evaluation').value = this.state.evaluation;
    }
    this.$('status').textContent = evaluations.length ? '' : 'No evaluation of this dataset yet: open it in the '
      + 'case browser, or POST /api/evaluations.';
    await this.openEvaluation();
  }

  async openEvaluation() {
    if (!this.$('evaluation').value) {
      return;
    }
    this.evaluation = await getJson('/api/evaluations/' + this.$('evaluation').value);
    const report = this.evaluation.report;
    this.exams = Boolean(report.exams);
    // per case: its scores (an exam's combined ones) and truth
    this.rows = this.exams ? report.exams.map((e) => ({ scores: e.combined, truth: e.truth, planes: e.planes }))
      : report.cases.map((c) => ({ scores: c.scores, truth: c.truth }));
    this.labels = Object.keys(this.rows[0]?.truth ?? {});
    this.$('label').replaceChildren(...this.labels.map((l) => element('option', { value: l }, l)));
    if (this.labels.includes(this.state.label)) {
      this.$('label').value = this.state.label;
    }
    this.aucTable(report);
    this.explanationTable(report.explanations);
    this.show();
  }

  aucTable(report) {
    const table = this.$('aucs');
    if (this.exams) {
      table.replaceChildren(element('tr', {}), ...this.labels.map((l) => {
        const tr = element('tr');
        tr.append(element('th', {}, l), ...['axial', 'coronal', 'sagittal', 'combined']
          .map((p) => element('td', {}, `${p} ${fmt(report.validationAuc[l][p])}`)));
        return tr;
      }));
    } else {
      table.replaceChildren(...report.labels.map((l) => {
        const tr = element('tr');
        tr.append(element('th', {}, l.label), element('td', {}, 'AUC ' + fmt(l.auc)),
          element('td', {}, `${l.positives} positive, ${l.negatives} negative`));
        return tr;
      }), element('tr', {}, 'macro AUC ' + fmt(report.macroAuc)));
    }
  }

  explanationTable(explanations) {
    const box = this.$('explanations');
    box.replaceChildren();
    if (!explanations) {
      return;
    }
    box.appendChild(element('h3', {}, 'Explanations against the masks'));
    const entries = this.scoreEntries(explanations);
    // the quality measures the evaluation took, in the report's order
    const measures = [...new Set(entries.flatMap((e) => Object.keys(e.scores)))]
      .filter((f) => !NOT_COLUMNS.includes(f));
    const table = element('table', { class: 'table' });
    const head = element('tr');
    const planeColumn = this.exams ? ['plane'] : [];
    head.append(...['method', ...planeColumn, 'label', 'cases', 'pointing game', 'energy inside', 'IoU', ...measures]
      .map((h) => element('th', {}, h)));
    table.appendChild(head);
    for (const { method, plane, label, scores } of entries) {
      const tr = element('tr', { 'data-method': method, 'data-label': label });
      const values = [...AGREEMENT, ...measures].map((f) => fmt(scores[f]));
      const where = this.exams ? [plane] : [];
      tr.append(...[method, ...where, label, String(scores.cases), ...values].map((v) => element('td', {}, v)));
      table.appendChild(tr);
    }
    box.appendChild(table);
    const curves = [...new Set(entries.flatMap((e) => Object.keys(e.scores.curves ?? {})))];
    this.$('quality-curves').hidden = curves.length === 0;
    const chosen = this.state.curve;
    this.$('curve').replaceChildren(...curves.map((c) => element('option', { value: c }, c)));
    if (curves.includes(chosen)) {
      this.$('curve').value = chosen;
    }
  }

  /** Every (method, plane, label) entry of the scores: exams nest method, plane, label; studies method, label. */
  scoreEntries(explanations) {
    const out = [];
    for (const [method, inner] of Object.entries(explanations ?? {})) {
      const planes = this.exams ? Object.entries(inner) : [['', inner]];
      for (const [plane, perLabel] of planes) {
        for (const [label, scores] of Object.entries(perLabel)) {
          out.push({ method, plane, label, scores });
        }
      }
    }
    return out;
  }

  /** The ROC curves and the confusion counts of the chosen label at the threshold. */
  show() {
    const label = this.$('label').value;
    const threshold = Number(this.$('threshold').value);
    this.$('threshold-value').textContent = threshold.toFixed(2);
    const curve = this.$('curve').value;
    this.state = { dataset: this.dataset.id, evaluation: this.$('evaluation').value, label, threshold, curve };
    this.save(this.state);
    this.drawRoc(label);
    this.drawCurves(label, curve);
    const count = counts(this.rows, label, threshold);
    const table = this.$('confusion');
    const cell = (key) => {
      const td = element('td', { 'data-cell': key, class: 'cell' }, `${Object.fromEntries(CELLS)[key]} ${count[key]}`);
      td.addEventListener('click', () => this.openCell(key, label, threshold));
      return td;
    };
    const rowOf = (name, a, b) => {
      const tr = element('tr');
      tr.append(element('th', {}, name), cell(a), cell(b));
      return tr;
    };
    const head = element('tr');
    head.append(element('th'), element('th', {}, 'called'), element('th', {}, 'not called'));
    table.replaceChildren(head, rowOf('present', 'tp', 'fn'), rowOf('absent', 'fp', 'tn'));
  }

  drawRoc(chosen) {
    const canvas = this.$('roc');
    const { c, at } = plotFrame(canvas, 'false positive rate', 'true positive rate');
    c.beginPath();
    c.moveTo(...at(0, 0));
    c.lineTo(...at(1, 1));
    c.stroke();
    const size = canvas.width;
    const margin = PLOT_MARGIN;
    // the chosen label last, so that it lies on top where curves coincide
    const order = [...this.labels.filter((l) => l !== chosen), ...this.labels.filter((l) => l === chosen)];
    order.forEach((label) => {
      const n = this.labels.indexOf(label);
      const points = roc(this.rows.map((r) => r.scores[label]), this.rows.map((r) => r.truth[label] === 1));
      c.strokeStyle = LABEL_COLOURS[n % LABEL_COLOURS.length];
      c.lineWidth = label === chosen ? 3 : 1.5;
      c.beginPath();
      points.forEach(([x, y], i) => (i ? c.lineTo(...at(x, y)) : c.moveTo(...at(x, y))));
      c.stroke();
      c.fillStyle = c.strokeStyle;
      c.fillText(label, size - margin - 100, size - margin - 10 - 16 * n);
    });
  }

  /**
   * The mean curve {@code name} of every method (and plane) on {@code label}: the target's
   * probability against the share of pixels perturbed; the lines drawn are named in the canvas's
   * data-lines, in order.
   */
  drawCurves(label, name) {
    const canvas = this.$('curves');
    const lines = this.scoreEntries(this.evaluation.report.explanations)
      .filter((e) => e.label === label && e.scores.curves?.[name]);
    canvas.dataset.lines = JSON.stringify(lines.map((e) => (e.plane ? e.method + ' ' + e.plane : e.method)));
    if (!name) {
      return;
    }
    const { c, at } = plotFrame(canvas, 'share of pixels perturbed', 'probability of ' + label);
    lines.forEach((e, n) => {
      const { fractions, probabilities } = e.scores.curves[name];
      c.strokeStyle = LABEL_COLOURS[n % LABEL_COLOURS.length];
      c.lineWidth = 2;
      c.beginPath();
      probabilities.forEach((p, k) => (k ? c.lineTo(...at(fractions[k], p)) : c.moveTo(...at(fractions[k], p))));
      c.stroke();
      c.fillStyle = c.strokeStyle;
      c.fillText(e.plane ? e.method + ' ' + e.plane : e.method, canvas.width - PLOT_MARGIN - 130,
        canvas.height - PLOT_MARGIN - 10 - 16 * n);
    });
  }

  /** The case browser on this evaluation's models, dataset, label and threshold, showing one confusion cell. */
  openCell(cell, label, threshold) {
    const models = this.evaluation.models;
    const state = { dataset: this.dataset.id, label, cell, threshold };
    if (Array.isArray(models)) {
      state['model-model'] = models[0];
    } else {
      Object.entries(models).forEach(([plane, id]) => (state['model-' + plane] = id));
    }
    location.hash = '#cases?' + new URLSearchParams(state);
  }
}

/**
 * Clears {@code canvas} to a plot of [0, 1] × [0, 1] with its frame and axis names; returns its
 * context and the map from plot coordinates to canvas pixels.
 */
function plotFrame(canvas, xName, yName) {
  const c = canvas.getContext('2d');
  const width = canvas.width;
  const height = canvas.height;
  const at = (x, y) => [PLOT_MARGIN + x * (width - 2 * PLOT_MARGIN),
    height - PLOT_MARGIN - y * (height - 2 * PLOT_MARGIN)];
  c.fillStyle = '#1b2027';
  c.fillRect(0, 0, width, height);
  c.strokeStyle = '#38414d';
  c.lineWidth = 1;
  c.strokeRect(PLOT_MARGIN, PLOT_MARGIN, width - 2 * PLOT_MARGIN, height - 2 * PLOT_MARGIN);
  c.fillStyle = '#8a96a3';
  c.font = '12px sans-serif';
  c.fillText(xName, width / 2 - 50, height - 10);
  c.save();
  c.translate(14, height / 2 + 45);
  c.rotate(-Math.PI / 2);
  c.fillText(yName, 0, 0);
  c.restore();
  return { c, at };
}
