import type { RiskMode, RiskOperation, RiskOutcome } from './risk-store.js';

// The shape of the risk engine's declared configuration (src/domain/risk/config.ts holds the default
// policy and validates a firm's file against this shape). In the kernel because SecurityPolicy carries it.

/**
 * A rule fires when every condition it names holds: the score reaches `minScore`, every signal of
 * `allSignals` is present, and at least one of `anySignals` (when it names any).
 */
export interface RiskRule {
  readonly id: string;
  readonly operation: RiskOperation;
  readonly outcome: Exclude<RiskOutcome, 'allow'>;
  readonly mode: RiskMode;
  readonly minScore?: number;
  readonly allSignals?: readonly string[];
  readonly anySignals?: readonly string[];
  /** Why, for operators and docs. */
  readonly description: string;
}

export interface RiskPolicy {
  /** Countries the firm's customers normally sign in from (ISO 3166-1 alpha-2). */
  readonly homeCountries: readonly string[];
  /** Hosting, cloud and VPN networks: autonomous system numbers, and patterns of their owners' names (case-insensitive). */
  readonly hostingAsns: readonly number[];
  readonly hostingNamePatterns: readonly string[];
  /** Points each signal adds to the score. */
  readonly weights: Readonly<Record<string, number>>;
  /** A known device not used to sign in for this long has lost its trust (signal `stale_device`). */
  readonly deviceTrustMs: number;
  /** Faster than this between two sign-ins (and farther than `travelMinKm`) is impossible travel. */
  readonly impossibleTravelKmh: number;
  readonly travelMinKm: number;
  /** Time of day: with at least `minHistory` past sign-ins, an hour (JST, ±1) none of them fell in is unusual. */
  readonly unusualHourMinHistory: number;
  /** Credential stuffing: failed sign-ins from one network (a hosting AS, or an IPv4 /24, an IPv6 /48) in the window. */
  readonly networkFailureLimit: number;
  readonly networkAlertAt: number;
  readonly networkWindowMs: number;
  /** Orders: selling at least this share of the holdings' value within `sellOffWindowMs` is a sell-off. */
  readonly sellOffShare: number;
  readonly sellOffWindowMs: number;
  /** An instrument trading less than this a day (yen) is illiquid. */
  readonly illiquidTurnoverYen: number;
  /** An order or withdrawal this many times the customer's largest of the past (with `habitMinHistory` of them) is far outside habit. */
  readonly habitMultiple: number;
  readonly habitMinHistory: number;
  /** A contact, factor or bank change this recent before a withdrawal. */
  readonly recentChangeMs: number;
  readonly rules: readonly RiskRule[];
}
