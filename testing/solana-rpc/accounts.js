// Accounts as Solana's RPC shows them: what each commitment level sees (account history by slot),
// the binary encodings, and the `jsonParsed` form of SPL Token and Token-2022 mints and token
// accounts (the layouts of spl-token / spl-token-2022 and the names Solana's account decoder uses).
"use strict";

const kit = require("@solana/kit");

const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const MINT_LEN = 82;
const ACCOUNT_LEN = 165;
/** Token-2022: the byte after the base state (padded to an account's length) says mint (1) or account (2). */
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;
/** Token-2022 extension types (spl_token_2022::extension::ExtensionType) this server can show. */
const EXTENSIONS = {
  3: "mintCloseAuthority",
  7: "immutableOwner",
  9: "nonTransferable",
  12: "permanentDelegate",
  13: "nonTransferableAccount",
  18: "metadataPointer",
  19: "tokenMetadata",
};
/** Blocks of account history kept beyond the tip (covers finalization and lagging endpoints). */
const HISTORY_BLOCKS = 1000;
/** rentEpoch of a rent-exempt account, u64::MAX: written into the JSON text as a literal (see server.js). */
const U64_MAX = "__u64max__";

const base58 = kit.getBase58Codec();

/** What LiteSVM holds for {@code address} now, as a plain snapshot, or null when it does not exist. */
function snapshot(svm, address) {
  const a = svm.getAccount(kit.address(address));
  if (!a.exists) return null;
  return { lamports: BigInt(a.lamports), owner: a.programAddress, executable: a.executable, data: Buffer.from(a.data) };
}

/**
 * Account states by slot. A transaction accepted at height H lands in block H + 1, but LiteSVM
 * executes it at once: its writes are recorded here with slot H + 1, so a read at a commitment
 * sees the state of the newest block that commitment reaches (accounts never written through this
 * server are read from LiteSVM as they are).
 */
class AccountHistory {
  constructor(svm) {
    this.svm = svm;
    this.versions = new Map(); // address -> [{slot, account}], oldest first; the first has slot -1
    this.byMint = new Map(); // mint -> Set of token account addresses ever seen
    this.byOwner = new Map(); // owner -> Set of token account addresses ever seen
  }

  /** Snapshots of {@code addresses} before a transaction writes them (kept only for accounts without history). */
  before(addresses) {
    const pre = new Map();
    for (const address of addresses) pre.set(address, this.current(address));
    return pre;
  }

  /** Records what {@code addresses} hold after a transaction that lands in {@code slot}; returns the snapshots. */
  after(addresses, pre, slot, tipHeight) {
    const post = new Map();
    for (const address of addresses) {
      const account = snapshot(this.svm, address);
      post.set(address, account);
      let versions = this.versions.get(address);
      if (!versions) {
        versions = [{ slot: -1, account: pre.get(address) }];
        this.versions.set(address, versions);
      }
      versions.push({ slot, account });
      while (versions.length > 1 && versions[1].slot <= tipHeight - HISTORY_BLOCKS) versions.shift();
      this.index(address, account);
    }
    return post;
  }

  /**
   * Adds an airdrop's lamports to every recorded state of {@code address}: the server shows an
   * airdrop at once, at every commitment (accounts without history are read from LiteSVM anyway).
   */
  credit(address, lamports) {
    for (const v of this.versions.get(address) || []) {
      if (v.account) v.account = { ...v.account, lamports: v.account.lamports + lamports };
      else v.account = { lamports, owner: SYSTEM_PROGRAM, executable: false, data: Buffer.alloc(0) };
    }
  }

  /** The newest state of {@code address} (what the next transaction executes against). */
  current(address) {
    const versions = this.versions.get(address);
    return versions ? versions[versions.length - 1].account : snapshot(this.svm, address);
  }

  /** The state of {@code address} in the newest block at or below {@code tip}. */
  at(address, tip) {
    const versions = this.versions.get(address);
    if (!versions) return snapshot(this.svm, address);
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i].slot <= tip) return versions[i].account;
    }
    return versions[0].account;
  }

  index(address, account) {
    const token = parseToken(account);
    if (!token || token.type !== "account") return;
    add(this.byMint, token.mint, address);
    add(this.byOwner, token.owner, address);
  }

  /** Token accounts that ever held {@code mint} (filter them by their state at a slot). */
  tokenAccountsOfMint(mint) {
    return [...(this.byMint.get(mint) || [])];
  }

  /** Token accounts that {@code owner} ever owned. */
  tokenAccountsOfOwner(owner) {
    return [...(this.byOwner.get(owner) || [])];
  }
}

function add(map, key, value) {
  if (!map.has(key)) map.set(key, new Set());
  map.get(key).add(value);
}

// ------------------------------------------------------------------ token layouts

function isTokenProgram(owner) {
  return owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM;
}

function key(data, offset) {
  return base58.decode(data.subarray(offset, offset + 32));
}

/** A COption<Pubkey> as spl-token packs it: a 4-byte tag, then 32 bytes. */
function optionalKey(data, offset) {
  return data.readUInt32LE(offset) === 1 ? key(data, offset + 4) : null;
}

/** An OptionalNonZeroPubkey (Token-2022 extensions): all zeros means none. */
function nonZeroKey(data, offset) {
  return data.subarray(offset, offset + 32).every((b) => b === 0) ? null : key(data, offset);
}

/**
 * A mint or token account of either token program, decoded ({@code type} "mint" or "account"),
 * or null when {@code account} is neither (or not initialized).
 */
function parseToken(account) {
  if (!account || !isTokenProgram(account.owner)) return null;
  const data = account.data;
  let type = null;
  if (data.length === MINT_LEN) type = "mint";
  else if (data.length === ACCOUNT_LEN) type = "account";
  else if (account.owner === TOKEN_2022_PROGRAM && data.length > ACCOUNT_LEN) {
    type = data[ACCOUNT_LEN] === ACCOUNT_TYPE_MINT ? "mint" : data[ACCOUNT_LEN] === ACCOUNT_TYPE_ACCOUNT ? "account" : null;
  }
  if (type === "mint") {
    if (data[45] !== 1) return null;
    return {
      type, program: account.owner,
      mintAuthority: optionalKey(data, 0), supply: data.readBigUInt64LE(36), decimals: data[44],
      freezeAuthority: optionalKey(data, 46), extensions: extensions(account, data),
    };
  }
  if (type === "account") {
    const state = data[108];
    if (state === 0) return null;
    return {
      type, program: account.owner,
      mint: key(data, 0), owner: key(data, 32), amount: data.readBigUInt64LE(64),
      delegate: optionalKey(data, 72), state: state === 2 ? "frozen" : "initialized",
      isNative: data.readUInt32LE(109) === 1, delegatedAmount: data.readBigUInt64LE(121),
      closeAuthority: optionalKey(data, 129), extensions: extensions(account, data),
    };
  }
  return null;
}

/** Token-2022's TLV extensions after the account-type byte: u16 type, u16 length, value. */
function extensions(account, data) {
  const out = [];
  if (account.owner !== TOKEN_2022_PROGRAM || data.length <= ACCOUNT_LEN + 1) return out;
  let at = ACCOUNT_LEN + 1;
  while (at + 4 <= data.length) {
    const type = data.readUInt16LE(at);
    const length = data.readUInt16LE(at + 2);
    if (type === 0) break; // uninitialized: the rest is padding
    const value = data.subarray(at + 4, at + 4 + length);
    out.push(extension(type, value));
    at += 4 + length;
  }
  return out;
}

function extension(type, value) {
  const name = EXTENSIONS[type];
  switch (name) {
    case "mintCloseAuthority": return { extension: name, state: { closeAuthority: nonZeroKey(value, 0) } };
    case "permanentDelegate": return { extension: name, state: { delegate: nonZeroKey(value, 0) } };
    case "metadataPointer":
      return { extension: name, state: { authority: nonZeroKey(value, 0), metadataAddress: nonZeroKey(value, 32) } };
    case "tokenMetadata": return { extension: name, state: tokenMetadata(value) };
    case undefined: return { extension: "unparseableExtension" };
    default: return { extension: name };
  }
}

/** spl-token-metadata-interface's TokenMetadata, Borsh: two keys, three strings, a vector of string pairs. */
function tokenMetadata(value) {
  let at = 64;
  const string = () => {
    const n = value.readUInt32LE(at);
    const s = value.subarray(at + 4, at + 4 + n).toString("utf8");
    at += 4 + n;
    return s;
  };
  const updateAuthority = nonZeroKey(value, 0);
  const mint = key(value, 32);
  const name = string();
  const symbol = string();
  const uri = string();
  const additionalMetadata = [];
  const count = value.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < count; i++) additionalMetadata.push([string(), string()]);
  return { updateAuthority, mint, name, symbol, uri, additionalMetadata };
}

/** Solana's UiTokenAmount: the raw amount as a string, and its decimal forms. */
function uiTokenAmount(amount, decimals) {
  const digits = amount.toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  const uiAmountString = fraction ? `${whole}.${fraction}` : whole;
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

function programName(program) {
  return program === TOKEN_2022_PROGRAM ? "spl-token-2022" : "spl-token";
}

/** The `parsed` object of a token account or mint (decimals of an account come from its mint). */
function parsedToken(token, decimalsOf) {
  if (token.type === "mint") {
    const info = {
      decimals: token.decimals, freezeAuthority: token.freezeAuthority, isInitialized: true,
      mintAuthority: token.mintAuthority, supply: token.supply.toString(),
    };
    if (token.extensions.length) info.extensions = token.extensions;
    return { type: "mint", info };
  }
  const info = {
    isNative: token.isNative, mint: token.mint, owner: token.owner, state: token.state,
    tokenAmount: uiTokenAmount(token.amount, decimalsOf(token.mint)),
  };
  if (token.delegate) {
    info.delegate = token.delegate;
    info.delegatedAmount = uiTokenAmount(token.delegatedAmount, decimalsOf(token.mint));
  }
  if (token.closeAuthority) info.closeAuthority = token.closeAuthority;
  if (token.extensions.length) info.extensions = token.extensions;
  return { type: "account", info };
}

/**
 * An account in the shape of getAccountInfo's value for {@code encoding} (binary, base58, base64,
 * jsonParsed; jsonParsed falls back to base64 for accounts it cannot parse, as Solana does).
 */
function accountJson(account, encoding, dataSlice, decimalsOf) {
  if (!account) return null;
  const out = {
    lamports: Number(account.lamports), owner: account.owner, executable: account.executable,
    rentEpoch: U64_MAX, space: account.data.length,
  };
  if (encoding === "jsonParsed") {
    const token = parseToken(account);
    if (token) {
      out.data = { program: programName(account.owner), parsed: parsedToken(token, decimalsOf), space: account.data.length };
      return out;
    }
    encoding = "base64";
  }
  let data = account.data;
  if (dataSlice) data = data.subarray(dataSlice.offset || 0, (dataSlice.offset || 0) + (dataSlice.length || 0));
  if (encoding === "binary") out.data = base58.decode(data);
  else if (encoding === "base58") out.data = [base58.decode(data), "base58"];
  else out.data = [data.toString("base64"), "base64"];
  return out;
}

/** Solana's TransactionTokenBalance of account index {@code index} holding {@code token}. */
function tokenBalance(index, token, decimals) {
  return { accountIndex: index, mint: token.mint, owner: token.owner, programId: token.program, uiTokenAmount: uiTokenAmount(token.amount, decimals) };
}

module.exports = {
  TOKEN_PROGRAM, TOKEN_2022_PROGRAM, U64_MAX,
  AccountHistory, parseToken, accountJson, uiTokenAmount, tokenBalance, isTokenProgram,
};
