/*
 * The apps' page script: connect to the page's preheated kernel and show the app's widgets.
 *
 * Voila renders an app page on the server (course/serve/voila/jupyter/voila/templates/dgt): each
 * cell output is a <script type="application/vnd.voila.cell-output+json"> and the kernel
 * that ran the notebook is named in the page's config ("kernelId"). Voila's own page script
 * starts a small JupyterLab (about 5 MB of JavaScript, 96 files) to show those outputs; the
 * apps only need the kernel connection and the ipywidgets 8 controls, which is what this
 * script brings (see README.md for how it is built and checked).
 *
 * Words shown to the user come from the message catalogue, through the page
 * (<script id="dgt-messages">), never from this file.
 */

import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { Widget } from '@lumino/widgets';
import { KernelConnection } from './kernel';

// For the browser tests (globalName dgtApps): the description sanitizer and the message codec.
export { default as sanitize } from './sanitize';
export { encodeMessage, decodeMessage } from './kernel';

import '@jupyter-widgets/base/css/index.css';
import '@jupyter-widgets/controls/css/widgets-base.css';

const OUTPUT_TYPE = 'application/vnd.voila.cell-output+json';
const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
// Every widget's state, written into the page by course.serve.ui.common.show under `dgt apps`.
const WIDGET_STATE = 'application/vnd.dgt.widget-state+json';
// The widget libraries this page can show; an app that needs another one says so on screen.
const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': controls,
};

/** A JSON document the server put in the page, or `fallback` if it is missing. */
function pageData(id, fallback) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : fallback;
}

const MESSAGES = pageData('dgt-messages', {});

/** A message from the catalogue (as the server gave it), with {name} fields filled in. */
function message(key, fields = {}) {
  const text = MESSAGES[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in fields ? String(fields[name]) : whole));
}

/** A widget manager that talks to one kernel through its comms (the ipywidgets 8 protocol). */
export class AppWidgetManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    // Widgets the kernel creates later (after a click, say) arrive as new comms.
    kernel.registerCommTarget(this.comm_target_name, (comm, msg) =>
      this.handle_comm_open(new base.shims.services.Comm(comm), msg),
    );
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module && module[className]) {
      return module[className];
    }
    throw new Error(message('apps.frontend.unknown_widget', {
      widget: `${moduleName}@${moduleVersion} ${className}`,
    }));
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  /** Every widget the kernel holds, with its state (one round trip in ipywidgets 8). */
  load() {
    return this._loadFromKernel();
  }

  /**
   * Every widget from the state the kernel wrote into the page (Widget.get_manager_state),
   * each bound to its comm in the kernel: nothing is asked of the kernel, so the app is drawn
   * while the connection opens, and what a person does meanwhile is sent once it is open.
   * As in ManagerBase._loadFromKernel, all comms come first, then every model is registered
   * before any of them resolves the others it refers to.
   */
  async restore(managerState) {
    const states = managerState.state;
    const ids = Object.keys(states);
    const comms = await Promise.all(ids.map((id) => this._create_comm(this.comm_target_name, id)));
    await Promise.all(ids.map((id, index) => {
      const { model_name, model_module, model_module_version, state, buffers } = states[id];
      if (buffers && buffers.length) {
        base.put_buffers(state, buffers.map((buffer) => buffer.path), buffers.map(decodeBuffer));
      }
      const options = { model_id: id, model_name, model_module, model_module_version, comm: comms[index] };
      return this.new_model(options, state);
    }));
  }
}

/** A buffer of Widget.get_manager_state (base64 or hex text) as a DataView. */
function decodeBuffer({ encoding, data }) {
  let bytes;
  if (encoding === 'hex') {
    bytes = new Uint8Array(data.length / 2);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(data.substr(i * 2, 2), 16);
  } else {
    bytes = Uint8Array.from(atob(data), (character) => character.charCodeAt(0));
  }
  return new DataView(bytes.buffer);
}

/** A short notice at the top of the page (role="alert", so a screen reader reads it); null: none. */
function notice(text) {
  let element = document.getElementById('dgt-notice');
  if (text === null) {
    if (element) element.remove();
    return;
  }
  if (!element) {
    element = document.createElement('p');
    element.id = 'dgt-notice';
    element.className = 'dgt-message dgt-error';
    element.setAttribute('role', 'alert');
    const cells = document.getElementById('rendered_cells') || document.body;
    cells.prepend(element);
  }
  element.textContent = text;
}

/** Take the spinner away and show the page (Voila's template keeps it hidden until then). */
function showPage() {
  window.themeLoaded = true;
  if (typeof window.display_cells === 'function') {
    window.display_cells();
  }
}

/** A <pre> with `text` (ANSI colour codes removed), as JupyterLab shows plain text. */
function preformatted(text) {
  const holder = document.createElement('div');
  holder.className = 'jp-RenderedText jp-OutputArea-output';
  const pre = document.createElement('pre');
  // eslint-disable-next-line no-control-regex
  pre.textContent = text.replace(/\u001b\[[0-9;]*m/g, '');
  holder.appendChild(pre);
  return holder;
}

/** Show one output that needs no kernel (HTML, an image, text); return false for a widget. */
function renderStatic(output, host) {
  const type = output.output_type;
  if (type === 'stream') {
    host.appendChild(preformatted(output.text || ''));
    return true;
  }
  if (type === 'error') {
    const lines = output.traceback && output.traceback.length ? output.traceback : [`${output.ename}: ${output.evalue}`];
    host.appendChild(preformatted(lines.join('\n')));
    return true;
  }
  const data = output.data || {};
  if (WIDGET_VIEW in data || WIDGET_STATE in data) {
    return false;
  }
  const holder = document.createElement('div');
  holder.className = 'jp-OutputArea-output';
  if ('text/html' in data) {
    holder.classList.add('jp-RenderedHTMLCommon', 'jp-RenderedHTML');
    holder.innerHTML = [].concat(data['text/html']).join('');
  } else if ('image/svg+xml' in data) {
    holder.innerHTML = [].concat(data['image/svg+xml']).join('');
  } else if ('image/png' in data || 'image/jpeg' in data) {
    const mime = 'image/png' in data ? 'image/png' : 'image/jpeg';
    const image = document.createElement('img');
    image.src = `data:${mime};base64,${data[mime]}`;
    holder.appendChild(image);
  } else if ('text/plain' in data) {
    host.appendChild(preformatted([].concat(data['text/plain']).join('')));
    return true;
  }
  host.appendChild(holder);
  return true;
}

/** Show the widget `modelId` in `host` (a view of a model the manager already holds). */
async function renderWidget(manager, modelId, host) {
  const model = await manager.get_model(modelId);
  const view = await manager.create_view(model);
  const holder = document.createElement('div');
  holder.className = 'jp-OutputArea-output';
  host.appendChild(holder);
  Widget.attach(view.luminoWidget, holder);
}

/** Tell the server the page is gone, so that it stops the page's kernel at once. */
function shutdownOnLeave(baseUrl, kernel) {
  window.addEventListener('pagehide', () => {
    const form = new FormData();
    const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
    form.append('_xsrf', (xsrf && xsrf[1]) || '');
    navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernel.id}`, form);
    kernel.dispose();
  });
}

/**
 * The connection to the page's kernel, opened at once; its state is shown on the page:
 * `<body data-dgt-kernel="connected">` once open (the browser tests and
 * bench/apps_startup.py wait for it: the app is live then), a notice if it is lost.
 */
function connect(config) {
  const baseUrl = config.baseUrl || '/';
  const kernel = new KernelConnection({ kernelId: config.kernelId, baseUrl });
  shutdownOnLeave(baseUrl, kernel);
  // Once connected, any loss of the connection is said at once (the connection retries for a
  // minute or so in the background; the notice goes away if it comes back).
  let wasConnected = false;
  let kernelLost = false;
  const showStatus = (status) => {
    document.body.dataset.dgtKernel = status;
    if (status === 'connected') {
      wasConnected = true;
      performance.mark('dgt:connected');
      if (!kernelLost) notice(null);
    } else if (wasConnected || status === 'disconnected') {
      notice(message('apps.frontend.disconnected'));
    }
  };
  kernel.onConnectionStatus(showStatus);
  showStatus(kernel.connectionStatus); // the page's early socket may be open already
  // A kernel that died (and that the server restarted empty) holds none of the app's widgets:
  // the notice stays until the page is reloaded.
  kernel.onKernelStatus((status) => {
    if (status === 'dead' || status === 'restarting') {
      kernelLost = true;
      notice(message('apps.frontend.disconnected'));
    }
  });
  return kernel;
}

async function main() {
  // Marks for profiling (performance.getEntriesByType('mark')): script, models, drawn, connected.
  performance.mark('dgt:script');
  const config = pageData('jupyter-config-data', {});
  const scripts = [...document.querySelectorAll(`script[type="${OUTPUT_TYPE}"]`)];
  // The connection first: it opens while the page reads the outputs and draws the widgets.
  const needsKernel = scripts.some((script) => script.textContent.includes(WIDGET_VIEW));
  const kernel = needsKernel && config.kernelId ? connect(config) : null;
  const outputs = scripts.map((script) => {
    const output = JSON.parse(script.textContent);
    const host = script.parentElement;
    script.remove();
    return { output, host };
  });
  const kernelOutputs = outputs.filter(({ output, host }) => !renderStatic(output, host));
  const saved = kernelOutputs.find(({ output }) => WIDGET_STATE in output.data);
  const widgets = kernelOutputs.filter(({ output }) => WIDGET_VIEW in output.data);
  if (saved) {
    saved.host.remove(); // an empty output area otherwise
  }
  if (!kernel || !widgets.length) {
    showPage();
    return;
  }
  const manager = new AppWidgetManager(kernel);
  try {
    await (saved ? manager.restore(saved.output.data[WIDGET_STATE]) : manager.load());
    performance.mark('dgt:models');
    await Promise.all(widgets.map(({ output, host }) => renderWidget(manager, output.data[WIDGET_VIEW].model_id, host)));
    performance.mark('dgt:drawn');
  } catch (error) {
    console.error(error);
    notice(message('apps.frontend.failed'));
  } finally {
    showPage();
  }
}

main();
