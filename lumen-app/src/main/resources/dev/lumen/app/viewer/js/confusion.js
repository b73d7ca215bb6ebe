// The four confusion cells of a label at a threshold, as the case browser filters by them and
// the dashboard counts them.

/** Each cell's key and name. */
export const CELLS = [['tp', 'true positive'], ['fn', 'false negative'], ['fp', 'false positive'],
  ['tn', 'true negative']];

/** The cell of a case whose truth of the label is {@code truth} (1 or 0) and whose score is {@code score}. */
export function cellOf(truth, score, threshold) {
  const called = score >= threshold;
  return truth === 1 ? (called ? 'tp' : 'fn') : (called ? 'fp' : 'tn');
}

/** The count of cases in each cell; rows hold {truth, scores} by label. */
export function counts(rows, label, threshold) {
  const out = { tp: 0, fn: 0, fp: 0, tn: 0 };
  rows.forEach((r) => out[cellOf(r.truth[label], r.scores[label], threshold)]++);
  return out;
}
