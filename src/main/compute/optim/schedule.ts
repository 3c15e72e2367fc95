// Linear learning-rate warm-up, as the papers' code does with a LambdaLR: the update with index t (t updates already
// taken, so t = 0 for the first) uses lr_t = lr · min(1, (t + 1) / warmupSteps); warmupSteps = 0 means no warm-up.
export function warmupLr(lr: number, warmupSteps: number, t: number): number {
  if (warmupSteps <= 0) return lr;
  return lr * Math.min(1, (t + 1) / warmupSteps);
}
