// The `grokscope` command: main(argv) runs one command and returns its exit code (0 ok, 1 failure, 2 invalid input).
// User mistakes print a message naming what is wrong and where, never a stack trace.
import { version } from '../../../package.json';
import { CliFailure, EXIT_FAILURE, EXIT_INVALID, EXIT_OK, UsageError } from './errors';
import { err, out } from './io';
import { COMMAND_HELP, MAIN_HELP } from './usage';

type Command = (argv: readonly string[]) => Promise<number>;
// Loaded on demand: `validate` and `--help` need neither SQLite nor the compute host.
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate')).validateCommand,
  info: async () => (await import('./info')).infoCommand,
  run: async () => (await import('./run')).runCommand,
  resume: async () => (await import('./resume')).resumeCommand,
  cancel: async () => (await import('./cancel')).cancelCommand,
  list: async () => (await import('./list')).listCommand,
  show: async () => (await import('./show')).showCommand,
  export: async () => (await import('./export')).exportCommand,
  serve: async () => (await import('./serve')).serveCommand,
  analyze: async () => (await import('./analyze')).analyzeCommand,
  sweep: async () => (await import('./sweep')).sweepCommand,
  worker: async () => (await import('./worker')).workerCommand,
  'export-run': async () => (await import('./backup')).exportRunCommand,
  'import-run': async () => (await import('./backup')).importRunCommand,
  reproduce: async () => (await import('./reproduce')).reproduceCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    err(MAIN_HELP);
    return EXIT_INVALID;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const topic = rest[0];
    out(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : MAIN_HELP);
    return EXIT_OK;
  }
  if (cmd === '--version') {
    out(version);
    return EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!load) {
    err(`grokscope: unknown command ${JSON.stringify(cmd)}; one of ${Object.keys(COMMANDS).join(', ')} (grokscope --help)`);
    return EXIT_INVALID;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(COMMAND_HELP[cmd]!);
    return EXIT_OK;
  }
  try {
    const command = await load();
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`grokscope ${cmd}: ${e.message}`);
      for (const d of e.details) err(`  ${d}`);
      return EXIT_INVALID;
    }
    if (e instanceof CliFailure) {
      err(`grokscope ${cmd}: ${e.message}`);
      return EXIT_FAILURE;
    }
    // Not a user mistake: say what failed; the stack only on request.
    err(`grokscope ${cmd} failed: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env['GROKSCOPE_DEBUG'] && e instanceof Error && e.stack) err(e.stack);
    return EXIT_FAILURE;
  }
}
