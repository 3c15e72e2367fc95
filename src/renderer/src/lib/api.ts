// The app's bridge, created once when the page loads.
import { createBridge } from './bridge';

export const api = createBridge();
