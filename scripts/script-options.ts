// `--name value` options of the project's scripts (the benchmarks, the predictor's corpus, fit and eval).
export function scriptOption(args: readonly string[]) {
  return (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
  };
}
