// The Electron main entry (bundled to out/main/index.js).
import { startApp } from './start';

startApp(import.meta.dirname);
