// The five Intuition MultiVault v2 events, declared as IMultiVault.sol declares them (note:
// SharePriceChanged indexes curveId, Deposited and Redeemed do not). Events only: Ponder needs no
// functions to index logs.
export const IntuitionEventsAbi = [
  {
    type: "event",
    name: "AtomCreated",
    inputs: [
      { name: "creator", type: "address", indexed: true },
      { name: "termId", type: "bytes32", indexed: true },
      { name: "atomData", type: "bytes", indexed: false },
      { name: "atomWallet", type: "address", indexed: false },
    ],
    anonymous: false,
  },
  {
    type: "event",
    name: "TripleCreated",
    inputs: [
      { name: "creator", type: "address", indexed: true },
      { name: "termId", type: "bytes32", indexed: true },
      { name: "subjectId", type: "bytes32", indexed: false },
      { name: "predicateId", type: "bytes32", indexed: false },
      { name: "objectId", type: "bytes32", indexed: false },
    ],
    anonymous: false,
  },
  {
    type: "event",
    name: "Deposited",
    inputs: [
      { name: "sender", type: "address", indexed: true },
      { name: "receiver", type: "address", indexed: true },
      { name: "termId", type: "bytes32", indexed: true },
      { name: "curveId", type: "uint256", indexed: false },
      { name: "assets", type: "uint256", indexed: false },
      { name: "assetsAfterFees", type: "uint256", indexed: false },
      { name: "shares", type: "uint256", indexed: false },
      { name: "totalShares", type: "uint256", indexed: false },
      { name: "vaultType", type: "uint8", indexed: false },
    ],
    anonymous: false,
  },
  {
    type: "event",
    name: "Redeemed",
    inputs: [
      { name: "sender", type: "address", indexed: true },
      { name: "receiver", type: "address", indexed: true },
      { name: "termId", type: "bytes32", indexed: true },
      { name: "curveId", type: "uint256", indexed: false },
      { name: "shares", type: "uint256", indexed: false },
      { name: "totalShares", type: "uint256", indexed: false },
      { name: "assets", type: "uint256", indexed: false },
      { name: "fees", type: "uint256", indexed: false },
      { name: "vaultType", type: "uint8", indexed: false },
    ],
    anonymous: false,
  },
  {
    type: "event",
    name: "SharePriceChanged",
    inputs: [
      { name: "termId", type: "bytes32", indexed: true },
      { name: "curveId", type: "uint256", indexed: true },
      { name: "sharePrice", type: "uint256", indexed: false },
      { name: "totalAssets", type: "uint256", indexed: false },
      { name: "totalShares", type: "uint256", indexed: false },
      { name: "vaultType", type: "uint8", indexed: false },
    ],
    anonymous: false,
  },
] as const;
