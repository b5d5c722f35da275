package org.teavm.classlib.java.util.concurrent.locks;

/**
 * The browser's {@code ReentrantLock}, which TeaVM's class library lacks and jackson-core's recycler pools use.
 * JavaScript runs one thread, so the lock is always free. Compiled by TeaVM only; left out of the jar.
 */
public class TReentrantLock {

    public void lock() {
        // One thread: nothing to wait for.
    }

    public boolean tryLock() {
        return true;
    }

    public void unlock() {
        // Nothing was held.
    }
}
