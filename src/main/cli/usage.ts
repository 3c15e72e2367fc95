// Help texts: `grokscope --help` and `grokscope COMMAND --help`.
import { FIGURES } from '../../shared/figures/curves';

export const COMMAND_HELP: Record<string, string> = {
  validate: `grokscope validate FILE

Checks a run or sweep config (JSON or YAML) and prints every problem as FILE:LINE: PATH: PROBLEM; warns (exit 0)
when batchSize is at least the training set. FILE - (or /dev/stdin) reads standard input, as YAML, which also reads
JSON. A config may have at most 64 KiB and nest at most 64 levels deep, and must fit its backend's memory.
Exit code 0 when valid, 2 when not.`,
  info: `grokscope info [--db PATH] [--json]

Lists the backends a run can train on here and why each other one cannot (a missing package, no GPU adapter, no
Vulkan loader), with the GPU adapters WebGPU finds (vendor, architecture, driver; software ones marked).`,
  run: `grokscope run FILE [--db PATH] [--backend auto|webgpu|wasm|cpu|tensorflow] [--steps N] [--json]

Trains the run a config file describes, in its own compute process, storing curves and checkpoints in the database.
Progress goes to stderr. Ctrl-C stops the run at its current step, writes a checkpoint there and leaves the run
interrupted, prints the grokscope resume command that continues it, and exits 1; a second Ctrl-C stops at once.
  --db PATH       database file (default: $GROKSCOPE_DB, $XDG_DATA_HOME/grokscope/grokscope.db or
                  ~/.local/share/grokscope/grokscope.db)
  --backend B     override the config's TF.js backend (auto picks tensorflow on a GPU > webgpu on a hardware
                  adapter > tensorflow > wasm > cpu; webgpu by name also takes a software adapter); a backend
                  named here that cannot load exits 2 saying why (grokscope info lists them)
  --steps N       override training.steps
  --json          print one JSON object (run id, status, backend, steps, final metrics, t1..t4, t2_99, t4_99,
                  wall time) on stdout
Exit code 0 when the run completes; 1 when it fails, diverges, is cancelled or interrupted (Ctrl-C: there is no
separate code for a signal); 2 for invalid input.`,
  resume: `grokscope resume RUN [--db PATH] [--json]

Continues an interrupted, failed or cancelled run (also a sweep cell the policy stopped) from its last checkpoint, in
the foreground, with the same progress, Ctrl-C handling, summary (--json) and exit codes as grokscope run. A run
left running by a Grokscope process that is gone is interrupted first. Exit 2 when the run is unknown, completed,
has no checkpoint, or is trained by another live Grokscope process.`,
  cancel: `grokscope cancel RUN [--db PATH] [--json]

Ends a run as cancelled: an interrupted, failed or queued run at once; a run another live Grokscope process trains or
has paused (grokscope run in another terminal, serve, the app) is cancelled by that process, asked through the
database, and this command waits up to 15 s for it. Says whether the run can still be resumed (it keeps its
checkpoints). Exit 2 when the run is unknown or already finished, 1 when the other process does not stop it in time.`,
  list: `grokscope list [--db PATH] [--json]

Lists the runs in the database, newest first (--json: an array of run summaries).`,
  show: `grokscope show RUN [--db PATH] [--json]

Shows one run: config, status, backend, phases t1..t4, final metrics, checkpoints (--json: the run detail).`,
  export: `grokscope export RUN --figure NAME --format svg|png|csv --out FILE [--force] [--db PATH]

Writes a figure of a stored run. NAME is one of ${FIGURES.join(', ')}. csv writes the figure's metrics at full
resolution (step, then one column per metric). An existing FILE is kept unless --force is given; a FILE whose
extension names another format (e.g. --format svg --out fig.png) is refused.

grokscope export RUN --all --out DIR [--smoothing W] [--log-x] [--force] [--db PATH]
Writes every figure of the run (curves, and the spectral, trajectory, Hessian and intrinsic-dimension figures the run
has data for) to DIR as run-RUN-NAME.svg and run-RUN-NAME.png (2× pixel ratio), drawn as the app draws them; refused
when such files of the run are already in DIR, unless --force is given.`,
  reproduce: `grokscope reproduce NAME [--quick] [--db PATH] [--workers N] [--json]
grokscope reproduce --list [--json]

Runs one of the papers' headline results through the engine (its runs, sweeps and analyses are stored in the
database like any other) and prints PASS or FAIL against the criterion stated for it, with the measured numbers
beside the paper's. --quick is a reduced setting that finishes in about a minute on a laptop CPU (what the tests
run); without it, the paper's setting (hours on a CPU). --workers N trains N runs of a sweep at once (default 2).
Ctrl-C cancels it: the run or sweep it trains is cancelled (its runs are kept), no outcome is stored;
a second Ctrl-C stops at once. Exit 0 on PASS, 1 on FAIL, a failed run or Ctrl-C, 2 for an unknown name. --list
names them with their criteria.`,
  analyze: `grokscope analyze spectral|predict --run RUN [--window N] [--cutoff F] [--db PATH] [--json]
grokscope analyze fit --runs ID,ID,... [--against r|wd] [--level L] [--db PATH] [--json]
grokscope analyze pca --run RUN [--db PATH] [--json]
grokscope analyze hessian --run RUN [--steps S,S,...] [--max-checkpoints N] [--include-one-dim] [--max-iter N] [--db PATH] [--json]
grokscope analyze id --run RUN [--steps S,S,...] [--max-checkpoints N] [--max-points N] [--db PATH] [--json]
grokscope analyze landscape --run RUN [--kind 1d|1d-training|2d] [--checkpoint STEP | --steps S,S,...]
    [--direction D] [--direction2 D] [--normalization filter|raw] [--one-dim zero|per-scalar|keep] [--orthogonalize]
    [--seed N] [--range FROM,TO] [--points N] [--range2 FROM,TO] [--points2 N] [--splits train+val|train]
    [--preset li-2018|notsawo-2023] [--db PATH] [--json]
grokscope analyze reduced --run RUN [--scales A,A,...] [--axis task.trainSize|task.trainFraction|task.messiness]
    [--values V,V,...] [--updates N] [--eval-every N] [--lr-scaling fixed|with-norm]
    [--lr-schedule constant|cosine|linear] [--preset fast|paper] [--db PATH] [--json]

spectral  the spectral signature of a run's training loss over its first W updates (000 §3): linear detrend,
          components below the cutoff (a fraction of Nyquist, default 0.05) removed, then the energy, the energy of
          the low band, and the Hjorth activity, mobility and complexity (Hjorth's complexity, √(m4/m2)/√(m2/m0),
          1 for a sine; 000's footnote 2 writes √(m4/m2), which is the mobility of the derivative).
predict   whether the run will reach 99% validation accuracy within its budget, from its first W updates: a logistic
          model calibrated on the database's finished runs once there are enough of them (its features and L2
          strength chosen by cross-validation; the accuracy shown is nested: the choice made again inside each fold
          and scored on that fold's held-out runs), else the default rule (early oscillation energy above a
          threshold that is Grokscope's own: 000 §3 gives none).
fit       across runs that generalised: t4 = a·r^−γ + b with r in percent (000 App. A.3; --against r, the default),
          or log10 t4 against log10 weight decay (003 App. D; --against wd), with 95% confidence intervals. t4 is
          the first step with validation accuracy ≥ --level (a fraction; 000 §2.3 uses 1, i.e. 100%); the default
          depends on the task (Grokscope's choice, stated in the result): 0.99 for the algorithmic tasks, 0.95 for
          teacher-student (003 §3), 0.85 for MNIST (003 Fig. 3d peaks near 89%).
pca       PCA of the run's checkpoints θ_t − θ_T (000 App. B.2): explained variance and the projections α(t), β(t)
          on the first two directions (at most 200 checkpoints, evenly thinned).
hessian   λmax and λmin of the Hessian of the training loss (full training set) at checkpoints (000 App. B.1):
          Lanczos on exact Hessian-vector products in a compute process, λmin from H − 0.51·λmax·I; default every
          stored checkpoint thinned to 12; biases and LayerNorm gains are left out as in the authors' code (--include-one-dim keeps them).
id        intrinsic dimension (TwoNN, and MLE with k = 2) of each layer's activations on the training and validation
          rows at checkpoints (000 App. C); default every checkpoint thinned to 20, at most 1000 points per split.
landscape loss and accuracy (train, validation) around checkpoints (000 §4, Li et al. 2018) in a compute process:
          1d f(α) = L(θ + αδ) at --checkpoint (default the last), 1d-training one slice per checkpoint, 2d
          L(θ + αδ + βη) with the checkpoints projected on the plane next to their true losses. D is random
          (Gaussian, seeded), target θ* − θ_t, next θ_{t+1} − θ_t, init θ_0 − θ_t or pca (PC1/PC2 of the trajectory);
          filter-wise normalised by default (raw for pca). Defaults (--preset li-2018, Li et al.): 1-D parameters'
          directions zeroed, α in [−1, 1], 51 points (41×41 for 2d); --preset notsawo-2023 is 000 §4's convention:
          each bias scalar its own filter (--one-dim per-scalar), α in [−3, 3]. Every finished row is stored; the
          same command continues an interrupted grid.
reduced   Omnigrok's reduced landscape (003 §2-5): for each w = α·w0 (default α 0.25 … 4) and axis value (default
          the run's own N, r or m), constant-norm training without weight decay from the run's config. Each cell
          reads test loss and error at the training-loss minimiser (003 Eq. 1), and also the best over training
          (what the authors' plots keep). --preset paper: 003's budget, 10⁴ updates per cell, α 0.1 … 10 (21 values);
          fast (default): α 0.25 … 4 (7 values), min(run's steps, 1000) updates.
  --window N   W, updates analysed (default 400)
  --cutoff F   high-pass cutoff as a fraction of Nyquist (default 0.05)`,
  sweep: `grokscope sweep FILE [--db PATH] [--workers N] [--mode predict|confirm|full] [--redis URL] [--json]

Runs a sweep config (a base run config, axes over config paths, seeds, a policy) with N compute processes (default:
the number of cores). predict trains every cell for the prediction window (default 400 updates) and stops it;
confirm stops only the cells predicted not to grok; full trains every cell to its budget. Running the same file
again resumes an unfinished sweep: finished runs are kept. Prints the grid (mean validation accuracy and predicted
probability per cell), or with --json the sweep view. Exit 0 when every run ended without failing.
--redis URL queues the cells on Redis for "grokscope worker" processes on any machine instead of training them
here (redis://HOST:PORT, redis://:PASSWORD@HOST:PORT, rediss:// for TLS); the results are stored here as they come.
Interrupted, the cells go on on their workers; the same command again catches up with them.`,
  worker: `grokscope worker --redis URL [--concurrency N] [--backend auto|webgpu|wasm|cpu|tensorflow] [--name NAME]

Trains the sweep cells that coordinators (grokscope sweep --redis, grokscope serve --redis) queue on the Redis
server at URL, N at a time (default: the number of cores), each in its own compute process, and streams their
metrics and checkpoints back. --backend overrides the cells' backend; --name (default HOST-PID) is how the
coordinator names this worker. A worker of another Grokscope version refuses the cells, saying so. Ctrl-C stops
it: its cells checkpoint and go back to the queue. A worker that dies loses its cells to another worker after
GROKSCOPE_WORKER_LOCK_MS (default 30000), which continues them from their last checkpoint.`,
  'export-run': `grokscope export-run RUN --out FILE [--db PATH] [--json]

Writes one run (config, status, metrics, checkpoints, analyses) to FILE, a single self-contained file (a Grokscope
database holding just that run). The run must not be queued, running or paused. FILE must not exist.`,
  'import-run': `grokscope import-run FILE [--db PATH] [--json]

Copies the runs in FILE (written by export-run) into the database, with new run ids; prints them. FILE is not
changed. A file from a newer Grokscope is refused. The runs keep their checkpoints, so they can be analysed or
(if unfinished) resumed.`,
  serve: `grokscope serve [--db PATH] [--port N] [--workers N] [--redis URL]

Serves the Grokscope UI and API to a browser on 127.0.0.1 (default port 8470; 0 picks a free one) and prints the
address, with its access token, on stderr. --workers N compute processes train at once (default: the number of
cores). For a remote machine, forward the port over SSH. Ctrl-C stops it. --redis URL: sweeps' cells go to
"grokscope worker" processes on that Redis server (see grokscope worker --help) instead of this machine.`,
};

export const MAIN_HELP = `grokscope: grokking experiments from the command line

Usage:
  grokscope validate FILE
  grokscope info [--db PATH] [--json]
  grokscope run FILE [--db PATH] [--backend auto|webgpu|wasm|cpu|tensorflow] [--steps N] [--json]
  grokscope resume RUN [--db PATH] [--json]
  grokscope cancel RUN [--db PATH] [--json]
  grokscope list [--db PATH] [--json]
  grokscope show RUN [--db PATH] [--json]
  grokscope export RUN --figure ${FIGURES.join('|')} --format svg|png|csv --out FILE [--force] [--db PATH]
  grokscope export RUN --all --out DIR [--smoothing W] [--log-x] [--force] [--db PATH]
  grokscope serve [--db PATH] [--port N] [--workers N] [--redis URL]
  grokscope sweep FILE [--workers N] [--mode predict|confirm|full] [--redis URL] [--json]
  grokscope worker --redis URL [--concurrency N] [--backend B] [--name NAME]
  grokscope analyze spectral|predict --run RUN [--json]
  grokscope analyze fit --runs ID,ID,... [--against r|wd] [--json]
  grokscope analyze pca --run RUN [--json]
  grokscope analyze hessian|id --run RUN [--steps S,S,...] [--json]
  grokscope analyze landscape|reduced --run RUN [options] [--json]
  grokscope reproduce NAME [--quick] [--db PATH] [--json]     grokscope reproduce --list
  grokscope export-run RUN --out FILE [--db PATH]
  grokscope import-run FILE [--db PATH]
  grokscope COMMAND --help

Progress goes to stderr; with --json one JSON object goes to stdout.
Exit codes: 0 success, 1 failure, 2 invalid input.
Database: --db, else $GROKSCOPE_DB, else $XDG_DATA_HOME/grokscope/grokscope.db, else ~/.local/share/grokscope/grokscope.db.`;
