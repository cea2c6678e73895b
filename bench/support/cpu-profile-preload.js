'use strict';
// Loaded with `NODE_OPTIONS=--require …` into a process a benchmark starts but does not own the
// code of (the backup child): records a V8 CPU profile of the whole process and writes it, as a
// .cpuprofile, to the file named by CHATVAULT_BENCH_CPU_PROFILE when the process ends on its own.
// Node 20 refuses --cpu-prof in NODE_OPTIONS, hence the inspector. Plain JavaScript: it runs
// before tsx is registered.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

const target = process.env.CHATVAULT_BENCH_CPU_PROFILE;
if (target) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  let written = false;
  // `beforeExit` fires once the event loop is empty: the run is over and its answer printed.
  process.on('beforeExit', () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(target, JSON.stringify(result.profile));
      session.disconnect();
    });
  });
}
