import { createConfig } from "ponder";
import { IntuitionEventsAbi } from "./abis/IntuitionEvents";

// Everything comes from the environment, so the benchmark (chainsync-app's bench.PonderPeer) and a
// person run the same file. Required: PONDER_RPC_URL, PONDER_CHAIN_ID, PONDER_CONTRACT,
// DATABASE_URL (and --schema or DATABASE_SCHEMA on the command line).
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new Error(`${name} is required (see bench/peers/ponder/README.md)`);
  }
  return value.trim();
}

function optionalInt(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${value}`);
  return n;
}

const rpcUrl = required("PONDER_RPC_URL");
const endBlock = process.env.PONDER_END_BLOCK?.trim();

// Ponder 0.16 paces requests itself: each RPC URL is a "bucket" starting at 20 requests/s and
// growing by 5% at a time up to 500/s (maxRequestsPerSecond is deprecated and ignored). On a local
// node that throttle, not the node, would set Ponder's pace, so the same node is given as several
// URLs (distinct only by a query parameter the node ignores): PONDER_RPC_BUCKETS buckets start at
// 20 requests/s each. In-flight requests stay capped by Ponder's own concurrency (256).
const buckets = Math.max(1, optionalInt("PONDER_RPC_BUCKETS", 16));
const separator = rpcUrl.includes("?") ? "&" : "?";
const rpc =
  buckets === 1 ? rpcUrl : Array.from({ length: buckets }, (_, i) => `${rpcUrl}${separator}ponder_bucket=${i}`);

export default createConfig({
  database: {
    kind: "postgres",
    connectionString: required("DATABASE_URL"),
  },
  ordering: "multichain",
  chains: {
    target: {
      id: Number(required("PONDER_CHAIN_ID")),
      rpc,
      // A local chain makes blocks on demand: poll often so the end block is seen at once.
      pollingInterval: optionalInt("PONDER_POLLING_MS", 100),
      // Every run must read the chain, not an earlier run's cache in ponder_sync.
      disableCache: true,
    },
  },
  contracts: {
    MultiVault: {
      chain: "target",
      abi: IntuitionEventsAbi,
      address: required("PONDER_CONTRACT") as `0x${string}`,
      startBlock: optionalInt("PONDER_START_BLOCK", 0),
      endBlock: endBlock === undefined || endBlock === "" ? undefined : Number(endBlock),
    },
  },
});
