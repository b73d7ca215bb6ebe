// The case browser: a dataset and its model (or three plane models), a label, the four
// confusion cells of the latest evaluation with their counts, the case list, and the case
// itself — its badge, its probabilities, and every plane with its map.

import { compactMap, explanation, followJob, getJson, npyArray, postJson, studyPixels } from './api.js';
import { PlaneView } from './plane-view.js';
import { CELLS, cellOf, counts } from './confusion.js';
import { element, fmt, options } from './dom.js';

const PLANES = ['axial', 'coronal', 'sagittal'];
const FILTERS = [['all', 'all'], ...CELLS];

export class CaseBrowser {
  /**
   * @param root the page's element
   * @param state the view's state in the URL: {dataset, label, cell, case, method, threshold, ...}
   * @param save called with the changed state, to keep it in the URL
   */
  constructor(root, state, save) {
    this.root = root;
    this.state = state;
    this.save = save;
    this.display = { mode: state.mode || 'side', opacity: Number(state.opacity ?? 0.5),
      colormap: state.colormap || 'jet', threshold: Number(state.mapThreshold ?? 0) };
    this.views = [];
    root.innerHTML = `
      <div class="cases">
        <aside>
          <label>Dataset <select id="dataset"></select></label>
          <div id="models"></div>
          <label>Label <select id="label"></select></label>
          <label>Threshold <input id="threshold" type="number" min="0" max="1" step="0.05"></label>
          <div id="cells" class="cells"></div>
          <div class="find"><input id="search" placeholder="case id"><button id="random">random case</button></div>
          <ol id="case-list" class="case-list"></ol>
          <div id="evaluation-status" class="status"></div>
        </aside>
        <main>
          <div class="case-head"><span id="badge" class="badge"></span><p id="sentence"></p></div>
          <div class="display">
            <label>Method <select id="method"></select></label>
            <label>Settings (JSON) <input id="settings" placeholder='{"window": 32}'></label>
            <label>View <select id="mode"><option value="side">slice | map</option>
              <option value="overlay">overlay</option></select></label>
            <label>Opacity <input id="opacity" type="range" min="0" max="1" step="0.05"></label>
            <label>Colormap <select id="colormap"><option>jet</option><option>viridis</option><option>inferno</option>
              <option>gray</option></select></label>
            <label>Map threshold <input id="map-threshold" type="range" min="0" max="1" step="0.05"></label>
          </div>
          <div id="planes" class="planes"></div>
        </main>
      </div>`;
    this.$ = (id) => root.querySelector('#' + id);
  }

  async start() {
    [this.datasets, this.models, this.methods] = await Promise.all([getJson('/api/datasets'), getJson('/api/models'),
      getJson('/api/methods')]);
    if (this.datasets.length === 0) {
      this.$('evaluation-status').textContent = 'No dataset is registered: POST /api/datasets, or start lumen serve '
        + 'without --no-demo.';
      return;
    }
    const dataset = this.datasets.find((d) => d.id === this.state.dataset)
      ?? this.datasets.find((d) => d.kind === 'mrnet') ?? this.datasets[0];
    options(this.$('dataset'), this.datasets.filter((d) => d.kind !== 'folder').map((d) => [d.id, d.name]), dataset.id);
    options(this.$('method'), Object.keys(this.methods).map((m) => [m, m]), this.state.method || 'gradcam');
    this.$('method').title = this.methods[this.$('method').value] ?? '';
    this.$('mode').value = this.display.mode;
    this.$('opacity').value = this.display.opacity;
    this.$('colormap').value = this.display.colormap;
    this.$('map-threshold').value = this.display.threshold;
    this.$('threshold').value = this.state.threshold ?? 0.5;
    this.$('dataset').addEventListener('change', () => {
      this.state = { dataset: this.$('dataset').value };
      this.save(this.state);
      this.openDataset();
    });
    this.$('label').addEventListener('change', () => this.change({ label: this.$('label').value }, true));
    this.$('threshold').addEventListener('change', () => this.change({ threshold: this.$('threshold').value }, false));
    this.$('method').addEventListener('change', () => {
      this.change({ method: this.$('method').value });
      this.loadMaps();
    });
    this.$('settings').value = this.state.settings ?? '';
    this.$('settings').addEventListener('change', () => {
      this.change({ settings: this.$('settings').value });
      this.loadMaps();
    });
    for (const [id, key] of [['mode', 'mode'], ['opacity', 'opacity'], ['colormap', 'colormap'],
      ['map-threshold', 'threshold']]) {
      this.$(id).addEventListener('input', () => {
        this.display[key] = key === 'opacity' || key === 'threshold' ? Number(this.$(id).value) : this.$(id).value;
        this.save({ ...this.state, mode: this.display.mode, opacity: this.display.opacity,
          colormap: this.display.colormap, mapThreshold: this.display.threshold });
        this.views.forEach((v) => v.draw());
      });
    }
    this.$('search').addEventListener('change', () => {
      const found = this.rows.find((r) => r.id === this.$('search').value.trim());
      if (found) {
        this.openCase(found.id);
      }
    });
    this.$('random').addEventListener('click', () => {
      const shown = this.filtered();
      if (shown.length) {
        this.openCase(shown[Math.floor(Math.random() * shown.length)].id);
      }
    });
    await this.openDataset();
  }

  change(changes, reopen) {
    this.state = { ...this.state, ...changes };
    this.save(this.state);
    this.refill(reopen);
  }

  async openDataset() {
    this.dataset = this.datasets.find((d) => d.id === this.$('dataset').value);
    this.exams = this.dataset.kind === 'mrnet';
    this.chooseModels();
    await this.evaluate();
  }

  /** One model whose labels cover the dataset's, or for exams a volume model per plane. */
  chooseModels() {
    const box = this.$('models');
    box.replaceChildren();
    this.modelSelects = {};
    const fits = (m) => m.volume === this.exams && this.dataset.labels.some((l) => m.labels.includes(l));
    const candidates = this.models.filter(fits);
    for (const plane of this.exams ? PLANES : ['model']) {
      const select = element('select', { id: 'model-' + plane });
      const preferred = candidates.find((m) => m.name.includes(plane))
        ?? candidates.find((m) => this.dataset.labels.every((l) => m.labels.includes(l))) ?? candidates[0];
      options(select, candidates.map((m) => [m.id, m.name]), this.state['model-' + plane] ?? preferred?.id);
      select.addEventListener('change', () => {
        this.state['model-' + plane] = select.value;
        this.save(this.state);
        this.evaluate();
      });
      const label = element('label', {}, this.exams ? plane + ' model ' : 'Model ');
      label.appendChild(select);
      box.appendChild(label);
      this.modelSelects[plane] = select;
    }
  }

  /** The latest evaluation of these models on the dataset, run as a job when there is none. */
  async evaluate() {
    const status = this.$('evaluation-status');
    const chosen = this.exams ? Object.fromEntries(PLANES.map((p) => [p, this.modelSelects[p].value]))
      : [this.modelSelects.model.value];
    const same = (e) => JSON.stringify(e.models) === JSON.stringify(chosen);
    let found = (await getJson('/api/evaluations?dataset=' + this.dataset.id)).find(same);
    if (!found) {
      const request = this.exams ? { dataset: this.dataset.id, planes: chosen }
        : { dataset: this.dataset.id, model: chosen[0] };
      const { body } = await postJson('/api/evaluations', request);
      const job = await followJob(body.job.id, (j) => {
        const p = j.progress;
        status.textContent = 'evaluating: ' + (p ? `${p.stage} ${p.done}/${p.total}` : j.state);
      });
      if (job.state !== 'done') {
        status.textContent = 'the evaluation ' + job.state + ': ' + (job.error ?? '');
        return;
      }
      found = { id: job.result.evaluation };
    }
    this.evaluation = await getJson('/api/evaluations/' + found.id);
    status.textContent = '';
    const report = this.evaluation.report;
    const cases = await getJson(`/api/datasets/${this.dataset.id}/cases`);
    if (this.exams) {
      this.rows = report.exams.map((e) => ({ id: e.id, truth: e.truth, scores: e.combined, planes: e.planes }));
    } else {
      const byName = new Map(report.cases.map((c) => [c.image, c]));
      this.rows = cases.filter((c) => byName.has(c.name)).map((c) => ({ id: c.id, name: c.name,
        truth: byName.get(c.name).truth, scores: byName.get(c.name).scores }));
    }
    const labels = this.dataset.labels.filter((l) => this.rows.length && l in this.rows[0].scores
      && l in this.rows[0].truth);
    options(this.$('label'), labels.map((l) => [l, l]), labels.includes(this.state.label) ? this.state.label : labels[0]);
    this.state.label = this.$('label').value;
    this.refill(true);
  }

  cellOf(row) {
    return cellOf(row.truth[this.state.label], row.scores[this.state.label], Number(this.$('threshold').value));
  }

  filtered() {
    const cell = this.state.cell || 'all';
    return this.rows.filter((r) => cell === 'all' || this.cellOf(r) === cell);
  }

  /** Recounts the cells and refills the list; opens the case in the URL, else the first shown. */
  refill(reopen) {
    const count = { all: this.rows.length, ...counts(this.rows, this.state.label, Number(this.$('threshold').value)) };
    const cells = this.$('cells');
    cells.replaceChildren(...FILTERS.map(([cell, name]) => {
      const b = element('button', { 'data-cell': cell, class: cell === (this.state.cell || 'all') ? 'on' : '' },
        `${name} (${count[cell]})`);
      b.addEventListener('click', () => this.change({ cell }, true));
      return b;
    }));
    const shown = this.filtered();
    const list = this.$('case-list');
    list.replaceChildren(...shown.map((r) => {
      const item = element('li', { 'data-case': r.id },
        `${r.name ?? r.id}  ${fmt(r.scores[this.state.label], 2)}`);
      item.addEventListener('click', () => this.openCase(r.id));
      item.classList.toggle('on', r.id === this.state.case);
      return item;
    }));
    if (reopen) {
      const keep = shown.find((r) => r.id === this.state.case);
      if (keep || shown.length) {
        this.openCase((keep ?? shown[0]).id);
      }
    } else if (this.state.case) {
      this.describe(this.rows.find((r) => r.id === this.state.case));
    }
  }

  /** The badge and the sentence of the case's probabilities. */
  describe(row) {
    if (!row) {
      return;
    }
    const cell = this.cellOf(row);
    const badge = this.$('badge');
    badge.textContent = Object.fromEntries(CELLS)[cell];
    badge.className = 'badge ' + (cell === 'tp' || cell === 'tn' ? 'right' : 'wrong');
    const label = this.state.label;
    let sentence = `${row.name ?? 'Exam ' + row.id}: probability of ${label} ${fmt(row.scores[label])}`;
    if (row.planes) {
      sentence += ' (' + PLANES.map((p) => `${p} ${fmt(row.planes[p][label])}`).join(', ') + ')';
      const c = this.evaluation.report.combination?.[label];
      if (c) {
        sentence += `; the combination weighs ${PLANES.map((p, i) => `${p} ${fmt(c.weights[i], 2)}`).join(', ')}`
          + ` with intercept ${fmt(c.intercept, 2)}`;
      }
    }
    this.$('sentence').textContent = sentence + `. Truth: ${row.truth[label] ? 'present' : 'absent'}.`;
  }

  async openCase(id) {
    this.state.case = id;
    this.save(this.state);
    this.root.querySelectorAll('#case-list li').forEach((li) => li.classList.toggle('on', li.dataset.case === id));
    this.describe(this.rows.find((r) => r.id === id));
    const opened = await getJson(`/api/datasets/${this.dataset.id}/cases/${id}`);
    if (this.state.case !== id) {
      return;   // another case was picked meanwhile
    }
    this.opened = opened;
    const planes = this.$('planes');
    planes.replaceChildren();
    this.views = Object.keys(opened.studies).map((plane) => new PlaneView(planes, plane, this.display, (s) => {
      this.state['slice-' + plane] = s;
      this.save(this.state);
    }));
    await Promise.all(this.views.map(async (view) => {
      const pixels = await studyPixels(opened.studies[view.name]);
      const kept = this.state['slice-' + view.name];
      view.setPixels(pixels, kept === undefined ? undefined : Number(kept));
      const maskKey = this.exams ? view.name + '/' + this.state.label : this.state.label;
      if (opened.masks[maskKey]) {
        const mask = await npyArray(opened.masks[maskKey]);
        view.setMask(mask);
      }
    }));
    await this.loadMaps();
  }

  /** Every plane's map of the chosen method and label, computed on demand, then drawn. */
  async loadMaps() {
    const opened = this.opened;
    const method = this.$('method').value;
    let settings;
    try {
      settings = this.$('settings').value.trim() ? JSON.parse(this.$('settings').value) : {};
    } catch (error) {
      this.views.forEach((v) => v.status('the settings are not JSON: ' + error.message));
      return;
    }
    await Promise.all(this.views.map(async (view) => {
      const model = this.exams ? this.modelSelects[view.name].value : this.modelSelects.model.value;
      view.status(method + ': asking');
      try {
        const e = await explanation({ model, study: opened.studies[view.name], method, labels: [this.state.label],
          settings },
          (job) => view.status(`${method}: ${job.state}` + (job.progress
            ? ` ${job.progress.stage} ${job.progress.done}/${job.progress.total}` : ''), job.progress));
        if (this.opened !== opened || this.$('method').value !== method) {
          return;
        }
        view.setMap(await compactMap(e.files.compact));
        if (this.exams) {
          const evidence = await getJson(`/api/studies/${opened.studies[view.name]}/evidence?model=${model}`
            + `&label=${encodeURIComponent(this.state.label)}`).catch(() => null);
          view.setEvidence(evidence ? evidence.slices : null);
        }
        view.status(`${method} of ${e.target.label} (score ${fmt(e.target.score)})`);
      } catch (error) {
        view.status(method + ' failed: ' + error.message);
      }
    }));
  }
}
