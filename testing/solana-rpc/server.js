#!/usr/bin/env node
// A Solana JSON-RPC server over LiteSVM (the Solana runtime as a library), for chainsync's tests
// and for trying chainsync by hand. See README.md in this directory.
//
// LiteSVM executes transactions for real (System, Memo, SPL Token, Token-2022, ATA programs; fees; signatures;
// the account model) but has no blocks and accepts only its own latest blockhash. This server
// adds what a cluster adds: blocks produced on a clock (or on demand), a blockhash per block with
// the 151-blockhash validity window, processed/confirmed/finalized by depth, transaction history,
// and faults a real network has (drops, errors, latency, outages, a lagging node).
"use strict";

const http = require("node:http");
const crypto = require("node:crypto");
const { LiteSVM } = require("litesvm");
const internal = require("litesvm/dist/internal.js");
const kit = require("@solana/kit");
const accounts = require("./accounts.js");

const MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
const MEMO_V1_PROGRAM = "Memo1UhkJRfHyvLMcVn5Yb7KgBT4UsmNnPoEjfJQTFaE";
/** A blockhash issued at height h is usable while the height is at most h + 150: 151 blockhashes. */
const BLOCKHASH_VALIDITY = 150;
/** Blocks on top of a transaction's block until it is finalized. */
const FINALIZATION_DEPTH = 31;
const MAX_SIGNATURES_FOR_ADDRESS = 1000;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_LARGEST_ACCOUNTS = 20;

const base58 = kit.getBase58Codec();
const txDecoder = kit.getTransactionDecoder();
const messageDecoder = kit.getCompiledTransactionMessageDecoder();

// ------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const args = { port: 8899, endpoints: 1, slotMs: 400, host: "127.0.0.1", airdrop: [], exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) fail(`${name} needs a non-negative integer, got ${value}`);
      i++;
      return n;
    };
    switch (name) {
      case "--port": args.port = int(); break;
      case "--endpoints": args.endpoints = Math.max(1, int()); break;
      case "--slot-ms": args.slotMs = int(); break;
      case "--host": args.host = value; i++; break;
      case "--airdrop": args.airdrop.push(value); i++; break;
      case "--exit-with-stdin": args.exitWithStdin = true; break;
      case "--help": case "-h":
        console.log("usage: node server.js [--port 8899] [--endpoints N] [--slot-ms 400 (0: blocks only on POST /control/advance)]"
          + " [--host 127.0.0.1] [--airdrop ADDRESS=LAMPORTS]... [--exit-with-stdin]");
        process.exit(0);
        break;
      default: fail(`unknown argument ${name} (try --help)`);
    }
  }
  return args;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

// ------------------------------------------------------------------ the chain

/** The runtime plus the cluster LiteSVM lacks: blocks, blockhashes, history, commitment by depth. */
class Chain {
  constructor() {
    // The blockhash window is enforced here; LiteSVM would accept only its single latest hash.
    this.svm = new LiteSVM().withBlockhashCheck(false).withTransactionHistory(0n);
    this.seed = crypto.randomBytes(32);
    this.height = 0;
    this.blockhashes = new Map(); // base58 blockhash -> height it was issued at
    this.issueBlockhash(0);
    this.genesisHash = this.blockhashAt(0);
    this.bySignature = new Map(); // signature -> landed record
    this.byAddress = new Map(); // address -> records, oldest first
    this.landed = 0;
    this.accounts = new accounts.AccountHistory(this.svm);
  }

  blockhashAt(h) {
    const digest = crypto.createHash("sha256").update(this.seed).update(String(h)).digest();
    return base58.decode(digest);
  }

  issueBlockhash(h) {
    this.blockhashes.set(this.blockhashAt(h), h);
    this.blockhashes.delete(this.blockhashAt(h - BLOCKHASH_VALIDITY - 1));
  }

  advance(blocks) {
    for (let i = 0; i < blocks; i++) {
      this.height++;
      this.issueBlockhash(this.height);
    }
    const clock = this.svm.getClock();
    clock.slot = BigInt(this.height);
    clock.unixTimestamp = BigInt(Math.floor(Date.now() / 1000));
    this.svm.setClock(clock);
  }

  /** Height seen at a commitment by an endpoint whose view is {@code lag} blocks behind. */
  heightAt(commitment, lag) {
    const tip = Math.max(0, this.height - lag);
    if (commitment === "processed") return tip;
    if (commitment === "finalized") return Math.max(0, tip - FINALIZATION_DEPTH);
    return Math.max(0, tip - 1);
  }

  blockhashValid(hash) {
    const issued = this.blockhashes.get(hash);
    return issued !== undefined && this.height <= issued + BLOCKHASH_VALIDITY;
  }

  /** Commitment of a record seen from a view at processed height {@code tip}, or null if not visible. */
  commitmentOf(record, tip) {
    if (record.slot > tip) return null;
    if (tip >= record.slot + FINALIZATION_DEPTH) return "finalized";
    if (tip >= record.slot + 1) return "confirmed";
    return "processed";
  }

  record(signature, accountKeys, instructions, memos, err, fee, logs, blockhash, header, tokenBalances) {
    const r = {
      signature, slot: this.height + 1, blockTime: Math.floor(Date.now() / 1000), accountKeys,
      instructions, memos, err, fee, logs, blockhash, header, seq: this.landed++,
      tokenBalances: tokenBalances || { pre: [], post: [] },
    };
    this.bySignature.set(signature, r);
    for (const key of new Set(accountKeys)) {
      if (!this.byAddress.has(key)) this.byAddress.set(key, []);
      this.byAddress.get(key).push(r);
    }
    return r;
  }
}

// ------------------------------------------------------------------ transactions

class RpcError extends Error {
  constructor(code, message, data) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

function decodeTransaction(encoded, encoding) {
  let bytes;
  try {
    bytes = encoding === "base58" ? base58.encode(encoded) : Buffer.from(encoded, "base64");
  } catch (e) {
    throw new RpcError(-32602, `invalid transaction: failed to decode ${encoding} string`);
  }
  if (bytes.length > 1232) {
    throw new RpcError(-32602, `invalid transaction: encoded transaction too large: ${bytes.length} bytes (max: 1232 bytes)`);
  }
  try {
    const tx = txDecoder.decode(bytes);
    const message = messageDecoder.decode(tx.messageBytes);
    const signatures = Object.values(tx.signatures);
    if (signatures.length === 0 || signatures[0] === null) throw new Error("unsigned");
    return { tx, message, signature: base58.decode(signatures[0]) };
  } catch (e) {
    throw new RpcError(-32602, "invalid transaction: failed to deserialize transaction");
  }
}

function verifySignatures(decoded) {
  const { tx, message } = decoded;
  const signers = message.staticAccounts.slice(0, message.header.numSignerAccounts);
  for (const signer of signers) {
    const sig = tx.signatures[signer];
    if (!sig) return false;
    const key = crypto.createPublicKey({
      key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(base58.encode(signer))]),
      format: "der", type: "spki",
    });
    if (!crypto.verify(null, Buffer.from(tx.messageBytes), key, Buffer.from(sig))) return false;
  }
  return true;
}

function instructionsOf(message) {
  return (message.instructions || []).map((ix) => ({
    programIdIndex: ix.programAddressIndex,
    accounts: ix.accountIndices || [],
    data: ix.data ? new Uint8Array(ix.data) : new Uint8Array(),
  }));
}

function memosOf(message) {
  const memos = [];
  for (const ix of instructionsOf(message)) {
    const program = message.staticAccounts[ix.programIdIndex];
    if (program === MEMO_PROGRAM || program === MEMO_V1_PROGRAM) memos.push(Buffer.from(ix.data).toString("utf8"));
  }
  return memos;
}

// LiteSVM's error enums are TypeScript const enums (numbers at run time); their names, in order.
const TRANSACTION_ERRORS = [
  "AccountInUse",
  "AccountLoadedTwice",
  "AccountNotFound",
  "ProgramAccountNotFound",
  "InsufficientFundsForFee",
  "InvalidAccountForFee",
  "AlreadyProcessed",
  "BlockhashNotFound",
  "CallChainTooDeep",
  "MissingSignatureForFee",
  "InvalidAccountIndex",
  "SignatureFailure",
  "InvalidProgramForExecution",
  "SanitizeFailure",
  "ClusterMaintenance",
  "AccountBorrowOutstanding",
  "WouldExceedMaxBlockCostLimit",
  "UnsupportedVersion",
  "InvalidWritableAccount",
  "WouldExceedMaxAccountCostLimit",
  "WouldExceedAccountDataBlockLimit",
  "TooManyAccountLocks",
  "AddressLookupTableNotFound",
  "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData",
  "InvalidAddressLookupTableIndex",
  "InvalidRentPayingAccount",
  "WouldExceedMaxVoteCostLimit",
  "WouldExceedAccountDataTotalLimit",
  "MaxLoadedAccountsDataSizeExceeded",
  "ResanitizationNeeded",
  "InvalidLoadedAccountsDataSizeLimit",
  "UnbalancedTransaction",
  "ProgramCacheHitMaxLimit",
  "CommitCancelled",
];
const INSTRUCTION_ERRORS = [
  "GenericError",
  "InvalidArgument",
  "InvalidInstructionData",
  "InvalidAccountData",
  "AccountDataTooSmall",
  "InsufficientFunds",
  "IncorrectProgramId",
  "MissingRequiredSignature",
  "AccountAlreadyInitialized",
  "UninitializedAccount",
  "UnbalancedInstruction",
  "ModifiedProgramId",
  "ExternalAccountLamportSpend",
  "ExternalAccountDataModified",
  "ReadonlyLamportChange",
  "ReadonlyDataModified",
  "DuplicateAccountIndex",
  "ExecutableModified",
  "RentEpochModified",
  "NotEnoughAccountKeys",
  "AccountDataSizeChanged",
  "AccountNotExecutable",
  "AccountBorrowFailed",
  "AccountBorrowOutstanding",
  "DuplicateAccountOutOfSync",
  "InvalidError",
  "ExecutableDataModified",
  "ExecutableLamportChange",
  "ExecutableAccountNotRentExempt",
  "UnsupportedProgramId",
  "CallDepth",
  "MissingAccount",
  "ReentrancyNotAllowed",
  "MaxSeedLengthExceeded",
  "InvalidSeeds",
  "InvalidRealloc",
  "ComputationalBudgetExceeded",
  "PrivilegeEscalation",
  "ProgramEnvironmentSetupFailure",
  "ProgramFailedToComplete",
  "ProgramFailedToCompile",
  "Immutable",
  "IncorrectAuthority",
  "AccountNotRentExempt",
  "InvalidAccountOwner",
  "ArithmeticOverflow",
  "UnsupportedSysvar",
  "IllegalOwner",
  "MaxAccountsDataAllocationsExceeded",
  "MaxAccountsExceeded",
  "MaxInstructionTraceLengthExceeded",
  "BuiltinProgramsMustConsumeComputeUnits",
  "BorshIoError",
];

const TX_ERROR_MESSAGES = {
  AccountNotFound: "Attempt to debit an account but found no record of a prior credit.",
  InsufficientFundsForFee: "Insufficient funds for fee",
  BlockhashNotFound: "Blockhash not found",
  AlreadyProcessed: "This transaction has already been processed",
  SignatureFailure: "Transaction did not pass signature verification",
};

/** LiteSVM's error values in the JSON shape Solana's RPC uses (TransactionError as serde writes it). */
function errorJson(err) {
  if (typeof err === "number") return TRANSACTION_ERRORS[err] || `TransactionError${err}`;
  if (err instanceof internal.TransactionErrorInstructionError) {
    const inner = err.err();
    let detail;
    if (typeof inner === "number") detail = INSTRUCTION_ERRORS[inner] || `InstructionError${inner}`;
    else if (inner instanceof internal.InstructionErrorCustom) detail = { Custom: inner.code };
    else detail = { BorshIoError: String(inner) };
    return { InstructionError: [err.index, detail] };
  }
  if (err instanceof internal.TransactionErrorDuplicateInstruction) return { DuplicateInstruction: err.index };
  if (err instanceof internal.TransactionErrorInsufficientFundsForRent) {
    return { InsufficientFundsForRent: { account_index: err.accountIndex } };
  }
  return String(err);
}

function errorMessage(err) {
  if (typeof err === "string") return TX_ERROR_MESSAGES[err] || err;
  if (err && err.InstructionError) {
    const [index, detail] = err.InstructionError;
    const what = detail && detail.Custom !== undefined ? `custom program error: 0x${detail.Custom.toString(16)}` : JSON.stringify(detail);
    return `Error processing Instruction ${index}: ${what}`;
  }
  return JSON.stringify(err);
}

function preflightFailure(err, logs) {
  return new RpcError(-32002, `Transaction simulation failed: ${errorMessage(err)}`, {
    err, logs: logs || [], accounts: null, unitsConsumed: 0, returnData: null, innerInstructions: null,
  });
}

// ------------------------------------------------------------------ endpoints and faults

/** One RPC endpoint (a port) over the shared chain, with its own faults and lag. */
class Endpoint {
  constructor(index) {
    this.index = index;
    this.port = 0;
    this.faults = Endpoint.noFaults();
  }

  static noFaults() {
    return { dropNext: 0, dropRate: 0, failNext: 0, failRate: 0, errorRate: 0, latencyMs: 0, outage: false, lag: 0 };
  }
}

function chance(rate) {
  return rate > 0 && Math.random() < rate;
}

// ------------------------------------------------------------------ JSON-RPC methods

function commitmentOf(config) {
  const c = (config && config.commitment) || "finalized";
  if (!["processed", "confirmed", "finalized"].includes(c)) throw new RpcError(-32602, `Invalid params: unknown commitment ${c}`);
  return c;
}

function context(chain, endpoint, commitment) {
  return { apiVersion: "2.2.0", slot: chain.heightAt(commitment, endpoint.faults.lag) };
}

function methods(chain, endpoint) {
  const f = endpoint.faults;
  const tip = () => chain.heightAt("processed", f.lag);
  return {
    getHealth: () => "ok",
    getVersion: () => ({ "solana-core": "2.2.0-litesvm", "feature-set": 0 }),
    getGenesisHash: () => chain.genesisHash,
    getSlot: ([config] = []) => chain.heightAt(commitmentOf(config), f.lag),
    getBlockHeight: ([config] = []) => chain.heightAt(commitmentOf(config), f.lag),
    getLatestBlockhash: ([config] = []) => {
      const c = commitmentOf(config);
      const h = chain.heightAt(c, f.lag);
      return { context: context(chain, endpoint, c), value: { blockhash: chain.blockhashAt(h), lastValidBlockHeight: h + BLOCKHASH_VALIDITY } };
    },
    isBlockhashValid: ([hash, config] = []) => ({ context: context(chain, endpoint, commitmentOf(config)), value: chain.blockhashValid(hash) }),
    getBalance: ([address, config] = []) => {
      const c = commitmentOf(config);
      const account = chain.accounts.at(pubkey(address), chain.heightAt(c, f.lag));
      return { context: context(chain, endpoint, c), value: account ? Number(account.lamports) : 0 };
    },
    ...accountMethods(chain, endpoint),
    getMinimumBalanceForRentExemption: ([size]) => Number(chain.svm.minimumBalanceForRentExemption(BigInt(size || 0))),
    requestAirdrop: ([address, lamports]) => {
      const result = chain.svm.airdrop(kit.address(address), BigInt(lamports));
      if (!result || result instanceof internal.FailedTransactionMetadata) throw new RpcError(-32603, "airdrop failed");
      const signature = base58.decode(result.signature());
      chain.accounts.credit(address, BigInt(lamports)); // visible at once, at every commitment, as before
      chain.record(signature, [address], [], [], null, 0, [], chain.blockhashAt(chain.height), null).airdrop = true;
      return signature;
    },
    sendTransaction: ([encoded, config = {}]) => sendTransaction(chain, endpoint, encoded, config),
    simulateTransaction: ([encoded, config = {}]) => {
      const decoded = decodeTransaction(encoded, config.encoding || "base58");
      const result = chain.svm.simulateTransaction(decoded.tx);
      const failed = result instanceof internal.FailedTransactionMetadata;
      const meta = result.meta();
      return {
        context: context(chain, endpoint, commitmentOf(config)),
        value: { err: failed ? errorJson(result.err()) : null, logs: meta.logs(), accounts: null,
          unitsConsumed: Number(meta.computeUnitsConsumed()), returnData: null },
      };
    },
    getSignatureStatuses: ([signatures, config = {}]) => {
      if (!Array.isArray(signatures) || signatures.length > MAX_SIGNATURE_STATUSES) {
        throw new RpcError(-32602, `Invalid params: too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
      }
      const value = signatures.map((s) => {
        const r = chain.bySignature.get(s);
        const status = r && chain.commitmentOf(r, tip());
        if (!status) return null;
        const confirmations = status === "finalized" ? null : tip() - r.slot;
        return { slot: r.slot, confirmations, err: r.err, status: r.err ? { Err: r.err } : { Ok: null }, confirmationStatus: status };
      });
      return { context: context(chain, endpoint, "processed"), value };
    },
    getTransaction: ([signature, config = {}]) => {
      const c = commitmentOf(config);
      if (c === "processed") throw new RpcError(-32602, "Invalid params: Method does not support commitment below `confirmed`");
      const r = chain.bySignature.get(signature);
      if (!r || !atLeast(chain.commitmentOf(r, tip()), c)) return null;
      return transactionJson(r);
    },
    getSignaturesForAddress: ([address, config = {}]) => {
      const c = commitmentOf(config);
      if (c === "processed") throw new RpcError(-32602, "Invalid params: Method does not support commitment below `confirmed`");
      const limit = config.limit === undefined ? MAX_SIGNATURES_FOR_ADDRESS : config.limit;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SIGNATURES_FOR_ADDRESS) {
        throw new RpcError(-32602, "Invalid limit; max 1000");
      }
      const all = chain.byAddress.get(address) || [];
      const out = [];
      let started = config.before === undefined || config.before === null;
      for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
        const r = all[i];
        if (!started) { started = r.signature === config.before; continue; }
        if (config.until && r.signature === config.until) break;
        const status = chain.commitmentOf(r, tip());
        if (!atLeast(status, c)) continue;
        out.push({
          signature: r.signature, slot: r.slot, err: r.err, blockTime: r.blockTime, confirmationStatus: status,
          memo: r.memos.length === 0 ? null : r.memos.map((m) => `[${Buffer.byteLength(m)}] ${m}`).join("; "),
        });
      }
      return out;
    },
  };
}

/** An address parameter, checked as Solana checks it. */
function pubkey(address) {
  try {
    return kit.address(address);
  } catch (e) {
    throw new RpcError(-32602, "Invalid param: Invalid");
  }
}

const ENCODINGS = ["binary", "base58", "base64", "jsonParsed"];

/** Account and token reads, each at the commitment asked, as seen by this endpoint (its lag included). */
function accountMethods(chain, endpoint) {
  const view = (config) => {
    const c = commitmentOf(config);
    const tip = chain.heightAt(c, endpoint.faults.lag);
    if (Number.isInteger(config.minContextSlot) && config.minContextSlot > tip) {
      throw new RpcError(-32016, "Minimum context slot has not been reached", { contextSlot: tip });
    }
    const at = (address) => chain.accounts.at(pubkey(address), tip);
    const token = (address) => accounts.parseToken(at(address));
    const decimalsOf = (mint) => {
      const m = token(mint);
      return m && m.type === "mint" ? m.decimals : 0;
    };
    const encode = (account) => {
      const encoding = config.encoding || "binary";
      if (!ENCODINGS.includes(encoding)) throw new RpcError(-32602, `Invalid params: unknown encoding ${encoding}`);
      if (encoding === "binary" && account && account.data.length > 128) {
        throw new RpcError(-32600, "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.");
      }
      return accounts.accountJson(account, encoding, config.dataSlice, decimalsOf);
    };
    return { context: context(chain, endpoint, c), tip, at, token, decimalsOf, encode };
  };
  const mintOf = (v, mint) => {
    const m = v.token(mint);
    if (!m || m.type !== "mint") throw new RpcError(-32602, "Invalid param: not a Token mint");
    return m;
  };
  return {
    getAccountInfo: ([address, config = {}]) => {
      const v = view(config);
      return { context: v.context, value: v.encode(v.at(address)) };
    },
    getMultipleAccounts: ([addresses, config = {}]) => {
      if (!Array.isArray(addresses) || addresses.length > MAX_MULTIPLE_ACCOUNTS) {
        throw new RpcError(-32602, `Invalid params: too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
      }
      const v = view(config);
      return { context: v.context, value: addresses.map((a) => v.encode(v.at(a))) };
    },
    getTokenAccountBalance: ([address, config = {}]) => {
      const v = view(config);
      const t = v.token(address);
      if (!t || t.type !== "account") throw new RpcError(-32602, "Invalid param: not a Token account");
      return { context: v.context, value: accounts.uiTokenAmount(t.amount, v.decimalsOf(t.mint)) };
    },
    getTokenSupply: ([mint, config = {}]) => {
      const v = view(config);
      const m = mintOf(v, mint);
      return { context: v.context, value: accounts.uiTokenAmount(m.supply, m.decimals) };
    },
    getTokenLargestAccounts: ([mint, config = {}]) => {
      const v = view(config);
      const m = mintOf(v, mint);
      const held = [];
      for (const address of chain.accounts.tokenAccountsOfMint(mint)) {
        const t = v.token(address);
        if (t && t.type === "account" && t.mint === mint) held.push({ address, amount: t.amount });
      }
      held.sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1));
      const value = held.slice(0, MAX_LARGEST_ACCOUNTS)
        .map((h) => ({ address: h.address, ...accounts.uiTokenAmount(h.amount, m.decimals) }));
      return { context: v.context, value };
    },
    getTokenAccountsByOwner: ([owner, filter = {}, config = {}]) => {
      const v = view(config);
      pubkey(owner);
      let match;
      if (filter.mint !== undefined) {
        const m = v.token(filter.mint);
        if (!m || m.type !== "mint") throw new RpcError(-32602, "Invalid param: could not find mint");
        match = (t) => t.mint === filter.mint;
      } else if (filter.programId !== undefined) {
        if (!accounts.isTokenProgram(filter.programId)) throw new RpcError(-32602, "Invalid param: unrecognized Token program id");
        match = (t) => t.program === filter.programId;
      } else {
        throw new RpcError(-32602, "Invalid params: a filter of mint or programId is required");
      }
      const value = [];
      for (const address of chain.accounts.tokenAccountsOfOwner(owner)) {
        const account = v.at(address);
        const t = accounts.parseToken(account);
        if (t && t.type === "account" && t.owner === owner && match(t)) value.push({ pubkey: address, account: v.encode(account) });
      }
      return { context: v.context, value };
    },
  };
}

const RANK = { processed: 0, confirmed: 1, finalized: 2 };
function atLeast(status, commitment) {
  return status !== null && status !== undefined && RANK[status] >= RANK[commitment];
}

function transactionJson(r) {
  return {
    slot: r.slot,
    blockTime: r.blockTime,
    version: "legacy",
    meta: {
      err: r.err, status: r.err ? { Err: r.err } : { Ok: null }, fee: r.fee, logMessages: r.logs,
      preBalances: [], postBalances: [], innerInstructions: [],
      preTokenBalances: r.tokenBalances.pre, postTokenBalances: r.tokenBalances.post, rewards: [],
    },
    transaction: {
      signatures: [r.signature],
      message: {
        accountKeys: r.accountKeys,
        header: r.header,
        recentBlockhash: r.blockhash,
        instructions: r.instructions.map((ix) => ({ programIdIndex: ix.programIdIndex, accounts: ix.accounts, data: base58.decode(ix.data) })),
      },
    },
  };
}

function sendTransaction(chain, endpoint, encoded, config) {
  const f = endpoint.faults;
  const decoded = decodeTransaction(encoded, config.encoding || "base58");
  const { message, signature } = decoded;
  if (!verifySignatures(decoded)) throw new RpcError(-32003, "Transaction signature verification failure");
  const known = chain.bySignature.get(signature);
  if (known) {
    if (config.skipPreflight) return signature;
    throw preflightFailure("AlreadyProcessed");
  }
  if (!chain.blockhashValid(message.lifetimeToken)) {
    if (config.skipPreflight) return signature; // the cluster drops it silently
    throw preflightFailure("BlockhashNotFound");
  }
  if (!config.skipPreflight) {
    const sim = chain.svm.simulateTransaction(decoded.tx);
    if (sim instanceof internal.FailedTransactionMetadata) throw preflightFailure(errorJson(sim.err()), sim.meta().logs());
  }
  if (f.dropNext > 0 || chance(f.dropRate)) {
    if (f.dropNext > 0) f.dropNext--;
    return signature; // accepted, then lost: it never lands
  }
  const instructions = instructionsOf(message);
  const memos = memosOf(message);
  const header = {
    numRequiredSignatures: message.header.numSignerAccounts,
    numReadonlySignedAccounts: message.header.numReadonlySignerAccounts,
    numReadonlyUnsignedAccounts: message.header.numReadonlyNonSignerAccounts,
  };
  if (f.failNext > 0 || chance(f.failRate)) {
    // A failure at execution that preflight did not see (state changed in between): the fee is
    // charged on a real cluster; here the transaction is recorded as failed without executing.
    if (f.failNext > 0) f.failNext--;
    const err = { InstructionError: [0, { Custom: 1 }] };
    chain.record(signature, message.staticAccounts, instructions, memos, err, 5000, [], message.lifetimeToken, header);
    return signature;
  }
  const writable = writableKeys(message);
  const pre = chain.accounts.before(writable);
  const result = chain.svm.sendTransaction(decoded.tx);
  const failed = result instanceof internal.FailedTransactionMetadata;
  const meta = failed ? result.meta() : result;
  const err = failed ? errorJson(result.err()) : null;
  if (failed && (err === "AccountNotFound" || err === "InsufficientFundsForFee" || err === "BlockhashNotFound")) {
    // Transactions that cannot pay their fee never land on a real cluster.
    return signature;
  }
  const post = chain.accounts.after(writable, pre, chain.height + 1, chain.height);
  const balances = tokenBalances(chain, message.staticAccounts, pre, post);
  chain.record(signature, message.staticAccounts, instructions, memos, err, 5000, meta.logs(), message.lifetimeToken, header, balances);
  return signature;
}

/** The accounts a legacy message may write, from its header (writable signers, then writable non-signers). */
function writableKeys(message) {
  const keys = message.staticAccounts;
  const h = message.header;
  const signers = h.numSignerAccounts;
  return keys.filter((k, i) => (i < signers
    ? i < signers - h.numReadonlySignerAccounts
    : i < keys.length - h.numReadonlyNonSignerAccounts));
}

/** getTransaction's preTokenBalances and postTokenBalances, for the token accounts the transaction wrote. */
function tokenBalances(chain, keys, pre, post) {
  const out = { pre: [], post: [] };
  const decimals = (mint) => {
    const m = accounts.parseToken(chain.accounts.current(mint));
    return m && m.type === "mint" ? m.decimals : 0;
  };
  keys.forEach((address, index) => {
    for (const [when, states] of [["pre", pre], ["post", post]]) {
      const token = states.has(address) ? accounts.parseToken(states.get(address)) : null;
      if (token && token.type === "account") out[when].push(accounts.tokenBalance(index, token, decimals(token.mint)));
    }
  });
  return out;
}

// ------------------------------------------------------------------ HTTP

async function handleRpc(chain, endpoint, request) {
  const m = methods(chain, endpoint);
  const one = async (call) => {
    const id = call && call.id !== undefined ? call.id : null;
    if (!call || call.jsonrpc !== "2.0" || typeof call.method !== "string") {
      return { jsonrpc: "2.0", error: { code: -32600, message: "Invalid request" }, id };
    }
    const fn = m[call.method];
    if (!fn) return { jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id };
    if (chance(endpoint.faults.errorRate)) {
      return { jsonrpc: "2.0", error: { code: -32005, message: "Node is unhealthy (injected fault)" }, id };
    }
    try {
      return { jsonrpc: "2.0", result: fn(call.params || []), id };
    } catch (e) {
      if (e instanceof RpcError) {
        const error = { code: e.code, message: e.message };
        if (e.data !== undefined) error.data = e.data;
        return { jsonrpc: "2.0", error, id };
      }
      return { jsonrpc: "2.0", error: { code: -32603, message: `Internal error: ${e.message}` }, id };
    }
  };
  if (Array.isArray(request)) return Promise.all(request.map(one));
  return one(request);
}

function control(chain, endpoints, url, body) {
  if (url === "/control/advance") {
    chain.advance(Number.isInteger(body.slots) ? body.slots : 1);
    return { height: chain.height };
  }
  if (url === "/control/faults") {
    const target = endpoints[body.endpoint || 0];
    if (!target) throw new Error(`no endpoint ${body.endpoint}`);
    if (body.reset) target.faults = Endpoint.noFaults();
    for (const key of Object.keys(Endpoint.noFaults())) {
      if (body[key] !== undefined) target.faults[key] = body[key];
    }
    return target.faults;
  }
  if (url === "/control/state") {
    return { height: chain.height, landed: chain.landed, endpoints: endpoints.map((e) => ({ port: e.port, faults: e.faults })) };
  }
  if (url === "/control/landed") {
    // Transactions sent by clients (airdrops left out), failed ones included, oldest first.
    const sent = [...chain.bySignature.values()].filter((r) => !r.airdrop).sort((a, b) => a.seq - b.seq);
    return { count: sent.length, memos: sent.flatMap((r) => r.memos) };
  }
  if (url === "/control/memo-count") {
    let count = 0;
    for (const r of chain.bySignature.values()) if (!r.err && r.memos.includes(body.memo)) count++;
    return { count };
  }
  throw new Error(`unknown control call ${url}`);
}

function serve(chain, endpoints, endpoint, host, port) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on("end", async () => {
      const reply = (status, value) => {
        res.writeHead(status, { "content-type": "application/json" });
        // rentEpoch is u64::MAX for rent-exempt accounts, beyond a JavaScript number: written as a literal.
        res.end(JSON.stringify(value).replaceAll(`"${accounts.U64_MAX}"`, "18446744073709551615"));
      };
      let body;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      } catch (e) {
        return reply(200, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
      }
      if (req.url.startsWith("/control/")) {
        try {
          return reply(200, control(chain, endpoints, req.url, body));
        } catch (e) {
          return reply(400, { error: e.message });
        }
      }
      const f = endpoint.faults;
      if (f.outage) return req.socket.destroy(); // connection reset: the node is gone
      if (req.method === "GET" && req.url === "/health") {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("ok");
      }
      if (req.method !== "POST") return reply(405, { error: "POST JSON-RPC requests" });
      if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
      reply(200, await handleRpc(chain, endpoint, body));
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => {
    endpoint.port = server.address().port;
    resolve(server);
  }));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const chain = new Chain();
  for (const spec of args.airdrop) {
    const [address, lamports] = spec.split("=");
    chain.svm.airdrop(kit.address(address), BigInt(lamports || 10_000_000_000));
  }
  const endpoints = [];
  for (let i = 0; i < args.endpoints; i++) {
    const endpoint = new Endpoint(i);
    endpoints.push(endpoint);
    await serve(chain, endpoints, endpoint, args.host, i === 0 || args.port === 0 ? args.port : args.port + i);
  }
  if (args.slotMs > 0) setInterval(() => chain.advance(1), args.slotMs).unref();
  // One line a starter can parse: the ports, in endpoint order.
  console.log(JSON.stringify({ ready: true, ports: endpoints.map((e) => e.port), genesisHash: chain.genesisHash }));
  if (args.exitWithStdin) {
    // Exit with the parent (the tests start this server as a child process and hold its stdin).
    process.stdin.on("end", () => process.exit(0));
    process.stdin.resume();
  }
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
