/**
 * Plumbing shared by the platform readers: JSON error positions, byte metering for progress bars, fast date
 * arithmetic, spooling one-shot streams to disk. Public only because the readers live in sibling packages;
 * not part of chatpack's API.
 */
package dev.chainsync.chatpack.io;
