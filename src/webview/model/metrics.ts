/**
 * Box sizes of drawn nodes. Labels are set in a monospace font so their width can be known
 * without a DOM (the layout runs in a worker and in Node); the page measures the real character
 * width once and passes it in, Node uses the typical 0.6em.
 */
export interface TextMetrics {
  /** Width of one character at the 12px title size. */
  charWidth: number;
}

export const DEFAULT_METRICS: TextMetrics = { charWidth: 7.2 };

export const TITLE_PX = 12;
export const SMALL_PX = 11;

/** Geometry shared by the layout and the renderer. */
export const BOX = {
  fnHeight: 28,
  padX: 12,
  tensorPadY: 8,
  tensorLine1: 16,
  tensorLine2: 15,
  groupHeight: 52,
  groupStack: 6,
  minWidth: 60,
  maxTensorChars: 30,
};

/** Width of a label, with a little slack for glyphs a fallback font draws wider (·, …, ×). */
export function textWidth(text: string, px: number, m: TextMetrics): number {
  return text.length * m.charWidth * (px / TITLE_PX) * 1.03 + 2;
}
