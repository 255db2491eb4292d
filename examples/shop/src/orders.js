// Orders, subscriptions and the webhook event ledger. Only payment.succeeded ships an order; probe
// events and unknown ids are ignored. Every processed event is appended to the ledger (LEDGER_FILE,
// one MintCash envelope per line plus receivedAt), and the subscriptions table is kept as a CSV
// export (SUBSCRIPTIONS_FILE), the exports `golive monitor --events/--subscriptions` reads.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const orders = new Map();
const subscriptions = new Map();

export async function handleEvent(event) {
  if (event.data?.metadata?.goliveProbe) return;
  if (process.env.LEDGER_FILE) appendFileSync(process.env.LEDGER_FILE, `${JSON.stringify({ ...event, receivedAt: new Date().toISOString() })}\n`);
  if (event.type === 'subscription') return recordSubscription(event);
  const order = orders.get(event.data?.externalId);
  if (!order) return;
  if (event.event === 'payment.succeeded') order.status = 'paid';
  if (event.event === 'payment.refunded') order.status = 'refunded';
}

export function rememberOrder(order) {
  orders.set(`order_${order.id}`, order);
}

const COLUMNS = ['id', 'externalId', 'status', 'failedAttempts', 'pastDueSince', 'updatedAt'];

function recordSubscription(event) {
  const s = event.data ?? {};
  const row = subscriptions.get(s.id) ?? { id: s.id, externalId: s.externalId, status: '', failedAttempts: 0, pastDueSince: '', updatedAt: '' };
  if (event.event === 'subscription.failed' && s.status === 'past_due') {
    row.failedAttempts += 1;
    row.pastDueSince ||= event.createdAt;
  }
  if (event.event === 'subscription.succeeded') {
    row.failedAttempts = 0;
    row.pastDueSince = '';
  }
  row.status = s.status ?? row.status;
  row.updatedAt = event.createdAt;
  subscriptions.set(s.id, row);
  saveSubscriptions();
}

function saveSubscriptions() {
  const file = process.env.SUBSCRIPTIONS_FILE;
  if (!file) return;
  const lines = [COLUMNS.join(','), ...[...subscriptions.values()].map((r) => COLUMNS.map((c) => String(r[c] ?? '')).join(','))];
  writeFileSync(`${file}.tmp`, `${lines.join('\n')}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The table survives a restart: read back the export written before. */
export function loadSubscriptions() {
  const file = process.env.SUBSCRIPTIONS_FILE;
  if (!file) return;
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const cells = line.split(',');
    const row = Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i] ?? '']));
    row.failedAttempts = Number(row.failedAttempts) || 0;
    subscriptions.set(row.id, row);
  }
}
