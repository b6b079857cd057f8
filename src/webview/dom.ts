/**
 * The only way this UI makes DOM: createElement / createElementNS with text set through
 * `textContent`. Nothing from a trace (names, reprs, messages) is ever parsed as HTML — no
 * innerHTML, no insertAdjacentHTML, no inline event handler attributes (CSP forbids them anyway).
 */
export const SVG_NS = 'http://www.w3.org/2000/svg';

type Child = Node | string | null | undefined | false;

export interface ElProps {
  class?: string;
  /** Plain attributes; values are strings set with setAttribute (never `on*`). */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  text?: string;
  title?: string;
}

function applyProps(e: Element, p: ElProps | undefined, doc: Document): void {
  if (!p) return;
  if (p.class) e.setAttribute('class', p.class);
  if (p.attrs) {
    for (const [k, v] of Object.entries(p.attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (/^on/i.test(k) || k === 'style') throw new Error(`dom: refusing attribute ${k}`);
      e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  if (p.text !== undefined) e.textContent = p.text;
  if (p.title !== undefined) {
    if (e.namespaceURI === SVG_NS) {
      const t = doc.createElementNS(SVG_NS, 'title');
      t.textContent = p.title;
      e.appendChild(t);
    } else e.setAttribute('title', p.title);
  }
}

function append(e: Element, children: Child[], doc: Document): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
}

/** An HTML element. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: ElProps, ...children: Child[]): HTMLElementTagNameMap[K] {
  const doc = currentDocument();
  const e = doc.createElement(tag);
  applyProps(e, props, doc);
  append(e, children, doc);
  return e;
}

/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, props?: ElProps, ...children: Child[]): SVGElementTagNameMap[K] {
  const doc = currentDocument();
  const e = doc.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  applyProps(e, props, doc);
  append(e, children, doc);
  return e;
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}

let doc: Document | null = null;

/** Tests run against a DOM shim; the page uses the global document. */
export function useDocument(d: Document | null): void {
  doc = d;
}

export function currentDocument(): Document {
  const d = doc ?? (typeof document !== 'undefined' ? document : null);
  if (!d) throw new Error('dom: no document');
  return d;
}

/** Toggles a class on an element (classList where present). */
export function toggleClass(e: Element, cls: string, on: boolean): void {
  e.classList.toggle(cls, on);
}
