import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HasherStats } from './argon2-hasher.js';
import type { DomainEvents } from '../domain/kernel/context.js';
import type { DeliveryEvents } from '../domain/kernel/notice-outbox.js';
import type { FeedEvents } from '../domain/feed/feed-store.js';

// Prometheus metrics, one Registry per Kabuto: tests build several apps in one process, and a global
// registry would count their events together (or refuse the second registration).

export interface Metrics {
  registry: Registry;
  /** The domain's events, counted. */
  events: DomainEvents;
  /** One answered HTTP request; `route` is the route's pattern, never the raw URL (bounded labels). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The notice outbox's deliveries (sent, failed attempts, dead-lettered). */
  notices: DeliveryEvents;
  /** The event feed's webhook deliveries, by endpoint id (docs/events.md). */
  webhooks: FeedEvents;
}

export function createMetrics(hasherStats: () => HasherStats): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });

  const signIns = counter('kabuto_sign_ins_total', 'Sign-in attempts by result', ['result']);
  const codesSent = counter('kabuto_codes_sent_total', 'One-time codes sent, by channel and purpose', ['channel', 'purpose']);
  const verifications = counter('kabuto_verifications_total', 'Second-factor verifications by result', ['result']);
  const locks = counter('kabuto_locks_total', 'Locks imposed (trading password, second factor)', ['kind']);
  const stepUps = counter('kabuto_step_ups_total', 'Step-up checks by purpose and outcome', ['purpose', 'outcome']);
  const sendAlerts = counter('kabuto_send_alerts_total', 'SMS volume alerts raised (possible SMS pumping)', ['kind']);
  const riskDecisions = counter('kabuto_risk_decisions_total', 'Risk rules fired, by rule, mode (enforce, observe) and outcome (what it did or, observed, would have done); rule "none": nothing fired', ['rule', 'mode', 'outcome']);
  const riskAlerts = counter('kabuto_risk_alerts_total', 'Risk alerts raised (credential stuffing from one network)', ['kind']);
  const withdrawals = counter('kabuto_withdrawals_total', 'Withdrawal requests by status', ['status']);
  // By channel, never by kind: a per-kind count (lock notices) would tell real login IDs apart.
  const noticesSent = counter('kabuto_notices_sent_total', 'Notices delivered from the outbox, by channel', ['channel']);
  const noticeFailures = counter('kabuto_notice_send_failures_total', 'Failed notice delivery attempts (retried with back-off), by channel', ['channel']);
  const webhooksDelivered = counter('kabuto_webhooks_delivered_total', 'Events delivered to a webhook (2xx), by endpoint', ['endpoint']);
  const webhookFailures = counter('kabuto_webhook_failures_total', 'Failed webhook delivery attempts (retried with back-off), by endpoint', ['endpoint']);
  const webhooksDead = counter('kabuto_webhooks_dead_total', 'Webhook deliveries dead-lettered after their last attempt failed (alert on any), by endpoint', ['endpoint']);
  const noticesDead = counter('kabuto_notices_dead_total', 'Notices dead-lettered after their last attempt failed (alert on any), by channel', ['channel']);

  new Gauge({
    name: 'kabuto_hashing_queue_depth',
    help: 'Password hashes waiting for a hashing thread (503 past the bound)',
    registers: [registry],
    collect() {
      this.set(hasherStats().queued);
    },
  });
  new Gauge({
    name: 'kabuto_hashing_running',
    help: 'Password hashes running now',
    registers: [registry],
    collect() {
      this.set(hasherStats().running);
    },
  });
  const latency = new Histogram({
    name: 'kabuto_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'],
    // Sign-in is dominated by argon2 (~50–100 ms); the upper buckets show a hashing queue building up.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const requestSeries = new Map<string, { observe(value: number): void }>();

  return {
    registry,
    events: {
      signIn: (result) => signIns.inc({ result }),
      codeSent: (channel, purpose) => codesSent.inc({ channel, purpose }),
      verification: (result) => verifications.inc({ result }),
      // Only a real login ID can lock, so a login-lock counter would tell an attacker which IDs exist
      // (the 5th wrong password moves it): login locks go to the audit log and a warn line instead.
      lock: (kind) => {
        if (kind !== 'login') locks.inc({ kind });
      },
      stepUp: (purpose, outcome) => stepUps.inc({ purpose, outcome }),
      sendAlert: (kind) => sendAlerts.inc({ kind }),
      withdrawal: (status) => withdrawals.inc({ status }),
      riskDecision: (rule, mode, outcome) => riskDecisions.inc({ rule, mode, outcome }),
      riskAlert: (kind) => riskAlerts.inc({ kind }),
    },
    notices: {
      sent: (channel) => noticesSent.inc({ channel }),
      failed: (channel) => noticeFailures.inc({ channel }),
      dead: (channel) => noticesDead.inc({ channel }),
    },
    webhooks: {
      delivered: (endpoint) => webhooksDelivered.inc({ endpoint }),
      failed: (endpoint) => webhookFailures.inc({ endpoint }),
      dead: (endpoint) => webhooksDead.inc({ endpoint }),
    },
    observeRequest(method, route, status, seconds) {
      // The labelled series kept by its labels (routes × methods × statuses: a bounded set): prom-client
      // otherwise hashes the label object at every request.
      const key = `${method} ${route} ${status}`;
      let series = requestSeries.get(key);
      if (!series) requestSeries.set(key, (series = latency.labels(method, route, String(status))));
      series.observe(seconds);
    },
  };
}
