// A test double of the 'electron' module: just enough of app, BrowserWindow, session, ipcMain, ipcRenderer,
// contextBridge, utilityProcess and dialog for src/main/app and src/preload, recording what they are given.
// Used with `vi.mock('electron', () => import('./app-electron-double').then((m) => m.electron))`.
import { pathToFileURL } from 'node:url';

type Listener = (...args: any[]) => unknown;

export class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  off(event: string, listener: Listener): this {
    return this.removeListener(event, listener);
  }
  emit(event: string, ...args: unknown[]): boolean {
    const ls = this.listeners.get(event) ?? [];
    for (const l of [...ls]) l(...args);
    return ls.length > 0;
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An event like Electron's: records preventDefault. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextId = 1;
export class FakeFrame {
  readonly routingId = nextId++;
  constructor(
    public url: string,
    readonly processId = 1,
  ) {}
}

export class FakeWebContents extends Emitter {
  readonly mainFrame: FakeFrame;
  readonly sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  constructor(url = 'about:blank') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends Emitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: { url?: string; file?: string } | null = null;
  shown = false;
  constructor(readonly options: Record<string, any>) {
    super();
    FakeBrowserWindow.instances.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.mainFrame.url = url;
  }
  async loadFile(file: string): Promise<void> {
    this.loaded = { file };
    this.webContents.mainFrame.url = pathToFileURL(file).href;
  }
  show(): void {
    this.shown = true;
  }
  maximized = false;
  focused = false;
  destroyed = false;
  bounds = { x: 0, y: 0, width: 0, height: 0 };
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {
    this.focused = true;
  }
  isFocused(): boolean {
    return this.focused;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return this.bounds;
  }
}

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

type PermissionRequestHandler = (wc: unknown, permission: string, cb: (granted: boolean) => void, details?: unknown) => void;
type PermissionCheckHandler = (wc: unknown, permission: string, origin?: string, details?: unknown) => boolean;

class FakeSession {
  headersListener: HeadersListener | null = null;
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener): void => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }
}
export const session = { defaultSession: new FakeSession() };

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, handler: Listener): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
};

class FakeIpcRenderer extends Emitter {
  readonly invoked: unknown[][] = [];
  /** what the next invoke resolves to */
  reply: unknown = { ok: true, result: null };
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args]);
    return this.reply;
  }
}
export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

export class FakeUtilityProcess extends Emitter {
  static forks: { modulePath: string; args: string[]; options: Record<string, any>; child: FakeUtilityProcess }[] = [];
  readonly posted: unknown[] = [];
  killed = false;
  pid: number | undefined = undefined;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}
export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: Record<string, any> = {}): FakeUtilityProcess {
    const child = new FakeUtilityProcess();
    FakeUtilityProcess.forks.push({ modulePath, args, options, child });
    return child;
  },
};

export const dialog = {
  errors: [] as [string, string][],
  /** what the next showOpenDialog answers */
  openAnswer: { canceled: true, filePaths: [] as string[] },
  openCalls: [] as Record<string, any>[],
  showErrorBox(title: string, content: string): void {
    dialog.errors.push([title, content]);
  },
  async showOpenDialog(_window: unknown, options: Record<string, any>): Promise<{ canceled: boolean; filePaths: string[] }> {
    dialog.openCalls.push(options);
    return dialog.openAnswer;
  },
  messages: [] as Record<string, any>[],
  async showMessageBox(_window: unknown, options: Record<string, any>): Promise<{ response: number }> {
    dialog.messages.push(options);
    return { response: 0 };
  },
};

export const Menu = {
  template: null as any[] | null,
  buildFromTemplate(template: any[]): { template: any[] } {
    return { template };
  },
  setApplicationMenu(menu: { template: any[] } | null): void {
    Menu.template = menu?.template ?? null;
  },
};

export const nativeTheme = { themeSource: 'system' as 'system' | 'light' | 'dark' };

export class FakeNotification extends Emitter {
  static shown: { title: string; body: string; notification: FakeNotification }[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    FakeNotification.shown.push({ ...this.options, notification: this });
  }
}

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays(): { workArea: { x: number; y: number; width: number; height: number } }[] {
    return screen.displays;
  },
};

/** File objects of a drop → their paths (Electron knows them; a File made up by a page has none). */
export const webUtils = {
  paths: new Map<unknown, string>(),
  getPathForFile(file: unknown): string {
    return webUtils.paths.get(file) ?? '';
  },
};

export const shell = {
  opened: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url);
  },
};

class FakeApp extends Emitter {
  isPackaged = false;
  singleInstanceLock = true;
  quitCalls = 0;
  exitCode: number | null = null;
  private ready = Promise.resolve();
  getPath(name: string): string {
    return `/fake/${name}`;
  }
  getAppPath(): string {
    return '/fake/app';
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  /** like Electron: 'before-quit' may cancel quitting with preventDefault */
  quit(): void {
    this.quitCalls++;
    const event = new FakeEvent();
    this.emit('before-quit', event);
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
}
export const app = new FakeApp();

export function resetElectronDouble(): void {
  app.listeners.clear();
  app.isPackaged = false;
  app.singleInstanceLock = true;
  app.quitCalls = 0;
  app.exitCode = null;
  FakeBrowserWindow.instances = [];
  session.defaultSession.headersListener = null;
  session.defaultSession.permissionRequestHandler = null;
  session.defaultSession.permissionCheckHandler = null;
  ipcMain.handlers.clear();
  ipcRenderer.listeners.clear();
  ipcRenderer.invoked.length = 0;
  ipcRenderer.reply = { ok: true, result: null };
  contextBridge.exposed.clear();
  FakeUtilityProcess.forks = [];
  dialog.errors.length = 0;
  dialog.openAnswer = { canceled: true, filePaths: [] };
  dialog.openCalls.length = 0;
  dialog.messages.length = 0;
  Menu.template = null;
  nativeTheme.themeSource = 'system';
  FakeNotification.shown = [];
  FakeNotification.supported = true;
  screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  webUtils.paths.clear();
  shell.opened.length = 0;
}

export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  session,
  ipcMain,
  ipcRenderer,
  contextBridge,
  utilityProcess,
  dialog,
  Menu,
  nativeTheme,
  Notification: FakeNotification,
  screen,
  webUtils,
  shell,
};
