/*
 * The connection from an app page to its kernel: the Jupyter server's kernel websocket,
 * with no more of the Jupyter messaging protocol than an ipywidgets 8 page uses.
 *
 * JupyterLab's @jupyterlab/services does this (and sessions, contents, terminals, settings,
 * subshells, ...). It was a fifth of the page script, and making a comm object through it
 * costs a signal connection whose look-up grows with every comm (40 ms for the roadmap
 * builder's 186 widgets on the 2-core machine; docs/benchmarks.md). This module keeps
 * what the page needs:
 *
 * - the websocket to `api/kernels/<id>/channels`, in the server's binary protocol
 *   "v1.kernel.websocket.jupyter.org" (jupyter_server 2 prefers it: the server passes
 *   the kernel's messages on without decoding them);
 * - comms (open, message, close; targets the kernel opens comms to), as ipywidgets'
 *   `shims.services.Comm` expects them;
 * - for every message sent, its "future": the kernel's reply and the output messages
 *   that name it as their parent. ipywidgets counts a widget's update as done when the
 *   kernel's "idle" status for it comes back, so these must arrive;
 * - the connection's state ('connecting', 'connected', 'disconnected') and the kernel's
 *   ('idle', 'busy', 'restarting', 'dead', ...), for the page to show;
 * - reconnecting after a lost connection, with the same session id, so that the server
 *   replays what the kernel sent meanwhile.
 *
 * Messages from the kernel are handled one at a time, each after the previous one's
 * handlers are done, as @jupyterlab/services does: a widget's comm is set up before the
 * message that puts it in a box is read.
 */

export const PROTOCOL = 'v1.kernel.websocket.jupyter.org';
const MESSAGING_VERSION = '5.3';
// Seconds to wait before each attempt to reconnect; then the connection is given up.
const RECONNECT_DELAYS = [0.5, 1, 2, 4, 8, 15, 30];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A random id in UUID form (crypto.randomUUID needs a secure context; this does not). */
export function uuid() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A buffer to send (ArrayBuffer or a view on one) as bytes. */
function bytesOf(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * One message as a v1 frame: the number of offsets, the offsets (64-bit little-endian,
 * from the frame's start), the channel's name, then header, parent header, metadata,
 * content (JSON) and the buffers.
 */
export function encodeMessage(message) {
  const parts = [
    encoder.encode(message.channel),
    ...[message.header, message.parent_header, message.metadata, message.content].map(
      (part) => encoder.encode(JSON.stringify(part)),
    ),
    ...(message.buffers || []).map(bytesOf),
  ];
  const count = parts.length + 1;
  const start = 8 * (count + 1);
  const size = parts.reduce((total, part) => total + part.byteLength, start);
  const frame = new Uint8Array(size);
  const view = new DataView(frame.buffer);
  view.setBigUint64(0, BigInt(count), true);
  let offset = start;
  view.setBigUint64(8, BigInt(offset), true);
  parts.forEach((part, index) => {
    frame.set(part, offset);
    offset += part.byteLength;
    view.setBigUint64(8 * (index + 2), BigInt(offset), true);
  });
  return frame.buffer;
}

/** A v1 frame (ArrayBuffer) as a message; its buffers are DataViews, as ipywidgets takes them. */
export function decodeMessage(frame) {
  const view = new DataView(frame);
  const count = Number(view.getBigUint64(0, true));
  const offsets = [];
  for (let index = 0; index < count; index += 1) {
    offsets.push(Number(view.getBigUint64(8 * (index + 1), true)));
  }
  const part = (index) => new Uint8Array(frame, offsets[index], offsets[index + 1] - offsets[index]);
  const json = (index) => JSON.parse(decoder.decode(part(index)));
  const buffers = [];
  for (let index = 5; index < count - 1; index += 1) {
    buffers.push(new DataView(frame, offsets[index], offsets[index + 1] - offsets[index]));
  }
  return {
    channel: decoder.decode(part(0)),
    header: json(1),
    parent_header: json(2),
    metadata: json(3),
    content: json(4),
    buffers,
  };
}

/** What a sent message brings back: set onReply / onIOPub / onStdin to hear it (ipywidgets does). */
class Future {
  constructor(message, expectReply) {
    this.msg = message;
    this.onReply = null;
    this.onIOPub = null;
    this.onStdin = null;
    this._replied = !expectReply;
    this._idle = false;
    this.done = new Promise((resolve) => {
      this._resolve = resolve;
    });
  }

  /** Pass a message from the kernel on; true once the reply and the "idle" status are in. */
  async handle(message) {
    if (message.channel === 'shell' || message.channel === 'control') {
      this._replied = true;
      this._reply = message;
      if (this.onReply) await this.onReply(message);
    } else if (message.channel === 'stdin') {
      if (this.onStdin) await this.onStdin(message);
    } else {
      if (message.header.msg_type === 'status' && message.content.execution_state === 'idle') {
        this._idle = true;
      }
      if (this.onIOPub) await this.onIOPub(message);
    }
    if (this._replied && this._idle) {
      this._resolve(this._reply);
      return true;
    }
    return false;
  }
}

/** A comm: a channel between a widget in the page and its twin in the kernel. */
class Comm {
  constructor(kernel, targetName, commId) {
    this._kernel = kernel;
    this.targetName = targetName;
    this.commId = commId;
    this.onMsg = null;
    this.onClose = null;
  }

  open(data, metadata, buffers) {
    const content = { comm_id: this.commId, target_name: this.targetName, data: data || {} };
    return this._kernel.send('shell', 'comm_open', content, { metadata, buffers });
  }

  send(data, metadata, buffers) {
    const content = { comm_id: this.commId, data };
    return this._kernel.send('shell', 'comm_msg', content, { metadata, buffers });
  }

  /** Close the comm: tell the kernel, forget it, and call onClose as the kernel would. */
  close(data, metadata, buffers) {
    const content = { comm_id: this.commId, data: data || {} };
    const future = this._kernel.send('shell', 'comm_close', content, { metadata, buffers });
    this._kernel._comms.delete(this.commId);
    if (this.onClose) {
      this.onClose({ ...future.msg, channel: 'iopub' });
    }
    return future;
  }
}

/** Call each of `listeners` with `value`; one that fails is reported, not allowed to stop the rest. */
function tell(listeners, value) {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      console.error(error);
    }
  }
}

/** The connection to one running kernel, opened at once. */
export class KernelConnection {
  /**
   * @param {object} options
   * @param {string} options.kernelId   the kernel's id on the server
   * @param {string} options.baseUrl    the server's base URL (ends with '/')
   * @param {typeof WebSocket} [options.WebSocket]  for tests
   */
  constructor({ kernelId, baseUrl = '/', WebSocket: Socket = window.WebSocket }) {
    this.id = kernelId;
    this.clientId = uuid();
    this.connectionStatus = 'connecting';
    this.kernelStatus = 'unknown';
    this._baseUrl = baseUrl;
    this._Socket = Socket;
    this._socket = null;
    this._pending = [];
    this._futures = new Map();
    this._comms = new Map();
    this._targets = new Map();
    this._connectionListeners = [];
    this._statusListeners = [];
    this._chain = Promise.resolve();
    this._attempt = 0;
    this._timer = null;
    this._disposed = false;
    const early = window.dgtEarlySocket;
    if (early && early.kernelId === kernelId) {
      // The page opened the socket before this script loaded (the dgt template): take it over.
      window.dgtEarlySocket = null;
      this.clientId = early.clientId;
      this._attach(early.socket);
      early.events.forEach((event) => early.socket[`on${event.type}`](event));
    } else {
      this._open();
    }
  }

  /** Call `listener(status)` whenever the connection's state changes. */
  onConnectionStatus(listener) {
    this._connectionListeners.push(listener);
  }

  /** Call `listener(state)` whenever the kernel says what it is doing (iopub status). */
  onKernelStatus(listener) {
    this._statusListeners.push(listener);
  }

  /**
   * The websocket's address: ws(s)://<this host><base url>api/kernels/<id>/channels.
   * The dgt template's early socket (index.html.j2) builds the same address, offers the same
   * PROTOCOL and makes its session id the same way: change them together.
   */
  get url() {
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const path = `${this._baseUrl}api/kernels/${encodeURIComponent(this.id)}/channels`;
    return `${scheme}//${window.location.host}${path}?session_id=${encodeURIComponent(this.clientId)}`;
  }

  _setConnectionStatus(status) {
    if (status !== this.connectionStatus) {
      this.connectionStatus = status;
      tell(this._connectionListeners, status);
    }
  }

  _open() {
    const socket = new this._Socket(this.url, [PROTOCOL]);
    socket.binaryType = 'arraybuffer';
    this._attach(socket);
  }

  /** Listen to `socket`: it is the connection now. */
  _attach(socket) {
    socket.onopen = () => {
      if (socket.protocol !== PROTOCOL) {
        // A server that does not speak the v1 protocol: nothing sent would be understood.
        console.error(`The kernel websocket protocol "${socket.protocol}" is not ${PROTOCOL}.`);
        this.dispose();
        this._setConnectionStatus('disconnected');
        return;
      }
      this._attempt = 0;
      this._setConnectionStatus('connected');
      const pending = this._pending;
      this._pending = [];
      pending.forEach((frame) => socket.send(frame));
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') return; // the v1 protocol sends binary frames only
      const message = decodeMessage(event.data);
      this._chain = this._chain.then(() => this._handle(message)).catch((error) => console.error(error));
    };
    socket.onclose = () => {
      if (this._socket !== socket) return;
      this._socket = null;
      if (this._disposed) return;
      if (this._attempt >= RECONNECT_DELAYS.length) {
        this._setConnectionStatus('disconnected');
        return;
      }
      this._setConnectionStatus('connecting');
      this._timer = setTimeout(() => this._open(), RECONNECT_DELAYS[this._attempt] * 1000);
      this._attempt += 1;
    };
    this._socket = socket;
  }

  /** Send a message on `channel` now, or once the connection is open; return its future. */
  send(channel, msgType, content, { metadata = {}, buffers = [], expectReply = false } = {}) {
    const message = {
      channel,
      header: {
        msg_id: uuid(),
        msg_type: msgType,
        username: '',
        session: this.clientId,
        date: new Date().toISOString(),
        version: MESSAGING_VERSION,
      },
      parent_header: {},
      metadata: metadata || {},
      content,
      buffers: buffers || [],
    };
    const future = new Future(message, expectReply);
    if (this._disposed) return future;
    this._futures.set(message.header.msg_id, future);
    const frame = encodeMessage(message);
    if (this._socket && this._socket.readyState === this._Socket.OPEN) {
      this._socket.send(frame);
    } else {
      this._pending.push(frame);
    }
    return future;
  }

  /** A comm to the kernel's comm `commId` (which the page, or the kernel, opens). */
  createComm(targetName, commId = uuid()) {
    const comm = new Comm(this, targetName, commId);
    this._comms.set(commId, comm);
    return comm;
  }

  /** Call `callback(comm, message)` when the kernel opens a comm to `targetName`. */
  registerCommTarget(targetName, callback) {
    this._targets.set(targetName, callback);
  }

  /** The kernel's comms (optionally to one target): its comm_info_reply. */
  requestCommInfo(content) {
    return this.send('shell', 'comm_info_request', content, { expectReply: true }).done;
  }

  /** Close the connection for good (the page is going away). */
  dispose() {
    if (this._disposed) return;
    this._disposed = true;
    clearTimeout(this._timer);
    this._futures.clear();
    this._comms.clear();
    this._pending = [];
    if (this._socket) {
      this._socket.close();
      this._socket = null;
    }
  }

  async _handle(message) {
    if (this._disposed) return;
    const parent = message.parent_header && message.parent_header.msg_id;
    const future = parent && this._futures.get(parent);
    if (future && (await future.handle(message))) {
      this._futures.delete(parent);
    }
    if (message.channel !== 'iopub') return;
    const { content } = message;
    switch (message.header.msg_type) {
      case 'status':
        this.kernelStatus = content.execution_state;
        tell(this._statusListeners, content.execution_state);
        if (content.execution_state === 'restarting' || content.execution_state === 'dead') {
          // A restarted kernel is a new, empty one: what was sent to the old one is lost.
          this._futures.clear();
          this._comms.clear();
        }
        break;
      case 'comm_open': {
        const callback = this._targets.get(content.target_name);
        const comm = this.createComm(content.target_name, content.comm_id);
        if (!callback) {
          console.error(`No comm target "${content.target_name}" in this page.`);
          comm.close();
          break;
        }
        try {
          await callback(comm, message);
        } catch (error) {
          comm.close();
          throw error;
        }
        break;
      }
      case 'comm_msg': {
        const comm = this._comms.get(content.comm_id);
        if (comm && comm.onMsg) await comm.onMsg(message);
        break;
      }
      case 'comm_close': {
        const comm = this._comms.get(content.comm_id);
        this._comms.delete(content.comm_id);
        if (comm && comm.onClose) await comm.onClose(message);
        break;
      }
      default:
        break;
    }
  }
}
