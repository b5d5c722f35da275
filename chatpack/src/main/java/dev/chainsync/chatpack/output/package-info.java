/**
 * The CSV, JSONL and JSON writers, and atomic file output. {@link dev.chainsync.chatpack.output.Writers} and
 * {@link dev.chainsync.chatpack.output.AtomicOutput} are the entry points; everything else is package-private.
 */
package dev.chainsync.chatpack.output;
