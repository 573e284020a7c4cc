/** The agent console's entry point (bundled to build/console/app.js). */
import { App } from './app'

const root = document.getElementById('app')
if (root === null) throw new Error('agent console: no #app element')
new App({ root, storage: window.sessionStorage, settings: window.localStorage, fetch: (input, init) => window.fetch(input, init) }).start()
