// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// chainsync's credential anchor: one call records one credential memo (which carries the
/// credential hash) in the chain's logs, under the sender's address. It keeps no state, so an
/// anchor costs only the call and the log.
contract Anchor {
    /// A credential anchored by `issuer`; `memoHash` (keccak-256 of `memo`) lets readers filter by it.
    event Anchored(address indexed issuer, bytes32 indexed memoHash, string memo);

    /// Emits {Anchored} for `memo` from the caller.
    function anchor(string calldata memo) external {
        emit Anchored(msg.sender, keccak256(bytes(memo)), memo);
    }
}
