// Fulfilment that does slow work inline (a stand-in for emails, stock updates, ERP calls).
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function handleEvent(event) {
  await sleep(Number(process.env.SLOW_MS ?? 2500));
  return event.event;
}
