// Config files dropped on the window: each file is read and sent on its own ('runs.createFromFile'), so one bad file
// never blocks the others; problems come back located (path, line) and are listed under the file's name.
import { ApiError } from '../../../shared/api/contract';
import type { ConfigProblem } from '../../../shared/config/errors';
import { formatFromName, looksLikeSweep, parseDocumentText } from '../../../shared/config/parse';
import { api } from './api';
import { errorMessage } from './bridge';

/** The contract accepts at most 1,000,000 characters of text; config files are a few hundred bytes. */
export const MAX_FILE_BYTES = 1_000_000;

export interface DropItem {
  key: number;
  name: string;
  state: 'reading' | 'sending' | 'created' | 'invalid' | 'failed';
  runId: number | null;
  /** set instead of runId when the file was a sweep config */
  sweepId: number | null;
  /** runs the sweep queued */
  sweepRuns: number;
  problems: ConfigProblem[];
  message: string | null;
}

class Drops {
  items = $state<DropItem[]>([]);
  private seq = 0;

  /** Handles every file; calls onFirstCreated with the page of the first run or sweep that starts (to open it). */
  async handle(files: File[], onFirstCreated: (path: string) => void): Promise<void> {
    let opened = false;
    await Promise.all(
      files.map(async (file) => {
        const id = await this.handleOne(file);
        if (id !== null && !opened) {
          opened = true;
          onFirstCreated(id);
        }
      }),
    );
  }

  private async handleOne(file: File): Promise<string | null> {
    const key = ++this.seq;
    this.items.push({ key, name: file.name || 'unnamed file', state: 'reading', runId: null, sweepId: null, sweepRuns: 0, problems: [], message: null });
    const item = this.items.find((i) => i.key === key)!;
    if (file.size > MAX_FILE_BYTES) {
      item.state = 'failed';
      item.message = `the file is ${(file.size / 1e6).toFixed(1)} MB; a config file must be under 1 MB`;
      return null;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      item.state = 'failed';
      item.message = `could not read the file: ${errorMessage(e)}`;
      return null;
    }
    item.state = 'sending';
    const name = file.name || 'config.json';
    // A sweep config has "axes" at the top; anything else (even unparsable) goes to the run parser, which says why.
    const doc = parseDocumentText(text, formatFromName(name));
    const isSweep = doc.ok && looksLikeSweep(doc.value);
    try {
      let path: string;
      if (isSweep) {
        const { id, runIds } = await api.call('sweeps.createFromFile', { name, text });
        item.sweepId = id;
        item.sweepRuns = runIds.length;
        path = `/sweeps/${id}`;
      } else {
        const { id } = await api.call('runs.createFromFile', { name, text });
        item.runId = id;
        path = `/runs/${id}`;
      }
      item.state = 'created';
      setTimeout(() => this.dismiss(key), 8_000);
      return path;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'invalid_input') {
        item.state = 'invalid';
        item.problems = e.problems ?? [];
        item.message = e.problems?.length ? null : e.message;
      } else {
        item.state = 'failed';
        item.message = errorMessage(e);
      }
      return null;
    }
  }

  dismiss(key: number): void {
    this.items = this.items.filter((i) => i.key !== key);
  }
}

export const drops = new Drops();
