// The few DOM and formatting helpers every page uses.

/** A new element with attributes and, optionally, text. */
export function element(tag, attributes = {}, text) {
  const e = document.createElement(tag);
  Object.entries(attributes).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** A number as the pages show it; what is not a finite number (a missing AUC, say) shows as a dash. */
export function fmt(value, digits = 3) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Fills a select with [value, text] pairs, choosing {@code chosen}. */
export function options(select, values, chosen) {
  select.replaceChildren(...values.map(([value, text]) => {
    const o = element('option', { value }, text);
    o.selected = value === chosen;
    return o;
  }));
}
