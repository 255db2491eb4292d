// Loaded into the example shop with `node --import` by the simulated first week: the shop's clock
// follows the emulator's (real time plus the offset the simulation sends over IPC), so its logs and
// its ledger carry the simulated week's times, as a real shop's carry the real week's.
let offset = Number(process.env.SIM_CLOCK_OFFSET_MS ?? 0);
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);

class SimDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offset);
    else super(...args);
  }
  static now() {
    return realNow() + offset;
  }
}
globalThis.Date = SimDate;

if (process.send) {
  process.on('message', (m) => {
    if (m && typeof m.offsetMs === 'number') {
      offset = m.offsetMs;
      process.send({ ack: m.seq });
    }
  });
}
