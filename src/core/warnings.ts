/** Warnings raised by the engine (Python's warnings.warn); the front end installs the sink. */
export type WarningSink = (category: string, message: string) => void;
let sink: WarningSink = () => {};
export const setWarningSink = (s: WarningSink): void => {
  sink = s;
};
export const warn = (category: string, message: string): void => sink(category, message);
