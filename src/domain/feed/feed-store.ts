import type { AuditEntry } from '../kernel/types.js';

// The feed's persistence and its one outbound port. src/store/feed-repo.ts implements the store for
// SQLite and PostgreSQL; src/adapters/webhook-sender.ts the sender.

export type EndpointStatus = 'active' | 'disabled';

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Public event types it receives; empty: every type. */
  types: string[];
  status: EndpointStatus;
  /** The signing secret, sealed (AES-256-GCM under a key derived from KABUTO_SECRET). */
  secretSealed: string;
  /** The secret before the last rotation, still signing (alongside) until `previousUntil`. */
  previousSealed: string | null;
  previousUntil: number | null;
  /** The last audit sequence number considered for this endpoint (events after it are not queued yet). */
  cursor: number;
  createdAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  endpointId: string;
  seq: number;
  eventId: string;
  type: string;
  payload: string;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface FeedStore {
  /** Audit entries of the given actions after `afterSeq`, oldest first. */
  entriesAfter(afterSeq: number, actions: readonly string[], limit: number): Promise<AuditEntry[]>;
  /** The chain's last sequence number (a new endpoint starts there). */
  headSeq(): Promise<number>;

  insertEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  findEndpoint(id: string): Promise<WebhookEndpoint | undefined>;
  updateEndpoint(id: string, patch: Partial<Pick<WebhookEndpoint, 'status' | 'secretSealed' | 'previousSealed' | 'previousUntil'>>): Promise<boolean>;
  /** The endpoint and its deliveries. */
  deleteEndpoint(id: string): Promise<boolean>;

  /**
   * Take the endpoint for one round of delivery: one instance at a time (a conditional UPDATE). A lease
   * not given back by `leaseUntil` (the instance died) may be taken by another.
   */
  lease(id: string, token: string, now: number, leaseUntil: number): Promise<boolean>;
  unlease(id: string, token: string): Promise<void>;
  /**
   * In one transaction: queue the deliveries of the events after the endpoint's cursor and move the
   * cursor to `toSeq` (only if it still is `fromSeq`).
   */
  enqueue(id: string, fromSeq: number, toSeq: number, deliveries: Array<Pick<Delivery, 'seq' | 'eventId' | 'type' | 'payload'>>, now: number): Promise<boolean>;
  /** Due pending deliveries of one endpoint, oldest event first. */
  due(id: string, now: number, limit: number): Promise<Delivery[]>;
  /** Count an attempt before it is made (a crash during the send still counts it). */
  countAttempt(id: string, seq: number): Promise<void>;
  markDelivered(id: string, seq: number, now: number): Promise<void>;
  markFailed(id: string, seq: number, failure: { nextAttemptAt: number; error: string; dead: boolean }): Promise<void>;
  /** Dead deliveries of an endpoint made due again with a fresh count. */
  revive(id: string, now: number): Promise<number>;
  counts(): Promise<Record<DeliveryStatus, number>>;
  deliveries(id: string, status: DeliveryStatus | undefined, limit: number): Promise<Delivery[]>;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** One POST; resolves with the receiver's status (never follows a redirect), rejects on a network failure or the time-out. */
export interface WebhookSender {
  post(request: WebhookRequest): Promise<{ status: number }>;
}

/** Metrics of deliveries (by endpoint id: a handful, chosen by the operator). */
export interface FeedEvents {
  delivered(endpointId: string): void;
  failed(endpointId: string): void;
  dead(endpointId: string): void;
}
