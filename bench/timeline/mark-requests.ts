import * as http2 from 'node:http2';
import { PassThrough } from 'node:stream';
import type { Recorder } from './recorder.js';

/**
 * Marks every HTTP/2 request a client session makes, from inside Node: the library has no hook
 * between its dial pipeline and the PUT, and that split is what the timeline is for. Wraps
 * `ClientHttp2Session.prototype.request` for the whole process, so only the timeline tool turns it on.
 */
export function markRequests(timeline: Recorder, label: string): void {
  // The prototype is reachable only through an instance: one over an in-memory stream, never connected.
  const probe = http2.connect('http://probe.invalid', { createConnection: () => new PassThrough() });
  probe.on('error', () => undefined);
  const prototype = Object.getPrototypeOf(probe) as { request: (...args: unknown[]) => unknown };
  probe.destroy();
  const request = prototype.request;
  prototype.request = function (this: unknown, ...args: unknown[]) {
    timeline.mark(label);
    return request.apply(this, args);
  };
}
