// A plain-Node stand-in for the 'electron' module, just enough to run the BUILT out/main/index.js (the Electron
// binary cannot be downloaded here). utilityProcess.fork starts a real Node process running utility-wrapper.mjs,
// which gives the compute bundle an Electron-like process.parentPort. State is exposed on globalThis.__standIn.
import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const wrapper = fileURLToPath(new URL('./utility-wrapper.mjs', import.meta.url));
const state = (globalThis.__standIn = { window: null, forks: [], quitted: false, errors: [] });

class App extends EventEmitter {
  isPackaged = false;
  getPath(name) {
    return `${process.env.GROKSCOPE_STAND_IN_HOME}/${name}`;
  }
  getAppPath() {
    return process.cwd();
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) state.quitted = true;
  }
  exit(code) {
    state.exitCode = code;
  }
}
export const app = new App();

export const session = {
  defaultSession: { webRequest: { onHeadersReceived() {} }, setPermissionRequestHandler() {}, setPermissionCheckHandler() {} },
};

export const ipcMain = {
  handlers: new Map(),
  handle(channel, handler) {
    this.handlers.set(channel, handler);
  },
  removeHandler(channel) {
    this.handlers.delete(channel);
  },
};

export const dialog = {
  showErrorBox(title, message) {
    state.errors.push([title, message]);
  },
  async showOpenDialog() {
    return { canceled: true, filePaths: [] };
  },
};

// The desktop shell's menu, theme, screens and notifications: recorded, never shown.
export const Menu = {
  buildFromTemplate(template) {
    return { template };
  },
  setApplicationMenu(menu) {
    state.menu = menu;
  },
};
export const nativeTheme = { themeSource: 'system', shouldUseDarkColors: false };
export const screen = {
  getAllDisplays() {
    return [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  },
};
export class Notification extends EventEmitter {
  static isSupported() {
    return false;
  }
  constructor(options) {
    super();
    this.options = options;
  }
  show() {
    (state.notifications ??= []).push(this.options);
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    const contents = new EventEmitter();
    contents.sent = [];
    contents.mainFrame = { url: '', processId: 1, routingId: 1 };
    contents.send = (...args) => contents.sent.push(args);
    contents.isDestroyed = () => false;
    contents.setWindowOpenHandler = () => {};
    this.webContents = contents;
    state.window = this;
    app.emit('web-contents-created', {}, contents);
  }
  async loadFile(file) {
    this.webContents.mainFrame.url = pathToFileURL(file).href;
  }
  async loadURL(url) {
    this.webContents.mainFrame.url = url;
  }
  show() {}
  focus() {}
  restore() {}
  maximize() {}
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  isFocused() {
    return true;
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: this.options.width ?? 1280, height: this.options.height ?? 800 };
  }
}

export const utilityProcess = {
  fork(modulePath, args = [], options = {}) {
    const child = fork(wrapper, [modulePath, ...args], { serialization: 'advanced', env: options.env, execArgv: [] });
    const utility = new EventEmitter();
    utility.pid = child.pid;
    utility.postMessage = (message) => child.send(message);
    utility.kill = () => child.kill();
    child.on('message', (message) => utility.emit('message', message));
    child.on('exit', (code) => utility.emit('exit', code ?? 1));
    state.forks.push({ modulePath, serviceName: options.serviceName });
    return utility;
  },
};

export default { app, session, ipcMain, dialog, Menu, nativeTheme, screen, Notification, BrowserWindow, utilityProcess };
