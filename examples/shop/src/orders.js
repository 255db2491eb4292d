// Fulfilment: only payment.succeeded ships an order; probe events and unknown ids are ignored.
const orders = new Map();

export async function handleEvent(event) {
  if (event.data?.metadata?.goliveProbe) return;
  const order = orders.get(event.data?.externalId);
  if (!order) return;
  if (event.event === 'payment.succeeded') order.status = 'paid';
  if (event.event === 'payment.refunded') order.status = 'refunded';
}

export function rememberOrder(order) {
  orders.set(`order_${order.id}`, order);
}
