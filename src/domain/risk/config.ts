import type { RiskPolicy, RiskRule } from '../kernel/risk-policy.js';
import type { RiskMode, RiskOperation } from '../kernel/risk-store.js';

// The risk engine's one declared configuration: the default policy embedded here, a firm's JSON file
// (KABUTO_RISK_POLICY) validated against it. docs/risk.md documents every field, signal and rule.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Hosting, cloud and VPN networks, by autonomous system: where a customer's browser does not live but
 * an attacker's relay does. A firm extends the list in its file (`hostingAsns`, `hostingNamePatterns`).
 */
export const DEFAULT_HOSTING_ASNS: readonly number[] = Object.freeze([
  16509, 14618, 8987, // Amazon (AWS)
  396982, 15169, 19527, // Google Cloud
  8075, 8068, // Microsoft (Azure)
  14061, // DigitalOcean
  16276, // OVH
  24940, 213230, // Hetzner
  63949, // Linode / Akamai Connected Cloud
  20473, // Vultr (The Constant Company, formerly Choopa)
  9009, // M247 (many VPN providers)
  60781, 28753, 16265, // Leaseweb
  51167, 40021, // Contabo
  45102, 37963, // Alibaba Cloud
  132203, 45090, // Tencent Cloud
  31898, // Oracle Cloud
  60068, // Datacamp / CDN77 (VPN exits)
  212238, // Datacamp
  62240, // Clouvider
  174, // Cogent (hosting transit; VPN exits)
  36352, // ColoCrossing
  53667, // FranTech / BuyVM
  7684, 9371, // SAKURA Internet
  2519, // ARTERIA / VECTANT (data centres)
  60729, // Stiftung Erneuerbare Freiheit (Tor exits)
  208323, // Foundation for Applied Privacy (Tor exits)
]);

export const DEFAULT_HOSTING_NAME_PATTERNS: readonly string[] = Object.freeze([
  'amazon', 'google cloud', 'microsoft', 'digitalocean', 'ovh', 'hetzner', 'linode', 'akamai connected cloud',
  'constant company', 'choopa', 'vultr', 'm247', 'leaseweb', 'contabo', 'alibaba', 'tencent', 'oracle',
  'datacamp', 'cdn77', 'hosting', 'host', 'server', 'cloud', 'vps', 'data cent', 'datacenter', 'colocation',
  'vpn', 'proxy', 'tor exit',
]);

const rule = (id: string, operation: RiskOperation, outcome: RiskRule['outcome'], mode: RiskMode, when: Pick<RiskRule, 'minScore' | 'allSignals' | 'anySignals'>, description: string): RiskRule =>
  Object.freeze({ id, operation, outcome, mode, ...when, description });

const UNFAMILIAR = ['foreign_country', 'hosting_network'];

export const DEFAULT_RISK_POLICY: RiskPolicy = Object.freeze({
  homeCountries: ['JP'],
  hostingAsns: DEFAULT_HOSTING_ASNS,
  hostingNamePatterns: DEFAULT_HOSTING_NAME_PATTERNS,
  weights: Object.freeze({
    new_device: 20,
    stale_device: 15,
    foreign_country: 30,
    hosting_network: 40,
    new_country: 15,
    impossible_travel: 60,
    unusual_hour: 15,
    sell_off: 40,
    after_sell_off: 30,
    illiquid_instrument: 30,
    far_above_habit: 20,
    recent_contact_change: 40,
    recent_factor_change: 40,
    drains_cash: 10,
  }),
  deviceTrustMs: 180 * 24 * HOUR,
  impossibleTravelKmh: 900,
  travelMinKm: 500,
  unusualHourMinHistory: 10,
  networkFailureLimit: 60,
  networkAlertAt: 30,
  networkWindowMs: 10 * MINUTE,
  sellOffShare: 0.8,
  sellOffWindowMs: 24 * HOUR,
  illiquidTurnoverYen: 100_000_000,
  habitMultiple: 10,
  habitMinHistory: 3,
  recentChangeMs: 72 * HOUR,
  rules: Object.freeze([
    rule('signin.impossible_travel', 'sign_in', 'refuse', 'enforce', { allSignals: ['impossible_travel'] }, 'The previous sign-in was too far away too shortly before: no one travels that fast.'),
    rule('signin.high_risk', 'sign_in', 'refuse', 'enforce', { minScore: 120 }, 'Many unfamiliar things at once (score 120 or more).'),
    rule('signin.unfamiliar_network', 'sign_in', 'step_up', 'enforce', { minScore: 40 }, 'An unfamiliar network or country (score 40 or more): a second factor even where the customer’s setting would not ask, a passkey where one exists.'),
    rule('signin.unusual_hour', 'sign_in', 'step_up', 'observe', { allSignals: ['unusual_hour'] }, 'A sign-in at an hour the customer never signs in at.'),
    rule('order.illiquid_after_sell_off', 'order', 'hold', 'enforce', { allSignals: ['illiquid_instrument', 'after_sell_off'] }, 'Holdings sold off, then the cash spent on a thinly traded instrument: the 2025 takeover pattern.'),
    rule('order.illiquid_unfamiliar_network', 'order', 'hold', 'enforce', { allSignals: ['illiquid_instrument'], anySignals: UNFAMILIAR }, 'A thinly traded instrument bought from abroad or from a hosting/VPN network.'),
    rule('order.sell_off_unfamiliar_network', 'order', 'hold', 'enforce', { allSignals: ['sell_off'], anySignals: UNFAMILIAR }, 'Most holdings sold from abroad or from a hosting/VPN network.'),
    rule('order.illiquid_buy', 'order', 'hold', 'observe', { allSignals: ['illiquid_instrument'] }, 'Any buy of a thinly traded instrument.'),
    rule('order.far_above_habit', 'order', 'hold', 'observe', { allSignals: ['far_above_habit'] }, 'An order far larger than any the customer made before.'),
    rule(
      'withdrawal.change_then_withdraw',
      'withdrawal',
      'hold',
      'enforce',
      { anySignals: ['recent_contact_change', 'recent_factor_change'], minScore: 90 },
      'A contact, factor or bank account changed shortly before the withdrawal, with more against it (a contact and a factor change and most of the cash; an unfamiliar network): score 90 or more.',
    ),
    rule(
      'withdrawal.recent_change',
      'withdrawal',
      'hold',
      'observe',
      { anySignals: ['recent_contact_change', 'recent_factor_change'] },
      'Any contact, factor or bank change shortly before the withdrawal (a contact change alone is already held 24 hours by the cooling-off, its replaced contacts told).',
    ),
    rule('withdrawal.unfamiliar_network', 'withdrawal', 'hold', 'enforce', { anySignals: UNFAMILIAR }, 'A withdrawal asked from abroad or from a hosting/VPN network.'),
    rule('withdrawal.far_above_habit', 'withdrawal', 'hold', 'observe', { allSignals: ['far_above_habit'] }, 'A withdrawal far larger than any the customer made before.'),
  ]),
});

/** Every signal the engine computes (docs/risk.md): a rule naming another is refused at start. */
export const SIGNALS = Object.freeze(Object.keys(DEFAULT_RISK_POLICY.weights));

const OPERATIONS: readonly RiskOperation[] = ['sign_in', 'order', 'withdrawal'];
const OUTCOMES: Record<RiskOperation, readonly string[]> = { sign_in: ['step_up', 'refuse'], order: ['hold', 'refuse'], withdrawal: ['hold', 'refuse'] };
const NUMBERS = [
  'deviceTrustMs', 'impossibleTravelKmh', 'travelMinKm', 'unusualHourMinHistory', 'networkFailureLimit', 'networkAlertAt', 'networkWindowMs',
  'sellOffShare', 'sellOffWindowMs', 'illiquidTurnoverYen', 'habitMultiple', 'habitMinHistory', 'recentChangeMs',
] as const;
const KNOWN = new Set<string>([...NUMBERS, 'homeCountries', 'hostingAsns', 'hostingNamePatterns', 'weights', 'rules', 'ruleModes', 'mode']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * A firm's file over the default policy. Numbers, countries, weights and `rules` replace the defaults;
 * `hostingAsns` and `hostingNamePatterns` extend the default lists; `ruleModes` ({ "rule id": "observe" })
 * switches a rule's mode without restating it; `mode: "observe"` puts every rule in shadow mode.
 * Throws an Error naming every problem: a wrong file stops the start, it is never half applied.
 */
export function parseRiskPolicy(input: unknown): RiskPolicy {
  const problems: string[] = [];
  if (!isObject(input)) throw new Error('the risk policy must be a JSON object');
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) problems.push(`unknown setting "${key}"`);
  const policy: Record<string, unknown> = { ...DEFAULT_RISK_POLICY };
  for (const key of NUMBERS) {
    const value = input[key];
    if (value === undefined) continue;
    const fraction = key === 'sellOffShare';
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (fraction ? value > 1 : !Number.isInteger(value))) {
      problems.push(`${key} must be ${fraction ? 'a number in (0, 1]' : 'a positive integer'}`);
    } else policy[key] = value;
  }
  if (input.homeCountries !== undefined) {
    if (!strings(input.homeCountries) || !input.homeCountries.every((c) => /^[A-Z]{2}$/.test(c))) problems.push('homeCountries must be ISO 3166-1 alpha-2 codes such as "JP"');
    else policy.homeCountries = input.homeCountries;
  }
  if (input.hostingAsns !== undefined) {
    if (!Array.isArray(input.hostingAsns) || !input.hostingAsns.every((n) => Number.isInteger(n) && n > 0 && n < 2 ** 32)) problems.push('hostingAsns must be autonomous system numbers');
    else policy.hostingAsns = [...DEFAULT_HOSTING_ASNS, ...(input.hostingAsns as number[])];
  }
  if (input.hostingNamePatterns !== undefined) {
    if (!strings(input.hostingNamePatterns) || input.hostingNamePatterns.some((s) => s.trim() === '')) problems.push('hostingNamePatterns must be non-empty strings');
    else policy.hostingNamePatterns = [...DEFAULT_HOSTING_NAME_PATTERNS, ...input.hostingNamePatterns.map((s) => s.toLowerCase())];
  }
  if (input.weights !== undefined) {
    if (!isObject(input.weights)) problems.push('weights must be an object of signal → points');
    else {
      for (const [signal, points] of Object.entries(input.weights)) {
        if (!SIGNALS.includes(signal)) problems.push(`weights: unknown signal "${signal}" (known: ${SIGNALS.join(', ')})`);
        else if (typeof points !== 'number' || !Number.isInteger(points) || points < 0 || points > 1000) problems.push(`weights.${signal} must be an integer 0–1000`);
      }
      policy.weights = { ...DEFAULT_RISK_POLICY.weights, ...input.weights };
    }
  }
  let rules: RiskRule[] = [...DEFAULT_RISK_POLICY.rules];
  if (input.rules !== undefined) {
    if (!Array.isArray(input.rules)) problems.push('rules must be a list');
    else rules = input.rules.map((r, i) => checkRule(r, i, problems)).filter((r): r is RiskRule => r !== undefined);
  }
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) problems.push(`rule "${r.id}" is declared twice`);
    ids.add(r.id);
  }
  if (input.ruleModes !== undefined) {
    if (!isObject(input.ruleModes)) problems.push('ruleModes must be an object of rule id → "enforce" | "observe"');
    else {
      for (const [id, mode] of Object.entries(input.ruleModes)) {
        if (!ids.has(id)) problems.push(`ruleModes: unknown rule "${id}"`);
        else if (mode !== 'enforce' && mode !== 'observe') problems.push(`ruleModes.${id} must be "enforce" or "observe"`);
      }
      if (problems.length === 0) rules = rules.map((r) => ({ ...r, mode: (input.ruleModes as Record<string, RiskMode>)[r.id] ?? r.mode }));
    }
  }
  if (input.mode !== undefined) {
    if (input.mode !== 'observe' && input.mode !== 'enforce') problems.push('mode must be "observe" (every rule in shadow mode) or "enforce" (each rule its own mode)');
    else if (input.mode === 'observe') rules = rules.map((r) => ({ ...r, mode: 'observe' }));
  }
  if ((policy.networkAlertAt as number) > (policy.networkFailureLimit as number)) problems.push('networkAlertAt must not exceed networkFailureLimit (the alert comes before the throttle)');
  if (problems.length > 0) throw new Error(`risk policy: ${problems.join('; ')}`);
  return Object.freeze({ ...policy, rules: Object.freeze(rules.map((r) => Object.freeze(r))) }) as RiskPolicy;
}

function checkRule(input: unknown, index: number, problems: string[]): RiskRule | undefined {
  const where = `rules[${index}]`;
  if (!isObject(input)) {
    problems.push(`${where} must be an object`);
    return undefined;
  }
  const before = problems.length;
  const { id, operation, outcome, mode, minScore, allSignals, anySignals, description } = input;
  if (typeof id !== 'string' || !/^[a-z_]+\.[a-z0-9_]+$/.test(id)) problems.push(`${where}.id must look like "order.my_rule"`);
  if (!OPERATIONS.includes(operation as RiskOperation)) problems.push(`${where}.operation must be one of ${OPERATIONS.join(', ')}`);
  else if (!OUTCOMES[operation as RiskOperation].includes(outcome as string)) problems.push(`${where}.outcome must be one of ${OUTCOMES[operation as RiskOperation].join(', ')} for ${String(operation)}`);
  if (mode !== 'enforce' && mode !== 'observe') problems.push(`${where}.mode must be "enforce" or "observe"`);
  if (minScore !== undefined && (typeof minScore !== 'number' || !Number.isInteger(minScore) || minScore < 1)) problems.push(`${where}.minScore must be a positive integer`);
  for (const [name, list] of [['allSignals', allSignals], ['anySignals', anySignals]] as const) {
    if (list === undefined) continue;
    if (!strings(list)) problems.push(`${where}.${name} must be a list of signal names`);
    else for (const s of list) if (!SIGNALS.includes(s)) problems.push(`${where}.${name}: unknown signal "${s}"`);
  }
  if (minScore === undefined && !(strings(allSignals) && allSignals.length > 0) && !(strings(anySignals) && anySignals.length > 0)) problems.push(`${where} must name a condition (minScore, allSignals or anySignals)`);
  if (typeof description !== 'string' || description.length === 0) problems.push(`${where}.description must say why the rule exists`);
  if (problems.length > before) return undefined;
  return { id, operation, outcome, mode, minScore, allSignals, anySignals, description } as RiskRule;
}

/** The policy in force: the configured one, else the default. */
export function riskPolicyOf(policy: { risk?: RiskPolicy }): RiskPolicy {
  return policy.risk ?? DEFAULT_RISK_POLICY;
}
