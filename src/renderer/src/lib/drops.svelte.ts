// Config files dropped on the window, and config files the desktop app was asked to open (double-click, File → Open).
// Dropped files are handled each on its own, so one bad file never blocks the others; problems come back located
// (path, line) and are listed under the file's name.
// - In the desktop app the preload turns each File into its path (webUtils.getPathForFile) and the main process
//   reads, tells run from sweep, validates and starts it.
// - In a browser (grokscope serve) the page reads the file's text and sends it through the API.
// An opened file is not started: a valid run config goes into the new-run form, ready to run; a sweep config waits
// here with a Start button; an invalid one shows its problems.
import { ApiError } from '../../../shared/api/contract';
import { CONFIG_SIZE_LIMIT_TEXT, MAX_CONFIG_BYTES, type DroppedFileResult, type OpenedConfig } from '../../../shared/api/desktop';
import type { ConfigProblem } from '../../../shared/config/errors';
import { formatFromName, looksLikeSweep, parseDocumentText } from '../../../shared/config/parse';
import { api } from './api';
import { errorMessage } from './bridge';
import { keepDraft } from './draft-store';
import { draftFromConfig } from './run-draft';

/** Checked before reading, so a huge file is never read into the page; the same limit as everywhere else. */
const MAX_FILE_BYTES = MAX_CONFIG_BYTES;

export interface DropItem {
  key: number;
  name: string;
  state: 'reading' | 'sending' | 'created' | 'invalid' | 'failed' | 'ready';
  /** 'opened' from the OS or the File menu, else dropped */
  source: 'dropped' | 'opened';
  kind: 'run' | 'sweep' | null;
  runId: number | null;
  /** set instead of runId when the file was a sweep config */
  sweepId: number | null;
  /** runs the sweep queued */
  sweepRuns: number;
  problems: ConfigProblem[];
  message: string | null;
  /** an opened sweep config's text, started with the item's Start button */
  pendingText: string | null;
}

const kindOf = (name: string, text: string): 'run' | 'sweep' | null => {
  const doc = parseDocumentText(text, formatFromName(name));
  return doc.ok ? (looksLikeSweep(doc.value) ? 'sweep' : 'run') : null;
};

class Drops {
  items = $state<DropItem[]>([]);
  private seq = 0;

  private add(name: string, source: DropItem['source'], state: DropItem['state']): DropItem {
    const key = ++this.seq;
    this.items.push({
      key,
      name,
      state,
      source,
      kind: null,
      runId: null,
      sweepId: null,
      sweepRuns: 0,
      problems: [],
      message: null,
      pendingText: null,
    });
    return this.items.find((i) => i.key === key)!;
  }

  /** Handles every file; calls onFirstCreated with the page of the first run or sweep that starts (to open it). */
  async handle(files: File[], onFirstCreated: (path: string) => void): Promise<void> {
    let opened = false;
    const first = (path: string | null): void => {
      if (path !== null && !opened) {
        opened = true;
        onFirstCreated(path);
      }
    };
    if (api.desktop) {
      const items = files.map((f) => this.add(f.name || 'unnamed file', 'dropped', 'sending'));
      let results: DroppedFileResult[];
      try {
        results = await api.desktop.dropFiles(files);
      } catch (e) {
        for (const item of items) this.fail(item, errorMessage(e));
        return;
      }
      items.forEach((item, i) => first(this.settle(item, results[i])));
      return;
    }
    await Promise.all(files.map(async (file) => first(await this.handleText(file))));
  }

  /** The main process's answer for one dropped file. */
  private settle(item: DropItem, r: DroppedFileResult | undefined): string | null {
    if (!r) return this.fail(item, 'no answer for this file');
    item.kind = r.kind;
    if (!r.outcome.ok) {
      const e = r.outcome.error;
      this.failWith(item, new ApiError(e.code, e.message, e.problems));
      return null;
    }
    return this.created(item, r.outcome);
  }

  private created(item: DropItem, o: { runId: number | null; sweepId: number | null; sweepRuns: number }): string {
    item.state = 'created';
    item.runId = o.runId;
    item.sweepId = o.sweepId;
    item.sweepRuns = o.sweepRuns;
    const key = item.key;
    setTimeout(() => this.dismiss(key), 8_000);
    return o.sweepId !== null ? `/sweeps/${o.sweepId}` : `/runs/${o.runId}`;
  }

  private fail(item: DropItem, message: string): null {
    item.state = 'failed';
    item.message = message;
    return null;
  }

  private failWith(item: DropItem, e: unknown): void {
    if (e instanceof ApiError && e.code === 'invalid_input') {
      item.state = 'invalid';
      item.problems = e.problems ?? [];
      item.message = e.problems?.length ? null : e.message;
    } else this.fail(item, errorMessage(e));
  }

  /** Browser mode: read the text here and send it through the API. */
  private async handleText(file: File): Promise<string | null> {
    const item = this.add(file.name || 'unnamed file', 'dropped', 'reading');
    if (file.size > MAX_FILE_BYTES) {
      const limit = `${MAX_FILE_BYTES} (${CONFIG_SIZE_LIMIT_TEXT})`;
      return this.fail(item, `the file has ${file.size} bytes; a config file may have at most ${limit}`);
    }
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      return this.fail(item, `could not read the file: ${errorMessage(e)}`);
    }
    item.state = 'sending';
    return this.startText(item, file.name || 'config.json', text);
  }

  /** A sweep config (it has "axes" at the top) starts a sweep; anything else (even unparsable) goes to the run parser. */
  private async startText(item: DropItem, name: string, text: string): Promise<string | null> {
    item.kind = kindOf(name, text);
    try {
      if (item.kind === 'sweep') {
        const { id, runIds } = await api.call('sweeps.createFromFile', { name, text });
        return this.created(item, { runId: null, sweepId: id, sweepRuns: runIds.length });
      }
      const { id } = await api.call('runs.createFromFile', { name, text });
      return this.created(item, { runId: id, sweepId: null, sweepRuns: 0 });
    } catch (e) {
      this.failWith(item, e);
      return null;
    }
  }

  /** Config files the desktop app opened. Returns the page to show: the new-run form for the last valid run config. */
  showOpened(list: readonly OpenedConfig[]): string | null {
    let page: string | null = null;
    for (const c of list) {
      const item = this.add(c.name, 'opened', 'ready');
      item.kind = c.kind;
      if (c.problems.length > 0) {
        item.state = 'invalid';
        item.problems = c.problems;
      } else if (c.kind === 'run' && c.config) {
        keepDraft(draftFromConfig(c.config));
        item.message = null;
        page = '/new';
      } else if (c.kind === 'sweep') {
        item.pendingText = c.text;
      }
    }
    return page;
  }

  /** Starts an opened sweep config (its item's Start button). */
  async startOpened(key: number, onCreated: (path: string) => void): Promise<void> {
    const item = this.items.find((i) => i.key === key);
    if (!item || item.pendingText === null) return;
    const text = item.pendingText;
    item.pendingText = null;
    item.state = 'sending';
    const path = await this.startText(item, item.name, text);
    if (path) onCreated(path);
  }

  dismiss(key: number): void {
    this.items = this.items.filter((i) => i.key !== key);
  }
}

export const drops = new Drops();
