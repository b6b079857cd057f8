/** The extension's settings, all under `autogradLens.` (declared in package.json). */
import * as vscode from 'vscode';
import type { Limits } from './interpreterClient';

const cfg = () => vscode.workspace.getConfiguration('autogradLens');

export const settings = {
  openGraphOnTrace: () => cfg().get<boolean>('openGraphOnTrace', true),
  inlineOutput: () => cfg().get<boolean>('inlineOutput', true),
  valueLens: () => cfg().get<boolean>('valueLens', true),
  limits(): Limits {
    const c = cfg();
    const num = (k: string, d: number, min: number) => Math.max(min, Number(c.get<number>(k, d)) || d);
    return {
      maxMillis: num('timeLimitSeconds', 10, 0.1) * 1000,
      maxSteps: Math.round(num('maxSteps', 5_000_000, 1000)),
      maxElements: Math.round(num('maxTensorElements', 50_000_000, 1)),
      memoryMb: num('memoryLimitMb', 1024, 64),
      zeroGradSetsNone: c.get<boolean>('zeroGradSetsToNone', false) === true,
    };
  },
};
