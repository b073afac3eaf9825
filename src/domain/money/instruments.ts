import type { Clock } from '../kernel/ports.js';
import { hmacHex } from '../kernel/crypto.js';

// A dozen names of the Tokyo Stock Exchange Prime market, one thinly traded foreign share, and a
// simulated price feed. Base prices and turnovers are rough levels of recent years, not quotes: Kabuto
// secures accounts, it is not a market data service.

export interface Instrument {
  symbol: string;
  name: string;
  basePrice: number;
  /** Where it trades: the TSE Prime market, or a foreign over-the-counter market. */
  market: 'TSE Prime' | 'US OTC';
  /**
   * Liquidity: a typical day's turnover in yen. The risk engine calls an instrument below its threshold
   * (`illiquidTurnoverYen`, 100 million by default) illiquid: the kind of share the 2025 takeovers pumped.
   */
  dailyTurnoverYen: number;
}

export const INSTRUMENTS: readonly Instrument[] = Object.freeze([
  { symbol: '7203', name: 'トヨタ自動車', basePrice: 2_850, market: 'TSE Prime', dailyTurnoverYen: 120_000_000_000 },
  { symbol: '6758', name: 'ソニーグループ', basePrice: 3_600, market: 'TSE Prime', dailyTurnoverYen: 80_000_000_000 },
  { symbol: '9984', name: 'ソフトバンクグループ', basePrice: 9_800, market: 'TSE Prime', dailyTurnoverYen: 150_000_000_000 },
  { symbol: '8306', name: '三菱UFJフィナンシャル・グループ', basePrice: 2_100, market: 'TSE Prime', dailyTurnoverYen: 90_000_000_000 },
  { symbol: '6861', name: 'キーエンス', basePrice: 57_000, market: 'TSE Prime', dailyTurnoverYen: 40_000_000_000 },
  { symbol: '9432', name: 'NTT', basePrice: 150, market: 'TSE Prime', dailyTurnoverYen: 60_000_000_000 },
  { symbol: '7974', name: '任天堂', basePrice: 12_500, market: 'TSE Prime', dailyTurnoverYen: 70_000_000_000 },
  { symbol: '6501', name: '日立製作所', basePrice: 4_200, market: 'TSE Prime', dailyTurnoverYen: 60_000_000_000 },
  { symbol: '8035', name: '東京エレクトロン', basePrice: 26_000, market: 'TSE Prime', dailyTurnoverYen: 110_000_000_000 },
  { symbol: '4063', name: '信越化学工業', basePrice: 4_800, market: 'TSE Prime', dailyTurnoverYen: 30_000_000_000 },
  { symbol: '9983', name: 'ファーストリテイリング', basePrice: 52_000, market: 'TSE Prime', dailyTurnoverYen: 50_000_000_000 },
  { symbol: '7267', name: '本田技研工業', basePrice: 1_550, market: 'TSE Prime', dailyTurnoverYen: 30_000_000_000 },
  { symbol: '4502', name: '武田薬品工業', basePrice: 4_300, market: 'TSE Prime', dailyTurnoverYen: 20_000_000_000 },
  // A fictitious foreign small cap traded over the counter: a few million yen a day (the scenario's pumped share).
  { symbol: 'GLDP', name: 'Golden Dragon Pacific Holdings (US OTC)', basePrice: 95, market: 'US OTC', dailyTurnoverYen: 4_000_000 },
]);

const BY_SYMBOL = new Map(INSTRUMENTS.map((i) => [i.symbol, i]));

export function findInstrument(symbol: string): Instrument | undefined {
  return BY_SYMBOL.get(symbol);
}

export interface PriceFeed {
  /** The current price in integer yen (the clock decides what "current" is). */
  price(symbol: string): number;
}

const MINUTE = 60_000;
const TICK_MS = 5_000;

/**
 * Prices as a pure function of (seed, symbol, clock time): two slow waves and a small jitter per
 * 5-second tick, bounded to about ±7% of the base. Deterministic wherever the clock is — tests run on
 * a manual clock and a fixed seed, so an order executes at the price /instruments just showed — and
 * moving in a demo on the real clock. Processes sharing a secret quote the same price at the same time.
 */
export function createPriceFeed(options: { clock: Clock; seed: Buffer }): PriceFeed {
  const unit = (label: string): number => parseInt(hmacHex(options.seed, label).slice(0, 12), 16) / 2 ** 48;
  const shapes = new Map(
    INSTRUMENTS.map((i) => [
      i.symbol,
      {
        slow: 30 * MINUTE + unit(`${i.symbol}:slow`) * 30 * MINUTE,
        fast: 3 * MINUTE + unit(`${i.symbol}:fast`) * 4 * MINUTE,
        phaseSlow: unit(`${i.symbol}:phase-slow`) * 2 * Math.PI,
        phaseFast: unit(`${i.symbol}:phase-fast`) * 2 * Math.PI,
      },
    ]),
  );
  return {
    price(symbol) {
      const instrument = BY_SYMBOL.get(symbol);
      const shape = shapes.get(symbol);
      if (!instrument || !shape) throw new Error(`no price for unknown symbol ${symbol}`);
      const t = options.clock.now();
      const tick = Math.floor(t / TICK_MS);
      const move =
        0.045 * Math.sin((2 * Math.PI * t) / shape.slow + shape.phaseSlow) +
        0.02 * Math.sin((2 * Math.PI * t) / shape.fast + shape.phaseFast) +
        0.005 * (2 * unit(`${symbol}:tick:${tick}`) - 1);
      return Math.max(1, Math.round(instrument.basePrice * (1 + move)));
    },
  };
}
