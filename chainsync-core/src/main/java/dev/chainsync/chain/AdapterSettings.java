package dev.chainsync.chain;

/**
 * The settings of a chain adapter that lives in a subpackage ({@code chain.solana}, ...). The
 * adapter's package depends on this one, never the other way: {@link ChainConfig} holds the
 * settings by this type and the wiring hands in each adapter's loader.
 */
public interface AdapterSettings {}
