// Config files the OS opened with Grokscope, waiting for the renderer to pick them up. A file may arrive before the
// window exists (double-click launches the app; macOS sends open-file before 'ready'), so they queue here and the
// renderer takes them when it starts and whenever it is told that more arrived.
import type { OpenedConfig } from '../../shared/api/desktop';
import { openConfigFile } from './config-files';

export class OpenedConfigs {
  private pending: OpenedConfig[] = [];
  private chain: Promise<void> = Promise.resolve();

  /** `arrived` is called after each file is read (to tell the renderer and bring the window forward). */
  constructor(private readonly arrived: () => void) {}

  /** Reads and validates the files in order; resolves when they are queued. */
  open(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      for (const path of paths) this.pending.push(await openConfigFile(path));
      this.arrived();
    });
    return this.chain;
  }

  take(): OpenedConfig[] {
    return this.pending.splice(0);
  }
}
