// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// A stand-in for the Intuition MultiVault (v2) that only emits its five events, declared exactly as
/// IMultiVault.sol v2 declares them (names, types, which arguments are indexed), so their topics and
/// data are the real contract's. For chainsync's ingest tests and benchmarks: it keeps no state, so
/// any event with any arguments can be emitted, and `fill` emits many cheaply.
contract IntuitionEvents {
    event AtomCreated(address indexed creator, bytes32 indexed termId, bytes atomData, address atomWallet);

    event TripleCreated(
        address indexed creator, bytes32 indexed termId, bytes32 subjectId, bytes32 predicateId, bytes32 objectId
    );

    event Deposited(
        address indexed sender,
        address indexed receiver,
        bytes32 indexed termId,
        uint256 curveId,
        uint256 assets,
        uint256 assetsAfterFees,
        uint256 shares,
        uint256 totalShares,
        uint8 vaultType
    );

    event Redeemed(
        address indexed sender,
        address indexed receiver,
        bytes32 indexed termId,
        uint256 curveId,
        uint256 shares,
        uint256 totalShares,
        uint256 assets,
        uint256 fees,
        uint8 vaultType
    );

    /// Unlike Deposited and Redeemed, the real contract indexes curveId here.
    event SharePriceChanged(
        bytes32 indexed termId, uint256 indexed curveId, uint256 sharePrice, uint256 totalAssets, uint256 totalShares, uint8 vaultType
    );

    /// The salt of a triple's counter-triple term id: keccak256(abi.encodePacked(COUNTER_SALT, tripleId)).
    bytes32 public constant COUNTER_SALT = keccak256("COUNTER_SALT");

    /// Events `fill` emits per group (see there).
    uint256 public constant FILL_GROUP = 10;

    function atomCreated(address creator, bytes32 termId, bytes calldata atomData, address atomWallet) external {
        emit AtomCreated(creator, termId, atomData, atomWallet);
    }

    function tripleCreated(address creator, bytes32 termId, bytes32 subjectId, bytes32 predicateId, bytes32 objectId)
        external
    {
        emit TripleCreated(creator, termId, subjectId, predicateId, objectId);
    }

    function deposited(
        address sender,
        address receiver,
        bytes32 termId,
        uint256 curveId,
        uint256 assets,
        uint256 assetsAfterFees,
        uint256 shares,
        uint256 totalShares,
        uint8 vaultType
    ) external {
        emit Deposited(sender, receiver, termId, curveId, assets, assetsAfterFees, shares, totalShares, vaultType);
    }

    function redeemed(
        address sender,
        address receiver,
        bytes32 termId,
        uint256 curveId,
        uint256 shares,
        uint256 totalShares,
        uint256 assets,
        uint256 fees,
        uint8 vaultType
    ) external {
        emit Redeemed(sender, receiver, termId, curveId, shares, totalShares, assets, fees, vaultType);
    }

    function sharePriceChanged(
        bytes32 termId,
        uint256 curveId,
        uint256 sharePrice,
        uint256 totalAssets,
        uint256 totalShares,
        uint8 vaultType
    ) external {
        emit SharePriceChanged(termId, curveId, sharePrice, totalAssets, totalShares, vaultType);
    }

    /// Runs each of `calls` (ABI-encoded calls of this contract's functions) in order, in one
    /// transaction: chosen events, many per block.
    function batch(bytes[] calldata calls) external {
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory reason) = address(this).delegatecall(calls[i]);
            if (!ok) {
                assembly {
                    revert(add(reason, 32), mload(reason))
                }
            }
        }
    }

    /// The term id of generated atom `n`.
    function atomId(uint256 n) public pure returns (bytes32) {
        return keccak256(abi.encode("atom", n));
    }

    /// The term id of generated triple `g`.
    function tripleId(uint256 g) public pure returns (bytes32) {
        return keccak256(abi.encode("triple", g));
    }

    /// The counter-triple term id of `triple`, as the real contract derives it.
    function counterId(bytes32 triple) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(COUNTER_SALT, triple));
    }

    /// The account generated group `g` deposits for.
    function account(uint256 g) public pure returns (address) {
        return address(uint160(0xacc0000 + g % 1000));
    }

    /// Emits the generated events numbered `first` to `first + count - 1`, a deterministic workload
    /// that touches every derived table. Event n belongs to group g = n / FILL_GROUP, and its place
    /// r = n % FILL_GROUP in the group chooses it: 0, 1 create atoms 2g and 2g+1; 2 creates triple g
    /// (2g, 2g+1, 2g); 3, 4 deposit into atom 2g and move its price; 5, 6 the same for triple g;
    /// 7, 8 for its counter-triple; 9 redeems half of the atom deposit. Emitting the groups' events
    /// in order (in one call or many) gives a consistent history.
    function fill(uint256 first, uint256 count) external {
        for (uint256 n = first; n < first + count; n++) {
            emitGenerated(n);
        }
    }

    function emitGenerated(uint256 n) internal {
        uint256 g = n / FILL_GROUP;
        uint256 r = n % FILL_GROUP;
        address who = account(g);
        uint256 assets = 1 ether + n * 1e9;
        uint256 net = assets - assets / 100;
        if (r == 0 || r == 1) {
            bytes32 atom = atomId(2 * g + r);
            emit AtomCreated(who, atom, abi.encodePacked("ipfs://atom-", atom), address(uint160(uint256(atom))));
        } else if (r == 2) {
            emit TripleCreated(who, tripleId(g), atomId(2 * g), atomId(2 * g + 1), atomId(2 * g));
        } else if (r == 9) {
            uint256 held = 1 ether + (n - 6) * 1e9;
            held -= held / 100;
            emit Redeemed(who, who, atomId(2 * g), 1, held / 2, held - held / 2, held / 2, held / 200, 0);
        } else {
            uint8 vaultType = uint8((r - 3) / 2);
            bytes32 term = vaultType == 0 ? atomId(2 * g) : vaultType == 1 ? tripleId(g) : counterId(tripleId(g));
            if (r % 2 == 1) {
                emit Deposited(who, who, term, 1, assets, net, net, net, vaultType);
            } else {
                emit SharePriceChanged(term, 1, 1 ether + n, net, net, vaultType);
            }
        }
    }
}
