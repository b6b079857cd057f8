/** Small 16×16 icons drawn as SVG paths (codicon-like), so the page needs no font or image. */
import { s } from './dom';

const PATHS = {
  restart: 'M3 3h1.5v10H3zM13 3.2v9.6L6 8z',
  back: 'M12 3.2v9.6L5 8zM3.5 3H5v10H3.5z',
  step: 'M4 3.2v9.6L11 8zM11 3h1.5v10H11z',
  end: 'M3 3.2v9.6L10 8zM11.5 3H13v10h-1.5z',
  zoomIn: 'M7 3h2v4h4v2H9v4H7V9H3V7h4z',
  zoomOut: 'M3 7h10v2H3z',
  fit: 'M2 2h4v1.5H3.5V6H2zM10 2h4v4h-1.5V3.5H10zM2 10h1.5v2.5H6V14H2zM12.5 10H14v4h-4v-1.5h2.5zM6 6h4v4H6z',
  collapse: 'M3 3h10v2H3zM3 7h10v2H3zM3 11h6v2H3zM11 10.5l2.5 2-2.5 2z',
  search: 'M10.2 9.1a4.5 4.5 0 1 0-1.1 1.1l3.4 3.4 1.1-1.1zM6.5 9.5a3 3 0 1 1 0-6 3 3 0 0 1 0 6z',
  close: 'M4.3 3.2L8 6.9l3.7-3.7 1.1 1.1L9.1 8l3.7 3.7-1.1 1.1L8 9.1l-3.7 3.7-1.1-1.1L6.9 8 3.2 4.3z',
  theme: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2zm0 1.5v9a4.5 4.5 0 0 1 0-9z',
  expand: 'M2 7.25h12v1.5H2zM7.25 2h1.5v12h-1.5z',
  source: 'M5.5 4L2 8l3.5 4 1-.9L3.9 8l2.6-3.1zM10.5 4l-1 .9L12.1 8l-2.6 3.1 1 .9L14 8z',
};

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  return s('svg', { class: 'al-icon', attrs: { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' } }, s('path', { attrs: { d: PATHS[name] } }));
}
