/**
 * Where the lines of a traced snippet are in the editor. The engine numbers lines in one
 * virtual file: a `.py` file or a selection keeps the document's own numbers; a notebook's
 * cells are laid end to end, so a line in the trace names both the cell and the line in it.
 */
export interface Segment {
  /** The document (a file, or one notebook cell) as a URI string. */
  uri: string;
  /** 1-based virtual line of the segment's first line. */
  virtualStart: number;
  lineCount: number;
  /** 0-based line in the document of the segment's first line. */
  docLine: number;
}

export interface DocLine {
  uri: string;
  /** 0-based. */
  line: number;
}

export class SourceMap {
  constructor(readonly segments: readonly Segment[]) {}

  /** The document line of a 1-based virtual line. */
  toDoc(line: number): DocLine | undefined {
    for (const s of this.segments) {
      if (line >= s.virtualStart && line < s.virtualStart + s.lineCount) {
        return { uri: s.uri, line: s.docLine + (line - s.virtualStart) };
      }
    }
    return undefined;
  }

  /** The 1-based virtual line of a 0-based document line, if that line was traced. */
  toVirtual(uri: string, line: number): number | undefined {
    for (const s of this.segments) {
      if (s.uri === uri && line >= s.docLine && line < s.docLine + s.lineCount) return s.virtualStart + (line - s.docLine);
    }
    return undefined;
  }

  covers(uri: string): boolean {
    return this.segments.some((s) => s.uri === uri);
  }

  get uris(): string[] {
    return [...new Set(this.segments.map((s) => s.uri))];
  }

  toJSON(): Segment[] {
    return this.segments.slice();
  }

  static fromJSON(v: unknown): SourceMap | undefined {
    if (!Array.isArray(v)) return undefined;
    const ok = v.every(
      (s) =>
        s && typeof s.uri === 'string' && Number.isInteger(s.virtualStart) && Number.isInteger(s.lineCount) && Number.isInteger(s.docLine),
    );
    return ok ? new SourceMap(v as Segment[]) : undefined;
  }
}
