// Every main page on a phone (390×844), light and dark: see lib/sweep.js.

import { PHONE, useBrowser } from '../lib/browser.js';
import { sweep } from '../lib/sweep.js';

const chrome = useBrowser();

sweep(chrome, 'phone', PHONE);
