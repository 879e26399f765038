// Renderer entry: zod without eval (CSP), global styles (bundled to a CSS file, CSP style-src 'self'), the app.
import './lib/zod-jitless';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
