// Preloaded (`node --require`) into the API and the worker of the soak benchmark (test/bench/soak.ts), never part of
// the app: answers the harness over the IPC channel with the process's memory (process.memoryUsage, V8 heap spaces),
// after a full garbage collection when asked ('gc', needs --expose-gc), or writes a heap snapshot ('snapshot').
'use strict';
const v8 = require('node:v8');

if (process.send) {
  process.on('message', (message) => {
    if (!message || typeof message.probe !== 'string') return;
    let snapshot;
    if (message.probe === 'gc' && typeof global.gc === 'function') global.gc();
    if (message.probe === 'snapshot') {
      if (typeof global.gc === 'function') global.gc();
      snapshot = v8.writeHeapSnapshot(message.path);
    }
    const memory = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
    process.send({ probe: message.probe, id: message.id, ...memory, spaces, snapshot });
  });
  // The channel must not keep the process alive (a SIGTERM shuts the app down as without the probe); when the harness
  // is gone (killed), the app shuts down as on a SIGTERM rather than run on, orphaned.
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
