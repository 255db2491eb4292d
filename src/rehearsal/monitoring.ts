// The first-week monitoring plan that closes every sign-off report: MintCash's going-live guide
// lists webhook delivery success first (API-FACTS §17.5; the rest of its list is not readable), the
// other items come from the checklist. Thresholds are suggestions to tune, not MintCash numbers.

export interface MonitoringItem {
  id: string;
  title: string;
  watch: string;
  alert: string;
}

export const MONITORING_PLAN: readonly MonitoringItem[] = [
  {
    id: 'webhook-delivery-success',
    title: 'Webhook delivery success rate',
    watch: 'Share of MintCash deliveries your endpoint answers 2xx within 10 s, and events processed per eventId (duplicates acknowledged, not re-fulfilled). MintCash retries failures for 24 h, so a low rate means late fulfilment, not lost events, until it does not.',
    alert: 'Alert when fewer than 99% of deliveries get a 2xx over 15 minutes, or any single event is still unacknowledged after 1 hour.',
  },
  {
    id: 'payment-failed-by-code',
    title: 'payment.failed rate by error code',
    watch: 'payment.failed events divided by payment attempts, broken down by failureCode (card_declined, insufficient_funds, expired, general_fatal_error…). Provider-side codes rising while card codes stay flat points at MintCash or its provider, not your customers.',
    alert: 'Alert when the failure rate doubles against the previous 24 h baseline, or any one provider-side code exceeds 5% of attempts over 30 minutes.',
  },
  {
    id: 'past-due-churn',
    title: 'Churn at the past_due → cancelled boundary',
    watch: 'Subscriptions entering past_due, how many recover to active during dunning, and how many end cancelled after the last retry; check your system downgrades access exactly when subscription.cancelled arrives.',
    alert: 'Alert when more than 20% of past_due subscriptions reach cancelled in a week, or any cancelled subscription still has access 1 hour later.',
  },
  {
    id: 'request-id-correlation',
    title: 'requestId correlation',
    watch: 'Every MintCash error your application logs carries details.requestId next to your own request or order id, so an application error can be matched to the MintCash failure and quoted to support.',
    alert: 'Alert when any MintCash 5xx or 4xx is logged without a requestId, or MintCash 5xx exceed 1% of calls over 15 minutes.',
  },
];
